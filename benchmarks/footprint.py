"""Installed footprint: the course as Binder installs it against the client's packages alone.

Two throw-away venvs are built in the run's temporary folder with ``python3.11 -m venv``:

* course: ``pip install -r binder/requirements.txt`` then ``pip install --no-deps`` the repository
  (from a clean copy of its packaging files, so that no ``build/`` folder appears in the work tree);
* client: the client's five packages plus pandas and matplotlib, at the versions pinned in
  pyproject.toml.

The figure is the ratio of their ``site-packages`` sizes (target ≤ 1.15). Pip uses the usual cache
and indexes; the step takes a few minutes (``run.py --skip-footprint`` leaves it out).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from benchmarks.common import Context, Row, dir_size, mib, register

FOOTPRINT_TARGET = 1.15
CLIENT_PACKAGES = (
    "jupyterlab",
    "ipywidgets",
    "nbgrader",
    "scikit-learn",
    "pydicom",
    "pandas",
    "matplotlib",
)
#: What the repository's package build needs (copied to a clean folder before ``pip install``).
PACKAGING_FILES = ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "setup.py", "MANIFEST.in")
PIP_TIMEOUT = 1800


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_versions(pyproject: Path) -> dict[str, str]:
    """``{normalised name: version}`` for every ``name==version`` in ``[project].dependencies``."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    pins = {}
    for spec in data.get("project", {}).get("dependencies", []):
        m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*==\s*([^\s;,]+)\s*(;.*)?", spec)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def client_requirements(pyproject: Path, names=CLIENT_PACKAGES) -> list[str]:
    """``name==version`` for the client's package set, versions read from pyproject.toml."""
    pins = pinned_versions(pyproject)
    missing = [n for n in names if _norm(n) not in pins]
    if missing:
        raise ValueError(f"pyproject.toml pins no version for: {', '.join(missing)}")
    return [f"{n}=={pins[_norm(n)]}" for n in names]


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise FileNotFoundError(f"no lib/python3*/site-packages in {venv}")
    return found[0]


def count_distributions(sp: Path) -> int:
    return sum(1 for _ in sp.glob("*.dist-info"))


def base_python() -> str:
    return shutil.which("python3.11") or sys.executable


def _run(cmd: list[str], log_path: Path, cwd: Path | None = None) -> None:
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n$ {' '.join(cmd)}\n")
        log.flush()
        proc = subprocess.run(
            cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, timeout=PIP_TIMEOUT, check=False
        )
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(cmd[:4])}… exited {proc.returncode}; log {log_path}\n{tail}")


def make_venv(path: Path, log_path: Path) -> Path:
    _run([base_python(), "-m", "venv", str(path)], log_path)
    return path / "bin" / "python"


def pip_install(python: Path, args: list[str], log_path: Path, cwd: Path | None = None) -> None:
    _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", *args], log_path, cwd)


def clean_source_copy(repo: Path, dest: Path) -> Path:
    """The packaging files and ``src/`` of ``repo`` without caches or build leftovers."""
    dest.mkdir(parents=True)
    for name in PACKAGING_FILES:
        if (repo / name).is_file():
            shutil.copy2(repo / name, dest / name)
    shutil.copytree(
        repo / "src",
        dest / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".ipynb_checkpoints"),
    )
    return dest


def build_course_venv(repo: Path, work: Path, log_path: Path) -> Path:
    venv = work / "course-venv"
    py = make_venv(venv, log_path)
    pip_install(py, ["-r", str(repo / "binder" / "requirements.txt")], log_path, cwd=repo)
    pip_install(py, ["--no-deps", str(clean_source_copy(repo, work / "course-src"))], log_path)
    return venv


def build_client_venv(repo: Path, work: Path, log_path: Path) -> Path:
    venv = work / "client-venv"
    py = make_venv(venv, log_path)
    pip_install(py, client_requirements(repo / "pyproject.toml"), log_path)
    return venv


@register("footprint", "site-packages of the Binder install vs the client's packages alone")
def bench_footprint(ctx: Context) -> list[Row]:
    assert ctx.workdir is not None
    work = ctx.workdir / "footprint"
    work.mkdir()
    log_path = work / "pip.log"
    name = "footprint (site-packages)"
    try:
        ctx.log(
            "footprint: building the client venv ("
            + " ".join(client_requirements(ctx.repo / "pyproject.toml"))
            + ")"
        )
        client = site_packages(build_client_venv(ctx.repo, work, log_path))
        ctx.log("footprint: building the course venv (binder/requirements.txt + the package)")
        course = site_packages(build_course_venv(ctx.repo, work, log_path))
    except Exception as exc:
        return [Row("installed footprint", name, None, "MB", error=f"{type(exc).__name__}: {exc}")]
    client_mb, course_mb = mib(dir_size(client)), mib(dir_size(course))
    n_client, n_course = count_distributions(client), count_distributions(course)
    return [
        Row(
            "installed footprint",
            "client's 7 packages alone",
            client_mb,
            "MB",
            note=f"{n_client} distributions",
        ),
        Row(
            "installed footprint",
            "course as Binder installs it",
            course_mb,
            "MB",
            baseline=client_mb,
            baseline_label="client",
            target=FOOTPRINT_TARGET,
            note=f"{n_course} distributions ({n_course - n_client:+d} vs client)",
        ),
    ]
