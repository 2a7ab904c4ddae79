"""Marking written answers by rubric: a marking CSV out, marks merged back in.

``kit grade`` writes ``OUT/marking.csv``: one row per written question per marked submission,
with columns ``student_id``, ``student_name``, ``question``, ``max_points``, ``answer`` (what
the student wrote), ``marks`` and ``comment`` (for you to fill in), ``rubric``,
``model_answer``, ``submission`` and ``sha256``. Open it in a spreadsheet, fill in ``marks``
(and a ``comment`` the student will see), save as CSV, then run
``kit grade --merge-marks marking.csv --assignment NAME --out OUT``: the marks are checked
(numbers between 0 and the question's points), stored, and the gradebook, feedback and LMS files
are rewritten. Rows left blank stay "not marked yet". Marks belong to one submitted file (its
hash and the name it was handed in under): if a student resubmits, their new answer appears in
``marking.csv`` to be marked again, and two students who hand in identical files are marked apart.

>>> rows = [{"submission": "ali.ipynb", "sha256": "ab12", "question": "q3", "marks": "1,5", "comment": "Good"}]
>>> read_marks(rows, {"q3": 2.0}, {("ali.ipynb", "ab12"): "ab12cdef"})
{'ab12cdef': {'q3': {'marks': 1.5, 'comment': 'Good'}}}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kit.errors import GradingError

__all__ = ["marking_rows", "read_marks", "load_marks_csv", "parse_mark", "unneutralise", "HEADER"]

HEADER = ["student_id", "student_name", "question", "max_points", "answer", "marks", "comment", "rubric",
          "model_answer", "submission", "sha256"]


def marking_rows(results: list[dict], spec: dict, marks: dict) -> list[dict]:
    """The rows of the marking CSV (existing marks filled in)."""
    from kit.grading.gradebook import mark_key

    rows = []
    for r in results:
        if r["status"] in ("invalid-notebook", "wrong-assignment", "empty", "grader-error", "pending"):
            continue
        for q in spec["questions"]:
            if not q["written"]:
                continue
            answer = (r.get("written") or {}).get(q["name"], "")
            mark = marks.get(mark_key(r), {}).get(q["name"], {})
            rows.append({"student_id": r["student_id"], "student_name": r.get("student_name", ""),
                         "question": q["name"], "max_points": f"{q['points']:g}",
                         "answer": answer or "(no answer written)",
                         "marks": "" if mark.get("marks") is None else f"{mark['marks']:g}",
                         "comment": mark.get("comment", ""), "rubric": q["rubric"], "model_answer": q["model_answer"],
                         "submission": r["name"], "sha256": r["sha256"][:12]})
    return rows


def _column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unneutralise(text: str) -> str:
    """Undo the ``'`` the kit put before a cell a spreadsheet would read as a formula.

    >>> unneutralise("'=1+1"), unneutralise("'ok"), unneutralise("plain")
    ('=1+1', "'ok", 'plain')
    """
    from kit.grading.gradebook import FORMULA_START

    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def parse_mark(text: str) -> float:
    """A mark as typed in a spreadsheet: ``2``, ``2.5``, ``2,5``, `` 2 ``; raises ``ValueError`` otherwise.

    >>> parse_mark("2,5"), parse_mark(" 3 "), parse_mark("1.0")
    (2.5, 3.0, 1.0)
    """
    value = text.strip().replace("\u00a0", "")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def read_marks(rows: list[dict], points: dict[str, float], keys: dict[tuple[str, str], str],
               columns: list[str] | None = None) -> dict:
    """Check marking rows and return ``{submission key: {question: {"marks", "comment"}}}`` (blank marks skipped).

    ``points``: written question -> maximum; ``keys``: (submission file, short sha256) -> the
    submission's key in this gradebook. A mark belongs to one submission (file and contents),
    so two students who handed in identical files never share a mark. ``columns``: the header
    as read (for column letters in messages). Row numbers are spreadsheet rows (header = 1).
    """
    columns = columns or HEADER
    where = {name: _column_letter(i) for i, name in enumerate(columns)}
    shas = {sha for _, sha in keys}
    problems, merged = [], {}
    for index, row in enumerate(rows, 2):
        line = row.get("_row", index)
        value = unneutralise((row.get("marks") or "").strip())
        if not value:
            continue
        cell = f"row {line}, column {where.get('marks', '?')} (marks)"
        question = (row.get("question") or "").strip()
        short = (row.get("sha256") or "").strip().lower()
        name = unneutralise((row.get("submission") or "").strip())
        if question not in points:
            problems.append(f"row {line}, column {where.get('question', '?')} (question): {question!r} is not a written "
                            f"question of this assignment (those are {', '.join(points) or 'none'}); it should be "
                            "as kit grade wrote it")
            continue
        if not short:
            problems.append(f"row {line}, column {where.get('sha256', '?')} (sha256): the cell is empty. It tells kit "
                            "which file this mark is for; copy it back from the marking.csv that kit grade wrote")
            continue
        key = keys.get((name, short))
        if key is None:
            if short in shas:
                others = sorted(n for n, s in keys if s == short)
                problems.append(f"row {line}, column {where.get('submission', '?')} (submission): {name!r} is not the "
                                f"file with sha256 {short} (that is {', '.join(others)}); the submission and sha256 "
                                "cells of a row must stay together")
            else:
                problems.append(f"row {line}: the file {name!r} with sha256 {short} is not in the latest gradebook "
                                "(the student may have resubmitted and the new file was graded since). Mark that answer "
                                "in the new marking.csv, or check that this is the marking.csv of this --out folder")
            continue
        try:
            mark = parse_mark(value)
        except ValueError:
            hint = " (it looks like a formula; type the number itself)" if value[:1] in "=+@" else ""
            problems.append(f"{cell}: {value!r} is not a number{hint}")
            continue
        if not 0 <= mark <= points[question]:
            problems.append(f"{cell}: marks {mark:g} is outside 0 to {points[question]:g} for {question}")
            continue
        comment = unneutralise((row.get("comment") or "").strip())
        merged.setdefault(key, {})[question] = {"marks": mark, "comment": comment}
    if problems:
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise GradingError("The marking file has problems; nothing was merged. Fix these cells and run again:\n  "
                           + "\n  ".join(problems[:20]) + more)
    return merged


REQUIRED = ("question", "marks", "sha256", "submission")


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Excel's "CSV (Comma delimited)" on Windows saves in the Windows code page, not UTF-8.
    return data.decode("cp1252", errors="replace")


def load_marks_csv(path: str | Path) -> tuple[list[str], list[dict]]:
    """Read a marking CSV as a spreadsheet saved it: the header and the rows as dicts.

    Comma, semicolon (Excel in many European locales) or tab separated; quoted cells with
    commas, quotes and line breaks; UTF-8 with or without a byte-order mark, UTF-16, or the
    Windows code page. The separator is the one that gives the header its columns (not a
    guess from the first line's characters).
    """
    path = Path(path)
    if not path.exists():
        raise GradingError(f"The marking file {path} does not exist. It is written by `kit grade` as OUT/marking.csv.")
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise GradingError(f"{path} is empty. Start from the marking.csv that `kit grade` wrote.")
    best = None
    for delimiter in (",", ";", "\t"):
        try:
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, doublequote=True,
                                    quotechar='"', strict=False))
        except csv.Error:
            continue
        header = [h.strip().lstrip("\ufeff") for h in (table[0] if table else [])]
        found = sum(c in header for c in REQUIRED)
        if best is None or found > best[0]:
            best = (found, delimiter, header, table[1:])
    found, delimiter, header, table = best
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise GradingError(f"{path} is not a marking file as kit wrote it: the header (row 1) has no column "
                           f"{', '.join(missing)} (it has: {', '.join(h for h in header if h)[:200] or 'nothing'}). Start "
                           "from the marking.csv that `kit grade` wrote, and keep its first row.")
    problems, rows = [], []
    for number, cells in enumerate(table, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(f"row {number} has {len(cells)} cells but the header has {len(header)}: a cell with the "
                            f"separator {delimiter!r} in it was not put in quotes. Save the file from a spreadsheet "
                            "(File > Save As > CSV) rather than editing it as text")
            continue
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name})
        rows[-1]["_row"] = number
    if problems:
        raise GradingError("The marking file has problems; nothing was merged:\n  " + "\n  ".join(problems[:20]))
    return header, rows
