"""`make lab` on a machine with no display starts JupyterLab, prints the URL and serves the home."""

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
