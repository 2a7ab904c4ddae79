"""Collect submissions from a folder or an LMS zip, with each student's id from the file name.

File names the LMSs give a downloaded submission:

* Canvas ("Download Submissions"): ``smithjane_12345_6789012_00-getting-started.ipynb``, or
  ``smithjane_LATE_12345_...``: login-style name, Canvas user id, submission id, original name;
  ``LATE`` marks the submission late.
* Moodle ("Download all submissions"): a folder or file name starting
  ``Jane Smith_123456_assignsubmission_file_``: full name, participant id, then the file.
  ``..._assignsubmission_onlinetext_/onlinetext.html`` is what the student typed in Moodle's
  online text box: kept as ``kind="onlinetext"``, never graded as a notebook.

Otherwise the id is ``metadata.kit.student_id`` in the notebook if present, else the file name
without ``.ipynb``. Every file found becomes a submission (a stray PDF gets a gradebook row
saying it is not a notebook), except hidden files, ``.ipynb_checkpoints`` and ``__MACOSX``.

>>> parse_name("smithjane_LATE_12345_6789_00-getting-started.ipynb")["student_id"]
'12345'
>>> parse_name("Jane Smith_4711_assignsubmission_file_/nb.ipynb")["student_name"]
'Jane Smith'
>>> parse_name("ali.ipynb")["student_id"]
'ali'
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from kit.errors import GradingError

__all__ = ["Submission", "collect", "parse_name", "parse_deadline", "MAX_BYTES"]

MAX_BYTES = 100 * 1024 * 1024  # a notebook larger than this is refused, not read

_CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?P<late>_late)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.IGNORECASE)
_MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?(?P<file>.*)$",
                     re.IGNORECASE)


@dataclass
class Submission:
    """One handed-in file: where it came from, who sent it, its bytes and their hash."""

    name: str  # path inside the folder or zip, with / separators
    data: bytes
    student_id: str
    student_name: str = ""
    lms: str = ""  # "canvas", "moodle" or ""
    too_large: bool = False
    late: bool = False  # Canvas's _LATE_ flag, or after the --deadline
    submitted_at: str = ""  # ISO time stored in the zip, or the file's modification time
    kind: str = "file"  # "onlinetext": Moodle's online text box (onlinetext.html), not a notebook

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def parse_name(name: str) -> dict:
    """Student id, name and LMS from a submission's path (see the module docstring)."""
    path = PurePosixPath(name)
    for part in [*path.parts[:-1], path.name]:
        m = _MOODLE.match(part)
        if m:
            kind = "onlinetext" if m.group("plugin").lower() == "onlinetext" else "file"
            return {"student_id": m.group("pid"), "student_name": m.group("name").strip(), "lms": "moodle",
                    "late": False, "kind": kind}
    m = _CANVAS.match(path.name)
    if m:
        return {"student_id": m.group("uid"), "student_name": m.group("name"), "lms": "canvas",
                "late": bool(m.group("late")), "kind": "file"}
    stem = path.name[: -len(".ipynb")] if path.name.lower().endswith(".ipynb") else path.name
    return {"student_id": stem, "student_name": "", "lms": "", "late": False, "kind": "file"}


def _skip(parts) -> bool:
    return any(p.startswith(".") or p in ("__MACOSX", ".ipynb_checkpoints") for p in parts)


def _metadata_id(data: bytes) -> str | None:
    try:
        meta = json.loads(data).get("metadata", {}).get("kit", {})
    except (ValueError, AttributeError, UnicodeDecodeError, RecursionError):
        return None
    value = meta.get("student_id") if isinstance(meta, dict) else None
    return str(value)[:100] if isinstance(value, (str, int)) and str(value).strip() else None


def _make(name: str, data: bytes, too_large: bool = False, when: datetime | None = None,
          deadline: datetime | None = None) -> Submission:
    info = parse_name(name)
    if not info["lms"] and not too_large:
        info["student_id"] = _metadata_id(data) or info["student_id"]
    late = info["late"] or bool(deadline and when and when > deadline)
    return Submission(name, data, info["student_id"], info["student_name"], info["lms"], too_large, late,
                      when.isoformat(timespec="seconds") if when else "", info["kind"])


def parse_deadline(text: str | None) -> datetime | None:
    """``--deadline`` as a local date and time: ``2026-12-01T17:00`` or ``2026-12-01 17:00`` (a date alone: its end).

    >>> parse_deadline("2026-12-01 17:00").isoformat()
    '2026-12-01T17:00:00'
    >>> parse_deadline("2026-12-01").isoformat()
    '2026-12-01T23:59:59'
    """
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise GradingError(f"--deadline {text!r} is not a date and time. Write it as 2026-12-01T17:00 (local time), "
                           "or a date alone (2026-12-01: the end of that day).") from None
    if len(text.strip()) == 10:
        when = when.replace(hour=23, minute=59, second=59)
    return when.replace(tzinfo=None)


def collect(source: str | Path, exclude: list[Path] = (), deadline: datetime | None = None) -> list[Submission]:
    """All submissions in a folder (searched recursively) or a ``.zip`` file, sorted by name.

    ``deadline``: files with a later time (in the zip, or modified later in a folder) are late.
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"{source} does not exist. Give the folder of submitted notebooks, or the zip file your "
                           "LMS gave you (e.g. `kit grade submissions.zip --assignment 00-getting-started --out marks`).")
    found: list[Submission] = []
    if source.is_dir():
        excluded = [Path(e).resolve() for e in exclude]
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if not path.is_file() or _skip(rel.parts):
                continue
            if any(path.resolve().is_relative_to(e) for e in excluded):
                continue
            size = path.stat().st_size
            data = b"" if size > MAX_BYTES else path.read_bytes()
            when = datetime.fromtimestamp(path.stat().st_mtime)
            found.append(_make(rel.as_posix(), data, size > MAX_BYTES, when, deadline))
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or _skip(parts):
                    continue
                try:
                    when = datetime(*info.date_time)
                except ValueError:
                    when = None
                if info.file_size > MAX_BYTES:
                    found.append(_make(info.filename, b"", True, when, deadline))
                    continue
                found.append(_make(info.filename, archive.read(info), False, when, deadline))
    else:
        raise GradingError(f"{source} is neither a folder nor a zip file. Give the folder of submitted notebooks, "
                           "or the .zip your LMS exported.")
    if not found:
        raise GradingError(f"No files were found in {source}. Check that it is the folder (or zip) of submissions.")
    return _no_claimed_ids_of_others(found)


def _no_claimed_ids_of_others(found: list[Submission]) -> list[Submission]:
    """A ``metadata.kit.student_id`` is written by the student: it may not take the id another file's name gives.

    Otherwise one student's notebook could claim a classmate's id and replace the classmate's grade.

    >>> a, b = _make("alice.ipynb", b"{}"), _make("bob.ipynb", b'{"metadata": {"kit": {"student_id": "alice"}}}')
    >>> [s.student_id for s in _no_claimed_ids_of_others([a, b])]
    ['alice', 'bob']
    """
    by_name = {parse_name(s.name)["student_id"] for s in found}
    out = []
    for s in found:
        own = parse_name(s.name)["student_id"]
        if not s.lms and s.student_id != own and s.student_id in by_name:
            s = dataclasses.replace(s, student_id=own)
        out.append(s)
    return out
