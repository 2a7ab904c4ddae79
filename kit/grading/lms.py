"""Gradebook exports in the CSV formats Canvas and Moodle import: one row per student.

**Canvas** (Grades > Import; read by Canvas's ``GradebookImporter``, instructure/canvas-lms
``app/models/gradebook_importer.rb``): the header must start ``Student``, ``ID``, then
``SIS User ID``, ``SIS Login ID`` and end its student columns with ``Section``; the other
columns are assignments (``Week 1 (12345)`` fills assignment 12345, a new name makes a new
one). A first column matching ``Points Possible`` marks the row of maximum points. Students
are matched by ``ID`` (the Canvas user id, from the file names of Canvas's "Download
Submissions" zip), else by SIS ids, else by name; for other file names the kit puts the id in
``SIS Login ID``.

**Moodle** (assignment > "Upload grading worksheet", with the *Offline grading worksheet*
feedback type on; read by ``assignfeedback_offline_grade_importer``, moodle/moodle
``mod/assign/feedback/offline/importgradeslib.php``): columns are found by their names *in the
site's language* (``get_string``): ``recordid`` (``Identifier``), ``grade`` (``Grade``) and
``lastmodifiedgrade`` (``Last modified (grade)``) must all be there or Moodle refuses the file
(``invalidgradeimport``); feedback plugins' columns are matched by their descriptions
(``Feedback comments``). The identifier is ``hiddenuser`` + the participant number
(``Participant 4711`` in English, ``Teilnehmer/in4711`` in German: Moodle strips exactly the
length of that string), the number in Moodle's "Download all submissions" file names. Moodle
parses ``Last modified (grade)`` with PHP's ``strtotime`` and skips a row whose grade was
changed in Moodle more than a minute after it, so the kit writes the time it last changed the
mark, in Moodle's English format (``Wednesday, 2 December 2026, 6:39 PM``; ``strtotime``
reads no other language). Grades use a decimal point, which ``unformat_float`` accepts on
every site. ``Feedback comments`` (the tutor's comments from marking.csv) is left out when no
comment was written, because Moodle would otherwise overwrite comments already typed in Moodle.

Submissions that could not be marked get an empty grade, never 0 (both importers skip a blank).

>>> header, rows = canvas_rows([{"student_id": "12345", "student_name": "smithjane", "lms": "canvas",
...                              "total": "3", "status": "graded"}], "Week 1", 5)
>>> header[-1], rows[0]["Student"], rows[1]["ID"], rows[1]["Week 1"]
('Week 1', '    Points Possible', '12345', '3')
>>> header, rows = moodle_rows([{"student_id": "4711", "student_name": "Jane Smith", "lms": "moodle",
...                              "total": "2.5", "submission": "a.ipynb"}], 5, language="de")
>>> header[:3], rows[0]["ID"]
(['ID', 'Vollständiger Name', 'Bewertung'], 'Teilnehmer/in4711')
"""

from __future__ import annotations

from datetime import datetime

from kit.errors import unknown_name

__all__ = ["canvas_rows", "moodle_rows", "moodle_date", "MOODLE_STRINGS"]

# Moodle's language strings for the worksheet's columns (lang/XX/assign.php, moodle.php,
# assignfeedback_comments.php of the AMOS language packs). en: moodle/moodle lang/en.
# de: the German pack (recordid 'ID', hiddenuser 'Teilnehmer/in', lastmodifiedgrade
# 'Zuletzt geändert (Bewertung)', grade 'Bewertung', comments 'Feedback als Kommentar', as
# also read by tools that parse German worksheets). es: the Spanish pack (recordid
# 'Identificador', hiddenuser 'Participante', lastmodifiedgrade 'Última modificación
# (calificación)', grade 'Calificación'); its comments column name is from the Spanish
# strings of the comments plugin and was not checked against a downloaded worksheet.
MOODLE_STRINGS = {
    "en": {"recordid": "Identifier", "hiddenuser": "Participant ", "fullname": "Full name", "grade": "Grade",
           "maxgrade": "Maximum grade", "lastmodifiedgrade": "Last modified (grade)",
           "comments": "Feedback comments"},
    "de": {"recordid": "ID", "hiddenuser": "Teilnehmer/in", "fullname": "Vollständiger Name", "grade": "Bewertung",
           "maxgrade": "Höchstbewertung", "lastmodifiedgrade": "Zuletzt geändert (Bewertung)",
           "comments": "Feedback als Kommentar"},
    "es": {"recordid": "Identificador", "hiddenuser": "Participante", "fullname": "Nombre completo",
           "grade": "Calificación", "maxgrade": "Calificación máxima",
           "lastmodifiedgrade": "Última modificación (calificación)", "comments": "Comentarios de retroalimentación"},
}

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def moodle_date(when: datetime) -> str:
    """``when`` as Moodle's ``userdate()`` writes it in English (``strftimedaydatetime``, day and hour unpadded).

    >>> moodle_date(datetime(2026, 12, 2, 18, 39))
    'Wednesday, 2 December 2026, 6:39 PM'
    >>> moodle_date(datetime(2026, 1, 5, 0, 5))
    'Monday, 5 January 2026, 12:05 AM'
    """
    hour = when.hour % 12 or 12
    return (f"{_DAYS[when.weekday()]}, {when.day} {_MONTHS[when.month - 1]} {when.year}, "
            f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}")


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


def moodle_rows(rows: list[dict], max_points: float, comments: dict | None = None, modified: dict | None = None,
                language: str = "en") -> tuple[list[str], list[dict]]:
    """Header and rows of a Moodle offline grading worksheet in the site's ``language``.

    ``comments`` and ``modified``: submission file name -> feedback text / time the mark last changed.
    """
    if language not in MOODLE_STRINGS:
        raise unknown_name("Moodle language (--moodle-language)", language, list(MOODLE_STRINGS))
    s = MOODLE_STRINGS[language]
    comments, modified = comments or {}, modified or {}
    header = [s["recordid"], s["fullname"], s["grade"], s["maxgrade"], s["lastmodifiedgrade"]]
    if any(comments.get(r.get("submission")) for r in rows):
        header.append(s["comments"])
    out = []
    for r in rows:
        ident = f"{s['hiddenuser']}{r['student_id']}" if r.get("lms") == "moodle" else r["student_id"]
        when = modified.get(r.get("submission"))
        out.append({s["recordid"]: ident, s["fullname"]: r.get("student_name", ""), s["grade"]: r.get("total", ""),
                    s["maxgrade"]: f"{max_points:g}", s["lastmodifiedgrade"]: moodle_date(when) if when else "",
                    s["comments"]: comments.get(r.get("submission"), "")})
    return header, out
