"""pyproject.toml and environment.yml must declare the same runtime dependencies."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# conda names that are not runtime dependencies of the package itself.
CONDA_ONLY = {"python", "pip"}
# conda-forge names that differ from the PyPI names (conda name -> PyPI name).
CONDA_TO_PYPI: dict[str, str] = {"python-fastjsonschema": "fastjsonschema"}


def normalise(requirement: str) -> str:
    """Bare, normalised distribution name of a pip or conda requirement string.

    Drops extras, version specifiers, environment markers and conda channel/build
    parts; lower-cases and folds runs of ``-``, ``_`` and ``.`` to ``-`` (PEP 503).
    """
    req = requirement.split(";", 1)[0].strip()
    req = req.split("::", 1)[-1]  # conda "channel::name"
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
    assert name, f"cannot read a package name from {requirement!r}"
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def environment() -> dict:
    with open(ROOT / "environment.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def pyproject_runtime_names() -> set[str]:
    return {normalise(r) for r in pyproject()["project"]["dependencies"]}


def conda_runtime_names() -> set[str]:
    names = set()
    for dep in environment()["dependencies"]:
        if not isinstance(dep, str):  # the `pip:` sub-list: installs the project itself
            continue
        name = normalise(dep)
        if name in CONDA_ONLY:
            continue
        names.add(CONDA_TO_PYPI.get(name, name))
    return names


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("PyYAML>=6.0", "pyyaml"),
        ("ipywidgets >=8", "ipywidgets"),
        ("jupyter_server[test]==2.*", "jupyter-server"),
        ("Foo.Bar ; python_version<'3.12'", "foo-bar"),
        ("conda-forge::voila>=0.5", "voila"),
        ("python=3.11", "python"),
    ],
)
def test_normalise(requirement: str, expected: str) -> None:
    assert normalise(requirement) == expected


def test_runtime_dependencies_agree() -> None:
    py = pyproject_runtime_names()
    conda = conda_runtime_names()
    assert py, "pyproject.toml declares no runtime dependencies"
    only_py = sorted(py - conda)
    only_conda = sorted(conda - py)
    assert not only_py and not only_conda, (
        f"runtime dependencies differ: only in pyproject.toml: {only_py}; only in environment.yml: {only_conda}"
    )


def test_expected_runtime_dependencies_present() -> None:
    required = {"jupyterlab", "ipywidgets", "voila", "ipykernel", "pandas", "pyyaml", "fastjsonschema"}
    assert required <= pyproject_runtime_names()


def test_environment_yml_for_binder() -> None:
    env = environment()
    assert "conda-forge" in env["channels"]
    deps = env["dependencies"]
    pythons = [d for d in deps if isinstance(d, str) and normalise(d) == "python"]
    assert pythons and "3.11" in pythons[0], "environment.yml must pin python=3.11"
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip_sections, "environment.yml needs a pip: section that installs the project"
    pip_items = [item.strip() for item in pip_sections[0]]
    assert any(item in {".", "-e ."} for item in pip_items), pip_items


def test_console_script_declared() -> None:
    project = pyproject()["project"]
    assert project["name"] == "platform-liability-lab"
    assert project["scripts"]["liability-lab"] == "server.cli:main"


def test_packages_and_data_declared() -> None:
    tool = pyproject()["tool"]["setuptools"]
    assert set(tool["packages"]["find"]["include"]) >= {"casebook*", "widgets*"}
    data = tool["package-data"]
    assert "data/**/*.yaml" in data["casebook"] and "data/**/*.json" in data["casebook"]
    assert "static/*" in data["widgets"]
    shipped = list((ROOT / "widgets" / "static").glob("*"))
    assert shipped and all(p.suffix == ".css" for p in shipped)  # the style sheet the pages use, shipped as a file
    words = {str(p.relative_to(ROOT / "widgets")) for p in (ROOT / "widgets" / "words").rglob("*.json")}
    assert words and {str(Path(p).parent) for p in words} == {"words", "words/lessons"}  # the views' words, as data
    assert {"words/*.json", "words/lessons/*.json"} <= set(data["widgets"])


def test_mismatch_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The agreement check really fails when one side gains a dependency."""
    env = environment()
    env["dependencies"].insert(1, "requests>=2")
    (tmp_path / "environment.yml").write_text(yaml.safe_dump(env), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="only in environment.yml: \\['requests'\\]"):
        test_runtime_dependencies_agree()
