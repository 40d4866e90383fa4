"""The deployment paths of docs/deploy.md, checked as far as this machine allows.

- The JupyterHub configuration executes with a stand-in ``c`` and sets what the guide says.
- The Jupyter Server + Voila extension path that JupyterHub and Binder use serves the landing page.
- environment.yml's dependencies resolve with ``pip install --dry-run`` (PyPI is reachable here).
- The README's Binder link has the documented format and points at a notebook that exists.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
GUIDE = ROOT / "docs" / "deploy.md"
# conda-forge names that differ from PyPI's (tests/test_packaging.py keeps the same table).
CONDA_TO_PYPI: dict[str, str] = {"python-fastjsonschema": "fastjsonschema"}
CONDA_ONLY = {"python", "pip"}


def load_hub_config(env: dict[str, str] | None = None) -> Config:
    c = Config()
    namespace = {"get_config": lambda: c, "__file__": str(HUB_CONFIG), "__name__": "__jupyterhub_config__"}
    old = dict(os.environ)
    try:
        os.environ.update(env or {})
        exec(compile(HUB_CONFIG.read_text(encoding="utf-8"), str(HUB_CONFIG), "exec"), namespace)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return c


def test_hub_config_lands_on_the_first_chapter_through_voila() -> None:
    c = load_hub_config({"LL_LAB_DIR": str(ROOT)})
    url = c.Spawner.default_url
    assert url == "/voila/render/notebooks/00_start_here.ipynb"
    assert c.Spawner.notebook_dir == str(ROOT)
    notebook = url.removeprefix("/voila/render/")
    assert (ROOT / notebook).is_file(), f"the landing page {notebook} does not exist"


def test_hub_config_hardens_voila_and_culls() -> None:
    c = load_hub_config()
    args = list(c.Spawner.args)
    assert "--VoilaConfiguration.show_tracebacks=False" in args
    assert "--VoilaConfiguration.strip_sources=True" in args
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in args)
    # Every flag is --Class.trait=value, as Jupyter Server takes it.
    assert all(re.fullmatch(r"--[A-Za-z]+\.[a-z_]+=\S+", a) for a in args), args
    services = {s["name"]: s for s in c.JupyterHub.services}
    culler = services["idle-culler"]
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert "delete:servers" in roles["idle-culler"]["scopes"]
    assert roles["idle-culler"]["services"] == ["idle-culler"]
    assert c.Spawner.mem_limit == "512M"


def test_hub_config_reads_school_choices_from_the_environment() -> None:
    c = load_hub_config({"LL_AUTHENTICATOR": "dummy", "LL_MEM_LIMIT": "1G", "LL_LAB_DIR": "/opt/lab"})
    assert c.JupyterHub.authenticator_class == "dummy"
    assert c.Spawner.mem_limit == "1G"
    assert c.Spawner.notebook_dir == "/opt/lab"
    assert "authenticator_class" not in load_hub_config().JupyterHub


def test_guide_documents_the_paths_and_the_sizing() -> None:
    text = GUIDE.read_text(encoding="utf-8").lower()
    for needle in ("jupyterhub -f deploy/jupyterhub_config.py", "environment.yml", "mybinder.org/v2/gh/",
                   "kernels per gb", "loads per second per core", "class of 40", "1,000", "voici", "pyodide",
                   "make bench", "deploy/static/engine_in_pyodide.js", "make static", "build/static",
                   "voici-core==0.10.0", "jupyterlite-pyodide-kernel==0.7.0", "pyodide@0.29.3"):
        assert needle in text, f"docs/deploy.md does not mention {needle!r}"
    assert (ROOT / "deploy" / "static" / "engine_in_pyodide.js").is_file()


def test_readme_binder_link() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/([^/\s]+)/([^/\s]+)/HEAD\?urlpath=voila/render/([^\s)\]>]+)", text)
    assert links, "README.md has no Binder launch link in the documented format"
    for _owner, _repo, path in links:
        path = path.split("%3F", 1)[0].split("?", 1)[0]
        assert (ROOT / path).is_file(), f"the Binder link opens {path}, which does not exist"


from server.processes import free_port as _free_port  # noqa: E402


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_voila_extension_serves_the_landing_page(tmp_path: Path) -> None:
    """What a JupyterHub user's (or a Binder) server does: Jupyter Server with Voila's extension renders the
    landing page, widgets and all, at the URL the hub sends the user to."""
    if not (ROOT / "notebooks" / "00_start_here.ipynb").is_file():
        pytest.skip("notebooks/00_start_here.ipynb does not exist yet")
    port = _free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_RUNTIME_DIR=str(tmp_path))
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={ROOT}",
         "--ServerApp.port_retries=0", "--VoilaConfiguration.show_tracebacks=False",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/voila/render/notebooks/00_start_here.ipynb?lang=en"
        deadline = time.monotonic() + 150
        body = None
        while time.monotonic() < deadline and body is None:
            assert proc.poll() is None, (tmp_path / "server.log").read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(url, timeout=120) as resp:
                    assert resp.status == 200
                    body = resp.read().decode("utf-8", errors="replace")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert body is not None, "Jupyter Server did not answer"
        assert "application/vnd.jupyter.widget-view+json" in body, "the page has no widgets"
        assert "Traceback" not in body
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(15)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def environment_requirements() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    reqs = []
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", dep).group(0)
        if name.lower() in CONDA_ONLY:
            continue
        spec = dep[len(name):].strip()
        # conda's "=1.2" means "1.2.*"; pip needs "==1.2.*". Ranges (>=, <) are the same in both.
        if re.fullmatch(r"=[^=<>!].*", spec):
            spec = "==" + spec[1:] + ("" if spec.endswith("*") else ".*")
        reqs.append(CONDA_TO_PYPI.get(name.lower(), name) + spec)
    return reqs


def test_environment_requirements_are_read() -> None:
    reqs = environment_requirements()
    assert any(r.startswith("voila") for r in reqs) and any(r.startswith("ipykernel") for r in reqs)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_environment_yml_resolves_with_pip(tmp_path: Path) -> None:
    """Every dependency environment.yml names exists on PyPI under that name, and together they resolve."""
    reqs = environment_requirements()
    report = tmp_path / "report.json"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--disable-pip-version-check", "--report", str(report), *reqs],
        capture_output=True, text=True, timeout=200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    resolved = {item["metadata"]["name"].lower().replace("_", "-")
                for item in json.loads(report.read_text())["install"] if item.get("requested")}
    wanted = {re.match(r"[A-Za-z0-9._-]+", r).group(0).lower().replace("_", "-") for r in reqs}
    assert wanted <= resolved, f"not resolved: {sorted(wanted - resolved)}"
    assert time.monotonic() - started < 200
