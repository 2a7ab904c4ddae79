"""Survey scales: does a scale hang together (Cronbach's alpha), how each item behaves, reverse scoring.

Scale *scores* (one per respondent and scale, with the reliability of each scale) are made by
:func:`kit.survey.score_scales`, which uses :func:`cronbach_alpha` from here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, ReverseKeyedWarning, require_columns, unknown_name
from kit.results import ci_text, resolve_confidence, sentence, tidy_row

__all__ = ["cronbach_alpha", "item_statistics", "reverse_score"]


def _as_items_frame(items) -> pd.DataFrame:
    if isinstance(items, pd.Series):
        raise ColumnTypeError(
            "Cronbach's alpha needs a table with one column per item (at least two items), "
            "but got a single column. Pass several columns, e.g. survey[['q1', 'q2', 'q3']]."
        )
    if not isinstance(items, pd.DataFrame):
        try:
            items = pd.DataFrame(np.asarray(items))
        except Exception:  # noqa: BLE001 - anything that is not a table
            raise ColumnTypeError(
                f"Expected a table (a pandas DataFrame) of answers, one column per item, but got "
                f"{type(items).__name__}."
            ) from None
        if items.ndim != 2:
            raise ColumnTypeError("Expected a table of answers: one row per respondent, one column per item.")
        items.columns = [f"item_{i + 1}" for i in range(items.shape[1])]
    return items


def _check_items(items: pd.DataFrame) -> pd.DataFrame:
    """Numbers only, at least two items, no empty or constant item; returns a float copy."""
    if items.shape[1] < 2:
        raise InputError(
            f"Cronbach's alpha needs at least two items (columns); the table has {items.shape[1]}. "
            "Select all the items of the scale, e.g. survey[['q1', 'q2', 'q3', 'q4']]."
        )
    if items.shape[0] == 0:
        raise EmptyDataError("The table of answers has no rows (no respondents).")
    if items.columns.duplicated().any():
        dup = items.columns[items.columns.duplicated()][0]
        raise InputError(f"The item {dup!r} appears twice in the table; select each item once.")
    for col in items.columns:
        series = items[col]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            example = series[bad].iloc[0]
            if series.nunique() == len(series) or "id" in str(col).lower().split("_"):
                raise ColumnTypeError(
                    f"Column {col!r} looks like an identifier (for example {example!r}), not an answer to an item. "
                    "Pass only the item columns of the scale, e.g. survey[['b1', 'b2', 'b3']]."
                )
            raise ColumnTypeError(
                f"Item {col!r} holds text (for example {example!r}), not numbers. Turn the answers into "
                f"numbers first, e.g. survey[{col!r}] = survey[{col!r}].map({{'Strongly disagree': 1, "
                "'Disagree': 2, 'Agree': 3, 'Strongly agree': 4}), and check that no answer becomes missing."
            )
    numbers = items.apply(pd.to_numeric, errors="coerce").astype(float)
    for col in numbers.columns:
        answered = numbers[col].dropna()
        if answered.empty:
            raise EmptyDataError(
                f"Item {col!r} has no answers at all (every value is missing). Remove it from the scale, "
                "or check that the column was read correctly."
            )
        if answered.nunique() == 1:
            raise InputError(
                f"Item {col!r} has the same answer ({answered.iloc[0]:g}) from every respondent, so it "
                "cannot tell respondents apart and Cronbach's alpha is not defined for it. Remove it from "
                "the scale (and say so in your write-up), or check the column."
            )
    return numbers


def cronbach_alpha(items, *, confidence: float = 0.95, missing: str = "pairwise", ci: float | None = None) -> pd.DataFrame:
    """Cronbach's alpha: how consistently the items of a survey scale measure the same thing.

    Alpha is high when respondents who score high on one item tend to score high on the others.
    It rises with the number of items, so a long scale can have a high alpha without measuring
    one thing; reverse-keyed items must be reversed first (see :func:`reverse_score`).

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one numeric column per item. Missing answers are allowed.
    confidence : float
        Confidence level of the interval (Feldt's method), 0.95 by default.
    missing : {'pairwise', 'listwise'}
        ``'pairwise'`` (default, as pingouin and R ``psych::alpha(use="pairwise")``) uses every
        answer; ``'listwise'`` keeps only respondents who answered every item. Respondents with
        no answer at all are never used; either way the number left out is in ``n_excluded``.

    Returns
    -------
    pandas.DataFrame
        One row with columns:

        * 'measure': "Cronbach's alpha"
        * 'estimate': alpha (1 is perfect consistency; it can be negative)
        * 'ci_low', 'ci_high': confidence interval (Feldt, Woodruff & Salih, 1987)
        * 'n': respondents used
        * 'k': number of items
        * 'n_excluded': respondents left out (no answers, or incomplete under 'listwise')
        * 'n_missing': missing answers (cells) among the respondents used
        * 'missing': the missing-data policy used

    Raises
    ------
    kit.errors.InputError
        Fewer than two items, an item with the same answer from everyone (a constant item),
        an item with no answers, fewer than two respondents.
    kit.errors.ColumnTypeError
        An item holds text such as 'Agree' instead of numbers.

    Notes
    -----
    The estimate comes from :func:`pingouin.cronbach_alpha` (tested there against R's psych
    package); the interval is Feldt's F-based interval computed here without rounding. In the
    kit's tests it matches pingouin's documented example (R ``psych::alpha``) and an independent
    implementation of the variance formula. An item that correlates negatively with the rest
    triggers a warning: it is probably reverse-keyed.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. *Applied Psychological Measurement*, 11(1), 93-103.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"q1": [4, 3, 5, 2, 4, 1], "q2": [4, 2, 5, 2, 3, 2],
    ...                         "q3": [5, 3, 4, 1, 4, 2]})
    >>> result = cronbach_alpha(answers)
    >>> result[["estimate", "ci_low", "ci_high", "n", "k"]].round(3)
       estimate  ci_low  ci_high  n  k
    0     0.925    0.68    0.989  6  3
    """
    if missing not in ("pairwise", "listwise"):
        raise unknown_name("way of handling missing answers", missing, ["pairwise", "listwise"])
    confidence = resolve_confidence(confidence, ci=ci)
    numbers = _check_items(_as_items_frame(items))
    keep = numbers.notna().any(axis=1) if missing == "pairwise" else numbers.notna().all(axis=1)
    used = numbers[keep]
    n, k = used.shape
    if n < 2:
        raise EmptyDataError(
            f"Only {n} respondent(s) can be used ({'with at least one answer' if missing == 'pairwise' else 'who answered every item'}); "
            "Cronbach's alpha needs at least two (and really many more)."
        )
    # re-check constant items among the respondents actually used
    _check_items(used)
    alpha = _pingouin_alpha(used, missing)
    if not np.isfinite(alpha):
        raise InputError(
            "Every respondent has the same total score, so the items cancel each other out and "
            "Cronbach's alpha is not defined. Is an item reverse-keyed? Reverse it with "
            "kit.reliability.reverse_score(...) first."
        )
    from scipy import stats

    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    _warn_reverse_keyed(used)
    return tidy_row(
        {
            "measure": ["Cronbach's alpha"],
            "estimate": [float(alpha)],
            "ci_low": [float(low)],
            "ci_high": [float(high)],
            "n": [int(n)],
            "k": [int(k)],
            "n_excluded": [int((~keep).sum())],
            "n_missing": [int(used.isna().sum().sum())],
            "missing": [missing],
        },
        confidence,
    )


def _pingouin_alpha(numbers: pd.DataFrame, missing: str = "pairwise") -> float:
    import pingouin

    with np.errstate(divide="ignore", invalid="ignore"):
        alpha, _ = pingouin.cronbach_alpha(data=numbers, nan_policy=missing)
    return float(alpha)


def _rest_correlations(numbers: pd.DataFrame) -> pd.Series:
    out = {}
    for col in numbers.columns:
        rest = numbers.drop(columns=col).mean(axis=1)
        pair = pd.concat([numbers[col], rest], axis=1).dropna()
        if len(pair) < 3 or pair.iloc[:, 1].nunique() < 2:
            out[col] = np.nan
        else:
            out[col] = float(np.corrcoef(pair.iloc[:, 0], pair.iloc[:, 1])[0, 1])
    return pd.Series(out, dtype=float)


def _warn_reverse_keyed(numbers: pd.DataFrame) -> None:
    rest = _rest_correlations(numbers)
    negative = [str(c) for c, r in rest.items() if r < 0]
    if negative:
        warnings.warn(ReverseKeyedWarning(
            f"Item(s) {', '.join(map(repr, negative))} correlate negatively with the rest of the scale. "
            "Are they reverse-keyed (worded the other way round)? If so, reverse them first with "
            "kit.reliability.reverse_score(...) and compute alpha again.", negative), stacklevel=3)


def item_statistics(items) -> pd.DataFrame:
    """One row per item: mean, spread, item-rest correlation and alpha if the item were dropped.

    Use it after :func:`cronbach_alpha` to find the item that does not belong: a low or negative
    item-rest correlation (the item against the mean of the other items) and an alpha that
    *rises* when the item is dropped.

    Returns
    -------
    pandas.DataFrame
        Columns 'item', 'mean', 'sd', 'n' (answers), 'item_rest_r' (corrected item-total
        correlation, Pearson), 'alpha_if_dropped' (Cronbach's alpha of the other items, pairwise;
        missing when fewer than two items would be left).

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory* (3rd ed.). McGraw-Hill
    (corrected item-total correlation).

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"q1": [4, 3, 5, 2, 4, 1], "q2": [4, 2, 5, 2, 3, 2],
    ...                         "q3": [2, 3, 1, 4, 1, 5]})
    >>> item_statistics(answers)[["item", "item_rest_r"]].round(2)
      item  item_rest_r
    0   q1        -0.48
    1   q2         0.00
    2   q3        -0.91
    """
    numbers = _check_items(_as_items_frame(items))
    numbers = numbers[numbers.notna().any(axis=1)]
    rest = _rest_correlations(numbers)
    rows = []
    for col in numbers.columns:
        others = numbers.drop(columns=col)
        if others.shape[1] >= 2 and (others.nunique() > 1).all():
            alpha_without = _pingouin_alpha(others)
        else:
            alpha_without = np.nan
        rows.append((str(col), float(numbers[col].mean()), float(numbers[col].std()),
                     int(numbers[col].notna().sum()), float(rest[col]), alpha_without))
    return pd.DataFrame(rows, columns=["item", "mean", "sd", "n", "item_rest_r", "alpha_if_dropped"])


def reverse_score(items: pd.DataFrame, columns: Sequence[str], *, low: float, high: float) -> pd.DataFrame:
    """A copy of ``items`` with the reverse-keyed ``columns`` turned round: ``low + high - answer``.

    On a 1-5 scale, 1 becomes 5 and 4 becomes 2. ``low`` and ``high`` are the ends of the answer
    scale (not the lowest and highest answers given). Answers outside them raise an error; missing
    answers stay missing. Returns a new table; ``items`` is not changed.

    >>> import pandas as pd
    >>> reverse_score(pd.DataFrame({"q1": [1, 4], "q2": [5, 2]}), ["q2"], low=1, high=5)
       q1  q2
    0   1   1
    1   4   4
    """
    if isinstance(columns, str):
        columns = [columns]
    require_columns(items, columns)
    if not low < high:
        raise InputError(f"low ({low}) must be smaller than high ({high}): they are the ends of the answer scale.")
    out = items.copy()
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce")
        if (values.isna() & out[col].notna()).any():
            raise ColumnTypeError(f"Item {col!r} holds text; turn the answers into numbers before reversing them.")
        outside = values[(values < low) | (values > high)]
        if not outside.empty:
            raise InputError(
                f"Item {col!r} has answer(s) outside the scale {low:g} to {high:g} (for example "
                f"{outside.iloc[0]:g}). Check low= and high= are the ends of the answer scale."
            )
        out[col] = low + high - values
    return out


def _cronbach_words(a: float) -> str:
    # George & Mallery (2003) rules of thumb, widely quoted and widely criticised (Taber, 2018).
    for cut, word in ((0.5, "unacceptable"), (0.6, "poor"), (0.7, "questionable"), (0.8, "acceptable"), (0.9, "good")):
        if a < cut:
            return word
    return "excellent"



@sentence("Cronbach's alpha")
def _cronbach_sentence(result: pd.DataFrame) -> str:
    row = result.iloc[0]
    est = float(row["estimate"])
    left = (f"; {row['n_excluded']} respondent(s) were left out ({row['missing']} handling of missing answers)"
            if row["n_excluded"] else "")
    return (
        f"Cronbach's alpha = {est:.2f}{ci_text(result, row)} for a scale of {row['k']} items answered by {row['n']} "
        f"respondents{left}: {_cronbach_words(est)} internal consistency by George and Mallery's (2003) rule of thumb."
    )
