"""Collect submissions from a folder or an LMS zip, with each student's id from the file name.

File names the LMSs give a downloaded submission:

* Canvas ("Download Submissions"): ``smithjane_12345_6789012_00-getting-started.ipynb``, or
  ``smithjane_LATE_12345_...``: login-style name, Canvas user id, submission id, original name.
* Moodle ("Download all submissions"): a folder or file name starting
  ``Jane Smith_123456_assignsubmission_file_``: full name, participant id, then the file.

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

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kit.errors import GradingError

__all__ = ["Submission", "collect", "parse_name", "MAX_BYTES"]

MAX_BYTES = 100 * 1024 * 1024  # a notebook larger than this is refused, not read

_CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?:_late)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.IGNORECASE)
_MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<pid>\d+)_assignsubmission_[a-z]+_?(?P<file>.*)$", re.IGNORECASE)


@dataclass
class Submission:
    """One handed-in file: where it came from, who sent it, its bytes and their hash."""

    name: str  # path inside the folder or zip, with / separators
    data: bytes
    student_id: str
    student_name: str = ""
    lms: str = ""  # "canvas", "moodle" or ""
    too_large: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def parse_name(name: str) -> dict:
    """Student id, name and LMS from a submission's path (see the module docstring)."""
    path = PurePosixPath(name)
    for part in [*path.parts[:-1], path.name]:
        m = _MOODLE.match(part)
        if m:
            return {"student_id": m.group("pid"), "student_name": m.group("name").strip(), "lms": "moodle"}
    m = _CANVAS.match(path.name)
    if m:
        return {"student_id": m.group("uid"), "student_name": m.group("name"), "lms": "canvas"}
    stem = path.name[: -len(".ipynb")] if path.name.lower().endswith(".ipynb") else path.name
    return {"student_id": stem, "student_name": "", "lms": ""}


def _skip(parts) -> bool:
    return any(p.startswith(".") or p in ("__MACOSX", ".ipynb_checkpoints") for p in parts)


def _metadata_id(data: bytes) -> str | None:
    try:
        meta = json.loads(data).get("metadata", {}).get("kit", {})
    except (ValueError, AttributeError, UnicodeDecodeError, RecursionError):
        return None
    value = meta.get("student_id") if isinstance(meta, dict) else None
    return str(value)[:100] if isinstance(value, (str, int)) and str(value).strip() else None


def _make(name: str, data: bytes, too_large: bool = False) -> Submission:
    info = parse_name(name)
    if not info["lms"] and not too_large:
        info["student_id"] = _metadata_id(data) or info["student_id"]
    return Submission(name, data, info["student_id"], info["student_name"], info["lms"], too_large)


def collect(source: str | Path, exclude: list[Path] = ()) -> list[Submission]:
    """All submissions in a folder (searched recursively) or a ``.zip`` file, sorted by name."""
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
            found.append(_make(rel.as_posix(), data, size > MAX_BYTES))
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or _skip(parts):
                    continue
                if info.file_size > MAX_BYTES:
                    found.append(_make(info.filename, b"", True))
                    continue
                found.append(_make(info.filename, archive.read(info)))
    else:
        raise GradingError(f"{source} is neither a folder nor a zip file. Give the folder of submitted notebooks, "
                           "or the .zip your LMS exported.")
    if not found:
        raise GradingError(f"No files were found in {source}. Check that it is the folder (or zip) of submissions.")
    return found
