"""The ``liability-lab`` command: analyse a scenario, list the casebook, serve the tutorial.

Bad input never shows a traceback: it ends with exit status 2 and one line on stderr naming the field and what is
allowed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        self.exit(EXIT_BAD_INPUT, f"liability-lab: {message} (see liability-lab --help)\n")


def _fail(message: str) -> int:
    one_line = " ".join(str(message).split())
    print(f"liability-lab: {one_line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_analyze(args) -> int:
    from casebook.engine import analyze
    from casebook.scenario import ScenarioError, load

    try:
        scenario, _raw = load(args.file)
        result = analyze(scenario, args.regime, args.lang)
    except ScenarioError as exc:
        return _fail(str(exc))
    if args.json:
        _print_json(result)
    else:
        print(result["form_name"])
        print(result["summary"])
        for step in result["trace"]:
            mark = "✓" if step["held"] else "✗"
            print(f"  {mark} {step['name']} ({step['citation']}): {step['reason']}")
        p = result["payments"]
        print(f"  seller {p['seller']:,.2f} / platform {p['platform']:,.2f} / unrecovered {p['consumer_unrecovered']:,.2f}")
    return 0


def cmd_cases(args) -> int:
    from casebook.cases import decisions_json

    data = decisions_json()
    if args.json:
        _print_json(data)
    else:
        for d in data:
            print(f"{d['id']:28} {d['case_number'] or '—':24} {d['instance']:6} {d['liability_form']}")
    return 0


def notebooks_dir() -> Path:
    """The tutorial's notebooks: beside the package in a checkout, else ./notebooks."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def voila_argv(port: int, public: bool, ip: str, root: Path, max_kernels: int | None = None,
               extra: tuple[str, ...] | list[str] = (), max_per_client: int | None = None,
               client_ip_header: str | None = None, class_size: int | None = None) -> list[str]:
    """The Voila command line; ``--public`` adds the hardened settings documented in the README.

    A public server runs :mod:`server.public` (Voila's own app with a cap on kernels and a notice when a
    session ends), the default one :mod:`server.local` (the same app without the caps and the hardening: it frees a
    closed or idle page's kernel and preheats what a learner opens first). ``class_size`` sizes the analyzer's pool
    and, when public, the caps for a class (:func:`server.settings.class_sizes`); an explicit ``max_kernels`` or
    ``max_per_client`` wins. ``extra`` holds further Voila flags (``--Class.trait=value``); each replaces ours of the
    same name.
    """
    from .settings import (DEFAULT_MAX_KERNELS, LOCAL_POOL_SIZES, class_sizes, local_settings, performance_settings,
                           public_settings)

    module = "server.public" if public else "server.local"
    argv = [sys.executable, "-m", module, str(root), "--no-browser", f"--port={port}", f"--Voila.ip={ip}"]
    sizes = class_sizes(class_size, None if public else LOCAL_POOL_SIZES) if class_size else None
    if public:
        argv += public_settings()  # starts with show_tracebacks=False; traitlets refuses a scalar given twice
        argv += performance_settings(sizes["pools"] if sizes else None,  # the preheated pool (docs/deploy.md)
                                     sizes["pool_env"] if sizes else None)
        if max_kernels is None:
            max_kernels = sizes["max_kernels"] if sizes else DEFAULT_MAX_KERNELS
        argv.append(f"--PublicVoila.max_kernels={max_kernels}")
        if max_per_client is None and sizes:
            max_per_client = sizes["max_per_client"]
        if max_per_client is not None:
            argv.append(f"--PublicVoila.max_per_client={max_per_client}")
        if sizes:
            argv.append(f"--PublicVoila.renders_per_minute={sizes['renders_per_minute']}")
        if client_ip_header:
            argv.append(f"--PublicVoila.client_ip_header={client_ip_header}")
    else:
        argv.append("--VoilaConfiguration.show_tracebacks=False")
        argv += local_settings()  # a closed or idle page's kernel is freed (server/local.py)
        argv += performance_settings(sizes["pools"] if sizes else LOCAL_POOL_SIZES, sizes["pool_env"] if sizes else None)
    from .settings import resilience_settings
    from .template import voila_flags

    argv += resilience_settings()  # a burst of visitors does not lose the pages' widgets (server/settings.py)

    argv += voila_flags()  # <html lang> on the tree and error pages
    # traitlets refuses a setting given twice: a flag in ``extra`` replaces ours of the same name.
    replaced = {flag.split("=", 1)[0] for flag in extra}
    return [a for a in argv if a.split("=", 1)[0] not in replaced or not a.startswith("--")] + list(extra)


def cmd_serve(args) -> int:
    root = Path(args.notebooks) if args.notebooks else notebooks_dir()
    if not root.is_dir():
        return _fail(f"notebooks: no such folder {root}")
    for flag, value in (("--max-kernels", args.max_kernels), ("--max-per-client", args.max_per_client),
                        ("--client-ip-header", args.client_ip_header)):
        if value is not None and not args.public:
            return _fail(f"{flag} applies only with --public")
    argv = voila_argv(args.port, args.public, args.ip, root, args.max_kernels, args.voila,
                      max_per_client=args.max_per_client, client_ip_header=args.client_ip_header,
                      class_size=args.class_size)
    print(f"Serving {root} on http://{args.ip}:{args.port}/", file=sys.stderr)
    from .template import environ

    from classroom.store import ENV_DB, default_path

    env = environ()
    env[ENV_DB] = str(default_path())  # every kernel of this server shares one class store (chapter 09)
    # Hand the process over to Voila (nothing of ours is left to clean up), with the project's template on its path.
    os.execve(sys.executable, argv, env)
    return 0  # pragma: no cover


def build_parser() -> argparse.ArgumentParser:
    from casebook.engine import LANGS, REGIMES

    parser = _Parser(prog="liability-lab", description="Platform Liability Lab (平台责任实验室)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    a = sub.add_parser("analyze", help="analyse a scenario file (JSON or YAML; - for stdin)")
    a.add_argument("file")
    a.add_argument("--regime", default="statute", choices=REGIMES)
    a.add_argument("--lang", default="zh", choices=LANGS)
    a.add_argument("--json", action="store_true", help="print the analysis as JSON")
    a.set_defaults(func=cmd_analyze)

    c = sub.add_parser("cases", help="list the casebook's decisions")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_cases)

    s = sub.add_parser("serve", help="serve the tutorial with Voila")
    s.add_argument("--port", type=_port, default=8866)
    s.add_argument("--public", action="store_true", help="hardened settings for a public demo")
    s.add_argument("--ip", default="127.0.0.1", help="address to bind (default: loopback only)")
    s.add_argument("--max-kernels", type=_max_kernels, default=None, metavar="N",
                   help="with --public: most visitors with a kernel at once (default 20); the next get a 503 page")
    s.add_argument("--max-per-client", type=_max_per_client, default=None, metavar="N",
                   help="with --public: most pages with a kernel per client address (default 6; 0: no cap). A class "
                        "behind one school address needs at least the class's size, e.g. 45")
    s.add_argument("--client-ip-header", type=_header_name, default=None, metavar="NAME",
                   help="with --public behind a reverse proxy: the header the proxy sets to the visitor's address "
                        "(e.g. X-Real-IP); never set it without such a proxy")
    s.add_argument("--class", dest="class_size", type=_class_size, default=None, metavar="N",
                   help="a class of N opening one link together: the analyzer's preheated pool holds N kernels, and "
                        "with --public the caps fit the class behind one school address (--class 40: --max-kernels "
                        "60, --max-per-client 45); each pooled kernel holds ~45-60 MB while it waits")
    s.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    # Further Voila flags, for tests and benchmarks (e.g. --voila=--MappingKernelManager.cull_idle_timeout=5).
    s.add_argument("--voila", action="append", default=[], help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_serve)
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a whole number from 1 to 65535, not {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be from 1 to 65535, not {port}")
    return port


def _max_kernels(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"max-kernels must be a whole number from 1 to 10000, not {text!r}") from None
    if not 1 <= n <= 10000:
        raise argparse.ArgumentTypeError(f"max-kernels must be from 1 to 10000, not {n}")
    return n


def _max_per_client(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"max-per-client must be a whole number from 0 to 10000, not {text!r}") from None
    if not 0 <= n <= 10000:
        raise argparse.ArgumentTypeError(f"max-per-client must be from 0 to 10000, not {n}")
    return n


def _class_size(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"class must be a whole number from 1 to 200, not {text[:40]!r}") from None
    if not 1 <= n <= 200:
        raise argparse.ArgumentTypeError(f"class must be from 1 to 200, not {n}")
    return n


def _header_name(text: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", text):
        raise argparse.ArgumentTypeError(f"client-ip-header must be a header name such as X-Real-IP, not {text[:40]!r}")
    return text


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `liability-lab cases --json | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
