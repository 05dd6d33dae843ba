"""A private PostgreSQL server on 127.0.0.1 for the gradebook tests.

Debian's ``postgresql`` package (``apt-get install -y postgresql``; ``.ci/run`` installs it) puts
``initdb`` and ``pg_ctl`` in ``/usr/lib/postgresql/<version>/bin``. The tests make a throw-away
cluster in a temporary folder, listening on a free loopback port only (no Unix socket in a system
folder, trust authentication for the ``radcourse`` role), and stop and delete it afterwards.
PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user and is
run through ``runuser``. ``RADCOURSE_PG_BINDIR`` points at another installation.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROLE = "radcourse"
INSTALL_HINT = ("PostgreSQL not found. Install Debian's server with `apt-get install -y postgresql` "
                "(or set RADCOURSE_PG_BINDIR to a folder holding initdb and pg_ctl).")


def find_bindir() -> Path | None:
    """Folder with ``initdb`` and ``pg_ctl``: $RADCOURSE_PG_BINDIR, Debian's newest, or PATH."""
    candidates = []
    if os.environ.get("RADCOURSE_PG_BINDIR"):
        candidates.append(Path(os.environ["RADCOURSE_PG_BINDIR"]))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    candidates += reversed(debian)
    if shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("pg_ctl")).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Server:
    def __init__(self, bindir: Path, root: Path, port: int):
        self.bindir, self.root, self.port = bindir, root, port

    def url(self, database: str = "postgres") -> str:
        # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3; the course pins psycopg2.
        return f"postgresql+psycopg2://{ROLE}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """libpq connection string, for psycopg2.connect."""
        return f"host=127.0.0.1 port={self.port} user={ROLE} dbname={database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg2

        name = name or f"gradebook_{uuid.uuid4().hex[:12]}"
        con = psycopg2.connect(host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        con.close()
        return self.url(name)


@contextmanager
def running_server() -> Iterator[Server]:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="radcourse-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    os.chmod(root, 0o700)
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, cwd=root)
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", ROLE,
                                        "--auth=trust", "-E", "UTF8", "--no-sync",
                                        "--locale=C"]), **run)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=50")
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                        "-o", options, "-w", "-t", "60", "start"]), **run)
    except subprocess.CalledProcessError as exc:
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL ({exc.cmd[-1]}): {exc.stderr}\n{text}") from exc
    try:
        yield Server(bindir, root, port)
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "-w", "stop"]),
                       capture_output=True, check=False, cwd=root)
        shutil.rmtree(root, ignore_errors=True)
