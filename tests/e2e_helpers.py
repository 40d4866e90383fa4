"""Helpers for browser tests (import as ``from e2e_helpers import axe_check``).

axe-core comes from npm: ``make browser`` installs it into tests/e2e/node/node_modules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE_PATH = Path(__file__).resolve().parent / "e2e" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def in_ci() -> bool:
    """True under CI (``CI=true``), where a missing browser tool fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip the current test, or fail it under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing browser tool is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def projector_browser(browser, chromium_path):
    """Chromium as a student's browser draws it: with scrollbars (Playwright's headless default hides them, which
    would also widen the page by a scrollbar's width and hide a sideways scrollbar from every screenshot). A fixture:
    a test module imports it to use it."""
    from conftest import CHROMIUM_ARGS

    shown = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS,
                                        ignore_default_args=["--hide-scrollbars"])
    try:
        yield shown
    finally:
        shown.close()


def set_fact(page, name: str, value, lang: str) -> None:
    """Set one fact control of an analyzer page the way a user does (a choice by its label in ``lang``)."""
    from casebook.scenario import FIELD_BY_NAME

    spec = FIELD_BY_NAME[name]
    control = page.locator(f".ll-fact-{name}")
    if spec.kind == "choice":
        control.locator("select").select_option(value=spec.label_of(value, lang))  # an option's value is its label
    elif spec.kind == "bool":
        control.locator("input[type=checkbox]").set_checked(bool(value))
    else:
        field = control.locator("input")
        field.fill(f"{value * 100:g}" if spec.maximum == 1.0 else f"{value:g}")  # shares are typed in percent
        field.press("Enter")


def axe_check(
    page: Any,
    *,
    run_only: tuple[str, ...] = ("wcag2a", "wcag2aa"),
    impacts: tuple[str, ...] = SEVERE,
    context: str | dict | None = None,
) -> list[dict]:
    """Run axe-core in ``page`` and return the violations whose impact is in ``impacts``.

    ``context`` is passed to ``axe.run`` (a selector or ``{"include": ..., "exclude": ...}``);
    the default is the whole document. Each violation is axe's dict
    (``id``, ``impact``, ``help``, ``nodes`` ...). Skips (fails under CI=true) when axe-core
    has not been installed.
    """
    if not AXE_PATH.is_file():
        skip_or_fail(f"axe-core not found at {AXE_PATH}; run `make browser`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async ([context, runOnly]) => {
            const r = await axe.run(context === null ? document : context, {runOnly: runOnly});
            return r.violations;
        }""",
        [context, list(run_only)],
    )
    return [v for v in result if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    """A readable summary of ``axe_check`` results for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']}")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {', '.join(map(str, node.get('target', [])))}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)
