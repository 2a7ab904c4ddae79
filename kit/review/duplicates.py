"""Find duplicate records in search exports: same DOI, identical after normalising, near matches."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kit.errors import InputError, require_columns
from kit.review.formats import clean_doi as _clean_doi
from kit.review.text import match_key, normalise_text

__all__ = ["find_duplicates", "deduplicate", "THRESHOLD", "ABSTRACT_FLOOR", "WINDOW"]

#: Default fuzzy threshold: rapidfuzz ``fuzz.ratio`` (0-100, the normalised Indel similarity) between the
#: normalised titles (or abstract openings, when a record has no title) must reach this. Chosen on the
#: synthetic export ``review_synthetic_export``: typing slips and small edits in titles score 92-99,
#: distinct papers with look-alike titles score below 88 or are stopped by the guards; see
#: benchmarks/dedup.py for the measured precision and recall.
THRESHOLD = 90.0
#: When both records have an abstract, their abstracts (compared over the shorter one if truncated)
#: must be at least this similar too: same title, different abstract means different papers.
ABSTRACT_FLOOR = 60.0
#: Sorted-neighbourhood window: each record is compared with the next WINDOW records in each sort order.
WINDOW = 10

_NOTICE = re.compile(r"^(correction|corrigendum|erratum|retraction|retracted|expression of concern|reply|response)\b")
_DIGITS = re.compile(r"\d+")
_REASONS = {"doi": "same DOI", "exact": "identical after normalising", "truncated": "truncated copy",
            "fuzzy": "near match"}


def _surname(authors) -> str:
    first = normalise_text(authors.split(";", 1)[0]) if isinstance(authors, str) else ""
    if not first:
        return ""
    name = first.split(",")[0] if "," in first else first.split()[-1]
    return re.sub(r"[^a-z]", "", name)


class _Prepared:
    def __init__(self, records: pd.DataFrame):
        n = len(records)
        empty = pd.Series([""] * n, index=records.index, dtype=object)
        titles = records["title"] if "title" in records else empty
        abstracts = records["abstract"] if "abstract" in records else empty
        t = [match_key(x) for x in titles.tolist()]
        a = [match_key(x) for x in abstracts.tolist()]
        self.tkey = np.array([k for k, _ in t], dtype=object)
        self.ttrunc = np.array([tr for _, tr in t])
        self.akey = np.array([k for k, _ in a], dtype=object)
        self.atrunc = np.array([tr for _, tr in a])
        dois = records["doi"] if "doi" in records else empty
        self.doi = np.array([_clean_doi(d) for d in dois.tolist()], dtype=object)
        years = pd.to_numeric(records["year"], errors="coerce") if "year" in records else pd.Series(np.nan, index=records.index)
        self.year = years.fillna(-1).astype(int).to_numpy()
        authors = records["authors"] if "authors" in records else empty
        self.surname = np.array([_surname(x) for x in authors.tolist()], dtype=object)
        self.digits = np.array([" ".join(_DIGITS.findall(k)) for k in self.tkey], dtype=object)
        self.notice = np.array([bool(_NOTICE.match(k)) for k in self.tkey])


def _prefix_ratio(a: str, atrunc: bool, b: str, btrunc: bool) -> float:
    if atrunc or btrunc:
        n = min(len(a), len(b))
        a, b = a[:n], b[:n]
    return fuzz.ratio(a, b)


def _compatible(p: _Prepared, i: int, j: int) -> bool:
    if p.doi[i] and p.doi[j] and p.doi[i] != p.doi[j]:
        return False
    if p.year[i] >= 0 and p.year[j] >= 0 and abs(p.year[i] - p.year[j]) > 1:
        return False
    if p.tkey[i] and p.tkey[j] and (p.digits[i] != p.digits[j] or p.notice[i] != p.notice[j]):
        return False
    if p.surname[i] and p.surname[j] and fuzz.ratio(p.surname[i], p.surname[j]) < 75:
        return False
    return True


def _compatible_many(p: _Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """:func:`_compatible` for many pairs at once (numpy and rapidfuzz.process.cpdist)."""
    ok = ~((p.doi[i] != "") & (p.doi[j] != "") & (p.doi[i] != p.doi[j]))
    ok &= ~((p.year[i] >= 0) & (p.year[j] >= 0) & (np.abs(p.year[i] - p.year[j]) > 1))
    titled = (p.tkey[i] != "") & (p.tkey[j] != "")
    ok &= ~(titled & ((p.digits[i] != p.digits[j]) | (p.notice[i] != p.notice[j])))
    named = (p.surname[i] != "") & (p.surname[j] != "") & (p.surname[i] != p.surname[j]) & ok
    if named.any():
        scores = process.cpdist(p.surname[i][named].tolist(), p.surname[j][named].tolist(), scorer=fuzz.ratio)
        ok[np.flatnonzero(named)[scores < 75]] = False
    return ok


def _judge(p: _Prepared, i: int, j: int, threshold: float):
    """(reason, score) if compatible records i and j are near duplicates, else None."""
    long_abstracts = len(p.akey[i]) >= 50 and len(p.akey[j]) >= 50
    a_score = _prefix_ratio(p.akey[i], p.atrunc[i], p.akey[j], p.atrunc[j]) if long_abstracts else None
    truncated = bool(p.atrunc[i] or p.atrunc[j] or p.ttrunc[i] or p.ttrunc[j])
    if p.tkey[i] and p.tkey[j]:
        score = _prefix_ratio(p.tkey[i], p.ttrunc[i], p.tkey[j], p.ttrunc[j])
        if score < threshold or (a_score is not None and a_score < ABSTRACT_FLOOR):
            return None
    elif a_score is not None:
        score = a_score
        if score < threshold:
            return None
    else:
        return None
    return ("truncated" if truncated else "fuzzy"), float(score)


def _rare_token_keys(texts) -> np.ndarray:
    """Each text's words from rarest to commonest, leaving out words seen only once (typing slips)."""
    from collections import Counter

    tokens = [t.split() for t in texts]
    df = Counter(w for words in tokens for w in set(words))
    return np.array([" ".join(sorted({w for w in words if df[w] > 1}, key=lambda w: (df[w], w)))
                     for words in tokens], dtype=object)


def _neighbour_pairs(keys: np.ndarray, idx: np.ndarray, cutoff: float, window: int, compare=None) -> np.ndarray:
    """Candidate pairs (k x 2 array) from a sorted-neighbourhood pass (Hernandez & Stolfo 1995), scored with cpdist."""
    if len(idx) < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = idx[np.argsort(keys[idx], kind="stable")]
    sorted_keys = (keys if compare is None else compare)[order].tolist()
    found = []
    for d in range(1, min(window, len(order) - 1) + 1):
        scores = process.cpdist(sorted_keys[:-d], sorted_keys[d:], scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
        k = np.flatnonzero(scores >= cutoff)
        found.append(np.column_stack([order[k], order[k + d]]))
    return np.concatenate(found).astype(np.int64) if found else np.empty((0, 2), dtype=np.int64)


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def find_duplicates(records: pd.DataFrame, threshold: float = THRESHOLD, *, window: int = WINDOW,
                    use_doi: bool = True, fuzzy: bool = True) -> pd.DataFrame:
    """Find groups of records that are the same study, and say why each record is in its group.

    Three kinds of match, each a well-known step of deduplicating search results:

    1. **same DOI** (DOIs are compared in lower case without ``https://doi.org/``);
    2. **identical after normalising** title, abstract and year with :func:`normalise_text`
       (so Unicode hyphens, curly quotes, case, accents and spacing do not matter);
    3. **near match**: the titles (or, for records without a title, the openings of the
       abstracts) have a rapidfuzz ``fuzz.ratio`` of at least ``threshold`` (0-100; default
       :data:`THRESHOLD` = 90), and, if both have abstracts, the abstracts at least
       :data:`ABSTRACT_FLOOR` = 60. A text ending in "..." is a **truncated copy**: it is
       compared with the same length of the other text.

    Near matches are never made between records whose DOIs differ, whose years are more than
    one apart, whose titles hold different numbers ("Part 1" and "Part 2"), where only one is a
    correction or retraction notice, or whose first authors' surnames differ.

    To stay fast on 100,000 records, near matches are looked for only between neighbours
    (the ``window`` next records) after sorting four ways (the sorted-neighbourhood method):
    by the normalised title; by the title written backwards (so a slip near the start does
    not hide a pair); by the title's words from rarest to commonest, leaving out words seen
    only once (so slips at both ends do not hide a pair); and by the abstract.

    Parameters
    ----------
    records : pandas.DataFrame
        Needs a 'title' or an 'abstract' column; uses 'doi', 'year', 'authors' and
        'record_id' when present (otherwise the index identifies records).
    threshold : float
        Fuzzy threshold, 0-100. Higher merges fewer records.
    window : int
        Neighbours compared in each sort order.
    use_doi, fuzzy : bool
        Switch off DOI matching or near matching (``fuzzy=False`` gives exact matching only).

    Returns
    -------
    pandas.DataFrame
        One row per record that has at least one duplicate, sorted by group:

        * 'group': 1, 2, ... one number per set of duplicates
        * 'record_id': the record (or its index label)
        * 'keep': True for the one record to keep (not truncated, with a DOI and the longest
          abstract, else the first read)
        * 'reason': 'kept', 'same DOI', 'identical after normalising', 'truncated copy' or
          'near match'
        * 'score': similarity (0-100) behind the reason (100 for DOI and identical)
        * 'matched_to': the record it was matched with
        * 'preview': the first 70 characters of its title (or abstract)

    References
    ----------
    Hernandez, M. A., & Stolfo, S. J. (1995). The merge/purge problem for large databases.
    Proceedings of the 1995 ACM SIGMOD Conference, 127-138. (Sorted neighbourhood blocking.)
    Bramer, W. M., Giustini, D., de Jonge, G. B., Holland, L., & Bekhuis, T. (2016).
    De-duplication of database search results for systematic reviews in EndNote.
    Journal of the Medical Library Association, 104(3), 240-243.

    Notes
    -----
    Validated on ``kit.data.load("review_synthetic_export")``, whose true duplicate groups are
    known: precision and recall of duplicate pairs are at least 0.99 (tests/test_review.py;
    benchmarks/dedup.py prints them beside exact-only matching).

    Examples
    --------
    >>> records = pd.DataFrame({
    ...     "title": ["School\u2010to\u2010school collaboration", "School-to-School Collaboration",
    ...               "School-to-school colaboration", "Teacher workload"],
    ...     "year": [2018, 2018, 2018, 2018]})
    >>> find_duplicates(records)[["group", "record_id", "keep", "reason"]]
       group  record_id   keep                       reason
    0      1          0   True                         kept
    1      1          1  False  identical after normalising
    2      1          2  False                   near match
    """
    if not isinstance(records, pd.DataFrame):
        raise InputError("find_duplicates needs a table of records (a DataFrame), for example from read_export().")
    if "title" not in records and "abstract" not in records:
        require_columns(records, ["title"])
    if not 0 < float(threshold) <= 100:
        raise InputError(f"threshold is a similarity from 0 to 100 (90 is the default); {threshold!r} is outside that.")
    n = len(records)
    ids = records["record_id"].tolist() if "record_id" in records else records.index.tolist()
    if len(set(ids)) != n:
        what = "record_id column" if "record_id" in records else "index"
        raise InputError(f"The {what} repeats some values, so records cannot be told apart. Give every record its "
                         "own number, e.g. records['record_id'] = range(1, len(records) + 1), or records.reset_index(drop=True).")
    columns = ["group", "record_id", "keep", "reason", "score", "matched_to", "preview"]
    if n < 2:
        return pd.DataFrame(columns=columns)
    p = _Prepared(records)
    union = _Union(n)
    edges: dict[int, list] = {}

    def link(i, j, reason, score):
        edges.setdefault(i, []).append((j, reason, score))
        edges.setdefault(j, []).append((i, reason, score))
        union.join(i, j)

    if use_doi:
        first: dict[str, int] = {}
        for i, d in enumerate(p.doi):
            if d:
                if d in first:
                    link(first[d], i, "doi", 100.0)
                else:
                    first[d] = i
    exact_first: dict[tuple, int] = {}
    representatives = []
    for i in range(n):
        if not p.tkey[i] and not p.akey[i]:
            continue
        key = (p.tkey[i], p.akey[i], p.atrunc[i], p.year[i])
        j = exact_first.get(key)
        if j is not None and _compatible(p, i, j):
            link(j, i, "exact", 100.0)
        else:
            exact_first.setdefault(key, i)
            representatives.append(i)
    if fuzzy:
        reps = np.array(representatives, dtype=int)
        primary = np.array([t if t else "~" + a[:80] for t, a in zip(p.tkey, p.akey)], dtype=object)
        backwards = np.array([s[::-1] for s in primary], dtype=object)
        rare = _rare_token_keys(primary)
        opening = np.array([a[:80] for a in p.akey], dtype=object)
        with_abstract = reps[[len(opening[i]) >= 40 for i in reps]] if len(reps) else reps
        cutoff = max(0.0, float(threshold) - 5)
        passes = [_neighbour_pairs(keys, reps, cutoff, window, compare=primary) for keys in (primary, backwards, rare)]
        passes.append(_neighbour_pairs(p.akey, with_abstract, cutoff, window, compare=opening))
        pairs = np.concatenate(passes)
        pairs = np.unique(np.column_stack([pairs.min(axis=1), pairs.max(axis=1)]), axis=0)
        pairs = pairs[_compatible_many(p, pairs[:, 0], pairs[:, 1])] if len(pairs) else pairs
        accepted = []
        for i, j in pairs.tolist():
            verdict = _judge(p, i, j, float(threshold))
            if verdict:
                accepted.append((min(i, j), max(i, j), *verdict))
        # Strongest matches first; a near match may not join two groups that together would hold two
        # different DOIs or years more than one apart (so A~B and B~C cannot chain two studies together).
        members: dict[int, list[int]] = {}
        for i in range(n):
            members.setdefault(union.find(i), []).append(i)
        for i, j, reason, score in sorted(accepted, key=lambda e: (-e[3], e[0], e[1])):
            ri, rj = union.find(i), union.find(j)
            if ri == rj:
                continue
            both = members[ri] + members[rj]
            dois = {p.doi[k] for k in both if p.doi[k]}
            years = [p.year[k] for k in both if p.year[k] >= 0]
            if len(dois) > 1 or (years and max(years) - min(years) > 1):
                continue
            link(i, j, reason, score)
            root = union.find(i)
            members[root] = both

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(union.find(i), []).append(i)
    abstracts = records["abstract"].fillna("").astype(str).tolist() if "abstract" in records else [""] * n
    titles = records["title"].fillna("").astype(str).tolist() if "title" in records else [""] * n
    rows, number = [], 0
    for members in sorted((m for m in groups.values() if len(m) > 1), key=lambda m: m[0]):
        number += 1
        keeper = max(members, key=lambda i: (not (p.atrunc[i] or p.ttrunc[i]), bool(p.doi[i]),
                                             len(abstracts[i]), len(titles[i]), -i))
        seen = {keeper: ("kept", 100.0, ids[keeper])}
        queue = [keeper]
        while queue:
            i = queue.pop(0)
            for j, reason, score in sorted(edges.get(i, []), key=lambda e: list(_REASONS).index(e[1])):
                if j not in seen:
                    seen[j] = (_REASONS[reason], score, ids[i])
                    queue.append(j)
        for i in sorted(members):
            reason, score, matched = seen[i]
            preview = (titles[i] or abstracts[i])[:70]
            rows.append((number, ids[i], i == keeper, reason, round(score, 1), matched, preview))
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["threshold"] = float(threshold)
    return out


class _AttrsTable(pd.DataFrame):
    """A DataFrame kept in another table's ``attrs``: ``==`` with a DataFrame gives one True/False.

    pandas checks ``left.attrs == right.attrs`` when it merges or concatenates tables; with a plain
    DataFrame inside, that comparison raises "The truth value of a DataFrame is ambiguous".
    """

    @property
    def _constructor(self):
        return _AttrsTable

    def __eq__(self, other):
        if isinstance(other, pd.DataFrame):
            return self.equals(other)
        return super().__eq__(other)

    __hash__ = None


def deduplicate(records: pd.DataFrame, threshold: float = THRESHOLD, **options) -> pd.DataFrame:
    """The records with duplicates removed: one record (the most complete) kept from each group.

    Takes the same options as :func:`find_duplicates`. The removed records and why are in
    ``result.attrs["duplicates"]`` (the :func:`find_duplicates` table) and the count in
    ``result.attrs["removed"]``. (pandas compares ``attrs`` when tables are merged or
    concatenated; the stored table compares as a whole, so that works.)

    Returns
    -------
    pandas.DataFrame
        The rows of ``records`` that are kept, in their original order, same columns.

    Examples
    --------
    >>> records = pd.DataFrame({"title": ["Collaboration \u2013 a review", "collaboration - a review", "Workload"]})
    >>> unique = deduplicate(records)
    >>> len(unique), unique.attrs["removed"]
    (2, 1)
    """
    groups = find_duplicates(records, threshold, **options)
    drop = set(groups.loc[~groups["keep"].astype(bool), "record_id"].tolist())
    ids = records["record_id"] if "record_id" in records else pd.Series(records.index, index=records.index)
    kept = records[~ids.isin(drop)].copy()
    kept.attrs["duplicates"] = _AttrsTable(groups)
    kept.attrs["removed"] = len(drop)
    kept.attrs["threshold"] = float(threshold)
    return kept
