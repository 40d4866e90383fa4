"""The liability-lab command: JSON out, and exit 2 with one line and no traceback on any bad input."""

import json
import subprocess
import sys

import pytest

CMD = [sys.executable, "-m", "server.cli"]


def run(*args, stdin=""):
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_analyze_prints_the_analysis_as_json(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"platform_knowledge": "knew"}), encoding="utf-8")
    out = run("analyze", str(path), "--json", "--lang", "en")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["liability_form"] == "joint" and data["lang"] == "en"


def test_analyze_reads_yaml_from_stdin_under_a_regime():
    out = run("analyze", "-", "--regime", "proposal", "--json",
              stdin="life_health_goods: true\nsafety_duty: failed\ncausation: risk_increasing\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["liability_form"] == "supplementary"


def test_analyze_without_json_prints_a_readable_summary():
    out = run("analyze", "-", "--lang", "en", stdin="{}")
    assert out.returncode == 0 and "No liability" in out.stdout


def test_cases_lists_every_decision_as_json():
    out = run("cases", "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert {"cong-v-taobao", "zhang-v-jd"} <= {d["id"] for d in items}
    for d in items:
        assert {"id", "case_number", "court", "instance", "liability_form", "shares", "facts", "source"} <= set(d)


BAD = [
    ("an unreadable file", ["analyze", "/no/such/file.json"], "", "cannot read"),
    ("text that is neither JSON nor YAML", ["analyze", "-"], "food: [", "neither JSON nor YAML"),
    ("a list instead of a mapping", ["analyze", "-"], "[1]", "mapping"),
    ("an empty file", ["analyze", "-"], "", "mapping"),
    ("an unknown field", ["analyze", "-"], '{"colour": 1}', "colour: unknown field"),
    ("a value out of range", ["analyze", "-"], '{"consumer_fault": 2}', "consumer_fault"),
    ("a wrong type", ["analyze", "-"], '{"food": "yes"}', "food"),
    ("an unknown regime", ["analyze", "-", "--regime", "lenient"], "{}", "statute"),
    ("an unknown language", ["analyze", "-", "--lang", "fr"], "{}", "zh"),
    ("an unknown command", ["frobnicate"], "", "invalid choice"),
    ("no command at all", [], "", "required"),
    ("a port that is not a number", ["serve", "--port", "http"], "", "port"),
    ("a port out of range", ["serve", "--port", "70000"], "", "port"),
    # issue 18 point 9: a 400-digit number printed a traceback (exit 1)
    ("a 400-digit number in JSON", ["analyze", "-"], '{"damages": ' + "9" * 400 + "}", "400 digits"),
    ("a 400-digit number in YAML", ["analyze", "-"], "price: " + "9" * 400 + "\n", "400 digits"),
    ("a 5000-digit number", ["analyze", "-"], '{"damages": ' + "9" * 5000 + "}", "digits"),
    # issue 18 point 2: YAML aliases (a 400-byte file expanding to gigabytes) and notes that are not text
    ("YAML anchors and aliases", ["analyze", "-"],
     "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nassumptions: {harm: *b}\n",
     "anchors or aliases"),
    ("a harmless-looking alias", ["analyze", "-"], "food: &f true\nlife_health_goods: *f\n", "anchors or aliases"),
    ("a note that is a list", ["analyze", "-"], '{"assumptions": {"harm": ["x"]}}', "assumptions"),
    ("a note that is a nested mapping", ["analyze", "-"], '{"assumptions": {"harm": {"zh": {"a": "b"}}}}',
     "assumptions"),
    ("a title that is a mapping of other keys", ["analyze", "-"], '{"title": {"fr": "x"}}', "title"),
    ("a note that is too long", ["analyze", "-"], json.dumps({"assumptions": {"harm": "x" * 1001}}), "too long"),
    # issue 18 point 3: the per-client limits are public-server flags
    ("--max-per-client without --public", ["serve", "--max-per-client", "5"], "", "applies only with --public"),
    ("--max-per-client out of range", ["serve", "--public", "--max-per-client", "-1"], "", "max-per-client"),
    ("a client-ip header that is not a header name", ["serve", "--public", "--client-ip-header", "X Real: IP"], "",
     "client-ip-header"),
]


@pytest.mark.parametrize("args, stdin, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, stdin, message):
    out = run(*args, stdin=stdin)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert message in out.stderr
    assert out.stdout == ""


def test_serve_refuses_a_missing_notebook_folder(tmp_path):
    out = run("serve", "--notebooks", str(tmp_path / "none"))
    assert out.returncode == 2 and "notebooks" in out.stderr


def test_the_per_client_flags_reach_the_public_server(tmp_path):
    from server.cli import voila_argv

    argv = voila_argv(8866, True, "127.0.0.1", tmp_path, max_per_client=45, client_ip_header="X-Real-IP")
    assert "--PublicVoila.max_per_client=45" in argv and "--PublicVoila.client_ip_header=X-Real-IP" in argv
    assert not [a for a in voila_argv(8866, True, "127.0.0.1", tmp_path) if "max_per_client" in a]


def test_serve_without_public_frees_kernels_and_preheats_for_a_laptop(tmp_path):
    """`liability-lab serve` runs server.local (the public app without caps): the culler on, the analyzer and the
    start page preheated, nothing else (issue 16 points 2 and 14)."""
    from server.cli import voila_argv
    from server.settings import LOCAL_POOL_SIZES, LOCAL_SETTINGS, pools_flag

    argv = voila_argv(8866, False, "127.0.0.1", tmp_path)
    assert argv[1:3] == ["-m", "server.local"]
    assert all(flag in argv for flag, reason in LOCAL_SETTINGS if reason)
    assert pools_flag(LOCAL_POOL_SIZES) in argv and "--VoilaConfiguration.preheat_kernel=True" in argv
    assert LOCAL_POOL_SIZES["default"] == 0 and sum(LOCAL_POOL_SIZES.values()) <= 4  # a laptop's budget
    assert not [a for a in argv if "PublicVoila" in a]


def test_serve_class_sizes_the_pool_and_the_caps(tmp_path):
    from server.cli import voila_argv
    from server.settings import CLASS_ENV, POOL_SIZES, pools_flag

    argv = voila_argv(8866, True, "127.0.0.1", tmp_path, class_size=40)
    assert pools_flag(dict(POOL_SIZES, **{"analyzer.ipynb": 40}), {"analyzer.ipynb": {CLASS_ENV: "40"}}) in argv
    assert "--PublicVoila.max_kernels=60" in argv and "--PublicVoila.max_per_client=45" in argv
    assert "--PublicVoila.renders_per_minute=180" in argv
    # An explicit cap wins over the class's.
    argv = voila_argv(8866, True, "127.0.0.1", tmp_path, max_kernels=80, max_per_client=50, class_size=40)
    assert "--PublicVoila.max_kernels=80" in argv and "--PublicVoila.max_per_client=50" in argv
    # Without --public the class sizes the analyzer's pool only (no caps on a teacher's own machine).
    local = voila_argv(8866, False, "127.0.0.1", tmp_path, class_size=30)
    assert any('"analyzer.ipynb":{"pool_size":30,' in a for a in local)
    assert not [a for a in local if "PublicVoila" in a]


@pytest.mark.parametrize("value", ["0", "201", "forty", "-3"])
def test_serve_refuses_a_bad_class_size(value, tmp_path):
    out = run("serve", "--class", value, "--notebooks", str(tmp_path))
    assert out.returncode == 2 and "class" in out.stderr and "Traceback" not in out.stderr
