"""`make lab` on a machine with no display starts JupyterLab, prints the URL and serves the home."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_start_here_without_a_display(tmp_path):
    port, token = _free_port(), "radcoursetest"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    args = f"--ip=127.0.0.1 --port={port} --ServerApp.token={token} --LabApp.news_url=None"
    log = open(tmp_path / "lab.log", "w+")
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=REPO,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/lab/tree/modules/START_HERE.ipynb?token={token}"
        deadline, body = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert body is not None, f"JupyterLab did not answer; make lab printed:\n{output}"
        assert "JupyterLab" in body
        assert "No display found" in output
        assert re.search(rf"http://127\.0\.0\.1:{port}/lab\S*token=", output), output
        api = f"http://127.0.0.1:{port}/api/contents/modules/START_HERE.ipynb?token={token}"
        assert urllib.request.urlopen(api, timeout=10).status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_make_formgrader_serves_the_course_assignments(tmp_path):
    """`make formgrader` starts in the course folder, so nbgrader finds its config and lists the
    assignments (from `make lab` in the repository root it would list none)."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((REPO / "assessments" / "nbgrader_config.py")
                                               .read_text())
    (course / "source").symlink_to(REPO / "assessments" / "source")
    port, token = _free_port(), "radcoursetest"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "RADCOURSE_GRADEBOOK_URL"}}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    env["PATH"] = "/usr/bin:/bin"  # as a new user's shell: no venv on PATH
    args = f"--ip=127.0.0.1 --port={port} --ServerApp.token={token} --LabApp.news_url=None"
    log = open(tmp_path / "formgrader.log", "w+")
    proc = subprocess.Popen(["make", "--no-print-directory", "formgrader", f"COURSE={course}",
                             f"LAB_ARGS={args}"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/formgrader/api/assignments?token={token}"
        deadline, body = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = urllib.request.urlopen(url, timeout=30).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        output = log.read()
        assert body is not None, f"formgrader did not answer; make formgrader printed:\n{output}"
        names = {a["name"] for a in json.loads(body)}
        assert {"demo_orientation", "A_foundations", "B_validation", "C_bias"} <= names, body
        students = f"http://127.0.0.1:{port}/formgrader/api/students?token={token}"
        assert urllib.request.urlopen(students, timeout=30).status == 200  # alembic found
        assert re.search(rf"http://127\.0\.0\.1:{port}/formgrader\S*token=", output), output
        assert (course / "gradebook.db").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
