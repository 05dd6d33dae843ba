"""The Binder pins, the pyproject pins and the locks used by `make` agree."""

import re
import tomllib

import pytest

from tests.conftest import REPO

CLIENT_PACKAGES = {"jupyterlab", "ipywidgets", "nbgrader", "scikit-learn", "pydicom", "pandas",
                   "matplotlib"}
DEV_PACKAGES = {"pytest", "nbclient", "playwright", "ruff", "nbstripout"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"not an exact pin: {line!r}"
        pins[_norm(match[1])] = match[2]
    return pins


def _file_pins(rel):
    return _pins((REPO / rel).read_text().splitlines())


@pytest.fixture(scope="module")
def project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_pyproject_pins_are_exact_and_cover_the_stack(project):
    course = _pins(project["dependencies"])
    dev = _pins(project["optional-dependencies"]["dev"])
    assert CLIENT_PACKAGES <= set(course)
    assert DEV_PACKAGES <= set(dev)


def test_binder_requirements_equal_the_course_lock():
    assert _file_pins("binder/requirements.txt") == _file_pins("requirements/course.lock")


def test_pyproject_pins_match_the_locks(project):
    course_lock = _file_pins("requirements/course.lock")
    dev_lock = _file_pins("requirements/dev.lock")
    for name, version in _pins(project["dependencies"]).items():
        assert course_lock.get(name) == version, f"{name}: pyproject {version}, lock {course_lock.get(name)}"
    for name, version in _pins(project["optional-dependencies"]["dev"]).items():
        assert dev_lock.get(name) == version, f"{name}: pyproject {version}, lock {dev_lock.get(name)}"


def test_dev_lock_keeps_every_course_pin():
    course_lock, dev_lock = _file_pins("requirements/course.lock"), _file_pins("requirements/dev.lock")
    moved = {k: (v, dev_lock.get(k)) for k, v in course_lock.items() if dev_lock.get(k) != v}
    assert not moved, f"the dev lock moves course pins: {moved}"


def test_no_development_tools_in_the_binder_image():
    # nbclient is also a dependency of nbgrader, so it is rightly in the course install.
    dev_only = DEV_PACKAGES - {"nbclient"}
    assert not dev_only & set(_file_pins("binder/requirements.txt"))


def test_binder_runtime_and_postbuild():
    assert (REPO / "binder/runtime.txt").read_text().strip() == "python-3.11"
    post = (REPO / "binder/postBuild").read_text().splitlines()
    first_command = next(ln for ln in post if ln.strip() and not ln.startswith("#"))
    assert first_command.strip() == "set -euo pipefail"
    text = "\n".join(post)
    assert "pip install" in text and "--no-deps" in text
    for ext in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"):
        assert f"labextension disable --level=sys_prefix {ext}" in text


def test_installed_versions_match_the_dev_lock():
    """The environment the tests run in is the one the lock describes."""
    from importlib.metadata import PackageNotFoundError, version

    mismatched = {}
    for name, pinned in _file_pins("requirements/dev.lock").items():
        try:
            got = version(name)
        except PackageNotFoundError:
            got = None
        if got != pinned:
            mismatched[name] = (pinned, got)
    assert not mismatched, f"installed versions differ from requirements/dev.lock: {mismatched}"
