"""Build the static edition (``make static``): the whole tutorial as files, its Python run by Pyodide in the
visitor's browser, with no server-side Python and no CDN.

Run with the build tools' interpreter (``make static`` makes it: deploy/static/requirements-build.txt)::

    build/static-tools/venv/bin/python tools/build_static_site.py [--out build/static]

What it does, each step from PyPI or the npm registry only:

1. npm: Pyodide's core (``pyodide@0.29.3``: the interpreter, its standard library, no packages) and Font Awesome
   (the widgets' two icons), deploy/static/package.json.
2. PyPI: the pure-Python wheels of deploy/static/requirements-pyodide.txt (the kernel's and ipywidgets), exactly
   those, at the versions of Pyodide 0.29's own lock. PyYAML has no pure-Python wheel: one is made from its source
   distribution (its C extension is optional; the tutorial's data files read the same without it, a test checks).
3. The tutorial's own wheel (casebook + widgets and their data), and two named stand-ins with no module in them:
   ``sqlite3`` (Pyodide's is compiled and on a CDN only; without it IPython keeps no history, which a page never
   uses) and ``jedi`` (code completion, which a page never asks for: its 1.5 MB and its import are saved).
4. IPython's wheel imports its terminal, and piplite's micropip, only when asked for (PATCHES below). Every
   module in those wheels, and in Pyodide's standard library (the npm package ships it as sources), is compiled to
   Python 3.13 bytecode (by Pyodide itself, under Node.js) and its source left out: nothing is compiled in the
   browser.
5. ``pyodide-lock.json`` listing exactly those wheels (file, sha256, imports, depends): the kernel loads them all
   at start, in parallel, and ``from widgets.app import ...`` finds the tutorial's wheel without a ``%pip`` cell.
5b. The kernel's start as a Pyodide memory snapshot (deploy/static/make_snapshot.js, Pyodide under Node.js): the
   wheels unpacked, the kernel and every module of the tutorial imported, each notebook's cells run once with no
   kernel (the data files read); its memory and its unpacked site-packages are served beside Pyodide, and the
   site's pyodide.js (deploy/static/snapshot_loader.js appended) loads them instead of starting Python, importing
   and unpacking in the browser. The wheels stay, for a browser where the snapshot cannot load.
6. ``voici build`` of notebooks/ with that Pyodide, then each page is finished: Font Awesome served from the
   site, Voici's remote Mermaid loader removed (no page draws a diagram), and deploy/static/page_setup.js put
   before Voici's script (the page's URL handed to the kernel, JupyterLite's service worker kept out, <html lang>,
   the loading text in both languages). What no page loads is pruned; index.html lists the chapters.
7. A service worker (deploy/static/service_worker.js, one cache per build) fetches the site's files (not the
   wheels, with the snapshot) into the browser's cache once a page's first widget is shown, so a second visit
   downloads only its page.

The result is one folder for any static file host.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "static"
TOOLS = ROOT / "build" / "static-tools"
PYODIDE_VERSION = "0.29.3"
PROJECT = "platform-liability-lab"
PROJECT_PACKAGES = ("casebook", "widgets", "classroom")
# Files of the project's packages the static pages never read: Voila's page template and its server settings.
PROJECT_SKIP = re.compile(r"^casebook/data/paper/")  # the quotation tests' copy of the paper: not for pages
# Requirements of the served wheels that the browser does not need: the widgets' front-end code (Voici brings its
# own), and modules for terminals and Windows.
NOT_SERVED = {"widgetsnbextension", "jupyterlab-widgets", "pexpect", "colorama", "typing-extensions"}
# What the kernel loads before the page's first cell: jupyterlite-pyodide-kernel's worker installs each of its six
# packages (and micropip, piplite) one after the other with piplite unless it is named here; named here, Pyodide
# loads them all at once from the lock. The tutorial's wheel comes in the same batch.
PRELOAD = ["micropip", "piplite", "sqlite3", "ipykernel", "comm", "pyodide_kernel", "jedi", "ipython",
           "ipywidgets", "pyyaml", PROJECT]
# Hosts a page could load code or styles from (a hyperlink to a source, e.g. the statutes' repository, is no load).
CDN_HOSTS = re.compile(r"https?://(?:cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|unpkg\.com|pypi\.org|"
                       r"files\.pythonhosted\.org|fonts\.googleapis\.com|fonts\.gstatic\.com)[^\"'\s)]*")


def log(message: str) -> None:
    print(f"static: {message}", flush=True)


def run(*cmd, **kwargs) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- wheels ---------------------------------------------------------------------------------------------------


def write_wheel(path: Path, name: str, version: str, files: dict, requires=(), summary: str = "") -> Path:
    """A py3-none-any wheel of ``files`` (arcname -> bytes), with its METADATA, WHEEL and RECORD."""
    dist = f"{re.sub(r'[-.]+', '_', name)}-{version}"
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        meta.append(f"Summary: {summary}")
    meta += [f"Requires-Dist: {r}" for r in requires]
    files = dict(files)
    files[f"{dist}.dist-info/METADATA"] = ("\n".join(meta) + "\n").encode()
    files[f"{dist}.dist-info/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: platform-liability-lab static build\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arc in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[arc]).digest()).rstrip(b"=").decode()
        writer.writerow([arc, f"sha256={digest}", len(files[arc])])
    writer.writerow([f"{dist}.dist-info/RECORD", "", ""])
    files[f"{dist}.dist-info/RECORD"] = record.getvalue().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    out = path / f"{dist}-py3-none-any.whl" if path.is_dir() or not path.suffix else path
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc in sorted(files):
            info = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[arc])
    return out


def pinned() -> list[tuple[str, str]]:
    pins = []
    for line in (DEPLOY / "requirements-pyodide.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins.append((name.strip(), version.strip()))
    return pins


def download_wheels(pip: list[str]) -> list[Path]:
    cache = TOOLS / "wheels"
    cache.mkdir(parents=True, exist_ok=True)
    wanted = [(n, v) for n, v in pinned() if canonical(n) != "pyyaml"]
    missing = [f"{n}=={v}" for n, v in wanted if not _find_wheel(cache, n, v)]
    if missing:
        log(f"downloading {len(missing)} wheels from PyPI")
        run(*pip, "download", "--quiet", "--no-deps", "--only-binary=:all:", "--python-version", "3.13",
            "-d", cache, *missing)
    wheels = []
    for name, version in wanted:
        found = _find_wheel(cache, name, version)
        if not found:
            raise SystemExit(f"static: no pure-Python wheel of {name}=={version} was downloaded")
        wheels.append(found)
    return wheels


def _find_wheel(folder: Path, name: str, version: str) -> Path | None:
    stem = re.sub(r"[-_.]+", "_", name).lower()
    for p in folder.glob("*.whl"):
        parts = p.name.split("-")
        if (re.sub(r"[-_.]+", "_", parts[0]).lower() == stem and parts[1] == version
                and p.name.endswith("-none-any.whl")):
            return p
    return None


def pyyaml_wheel(pip: list[str], out: Path) -> Path:
    """PyYAML's pure-Python package from its source distribution (no wheel of it on PyPI runs in Pyodide)."""
    version = dict((canonical(n), v) for n, v in pinned())["pyyaml"]
    sdists = TOOLS / "sdist"
    tarball = sdists / f"pyyaml-{version}.tar.gz"
    if not tarball.exists():
        log(f"downloading PyYAML {version}'s source distribution from PyPI")
        run(*pip, "download", "--quiet", "--no-deps", "--no-binary=:all:", "-d", sdists,
            f"pyyaml=={version}")
    files = {}
    with tarfile.open(tarball) as tf:
        for member in tf.getmembers():
            m = re.match(rf"pyyaml-{re.escape(version)}/lib/(yaml/[^/]+\.py)$", member.name, re.I)
            if m and member.isfile():
                files[m.group(1)] = tf.extractfile(member).read()
    if "yaml/__init__.py" not in files:
        raise SystemExit(f"static: {tarball} has no lib/yaml/__init__.py")
    return write_wheel(out, "PyYAML", version, files, summary="PyYAML's pure-Python parser and emitter")


def standin_wheels(out: Path) -> list[Path]:
    note = ("A stand-in of the static edition: no module. The kernel asks for it at start; without it, {what}.")
    return [
        write_wheel(out, "sqlite3", "0.0.0", {}, summary=note.format(what="IPython keeps no history")),
        write_wheel(out, "jedi", "0.0.0", {}, summary=note.format(what="IPython completes without jedi")),
    ]


def project_wheel(out: Path) -> Path:
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    files = {}
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            arc = path.relative_to(ROOT).as_posix()
            if (path.is_file() and "__pycache__" not in arc and not arc.endswith(".pyc")
                    and not PROJECT_SKIP.match(arc)):
                files[arc] = path.read_bytes()
    return write_wheel(out, PROJECT, version, files, requires=["ipywidgets>=8", "pyyaml>=6.0", "fastjsonschema>=2.19"],
                       summary="Platform Liability Lab: the tutorial's engine, data and widgets")


# Changes to served wheels, each (wheel name prefix, file, the text replaced, its replacement), applied in order; the
# build stops if a text is no longer there (a new version: review the patch). IPython imports its
# terminal (prompt_toolkit: 115 modules, about 45% of the kernel's start in Pyodide) at import, only to offer
# IPython.embed, which no page uses: it is imported when asked for instead.
PATCHES = [
    ("ipython-", "IPython/__init__.py", "from .terminal.embed import embed\n",
     "def __getattr__(name):  # the static edition: the terminal (prompt_toolkit) only when asked for\n"
     "    if name == \"embed\":\n"
     "        from .terminal.embed import embed\n"
     "        return embed\n"
     "    raise AttributeError(f\"module 'IPython' has no attribute {name!r}\")\n"),
    # piplite (the kernel's %pip) imports micropip, packaging and unittest.mock when the kernel starts, only to be
    # ready for an install no page makes: they are imported by the first install instead.
    ("piplite-", "piplite/piplite.py", "from typing import Any\nimport asyncio\n",
     "from __future__ import annotations  # the static edition: micropip is imported by the first install\n"
     "from typing import Any\nimport asyncio\n"),
    ("piplite-", "piplite/piplite.py",
     "from unittest.mock import patch\n\nimport micropip\nfrom micropip.package_index import ProjectInfo, "
     "CompatibilityLayer\nfrom micropip.package_index import query_package as _MP_QUERY_PACKAGE\n",
     "def _import_micropip():\n"
     "    global patch, micropip, ProjectInfo, CompatibilityLayer, _MP_QUERY_PACKAGE\n"
     "    from unittest.mock import patch\n"
     "    import micropip\n"
     "    from micropip.package_index import ProjectInfo, CompatibilityLayer\n"
     "    from micropip.package_index import query_package as _MP_QUERY_PACKAGE\n"),
    ("piplite-", "piplite/piplite.py",
     '    """Invoke micropip.install with a patch to get data from local indexes"""\n',
     '    """Invoke micropip.install with a patch to get data from local indexes"""\n    _import_micropip()\n'),
]


def patch_wheels(wheels: list[Path]) -> None:
    for prefix, arc, old, new in PATCHES:
        wheel = next((w for w in wheels if w.name.lower().startswith(prefix)), None)
        if wheel is None:
            raise SystemExit(f"static: no wheel {prefix}* to patch")
        with zipfile.ZipFile(wheel) as zf:
            entries = [(info, zf.read(info)) for info in zf.infolist()]
        found = False
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in entries:
                if info.filename == arc:
                    text = data.decode("utf-8")
                    if old not in text:
                        raise SystemExit(f"static: {wheel.name}:{arc} no longer holds {old.strip()!r}: review PATCHES")
                    data = text.replace(old, new, 1).encode("utf-8")
                    found = True
                zf.writestr(info, data)
        if not found:
            raise SystemExit(f"static: {wheel.name} has no {arc}")


def precompile(wheels: list[Path], node_modules: Path) -> None:
    """Replace each wheel's .py files by Python 3.13 bytecode, compiled by Pyodide itself under Node.js."""
    script = DEPLOY / "compile_wheels.js"
    folder = wheels[0].parent
    run("node", script, folder, *[w.name for w in wheels], env={**os.environ, "NODE_PATH": str(node_modules)})


def make_snapshot(pyodide_dir: Path, node_modules: Path) -> None:
    """The kernel's start as a Pyodide memory snapshot (deploy/static/make_snapshot.js), loaded by the site's
    pyodide.js (deploy/static/snapshot_loader.js, appended to it) instead of starting Python and importing again."""
    log("the kernel's memory snapshot (Pyodide under Node.js: the kernel's and the tutorial's imports)")
    run("node", DEPLOY / "make_snapshot.js", pyodide_dir, ROOT / "notebooks",
        env={**os.environ, "NODE_PATH": str(node_modules)})
    loader = (DEPLOY / "snapshot_loader.js").read_text(encoding="utf-8")
    with open(pyodide_dir / "pyodide.js", "a", encoding="utf-8") as fh:
        fh.write("\n" + loader)


def wheel_info(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    imports = set()
    for n in names:
        top = n.split("/", 1)[0]
        if top.endswith(".dist-info") or top.endswith(".data"):
            continue
        if "/" in n:
            imports.add(top)
        elif n.endswith((".py", ".pyc")):
            imports.add(n.rsplit(".", 1)[0])
    return {"name": meta["Name"], "version": meta["Version"], "requires": meta.get_all("Requires-Dist") or [],
            "imports": sorted(imports)}


def depends(requires: list[str], served: set[str]) -> list[str]:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    env = dict(default_environment(), python_version="3.13", python_full_version="3.13.2", sys_platform="emscripten",
               platform_system="Emscripten", platform_machine="wasm32", implementation_name="cpython",
               platform_python_implementation="CPython", os_name="posix", extra="")
    out = []
    for text in requires:
        req = Requirement(text)
        if req.marker and not req.marker.evaluate(env):
            continue
        name = canonical(req.name)
        if name in served:
            out.append(name)
        elif name not in NOT_SERVED:
            raise SystemExit(f"static: a served wheel requires {text!r}, which the site does not serve: add it to "
                             "deploy/static/requirements-pyodide.txt or to NOT_SERVED with the reason")
    return sorted(set(out))


# Dependencies the lock leaves out, so that Pyodide does not load them at start: the wheel is still served and listed,
# and a cell that imports it loads it. IPython's terminal (prompt_toolkit, and wcwidth with it) is imported only by
# IPython.embed (see PATCHES).
LAZY = {("ipython", "prompt-toolkit")}


def write_lock(pyodide_dir: Path, wheels: list[Path], npm_lock: Path) -> dict:
    base = json.loads(npm_lock.read_text(encoding="utf-8"))
    infos = {w: wheel_info(w) for w in wheels}
    served = {canonical(i["name"]) for i in infos.values()}
    packages = {}
    for wheel, info in sorted(infos.items(), key=lambda kv: canonical(kv[1]["name"])):
        name = canonical(info["name"])
        packages[name] = {
            "name": name, "version": info["version"], "file_name": wheel.name, "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(), "package_type": "package",
            "imports": info["imports"],
            "depends": [d for d in depends(info["requires"], served) if (name, d) not in LAZY],
            "unvendored_tests": False, "shared_library": False,
        }
    lock = {"info": base["info"], "packages": packages}
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")
    return lock


# --- the site -------------------------------------------------------------------------------------------------


def npm_assets() -> Path:
    folder = TOOLS / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    spec = (DEPLOY / "package.json").read_bytes()
    stamp = folder / ".installed"
    if not stamp.exists() or stamp.read_bytes() != spec:
        log("installing Pyodide's core and Font Awesome from the npm registry")
        (folder / "package.json").write_bytes(spec)
        run("npm", "install", "--no-package-lock", "--no-audit", "--no-fund", "--silent", cwd=folder)
        stamp.write_bytes(spec)
    modules = folder / "node_modules"
    version = json.loads((modules / "pyodide" / "package.json").read_text())["version"]
    if version != PYODIDE_VERSION:
        raise SystemExit(f"static: npm gave pyodide {version}, not {PYODIDE_VERSION}")
    return modules


def lite_config() -> dict:
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "平台责任实验室 Platform Liability Lab",
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {"packages": PRELOAD},
                },
            },
        },
    }


def finish_page(path: Path, depth: str) -> None:
    """Font Awesome from the site, no remote Mermaid loader, the query bridge before Voici's script."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r'https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/]+/css/',
                  f"{depth}fontawesome/css/", html)
    html = re.sub(r'<link[^>]*href="https://cdn\.jsdelivr\.net/npm/font-awesome@4[^"]*"[^>]*>',
                  f'<link rel="stylesheet" href="{depth}fontawesome/css/all.min.css" type="text/css" />'
                  f'<link rel="stylesheet" href="{depth}fontawesome/css/v4-shims.min.css" type="text/css" />', html)
    # Voici's page imports Mermaid from a CDN when a cell holds a diagram; none does: the loader goes, whole.
    html = re.sub(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>', "", html,
                  flags=re.S)
    bridge = f'<script src="{depth}voici/build/ll-page-setup.js"></script>\n'
    html = re.sub(r'(<script src="[^"]*/build/voici\.js"></script>)', lambda m: bridge + m.group(1), html, count=1)
    left = CDN_HOSTS.findall(html)
    if left:
        raise SystemExit(f"static: {path} still refers to {sorted(set(left))[:3]}")
    path.write_text(html, encoding="utf-8")


# What voici build writes that no page loads: JupyterLite's own applications (the lab, its file browser's service
# worker). The browser test fails on any request the site cannot answer, so a needed file cannot go unnoticed.
PRUNE = ("build", "doc", "service-worker.js", "extensions/@voila-dashboards", "extensions/jupyterlab_pygments")


def prune(out: Path) -> None:
    for name in PRUNE:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def nav_pages():
    """widgets/nav.py's pages (id, {zh, en}, section), read without importing the widgets (no ipywidgets here)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ll_nav", ROOT / "widgets" / "nav.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PAGES


def write_index(out: Path, megabytes: float) -> None:
    """The site's front page: the table of contents in both languages, and straight on to the first chapter."""
    from html import escape

    items = "\n".join(
        f'<li><a href="voici/render/{escape(pid)}.html?lang=zh" lang="zh">{escape(names["zh"])}</a> · '
        f'<a href="voici/render/{escape(pid)}.html?lang=en" lang="en">{escape(names["en"])}</a>'
        f'{" <small>" + escape(section) + "</small>" if section else ""}</li>'
        for pid, names, section in nav_pages())
    (out / "index.html").write_text(f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>平台责任实验室 · Platform Liability Lab</title>
<style>
body {{ font: 18px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #1b1b1b; }}
a {{ color: #1a4480; }} small {{ color: #555; }} li {{ margin: .3em 0; }}
</style>
</head>
<body>
<h1>平台责任实验室 <span lang="en">Platform Liability Lab</span></h1>
<p>电商平台对消费者的民事责任：一份中英双语的互动教程。每一页的 Python 都在您的浏览器中运行，不需要服务器；
首次打开需下载约 {megabytes:.0f} MB，之后从浏览器缓存加载。教学工具，不构成法律意见。</p>
<p lang="en">The civil liability of Chinese e-commerce platforms toward consumers: an interactive tutorial in Chinese
and English. Each page's Python runs in your browser, with no server: the first visit downloads about {megabytes:.0f} MB,
later visits load from the browser's cache. A teaching tool, not legal advice.</p>
<ol start="0">
{items}
</ol>
</body>
</html>
""", encoding="utf-8")


def build(out: Path, skip_compile: bool = False, snapshot: bool = True) -> None:
    t0 = time.monotonic()
    pip = [sys.executable, "-m", "pip"]
    work = TOOLS / "work"
    shutil.rmtree(work, ignore_errors=True)
    lite = work / "lite"
    pyodide_dir = lite / "static" / "pyodide"
    pyodide_dir.mkdir(parents=True)

    modules = npm_assets()
    core = modules / "pyodide"
    for name in ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "package.json"):
        shutil.copy2(core / name, pyodide_dir / name)

    wheels = [shutil.copy2(w, pyodide_dir / w.name) for w in download_wheels(pip)]
    wheels = [Path(w) for w in wheels]
    kernel_pypi = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite" / \
        "pyodide-kernel-extension" / "static" / "pypi"
    for name in ("piplite-*.whl", "pyodide_kernel-*.whl", "ipykernel-*.whl"):
        for w in kernel_pypi.glob(name):
            wheels.append(Path(shutil.copy2(w, pyodide_dir / w.name)))
    wheels.append(pyyaml_wheel(pip, pyodide_dir))
    wheels += standin_wheels(pyodide_dir)
    wheels.append(project_wheel(pyodide_dir))
    patch_wheels(wheels)
    if not skip_compile:
        log(f"compiling {len(wheels)} wheels and the standard library to Python 3.13 bytecode in Pyodide")
        precompile(wheels + [pyodide_dir / "python_stdlib.zip"], modules)
    lock = write_lock(pyodide_dir, wheels, core / "pyodide-lock.json")
    log(f"pyodide-lock.json: {len(lock['packages'])} wheels")
    if snapshot:
        make_snapshot(pyodide_dir, modules)

    (lite / "jupyter-lite.json").write_text(json.dumps(lite_config(), indent=1), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    kernel_ext = kernel_pypi.parents[1]
    log("voici build")
    run(Path(sys.prefix) / "bin" / "voici", "build", "--no-sourcemaps", "--ignore-sys-prefix",
        f"--FederatedExtensionAddon.extra_labextensions_path={kernel_ext.parent}",
        "--contents", ROOT / "notebooks", "--output-dir", out, "--lite-dir", lite, cwd=lite)

    fa = modules / "@fortawesome" / "fontawesome-free"
    (out / "fontawesome" / "css").mkdir(parents=True)
    (out / "fontawesome" / "webfonts").mkdir()
    for css in ("all.min.css", "v4-shims.min.css"):
        shutil.copy2(fa / "css" / css, out / "fontawesome" / "css" / css)
    for font in (fa / "webfonts").glob("*.woff2"):  # every browser that runs Pyodide reads woff2
        shutil.copy2(font, out / "fontawesome" / "webfonts" / font.name)
    shutil.copy2(fa / "LICENSE.txt", out / "fontawesome" / "LICENSE.txt")
    shutil.copy2(DEPLOY / "page_setup.js", out / "voici" / "build" / "ll-page-setup.js")
    for page in sorted((out / "voici").rglob("*.html")):
        depth = "../" * (len(page.relative_to(out).parts) - 1)
        finish_page(page, depth)
    prune(out)
    served = ("static", "voici", "extensions", "fontawesome")
    loaded = [p for p in out.rglob("*") if p.is_file() and p.relative_to(out).parts[0] in served]
    write_index(out, sum(p.stat().st_size for p in loaded) / 1e6)
    build_id = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        build_id.update(path.relative_to(out).as_posix().encode() + b"\0" + path.read_bytes())
    precache = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                      if p.is_file() and p.suffix not in (".html", ".ipynb") and not p.name.endswith(".LICENSE.txt")
                      and p.relative_to(out).parts[0] not in ("files",)
                      and not (snapshot and p.suffix == ".whl"))  # with the snapshot, wheels only if it fails
    worker = (DEPLOY / "service_worker.js").read_text(encoding="utf-8")
    worker = worker.replace("__LL_BUILD_ID__", build_id.hexdigest()[:16]).replace("__LL_PRECACHE__",
                                                                                  json.dumps(precache))
    (out / "ll-service-worker.js").write_text(worker, encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    count = sum(1 for p in out.rglob("*") if p.is_file())
    log(f"built {out} in {time.monotonic() - t0:.0f} s: {count} files, {size / 1e6:.1f} MB; "
        f"the analyzer is voici/render/analyzer.html")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "static")
    parser.add_argument("--no-compile", action="store_true", help="serve the wheels' sources (a quicker build)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="no memory snapshot: the kernel starts Python and imports in the browser (to compare)")
    args = parser.parse_args(argv)
    build(args.out.resolve(), skip_compile=args.no_compile, snapshot=not args.no_snapshot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
