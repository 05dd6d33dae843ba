"""JupyterLab page helpers for the browser tests (open a notebook, wait for the kernel, run all).

Waits are bounded and generous: the machine has two noisy cores, and a first kernel start on a
cold cache can take many seconds.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from radcourse.tools.lab import LabServer

REPO = Path(__file__).resolve().parents[2]

KERNEL_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 60_000
UPDATE_TIMEOUT_MS = 10_000

STATUSBAR = "#jp-main-statusbar"


def open_notebook(page: Page, lab: LabServer, path: str) -> Locator:
    """Open ``path`` (relative to the server root) in JupyterLab; return the notebook panel."""
    page.goto(lab.url_for(f"lab/tree/{path}"), wait_until="domcontentloaded")
    name = path.rsplit("/", 1)[-1]
    tab = page.locator(".lm-TabBar-tab", has_text=name)
    expect(tab.first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    expect(panel).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
    expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=KERNEL_TIMEOUT_MS)
    return panel


def accept_kernel_dialog(page: Page) -> None:
    """If JupyterLab asks which kernel to use (no kernelspec in the file), take its default."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.filter(has_text=re.compile("kernel", re.I)).count():
        dialog.locator(".jp-mod-accept").first.click()


def wait_kernel_idle(page: Page, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the status bar (not the toolbar, which says idle before a kernel exists) says
    the kernel is Idle."""
    accept_kernel_dialog(page)
    expect(page.locator(STATUSBAR)).to_contain_text("Idle", timeout=timeout_ms)


def run_all_cells(page: Page) -> None:
    """Run → Run All Cells through the menu bar, as a learner would."""
    menubar = page.locator("#jp-menu-panel, #jp-MainMenu").first
    menubar.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def wait_all_executed(panel: Locator, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until no code cell is queued or running (input prompt ``[*]``).

    Call it after something that proves the run has started (an output appeared): straight after
    the click the cells may not be queued yet.
    """
    prompts = panel.locator(".jp-CodeCell .jp-InputArea-prompt")
    expect(prompts.filter(has_text="*")).to_have_count(0, timeout=timeout_ms)


def error_outputs(panel: Locator) -> list[str]:
    """Texts of the errors shown in the notebook (empty when every cell ran cleanly).

    JupyterLab renders an error output with the stderr MIME type; it is told from a warning by
    its ``Traceback`` header or an exception name starting a line (``SyntaxError: ...``).
    """
    stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    return [t for t in stderr.all_inner_texts() if "Traceback" in t or _EXCEPTION_LINE.search(t)]


_EXCEPTION_LINE = re.compile(r"^\s*\w*(Error|Exception|Interrupt)\b", re.M)


# --- timing a key press in the page (used by the benchmarks) ------------------------------------

_ARM_KEY_TIMER = """
(target, [handle, selector, timeoutMs]) => {
  const signature = () => selector
    ? [...target.querySelectorAll(selector)].map(e => e.getAttribute("data-value")).join("|")
    : target.innerHTML;
  const before = signature();
  window.__radcourseKeyTimer = new Promise((resolve, reject) => {
    let t0 = null;
    let observer = null;
    const timer = setTimeout(() => {
      if (observer) observer.disconnect();
      reject(new Error(`no change within ${timeoutMs} ms (key seen: ${t0 !== null})`));
    }, timeoutMs);
    handle.addEventListener("keydown", (e) => { t0 = e.timeStamp; }, {capture: true, once: true});
    observer = new MutationObserver(() => {
      if (t0 === null || signature() === before) return;
      const dom = performance.now() - t0;
      observer.disconnect();
      clearTimeout(timer);
      // The next animation frame: the new numbers are laid out and about to be painted.
      requestAnimationFrame(() => resolve({dom, frame: performance.now() - t0}));
    });
    observer.observe(target, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  });
}
"""


def press_and_time(
    handle: Locator,
    key: str,
    target: Locator,
    selector: str | None = None,
    timeout_ms: int = UPDATE_TIMEOUT_MS,
) -> dict[str, float]:
    """Press ``key`` on ``handle`` and time, in the page, how long ``target`` takes to change.

    The clock starts at the handle's ``keydown`` event (its ``timeStamp``) and stops when a
    MutationObserver on ``target`` sees a change: of the ``data-value`` attributes of the
    elements matching ``selector`` under it, or of its HTML when no selector is given. Returns
    milliseconds: ``dom`` (change in the DOM) and ``frame`` (the next animation frame after it,
    when the new text is painted). Raises when nothing changes within ``timeout_ms``.
    """
    target.evaluate(_ARM_KEY_TIMER, [handle.element_handle(), selector, timeout_ms])
    handle.focus()
    handle.press(key)
    return target.page.evaluate("() => window.__radcourseKeyTimer")
