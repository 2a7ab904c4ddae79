"""Effect sizes, intraclass correlation, bootstrap intervals, power and plain-language reports.

Every function returns a tidy one-row :class:`pandas.DataFrame` with at least ``measure``,
``estimate``, ``ci_low``, ``ci_high`` (where defined) and ``n``; :func:`report` turns any of
them into a sentence a headteacher can read. scipy and statsmodels do the heavy work (bootstrap,
power, distributions); what they do not provide (the EEF months conversion, ICC(1) for groups of unequal
size, the interval around d) is written here from the cited source.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, require_numeric, require_rows
from kit.results import level_text, one_row, resolve_confidence, sentence

__all__ = [
    "cohens_d",
    "hedges_g",
    "months_progress",
    "EEF_MONTHS",
    "icc",
    "bootstrap_ci",
    "power_analysis",
    "report",
]

# EEF Teaching and Learning Toolkit: the smallest effect size (to 2 decimal places) that earns
# 1, 2, ... 12 months of additional progress. Education Endowment Foundation (2021), "Teaching
# and Learning / Early Years Toolkit guide", section "Additional months' progress" (conversion
# table), September 2021, London: EEF. Negative effects convert to the same months, negative.
EEF_MONTHS = pd.DataFrame({
    "months": list(range(13)),
    "from": [-0.01, 0.02, 0.10, 0.19, 0.27, 0.36, 0.45, 0.53, 0.62, 0.70, 0.79, 0.88, 0.96],
    "to": [0.01, 0.09, 0.18, 0.26, 0.35, 0.44, 0.52, 0.61, 0.69, 0.78, 0.87, 0.95, 1.00],
    "impact": ["Very low or no impact", "Low impact", "Low impact", "Moderate impact", "Moderate impact",
               "Moderate impact", "High impact", "High impact", "High impact", "Very high impact",
               "Very high impact", "Very high impact", "Very high impact"],
})
_EEF_LOWER = np.array(EEF_MONTHS["from"].iloc[1:], dtype=float)


def _values(x, name: str) -> np.ndarray:
    """One group's numbers as a float array without missing values, or a kit error."""
    if isinstance(x, pd.DataFrame):
        raise ColumnTypeError(
            f"{name} is a whole table; pass one column of numbers, for example table['score']."
        )
    if np.isscalar(x) or x is None:
        raise ColumnTypeError(f"{name} should be several numbers (a column or a list), not a single value {x!r}.")
    arr = np.asarray(x)
    if arr.dtype.kind == "b":
        arr = arr.astype(float)
    elif arr.dtype.kind not in "iuf":
        series = pd.Series(np.ravel(arr), dtype=object)
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            raise ColumnTypeError(
                f"{name} should hold numbers but holds text (for example {series[bad].iloc[0]!r}). "
                "Convert it first with pd.to_numeric(..., errors='coerce') and check the values that become missing."
            )
        arr = converted.to_numpy(dtype=float)
    elif arr.dtype.kind != "f":
        arr = arr.astype(float)
    arr = np.ravel(arr)
    missing = np.isnan(arr)
    if missing.any():
        arr = arr[~missing]
    if arr.size == 0:
        raise EmptyDataError(f"{name} has no numbers left after removing missing values. Check the filter that made it.")
    require_rows(arr.size, 2, name)
    return arr


def _ncp_interval(t: float, df: float, confidence: float) -> tuple[float, float]:
    """The noncentral-t confidence interval of the noncentrality parameter, given an observed t.

    Inverts the noncentral t distribution (Steiger & Fouladi 1997): the bounds are the
    noncentrality values for which the observed t is at the upper and lower tail quantile.
    """
    from scipy import optimize, stats

    tail = (1 - confidence) / 2
    # The interval is close to t +/- z sqrt(1 + t^2 / (2 df)); bracket the roots a few widths out,
    # widening if needed (nct.cdf is decreasing in the noncentrality).
    width = NormalDist().inv_cdf(1 - tail) * math.sqrt(1 + t * t / (2 * df)) + 1

    def bound(p):
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - p  # noqa: E731
        low, high = t - width, t + width
        for _ in range(20):
            if f(low) > 0 > f(high):
                break
            low, high = t - 2 * (t - low), t + 2 * (high - t)
        return optimize.brentq(f, low, high, xtol=1e-12)

    return bound(1 - tail), bound(tail)


def _exact_j(df: float) -> float:
    """Hedges' (1981) exact small-sample correction J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))."""
    from scipy.special import gammaln

    return math.exp(gammaln(df / 2) - 0.5 * math.log(df / 2) - gammaln((df - 1) / 2))


CI_METHODS = ("noncentral t", "normal")


def _smd(x, y, confidence: float, hedges: bool, ci_method: str) -> pd.DataFrame:
    confidence = resolve_confidence(confidence)
    if ci_method not in CI_METHODS:
        from kit.errors import unknown_name

        raise unknown_name("interval method", ci_method, CI_METHODS)
    x = _values(x, "The first group (x)")
    y = _values(y, "The second group (y)")
    nx, ny = x.size, y.size
    mx, my = float(x.mean()), float(y.mean())
    df = nx + ny - 2
    sd_pooled = math.sqrt(((nx - 1) * float(x.var(ddof=1)) + (ny - 1) * float(y.var(ddof=1))) / df)
    if sd_pooled == 0:
        raise InputError("Every value is the same in both groups, so there is no spread to standardise by; "
                         "a standardised difference is not defined. Check that you chose the right column.")
    d = (mx - my) / sd_pooled
    # Hedges & Olkin (1985) large-sample variance of d (Borenstein et al. 2009, eq. 4.20).
    se = math.sqrt((nx + ny) / (nx * ny) + d * d / (2 * (nx + ny)))
    j = _exact_j(df) if hedges else 1.0
    if ci_method == "normal":
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        low, high = d - z * se, d + z * se
    else:
        scale = math.sqrt(1 / nx + 1 / ny)
        low, high = (bound * scale for bound in _ncp_interval(d / scale, df, confidence))
    return one_row("Hedges' g" if hedges else "Cohen's d", j * d, j * low, j * high, nx + ny, confidence,
                   se=j * se, n_x=nx, n_y=ny, mean_x=mx, mean_y=my, sd_pooled=sd_pooled, ci_method=ci_method)


def cohens_d(x, y, confidence: float = 0.95, *, ci_method: str = "noncentral t") -> pd.DataFrame:
    """Cohen's d: the standardised difference between the means of two independent groups.

    d is the difference in means divided by the pooled standard deviation. Prefer
    :func:`hedges_g` for small groups.

    Parameters
    ----------
    x, y : column, array or list of numbers
        The two groups (for example ``pupils.loc[pupils.tutoring, "score"]``). Missing values
        are dropped; each group needs at least two numbers.
    confidence : float
        Confidence level of the interval (default 0.95).
    ci_method : ``"noncentral t"`` (default) or ``"normal"``
        How the interval is computed (see Notes).

    Returns
    -------
    pandas.DataFrame, one row:
        * ``measure``: ``"Cohen's d"``
        * ``estimate``: the effect size (positive when ``x`` has the higher mean)
        * ``ci_low``, ``ci_high``: confidence interval
        * ``n``, ``confidence``: values used (both groups), confidence level
        * ``se``: the Hedges & Olkin standard error sqrt((nx+ny)/(nx ny) + d^2/(2(nx+ny)))
        * ``n_x``, ``n_y``, ``mean_x``, ``mean_y``, ``sd_pooled``, ``ci_method``

    Notes
    -----
    Matches R's ``effectsize::cohens_d(x, y)`` (pooled SD): the estimate exactly, and the default
    interval, which inverts the noncentral t distribution of t = d / sqrt(1/nx + 1/ny) with
    nx + ny - 2 degrees of freedom (Steiger & Fouladi 1997), to 1e-6
    (tests/test_reference_values.py). ``ci_method="normal"`` gives the Hedges & Olkin normal
    approximation d +/- z SE (Borenstein et al. 2009, eq. 4.20), as meta-analysis software
    does (R ``metafor::escalc``); the two differ only in small samples. Validated also against
    the worked example of Borenstein et al. (2009, ch. 4: d = 0.5970, SE 0.2044).

    References
    ----------
    Borenstein, M., Hedges, L. V., Higgins, J. P. T. and Rothstein, H. R. (2009). *Introduction to
    Meta-Analysis*, chapter 4. Chichester: Wiley.
    Steiger, J. H. and Fouladi, R. T. (1997). Noncentrality interval estimation and the evaluation
    of statistical models. In Harlow, Mulaik and Steiger (eds.), *What if there were no significance
    tests?* (pp. 221-257). Mahwah: Erlbaum.

    Examples
    --------
    >>> cohens_d([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], [9, 6, 7, 8, 7, 9, 8, 8, 7, 7])[["estimate", "n"]].round(3)
       estimate   n
    0     1.226  20
    """
    return _smd(x, y, confidence, False, ci_method)


def hedges_g(x, y, confidence: float = 0.95, *, ci_method: str = "noncentral t") -> pd.DataFrame:
    """Hedges' g: Cohen's d corrected for its small-sample bias, with a confidence interval.

    g = J d, with Hedges' (1981) exact correction J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)),
    df = nx + ny - 2 (about 1 - 3 / (4 df - 1)).

    Parameters
    ----------
    x, y : column, array or list of numbers
        The two groups; missing values are dropped; each group needs at least two numbers.
    confidence : float
        Confidence level of the interval (default 0.95).
    ci_method : ``"noncentral t"`` (default) or ``"normal"``
        As in :func:`cohens_d`; the bounds are J times d's bounds.

    Returns
    -------
    pandas.DataFrame, one row: ``measure`` (``"Hedges' g"``), ``estimate``, ``ci_low``,
    ``ci_high``, ``n``, ``confidence``, ``se`` (J times d's Hedges & Olkin SE), ``n_x``, ``n_y``,
    ``mean_x``, ``mean_y``, ``sd_pooled``, ``ci_method``.

    Notes
    -----
    Matches R's ``effectsize::hedges_g(x, y)`` (effectsize 0.8): estimate and interval to 1e-6
    (tests/test_reference_values.py: 16 + 16 pupils g = 0.1543403, 95% CI [-0.5235127, 0.8296402]).
    :func:`kit.survey.compare_waves` uses this function, so the two never disagree.
    Borenstein et al. (2009, eq. 4.22-4.25) worked example: g = 0.5924, SE 0.2028.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
    estimators. *Journal of Educational Statistics*, 6(2), 107-128.
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative science: a
    practical primer for t-tests and ANOVAs. *Frontiers in Psychology*, 4, 863.

    Examples
    --------
    >>> hedges_g([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], [9, 6, 7, 8, 7, 9, 8, 8, 7, 7])[["estimate", "ci_low", "ci_high"]].round(2)
       estimate  ci_low  ci_high
    0      1.17    0.24     2.08
    """
    return _smd(x, y, confidence, True, ci_method)


def months_progress(effect_size):
    """Convert an effect size into the EEF's months of additional progress (a whole number).

    Uses the conversion table of the EEF Teaching and Learning Toolkit (table :data:`EEF_MONTHS`):
    the effect size is rounded to 2 decimal places, then -0.01 to 0.01 is 0 months, 0.02-0.09 is 1,
    0.10-0.18 is 2, 0.19-0.26 is 3, 0.27-0.35 is 4, 0.36-0.44 is 5, 0.45-0.52 is 6, 0.53-0.61 is 7,
    0.62-0.69 is 8, 0.70-0.78 is 9, 0.79-0.87 is 10, 0.88-0.95 is 11 and 0.96 or more is 12 (the
    table stops at 12). Negative effects give the same number of months, negative.

    Parameters
    ----------
    effect_size : number, list/array/Series of numbers, or a result of :func:`hedges_g`/:func:`cohens_d`
        Standardised effect size(s) (Hedges' g or Cohen's d).

    Returns
    -------
    int for one number or one-row result; a numpy array of int otherwise.

    Notes
    -----
    The months are a translation for communication, not a measurement: the table assumes about
    one standard deviation of progress per year of schooling, which is not true at every age or in
    every subject (Baird & Pane 2019). The EEF notes that reports of individual EEF-funded trials
    use a slightly different conversion; this is the Toolkit's. Validated against every band edge
    of the EEF table (tests/test_stats.py).

    References
    ----------
    Education Endowment Foundation (2021). *Teaching and Learning / Early Years Toolkit guide*
    ("Additional months' progress" conversion table). London: EEF.
    Higgins, S., Katsipataki, M., Coleman, R. et al. (2015). *The Sutton Trust-Education Endowment
    Foundation Teaching and Learning Toolkit: Technical Appendix*. London: EEF.
    Baird, M. D. and Pane, J. F. (2019). Translating standardized effects of education programs into
    more interpretable metrics. *Educational Researcher*, 48(4), 217-228.

    Examples
    --------
    >>> months_progress(0.19)
    3
    >>> months_progress([-0.3, 0.0, 0.45, 1.4]).tolist()
    [-4, 0, 6, 12]
    """
    if isinstance(effect_size, pd.DataFrame):
        require_columns(effect_size, ["estimate"])
        if len(effect_size) != 1:
            raise InputError("Pass a one-row result (from hedges_g or cohens_d), or the effect sizes themselves.")
        effect_size = effect_size["estimate"].iloc[0]
    scalar = np.ndim(effect_size) == 0
    try:
        arr = np.asarray(effect_size, dtype=float)
    except (TypeError, ValueError):
        raise ColumnTypeError(
            f"months_progress needs effect sizes as numbers (for example 0.25), not {effect_size!r}."
        ) from None
    if np.isnan(arr).any():
        raise InputError("An effect size is missing (NaN): compute it first, then convert it to months.")
    rounded = np.round(np.abs(arr), 2)
    months = np.searchsorted(_EEF_LOWER - 1e-9, rounded, side="right") * np.sign(arr)
    months = months.astype(int)
    return int(months) if scalar else months


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


def _mean(a, axis=-1):
    return np.mean(a, axis=axis)


def _median(a, axis=-1):
    return np.median(a, axis=axis)


def _d(a, b, axis=-1, hedges=False):
    """d (or g) along an axis: the same pooled SD and exact J as :func:`cohens_d`, vectorised for the bootstrap."""
    na, nb = a.shape[axis], b.shape[axis]
    pooled = np.sqrt(((na - 1) * np.var(a, axis=axis, ddof=1) + (nb - 1) * np.var(b, axis=axis, ddof=1)) / (na + nb - 2))
    d = (np.mean(a, axis=axis) - np.mean(b, axis=axis)) / pooled
    return d * _exact_j(na + nb - 2) if hedges else d


_STATISTICS = {
    "mean": (_mean, 1), "median": (_median, 1),
    "cohens_d": (_d, 2), "hedges_g": (lambda a, b, axis=-1: _d(a, b, axis, hedges=True), 2),
    "mean_difference": (lambda a, b, axis=-1: np.mean(a, axis=axis) - np.mean(b, axis=axis), 2),
}


def bootstrap_ci(x, statistic="mean", y=None, *, confidence: float = 0.95, n_resamples: int = 2000,
                 method: str = "BCa", seed: int = 2024) -> pd.DataFrame:
    """A bootstrap confidence interval for a statistic of one group, or of two independent groups.

    Resamples the data with replacement ``n_resamples`` times (each group separately when ``y`` is
    given), recomputes the statistic each time and reads the interval off the spread of those
    results. A thin wrapper of :func:`scipy.stats.bootstrap`.

    Parameters
    ----------
    x : column, array or list of numbers
    statistic : str or function
        ``"mean"``, ``"median"`` (one group); ``"mean_difference"``, ``"cohens_d"``, ``"hedges_g"``
        (two groups, ``x`` minus ``y``); or a function of one array (or two with ``y``).
    y : numbers, optional
        The second group, for two-group statistics.
    confidence : float
        Confidence level (default 0.95).
    n_resamples : int
        Number of bootstrap resamples (default 2000).
    method : ``"BCa"`` (bias-corrected and accelerated, default), ``"percentile"`` or ``"basic"``
    seed : int
        Seed of the random resampling, so that the same call gives the same interval.

    Returns
    -------
    pandas.DataFrame, one row:
        * ``measure``: e.g. ``"bootstrap mean"``
        * ``estimate``: the statistic on the original data
        * ``ci_low``, ``ci_high``: bootstrap confidence interval
        * ``se``: bootstrap standard error
        * ``n``: values used (both groups together)
        * ``n_resamples``, ``method``, ``confidence``

    Notes
    -----
    Validated against the t interval of a mean (they agree closely in large normal samples) and
    the normal-approximation interval of d (:func:`cohens_d`).

    References
    ----------
    Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. New York: Chapman & Hall.

    Examples
    --------
    >>> r = bootstrap_ci([3, 5, 4, 6, 8, 5, 4, 7, 6, 5], "mean", seed=1)
    >>> r[["estimate", "n", "n_resamples"]]
       estimate   n  n_resamples
    0       5.3  10         2000
    >>> bool(r["ci_low"].iloc[0] < 5.3 < r["ci_high"].iloc[0])
    True
    """
    from scipy import stats as st

    confidence = resolve_confidence(confidence)
    if method not in {"BCa", "percentile", "basic"}:
        raise InputError(f"method should be 'BCa', 'percentile' or 'basic', not {method!r}.")
    if isinstance(statistic, str):
        if statistic not in _STATISTICS:
            from kit.errors import unknown_name

            raise unknown_name("statistic", statistic, list(_STATISTICS))
        func, groups = _STATISTICS[statistic]
        name, vectorized = statistic, True
    elif callable(statistic):
        func, groups = statistic, (1 if y is None else 2)
        name, vectorized = getattr(statistic, "__name__", "statistic"), False
    else:
        raise InputError("statistic should be a name such as 'mean' or a function.")
    if groups == 2 and y is None:
        raise InputError(f"The statistic {name!r} compares two groups: give the second group as y=...")
    if groups == 1 and y is not None:
        raise InputError(f"The statistic {name!r} describes one group; leave out y, or use 'mean_difference'.")
    samples = (_values(x, "x"),) if groups == 1 else (_values(x, "The first group (x)"), _values(y, "The second group (y)"))
    if vectorized:
        stat = func
    else:
        def stat(*arrays, axis=-1):
            return np.apply_along_axis(lambda row: func(*np.split(row, np.cumsum([a.shape[axis] for a in arrays])[:-1])),
                                       axis, np.concatenate(arrays, axis=axis))
    result = st.bootstrap(samples, stat, n_resamples=n_resamples, vectorized=True, confidence_level=confidence,
                          method=method, rng=np.random.default_rng(seed))
    return one_row(f"bootstrap {name}", float(stat(*samples, axis=-1)), float(result.confidence_interval.low),
                   float(result.confidence_interval.high), sum(s.size for s in samples), confidence,
                   se=float(result.standard_error), n_resamples=n_resamples, method=method)


def power_analysis(effect_size: float | None = None, n_per_group: float | None = None, power: float | None = None,
                   alpha: float = 0.05, ratio: float = 1.0) -> pd.DataFrame:
    """Power or sample size for comparing two group means (two-sided t test); give all but one.

    Leave exactly one of ``effect_size``, ``n_per_group`` and ``power`` out (``None``): it is
    solved with :class:`statsmodels.stats.power.TTestIndPower`. A solved sample size is rounded up.

    Parameters
    ----------
    effect_size : float
        The standardised difference (Cohen's d) you want to be able to detect.
    n_per_group : float
        Size of the first group; the second is ``ratio`` times as large.
    power : float
        Chance of a significant result if the effect is real (0.8 is the usual target).
    alpha : float
        Significance level (default 0.05, two-sided).
    ratio : float
        Size of the second group divided by the first (default 1: equal groups).

    Returns
    -------
    pandas.DataFrame, one row:
        * ``solved_for``: which of the three was solved
        * ``estimate``: the solved value
        * ``effect_size``, ``n_per_group``, ``n_total``, ``power``, ``alpha``, ``ratio``

    Notes
    -----
    Validated against Cohen (1988, Table 2.4.1): with alpha = .05 two-sided and power .80,
    d = 0.2, 0.5 and 0.8 need 393, 64 and 26 per group (the exact calculation gives 394 for d = 0.2).

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed. Hillsdale: Erlbaum.

    Examples
    --------
    >>> power_analysis(effect_size=0.5, power=0.8)[["solved_for", "n_per_group", "n_total"]]
        solved_for  n_per_group  n_total
    0  n_per_group           64      128
    """
    from statsmodels.stats.power import TTestIndPower

    given = {"effect_size": effect_size, "n_per_group": n_per_group, "power": power}
    missing = [k for k, v in given.items() if v is None]
    if len(missing) != 1:
        raise InputError("Give exactly two of effect_size, n_per_group and power, and leave the one you want "
                         f"to find out; you left out {len(missing)}: {', '.join(missing) or 'none'}.")
    for k, v in given.items():
        if v is not None and not isinstance(v, (int, float, np.number)):
            raise ColumnTypeError(f"{k} should be a number, not {v!r}.")
    if power is not None and not 0 < power < 1:
        raise InputError(f"power is a probability between 0 and 1 (for example 0.8), not {power!r}.")
    if n_per_group is not None and n_per_group < 2:
        raise InputError(f"n_per_group should be at least 2, not {n_per_group!r}.")
    if effect_size is not None and effect_size == 0:
        raise InputError("An effect size of exactly 0 cannot be detected; choose the smallest effect that would matter.")
    solved = TTestIndPower().solve_power(effect_size=effect_size, nobs1=n_per_group, alpha=alpha, power=power,
                                         ratio=ratio, alternative="two-sided")
    solved = float(np.asarray(solved).ravel()[0])
    target = missing[0]
    if target == "n_per_group":
        solved = int(math.ceil(solved - 1e-6))
    given[target] = solved
    n1 = given["n_per_group"]
    return pd.DataFrame({
        "solved_for": [target], "estimate": [solved], "effect_size": [given["effect_size"]],
        "n_per_group": [n1], "n_total": [n1 + int(math.ceil(n1 * ratio - 1e-6))], "power": [given["power"]],
        "alpha": [alpha], "ratio": [ratio],
    })


def _size_words(d: float) -> str:
    a = abs(d)
    return ("very small" if a < 0.2 else "small" if a < 0.5 else "medium" if a < 0.8 else "large")


def report(result: pd.DataFrame) -> str:
    """A plain-language, APA-style sentence for a result (the same as ``kit.report``; any kit result works).

    >>> print(report(hedges_g([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], [9, 6, 7, 8, 7, 9, 8, 8, 7, 7])))
    Hedges' g = 1.17, 95% CI [0.24, 2.08], comparing 10 and 10 values (means 8.70 and 7.60). A large difference on Cohen's (1988) rough guide; the interval excludes zero. On the EEF scale that is about +12 months' progress, but the interval runs from +3 to +12 months.
    """
    from kit.results import report as _report

    return _report(result)


@sentence("power analysis")
def _power(result: pd.DataFrame) -> str:
    r = result.iloc[0]
    if r["solved_for"] == "n_per_group":
        return (f"To detect d = {r['effect_size']:.2f} with {r['power'] * 100:.0f}% power at alpha = "
                f"{r['alpha']:g} (two-sided), you need {r['n_per_group']:,} per group ({r['n_total']:,} in all).")
    if r["solved_for"] == "power":
        return (f"With {r['n_per_group']:,} per group ({r['n_total']:,} in all), a true effect of d = "
                f"{r['effect_size']:.2f} would give a significant result (alpha = {r['alpha']:g}, two-sided) "
                f"{r['power'] * 100:.0f}% of the time.")
    return (f"With {r['n_per_group']:,} per group and {r['power'] * 100:.0f}% power (alpha = {r['alpha']:g}), "
            f"the smallest effect you can reliably detect is d = {r['effect_size']:.2f}.")


@sentence("Cohen's d", "Hedges' g")
def _smd_sentence(result: pd.DataFrame) -> str:
    r = result.iloc[0]
    excludes = r["ci_low"] > 0 or r["ci_high"] < 0
    m, lo, hi = months_progress(r["estimate"]), months_progress(r["ci_low"]), months_progress(r["ci_high"])
    return (
        f"{r['measure']} = {r['estimate']:.2f}, {level_text(result)} CI [{r['ci_low']:.2f}, {r['ci_high']:.2f}], comparing "
        f"{r['n_x']:,} and {r['n_y']:,} values (means {r['mean_x']:.2f} and {r['mean_y']:.2f}). "
        f"A {_size_words(r['estimate'])} difference on Cohen's (1988) rough guide; the interval "
        + ("excludes zero." if excludes else "includes zero, so the data are also consistent with no difference.")
        + f" On the EEF scale that is about {m:+d} months' progress, but the interval runs from {lo:+d} to {hi:+d} months."
    )


@sentence("ICC(1)")
def _icc_sentence(result: pd.DataFrame) -> str:
    r = result.iloc[0]
    return (
        f"ICC(1) = {r['estimate']:.2f}, {level_text(result)} CI [{r['ci_low']:.2f}, {r['ci_high']:.2f}] "
        f"({r['n_groups']:,} groups, {r['n']:,} members): about {max(r['estimate'], 0) * 100:.0f}% of the "
        "variation lies between groups and the rest within them. "
        f"Design effect {r['design_effect']:.2f}."
    )


@sentence("bootstrap*")
def _bootstrap_sentence(result: pd.DataFrame) -> str:
    r = result.iloc[0]
    return (
        f"The {str(r['measure'])[10:].replace('_', ' ')} is {r['estimate']:.2f}, {level_text(result)} bootstrap CI "
        f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}] ({r['method']}, {r['n_resamples']:,} resamples, n = {r['n']:,})."
    )
