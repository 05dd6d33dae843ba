"""The SoR priorities table (``radcourse.data.priorities`` → ``datasets/sor_priorities.csv``).

The design facts here are the ones Module A's exercises rely on (SYLLABUS.md §1.4, A-Ex4, A-Q4):
status totals per version, and which priorities a case-insensitive text search finds. The seeds
are not in the repository, so line-by-line transcription was checked when the table was written
(see the Module A report); these tests pin the result.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from radcourse.data import load_sor_priorities
from radcourse.data.priorities import (
    AREAS,
    COLUMNS,
    PRIORITIES,
    SOR_PRIORITIES_DTYPES,
    SOR_PRIORITIES_FILE,
    STATUSES,
    TEXT_COLUMNS,
    get_priority,
    priorities_frame,
    read_priorities_csv,
    write_priorities_csv,
)

# SYLLABUS.md §1.4: the line on which each priority's row starts, in 001 and in 003.
LINES_001 = [64, 66, 69, 70, 73, 74, 94, 96, 97, 98, 101, 103, 110, 111, 113, 114, 115, 118, 134,
             135, 137, 138, 140, 141, 142, 145, 159, 162, 163, 166, 167]
LINES_003 = [616, 659, 726, 770, 808, 837, 915, 974, 1017, 1040, 1072, 1146, 1233, 1267, 1287,
             1321, 1374, 1402, 1489, 1529, 1550, 1579, 1622, 1686, 1732, 1777, 1871, 1931, 2006,
             2037, 2055]


def mentioning(frame: pd.DataFrame, text: str) -> list[int]:
    """Numbers of the priorities whose text columns contain ``text`` (case-insensitive)."""
    hit = pd.Series(False, index=frame.index)
    for column in TEXT_COLUMNS:
        hit |= frame[column].str.contains(text, case=False, regex=False)
    return sorted(int(n) for n in frame.loc[hit, "number"])


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_sor_priorities()


@pytest.fixture(scope="module", params=["module", "shipped"])
def frame(request, shipped) -> pd.DataFrame:
    return priorities_frame() if request.param == "module" else shipped


# --- shape -------------------------------------------------------------------------------------


def test_thirty_one_priorities_numbered_in_order(frame):
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["number"]) == list(range(1, 32))


def test_areas_follow_the_four_tables(frame):
    expected = ["Clinical practice"] * 6 + ["Education"] * 12 + ["Research"] * 8 \
        + ["Partnerships"] * 5
    assert list(frame["area"].astype(str)) == expected
    assert list(frame["area"].cat.categories) == list(AREAS)


def test_line_numbers_are_the_syllabus_row_starts(frame):
    assert list(frame["line_001"]) == LINES_001
    assert list(frame["line_003"]) == LINES_003


def test_text_cells_are_filled_except_optional_notes(frame):
    for column in ("vision", "actions", "responsibility"):
        assert (frame[column].str.len() > 0).all(), column
    assert frame["notes"].notna().all()
    assert (frame["notes"] != "").sum() == 17


# --- design facts (A-Q4) -------------------------------------------------------------------------


def test_status_totals_in_the_full_guidance(frame):
    counts = frame["status_003"].astype(str).value_counts().to_dict()
    assert counts == {"Pending": 14, "Emerging": 8, "Ongoing": 9}


def test_status_totals_in_the_summary(frame):
    counts = frame["status_001"].astype(str).value_counts().to_dict()
    assert counts == {"Pending": 13, "Emerging": 8, "Ongoing": 10}


def test_the_versions_differ_only_for_priority_22(frame):
    differ = frame[frame["status_003"].astype(str) != frame["status_001"].astype(str)]
    assert list(differ["number"]) == [22]
    assert (differ["status_003"].iloc[0], differ["status_001"].iloc[0]) == ("Pending", "Ongoing")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("British Standards", [4, 10, 22]),
        ("british standards", [4, 10, 22]),
        ("BRITISH STANDARDS INSTITUTION", [4, 10, 22]),
        ("BSI", [4, 10]),
        ("bsi", [4, 10]),
        ("Topol", [29]),
        ("topol", [29]),
    ],
)
def test_text_search_design_facts(frame, text, expected):
    assert mentioning(frame, text) == expected


def test_where_the_british_standards_mentions_live():
    # 4 and 10 in the notes under the status (003 L799–801, L1068–1070); 22 in responsibility
    # (003 L1605–1606), spelt out without the acronym.
    assert "The British Standards Institution (BSI) AI auditable standards" in get_priority(4).notes
    assert get_priority(10).notes == (
        "The British Standards Institution (BSI) AI auditable standards for healthcare"
    )
    assert get_priority(22).responsibility.endswith("clinical practitioners, British Standards "
                                                    "Institution")
    assert "BSI" not in get_priority(22).responsibility


def test_priority_30_is_common_terminology_and_pending():
    p = get_priority(30)
    assert p.vision == ("Advocate and work with industry to establish a common language in AI "
                        "terminology for consistency")
    assert (p.area, p.status_003, p.status_001) == ("Partnerships", "Pending", "Pending")


def test_priority_12_lists_the_seven_curriculum_topics():
    vision = get_priority(12).vision
    assert vision.startswith("Consider appropriate inclusion of AI within pre-registration")
    positions = [vision.index(f"{letter}) ") for letter in "ABCDEFG"]
    assert positions == sorted(positions)
    assert "Regulatory and approval" not in vision  # the eighth topic is in 001 only


# --- transcription rules ---------------------------------------------------------------------------


def test_cells_are_clean_single_line_text():
    for p in PRIORITIES:
        for column in TEXT_COLUMNS:
            text = getattr(p, column)
            assert text == text.strip(), (p.number, column)
            assert "\n" not in text and "  " not in text, (p.number, column)
            assert "http" not in text, (p.number, column)
            assert not re.search(r"\w[-–] \w", text.replace(" – ", "")), (p.number, column)


def test_vision_drops_only_the_number_prefix():
    for p in PRIORITIES:
        assert not re.match(r"\d+\)", p.vision)
        assert p.vision[0].isupper()


def test_hyphenation_line_breaks_keep_the_hyphen():
    assert "from pre-registration to postgraduate" in get_priority(11).vision
    assert "robust post-implementation auditing" in get_priority(4).actions
    assert "Patient-centred and person-centred care" in get_priority(12).vision
    assert "mixed-methods research" in get_priority(19).actions
    assert "student–academic focus groups" in get_priority(16).actions
    assert "clinical audit/service evaluation" in get_priority(10).actions


def test_status_values_are_the_three_levels():
    for p in PRIORITIES:
        assert p.status_003 in STATUSES and p.status_001 in STATUSES


def test_get_priority_rejects_numbers_outside_1_to_31():
    assert get_priority(1).number == 1 and get_priority(31).number == 31
    for bad in (0, 32, -1, "4", 4.0, True):
        with pytest.raises(ValueError, match="1 to 31"):
            get_priority(bad)


# --- the CSV ---------------------------------------------------------------------------------------


def test_csv_round_trip_keeps_values_and_dtypes(tmp_path):
    path = write_priorities_csv(tmp_path / SOR_PRIORITIES_FILE)
    pd.testing.assert_frame_equal(read_priorities_csv(path), priorities_frame())


def test_csv_is_byte_identical_on_every_write(tmp_path):
    a = write_priorities_csv(tmp_path / "a.csv").read_bytes()
    b = write_priorities_csv(tmp_path / "b.csv").read_bytes()
    assert a == b and b"\r\n" not in a
    assert a.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_shipped_csv_matches_the_module(shipped):
    pd.testing.assert_frame_equal(shipped, priorities_frame())


def test_loader_gives_documented_dtypes_and_no_missing_text(shipped):
    for column in ("number", "line_001", "line_003"):
        assert shipped[column].dtype == "int64", column
    for column in ("area", "status_003", "status_001"):
        assert shipped[column].dtype == SOR_PRIORITIES_DTYPES[column], column
    assert list(shipped["status_003"].cat.categories) == list(STATUSES)
    assert not shipped[list(TEXT_COLUMNS)].isna().any().any()
    assert (shipped["notes"] == "").sum() == 14


def test_plain_read_csv_still_finds_the_design_facts(shipped):
    # A learner who skips the loader gets NaN for empty notes; na=False keeps the search working.
    from radcourse.data import datasets_dir

    raw = pd.read_csv(datasets_dir() / SOR_PRIORITIES_FILE)
    hit = pd.Series(False, index=raw.index)
    for column in TEXT_COLUMNS:
        hit |= raw[column].str.contains("BSI", case=False, na=False)
    assert sorted(raw.loc[hit, "number"]) == [4, 10]
