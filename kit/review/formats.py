"""The parsers behind :func:`kit.review.read_export`: RIS (rispy), BibTeX (bibtexparser 2), CSV and text.

Each ``_read_<format>(text, problems)`` returns a list of record dicts (with the line where each record
starts) and appends a ``{"line", "problem", "action"}`` dict to ``problems`` for every record it could
not read as it was; nothing is dropped without such a line.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from contextlib import contextmanager

from kit.errors import InputError

__all__ = ["read_ris", "read_bibtex", "read_csv", "read_text", "sniff", "clean_doi"]

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

def _clean_doi(value) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    return _DOI.sub("", text).strip().lower()


def _year(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def _sniff(text: str) -> str | None:
    head = [line for line in text.splitlines()[:50] if line.strip()]
    if not head:
        return None
    if any(re.match(r"^TY  - ", line) for line in head):
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


def _record(line, title="", abstract="", authors="", year=None, doi="", journal=""):
    return {"line": line, "title": (title or "").strip(), "abstract": (abstract or "").strip(),
            "authors": authors or "", "year": year, "doi": _clean_doi(doi), "journal": (journal or "").strip()}


def _join_authors(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


# --- RIS --------------------------------------------------------------------------------------------
_COUNTER = re.compile(r"^\s*\d+\.?\s*$")
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
            if line.strip() and not _COUNTER.match(line):  # "12." counters between records are normal
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


# Public names (kit.review.readers and kit.review.duplicates import these).
read_ris, read_bibtex, read_csv, read_text = _read_ris, _read_bibtex, _read_csv, _read_text
sniff, clean_doi = _sniff, _clean_doi
