"""Fixtures for the real-browser tests: Debian Chromium driven by Playwright, and a private
JupyterLab server rooted at ``modules/``.

Chromium comes from Debian (``apt-get install -y chromium``); Playwright's own browser download
(``playwright install``) is never used. A missing browser is a failure, not a skip: a suite that
silently skips its browser tests proves nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from radcourse.tools.lab import LabServer, start_lab
from tests.browser.jlab import REPO

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}
#: Playwright's default wait for a single action (click, fill, press).
ACTION_TIMEOUT_MS = 15_000


def chromium_executable() -> Path:
    """The Chromium binary to drive: ``$RADCOURSE_CHROMIUM`` or ``/usr/bin/chromium``."""
    return Path(os.environ.get("RADCOURSE_CHROMIUM") or DEFAULT_CHROMIUM)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    exe = chromium_executable()
    if not (exe.is_file() and os.access(exe, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {exe}. Install Debian's build with "
            "`apt-get install -y chromium` (or point RADCOURSE_CHROMIUM at a Chromium binary). "
            "Do not use `playwright install`: browser downloads are not possible here.",
            pytrace=False,
        )
    return exe


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """``test-output/browser/`` under the repository root (git-ignored): screenshots go here."""
    out = REPO / "test-output" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def lab_server() -> Iterator[LabServer]:
    """JupyterLab serving the repository's ``modules/`` folder, stopped after the session."""
    with start_lab(REPO / "modules") as lab:
        yield lab


def pytest_collection_modifyitems(config, items):
    # Safety net: every test in this folder is a browser test, even one that forgot the marker,
    # so that `-m "not browser"` always leaves them all out.
    here = Path(__file__).resolve().parent
    for item in items:
        if item.path.is_relative_to(here) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that the page fixture can tell a failure.
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


@pytest.fixture
def page(browser, request, output_dir: Path) -> Iterator:
    """A fresh browser page; on failure a full-page screenshot is saved beside the others."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.console_errors = console_errors
    try:
        yield page
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                page.screenshot(path=str(output_dir / f"FAILED-{name}.png"), full_page=True)
            except Exception as exc:  # the page may be the thing that broke
                print(f"could not save failure screenshot: {exc}")
        context.close()
