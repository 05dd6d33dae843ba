"""Start and stop a private JupyterLab server for the browser tests and the benchmarks.

The server listens on 127.0.0.1 on a free port with a random token, runs in its own process group
(``start_new_session=True``) and is stopped by signalling exactly that group. It gets a temporary
``JUPYTERLAB_SETTINGS_DIR`` that turns off notebook windowing (otherwise cells scrolled out of view
count as invisible to the browser and waits time out), the news/update toast (which otherwise
covers the page) and autosave (a test that runs a course notebook must never write its outputs back
into the repository), plus a temporary workspaces folder so that no saved layout is restored.
Checkpoints (which JupyterLab creates as soon as it opens a notebook) go to the temporary folder
too, not to ``.ipynb_checkpoints/`` beside the course notebooks.

    with start_lab("modules") as lab:
        page.goto(lab.url_for("lab/tree/START_HERE.ipynb"))
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

#: Settings written into the temporary ``JUPYTERLAB_SETTINGS_DIR``: relative path -> JSON content.
LAB_SETTINGS: dict[str, dict] = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

STARTUP_TIMEOUT = 60.0
STOP_GRACE = 10.0
PORT_ATTEMPTS = 3


class LabStartupError(RuntimeError):
    """The server did not come up; the message names its log file."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def write_settings(settings_dir: Path) -> Path:
    """Write :data:`LAB_SETTINGS` under ``settings_dir`` and return it."""
    for rel, content in LAB_SETTINGS.items():
        target = settings_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return settings_dir


def lab_command(
    root_dir: Path, port: int, token: str, checkpoint_dir: Path | None = None
) -> list[str]:
    """The command line that starts the server (the interpreter running this code)."""
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ip", "127.0.0.1",
        "--port", str(port),
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.port_retries=0",
        "--LabApp.news_url=None",
    ]  # fmt: skip
    if checkpoint_dir is not None:  # absolute: os.path.join(folder, it) is it
        cmd.append(f"--FileCheckpoints.checkpoint_dir={checkpoint_dir}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    return cmd


class LabServer:
    """A running JupyterLab server started by :func:`start_lab`; a context manager."""

    def __init__(
        self,
        *,
        proc: subprocess.Popen,
        port: int,
        token: str,
        root_dir: Path,
        workdir: Path,
        log_path: Path,
        keep_workdir: bool = False,
    ) -> None:
        self.proc = proc
        self.port = port
        self.token = token
        self.root_dir = root_dir
        self.workdir = workdir
        self.log_path = log_path
        self._keep_workdir = keep_workdir
        self._log_file = None

    @property
    def url(self) -> str:
        """Base URL, ending in a slash."""
        return f"http://127.0.0.1:{self.port}/"

    def url_for(self, path: str = "lab") -> str:
        """URL of ``path`` (e.g. ``lab/tree/START_HERE.ipynb``) with the token attached."""
        path = quote(path.lstrip("/"), safe="/")
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path}{sep}token={self.token}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Block until ``/api/status`` answers; raise :class:`LabStartupError` otherwise."""
        deadline = time.monotonic() + timeout
        status_url = f"{self.url}api/status?token={self.token}"
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise LabStartupError(
                    f"jupyter lab exited with code {self.proc.returncode} during start-up; "
                    f"log: {self.log_path}\n{self.log_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(status_url, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:  # not listening yet
                last_error = exc
            time.sleep(0.25)
        raise LabStartupError(
            f"jupyter lab did not answer {self.url}api/status within {timeout:.0f} s "
            f"(last error: {last_error}); log: {self.log_path}\n{self.log_text()[-3000:]}"
        )

    def stop(self, grace: float = STOP_GRACE) -> None:
        """SIGTERM the server's process group, SIGKILL it after ``grace`` seconds. Idempotent."""
        pgid = self.proc.pid  # start_new_session=True: the group id is the leader's pid
        if self.proc.poll() is None:
            _signal_group(pgid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(pgid, signal.SIGKILL)
                self.proc.wait(timeout=grace)
        # Kernels started by the server live in the same group; make sure none outlives it.
        _signal_group(pgid, signal.SIGKILL)
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.close()
        if not self._keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> LabServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.alive() else f"exited {self.proc.returncode}"
        return f"<LabServer {self.url} root={self.root_dir} {state}>"


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start_lab(
    root_dir: str | os.PathLike,
    *,
    port: int | None = None,
    token: str | None = None,
    timeout: float = STARTUP_TIMEOUT,
    env: dict[str, str] | None = None,
) -> LabServer:
    """Start ``jupyter lab`` serving ``root_dir`` and wait until it answers.

    The log and the settings folder live in a temporary folder that :meth:`LabServer.stop` removes
    (it is kept, and named in the error, when start-up fails). When ``port`` is not given and the
    free port found is taken by someone else before the server binds it, start-up is retried on
    another port (twice at most).
    """
    root = Path(root_dir).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"JupyterLab root folder does not exist: {root}")
    token = token or secrets.token_hex(24)
    attempts = 1 if port else PORT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return _start(root, port or free_port(), token, timeout, env)
        except LabStartupError as exc:
            if attempt == attempts or "already in use" not in str(exc):
                raise
    raise AssertionError("unreachable")


def _start(
    root: Path, port: int, token: str, timeout: float, env: dict[str, str] | None
) -> LabServer:
    workdir = Path(tempfile.mkdtemp(prefix="radcourse-lab-"))
    settings_dir = write_settings(workdir / "lab-settings")
    log_path = workdir / "jupyter-lab.log"

    child_env = dict(os.environ if env is None else env)
    child_env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    child_env["JUPYTERLAB_WORKSPACES_DIR"] = str(workdir / "workspaces")
    # Keep the server's own runtime files (kernel connection files) out of the user's folders.
    child_env.setdefault("JUPYTER_RUNTIME_DIR", str(workdir / "runtime"))
    child_env.setdefault("PYTHONUNBUFFERED", "1")

    log_file = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by stop()
    try:
        proc = subprocess.Popen(
            lab_command(root, port, token, checkpoint_dir=workdir / "checkpoints"),
            cwd=root,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except BaseException:
        log_file.close()
        raise
    server = LabServer(
        proc=proc, port=port, token=token, root_dir=root, workdir=workdir, log_path=log_path
    )
    server._log_file = log_file
    try:
        server.wait_ready(timeout)
    except BaseException:
        server._keep_workdir = True  # keep the log for the error message
        server.stop()
        raise
    return server
