"""The gradebook and the grader's memory: one result file per submission, CSVs written atomically.

``OUT/.grading/results/KEY.json`` holds each graded submission, where ``KEY`` joins the hash of
the submitted file, a hash of its name and student, and the hash of the master. A run skips every submission whose key already
has a result, so an interrupted run resumes where it stopped, nothing is graded twice, and after
a fix only changed files (or everything, if the master changed) are graded again.

Gradebook columns (``OUT/gradebook.csv``, one row per submission, always):
``student_id``, ``student_name``, one column per question (points; empty when the question
could not be marked, or for a written question not marked yet), ``total``, ``max_points``,
``status`` (see :data:`kit.grading.worker.STATUSES`, plus ``superseded``: another file of the
same student counts, see :mod:`kit.grading.choose`), ``reason`` (plain words), ``late``,
``submitted`` (the file's time), ``submission`` (file name) and ``sha256`` (first 12 characters
of the file's hash). Results are kept per submission (file, name and student), never shared by
identical files.

>>> total_of({"status": "graded", "scores": {"q1": 1.0, "q2": None}}, {"q2": {"marks": 1.5}})
2.5
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

__all__ = ["State", "atomic_write", "safe_cell", "write_csv", "total_of", "gradebook_rows", "mark_key", "migrate_marks", "UNMARKED"]

# OWASP "CSV injection": a cell starting with one of these is read as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

UNMARKED = ("invalid-notebook", "wrong-assignment", "empty", "grader-error", "pending")


def atomic_write(path: Path, text: str, mode: int = 0o644) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_cell(value):
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP "CSV injection").

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``; numbers stay numbers. ``kit grade --merge-marks`` removes that ``'`` again.

    >>> safe_cell("=1+1"), safe_cell("-2.5"), safe_cell(3), safe_cell("@SUM(A1)"), safe_cell("ok")
    ("'=1+1", '-2.5', 3, "'@SUM(A1)", 'ok')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    """Write a CSV atomically: UTF-8 with a byte-order mark (so Excel reads accents), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[safe_cell(h) for h in header], extrasaction="ignore")
    writer.writeheader()
    writer.writerows({safe_cell(k): safe_cell(v) for k, v in row.items()} for row in rows)
    atomic_write(path, "\ufeff" + buffer.getvalue())


def total_of(result: dict, marks: dict | None = None) -> float | None:
    """Automatic scores plus any manual marks; ``None`` when the submission could not be marked."""
    if result["status"] in UNMARKED:
        return None
    total = sum(v for v in result["scores"].values() if v is not None)
    total += sum(m["marks"] for m in (marks or {}).values() if m.get("marks") is not None)
    return round(total, 6)


def mark_key(result: dict) -> str:
    """Whose written marks these are: one submitted file (its hash) handed in under one name.

    >>> mark_key({"sha256": "ab12", "name": "smithjane_12345_1_nb.ipynb"})
    'ab12:smithjane_12345_1_nb.ipynb'
    """
    return f"{result['sha256']}:{result['name']}"


def migrate_marks(marks: dict, results: list[dict]) -> dict:
    """Marks saved by kit versions that keyed them by file hash alone, moved to :func:`mark_key`.

    An old mark goes to the one submission with that hash; when two submissions share the hash
    nobody can say whose mark it was, so it is dropped (the answer shows up in marking.csv again).
    """
    out = {k: v for k, v in marks.items() if ":" in k}
    for sha, questions in marks.items():
        if ":" in sha:
            continue
        owners = [r for r in results if r["sha256"] == sha]
        if len(owners) == 1:
            out.setdefault(mark_key(owners[0]), questions)
    return out


class State:
    """The ``OUT/.grading`` folder: results, executed notebooks and merged manual marks."""

    def __init__(self, out: Path):
        self.root = Path(out) / ".grading"
        self.results = self.root / "results"
        self.executed = self.root / "executed"
        self.marks_file = self.root / "marks.json"
        for folder in (self.results, self.executed):
            folder.mkdir(parents=True, exist_ok=True)

    def load(self, key: str) -> dict | None:
        path = self.results / f"{key}.json"
        if not path.exists():
            return None
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # a damaged file: grade again
            return None
        if not result.get("graded_at"):  # results of kit versions that did not record it
            from datetime import datetime

            result["graded_at"] = datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
        executed = self.executed / f"{key}.ipynb"
        result["executed"] = executed.read_text(encoding="utf-8") if executed.exists() else None
        return result

    def save(self, result: dict) -> None:
        key = result["key"]
        if result.get("executed"):
            atomic_write(self.executed / f"{key}.ipynb", result["executed"], 0o600)
        atomic_write(self.results / f"{key}.json",
                     json.dumps({k: v for k, v in result.items() if k != "executed"}, indent=1), 0o600)

    def marks(self) -> dict:
        """``{mark_key: {question: {"marks": float, "comment": str}}}`` (see :func:`mark_key`)."""
        if not self.marks_file.exists():
            return {}
        return json.loads(self.marks_file.read_text(encoding="utf-8"))

    def save_run(self, entries: list[dict]) -> None:
        """The submissions of the latest run, in order (name, student, LMS, result key)."""
        atomic_write(self.root / "run.json", json.dumps(entries, indent=1), 0o600)

    def run(self) -> list[dict]:
        path = self.root / "run.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []

    def save_settings(self, settings: dict) -> None:
        """The run's choices (LMS title, --late rule, Moodle language), reused by ``--merge-marks``."""
        atomic_write(self.root / "settings.json", json.dumps(settings, indent=1), 0o600)

    def settings(self) -> dict:
        path = self.root / "settings.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def save_marks(self, marks: dict) -> None:
        atomic_write(self.marks_file, json.dumps(marks, indent=1, sort_keys=True), 0o600)

    def lock(self):
        """An exclusive lock on the output folder (two runs at once would grade twice)."""
        import fcntl

        from kit.errors import GradingError

        handle = open(self.root / "lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise GradingError(f"Another `kit grade` is already writing to {self.root.parent}. Wait for it to finish "
                               "(or stop it), then run this again.") from None
        return handle


def gradebook_rows(results: list[dict], spec: dict, marks: dict) -> tuple[list[str], list[dict]]:
    """The gradebook header and rows (see the module docstring)."""
    names = [q["name"] for q in spec["questions"]]
    header = ["student_id", "student_name", *names, "total", "max_points", "status", "reason", "submission", "sha256"]
    rows = []
    for r in results:
        own = marks.get(mark_key(r), {}) if r["status"] not in UNMARKED else {}
        row = {"student_id": r["student_id"], "student_name": r.get("student_name", ""), "status": r["status"],
               "reason": r.get("reason", ""), "submission": r["name"], "sha256": r["sha256"][:12],
               "max_points": f"{spec['max_points']:g}"}
        for q in spec["questions"]:
            value = own.get(q["name"], {}).get("marks") if q["written"] else r["scores"].get(q["name"])
            row[q["name"]] = "" if value is None or r["status"] in UNMARKED else f"{value:g}"
        total = total_of(r, {q: m for q, m in own.items() if q in names})
        row["total"] = "" if total is None else f"{total:g}"
        unmarked = [q["name"] for q in spec["questions"] if q["written"] and q["name"] not in own]
        if unmarked and r["status"] not in UNMARKED:
            note = f"Written answers not marked yet: {', '.join(unmarked)}."
            row["reason"] = f"{row['reason']} {note}".strip()
        rows.append(row)
    return header, rows
