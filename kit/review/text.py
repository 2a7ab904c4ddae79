"""Unicode-aware text normalisation for matching bibliographic records."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_text", "match_key"]

# Characters that look alike but differ in Unicode. NFKC already folds the ellipsis (U+2026),
# no-break and thin spaces, ligatures and full-width forms; these it leaves alone.
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]")
_SINGLE_RE = re.compile(f"[{_SINGLE_QUOTES}]")
_DOUBLE_RE = re.compile(f"[{_DOUBLE_QUOTES}]")
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
# Combining marks (accents written as separate characters after NFKD decomposition).
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ASCII_WORDS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))


def _drop_punctuation(text: str) -> str:
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii")
    return _NOT_WORD.sub(" ", text)


_NOT_WORD = re.compile(r"[\W_]+")


def _one(text, lowercase: bool, strip_accents: bool, punctuation: bool) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text.isascii():  # every character handled below is outside ASCII
        text = unicodedata.normalize("NFKC", text)
        text = _HYPHEN_RE.sub("-", text)
        text = _SINGLE_RE.sub("'", text)
        text = _DOUBLE_RE.sub('"', text)
        text = _INVISIBLE_RE.sub("", text)
        if strip_accents and not text.isascii():
            text = unicodedata.normalize("NFC", _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text)))
    if lowercase:
        text = text.casefold()
    if not punctuation:
        text = _drop_punctuation(text)
    return " ".join(text.split())


def normalise_text(text, *, lowercase: bool = True, strip_accents: bool = True, punctuation: bool = True):
    """Make texts that differ only in typography, case or accents identical.

    Steps, in order: Unicode NFKC (the ellipsis ``…`` becomes ``...``, no-break and thin spaces
    become spaces, ligatures such as ``ﬁ`` become ``fi``); the hyphens and dashes U+2010 to
    U+2015 and the minus sign U+2212 become ``-``; curly and angle quotes become straight
    ``'`` and ``"``; soft hyphens and zero-width characters are removed; accents are removed
    (``é`` becomes ``e``, by Unicode decomposition); letters are lower-cased (``casefold``, so
    ``ß`` becomes ``ss``); runs of white space become one space, and the ends are trimmed.

    Parameters
    ----------
    text : str, list or pandas.Series
        The text(s). Missing values (None, NaN) become ``""``.
    lowercase, strip_accents : bool
        Switch off case folding or accent removal.
    punctuation : bool
        ``False`` replaces every character that is not a letter or digit by a space (the
        form used for matching: ``school-to-school`` becomes ``school to school``).

    Returns
    -------
    str, list or pandas.Series
        The same kind of object as given.

    Notes
    -----
    Unicode normalisation forms follow Unicode Standard Annex #15, "Unicode Normalization
    Forms" (https://unicode.org/reports/tr15/). Tested on every listed character in
    tests/test_review.py.

    Examples
    --------
    >>> normalise_text("School\u2010to\u2010School  Collaboration")
    'school-to-school collaboration'
    >>> normalise_text("The \u201cself\u2011improving\u201d system\u2026")
    'the "self-improving" system...'
    >>> normalise_text("Coll\u00e8ges in Qu\u00e9bec", punctuation=False)
    'colleges in quebec'
    """
    if isinstance(text, str) or text is None or isinstance(text, float):
        return _one(text, lowercase, strip_accents, punctuation)
    if hasattr(text, "map") and hasattr(text, "index"):  # a pandas Series
        return text.map(lambda t: _one(t, lowercase, strip_accents, punctuation)).astype(object)
    if isinstance(text, (list, tuple)):
        return [_one(t, lowercase, strip_accents, punctuation) for t in text]
    return _one(text, lowercase, strip_accents, punctuation)


def match_key(text) -> tuple[str, bool]:
    """The matching form of a text (no punctuation) and whether it was truncated ("..." at the end).

    >>> match_key("In recent years school\u2010to\u2010school collaboration ...")
    ('in recent years school to school collaboration', True)
    """
    norm = _one(text, True, True, True)
    truncated = norm.endswith("...")
    return " ".join(_drop_punctuation(norm).split()), truncated
