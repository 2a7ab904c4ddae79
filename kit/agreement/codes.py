"""Codes given by coders: tidy them, count who used which code, check them against a codebook.

Run :func:`code_usage` before measuring agreement (:mod:`kit.agreement.kappa`,
:mod:`kit.agreement.krippendorff`): a code only one coder used, or one missing from the
codebook, is often a typo that would quietly lower agreement. Both measures call
:func:`_check_codes` so that such a typo stops the calculation with a message naming it.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, InputError

__all__ = ["code_usage"]


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _tidy_code(value):
    """Missing for blanks; whole-number floats (2.0, as pandas stores codes next to NaN) become ints."""
    if _is_blank(value):
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value


def _as_codes(values, name: str) -> pd.Series:
    """A coder's codes as an object Series (blank text and NaN become missing)."""
    if isinstance(values, pd.DataFrame):
        raise ColumnTypeError(
            f"{name} should be one column of codes (a list or a Series), but got a whole table. "
            "Pick one column, e.g. excerpts['coder_1']."
        )
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ColumnTypeError(f"{name} should be a list or column of codes, one per excerpt, but got {values!r:.60}.")
    return pd.Series([_tidy_code(v) for v in values], dtype=object)


def _code_order(codes: list[pd.Series], categories) -> list:
    if categories is not None:
        return list(categories)
    found = pd.unique(pd.concat(codes, ignore_index=True).dropna())
    try:
        return sorted(found)
    except TypeError:  # mixed types (numbers and text)
        return sorted(found, key=str)


def code_usage(data, codebook: Sequence | None = None) -> pd.DataFrame:
    """How often each coder used each code, and which codes look wrong.

    Use it before measuring agreement: a code that only one coder used, or that is not in the
    codebook, is often a typo ('Postive' for 'Positive') that would quietly lower agreement.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per excerpt (unit), one column per coder, holding the codes.
    codebook : list, optional
        The valid codes. Without it, a code used by only one coder that looks like another code
        is reported as a likely typo.

    Returns
    -------
    pandas.DataFrame
        One row per code: 'code', one count column per coder, 'total', 'in_codebook'
        (missing when no codebook is given) and 'problem' (plain words, empty when fine).

    Examples
    --------
    >>> import pandas as pd
    >>> coded = pd.DataFrame({"coder_1": ["Positive", "Negative", "Positive"],
    ...                       "coder_2": ["Positive", "Negative", "Postive"]})
    >>> usage = code_usage(coded, codebook=["Positive", "Negative"])
    >>> usage[["code", "coder_1", "coder_2", "in_codebook"]]
           code  coder_1  coder_2  in_codebook
    0  Negative        1        1         True
    1  Positive        2        1         True
    2   Postive        0        1        False
    >>> usage["problem"].iloc[2]
    "not in the codebook (did you mean 'Positive'?); used only by coder_2"
    """
    if not isinstance(data, pd.DataFrame):
        raise ColumnTypeError("code_usage needs a table with one column per coder, e.g. excerpts[['coder_1', 'coder_2']].")
    coders = {str(c): _as_codes(data[c], repr(str(c))) for c in data.columns}
    order = _code_order(list(coders.values()), None)
    counts = pd.DataFrame({c: s.value_counts().reindex(order, fill_value=0) for c, s in coders.items()}).astype(int)
    counts.index.name = "code"
    counts = counts.reset_index()
    counts["total"] = counts[list(coders)].sum(axis=1)
    valid = [str(c) for c in codebook] if codebook is not None else None
    counts["in_codebook"] = [str(c) in valid for c in counts["code"]] if valid is not None else pd.NA
    counts["problem"] = [_code_problem(row, list(coders), valid, order) for row in counts.to_dict("records")]
    return counts


def _code_problem(row: dict, coders: list[str], valid: list[str] | None, order: list) -> str:
    code = str(row["code"])
    problems = []
    if valid is not None and code not in valid:
        close = difflib.get_close_matches(code, valid, n=1, cutoff=0.6)
        problems.append("not in the codebook" + (f" (did you mean {close[0]!r}?)" if close else ""))
    users = [c for c in coders if row[c] > 0]
    if len(coders) > 1 and len(users) == 1:
        problems.append(f"used only by {users[0]}")
        if valid is None:
            others = [str(c) for c in order if str(c) != code]
            close = difflib.get_close_matches(code, others, n=1, cutoff=0.75)
            if close:
                problems[-1] += f" and looks like a misspelling of {close[0]!r}"
    return "; ".join(problems)


def _check_codes(coders: dict[str, pd.Series], codebook, *, strict_typos: bool = True) -> None:
    """Raise for codes not in the codebook or likely typos; warn for text codes only one coder used."""
    frame = pd.DataFrame(coders)
    usage = code_usage(frame, codebook)
    if codebook is not None:
        bad = usage[~usage["in_codebook"].astype(bool)]
        if not bad.empty:
            parts = [
                f"{row['code']!r} (used {row['total']} time(s), by "
                f"{', '.join(c for c in coders if row[c] > 0)}"
                + (f"; did you mean {close[0]!r}?" if (close := difflib.get_close_matches(str(row['code']), [str(c) for c in codebook], n=1, cutoff=0.6)) else "")
                + ")"
                for row in bad.to_dict("records")
            ]
            first = bad.iloc[0]
            who = next(c for c in coders if first[c] > 0)
            raise InputError(
                f"Some codes are not in the codebook: {'; '.join(parts)}. The codebook's codes are: "
                f"{', '.join(repr(str(c)) for c in codebook)}. Correct the spelling in the data, e.g. "
                f"data[{who!r}] = data[{who!r}].replace({{{str(first['code'])!r}: ...}}), or add the code "
                "to the codebook if it is a real new code. Nothing was calculated."
            )
    typos = usage[usage["problem"].str.contains("misspelling", regex=False)]
    if strict_typos and not typos.empty:
        parts = [f"{row['code']!r}: {row['problem']}" for row in typos.to_dict("records")]
        raise InputError(
            f"These codes look like typos: {'; '.join(parts)}. Correct them in the data, or pass "
            "codebook=[...] listing every valid code so the kit can check them. Nothing was calculated."
        )
    single = usage[usage["problem"].str.startswith("used only by")]
    text_codes = any(isinstance(c, str) for c in usage["code"])
    if not single.empty and codebook is None and text_codes:
        parts = [f"{row['code']!r} ({row['problem']}, {row['total']} time(s))" for row in single.to_dict("records")]
        warnings.warn(
            f"Some codes were used by only one coder: {'; '.join(parts)}. Check they are real codes, "
            "or pass codebook=[...] to confirm the list of valid codes.",
            UserWarning,
            stacklevel=3,
        )
