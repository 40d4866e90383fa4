"""The browser stack works end to end: Voila -> kernel -> ipywidgets -> headless Chromium -> axe.

Uses a tiny notebook written into a temporary directory, so it does not depend on the
project's own notebooks.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from e2e_helpers import axe_check, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

SMOKE_CODE = '''\
import ipywidgets as widgets
from IPython.display import display

mode = widgets.Dropdown(
    options=[("网上商城 marketplace", "marketplace"), ("自营 self-operated", "self_operated")],
    value="marketplace",
    description="Platform mode",
    style={"description_width": "initial"},
)
mode.add_class("ll-fact-platform_mode")
outcome = widgets.HTML()

def show(change=None):
    outcome.value = f'<p class="smoke-outcome" data-mode="{mode.value}">平台模式 / mode: {mode.value}</p>'

mode.observe(show, names="value")
show()
display(widgets.VBox([mode, outcome]))
'''


@pytest.fixture(scope="module")
def smoke_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("smoke-notebooks")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Smoke test"), nbformat.v4.new_code_cell(SMOKE_CODE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, directory / "smoke.ipynb")
    return directory


def test_dropdown_round_trip_screenshot_and_axe(voila_server, page, artifacts_dir: Path, smoke_notebooks: Path):
    base = voila_server(smoke_notebooks)

    page.goto(base + "voila/render/smoke.ipynb")
    select = page.locator(".ll-fact-platform_mode select")
    select.wait_for(state="visible", timeout=60_000)
    page.locator(".widget-dropdown select").first.wait_for(timeout=5_000)
    outcome = page.locator(".smoke-outcome")
    outcome.wait_for(timeout=30_000)
    assert outcome.get_attribute("data-mode") == "marketplace"

    # A change in the browser reaches the kernel and the kernel's answer reaches the page.
    select.select_option("自营 self-operated")
    page.locator('.smoke-outcome[data-mode="self_operated"]').wait_for(timeout=15_000)
    assert "平台模式" in outcome.inner_text()

    shot = artifacts_dir / "smoke.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000

    violations = axe_check(page)
    assert not violations, format_violations(violations)

    # Negative control: axe really runs, and flags a <select> without a name as critical.
    page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend', "
        "'<select id=\"smoke-unlabelled\"><option>x</option></select>')"
    )
    flagged = {v["id"] for v in axe_check(page)}
    assert "select-name" in flagged, flagged
