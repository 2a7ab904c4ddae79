"""One row per student in the LMS files, by a rule the instructor sees (--late); the rest kept as superseded."""

from __future__ import annotations

import csv
import zipfile

import pytest

from kit.grading.grade import grade
from tests import grading_fixtures as F

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            archive.writestr(info, data)
    return path


RIGHT = F.dump(F.answered())
PARTLY = F.dump(F.answered(q2=F.Q2_UNROUNDED))
WRONG = F.dump(F.answered(q1="n_2014 = 0", q2="mean_2014 = 0"))
DAY1, DAY2, DAY3 = (2026, 12, 1, 9, 0, 0), (2026, 12, 2, 9, 0, 0), (2026, 12, 3, 9, 0, 0)


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    base = tmp_path_factory.mktemp("canvas")
    source = _zip(base / "canvas.zip", [
        ("smithjane_12345_901_00-getting-started.ipynb", PARTLY, DAY1),
        ("smithjane_LATE_12345_902_00-getting-started.ipynb", RIGHT, DAY2),
        ("garciamaria_23456_903_00-getting-started.ipynb", WRONG, DAY1),
    ])
    outs = {}
    for rule in ("latest-on-time", "latest"):
        outs[rule] = F.seeded_out(base / rule)
        grade(source, F.ASSIGNMENT, outs[rule], timeout=20, workers=2, progress=False, late=rule)
    return outs


def test_canvas_late_file_is_kept_but_one_row_per_student(canvas):
    """On 6ec511b canvas.csv had two rows for ID 12345 and nothing said which was late."""
    out = canvas["latest-on-time"]
    book = {r["submission"]: r for r in _read(out / "gradebook.csv")}
    late = book["smithjane_LATE_12345_902_00-getting-started.ipynb"]
    assert late["status"] == "superseded" and late["late"] == "late"
    assert "smithjane_12345_901_00-getting-started.ipynb counts" in late["reason"]
    assert "latest-on-time" in late["reason"] and late["total"] == "3"  # its own result is still shown
    on_time = book["smithjane_12345_901_00-getting-started.ipynb"]
    assert on_time["status"] == "graded" and "Counts for this student: 2 submissions" in on_time["reason"]
    rows = [r for r in _read(out / "canvas.csv") if r["ID"] == "12345"]
    assert len(rows) == 1 and rows[0][F.ASSIGNMENT] == "2"
    assert (out / "feedback" / "12345.html").exists()
    assert "superseded" in next(p for p in (out / "feedback").glob("12345-*.html")).read_text()


def test_late_rule_latest_sends_the_late_file(canvas):
    rows = [r for r in _read(canvas["latest"] / "canvas.csv") if r["ID"] == "12345"]
    assert len(rows) == 1 and rows[0][F.ASSIGNMENT] == "3"


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    base = tmp_path_factory.mktemp("moodle")
    source = _zip(base / "moodle.zip", [
        ("Jane Smith_4711_assignsubmission_file_/00-getting-started.ipynb", WRONG, DAY1),
        ("Jane Smith_4711_assignsubmission_file_/00-getting-started (1).ipynb", RIGHT, DAY3),
        ("Kim Lee_4714_assignsubmission_file_/kim.ipynb", PARTLY, DAY1),
        ("Kim Lee_4714_assignsubmission_onlinetext_/onlinetext.html", b"<p>see my notebook</p>", DAY1),
        ("Ana Ruiz_4715_assignsubmission_onlinetext_/onlinetext.html", b"<p>I could not upload</p>", DAY1),
    ])
    out = F.seeded_out(base / "marks")
    grade(source, F.ASSIGNMENT, out, timeout=20, workers=2, progress=False, late="best")
    return out


def test_two_files_of_one_moodle_participant_give_one_row(moodle):
    book = {r["submission"]: r for r in _read(moodle / "gradebook.csv")}
    first = book["Jane Smith_4711_assignsubmission_file_/00-getting-started.ipynb"]
    assert first["status"] == "superseded" and "best" in first["reason"]
    rows = [r for r in _read(moodle / "moodle.csv") if r["Identifier"] == "Participant 4711"]
    assert len(rows) == 1 and rows[0]["Grade"] == "3"


def test_moodle_online_text_is_recognised(moodle):
    """On 6ec511b onlinetext.html was an invalid notebook asking for an .ipynb the student had uploaded."""
    book = {r["submission"]: r for r in _read(moodle / "gradebook.csv")}
    text = book["Kim Lee_4714_assignsubmission_onlinetext_/onlinetext.html"]
    assert text["status"] == "superseded" and "kim.ipynb counts" in text["reason"]
    assert "online text box" in text["reason"]
    alone = book["Ana Ruiz_4715_assignsubmission_onlinetext_/onlinetext.html"]
    assert alone["status"] == "invalid-notebook" and "online text box" in alone["reason"]
    ids = [r["Identifier"] for r in _read(moodle / "moodle.csv")]
    assert ids.count("Participant 4714") == 1


def test_a_deadline_makes_later_files_late(tmp_path):
    from kit.grading.collect import collect, parse_deadline

    source = _zip(tmp_path / "m.zip", [("A B_1_assignsubmission_file_/x.ipynb", RIGHT, DAY1),
                                       ("A B_1_assignsubmission_file_/y.ipynb", RIGHT, DAY3)])
    subs = collect(source, deadline=parse_deadline("2026-12-02"))
    assert [(s.name.split("/")[-1], s.late) for s in subs] == [("x.ipynb", False), ("y.ipynb", True)]
