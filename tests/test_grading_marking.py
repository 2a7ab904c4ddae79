"""marking.csv as a spreadsheet gives it back: quotes, commas, semicolons, decimal commas, BOM, formulas."""

from __future__ import annotations

import csv
import io

import pytest

from kit.errors import GradingError
from kit.grading import manual

HEADER = manual.HEADER
POINTS = {"q5": 3.0, "q8": 2.0}
KEYS = {("a.ipynb", "aaaaaaaaaaaa"): "A" * 64, ("b.ipynb", "bbbbbbbbbbbb"): "B" * 64}


def _row(**kw):
    row = {c: "" for c in HEADER}
    row.update(kw)
    return row


ROWS = [
    _row(student_id="1", question="q5", max_points="3", answer='She said "significantly", then, well; no.',
         marks="2,5", comment='Good "use" of evidence, but; see notes', rubric='"Significantly" needs a p-value',
         model_answer='"Significantly" means...\nline two', submission="a.ipynb", sha256="aaaaaaaaaaaa"),
    _row(student_id="2", question="q5", max_points="3", answer="=HYPERLINK(\"http://x\",\"Click\")", marks="3",
         comment="'=1+1 is not an answer", submission="b.ipynb", sha256="bbbbbbbbbbbb"),
    _row(student_id="2", question="q8", max_points="2", answer="-", marks="", submission="b.ipynb",
         sha256="bbbbbbbbbbbb"),
]


def _write(tmp_path, delimiter=",", bom=True, encoding="utf-8", rows=ROWS):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "marking.csv"
    path.write_bytes((("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding))
    return path


@pytest.mark.parametrize("delimiter, bom, encoding", [(",", True, "utf-8"), (";", True, "utf-8"),
                                                      (";", False, "cp1252"), ("\t", False, "utf-16")])
def test_a_file_saved_by_a_spreadsheet_merges(tmp_path, delimiter, bom, encoding):
    """Fails on 6ec511b: the dialect sniffed from the header line gave doublequote=False."""
    header, rows = manual.load_marks_csv(_write(tmp_path, delimiter, bom, encoding))
    assert [r["question"] for r in rows] == ["q5", "q5", "q8"]
    assert rows[0]["model_answer"] == '"Significantly" means...\nline two'
    merged = manual.read_marks(rows, POINTS, KEYS, header)
    assert merged == {"A" * 64: {"q5": {"marks": 2.5, "comment": 'Good "use" of evidence, but; see notes'}},
                      "B" * 64: {"q5": {"marks": 3.0, "comment": "=1+1 is not an answer"}}}


def test_errors_name_the_row_and_column(tmp_path):
    rows = [dict(ROWS[0], marks="=1+2"), dict(ROWS[1], marks="4")]
    header, read = manual.load_marks_csv(_write(tmp_path, rows=rows))
    with pytest.raises(GradingError) as err:
        manual.read_marks(read, POINTS, KEYS, header)
    text = str(err.value)
    assert "row 2, column F (marks): '=1+2' is not a number (it looks like a formula" in text
    assert "row 3, column F (marks): marks 4 is outside 0 to 3 for q5" in text


def test_a_replaced_file_is_named_not_blamed_on_the_tutor(tmp_path):
    rows = [dict(ROWS[0], sha256="cccccccccccc"), dict(ROWS[1], submission="a.ipynb")]
    header, read = manual.load_marks_csv(_write(tmp_path, rows=rows))
    with pytest.raises(GradingError) as err:
        manual.read_marks(read, POINTS, KEYS, header)
    text = str(err.value)
    assert "row 2: the file 'a.ipynb' with sha256 cccccccccccc is not in the latest gradebook" in text
    assert "row 3, column J (submission): 'a.ipynb' is not the file with sha256 bbbbbbbbbbbb (that is b.ipynb)" in text
    assert "replaced?" not in text


def test_an_unquoted_separator_is_found_and_explained(tmp_path):
    path = tmp_path / "marking.csv"
    path.write_text(",".join(HEADER) + "\n1,,q5,3,I think, maybe,2,,,,a.ipynb,aaaaaaaaaaaa\n", encoding="utf-8")
    with pytest.raises(GradingError, match="row 2 has 12 cells but the header has 11"):
        manual.load_marks_csv(path)


def test_a_file_without_the_columns_says_which_are_missing(tmp_path):
    path = tmp_path / "marking.csv"
    path.write_text("name;mark\nali;2\n", encoding="utf-8")
    with pytest.raises(GradingError, match="no column question, marks, sha256, submission"):
        manual.load_marks_csv(path)
