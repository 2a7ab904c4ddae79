"""Read search exports (RIS, BibTeX, CSV, one abstract per line) into one standard table."""

from __future__ import annotations

import csv
import io
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kit.errors import EmptyDataError, InputError

__all__ = ["read_export", "import_problems", "import_report", "STANDARD_COLUMNS", "FORMATS", "ExportProblemError"]

#: The columns every reader returns, in this order.
STANDARD_COLUMNS = ["record_id", "source", "line", "title", "abstract", "authors", "year", "doi", "journal"]
#: Formats and the file endings that select them.
FORMATS = {"ris": (".ris", ".nbib"), "bibtex": (".bib", ".bibtex"), "csv": (".csv", ".tsv"), "text": (".txt",)}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")

# Column names that databases use for the standard columns (compared in lower case).
_CSV_ALIASES = {
    "title": ("title", "article title", "document title", "primary title", "ti", "t1"),
    "abstract": ("abstract", "ab", "abstract note", "description"),
    "authors": ("authors", "author", "au", "author full names", "creators"),
    "year": ("year", "publication year", "py", "date", "pubyear", "year published"),
    "doi": ("doi", "do", "di", "digital object identifier"),
    "journal": ("journal", "source title", "publication title", "source", "so", "t2", "journal title", "jo"),
}
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_MOJIBAKE = re.compile("\u00e2\u20ac|\u00c3[\u00a0-\u00bf]")


class ExportProblemError(InputError):
    """Some records of an export could not be read (raised when ``problems="raise"``)."""


def _clean_doi(value) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    return _DOI.sub("", text).strip().lower()


def _year(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


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


def _sniff(text: str) -> str | None:
    head = [line for line in text.splitlines()[:50] if line.strip()]
    if not head:
        return None
    if any(re.match(r"^TY  - ", line) for line in head) or any(re.match(r"^PMID- ", line) for line in head):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", text[:5000], re.MULTILINE):
        return "bibtex"
    if len(head) > 1 and _looks_like_header(head[0]):
        return "csv"
    return "text"


def _looks_like_header(first: str) -> bool:
    """A header row: at least two cells are known column names, one of them a title or abstract."""
    for delimiter in (",", "\t", ";"):
        cells = {c.strip().strip('"').lower() for c in first.split(delimiter)}
        if len(cells) < 2:
            continue
        known = {col for col, aliases in _CSV_ALIASES.items() if cells & set(aliases)}
        if len(known) >= 2 and known & {"title", "abstract"}:
            return True
    return False


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


def _record(line, title="", abstract="", authors="", year=None, doi="", journal=""):
    return {"line": line, "title": (title or "").strip(), "abstract": (abstract or "").strip(),
            "authors": authors or "", "year": year, "doi": _clean_doi(doi), "journal": (journal or "").strip()}


def _join_authors(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


# --- RIS --------------------------------------------------------------------------------------------
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_RIS_NEARLY = re.compile(r"^([A-Z][A-Z0-9])\s{0,3}-\s")


def _read_ris(text: str, problems: list) -> list[dict]:
    import rispy

    records, chunk, start = [], [], None

    def close(end_found: bool):
        nonlocal chunk, start
        if start is None:
            return
        if not end_found:
            problems.append({"line": start, "problem": "record has no 'ER  -' end line; read up to the next record",
                             "action": "kept"})
        try:
            entries = rispy.loads("\n".join(chunk + ["ER  - "]))
        except Exception as err:  # rispy rejects the record
            problems.append({"line": start, "problem": f"record cannot be parsed ({err})", "action": "skipped"})
            entries = []
        for entry in entries:
            title = entry.get("title") or entry.get("primary_title") or entry.get("translated_title") or ""
            authors = entry.get("authors") or entry.get("first_authors") or []
            year = _year(entry.get("year") or entry.get("publication_year") or entry.get("date"))
            journal = entry.get("journal_name") or entry.get("secondary_title") or entry.get("alternate_title3") or ""
            records.append(_record(start, title, entry.get("abstract") or entry.get("notes_abstract") or "",
                                   _join_authors(authors), year, entry.get("doi") or "", journal))
        chunk, start = [], None

    for number, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.rstrip("\r")
        if line.startswith("TY  -"):
            close(end_found=False)
            chunk, start = [line], number
            continue
        if line.startswith("ER  -"):
            if start is None:
                problems.append({"line": number, "problem": "'ER  -' end line without a record before it",
                                 "action": "ignored"})
            close(end_found=True)
            continue
        if start is None:
            if line.strip():
                problems.append({"line": number, "problem": f"text outside any record: {line.strip()[:40]!r}",
                                 "action": "ignored"})
            continue
        nearly = _RIS_NEARLY.match(line) if line.strip() and not _RIS_TAG.match(line) else None
        if nearly:
            problems.append({"line": number, "problem": f"badly formed tag line {line.strip()[:40]!r} "
                             "(a tag is two capitals, two spaces, a dash and a space)",
                             "action": f"read as {nearly.group(1)}"})
            line = f"{nearly.group(1)}  - {line[nearly.end():].strip()}"
        chunk.append(line)
    close(end_found=False)
    return records


# --- BibTeX -----------------------------------------------------------------------------------------
@contextmanager
def _quiet(logger_name: str):
    logger = logging.getLogger(logger_name)
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


_LATEX_BRACES = re.compile(r"[{}]")


def _read_bibtex(text: str, problems: list) -> list[dict]:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

    from bibtexparser.middlewares import LatexDecodingMiddleware

    with _quiet("bibtexparser"):
        library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    records = []
    for block in library.blocks:
        entry = None
        if isinstance(block, DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            problems.append({"line": block.start_line + 1, "problem": f"duplicate citation key {block.key!r}",
                             "action": "kept"})
        elif isinstance(block, ParsingFailedBlock):
            first = (block.raw or "").strip().splitlines()[:1]
            problems.append({"line": block.start_line + 1,
                             "problem": f"entry cannot be parsed ({first[0][:40] if first else 'empty'}...): "
                                        "check its braces and commas", "action": "skipped"})
            continue
        elif isinstance(block, Entry):
            entry = block
        if entry is None:
            continue
        fields = {k.lower(): _LATEX_BRACES.sub("", str(f.value)) for k, f in entry.fields_dict.items()}
        authors = "; ".join(a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip())
        records.append(_record(entry.start_line + 1, fields.get("title", ""), fields.get("abstract", ""), authors,
                               _year(fields.get("year") or fields.get("date")), fields.get("doi", ""),
                               fields.get("journal") or fields.get("booktitle") or ""))
    return records


# --- CSV --------------------------------------------------------------------------------------------
def _read_csv(text: str, problems: list, name: str) -> list[dict]:
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return []
    lowered = [h.strip().lower() for h in header]
    where = {}
    for column, aliases in _CSV_ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                where[column] = lowered.index(alias)
                break
    if "title" not in where and "abstract" not in where:
        raise InputError(f"{name}: the first row (the header) has no title or abstract column; it has "
                         f"{', '.join(repr(h) for h in header[:12])}. Rename the columns to 'title' and 'abstract' "
                         "(and 'authors', 'year', 'doi' if you have them), or check the file is a search export.")
    records, start = [], 2
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append({"line": line, "problem": f"row has {len(row)} fields but the header has {len(header)} "
                             "(a comma or quote out of place?)", "action": "skipped"})
            continue
        get = {column: row[i] for column, i in where.items()}
        records.append(_record(line, get.get("title", ""), get.get("abstract", ""), get.get("authors", ""),
                               _year(get.get("year")), get.get("doi", ""), get.get("journal", "")))
        if get.get("year", "").strip() and records[-1]["year"] is None:
            problems.append({"line": line, "problem": f"year {get['year'].strip()[:20]!r} is not a year",
                             "action": "kept, year missing"})
    return records


def _read_text(text: str, problems: list) -> list[dict]:
    return [_record(number, abstract=line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


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

