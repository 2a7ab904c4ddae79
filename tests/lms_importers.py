"""Reimplementations of how Canvas and Moodle read an uploaded grades CSV, written from their code.

Used to check the kit's canvas.csv and moodle.csv as those systems would read them, not as the
kit's writer thinks it wrote them. Sources (read through the search tool, 2 Dec 2026):

* Moodle: ``lib/csvlib.class.php`` ``csv_import_reader::load_csv_content`` (convert to UTF-8,
  ``trim_utf8_bom``, ``\\r\\n?`` -> ``\\n``, ``trim``, rows by ``fgetcsv`` with ``"`` as enclosure,
  header cells trimmed, a row with another number of cells is the error ``csvweirdcolumns``);
  ``mod/assign/feedback/offline/importgradeslib.php`` (``init``: columns named
  ``get_string('grade')``, ``get_string('recordid','assign')``,
  ``get_string('lastmodifiedgrade','assign')`` must all exist, feedback columns by their
  descriptions, used only if their index is not 0; ``next``: the id is the identifier minus
  ``strlen(get_string('hiddenuser','assign'))`` characters, ``modified = strtotime(...)``);
  ``mod/assign/feedback/offline/locallib.php`` ``process_import_grades`` (``unformat_float``,
  skip a blank or negative grade, an unchanged grade, a grade above the maximum, and a row whose
  grade was changed in Moodle more than 60 s after ``modified``; comments written when not stale).
* Canvas: ``app/models/gradebook_importer.rb`` (semicolon file when only ``;`` gives every one
  of the first 3 lines the same number of cells; lines of only ``;, `` skipped; header needs
  more than 3 cells, ``Student`` in the first, ``ID`` in the second; ``SIS Login ID`` or
  ``SIS User ID`` + ``SIS Login ID`` next; the last student column must match ``Section``;
  ``Points Possible`` rows give maxima; rows of only ``Muted``/blank skipped; a student is found
  by ``ID`` (``to_i``), then SIS User ID, SIS Login ID, then exact name or sortable name).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime


class ImportRefused(Exception):
    """The LMS would refuse the whole file (the message is the LMS's error string id)."""


# ---------------------------------------------------------------- Moodle

def _php_strtotime_english(text: str):
    """The formats PHP's strtotime reads that Moodle's English userdate() produces; None = false."""
    text = text.strip()
    for fmt in ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _unformat_float(text: str, decsep: str):
    text = (text or "").strip()
    if text == "":
        return None
    text = text.replace(" ", "").replace(decsep, ".")
    try:
        return float(text)
    except ValueError:
        return 0.0  # PHP's (float) cast of a non-number


def moodle_import(data: bytes, strings: dict, participants: dict[str, str], maxgrade: float,
                  existing: dict | None = None, decsep: str = ".", ignoremodified: bool = False) -> dict:
    """What Moodle's offline worksheet import would do: ``{"grades": {user: grade}, "feedback": {user: {...}}}``.

    ``strings``: the site's language strings (recordid, hiddenuser, grade, lastmodifiedgrade and
    the comments plugin's description as ``comments``); ``participants``: unique id -> user;
    ``existing``: user -> (grade, time modified in Moodle).
    """
    existing = existing or {}
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = re.sub(r"\r\n?", "\n", text).strip()
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=",", quotechar='"') if r != []]
    if not rows:
        raise ImportRefused("csvemptyfile")
    header = [c.strip() for c in rows[0]]
    for row in rows[1:]:
        if len(row) != len(header):
            raise ImportRefused("csvweirdcolumns")
    index = {name: i for i, name in enumerate(header)}
    need = [strings["grade"], strings["recordid"], strings["lastmodifiedgrade"]]
    if any(n not in index for n in need):
        raise ImportRefused("invalidgradeimport")
    comment_index = index.get(strings["comments"])
    grades, feedback, skipped = {}, {}, []
    for row in rows[1:]:
        ident = row[index[strings["recordid"]]][len(strings["hiddenuser"]):]
        user = participants.get(ident)
        if user is None:
            skipped.append(row[index[strings["recordid"]]])
            continue
        grade = _unformat_float(row[index[strings["grade"]]], decsep)
        when = _php_strtotime_english(row[index[strings["lastmodifiedgrade"]]])
        modified = when.timestamp() if when else 0
        old = existing.get(user)
        stale = bool(old and old[1] > modified + 60)
        if old and grade is not None and old[0] == grade:
            pass
        elif grade is None or grade < 0:
            pass
        elif not ignoremodified and stale:
            skipped.append(user)
        elif grade > maxgrade:
            skipped.append(user)
        else:
            grades[user] = grade
        if (ignoremodified or not stale) and comment_index:  # PHP: !empty($details['index'])
            feedback[user] = row[comment_index]
    return {"grades": grades, "feedback": feedback, "skipped": skipped, "header": header}


# ---------------------------------------------------------------- Canvas

_NOT_ASSIGNMENTS = re.compile(r"Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade")


def canvas_import(data: bytes, students: list[dict]) -> dict:
    """What Canvas's gradebook import would read: assignments, points possible and each row's student and grades.

    ``students``: dicts with ``id`` (int), ``name``, ``sortable_name``, ``sis_user_id``, ``login_id``.
    """
    text = data.decode("utf-8")  # Ruby keeps a byte-order mark as part of the first cell
    lines = text.splitlines()[:3]
    counts = {}
    for sep in (";", ","):
        try:
            sizes = {len(next(csv.reader([line], delimiter=sep))) for line in lines}
        except (csv.Error, StopIteration):
            continue
        if len(sizes) == 1:
            counts[sep] = sizes.pop()
    sep = ";" if list(counts) == [";"] else ","
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=sep) if not re.fullmatch(r"[;, ]*", sep.join(r))]
    header = rows[0]
    if not (len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1])):
        raise ImportRefused("Invalid header row")
    columns, sis_user, sis_login = 3, None, None
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        sis_login, columns = 2, 4
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        sis_user, sis_login, columns = 2, 3, 5
        if re.search(r"Root\s+Account", header[4]):
            columns += 1
    if not re.search("Section", header[columns - 1]):
        raise ImportRefused("Invalid header row")
    assignments = header[columns:]
    while assignments and _NOT_ASSIGNMENTS.search(assignments[-1]):
        assignments.pop()
    points, out = {}, []
    for row in rows[1:]:
        if re.search("Points Possible", row[0]):
            points = dict(zip(assignments, row[columns:]))
            continue
        if all(re.fullmatch(r"(?i)(Muted|)", c.strip()) for c in row):
            continue
        student = None
        if row[1].strip():
            digits = re.match(r"\s*[+-]?\d+", row[1])  # Ruby's to_i
            student = next((s for s in students if digits and s["id"] == int(digits.group())), None)
        if student is None and sis_user is not None and row[sis_user]:
            student = next((s for s in students if s.get("sis_user_id") == row[sis_user]), None)
        if student is None and sis_login is not None and row[sis_login]:
            student = next((s for s in students if s.get("login_id") == row[sis_login]), None)
        if student is None and row[0]:
            student = next((s for s in students if row[0] in (s["name"], s.get("sortable_name"))), None)
        out.append({"student": student["id"] if student else None, "name": row[0],
                    "grades": dict(zip(assignments, row[columns:]))})
    return {"assignments": assignments, "points_possible": points, "rows": out}
