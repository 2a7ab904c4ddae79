"""Summarise scale scores: the mean per group with its interval (:func:`aggregate`), and the
change between two survey waves with Welch's interval and Hedges' g (:func:`compare_waves`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, unknown_name
from kit.results import level_text, resolve_confidence, sentence

__all__ = ["aggregate", "compare_waves"]


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
