"""Which submission counts when a student handed in more than one: a rule the instructor can see and change.

A student can appear more than once: Canvas keeps a ``LATE`` resubmission beside the first
file, a Moodle participant can upload two files, a folder can hold ``ali.ipynb`` and
``ali (1).ipynb`` with the same ``metadata.kit.student_id``. The LMS files get **one row per
student**: the submission the rule picks. Every other one stays in the gradebook with status
``superseded`` and a reason naming the one that counts.

Rules (``kit grade --late RULE``):

``latest-on-time`` (default)
    the most recent submission that was on time; if all were late, the most recent late one.
``latest``
    the most recent submission, late or not.
``best``
    the highest total (automatic plus written marks so far); ties go to the most recent.

"On time" means not flagged late: Canvas marks late files ``_LATE_`` in their names, and with
``--deadline 2026-12-01T17:00`` any file whose time (the time stored in the zip, or the file's
modification time in a folder) is after the deadline is late too. "Most recent" compares those
times, then file names. A Moodle ``onlinetext.html`` (the text box, not a notebook) never
counts when the student also uploaded a file.

>>> subs = [{"name": "a.ipynb", "student_id": "7", "lms": "", "late": False, "submitted_at": "2026-12-01T10:00"},
...         {"name": "b.ipynb", "student_id": "7", "lms": "", "late": True, "submitted_at": "2026-12-02T10:00"}]
>>> chosen = choose(subs, "latest-on-time")
>>> chosen["a.ipynb"][0], chosen["b.ipynb"][0]
(True, False)
>>> chosen["b.ipynb"][1]
'Superseded: a.ipynb counts for this student (rule --late latest-on-time: the most recent submission on time).'
>>> choose(subs, "latest")["b.ipynb"][0]
True
"""

from __future__ import annotations

from kit.errors import unknown_name

__all__ = ["choose", "RULES"]

RULES = {
    "latest-on-time": "the most recent submission on time",
    "latest": "the most recent submission",
    "best": "the highest total",
}


def _recent(sub: dict) -> tuple:
    return (sub.get("submitted_at") or "", sub["name"])


def choose(subs: list[dict], rule: str = "latest-on-time", totals: dict | None = None) -> dict[str, tuple[bool, str]]:
    """``{file name: (counts, reason)}`` for every submission; ``reason`` is empty for a student's only file.

    ``subs``: dicts with ``name``, ``student_id``, ``lms``, ``late``, ``submitted_at`` and
    optionally ``kind`` (``"onlinetext"``). ``totals``: file name -> total (for ``best``).
    """
    if rule not in RULES:
        raise unknown_name("--late rule", rule, list(RULES))
    totals = totals or {}
    groups: dict[tuple, list[dict]] = {}
    for sub in subs:
        groups.setdefault((sub.get("lms", ""), sub["student_id"]), []).append(sub)
    out: dict[str, tuple[bool, str]] = {}
    for group in groups.values():
        if len(group) == 1:
            out[group[0]["name"]] = (True, "")
            continue
        files = [s for s in group if s.get("kind") != "onlinetext"] or group
        note = RULES[rule]
        if rule == "best":
            pick = max(files, key=lambda s: (-1 if totals.get(s["name"]) is None else totals[s["name"]], _recent(s)))
        elif rule == "latest":
            pick = max(files, key=_recent)
        else:
            on_time = [s for s in files if not s.get("late")]
            if on_time:
                pick = max(on_time, key=_recent)
            else:
                pick = max(files, key=_recent)
                note = "every submission was late, so the most recent late one"
        for sub in group:
            if sub is pick:
                out[sub["name"]] = (True, f"Counts for this student: {len(group)} submissions, rule --late {rule} "
                                          f"({note}).")
            else:
                out[sub["name"]] = (False, f"Superseded: {pick['name']} counts for this student (rule --late {rule}: "
                                           f"{note}).")
    return out
