"""Survey scales: score Likert items (with reverse-keyed items), check reliability, aggregate, compare waves.

A *scale* is a few survey items that measure one idea together, such as the trust, shared
goals and participation that Dhillon (2007, 2009) found sustain partnerships. Score a scale
by averaging its items after turning the reverse-keyed ones round; check that the items hang
together (Cronbach's alpha) before trusting the score.

>>> import pandas as pd
>>> answers = pd.DataFrame({"school_id": ["NLC01", "NLC02", "NLC03"],
...                         "t1": [4, 2, 5], "t2": [5, 2, 4], "t3": [2, 4, 1]})
>>> scores, reliability = score_scales(answers, {"trust": ["t1", "t2", "-t3"]})
>>> scores
  school_id  scale     score  items_answered
0     NLC01  trust  4.333333               3
1     NLC02  trust  2.000000               3
2     NLC03  trust  4.666667               3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, unknown_name
from kit.results import level_text, resolve_confidence, sentence

__all__ = ["ScaleScores", "score_scales", "aggregate", "compare_waves", "report"]

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
        for col in flipped:
            block[col] = scale_min + scale_max - block[col]
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


def _t_ci(values: np.ndarray, level: float) -> tuple[float, float]:
    from scipy import stats

    n = len(values)
    if n < 2:
        return math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    return float(values.mean() - half), float(values.mean() + half)


def aggregate(scores: pd.DataFrame, by: str | list[str], score: str = "score", confidence: float = 0.95, *,
              level: float | None = None) -> pd.DataFrame:
    """Mean scale score per group (a school, trio, cluster or wave) with its confidence interval.

    Parameters
    ----------
    scores : DataFrame
        The ``scores`` table of :func:`score_scales` (or any table with a score column).
    by : str or list of str
        The grouping column(s), e.g. ``"trio"`` or ``["wave", "cluster"]``. If ``scores`` has a
        ``scale`` column it is added, so each scale is summarised separately.
    score : str
        The column to summarise (default ``"score"``).
    confidence : float
        Confidence level of the interval (default 0.95; the older ``level=`` still works).

    Returns
    -------
    DataFrame
        One row per group (and scale):

        * the ``by`` columns (and ``scale``)
        * ``n``: respondents with a score in the group
        * ``estimate``: mean score
        * ``sd``: standard deviation of the scores
        * ``ci_low``, ``ci_high``: t-based confidence interval of the mean (missing if n < 2)

    Notes
    -----
    The interval treats respondents in a group as independent, which understates the
    uncertainty if, say, several teachers from one school answered; with few respondents per
    group (a trio may have a dozen) the interval is wide, and that is the honest answer.
    Validated against ``scipy.stats.t.interval`` in the tests.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"trio": ["T01"] * 3 + ["T02"] * 3, "scale": "trust",
    ...                   "score": [3.0, 4.0, 5.0, 2.0, 2.5, 3.0]})
    >>> aggregate(s, by="trio").round(2)
      trio  scale  n  estimate   sd  ci_low  ci_high
    0  T01  trust  3       4.0  1.0    1.52     6.48
    1  T02  trust  3       2.5  0.5    1.26     3.74
    """
    confidence = resolve_confidence(confidence, level=level)
    if not isinstance(scores, pd.DataFrame):
        raise ColumnTypeError(f"Expected the scores table (a DataFrame) but got {type(scores).__name__}.")
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise InputError("Say which column(s) to group by, e.g. by='trio'.")
    keys = by + (["scale"] if "scale" in scores.columns and "scale" not in by else [])
    require_columns(scores, keys + [score], table="The scores table")
    if not pd.api.types.is_numeric_dtype(scores[score]):
        raise ColumnTypeError(f"Column {score!r} should hold numbers (scale scores).")
    rows = []
    for key, group in scores.groupby(keys, sort=True, observed=True, dropna=False):
        vals = group[score].dropna().to_numpy(dtype=float)
        lo, hi = _t_ci(vals, confidence)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), "n": len(vals),
                     "estimate": float(vals.mean()) if len(vals) else math.nan,
                     "sd": float(vals.std(ddof=1)) if len(vals) > 1 else math.nan,
                     "ci_low": lo, "ci_high": hi})
    if not rows:
        raise EmptyDataError("The scores table has no rows to aggregate.")
    return pd.DataFrame(rows)


def compare_waves(
    scores: pd.DataFrame,
    first,
    second,
    wave: str = "wave",
    score: str = "score",
    by: str | list[str] | None = None,
    confidence: float = 0.95,
    *,
    level: float | None = None,
) -> pd.DataFrame:
    """Compare mean scale scores between two survey waves, with a CI and an effect size.

    The two waves are treated as independent samples (people change between waves), so the
    difference uses Welch's t interval and the effect size is Hedges' g.

    Parameters
    ----------
    scores : DataFrame
        The ``scores`` table of :func:`score_scales`, with a wave column.
    first, second : value
        The two waves to compare, e.g. ``1`` and ``3``; the difference is ``second - first``.
    wave : str
        The wave column (default ``"wave"``).
    score : str
        The score column (default ``"score"``).
    by : str or list of str, optional
        Extra grouping, e.g. ``"cluster"`` to compare the waves within each cluster.
    confidence : float
        Confidence level (default 0.95; the older ``level=`` still works).

    Returns
    -------
    DataFrame
        One row per scale (and ``by`` group):

        * the ``by`` columns and ``scale``
        * ``mean_first``, ``mean_second``, ``n_first``, ``n_second``
        * ``estimate``: ``mean_second - mean_first`` (points on the answer scale)
        * ``ci_low``, ``ci_high``: Welch confidence interval of the difference
        * ``p_value``: Welch's t-test
        * ``hedges_g``, ``g_ci_low``, ``g_ci_high``: standardised difference and its CI
          (:func:`kit.stats.hedges_g`)
        * ``n``: ``n_first + n_second``; ``confidence``: the confidence level
        * ``measure``: ``"wave comparison"`` (after the ``by`` columns and ``scale``)

    Notes
    -----
    Welch's interval comes from ``scipy.stats.ttest_ind(equal_var=False)``, R's
    ``t.test(second, first, var.equal = FALSE)`` (agrees to 1e-6, tests/test_reference_values.py).
    Hedges' g and its interval are :func:`kit.stats.hedges_g` (second wave minus first), R's
    ``effectsize::hedges_g`` with its noncentral-t interval, unrounded. If the same people answered both waves, a paired comparison is more precise; this
    function does not assume it.

    References
    ----------
    Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika*, 34(1-2), 28-35.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"wave": [1] * 4 + [2] * 4, "scale": "trust",
    ...                   "score": [3.0, 3.5, 2.5, 3.0, 4.0, 3.5, 4.5, 4.0]})
    >>> compare_waves(s, 1, 2)[["scale", "estimate", "ci_low", "ci_high", "hedges_g"]].round(2)
       scale  estimate  ci_low  ci_high  hedges_g
    0  trust       1.0    0.29     1.71      2.13
    """
    from scipy import stats

    from kit.stats import hedges_g

    confidence = resolve_confidence(confidence, level=level)
    if not isinstance(scores, pd.DataFrame):
        raise ColumnTypeError(f"Expected the scores table (a DataFrame) but got {type(scores).__name__}.")
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    keys = by + (["scale"] if "scale" in scores.columns and "scale" not in by else [])
    require_columns(scores, keys + [wave, score], table="The scores table")
    present = pd.unique(scores[wave]).tolist()
    for w in (first, second):
        if w not in present:
            raise unknown_name("wave", w, sorted(present, key=str))
    rows = []
    groups = scores.groupby(keys, sort=True, observed=True) if keys else [((), scores)]
    for key, group in groups:
        a = group.loc[group[wave] == first, score].dropna().to_numpy(dtype=float)
        b = group.loc[group[wave] == second, score].dropna().to_numpy(dtype=float)
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(keys, key))
        if len(a) < 2 or len(b) < 2:
            raise EmptyDataError(
                f"Group {row or 'all'} has {len(a)} score(s) in wave {first!r} and {len(b)} in wave {second!r}; "
                "at least 2 in each are needed to compare them."
            )
        test = stats.ttest_ind(b, a, equal_var=False)
        ci = test.confidence_interval(confidence_level=confidence)
        g = hedges_g(b, a, confidence).iloc[0]
        row.update({
            "mean_first": float(a.mean()), "mean_second": float(b.mean()),
            "n_first": len(a), "n_second": len(b),
            "estimate": float(b.mean() - a.mean()),
            "ci_low": float(ci.low), "ci_high": float(ci.high),
            "p_value": float(test.pvalue),
            "hedges_g": float(g["estimate"]), "g_ci_low": float(g["ci_low"]), "g_ci_high": float(g["ci_high"]),
            "n": len(a) + len(b), "confidence": confidence,
        })
        rows.append(row)
    result = pd.DataFrame(rows)
    result.insert(len(keys), "measure", "wave comparison")
    return result


def report(result: pd.DataFrame) -> str:
    """A plain-language sentence for each row of :func:`compare_waves` (the same as ``kit.report``).

    >>> import pandas as pd
    >>> s = pd.DataFrame({"wave": [1] * 4 + [2] * 4, "scale": "trust",
    ...                   "score": [3.0, 3.5, 2.5, 3.0, 4.0, 3.5, 4.5, 4.0]})
    >>> print(report(compare_waves(s, 1, 2)))
    trust: the mean score rose from 3.00 to 4.00 (difference 1.00 points, 95% CI 0.29 to 1.71; Hedges' g = 2.13, n = 8).
    """
    from kit.results import report as _report

    return _report(result)


@sentence("wave comparison")
def _compare_sentence(result: pd.DataFrame) -> str:
    require_columns(result, ["estimate", "ci_low", "ci_high", "mean_first", "mean_second", "hedges_g", "n"],
                    table="The comparison table")
    level = level_text(result)
    lines = []
    for row in result.to_dict("records"):
        label = " / ".join(str(row[k]) for k in row if k not in _COMPARE_COLUMNS) or "score"
        verb = "rose" if row["estimate"] > 0 else "fell" if row["estimate"] < 0 else "stayed"
        unclear = " The interval includes no change." if row["ci_low"] <= 0 <= row["ci_high"] else ""
        lines.append(
            f"{label}: the mean score {verb} from {row['mean_first']:.2f} to {row['mean_second']:.2f} "
            f"(difference {row['estimate']:.2f} points, {level} CI {row['ci_low']:.2f} to {row['ci_high']:.2f}; "
            f"Hedges' g = {row['hedges_g']:.2f}, n = {row['n']}).{unclear}"
        )
    return "\n".join(lines)


_COMPARE_COLUMNS = {"measure", "confidence", "mean_first", "mean_second", "n_first", "n_second", "estimate", "ci_low", "ci_high",
                    "p_value", "hedges_g", "g_ci_low", "g_ci_high", "n"}
