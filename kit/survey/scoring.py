"""Score survey scales: one score per respondent and scale, with each scale's reliability.

A respondent's score is the mean of the scale's items after the reverse-keyed ones are turned
round (:func:`kit.scales.reverse_score`); the reliability table gives each scale's Cronbach's
alpha (:func:`kit.scales.cronbach_alpha`) and counts the answers that were missing or out of range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, unknown_name
from kit.scales import reverse_score

__all__ = ["ScaleScores", "score_scales", "MISSING_POLICIES", "OUT_OF_RANGE_POLICIES"]

MISSING_POLICIES = ("error", "mean-of-available")
OUT_OF_RANGE_POLICIES = ("error", "missing")


class ScaleScores(NamedTuple):
    """What :func:`score_scales` returns: unpack it as ``scores, reliability = ...``."""

    scores: pd.DataFrame
    reliability: pd.DataFrame


def _parse_scales(scales, reverse) -> dict[str, list[tuple[str, bool]]]:
    if not isinstance(scales, Mapping) or not scales:
        raise InputError(
            "`scales` should be a dictionary from a scale name to its list of items, e.g. "
            "{'trust': ['trust1', 'trust2', '-trust3']} (a '-' in front marks a reverse-keyed item)."
        )
    reverse = set() if reverse is None else ({reverse} if isinstance(reverse, str) else set(reverse))
    parsed: dict[str, list[tuple[str, bool]]] = {}
    for name, items in scales.items():
        if isinstance(items, str) or not isinstance(items, Iterable):
            raise InputError(
                f"The items of scale {name!r} should be a list of column names, e.g. ['trust1', '-trust2'], "
                f"not {items!r}."
            )
        seen, out = set(), []
        for item in items:
            item = str(item)
            flipped = item.startswith("-")
            column = item[1:].strip() if flipped else item
            if column in seen:
                raise InputError(f"Item {column!r} is listed twice in scale {name!r}; list each item once.")
            seen.add(column)
            out.append((column, flipped or column in reverse))
        if not out:
            raise InputError(f"Scale {name!r} has no items; give it at least one column name.")
        parsed[str(name)] = out
    used = {c for items in parsed.values() for c, _ in items}
    stray = sorted(reverse - used)
    if stray:
        raise InputError(
            f"`reverse` names {', '.join(map(repr, stray))}, which is in no scale. "
            "Check the spelling, or add the item to a scale."
        )
    return parsed


def _label(value) -> str:
    """A row label as a reader would type it (12, not np.int64(12))."""
    return repr(value.item() if hasattr(value, "item") else value)


def _numeric_items(responses: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    out = {}
    for col in items:
        series = responses[col]
        if pd.api.types.is_bool_dtype(series):
            raise ColumnTypeError(f"Item {col!r} holds True/False, not Likert answers (numbers such as 1 to 5).")
        if pd.api.types.is_numeric_dtype(series):
            out[col] = series.astype("float64")
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            examples = ", ".join(repr(v) for v in pd.unique(series[bad])[:3])
            raise ColumnTypeError(
                f"Item {col!r} should hold numbers (Likert answers such as 1 to 5) but {int(bad.sum())} answer(s) "
                f"are text, for example {examples}. Turn the words into numbers first, e.g. "
                f"df[{col!r}] = df[{col!r}].map({{'Strongly disagree': 1, ..., 'Strongly agree': 5}}), "
                "and look at any answer that becomes missing."
            )
        out[col] = converted.astype("float64")
    return pd.DataFrame(out, index=responses.index)


def _alpha(items: pd.DataFrame, scale: str) -> tuple[float, float, float, int, str]:
    """Cronbach's alpha (95% CI) on the respondents who answered every item, and a note if undefined."""
    import warnings

    from kit.errors import KitError, ReverseKeyedWarning
    from kit.scales import cronbach_alpha

    complete = items.dropna()
    n = len(complete)
    if items.shape[1] < 2:
        return math.nan, math.nan, math.nan, n, "one item: alpha needs at least two"
    if n < 3:
        return math.nan, math.nan, math.nan, n, f"only {n} respondent(s) answered every item: too few for alpha"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = cronbach_alpha(complete, missing="listwise")
    except KitError as err:
        return math.nan, math.nan, math.nan, n, f"alpha not defined: {err}"
    note = ""
    if any(issubclass(w.category, ReverseKeyedWarning) for w in caught):
        note = "an item correlates negatively with the rest: is it reverse-keyed?"
        warnings.warn(
            f"In scale {scale!r} an item correlates negatively with the others. Is it reverse-keyed (worded the "
            "other way round)? If so, put a '-' in front of its name in `scales`, e.g. '-trust3'.",
            UserWarning,
            stacklevel=3,
        )
    row = res.iloc[0]
    return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"]), n, note


def score_scales(
    responses: pd.DataFrame,
    scales: Mapping[str, Iterable[str]],
    scale_min: float = 1,
    scale_max: float = 5,
    *,
    reverse: Iterable[str] | str | None = None,
    keep: Iterable[str] | None = None,
    missing: str = "error",
    min_answered: float = 0.5,
    out_of_range: str = "error",
) -> ScaleScores:
    """Score survey scales for each respondent and report each scale's reliability.

    Each respondent's scale score is the mean of the scale's items, after reverse-keyed items
    are turned round (``scale_min + scale_max - answer``, so on a 1-5 scale 1 becomes 5).

    Parameters
    ----------
    responses : DataFrame
        One row per respondent (per wave), one column per item, answers as numbers.
    scales : dict
        Scale name -> list of item columns. Mark a reverse-keyed item with a ``-`` in front of
        its name, e.g. ``{"trust": ["trust1", "trust2", "-trust3"]}``.
    scale_min, scale_max : number
        The lowest and highest possible answer (1 and 5 for a five-point Likert scale).
    reverse : list of str, optional
        Another way to mark reverse-keyed items: their names without the ``-``.
    keep : list of str, optional
        Columns copied to the scores table (default: every column that is not an item, such as
        ``school_id`` and ``wave``).
    missing : {"error", "mean-of-available"}
        What to do with a missing answer. ``"error"`` (default) stops and says where it is.
        ``"mean-of-available"`` scores a respondent from the items they answered if they
        answered at least ``min_answered`` (a share) of the scale's items, else the score is
        missing; both counts are reported in the reliability table.
    min_answered : float
        The smallest share of a scale's items a respondent must answer (with
        ``missing="mean-of-available"``); 0.5 by default.
    out_of_range : {"error", "missing"}
        What to do with an answer outside ``scale_min``..``scale_max`` or not a whole number
        (a typing slip such as 44 or 3.5). ``"error"`` (default) stops and lists them;
        ``"missing"`` treats them as missing answers and counts them in the reliability table.

    Returns
    -------
    ScaleScores
        A pair you can unpack as ``scores, reliability = score_scales(...)``.

        ``scores`` (tidy: one row per respondent and scale):

        * the ``keep`` columns (e.g. ``school_id``, ``wave``)
        * ``scale``: the scale's name
        * ``score``: mean of the (re-keyed) items, on the answer scale; missing if too few answered
        * ``items_answered``: how many of the scale's items the respondent answered

        ``reliability`` (one row per scale):

        * ``scale``, ``n_items``, ``reverse_items`` (comma-separated names)
        * ``n_respondents``: respondents given a score
        * ``alpha``, ``ci_low``, ``ci_high``: Cronbach's alpha and its 95% confidence interval
          (Feldt's), computed on the ``n_complete`` respondents who answered every item;
          missing for a one-item scale
        * ``n_complete``: respondents used for alpha
        * ``n_partial``: respondents scored from some of the items (``missing="mean-of-available"``)
        * ``n_not_scored``: respondents with too few answers to score
        * ``n_out_of_range``: answers treated as missing because they were outside the scale
        * ``note``: why alpha is missing, or a warning sign (an item that correlates negatively
          with the rest is probably reverse-keyed and not marked; a warning is also raised)

    Notes
    -----
    Alpha comes from :func:`kit.reliability.cronbach_alpha` (Cronbach, 1951); the tests compare
    it with ``pingouin.cronbach_alpha`` and the scores with a hand computation. The rule of
    scoring from the available items when at least half were answered is the common "half
    rule" of scale scoring (Newman, 2014).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.
    Dhillon, J. K. (2007). Trust, shared goals and participation in partnerships: reflections of
    post-16 education and training providers in England. *Journal of Vocational Education and
    Training*, 59(4), 503-515.
    Newman, D. A. (2014). Missing data: five practical guidelines. *Organizational Research
    Methods*, 17(4), 372-411.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"id": [1, 2, 3, 4], "g1": [4, 2, 5, 3], "g2": [5, 1, 4, 3],
    ...                         "g3": [2, 5, 1, 3]})
    >>> scores, rel = score_scales(answers, {"goals": ["g1", "g2", "-g3"]})
    >>> rel[["scale", "n_items", "n_respondents", "alpha"]].round(3)
       scale  n_items  n_respondents  alpha
    0  goals        3              4  0.956
    >>> answers.loc[0, "g2"] = 9
    >>> score_scales(answers, {"goals": ["g1", "g2", "-g3"]})
    Traceback (most recent call last):
        ...
    kit.errors.InputError: 1 answer(s) are outside the scale 1 to 5 or not whole numbers, for example row 0, item 'g2': 9. ...
    """
    if not isinstance(responses, pd.DataFrame):
        raise ColumnTypeError(
            f"Expected the survey answers as a table (a pandas DataFrame) but got {type(responses).__name__}."
        )
    if missing not in MISSING_POLICIES:
        raise unknown_name("missing-answer policy", missing, MISSING_POLICIES)
    if out_of_range not in OUT_OF_RANGE_POLICIES:
        raise unknown_name("out-of-range policy", out_of_range, OUT_OF_RANGE_POLICIES)
    if not (0 < min_answered <= 1):
        raise InputError(f"min_answered is a share of a scale's items, between 0 and 1 (e.g. 0.5), not {min_answered!r}.")
    if not scale_min < scale_max:
        raise InputError(f"scale_min ({scale_min}) must be smaller than scale_max ({scale_max}).")
    parsed = _parse_scales(scales, reverse)
    all_items = list(dict.fromkeys(c for items in parsed.values() for c, _ in items))
    require_columns(responses, all_items, table="The survey answers")
    if len(responses) == 0:
        raise EmptyDataError("The survey answers table has no rows; there is nothing to score.")
    keep = [c for c in responses.columns if c not in all_items] if keep is None else list(keep)
    require_columns(responses, keep, table="The survey answers")

    answers = _numeric_items(responses, all_items)
    values = answers.to_numpy()
    outside = ~np.isnan(values) & ((values < scale_min) | (values > scale_max) | (values != np.round(values)))
    n_outside_by_item = dict(zip(all_items, outside.sum(axis=0).tolist()))
    if outside.any():
        if out_of_range == "error":
            r, c = np.argwhere(outside)[0]
            raise InputError(
                f"{int(outside.sum())} answer(s) are outside the scale {scale_min:g} to {scale_max:g} or not whole "
                f"numbers, for example row {_label(answers.index[r])}, item {all_items[c]!r}: {float(values[r, c]):g}. "
                "Correct them if you can find the right answer; otherwise pass out_of_range='missing' to treat them "
                "as missing answers (they are then counted in the reliability table)."
            )
        answers = answers.mask(pd.DataFrame(outside, index=answers.index, columns=all_items))

    if missing == "error":
        gaps = answers.isna()
        if gaps.to_numpy().any():
            r, c = np.argwhere(gaps.to_numpy())[0]
            raise InputError(
                f"{int(gaps.to_numpy().sum())} answer(s) are missing, for example row {_label(answers.index[r])}, item "
                f"{all_items[c]!r}. Decide how to treat them and say so: pass missing='mean-of-available' to score "
                f"each person from the items they answered (if they answered at least {min_answered:.0%} of the "
                "scale), or remove those people first and report how many."
            )

    score_frames, rel_rows = [], []
    base = responses[keep].reset_index(drop=True)
    for name, items in parsed.items():
        cols = [c for c, _ in items]
        block = answers[cols].reset_index(drop=True).copy()
        flipped = [c for c, rev in items if rev]
        block = reverse_score(block, flipped, low=scale_min, high=scale_max)
        answered = block.notna().sum(axis=1)
        enough = answered >= math.ceil(min_answered * len(cols) - 1e-9)
        score = block.mean(axis=1, skipna=True).where(enough & (answered > 0))
        frame = base.copy()
        frame["scale"] = name
        frame["score"] = score.astype("float64")
        frame["items_answered"] = answered.astype("int64")
        score_frames.append(frame)
        alpha, lo, hi, n_complete, note = _alpha(block, name)
        rel_rows.append({
            "scale": name,
            "n_items": len(cols),
            "reverse_items": ", ".join(flipped),
            "n_respondents": int(score.notna().sum()),
            "alpha": alpha,
            "ci_low": lo,
            "ci_high": hi,
            "n_complete": n_complete,
            "n_partial": int(((answered < len(cols)) & score.notna()).sum()),
            "n_not_scored": int(score.isna().sum()),
            "n_out_of_range": int(sum(n_outside_by_item[c] for c in cols)),
            "note": note,
        })
    scores = pd.concat(score_frames, ignore_index=True)
    return ScaleScores(scores, pd.DataFrame(rel_rows))
