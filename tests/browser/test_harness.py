"""The browser harness itself works: a tiny widget notebook (made in tmp_path, independent of the
course content) runs in JupyterLab and its slider drives its HTML. When this passes and
test_start_here fails, the course map is at fault, not the harness."""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect

from radcourse.tools.lab import start_lab
from tests.browser.jlab import (
    UPDATE_TIMEOUT_MS,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_all_executed,
    wait_kernel_idle,
)

TINY = """\
import ipywidgets as w
s = w.IntSlider(value=5, min=1, max=20, description="Hours")
h = w.HTML(f"<b>{s.value} hours</b>")
h.add_class("harness-summary")
s.observe(lambda ch: setattr(h, "value", f"<b>{ch['new']} hours</b>"), names="value")
w.VBox([s, h])
"""


@pytest.mark.browser
def test_slider_drives_html(page, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Harness"),
        nbformat.v4.new_code_cell(TINY),
        nbformat.v4.new_code_cell("raise ValueError('the harness sees errors')"),
    ]
    nbformat.write(nb, tmp_path / "tiny.ipynb")

    with start_lab(tmp_path) as lab:
        panel = open_notebook(page, lab, "tiny.ipynb")
        wait_kernel_idle(page)
        run_all_cells(page)
        summary = panel.locator(".harness-summary")
        expect(summary).to_contain_text("5 hours", timeout=60_000)
        wait_all_executed(panel)
        errors = error_outputs(panel)  # the last cell fails on purpose: errors are detected
        assert len(errors) == 1 and "the harness sees errors" in errors[0], errors

        handle = panel.locator(".widget-slider .noUi-handle").first
        handle.focus()
        handle.press("ArrowRight")
        expect(summary).to_contain_text("6 hours", timeout=UPDATE_TIMEOUT_MS)
        handle.press("ArrowLeft")
        handle.press("ArrowLeft")
        expect(summary).to_contain_text("4 hours", timeout=UPDATE_TIMEOUT_MS)

    # The test server keeps its checkpoints in its own temporary folder, not beside the notebook.
    assert not (tmp_path / ".ipynb_checkpoints").exists()
