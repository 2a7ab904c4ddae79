"""canvas.csv and moodle.csv read by reimplementations of Canvas's and Moodle's importers (tests/lms_importers.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta

import pytest

from kit.grading.grade import grade, merge_marks
from kit.grading.lms import MOODLE_STRINGS
from tests import grading_fixtures as F
from tests.lms_importers import ImportRefused, canvas_import, moodle_import

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")

PARTICIPANTS = {"4711": "jane", "4712": "omar", "4713": "li"}


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 1, 9, 0, 0)), data)
    return path


def _mark(out, marks):
    with open(out / "marking.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        r["marks"], r["comment"] = marks.get(r["student_id"], ("", ""))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (out / "filled.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return out / "filled.csv"


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    base = tmp_path_factory.mktemp("moodle")
    source = _zip(base / "m.zip", [
        ("Jane Smith_4711_assignsubmission_file_/nb.ipynb", F.dump(F.answered())),
        ("Omar Farouk_4712_assignsubmission_file_/nb.ipynb", F.dump(F.answered(q2=F.Q2_UNROUNDED))),
        ("Li Wei_4713_assignsubmission_file_/nb.ipynb", b"{broken"),
    ])
    out = F.seeded_out(base / "marks")
    grade(source, F.ASSIGNMENT, out, timeout=20, workers=2, progress=False)
    return out


def test_moodle_accepts_the_worksheet_and_grades_land_on_the_right_participants(moodle):
    """On 6ec511b Moodle refused moodle.csv: no 'Last modified (grade)' column (invalidgradeimport)."""
    result = moodle_import((moodle / "moodle.csv").read_bytes(), MOODLE_STRINGS["en"], PARTICIPANTS, 5)
    assert result["grades"] == {"jane": 3.0, "omar": 2.0}  # li's file could not be marked: blank, not 0
    assert "Feedback comments" not in result["header"]  # nothing written yet: Moodle's comments are left alone


def test_tutor_comments_reach_moodle_and_stale_grades_are_protected(moodle):
    """On 6ec511b Feedback comments held 'graded. Feedback file: 4711.html', overwriting Moodle's comments."""
    merge_marks(_mark(moodle, {"4711": ("2", "Clear, with a source."), "4712": ("1,5", 'Say "why".')}),
                F.ASSIGNMENT, moodle)
    data = (moodle / "moodle.csv").read_bytes()
    result = moodle_import(data, MOODLE_STRINGS["en"], PARTICIPANTS, 5)
    assert result["grades"] == {"jane": 5.0, "omar": 3.5}
    assert result["feedback"] == {"jane": "q3 (2 of 2): Clear, with a source.", "omar": 'q3 (1.5 of 2): Say "why".',
                                  "li": ""}
    later = datetime.now() + timedelta(hours=1)  # a grade changed in Moodle after the kit wrote the file
    kept = moodle_import(data, MOODLE_STRINGS["en"], PARTICIPANTS, 5, existing={"jane": (4.0, later.timestamp())})
    assert "jane" not in kept["grades"] and kept["grades"]["omar"] == 3.5


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_worksheet_in_the_sites_language(moodle, language):
    merge_marks(_mark(moodle, {"4711": ("2", "gut")}), F.ASSIGNMENT, moodle, moodle_language=language)
    data = (moodle / "moodle.csv").read_bytes()
    with pytest.raises(ImportRefused, match="invalidgradeimport"):
        moodle_import(data, MOODLE_STRINGS["en"], PARTICIPANTS, 5)  # an English site would not find its columns
    result = moodle_import(data, MOODLE_STRINGS[language], PARTICIPANTS, 5, decsep=",")
    assert result["grades"]["jane"] == 5.0 and result["feedback"]["jane"] == "q3 (2 of 2): gut"
    merge_marks(_mark(moodle, {}), F.ASSIGNMENT, moodle, moodle_language="en")


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    base = tmp_path_factory.mktemp("canvas")
    source = _zip(base / "c.zip", [
        ("smithjane_12345_901_00-getting-started.ipynb", F.dump(F.answered())),
        ("smithjane_LATE_12345_902_00-getting-started.ipynb", F.dump(F.answered(q2=F.Q2_UNROUNDED))),
        ("garciamaria_23456_903_00-getting-started.ipynb", F.dump(F.answered(q1="n_2014 = 1"))),
    ])
    out = F.seeded_out(base / "marks")
    grade(source, F.ASSIGNMENT, out, timeout=20, workers=2, progress=False, title="Week 1 (777)")
    return out


def test_canvas_reads_one_grade_per_student(canvas):
    students = [{"id": 12345, "name": "Jane Smith", "sortable_name": "Smith, Jane"},
                {"id": 23456, "name": "Maria Garcia", "sortable_name": "Garcia, Maria"}]
    result = canvas_import((canvas / "canvas.csv").read_bytes(), students)
    assert result["assignments"] == ["Week 1 (777)"] and result["points_possible"] == {"Week 1 (777)": "5"}
    grades = [(r["student"], r["grades"]["Week 1 (777)"]) for r in result["rows"]]
    assert sorted(grades) == [(12345, "3"), (23456, "0")]  # the on-time file counts (latest-on-time)
    assert len(grades) == 2  # 6ec511b gave two rows for 12345
