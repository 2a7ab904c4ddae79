"""Standardised differences between two groups (Cohen's d, Hedges' g) and the EEF's months of progress.

scipy does the distributions; what it does not provide (the noncentral-t interval around d,
Hedges' exact correction, the EEF conversion table) is written here from the cited source.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, InputError, require_columns
from kit.results import level_text, one_row, resolve_confidence, sentence
from kit.stats.inputs import _values

__all__ = ["cohens_d", "hedges_g", "months_progress", "EEF_MONTHS", "CI_METHODS"]

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


def _size_words(d: float) -> str:
    a = abs(d)
    return ("very small" if a < 0.2 else "small" if a < 0.5 else "medium" if a < 0.8 else "large")


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
