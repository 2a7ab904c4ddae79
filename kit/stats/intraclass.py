"""Intraclass correlation ICC(1): how much of the variation lies between groups (schools, classes)."""

from __future__ import annotations

import numpy as np  # noqa: F401  (for input checks on the column arguments)
import pandas as pd

from kit.errors import EmptyDataError, InputError, require_columns, require_numeric
from kit.results import level_text, one_row, resolve_confidence, sentence

__all__ = ["icc"]


def icc(data: pd.DataFrame, group: str, value: str, confidence: float = 0.95) -> pd.DataFrame:
    """Intraclass correlation ICC(1): the share of the variation in ``value`` that lies between groups.

    ICC(1) from a one-way analysis of variance of ``value`` by ``group`` (for example pupils'
    scores by school): ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW), where MSB and MSW are the mean
    squares between and within groups and n0 = (N - sum n_j^2 / N) / (k - 1) is the adjusted
    mean group size (equal to the group size when all groups are the same size).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per member (pupil), with a group column and a numeric value column.
    group : str
        Column naming the group (e.g. ``"school_id"``).
    value : str
        Numeric column (e.g. ``"score"``). Rows with a missing value or group are dropped.
    confidence : float
        Confidence level of the interval (default 0.95).

    Returns
    -------
    pandas.DataFrame, one row:
        * ``measure``: ``"ICC(1)"``
        * ``estimate``: ICC(1) (can be slightly negative when groups differ less than chance)
        * ``ci_low``, ``ci_high``: F-based confidence interval (Shrout & Fleiss 1979), exact for
          equal group sizes and approximate (using n0) otherwise
        * ``n``: members used; ``n_groups``: groups; ``group_size``: n0
        * ``f``, ``df1``, ``df2``, ``p_value``: the one-way ANOVA F test of "no difference between groups"
        * ``design_effect``: 1 + (mean group size - 1) x ICC (Kish 1965): how much a clustered sample's
          variance is inflated compared with a simple random sample of the same size

    Notes
    -----
    Computed from group counts, means and variances (``DataFrame.groupby``). Validated against
    Shrout & Fleiss (1979, Table 2 data: ICC(1,1) = 0.17) and ``pingouin.intraclass_corr`` (ICC1
    row, estimate and interval), and for unequal groups against the mean squares of
    ``statsmodels.formula.api.ols(...).fit()`` with ``statsmodels.stats.anova.anova_lm``.

    Raises
    ------
    kit.errors.InputError
        Fewer than two groups, or a group with only one member (it cannot show variation within).

    References
    ----------
    Shrout, P. E. and Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. *Psychological Bulletin*, 86(2), 420-428.
    Snijders, T. A. B. and Bosker, R. J. (2012). *Multilevel Analysis*, 2nd ed., section 3.3. London: Sage.
    Kish, L. (1965). *Survey Sampling*. New York: Wiley.

    Examples
    --------
    >>> ratings = pd.DataFrame({"target": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6],
    ...                         "rating": [9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7]})
    >>> icc(ratings, "target", "rating")[["estimate", "ci_low", "ci_high", "n_groups"]].round(2)
       estimate  ci_low  ci_high  n_groups
    0      0.17   -0.13     0.72         6
    """
    from scipy import stats as st

    for what, name, example in (("group", group, "school_id"), ("value", value, "score")):
        if isinstance(name, (pd.Series, pd.Index, pd.DataFrame, np.ndarray, list, tuple)):
            raise InputError(f"ks.icc wants the {what} column's name as text, such as \"{example}\", not the column "
                             f"itself: for example ks.icc(pupils, \"school_id\", \"score\").")
    require_numeric(data, [value])
    require_columns(data, [group])
    confidence = resolve_confidence(confidence)
    # groupby leaves out missing groups, and count/mean/var skip missing values: no filtering pass.
    by = data[value].groupby(data[group], observed=True, sort=False).agg(["count", "mean", "var"])
    by = by[by["count"] > 0]
    if len(by) == 0:
        raise EmptyDataError(f"Column {value!r} has no values (all are missing), so there is nothing to compare.")
    k, n_total = len(by), int(by["count"].sum())
    if k < 2:
        raise EmptyDataError(f"ICC needs at least two groups in {group!r}; the data have {k}.")
    singles = by.index[by["count"] < 2]
    if len(singles):
        shown = ", ".join(repr(s) for s in list(singles[:5]))
        raise InputError(
            f"{len(singles)} group(s) in {group!r} have only one member with a value (for example {shown}), so they "
            "show no variation within the group. Drop them first, e.g. "
            f"data = data[data.groupby({group!r})[{value!r}].transform('count') > 1]."
        )
    counts, means = by["count"].to_numpy(float), by["mean"].to_numpy()
    grand = float((counts * means).sum() / n_total)
    ss_between = float((counts * (means - grand) ** 2).sum())
    ss_within = float(((counts - 1) * by["var"].to_numpy()).sum())
    df1, df2 = k - 1, n_total - k
    msb, msw = ss_between / df1, ss_within / df2
    if msw == 0:
        raise InputError(f"Every member of every group has the same {value!r} as the rest of its group; "
                         "the ICC is not defined. Check that you chose the right columns.")
    n0 = (n_total - float((counts ** 2).sum()) / n_total) / df1
    estimate = (msb - msw) / (msb + (n0 - 1) * msw)
    f = msb / msw
    alpha = 1 - confidence
    f_low = f / st.f.ppf(1 - alpha / 2, df1, df2)
    f_high = f * st.f.ppf(1 - alpha / 2, df2, df1)
    return one_row("ICC(1)", estimate, (f_low - 1) / (f_low + n0 - 1), (f_high - 1) / (f_high + n0 - 1), n_total,
                   confidence, n_groups=k, group_size=n0, f=f, df1=df1, df2=df2, p_value=float(st.f.sf(f, df1, df2)),
                   design_effect=1 + (n_total / k - 1) * estimate)


@sentence("ICC(1)")
def _icc_sentence(result: pd.DataFrame) -> str:
    r = result.iloc[0]
    return (
        f"ICC(1) = {r['estimate']:.2f}, {level_text(result)} CI [{r['ci_low']:.2f}, {r['ci_high']:.2f}] "
        f"({r['n_groups']:,} groups, {r['n']:,} members): about {max(r['estimate'], 0) * 100:.0f}% of the "
        "variation lies between groups and the rest within them. "
        f"Design effect {r['design_effect']:.2f}."
    )
