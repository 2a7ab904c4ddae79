"""Read search exports (RIS, BibTeX, CSV, one abstract per line) into one standard table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kit.errors import EmptyDataError, InputError
from kit.review.formats import clean_doi as _clean_doi
from kit.review.formats import read_bibtex as _read_bibtex
from kit.review.formats import read_csv as _read_csv
from kit.review.formats import read_ris as _read_ris
from kit.review.formats import read_text as _read_text
from kit.review.formats import sniff as _sniff

__all__ = ["read_export", "import_problems", "import_report", "STANDARD_COLUMNS", "FORMATS", "ExportProblemError"]

#: The columns every reader returns, in this order.
STANDARD_COLUMNS = ["record_id", "source", "line", "title", "abstract", "authors", "year", "doi", "journal"]
#: Formats and the file endings that select them.
FORMATS = {"ris": (".ris",), "bibtex": (".bib", ".bibtex"), "csv": (".csv", ".tsv"), "text": (".txt",)}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")

_MOJIBAKE = re.compile("\u00e2\u20ac|\u00c3[\u00a0-\u00bf]")


class ExportProblemError(InputError):
    """Some records of an export could not be read (raised when ``problems="raise"``)."""


def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as err:
            raise InputError(f"{name} cannot be read as {encoding!r} ({err}). Leave out encoding= to let the kit try "
                             f"{', '.join(ENCODINGS)}.") from None
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(f"{name} is a zipped file (for example an Excel .xlsx workbook), not a text export. "
                         "Open it and save it as CSV (UTF-8), or export RIS from the database instead.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > 2:
        raise InputError(f"{name} looks like UTF-16 or a binary file, not text the kit can read. Open it in a text "
                         "editor and save it as UTF-8, or export it again as RIS or CSV.")
    order = ("utf-8-sig",) if raw.startswith(b"\xef\xbb\xbf") else ENCODINGS
    for enc in order:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} is not in any text encoding the kit knows (tried {', '.join(ENCODINGS)}). Open it in "
                     "a text editor and save it as UTF-8, or pass encoding='...' if you know the encoding.")


def _format_of(path: Path, text: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            from kit.errors import unknown_name

            raise unknown_name("export format", fmt, list(FORMATS))
        return fmt
    suffix = path.suffix.lower()
    if suffix == ".txt":  # plain text, or a tab-delimited (Web of Science) or RIS export saved as .txt
        return _sniff(text) or "text"
    for name, endings in FORMATS.items():
        if suffix in endings:
            sniffed = _sniff(text)
            if name in ("ris", "bibtex") and sniffed != name:
                raise InputError(f"{path.name} ends in {suffix} but does not look like {name.upper()} "
                                 f"(no {'TY  - line' if name == 'ris' else '@article{...} entry'} near the top). "
                                 "Check that you exported the right file, or pass format='csv' / 'text'.")
            return name
    sniffed = _sniff(text) if suffix in ("", ".dat", ".export") else None
    if sniffed in ("ris", "bibtex"):
        return sniffed
    raise InputError(f"The kit does not know the format of {path.name!r}. It reads RIS (.ris), BibTeX (.bib), "
                     "CSV (.csv) and plain text with one abstract per line (.txt). Export in one of those, "
                     "or pass format='ris', 'bibtex', 'csv' or 'text'.")


def _read_one(path, fmt, encoding, problems: list):
    path = Path(path)
    if not path.exists():
        raise InputError(f"There is no file {str(path)!r}. Check the name and the folder (the notebook runs in "
                         f"{Path.cwd()}).")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a folder; give the path of one export file in it.")
    raw = path.read_bytes()
    if not raw.strip():
        raise EmptyDataError(f"{path.name} is empty: it holds no records. Export the search results again.")
    text, used = _decode(raw, path.name, encoding)
    fmt = _format_of(path, text, fmt)
    before = len(problems)
    if fmt == "ris":
        records = _read_ris(text, problems)
    elif fmt == "bibtex":
        records = _read_bibtex(text, problems)
    elif fmt == "csv":
        records = _read_csv(text, problems, path.name)
    else:
        records = _read_text(text, problems)
    kept = []
    for rec in records:
        if not rec["title"] and not rec["abstract"]:
            problems.append({"line": rec["line"], "problem": "record has neither a title nor an abstract",
                             "action": "skipped"})
            continue
        if _MOJIBAKE.search(rec["title"] + rec["abstract"]):
            problems.append({"line": rec["line"], "problem": "text looks garbled (for example 'â€'): the file was "
                             "saved with the wrong encoding at some point", "action": "kept"})
        kept.append(rec)
    for p in problems[before:]:
        p["source"] = path.name
    if not kept:
        raise EmptyDataError(f"No records could be read from {path.name} ({fmt}). "
                             + (f"Problems: {_summarise(problems[before:])}" if problems[before:] else
                                "Check that it is a search export."))
    for rec in kept:
        rec["source"] = path.name
    return kept, {"source": path.name, "format": fmt, "encoding": used, "records": len(kept)}


def _summarise(problems, limit: int = 5) -> str:
    parts = [f"line {p['line']}: {p['problem']} ({p['action']})" for p in problems[:limit]]
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    return "; ".join(parts) + more


def read_export(path, *, format: str | None = None, encoding: str | None = None, problems: str = "report"):
    """Read one or more search exports into one table with the standard columns.

    The format is chosen by the file ending (``.ris``, ``.bib``, ``.csv``, ``.txt``) or by
    ``format=``. RIS is parsed with rispy, BibTeX with bibtexparser 2; CSV columns are found by
    their usual database names (Title, Article Title, Abstract, Authors, Publication Year, DOI,
    Source title, or Web of Science's tags TI, AB, AU, PY, DI); a ``.txt`` file holds one
    abstract per line, unless it is a RIS or tab-delimited export saved as ``.txt``. The encoding is found by
    trying UTF-8, UTF-8 with a byte-order mark, then Windows-1252 (cp1252); the one used is
    in ``table.attrs["files"]``.

    A record that cannot be read is reported with its line number and the rest are still read:
    the problems are in ``import_problems(table)`` (``problems="report"``, the default), or
    raised together as one error (``problems="raise"``). Nothing is dropped without a line in
    that report.

    Parameters
    ----------
    path : str, Path or list of them
        The export file(s).
    format : {"ris", "bibtex", "csv", "text"}, optional
    encoding : str, optional
        Skip the guessing and use this encoding.
    problems : {"report", "raise"}

    Returns
    -------
    pandas.DataFrame
        One row per record:

        * 'record_id': 1, 2, ... in the order read (across all files)
        * 'source': the file the record came from
        * 'line': the line of that file where the record starts
        * 'title', 'abstract': text as exported ("" if missing)
        * 'authors': names separated by "; "
        * 'year': publication year (nullable integer)
        * 'doi': DOI in lower case without "https://doi.org/" ("" if missing)
        * 'journal': journal or book title

        ``attrs["files"]`` lists each file's format, encoding and record count;
        ``attrs["problems"]`` the problems (see :func:`import_problems`).

    Raises
    ------
    EmptyDataError
        The file is empty or no record could be read.
    InputError
        Unknown format, an encoding that fails, a CSV without title or abstract column.

    Notes
    -----
    Validated on the seed 004 export shipped with the kit (34 lines, 34 records) and on
    small RIS, BibTeX, CSV and text files with broken records in tests/test_review.py.

    Examples
    --------
    >>> from importlib.resources import files
    >>> table = read_export(files("kit.data") / "files" / "seed004_search_export.txt")
    >>> table.shape
    (34, 9)
    >>> table.attrs["files"][0]["encoding"]
    'utf-8'
    """
    if problems not in ("report", "raise"):
        raise InputError(f"problems= must be 'report' or 'raise', not {problems!r}.")
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    if not paths:
        raise EmptyDataError("No files were given: pass the path of an export, or a list of paths.")
    found, files = [], []
    problem_list: list[dict] = []
    for p in paths:
        records, info = _read_one(p, format, encoding, problem_list)
        found.extend(records)
        files.append(info)
    if problems == "raise" and problem_list:
        raise ExportProblemError(f"{len(problem_list)} problem(s) while reading: {_summarise(problem_list, 10)}. "
                                 "Fix those lines in the file, or use problems='report' to read the rest.")
    table = pd.DataFrame(found)
    table.insert(0, "record_id", range(1, len(table) + 1))
    table["year"] = pd.array(table["year"].tolist(), dtype="Int64")
    table = table[STANDARD_COLUMNS]
    table.attrs["files"] = files
    table.attrs["problems"] = [{k: p.get(k) for k in ("source", "line", "problem", "action")} for p in problem_list]
    return table


def import_problems(table) -> pd.DataFrame:
    """The problems met while reading, one row each: 'source', 'line', 'problem', 'action'.

    >>> import_problems(pd.DataFrame()).shape
    (0, 4)
    """
    rows = getattr(table, "attrs", {}).get("problems", [])
    return pd.DataFrame(rows, columns=["source", "line", "problem", "action"])


def import_report(table) -> str:
    """A plain-language summary of what was read, from which files, and what went wrong.

    >>> import_report(pd.DataFrame())
    'No files were read.'
    """
    files = getattr(table, "attrs", {}).get("files", [])
    if not files:
        return "No files were read."
    lines = [f"{f['source']}: {f['records']} records ({f['format']}, encoding {f['encoding']})" for f in files]
    probs = getattr(table, "attrs", {}).get("problems", [])
    if probs:
        lines.append(f"{len(probs)} problem(s): " + _summarise(probs, 10))
    else:
        lines.append("No problems.")
    return "\n".join(lines)

