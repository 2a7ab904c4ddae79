"""Marks belong to a student's submission: identical files from two students never share results or marks."""

from __future__ import annotations

import csv
import io

import pytest

from kit.grading.grade import grade, merge_marks
from tests import grading_fixtures as F

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")

OWN_Q3 = ("Disadvantage is the share of pupils on free school meals in each school, and my own view is that a "
          "school's intake shapes its results, so raw league tables mislead parents badly.")


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("identity")
    subs, out = base / "subs", F.seeded_out(base / "marks")
    subs.mkdir()
    same = F.dump(F.answered())
    (subs / "garciamaria_111_901_00.ipynb").write_bytes(same)  # Canvas names: two students, one file
    (subs / "smithjane_222_902_00.ipynb").write_bytes(same)
    near = F.answered(q3=OWN_Q3)
    (subs / "leekim_333_903_00.ipynb").write_bytes(F.dump(near))
    near2 = F.answered(q3=OWN_Q3.replace("badly", "a lot"))  # a copy with two words changed
    (subs / "ngoanh_444_904_00.ipynb").write_bytes(F.dump(near2))
    (subs / "own_555_905_00.ipynb").write_bytes(F.dump(F.answered(q2=F.Q2_UNROUNDED, q3="Something else entirely.")))
    grade(subs, F.ASSIGNMENT, out, timeout=20, workers=2, progress=False)
    return base, out


def test_identical_files_get_their_own_results(run):
    _, out = run
    rows = {r["student_id"]: r for r in _read(out / "gradebook.csv")}
    assert rows["111"]["sha256"] == rows["222"]["sha256"]
    results = list((out / ".grading" / "results").glob(f"{rows['111']['sha256']}*.json"))
    assert len(results) == 2  # 6ec511b kept one result for both


def test_marks_go_to_the_student_who_was_marked(run):
    """On 6ec511b both students got the last row's mark and comment (marks were keyed by file hash)."""
    _, out = run
    marking = _read(out / "marking.csv")
    assert len([r for r in marking if r["question"] == "q3"]) == 5
    for r in marking:
        r["marks"], r["comment"] = {"111": ("2", "Good <b>work</b> & clear"), "222": ("0", "ok")}.get(
            r["student_id"], ("", ""))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(marking[0]))
    writer.writeheader()
    writer.writerows(marking)
    (out / "filled.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert merge_marks(out / "filled.csv", F.ASSIGNMENT, out) == 2
    rows = {r["student_id"]: r for r in _read(out / "gradebook.csv")}
    assert (rows["111"]["q3"], rows["111"]["total"]) == ("2", "5")
    assert (rows["222"]["q3"], rows["222"]["total"]) == ("0", "3")
    page_111 = next((out / "feedback").glob("111*.html")).read_text()
    page_222 = next((out / "feedback").glob("222*.html")).read_text()
    assert "Good &lt;b&gt;work&lt;/b&gt; &amp; clear" in page_111 and "ok" not in page_111.split("Comment:")[-1][:20]
    assert "Good &lt;b&gt;work" not in page_222


def test_similar_submissions_are_listed(run):
    _, out = run
    pairs = {(r["student_a"], r["student_b"]): r for r in _read(out / "similar.csv")}
    assert pairs[("111", "222")]["identical_file"] == "yes" and pairs[("111", "222")]["how_alike"] == "100"
    near = pairs[("333", "444")]
    assert near["identical_file"] == "no" and 90 <= int(near["how_alike"]) < 100 and "q3" in near["same_questions"]
    assert not any("555" in key for key in pairs)
