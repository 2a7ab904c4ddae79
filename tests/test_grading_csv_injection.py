"""No cell of any CSV the kit writes can run as a formula in a spreadsheet (OWASP CSV injection)."""

from __future__ import annotations

import csv

import pytest

from kit.grading.gradebook import FORMULA_START
from kit.grading.grade import grade, merge_marks
from tests import grading_fixtures as F

pytestmark = pytest.mark.skipif(not F.EXERCISE.exists(), reason="exercise 00 not built")

LINK = '=HYPERLINK("http://127.0.0.1:8799/?leak","Click me")'


def _cells(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [c for row in csv.reader(handle) for c in row]


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    base = tmp_path_factory.mktemp("inject")
    subs, out = base / "subs", F.seeded_out(base / "marks")
    subs.mkdir()
    spoof = F.answered(q3=LINK)
    spoof.metadata["kit"] = {"student_id": LINK}
    (subs / "a.ipynb").write_bytes(F.dump(spoof))
    (subs / "=cmd@x.ipynb").write_bytes(F.dump(F.answered(q3="=1+1")))
    (subs / "@sum.ipynb").write_bytes(F.dump(F.answered(q3="@SUM(1,2) " + "words " * 20)))
    (subs / "+plus.ipynb").write_bytes(F.dump(F.answered(q3="@SUM(1,2) " + "words " * 20)))
    grade(subs, F.ASSIGNMENT, out, timeout=20, workers=2, progress=False)
    return out


@pytest.mark.parametrize("name", ["gradebook.csv", "canvas.csv", "moodle.csv", "marking.csv", "similar.csv"])
def test_no_cell_starts_a_formula(out, name):
    """On 6ec511b the id, the file name and the answers were written verbatim."""
    cells = _cells(out / name)
    assert cells, name
    bad = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
    assert bad == []
    assert any(c.startswith("'") for c in cells)  # the hostile text is there, shown as text


def test_marks_and_comments_come_back_unchanged(out):
    with open(out / "marking.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        r["marks"], r["comment"] = "1", "=not a formula"
    with open(out / "filled.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert merge_marks(out / "filled.csv", F.ASSIGNMENT, out) == 4
    book = {r["submission"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8-sig"))}
    assert book["'=cmd@x.ipynb"]["q3"] == "1" and book["'=cmd@x.ipynb"]["total"] == "4"
    page = (out / "feedback" / "cmd@x.html").read_text()
    assert "=not a formula" in page and "&#x27;=not" not in page
