"""Gradebook exports in the CSV formats Canvas and Moodle import.

Canvas (Grades > Import; https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807):
columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column
named after the assignment (use Canvas's own heading, e.g. ``Week 1 (12345)``, to fill an
existing assignment; a new name makes a new one). The second row, ``Points Possible``, gives
the maximum. Canvas matches students by ``ID`` (the Canvas user id, taken from the file names of
Canvas's "Download Submissions" zip); for other file names the kit puts the id in
``SIS Login ID``.

Moodle (assignment > "Upload grading worksheet", with the *Offline grading worksheet* feedback
type switched on; https://docs.moodle.org/en/Assignment_settings#Feedback_types): columns
``Identifier`` (``Participant 123456``, the number in Moodle's "Download all submissions" file
names), ``Full name``, ``Grade``, ``Maximum Grade``, ``Feedback comments``.

Submissions that could not be marked (see ``status`` in the gradebook) get an empty grade,
never 0, so nobody's mark is silently replaced by a zero.

>>> header, rows = canvas_rows([{"student_id": "12345", "student_name": "smithjane", "lms": "canvas",
...                              "total": "3", "status": "graded"}], "Week 1", 5)
>>> header[-1], rows[0]["Student"], rows[1]["ID"], rows[1]["Week 1"]
('Week 1', '    Points Possible', '12345', '3')
"""

from __future__ import annotations

__all__ = ["canvas_rows", "moodle_rows"]


def canvas_rows(rows: list[dict], title: str, max_points: float) -> tuple[list[str], list[dict]]:
    """Header and rows of a Canvas gradebook import file (``rows``: gradebook rows plus ``lms``)."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title]
    out = [{"Student": "    Points Possible", title: f"{max_points:g}"}]
    for r in rows:
        canvas = r.get("lms") == "canvas"
        out.append({"Student": r.get("student_name") or r["student_id"], "ID": r["student_id"] if canvas else "",
                    "SIS User ID": "", "SIS Login ID": "" if canvas else r["student_id"], "Section": "",
                    title: r.get("total", "")})
    return header, out


def moodle_rows(rows: list[dict], max_points: float, feedback: dict | None = None) -> tuple[list[str], list[dict]]:
    """Header and rows of a Moodle offline grading worksheet."""
    feedback = feedback or {}
    header = ["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments"]
    out = []
    for r in rows:
        ident = f"Participant {r['student_id']}" if r.get("lms") == "moodle" else r["student_id"]
        out.append({"Identifier": ident, "Full name": r.get("student_name", ""), "Grade": r.get("total", ""),
                    "Maximum Grade": f"{max_points:g}", "Feedback comments": feedback.get(r["submission"], "")})
    return header, out
