"""Screen records against inclusion criteria with keywords, and tag included studies with themes."""

from __future__ import annotations

import re

import pandas as pd

from kit.errors import InputError
from kit.review.text import normalise_text

__all__ = ["screen", "tag_themes"]


def _pattern(terms) -> re.Pattern:
    if isinstance(terms, str):
        terms = [terms]
    parts = []
    for term in terms:
        if not isinstance(term, str) or not term.strip():
            raise InputError(f"Each search term must be a non-empty piece of text; got {term!r}.")
        words = normalise_text(term, punctuation=False)
        stem = term.strip().endswith("*")
        body = r"\s+".join(re.escape(w) for w in words.split())
        parts.append(rf"\b{body}{r'[a-z0-9]*' if stem else ''}\b")
    return re.compile("|".join(parts))


def _criteria(value, name: str) -> dict[str, re.Pattern]:
    if value is None:
        return {}
    if isinstance(value, (str, list, tuple)):
        value = {name: value}
    if not isinstance(value, dict):
        raise InputError(f"{name}= takes a list of terms, or a dict of criterion name -> list of terms; "
                         f"got {type(value).__name__}.")
    return {str(k): _pattern(v) for k, v in value.items()}


def _texts(records) -> pd.Series:
    if not isinstance(records, pd.DataFrame):
        raise InputError("screen needs the table of records (a DataFrame), for example from read_export().")
    if "title" not in records and "abstract" not in records:
        from kit.errors import require_columns

        require_columns(records, ["title"])
    title = records["title"].fillna("").astype(str) if "title" in records else ""
    abstract = records["abstract"].fillna("").astype(str) if "abstract" in records else ""
    return normalise_text(title + " " + abstract, punctuation=False)


def screen(records: pd.DataFrame, include=None, exclude=None) -> pd.DataFrame:
    """Title and abstract screening with keywords: a first, transparent pass before human reading.

    Each criterion is a list of terms; a record meets it when its title or abstract contains
    at least one of them (after :func:`normalise_text`, so case, hyphens and accents do not
    matter; ``collaborat*`` matches collaborate, collaboration, collaborative...; a phrase such
    as ``"school to school"`` must appear as those words in that order, and matches
    "school-to-school" too). A record is **included** when it meets every ``include`` criterion
    and no ``exclude`` criterion.

    Parameters
    ----------
    records : pandas.DataFrame
        Needs 'title' and/or 'abstract'.
    include : list of str, or dict of name -> list of str
        Inclusion criteria, e.g. ``{"collaboration": ["collaborat*", "partnership*"], "schools": ["school*"]}``.
    exclude : list of str, or dict of name -> list of str
        Exclusion criteria (the reason a record is excluded is the criterion's name).

    Returns
    -------
    pandas.DataFrame
        ``records`` with three columns added:

        * 'decision': 'include' or 'exclude'
        * 'reason': '' for included records; otherwise the first exclusion criterion met
          ("excluded: <name>") or the first inclusion criterion not met ("not met: <name>")
        * 'matched': the criteria met, separated by "; "

    Notes
    -----
    Keyword screening is a transparent first sift, not a replacement for reading: Thomas,
    O'Mara-Eves and Brunton (2017) describe how reviews combine it with human screening.
    Checked on small literal tables in tests/test_review.py.

    References
    ----------
    Thomas, J., O'Mara-Eves, A., & Brunton, G. (2017). Using text mining to support the
    review process. In D. Gough, S. Oliver & J. Thomas (Eds.), An Introduction to Systematic
    Reviews (2nd ed., pp. 237-247). SAGE.

    Examples
    --------
    >>> records = pd.DataFrame({"title": ["School-to-school collaboration in England",
    ...                                   "Hospital partnerships", "Teacher workload"]})
    >>> screen(records, include={"collaboration": ["collaborat*", "partnership*"], "schools": ["school*"]},
    ...        exclude={"health": ["hospital*"]})[["decision", "reason"]]
      decision                 reason
    0  include
    1  exclude      excluded: health
    2  exclude  not met: collaboration
    """
    inc = _criteria(include, "include")
    exc = _criteria(exclude, "exclude")
    if not inc and not exc:
        raise InputError("Give at least one criterion: include=[...] and/or exclude=[...] (lists of search terms).")
    texts = _texts(records)
    decision, reason, matched = [], [], []
    for text in texts.tolist():
        met = [name for name, pat in inc.items() if pat.search(text)]
        hit = [name for name, pat in exc.items() if pat.search(text)]
        missing = [name for name in inc if name not in met]
        if hit:
            decision.append("exclude")
            reason.append(f"excluded: {hit[0]}")
        elif missing:
            decision.append("exclude")
            reason.append(f"not met: {missing[0]}")
        else:
            decision.append("include")
            reason.append("")
        matched.append("; ".join(met + [f"exclude:{h}" for h in hit]))
    out = records.copy()
    out["decision"] = decision
    out["reason"] = reason
    out["matched"] = matched
    return out


def tag_themes(records: pd.DataFrame, themes: dict) -> pd.DataFrame:
    """Which themes each record touches (for configuring included studies into themes).

    Parameters
    ----------
    records : pandas.DataFrame
        Needs 'title' and/or 'abstract'.
    themes : dict of theme name -> list of terms (same rules as :func:`screen`)

    Returns
    -------
    pandas.DataFrame
        One row per record (same index), one True/False column per theme, and 'n_themes'.

    Examples
    --------
    >>> records = pd.DataFrame({"abstract": ["Trust between leaders grew", "Competition limited sharing"]})
    >>> tag_themes(records, {"trust": ["trust*"], "competition": ["competit*"]})
       trust  competition  n_themes
    0   True        False         1
    1  False         True         1
    """
    if not isinstance(themes, dict) or not themes:
        raise InputError("themes= is a dict of theme name -> list of terms, e.g. {'trust': ['trust*']}.")
    patterns = _criteria(themes, "themes")
    texts = _texts(records)
    out = pd.DataFrame({name: texts.map(lambda t, p=pat: bool(p.search(t))).astype(bool)
                        for name, pat in patterns.items()}, index=records.index)
    out["n_themes"] = out.sum(axis=1).astype(int)
    return out
