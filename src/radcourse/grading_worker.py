"""Helpers run as subprocesses by ``radcourse.grading``: an autograde server and a kernel launcher.

    python -m radcourse.grading_worker serve          autograde server (one per --workers)
    python -m radcourse.grading_worker -f CONNECTION_FILE     kernel launcher

**serve** imports nbgrader once (saving its ~2.5 s start-up per submission) and then reads one
JSON request per line on stdin, ``{"course": DIR, "assignment": A, "student": S, "cell_timeout":
N, "piddir": DIR}``, runs nbgrader's autograde for that student *in that course directory* (a
private copy with its own gradebook) and answers one JSON line ``{"student": S, "success": bool,
"log": str}``. ``{"action": "generate", "course": DIR, "assignment": A}`` runs
``generate_assignment`` there instead (the grading template). Its real stdout is kept for those answers only: fd 1 is pointed at stderr first, so
nothing a kernel prints can forge an answer.

**kernel launcher**:

``radcourse.grading`` writes a private kernel spec whose ``argv`` is this module. Before it becomes
the IPython kernel (``exec``, so the pid stays the same) it

- sets ``RLIMIT_AS`` to ``RADCOURSE_KERNEL_MEMORY_MB`` megabytes (a student cell that allocates
  more gets ``MemoryError``, i.e. that test fails, or the kernel dies: the batch goes on);
- writes its pid into ``RADCOURSE_KERNEL_PIDDIR`` so that the grader can kill it when the whole
  submission exceeds its wall-clock limit (jupyter_client starts kernels in a new session, so
  killing nbgrader's process group alone would leave the kernel running).

Only the kernel is limited, not nbgrader itself.
"""

from __future__ import annotations

import json
import os
import resource
import sys

MEMORY_ENV = "RADCOURSE_KERNEL_MEMORY_MB"
PIDDIR_ENV = "RADCOURSE_KERNEL_PIDDIR"


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (inherited by anything it starts)."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _api(course: str, request: dict):
    """nbgrader's Python API for a course folder, configured like the command line there."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    overrides = Config()
    overrides.CourseDirectory.root = course
    overrides.CourseDirectory.db_url = f"sqlite:///{os.path.join(course, 'gradebook.db')}"
    if "cell_timeout" in request:
        overrides.ExecutePreprocessor.timeout = int(request["cell_timeout"])
    if "kernel_name" in request:
        overrides.ExecutePreprocessor.kernel_name = request["kernel_name"]
    config.merge(overrides)
    os.chdir(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def autograde(request: dict) -> dict:
    """Autograde one student (``{"action": "autograde"}``, the default), or generate the
    assignment in a course folder (``{"action": "generate"}``, for the grading template)."""
    if request.get("action") == "generate":
        result = _api(request["course"], request).generate_assignment(
            request["assignment"], force=True, create=True)
    else:
        os.environ[PIDDIR_ENV] = request["piddir"]
        result = _api(request["course"], request).autograde(
            request["assignment"], request["student"], force=True, create=True)
    log = (result.get("log") or "") + (result.get("error") or "")
    return {"student": request.get("student"), "success": bool(result.get("success")),
            "log": log}


def serve() -> None:
    from nbgrader.apps import NbGraderAPI  # noqa: F401 -- import now, while the parent is busy

    answers = os.fdopen(os.dup(1), "w", buffering=1)  # not inherited by kernels
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = autograde(request)
        except Exception as exc:  # report and keep serving
            answer = {"student": request.get("student"), "success": False,
                      "log": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer) + "\n")


def main(argv: list[str]) -> None:
    if argv[:1] == ["serve"]:
        serve()
        return
    limit_memory(int(os.environ.get(MEMORY_ENV, "0") or 0))
    piddir = os.environ.get(PIDDIR_ENV)
    if piddir:
        with open(os.path.join(piddir, f"kernel-{os.getpid()}.pid"), "w") as fh:
            fh.write(str(os.getpid()))
    # Fewer glibc malloc arenas: each reserves 64 MB of address space, which RLIMIT_AS counts.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
