"""The instructor's whole journey, as the README tells it: text draft -> kit build -> Canvas zip, Moodle zip and a
folder -> kit grade -> marking.csv filled in a spreadsheet-like way -> --merge-marks -> files Canvas and Moodle import.

canvas.csv and moodle.csv are read by reimplementations of the two importers (tests/lms_importers.py).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from kit.cli import main
from kit.grading.lms import MOODLE_STRINGS
from kit.notebook_text import convert
from tests.lms_importers import canvas_import, moodle_import

ROOT = Path(__file__).resolve().parents[1]
NAME = "90-reading-results"
RIGHT = "gap = max(scores.values()) - min(scores.values())\ngap"
BACKWARDS = "gap = min(scores.values()) - max(scores.values())\ngap"
ANSWERS = {  # what students wrote for the written question: quotes, commas, semicolons, a formula
    "ana": 'Intake differs; "raw" averages mix teaching, intake and luck, so a gap alone says little.',
    "ben": "=HYPERLINK(\"http://example.invalid\",\"see\")",
    "cara": "Schools serve different pupils, e.g. more on free meals; the averages can't separate that.",
}


def _draft() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "# # 90 Reading a school's results" in b]
    assert blocks, "the README's worked master example is missing"
    return blocks[0]


def _submission(exercise, code: str, written: str, student_id: str | None = None) -> bytes:
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(exercise), as_version=4))
    code_cell = next(c for c in nb.cells if c.source.endswith("\n...\ngap = ...\ngap"))
    marker = code_cell.source.splitlines()[0]  # "# Your answer to q1": a student keeps it, as the cell shows it
    assert marker == "# Your answer to q1", marker
    code_cell.source = marker + "\n" + code
    prompt = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("_Type your answer"))
    prompt.source = written
    if student_id:
        nb.metadata["kit"]["student_id"] = student_id
    return nbformat.writes(nb).encode("utf-8")


def _zip(path: Path, entries) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, day in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, day, 10, 0, 0)), data)
    return path


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    base = tmp_path_factory.mktemp("journey")
    (base / "solutions").mkdir()
    (base / "draft.py").write_text(_draft(), encoding="utf-8")
    convert(base / "draft.py", base / "solutions" / f"{NAME}.ipynb")
    assert main(["build", NAME, "--solutions", str(base / "solutions"), "--exercises", str(base / "exercises")]) == 0
    exercise = nbformat.read(base / "exercises" / f"{NAME}.ipynb", as_version=4)
    ana, cara = (_submission(exercise, RIGHT, ANSWERS[w]) for w in ("ana", "cara"))
    ben_first, ben_late = _submission(exercise, BACKWARDS, ANSWERS["ben"]), _submission(exercise, RIGHT, ANSWERS["ben"])
    sources = {
        "canvas": _zip(base / "canvas.zip", [
            ("perezana_101_9001_90-reading-results.ipynb", ana, 1),
            ("jonesben_102_9002_90-reading-results.ipynb", ben_first, 1),
            ("jonesben_LATE_102_9003_90-reading-results.ipynb", ben_late, 3),
            ("leecara_103_9004_90-reading-results.ipynb", cara, 1)]),
        "moodle": _zip(base / "moodle.zip", [
            ("Ana Perez_4711_assignsubmission_file_/90-reading-results.ipynb", ana, 1),
            ("Ana Perez_4711_assignsubmission_onlinetext_/onlinetext.html", b"<p>Notebook attached.</p>", 1),
            ("Ben Jones_4712_assignsubmission_file_/90-reading-results.ipynb", ben_first, 1),
            ("Ben Jones_4712_assignsubmission_file_/90-reading-results (1).ipynb", ben_late, 2),
            ("Cara Lee_4713_assignsubmission_file_/mine.ipynb", cara, 1)]),
    }
    folder = base / "folder"
    folder.mkdir()
    (folder / "ana.ipynb").write_bytes(ana)
    (folder / "ben.ipynb").write_bytes(ben_first)
    (folder / "cara's copy.ipynb").write_bytes(_submission(exercise, RIGHT, ANSWERS["cara"], student_id="cara"))
    sources["folder"] = folder
    outs = {}
    for lms, source in sources.items():
        out = base / f"marks-{lms}"
        extra = ["--moodle-language", "de"] if lms == "moodle" else ["--title", "Week 1 (777)"]
        assert main(["grade", str(source), "--assignment", NAME, "--out", str(out), "--solutions",
                     str(base / "solutions"), "--timeout", "30", "--workers", "2", "--quiet", *extra]) == 0
        outs[lms] = out
    return outs


MARKS = {"ana": ("2", 'Good: "intake", and luck; well put.'), "ben": ("0,5", "=SUM(A1) is not an answer"),
         "cara": ("1,5", "Names intake, but; say why, please.")}


def _who(row) -> str:
    text = (row["student_name"] + row["student_id"] + row["submission"]).lower()
    return next(w for w in ("ana", "ben", "cara") if w in text or {"ana": "4711", "ben": "4712", "cara": "4713"}[w]
                in text or {"ana": "101", "ben": "102", "cara": "103"}[w] in text)


def _fill_and_merge(out: Path, solutions: Path) -> None:
    with open(out / "marking.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3  # one per student: the superseded file and the online text are not to be marked
    for row in rows:
        row["marks"], row["comment"] = MARKS[_who(row)]
    buffer = io.StringIO()  # as Excel saves "CSV" in a locale with decimal commas: semicolons
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    (out / "filled.csv").write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    assert main(["grade", "--merge-marks", str(out / "filled.csv"), "--assignment", NAME, "--out", str(out),
                 "--solutions", str(solutions)]) == 0


def test_canvas_journey(journey):
    out = journey["canvas"]
    _fill_and_merge(out, out.parent / "solutions")
    students = [{"id": 101, "name": "Ana Perez"}, {"id": 102, "name": "Ben Jones"}, {"id": 103, "name": "Cara Lee"}]
    read = canvas_import((out / "canvas.csv").read_bytes(), students)
    assert read["points_possible"] == {"Week 1 (777)": "4"}
    grades = {r["student"]: r["grades"]["Week 1 (777)"] for r in read["rows"]}
    assert len(read["rows"]) == 3 and grades == {101: "4", 102: "0.5", 103: "3.5"}  # ben: his on-time (backwards) file 0 + 0.5
    page = (out / "feedback" / "102.html").read_text()
    assert "=SUM(A1) is not an answer" in page


def test_moodle_journey_in_german(journey):
    out = journey["moodle"]
    _fill_and_merge(out, out.parent / "solutions")
    participants = {"4711": "ana", "4712": "ben", "4713": "cara"}
    read = moodle_import((out / "moodle.csv").read_bytes(), MOODLE_STRINGS["de"], participants, 4, decsep=",")
    assert read["grades"] == {"ana": 4.0, "ben": 2.5, "cara": 3.5}  # ben: the later of his two files counts
    assert read["feedback"]["ben"] == "q2 (0.5 of 2): =SUM(A1) is not an answer"
    assert read["feedback"]["ana"] == 'q2 (2 of 2): Good: "intake", and luck; well put.'
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        book = list(csv.DictReader(handle))
    assert sorted(r["status"] for r in book) == ["graded", "graded", "graded", "superseded", "superseded"]


def test_folder_journey(journey):
    out = journey["folder"]
    _fill_and_merge(out, out.parent / "solutions")
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        book = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert {k: v["total"] for k, v in book.items()} == {"ana": "4", "ben": "0.5", "cara": "3.5"}
    read = canvas_import((out / "canvas.csv").read_bytes(), [{"id": 1, "name": "x", "login_id": "cara"}])
    assert [r["student"] for r in read["rows"]] == [None, None, 1]  # matched by SIS Login ID
