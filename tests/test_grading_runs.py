"""kit grade across runs: resume after an interruption, regrade only what changed, LMS zips, merged marks, Dask."""

from __future__ import annotations

import csv
import zipfile

import pytest

from kit.errors import GradingError
from kit.grading.grade import grade, merge_marks
from tests import grading_fixtures as F

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")

FAST = {"timeout": 10, "workers": 2, "progress": False}


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _folder(tmp_path, names=("right", "partly", "wrong")):
    subs = tmp_path / "subs"
    subs.mkdir()
    items = {n.split(".")[0]: (d, e) for n, d, e in F.ordinary()}
    for name in names:
        (subs / f"{name}.ipynb").write_bytes(items[name][0])
    return subs


def test_interrupted_run_resumes_without_grading_twice_and_regrades_only_changes(tmp_path):
    subs, out = _folder(tmp_path), F.seeded_out(tmp_path / "out")
    seen = []

    def stop_after_first(result):
        seen.append(result["name"])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade(subs, F.ASSIGNMENT, out, on_result=stop_after_first, workers=1, timeout=10, progress=False)
    rows = {r["submission"]: r for r in _rows(out / "gradebook.csv")}
    assert len(rows) == 3 and rows[seen[0]]["status"] == "graded"
    assert sum(r["status"] == "pending" for r in rows.values()) == 2  # one row per submission, even now

    again = grade(subs, F.ASSIGNMENT, out, **FAST)
    assert (again.reused, again.graded_now) == (1, 2)
    assert {r["status"] for r in _rows(out / "gradebook.csv")} == {"graded"}

    fixed = F.answered(q3="My own answer, resubmitted.")
    (subs / "wrong.ipynb").write_bytes(F.dump(fixed))  # the student fixed it; nothing else changed
    third = grade(subs, F.ASSIGNMENT, out, **FAST)
    assert (third.reused, third.graded_now) == (2, 1)
    rows = {r["submission"]: r for r in _rows(out / "gradebook.csv")}
    assert rows["wrong.ipynb"]["total"] == "3" and rows["partly.ipynb"]["total"] == "2"


def test_canvas_zip_ids_and_import_file(tmp_path):
    archive = tmp_path / "submissions.zip"
    right = dict((n, d) for n, d, _ in F.ordinary())["right.ipynb"]
    partly = dict((n, d) for n, d, _ in F.ordinary())["partly.ipynb"]
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("smithjane_12345_900001_00-getting-started.ipynb", right)
        z.writestr("ngkim_LATE_23456_900002_00-getting-started-1.ipynb", partly)
        z.writestr("__MACOSX/._junk", b"x")
    summary = grade(archive, F.ASSIGNMENT, F.seeded_out(tmp_path / "out"), **FAST)
    assert summary.statuses == {"graded": 2}
    rows = {r["student_id"]: r for r in _rows(tmp_path / "out" / "gradebook.csv")}
    assert rows["12345"]["student_name"] == "smithjane" and rows["12345"]["total"] == "3"
    canvas = _rows(tmp_path / "out" / "canvas.csv")
    assert list(canvas[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", F.ASSIGNMENT]
    assert {(r["ID"], r[F.ASSIGNMENT]) for r in canvas[1:]} == {("12345", "3"), ("23456", "2")}
    assert (tmp_path / "out" / "feedback" / "12345.html").exists()


def test_moodle_zip_and_merge_marks_into_gradebook_feedback_and_lms(tmp_path):
    archive = tmp_path / "moodle.zip"
    right = dict((n, d) for n, d, _ in F.ordinary())["right.ipynb"]
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Jane Smith_4711_assignsubmission_file_/00-getting-started.ipynb", right)
        z.writestr("Kim Ng_4712_assignsubmission_file_/week1.ipynb", F.dump(F.answered(q2=F.Q2_UNROUNDED)))
    out = F.seeded_out(tmp_path / "out")
    grade(archive, F.ASSIGNMENT, out, **FAST)
    moodle = {r["Identifier"]: r for r in _rows(out / "moodle.csv")}
    assert moodle["Participant 4711"]["Full name"] == "Jane Smith" and moodle["Participant 4711"]["Grade"] == "3"

    marking = _rows(out / "marking.csv")
    assert len(marking) == 2
    marking[0]["marks"], marking[0]["comment"] = "2", "Both points: <b>clear</b>"
    bad = [dict(marking[1], marks="7")]
    with open(tmp_path / "bad.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(marking[0]))
        writer.writeheader()
        writer.writerows(bad)
    with pytest.raises(GradingError, match="outside 0 to 2"):
        merge_marks(tmp_path / "bad.csv", F.ASSIGNMENT, out)
    with open(tmp_path / "marked.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(marking[0]))
        writer.writeheader()
        writer.writerows(marking)
    assert merge_marks(tmp_path / "marked.csv", F.ASSIGNMENT, out) == 1
    rows = {r["student_id"]: r for r in _rows(out / "gradebook.csv")}
    who = marking[0]["student_id"]
    other = ({"4711", "4712"} - {who}).pop()
    assert rows[who]["q3"] == "2" and "not marked yet" not in rows[who]["reason"]
    assert rows[other]["q3"] == "" and "not marked yet: q3" in rows[other]["reason"]
    assert float(rows[who]["total"]) == float({"4711": 3, "4712": 2}[who]) + 2
    html = (out / "feedback" / f"{who}.html").read_text()
    assert "Marks: <b>2 of 2</b>" in html and "&lt;b&gt;clear&lt;/b&gt;" in html
    assert {r["Identifier"]: r["Grade"] for r in _rows(out / "moodle.csv")}[f"Participant {who}"] == rows[who]["total"]
    again = grade(archive, F.ASSIGNMENT, out, **FAST)  # a later run keeps the marks
    assert again.graded_now == 0
    assert {r["student_id"]: r for r in _rows(out / "gradebook.csv")}[who]["q3"] == "2"


def test_unknown_assignment_and_missing_folder_are_explained(tmp_path):
    with pytest.raises(GradingError, match="does not exist"):
        grade(tmp_path / "nowhere", F.ASSIGNMENT, tmp_path / "out", progress=False)
    (tmp_path / "subs").mkdir()
    with pytest.raises(Exception, match="00-getting-started"):
        grade(tmp_path / "subs", "00-getting-startd", tmp_path / "out", progress=False)


def test_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    subs = _folder(tmp_path, names=("right", "partly"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        summary = grade(subs, F.ASSIGNMENT, F.seeded_out(tmp_path / "out"), scheduler=cluster.scheduler_address, timeout=10,
                        progress=False)
    assert summary.graded_now == 2
    totals = {r["submission"]: r["total"] for r in _rows(tmp_path / "out" / "gradebook.csv")}
    assert totals == {"right.ipynb": "3", "partly.ipynb": "2"}
