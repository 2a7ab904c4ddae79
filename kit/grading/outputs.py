"""Everything ``kit grade`` writes from the results: gradebook, LMS files, marking sheet, feedback pages.

One rule picks the submission that counts for each student (:mod:`kit.grading.choose`); the
gradebook keeps every submission (the others marked ``superseded``, with the reason), while
``canvas.csv``, ``moodle.csv`` and ``marking.csv`` have only the ones that count.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = ["write_outputs", "write_feedback", "feedback_names", "choice_of", "tutor_comments", "last_changed",
           "DEFAULTS"]

DEFAULTS = {"title": None, "late": "latest-on-time", "moodle_language": "en"}


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", text).strip("._")[:80] or "student"


def choice_of(results: list[dict], marks: dict, rule: str) -> dict[str, tuple[bool, str]]:
    """``{file name: (counts, reason)}`` by ``rule`` (totals include written marks, for ``best``)."""
    from kit.grading.choose import choose
    from kit.grading.gradebook import mark_key, total_of

    totals = {r["name"]: total_of(r, marks.get(mark_key(r), {})) for r in results}
    return choose(results, rule, totals)


def feedback_names(results: list[dict], choice: dict) -> dict[str, str]:
    """``{file name: feedback page name}``: ``ID.html`` for the submission that counts, ``ID-xxxxxxxx.html`` for others."""
    names, used = {}, set()
    for r in sorted(results, key=lambda r: not choice.get(r["name"], (True, ""))[0]):
        base = _safe_id(r["student_id"])
        name = base
        if name in used:
            name = f"{base}-{hashlib.sha256((r['sha256'] + r['name']).encode()).hexdigest()[:8]}"
        used.add(name)
        names[r["name"]] = f"{name}.html"
    return names


def tutor_comments(spec: dict, own: dict) -> str:
    """The tutor's comments on written answers, one line per question, for the LMS comment column.

    >>> spec = {"questions": [{"name": "q3", "written": True, "points": 2.0}]}
    >>> tutor_comments(spec, {"q3": {"marks": 1.5, "comment": "Name the source."}})
    'q3 (1.5 of 2): Name the source.'
    """
    lines = []
    for q in spec["questions"]:
        mark = own.get(q["name"], {})
        if q["written"] and mark.get("comment"):
            lines.append(f"{q['name']} ({mark['marks']:g} of {q['points']:g}): {mark['comment']}")
    return "\n".join(lines)


def last_changed(result: dict, own: dict):
    """When the kit last changed this submission's mark (grading or a merged written mark), or ``None``."""
    from datetime import datetime

    times = [result.get("graded_at")] + [m.get("marked_at") for m in own.values()]
    times = [datetime.fromisoformat(t) for t in times if t]
    return max(times) if times else None


def _shown(result: dict, choice: dict) -> dict:
    counts, why = choice.get(result["name"], (True, ""))
    if counts:
        return result
    return dict(result, status="superseded", reason=f"{why} This file on its own: {result['status']}. "
                                                    f"{result.get('reason') or ''}".strip())


def write_feedback(out: Path, result: dict, spec: dict, marks: dict, name: str, choice: dict | None = None) -> None:
    """Write one student's feedback page ``out/feedback/NAME``."""
    from kit.grading.feedback import render
    from kit.grading.gradebook import atomic_write, mark_key, total_of

    own = marks.get(mark_key(result), {})
    shown = dict(_shown(result, choice or {}), total=total_of(result, own))
    atomic_write(out / "feedback" / name, render(shown, spec, own))


def write_outputs(out: Path, results: list[dict], spec: dict, marks: dict, settings: dict, final: bool) -> dict:
    """Write gradebook.csv (and, when ``final``, canvas.csv, moodle.csv, marking.csv); return the choice."""
    from kit.grading.gradebook import gradebook_rows, mark_key, write_csv
    from kit.grading.lms import canvas_rows, moodle_rows
    from kit.grading.manual import HEADER, marking_rows

    settings = {**DEFAULTS, **settings}
    choice = choice_of(results, marks, settings["late"])
    header, rows = gradebook_rows(results, spec, marks)
    at = header.index("submission")
    header[at:at] = ["late", "submitted"]
    for row, r in zip(rows, results):
        counts, why = choice[r["name"]]
        row["late"] = "late" if r.get("late") else ""
        row["submitted"] = r.get("submitted_at", "")
        if not counts:
            row["reason"] = f"{why} This file on its own: {row['status']}. {row['reason']}".strip()
            row["status"] = "superseded"
        elif why:
            row["reason"] = f"{row['reason']} {why}".strip()
    write_csv(out / "gradebook.csv", header, rows)
    if not final:
        return choice
    counted = [(row, r) for row, r in zip(rows, results) if choice[r["name"]][0]]
    for row, r in counted:
        row["lms"] = r.get("lms", "")
    lms_rows = [row for row, _ in counted]
    h, canvas = canvas_rows(lms_rows, settings["title"] or spec["assignment"], spec["max_points"])
    write_csv(out / "canvas.csv", h, canvas)
    comments = {r["name"]: tutor_comments(spec, marks.get(mark_key(r), {})) for _, r in counted}
    modified = {r["name"]: last_changed(r, marks.get(mark_key(r), {})) for _, r in counted}
    h, moodle = moodle_rows(lms_rows, spec["max_points"], comments, modified, settings["moodle_language"])
    write_csv(out / "moodle.csv", h, moodle)
    if any(q["written"] for q in spec["questions"]):
        write_csv(out / "marking.csv", HEADER, marking_rows([r for _, r in counted], spec, marks))
    return choice
