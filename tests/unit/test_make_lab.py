"""`make lab` on a machine with no display starts JupyterLab, prints the URL and serves the home."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest

from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(target: str, tmp_path, extra: list[str] = (), path: str | None = None):
    """Run ``make <target>`` with no display on a free port; yield (port, token, read_log, fetch).

    ``fetch(url_path)`` waits up to two minutes for the server and returns the body (None if it
    never answered); ``read_log()`` returns what make printed so far.
    """
    port, token = _free_port(), "radcoursetest"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "RADCOURSE_GRADEBOOK_URL"}}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    if path is not None:
        env["PATH"] = path
    args = f"--ip=127.0.0.1 --port={port} --ServerApp.token={token} --LabApp.news_url=None"
    log = open(tmp_path / f"{target}.log", "w+")
    proc = subprocess.Popen(["make", "--no-print-directory", target, *extra, f"LAB_ARGS={args}"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)

    def read_log() -> str:
        log.seek(0)
        return log.read()

    def fetch(url_path: str) -> str | None:
        url = f"http://127.0.0.1:{port}{url_path}{'&' if '?' in url_path else '?'}token={token}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                return urllib.request.urlopen(url, timeout=30).read().decode()
            except OSError:
                time.sleep(0.5)
        return None

    try:
        yield port, read_log, fetch
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_make_lab_serves_start_here_without_a_display(tmp_path):
    with serving("lab", tmp_path) as (port, read_log, fetch):
        body = fetch("/lab/tree/modules/START_HERE.ipynb")
        output = read_log()
        assert body is not None, f"JupyterLab did not answer; make lab printed:\n{output}"
        assert "JupyterLab" in body
        assert "No display found" in output
        assert re.search(rf"http://127\.0\.0\.1:{port}/lab\S*token=", output), output
        assert fetch("/api/contents/modules/START_HERE.ipynb") is not None


@pytest.mark.slow
def test_make_formgrader_serves_the_course_assignments(tmp_path):
    """`make formgrader` starts in the course folder, so nbgrader finds its config and lists the
    assignments (from `make lab` in the repository root it would list none)."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((REPO / "assessments" / "nbgrader_config.py")
                                               .read_text())
    (course / "source").symlink_to(REPO / "assessments" / "source")
    # PATH as in a new user's shell: no venv on it (formgrader still finds alembic).
    with serving("formgrader", tmp_path, [f"COURSE={course}"], path="/usr/bin:/bin") as (
        port, read_log, fetch
    ):
        body = fetch("/formgrader/api/assignments")
        output = read_log()
        assert body is not None, f"formgrader did not answer; make formgrader printed:\n{output}"
        names = {a["name"] for a in json.loads(body)}
        assert {"demo_orientation", "A_foundations", "B_validation", "C_bias"} <= names, body
        assert fetch("/formgrader/api/students") is not None
        assert re.search(rf"http://127\.0\.0\.1:{port}/formgrader\S*token=", output), output
        assert (course / "gradebook.db").is_file()
