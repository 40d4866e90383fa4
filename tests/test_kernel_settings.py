"""The page kernels' two process settings (widgets/_kernel.py): a 0.5 ms GIL switch interval, so that ipykernel's
IOPub thread sends a click's outcome at once, and ``gc.freeze()`` once a page is built, so that the collector no
longer walks the page's long-lived objects on a click. Applied inside a kernel only: checked in a real kernel
running the notebooks, and checked absent in this test process."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from widgets import _kernel

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def test_outside_a_kernel_nothing_changes():
    before = sys.getswitchinterval(), gc.get_freeze_count()
    assert _kernel.in_kernel() is False
    assert _kernel.settle() is False
    assert (sys.getswitchinterval(), gc.get_freeze_count()) == before


def test_inside_a_kernel_the_interval_is_short_and_the_page_frozen(monkeypatch):
    monkeypatch.setattr(_kernel, "in_kernel", lambda: True)
    before = sys.getswitchinterval()
    try:
        assert _kernel.settle() is True
        assert sys.getswitchinterval() == pytest.approx(_kernel.SWITCH_INTERVAL_S)
        assert gc.get_freeze_count() > 0
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()


PROBE = "import gc, sys\nprint(sys.getswitchinterval(), gc.get_freeze_count())"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["analyzer", "04_corresponding_liability"])
def test_a_page_kernel_runs_with_the_settings(name, monkeypatch):
    path = next(NOTEBOOK_DIR.glob(f"{name}*.ipynb"))
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    interval, frozen = text.split()
    assert float(interval) == pytest.approx(_kernel.SWITCH_INTERVAL_S)
    assert int(frozen) > 10_000  # the page's objects, not a handful
