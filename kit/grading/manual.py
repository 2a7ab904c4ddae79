"""Marking written answers by rubric: a marking CSV out, marks merged back in.

``kit grade`` writes ``OUT/marking.csv``: one row per written question per marked submission,
with columns ``student_id``, ``student_name``, ``question``, ``max_points``, ``answer`` (what
the student wrote), ``marks`` and ``comment`` (for you to fill in), ``rubric``,
``model_answer``, ``submission`` and ``sha256``. Open it in a spreadsheet, fill in ``marks``
(and a ``comment`` the student will see), save as CSV, then run
``kit grade --merge-marks marking.csv --assignment NAME --out OUT``: the marks are checked
(numbers between 0 and the question's points), stored, and the gradebook, feedback and LMS files
are rewritten. Rows left blank stay "not marked yet". Marks belong to one submitted file (its
hash): if a student resubmits, their new answer appears in ``marking.csv`` to be marked again.

>>> rows = [{"sha256": "ab12", "question": "q3", "marks": "1.5", "comment": "Good"}]
>>> read_marks(rows, {"q3": 2.0}, {"ab12": "ab12cdef"})
{'ab12cdef': {'q3': {'marks': 1.5, 'comment': 'Good'}}}
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kit.errors import GradingError

__all__ = ["marking_rows", "read_marks", "load_marks_csv", "HEADER"]

HEADER = ["student_id", "student_name", "question", "max_points", "answer", "marks", "comment", "rubric",
          "model_answer", "submission", "sha256"]


def marking_rows(results: list[dict], spec: dict, marks: dict) -> list[dict]:
    """The rows of the marking CSV (existing marks filled in)."""
    rows = []
    for r in results:
        if r["status"] in ("invalid-notebook", "wrong-assignment", "empty", "grader-error", "pending"):
            continue
        for q in spec["questions"]:
            if not q["written"]:
                continue
            answer = (r.get("written") or {}).get(q["name"], "")
            mark = marks.get(r["sha256"], {}).get(q["name"], {})
            rows.append({"student_id": r["student_id"], "student_name": r.get("student_name", ""),
                         "question": q["name"], "max_points": f"{q['points']:g}",
                         "answer": answer or "(no answer written)",
                         "marks": "" if mark.get("marks") is None else f"{mark['marks']:g}",
                         "comment": mark.get("comment", ""), "rubric": q["rubric"], "model_answer": q["model_answer"],
                         "submission": r["name"], "sha256": r["sha256"][:12]})
    return rows


def read_marks(rows: list[dict], points: dict[str, float], hashes: dict[str, str]) -> dict:
    """Check marking rows and return ``{sha256: {question: {"marks", "comment"}}}`` (blank marks skipped).

    ``points``: written question -> maximum; ``hashes``: short hash -> full hash of graded files.
    """
    problems, merged = [], {}
    for line, row in enumerate(rows, 2):
        value = (row.get("marks") or "").strip()
        if not value:
            continue
        question = (row.get("question") or "").strip()
        short = (row.get("sha256") or "").strip()
        if question not in points:
            problems.append(f"row {line}: {question!r} is not a written question of this assignment "
                            f"(those are {', '.join(points) or 'none'})")
            continue
        if short not in hashes:
            problems.append(f"row {line}: the submission {row.get('submission', short)!r} (sha256 {short}) is not in "
                            "this gradebook; was the file replaced? Use the marking.csv of the latest run")
            continue
        try:
            mark = float(value.replace(",", "."))
        except ValueError:
            problems.append(f"row {line}: marks {value!r} is not a number")
            continue
        if not 0 <= mark <= points[question]:
            problems.append(f"row {line}: marks {mark:g} is outside 0 to {points[question]:g} for {question}")
            continue
        merged.setdefault(hashes[short], {})[question] = {"marks": mark, "comment": (row.get("comment") or "").strip()}
    if problems:
        raise GradingError("The marking file has problems; nothing was merged. Fix these rows and run again:\n  "
                           + "\n  ".join(problems[:20]))
    return merged


def load_marks_csv(path: str | Path) -> list[dict]:
    """Read a marking CSV (UTF-8, with or without a byte-order mark; comma or semicolon separated)."""
    path = Path(path)
    if not path.exists():
        raise GradingError(f"The marking file {path} does not exist. It is written by `kit grade` as OUT/marking.csv.")
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t") if text.strip() else csv.excel
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    missing = [c for c in ("question", "marks", "sha256") if rows and c not in rows[0]]
    if not rows or missing:
        raise GradingError(f"{path} is not a marking file: it needs the columns question, marks and sha256 "
                           f"(missing: {', '.join(missing) or 'all rows'}). Start from the marking.csv that `kit grade` wrote.")
    return rows
