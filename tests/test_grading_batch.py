"""One batch of ordinary and hostile submissions of 00-getting-started, graded once with `kit grade`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kit.cli import main
from kit.grading.sandbox import isolation_available
from tests import grading_fixtures as F

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    subs, outside, out = F.batch_folders(base)
    items = F.ordinary() + F.hostile(outside)
    for name, data, _ in items:
        (subs / name).write_bytes(data)
    code = main(["grade", str(subs), "--assignment", F.ASSIGNMENT, "--out", str(out), "--timeout", "5",
                 "--workers", "2", "--quiet"])
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["submission"]: r for r in csv.DictReader(handle)}
    return {"code": code, "rows": rows, "items": items, "out": out, "outside": outside, "subs": subs}


def _number(text):
    return None if text == "" else float(text)


def test_every_submission_gets_one_row_and_the_batch_finishes(batch):
    assert batch["code"] == 0
    assert set(batch["rows"]) == {name for name, _, _ in batch["items"]}


@pytest.mark.parametrize("name", [n for n, _, _ in F.ordinary()] + [n for n, _, _ in F.hostile(Path("/x"))])
def test_status_and_scores_match_the_master(batch, name):
    expected = dict(next(e for n, _, e in batch["items"] if n == name))
    row = batch["rows"][name]
    assert row["status"] == expected.pop("status"), row["reason"]
    needle = expected.pop("reason", None)
    if needle:
        assert needle in row["reason"]
    for column, value in expected.items():
        assert _number(row[column]) == value, (column, row)
    assert row["reason"].strip(), "every row explains itself"
    assert row["max_points"] == "5"


def test_failures_are_never_written_as_zero(batch):
    for name in ("invalid-json.ipynb", "not-a-notebook.ipynb", "empty.ipynb", "other-assignment.ipynb", "report.pdf"):
        row = batch["rows"][name]
        assert row["total"] == "" and row["q1"] == "" and row["q2"] == ""
    with open(batch["out"] / "canvas.csv", encoding="utf-8-sig", newline="") as handle:
        canvas = {r["Student"]: r for r in csv.DictReader(handle)}
    assert canvas["invalid-json"][F.ASSIGNMENT] == "" and canvas["right"][F.ASSIGNMENT] == "3"


def test_kernel_death_keeps_earlier_marks_and_says_why(batch):
    row = batch["rows"]["exits.ipynb"]
    assert row["status"] == "crashed" and "died" in row["reason"] and "q3" in row["reason"]


def test_timeout_names_the_cell_and_marks_the_rest(batch):
    row = batch["rows"]["infinite-loop.ipynb"]
    assert "Stopped after 5 s" in row["reason"] and "q2" in row["reason"]


def test_spoofed_equality_and_patched_helpers_gain_nothing(batch):
    row = batch["rows"]["monkeypatch.ipynb"]
    assert row["total"] == "0"
    result = _result(batch, "monkeypatch.ipynb")
    statuses = {t["status"] for tests in result["tests"].values() for t in tests}
    assert statuses <= {"unplain", "wrong", "unanswered"}  # unanswered: the liar never made schools_2014


def _result(batch, name):
    sha = batch["rows"][name]["sha256"]
    path = next((batch["out"] / ".grading" / "results").glob(f"{sha}*.json"))
    return json.loads(path.read_text())


def test_output_is_capped_in_what_the_grader_keeps(batch):
    result = _result(batch, "loud.ipynb")
    executed = (batch["out"] / ".grading" / "executed" / f"{result['key']}.ipynb").stat().st_size
    assert executed < 1_300_000  # 50 MB printed, at most ~1 MB kept
    html = (batch["out"] / "feedback" / "loud.html").read_text()
    assert "output cut here" in html


@pytest.mark.skipif(not isolation_available(), reason="Linux user namespaces are not available here")
def test_files_outside_the_submission_folder_are_safe(batch):
    assert (batch["outside"] / "keep.txt").read_text() == "keep me"
    assert not (batch["outside"] / "planted.txt").exists()
    html = (batch["out"] / "feedback" / "files.html").read_text()
    assert "blocked" in html  # the attempts failed inside the kernel


@pytest.mark.skipif(not isolation_available(), reason="Linux user namespaces are not available here")
def test_hidden_tests_cannot_be_read_from_the_kernel(batch):
    assert batch["rows"]["peek.ipynb"]["q1"] == "1"  # it scores only if nothing under solutions/ was readable
    assert "found []" in (batch["out"] / "feedback" / "peek.html").read_text()


def test_feedback_per_student_without_hidden_details(batch):
    feedback = batch["out"] / "feedback"
    assert len(list(feedback.glob("*.html"))) == len(batch["items"])
    html = (feedback / "partly.html").read_text()
    assert "Question q2: 1 of 2 points" in html and "further checks did not pass" in html
    master_hidden_hint = "round it to one decimal place"
    assert master_hidden_hint not in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_lms_and_marking_files(batch):
    out = batch["out"]
    with open(out / "canvas.csv", encoding="utf-8-sig", newline="") as handle:
        canvas = list(csv.DictReader(handle))
    assert canvas[0]["Student"].strip() == "Points Possible" and canvas[0][F.ASSIGNMENT] == "5"
    with open(out / "moodle.csv", encoding="utf-8-sig", newline="") as handle:
        moodle = list(csv.DictReader(handle))
    assert {r["Identifier"] for r in moodle} >= {"right", "partly"}
    with open(out / "marking.csv", encoding="utf-8-sig", newline="") as handle:
        marking = {r["submission"]: r for r in csv.DictReader(handle)}
    assert marking["right.ipynb"]["answer"] == F.Q3_TEXT
    assert marking["only-q1.ipynb"]["answer"] == "(no answer written)"
    assert "1 point" in marking["right.ipynb"]["rubric"]
    assert "invalid-json.ipynb" not in marking
