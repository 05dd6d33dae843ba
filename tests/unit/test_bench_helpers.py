"""The benchmarks' pure helpers (no timing assertions here, ever: the machine is noisy)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from benchmarks.common import (
    ERROR,
    INFO,
    OVER,
    PASS,
    REGISTRY,
    Context,
    Row,
    dir_size,
    fmt_ratio,
    fmt_target,
    fmt_value,
    format_table,
    median,
    ratio,
    register,
    write_json,
)
from benchmarks.footprint import client_requirements, pinned_versions
from benchmarks.notebooks import (
    EMPTY_NAME,
    MEMORY_CELL,
    MEMORY_MARKER,
    parse_memory_text,
    peak_memory_kib,
    rows_from_samples,
    write_empty_notebook,
)
from radcourse.tools.structure import course_notebooks

# --- directory size ---------------------------------------------------------------------------


def test_dir_size_sums_file_sizes(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "b.bin").write_bytes(b"y" * 234)
    (tmp_path / "sub" / "deeper" / "c.bin").write_bytes(b"")
    assert dir_size(tmp_path) == 1234


def test_dir_size_does_not_follow_symlinks(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big.bin").write_bytes(b"z" * 10_000)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "f.bin").write_bytes(b"x" * 100)
    os.symlink(outside, tree / "dir-link")
    os.symlink(outside / "big.bin", tree / "file-link")
    size = dir_size(tree)
    links = os.lstat(tree / "dir-link").st_size + os.lstat(tree / "file-link").st_size
    assert size == 100 + links
    assert size < 10_000


def test_dir_size_counts_hard_links_once(tmp_path):
    (tmp_path / "f.bin").write_bytes(b"x" * 500)
    os.link(tmp_path / "f.bin", tmp_path / "g.bin")
    assert dir_size(tmp_path) == 500


def test_dir_size_of_a_file(tmp_path):
    (tmp_path / "f.bin").write_bytes(b"x" * 42)
    assert dir_size(tmp_path / "f.bin") == 42


# --- ratios, medians, formatting -------------------------------------------------------------


def test_median_and_ratio():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
    with pytest.raises(ValueError):
        median([])
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(None, 1.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None


def test_formatting():
    assert fmt_ratio(1.23456) == "1.23×"
    assert fmt_ratio(None) == "n/a"
    assert fmt_target(3) == "≤ 3.00×"
    assert fmt_target(None) == ""
    assert fmt_value(2.345, "s") == "2.35 s"
    assert fmt_value(1234.56, "MB") == "1,234.6 MB"
    assert fmt_value(None, "s") == "n/a"


def test_row_status():
    assert Row("b", "i", 2.0, "s", baseline=1.0, target=3.0).status == PASS
    assert Row("b", "i", 3.0, "s", baseline=1.0, target=3.0).status == PASS  # target inclusive
    assert Row("b", "i", 4.0, "s", baseline=1.0, target=3.0).status == OVER
    assert Row("b", "i", 4.0, "s").status == INFO
    assert Row("b", "i", None, "s", baseline=1.0, target=3.0, error="boom").status == ERROR


def test_format_table_shows_targets_status_and_notes():
    rows = [
        Row("notebook time (FAST)", "empty", 0.5, "s"),
        Row(
            "notebook time (FAST)",
            "m1.ipynb",
            1.0,
            "s",
            baseline=0.5,
            target=3.0,
            baseline_label="empty",
        ),
        Row("notebook time (FAST)", "m2.ipynb", 2.0, "s", baseline=0.5, target=3.0),
        Row("notebook time (FAST)", "m3.ipynb", None, "s", error="CellExecutionError: x"),
    ]
    table = format_table(rows)
    lines = table.splitlines()
    assert lines[0].split() == [
        "benchmark",
        "item",
        "value",
        "baseline",
        "ratio",
        "target",
        "status",
    ]
    m1 = next(line for line in lines if "m1.ipynb" in line)
    assert "2.00×" in m1 and "≤ 3.00×" in m1 and m1.endswith(PASS) and "(empty)" in m1
    assert next(line for line in lines if "m2.ipynb" in line).endswith(OVER)
    assert "CellExecutionError: x" in table


def test_write_json_round_trip(tmp_path):
    out = tmp_path / "results" / "latest.json"
    write_json([Row("b", "i", 2.0, "s", baseline=1.0, target=3.0)], out, {"repeat": 3})
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"] == {"repeat": 3}
    assert data["rows"][0]["ratio"] == 2.0 and data["rows"][0]["status"] == PASS


# --- registry ---------------------------------------------------------------------------------


def test_register_adds_and_refuses_duplicates():
    def fake(ctx: Context) -> list[Row]:
        return [Row("fake", "x", 1.0, "s")]

    try:
        register("fake-bench", "a test benchmark")(fake)
        assert REGISTRY["fake-bench"].fn(Context())[0].item == "x"
        with pytest.raises(ValueError):
            register("fake-bench")(lambda ctx: [])
    finally:
        REGISTRY.pop("fake-bench", None)


def test_real_benchmarks_are_registered():
    assert {"notebooks", "footprint"} <= set(REGISTRY)


# --- memory cell ------------------------------------------------------------------------------


def test_parse_memory_text():
    text = f"some output\n{MEMORY_MARKER} {json.dumps({'maxrss_kib': 204800})}\n"
    assert parse_memory_text(text) == 204800
    with pytest.raises(ValueError):
        parse_memory_text("nothing here\n")


def test_memory_cell_output_parses(capsys):
    exec(MEMORY_CELL, {})  # the appended cell run in this process prints a parseable line
    assert parse_memory_text(capsys.readouterr().out) > 0


def test_peak_memory_from_executed_notebook_outputs():
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("print('hi')")
    first.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    mem = nbformat.v4.new_code_cell(MEMORY_CELL)
    mem.outputs = [
        nbformat.v4.new_output(
            "stream", name="stderr", text=f'{MEMORY_MARKER} {{"maxrss_kib": 1}}\n'
        ),
        nbformat.v4.new_output(
            "stream", name="stdout", text=[f"{MEMORY_MARKER} ", '{"maxrss_kib": 512000}\n']
        ),
    ]
    nb.cells = [first, mem]
    assert peak_memory_kib(nb) == 512000


def test_rows_from_samples():
    samples = {
        EMPTY_NAME: [(1.0, 60_000), (3.0, 61_000), (2.0, 62_000)],
        "modules/a.ipynb": [(4.0, 300_000), (5.0, 450_000), (6.0, 310_000)],
        "modules/b.ipynb": [],
    }
    rows = rows_from_samples(samples, {"modules/b.ipynb": "CellExecutionError: boom"})
    by = {(r.benchmark, r.item): r for r in rows}
    t = by[("notebook time (FAST)", "modules/a.ipynb")]
    assert (t.value, t.baseline, t.ratio, t.status) == (5.0, 2.0, 2.5, PASS)
    m = by[("peak kernel memory", "modules/a.ipynb")]
    assert m.value == pytest.approx(450_000 / 1024) and m.status == OVER  # max of runs > 400 MB
    assert by[("peak kernel memory", EMPTY_NAME)].status == INFO
    assert by[("notebook time (FAST)", "modules/b.ipynb")].status == ERROR


# --- notebooks and pins -----------------------------------------------------------------------


def test_empty_notebook_has_the_parameters_cell(tmp_path):
    nb = nbformat.read(write_empty_notebook(tmp_path), as_version=4)
    assert [c.source for c in nb.cells] == ["FAST = False"]
    assert nb.cells[0].metadata["tags"] == ["parameters"]


def test_course_notebooks_skips_checkpoints(tmp_path):
    for rel in [
        "modules/01/a.ipynb",
        "modules/START_HERE.ipynb",
        "modules/.ipynb_checkpoints/START_HERE-checkpoint.ipynb",
        "assessments/source/a1/a1.ipynb",
        "assessments/release/a1/a1.ipynb",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in course_notebooks(tmp_path)]
    assert found == [
        "assessments/source/a1/a1.ipynb",
        "modules/01/a.ipynb",
        "modules/START_HERE.ipynb",
    ]


def test_client_requirements_read_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["JupyterLab==4.6.6", "scikit_learn == 1.9.1", '
        '"numpy>=2"]\n'
    )
    assert pinned_versions(tmp_path / "pyproject.toml") == {
        "jupyterlab": "4.6.6",
        "scikit-learn": "1.9.1",
    }
    assert client_requirements(tmp_path / "pyproject.toml", ("jupyterlab", "scikit-learn")) == [
        "jupyterlab==4.6.6",
        "scikit-learn==1.9.1",
    ]
    with pytest.raises(ValueError, match="numpy"):
        client_requirements(tmp_path / "pyproject.toml", ("numpy",))


def test_stack_rows_compare_each_notebook_with_the_stack_import_floor():
    from benchmarks.notebooks import STACK_NAME, stack_rows

    samples = {EMPTY_NAME: [(0.5, 1)], STACK_NAME: [(1.0, 1), (1.2, 1)],
               "modules/x.ipynb": [(1.5, 1)], "modules/broken.ipynb": []}
    rows = stack_rows(samples, {"modules/broken.ipynb": "Error"})
    assert [(r.item, r.value, r.baseline) for r in rows] == [("modules/x.ipynb", 1.5, 1.1)]
    assert stack_rows({EMPTY_NAME: [(0.5, 1)]}, {}) == []


# --- cohort grading benchmark -----------------------------------------------------------------

DEMO_KEY = (
    Path(__file__).resolve().parents[2]
    / "assessments" / "source" / "demo_orientation" / "demo_orientation.ipynb"
)


def _demo_key():
    return nbformat.read(DEMO_KEY, as_version=4)


def test_grading_benchmark_is_registered():
    import benchmarks.grading  # noqa: F401 -- importing the module registers it

    assert "grading" in REGISTRY


def test_build_submission_levels_replace_answers_from_the_end_of_the_list():
    from benchmarks.grading import LEVELS, WRONG_ANSWERS, build_submission, cell_by_id

    key = _demo_key()
    before = nbformat.writes(key)
    answers = [grade_id for grade_id, _, _ in WRONG_ANSWERS]
    assert LEVELS == 4
    assert nbformat.writes(build_submission(key, LEVELS - 1)) == before  # the key itself
    for level in range(LEVELS):
        nb = build_submission(key, level)
        changed = [g for g in answers if cell_by_id(nb, g).source != cell_by_id(key, g).source]
        assert changed == answers[: LEVELS - 1 - level]
        # metadata and cell layout untouched: every submission can be graded
        assert [c.metadata for c in nb.cells] == [c.metadata for c in key.cells]
        nbformat.validate(nb)
    assert nbformat.writes(key) == before  # the key was not modified
    with pytest.raises(ValueError):
        build_submission(key, LEVELS)
    with pytest.raises(ValueError):
        build_submission(key, -1)


def test_expected_scores_and_cohort_levels():
    from benchmarks.grading import AUTO_MARKS, cohort_levels, expected_auto_score, student_ids

    assert [expected_auto_score(level) for level in range(4)] == [3, 5, 6, 7]
    assert AUTO_MARKS == 7
    assert student_ids(3) == ["s000", "s001", "s002"]
    assert student_ids(1001)[-1] == "s1000" and len(set(student_ids(1001))) == 1001
    levels = cohort_levels(6)
    assert list(levels.values()) == [0, 1, 2, 3, 0, 1]
    assert sorted(levels) == list(levels)


def test_graded_cell_ids_of_the_demo():
    from benchmarks.grading import graded_cell_ids

    ids = graded_cell_ids(_demo_key())
    assert len(ids) == 8 and "demo-q4-answer" in ids and "demo-q1-answer" not in ids


def test_trivial_notebook_metadata_and_filled_release():
    from benchmarks.grading import (
        TRIVIAL_ANSWER_ID,
        TRIVIAL_TEST_ID,
        fill_answers,
        graded_cell_ids,
        trivial_notebook,
    )

    nb = trivial_notebook()
    nbformat.validate(nb)
    answer, test = (c.metadata["nbgrader"] for c in nb.cells)
    assert answer == {"grade": False, "grade_id": TRIVIAL_ANSWER_ID, "locked": False,
                      "schema_version": 3, "solution": True, "task": False}
    assert test == {"grade": True, "grade_id": TRIVIAL_TEST_ID, "locked": True, "points": 1,
                    "schema_version": 3, "solution": False, "task": False}
    assert "answer = 1" in nb.cells[0].source and nb.cells[1].source == "assert answer == 1"
    assert graded_cell_ids(nb) == [TRIVIAL_TEST_ID]
    release = trivial_notebook()
    release.cells[0].source = "raise NotImplementedError()"
    filled = fill_answers(release, {TRIVIAL_ANSWER_ID: "answer = 1"})
    assert filled.cells[0].source == "answer = 1"
    assert release.cells[0].source == "raise NotImplementedError()"  # a copy was filled
    with pytest.raises(ValueError):
        fill_answers(release, {TRIVIAL_TEST_ID: "pass"})
    with pytest.raises(KeyError):
        fill_answers(release, {"nope": "x"})


def test_compare_and_check_scores():
    from benchmarks.grading import check_cohort_scores, compare_scores, sort_scores

    rows = [("s001", "q1", 1.0), ("s000", "q2", None), ("s000", "q1", 0.0), ("s001", "q2", None)]
    assert sort_scores(rows)[0] == ("s000", "q1", 0.0)
    assert compare_scores(rows, list(reversed(rows))) == ""
    diff = compare_scores(rows, [*rows[:3], ("s001", "q2", 2.0)])
    assert "only in make grade" in diff and "only in nbgrader" in diff
    assert "3 vs 4" in compare_scores(rows[:3], rows)
    # levels 0 and 3 of the demo are worth 3 and 7 autograded marks
    good = [("s000", "a", 3.0), ("s000", "b", None), ("s001", "a", 7.0), ("s001", "b", None)]
    assert check_cohort_scores(good, {"s000": 0, "s001": 3}, ["a", "b"]) == ""
    assert "expected 2 × 2 = 4" in check_cohort_scores(good[:3], {"s000": 0, "s001": 3},
                                                       ["a", "b"])
    wrong = check_cohort_scores(good, {"s000": 3, "s001": 3}, ["a", "b"])
    assert "s000: 3 instead of 7" in wrong
    assert "duplicate" in check_cohort_scores(
        [*good[:3], ("s001", "a", 0.0)], {"s000": 0, "s001": 0}, ["a", "b"])


def test_grading_rows_ratios_targets_and_errors():
    from benchmarks.grading import (
        ITEM_FLOOR,
        ITEM_OURS_ABS,
        ITEM_PER_SUBMISSION,
        ITEM_SERIAL,
        ITEM_SPEEDUP,
        grading_rows,
    )

    rows = {r.item: r for r in grading_rows(100, 100.0, 200.0, 80.0)}
    per = rows[ITEM_PER_SUBMISSION]
    assert (per.value, per.baseline, per.ratio, per.target, per.status) == (
        1.0, 0.8, 1.25, 1.5, PASS)
    speed = rows[ITEM_SPEEDUP]
    assert (speed.value, speed.baseline, speed.ratio) == (100.0, 200.0, 0.5)
    assert speed.target == pytest.approx(1 / 1.7, abs=1e-3) and speed.status == PASS
    assert "speed-up 2.00×" in speed.note and "≥ 1.7×" in speed.note
    assert rows[ITEM_SERIAL].ratio == 2.5 and rows[ITEM_SERIAL].status == INFO
    assert rows[ITEM_OURS_ABS].value == 1.0 and rows[ITEM_FLOOR].value == 0.8
    # a speed-up of 1.6× is over target, 1.7× passes
    assert {r.item: r for r in grading_rows(10, 10.0, 16.0, 8.0)}[ITEM_SPEEDUP].status == OVER
    assert {r.item: r for r in grading_rows(10, 10.0, 17.0, 8.0)}[ITEM_SPEEDUP].status == PASS
    failed = {r.item: r for r in grading_rows(100, None, 200.0, 80.0, {"ours": "3 ungraded"})}
    assert failed[ITEM_PER_SUBMISSION].status == ERROR and "3 ungraded" in (
        failed[ITEM_SPEEDUP].error)
    assert failed[ITEM_SERIAL].status == INFO and failed[ITEM_FLOOR].status == INFO
    mismatch = {r.item: r for r in grading_rows(100, 100.0, 200.0, 80.0,
                                                {"serial": "scores differ"})}
    assert mismatch[ITEM_SPEEDUP].status == ERROR and mismatch[ITEM_PER_SUBMISSION].status == PASS


def test_autograding_log_lines_are_counted():
    from benchmarks.grading import count_autograding

    assert count_autograding(
        "[AutogradeApp | INFO] Autograding /c/autograded/s001/demo/demo.ipynb\n")
    assert not count_autograding("[AutogradeApp | INFO] Sanitizing /c/submitted/s001/demo.ipynb")


def test_private_gradebooks_hides_and_restores_the_shared_url(monkeypatch):
    from benchmarks.grading import private_gradebooks

    monkeypatch.setenv("RADCOURSE_GRADEBOOK_URL", "postgresql+psycopg2://x@h/db")
    with private_gradebooks():
        assert "RADCOURSE_GRADEBOOK_URL" not in os.environ
    assert os.environ["RADCOURSE_GRADEBOOK_URL"] == "postgresql+psycopg2://x@h/db"
