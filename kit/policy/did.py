"""Difference-in-differences, before-after and interrupted time series: ordinary least squares (statsmodels).

>>> import pandas as pd
>>> toy = pd.DataFrame({"score": [10, 11, 10, 12, 20, 21, 24, 26],
...                     "treated": [0, 0, 0, 0, 1, 1, 1, 1],
...                     "post": [0, 0, 1, 1, 0, 0, 1, 1]})
>>> float(did(toy, "score", "treated", "post")["estimate"].iloc[0])
4.0
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.errors import EmptyDataError, InputError, require_columns, require_numeric, require_rows
from kit.policy._checks import _as_binary, _cluster_codes, _floats, _usable
from kit.results import one_row, resolve_confidence

__all__ = ["did", "before_after", "interrupted_time_series", "newey_west_lags"]


def _fit_ols(y, X, clusters, alpha: float = 0.05, hac_lags: int | None = None):
    import statsmodels.api as sm

    model = sm.OLS(y, X, hasconst=True)  # column 0 is always the constant: skip statsmodels detecting it
    if clusters is not None:
        return model.fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    if hac_lags is not None:
        return model.fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags}, use_t=True)
    return model.fit(cov_type="HC1", use_t=True)


def _result(measure: str, fit, index: int, alpha: float, n: int, n_clusters, **family) -> pd.DataFrame:
    """The contract's one-row table for coefficient ``index`` of a statsmodels fit."""
    row = _row(fit, index, alpha)
    result = one_row(measure, row["estimate"], row["ci_low"], row["ci_high"], n, round(1 - alpha, 12),
                     se=row["se"], p_value=row["p_value"], n_clusters=n_clusters, **family)
    result["n_clusters"] = result["n_clusters"].astype("Int64")
    return result


def _row(fit, index: int, alpha: float) -> dict:
    low, high = fit.conf_int(alpha=alpha)[index]
    return {
        "estimate": float(fit.params[index]),
        "se": float(fit.bse[index]),
        "ci_low": float(low),
        "ci_high": float(high),
        "p_value": float(fit.pvalues[index]),
    }


def _se_name(cluster, hac_lags=None) -> str:
    if cluster is not None:
        return f"clustered by {cluster}"
    if hac_lags is not None:
        return f"Newey-West (HAC, {hac_lags} lag{'s' if hac_lags != 1 else ''})"
    return "robust (HC1)"


# --------------------------------------------------------------------------- DiD

def did(data: pd.DataFrame, outcome: str, treated: str, post: str, cluster: str | None = None,
        *, confidence: float = 0.95, alpha: float | None = None) -> pd.DataFrame:
    """Two-group difference-in-differences: how much more the treated group changed than the comparison group.

    Fits ``outcome ~ treated + post + treated:post`` by ordinary least squares (statsmodels)
    and reports the interaction coefficient, which equals
    (treated after - treated before) - (comparison after - comparison before) in means.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period (e.g. school-year).
    outcome : str
        Numeric outcome column (e.g. ``"attainment"``).
    treated : str
        Column that is 1/True for units in the treated (programme) group, 0/False otherwise.
    post : str
        Column that is 1/True for periods after the policy started, 0/False before.
    cluster : str, optional
        Column identifying clusters (usually the unit, e.g. ``"school_id"``) for cluster-robust
        standard errors (CR1, t with G - 1 degrees of freedom). Without it: heteroskedasticity-
        robust HC1 standard errors.
    confidence : float
        Confidence level of the interval (default 0.95). The older ``alpha=`` (1 - level) still works.

    Returns
    -------
    pandas.DataFrame
        One row:

        * ``measure``: ``"difference-in-differences"``
        * ``estimate``: the difference-in-differences (units of the outcome)
        * ``ci_low``, ``ci_high``: confidence interval
        * ``n``: rows used (after removing rows with missing values)
        * ``confidence``: the confidence level
        * ``se``: its standard error
        * ``p_value``: two-sided p-value for "no difference"
        * ``n_clusters``: number of clusters (``<NA>`` without clustering)
        * ``treated_before``, ``treated_after``, ``comparison_before``, ``comparison_after``:
          the four group means
        * ``treated_change``, ``comparison_change``: after minus before in each group
        * ``se_type``: how the standard error was computed
        * ``outcome``: the outcome column's name

    Notes
    -----
    The estimate is causal only if, without the policy, both groups would have changed by the
    same amount (parallel trends). Validated against Card & Krueger's (1994) published
    2 x 2 table (Table 3: difference-in-differences 2.76 FTE employees) and against an
    independent numpy implementation of the cluster-robust sandwich (tests/test_policy.py).

    Convention: clustered standard errors are CR1, V x G/(G-1) x (N-1)/(N-K), with t(G - 1)
    intervals and p-values; this is Stata's ``regress y i.treated##i.post, vce(cluster id)``
    and R's ``lmtest::coeftest(lm(y ~ treated * post), vcovCL(fit, cluster = ~id, type = "HC1"),
    df = G - 1)``. Without clusters: HC1 with t(N - 4), Stata's ``, robust`` and R's
    ``vcovHC(fit, type = "HC1")``. Agrees with R to 1e-6 (tests/test_reference_values.py).

    References
    ----------
    Card, D. & Krueger, A. B. (1994). Minimum wages and employment: a case study of the
    fast-food industry in New Jersey and Pennsylvania. *American Economic Review*, 84(4), 772-793.

    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *Journal of Human Resources*, 50(2), 317-372.

    Examples
    --------
    >>> import kit.data
    >>> panel = kit.data.load("schools_panel", n_schools=300, years=range(2006, 2010))
    >>> panel["post"] = panel["year"] >= 2008
    >>> result = did(panel, "attainment", "programme", "post", cluster="school_id")
    >>> int(result["n"].iloc[0]), int(result["n_clusters"].iloc[0])
    (1200, 300)
    """
    confidence = resolve_confidence(confidence, alpha=alpha)
    alpha = 1 - confidence
    columns = [outcome, treated, post] + ([cluster] if cluster is not None else [])
    require_columns(data, columns)
    require_numeric(data, [outcome])
    # Work on arrays (no copy of the table): this keeps did() as fast as the bare statsmodels call.
    y = _floats(data[outcome])
    d = _as_binary(data, treated, "treated group")
    t = _as_binary(data, post, "after the policy")
    keep = ~(np.isnan(y) | np.isnan(d) | np.isnan(t))
    clusters = None
    if cluster is not None:
        clusters, uniques = pd.factorize(data[cluster], sort=False)
        n_clusters = len(uniques)
        keep &= clusters >= 0
    if not keep.all():
        y, d, t = y[keep], d[keep], t[keep]
        if clusters is not None:
            clusters = clusters[keep]
            n_clusters = len(np.unique(clusters))
    if len(y) == 0:
        raise EmptyDataError(
            f"No row has values in all of {', '.join(map(repr, columns))}. Check for missing values in these columns."
        )
    if clusters is not None and n_clusters < 2:
        raise InputError(
            f"Clustering by {cluster!r} needs at least 2 clusters, but there is {n_clusters}. "
            "Cluster by the unit that was treated (school, university), or leave cluster=None."
        )
    cells = np.bincount((2 * d + t).astype(np.int64), minlength=4)  # [c-before, c-after, t-before, t-after]
    if cells[2] + cells[3] == 0 or cells[0] + cells[1] == 0:
        which = "treated" if cells[2] + cells[3] == 0 else "comparison"
        raise InputError(
            f"There is only one group: no rows with {treated!r} = {1 if which == 'treated' else 0} (the {which} group). "
            "Difference-in-differences needs a treated group and a comparison group."
        )
    if cells[2] == 0:
        raise InputError(
            f"The treated group has no rows before the policy ({post!r} = 0), so its change cannot be measured. "
            "Include years before the policy started, or check how the 'post' column was made. If "
            f"{treated!r} is 1 only after the start (like 'treated_post'), give the column that marks the "
            "treated group in every year instead."
        )
    if cells[3] == 0:
        raise InputError(f"The treated group has no rows after the policy ({post!r} = 1). Include later years.")
    if cells[0] == 0 or cells[1] == 0:
        when = "before" if cells[0] == 0 else "after"
        raise InputError(
            f"The comparison group has no rows {when} the policy, so the common change cannot be measured. "
            "Include those years for the comparison group."
        )
    if len(y) < 5:
        raise EmptyDataError(f"Only {len(y)} usable rows; difference-in-differences needs at least 5.")
    X = np.column_stack([np.ones_like(y), d, t, d * t])
    fit = _fit_ols(y, X, clusters, alpha)
    sums = np.bincount((2 * d + t).astype(np.int64), weights=y, minlength=4)
    means = sums / cells
    result = _result("difference-in-differences", fit, 3, alpha, len(y),
                     n_clusters if clusters is not None else pd.NA,
                     treated_before=means[2], treated_after=means[3],
                     comparison_before=means[0], comparison_after=means[1],
                     treated_change=means[3] - means[2], comparison_change=means[1] - means[0],
                     se_type=_se_name(cluster), outcome=outcome)
    return result


def before_after(data: pd.DataFrame, outcome: str, post: str, treated: str | None = None,
                 cluster: str | None = None, *, confidence: float = 0.95, alpha: float | None = None) -> pd.DataFrame:
    """The naive comparison: mean after minus mean before, for the treated group only.

    Fits ``outcome ~ post`` by OLS (statsmodels) on the treated rows (all rows if ``treated`` is
    None). Anything else that changed over the same years (a national trend, a new test) is
    mixed into this number; compare it with :func:`did`.

    Returns
    -------
    pandas.DataFrame
        One row: ``measure`` (``"before-after"``), ``estimate`` (after minus before), ``ci_low``,
        ``ci_high``, ``n``, ``confidence``, ``se``, ``p_value``, ``n_clusters``, ``before``,
        ``after`` (the two means), ``se_type``, ``outcome``.

    Notes
    -----
    The estimate equals the difference of the two means (checked by hand in tests/test_policy.py).
    Standard errors follow :func:`did` (CR1 with t(G - 1), or HC1): R's ``lm(y ~ post)`` with
    ``sandwich::vcovCL(type = "HC1")``, Stata's ``regress y post, vce(cluster id)``.

    Examples
    --------
    >>> import pandas as pd
    >>> toy = pd.DataFrame({"score": [10, 12, 15, 17], "post": [0, 0, 1, 1]})
    >>> float(before_after(toy, "score", "post")["estimate"].iloc[0])
    5.0
    """
    confidence = resolve_confidence(confidence, alpha=alpha)
    alpha = 1 - confidence
    columns = [outcome, post] + [c for c in (treated, cluster) if c is not None]
    require_columns(data, columns)
    require_numeric(data, [outcome])
    frame = _usable(data, list(dict.fromkeys(columns)))
    if treated is not None:
        frame = frame.loc[_as_binary(frame, treated, "treated group") == 1]
        if len(frame) == 0:
            raise InputError(f"No rows have {treated!r} = 1, so there is no treated group to compare before and after.")
    t = _as_binary(frame, post, "after the policy")
    n_after = int(t.sum())
    if n_after == 0 or n_after == len(t):
        raise InputError(
            f"Before-after needs rows both before ({post!r} = 0) and after ({post!r} = 1) the policy; "
            f"there are {len(t) - n_after} before and {n_after} after."
        )
    require_rows(len(t), 3, "The before-after comparison")
    y = frame[outcome].to_numpy(dtype=float)
    clusters = _cluster_codes(frame, cluster)
    fit = _fit_ols(y, np.column_stack([np.ones_like(y), t]), clusters, alpha)
    return _result("before-after", fit, 1, alpha, len(y), int(clusters.max() + 1) if clusters is not None else pd.NA,
                   before=float(y[t == 0].mean()), after=float(y[t == 1].mean()),
                   se_type=_se_name(cluster), outcome=outcome)




def newey_west_lags(n_periods: int) -> int:
    """The Newey-West lag the kit uses by default: floor(4 (T / 100) ^ (2/9)) for T periods.

    The rule of thumb of Newey & West (1994), also the starting value of their automatic
    bandwidth selection; it grows slowly with the length of the series.

    >>> newey_west_lags(10), newey_west_lags(100), newey_west_lags(500)
    (2, 4, 5)
    """
    return int(math.floor(4 * (n_periods / 100) ** (2 / 9)))


def interrupted_time_series(data: pd.DataFrame, outcome: str, time: str, start, *, cluster: str | None = None,
                            hac_lags: int | str = "auto", confidence: float = 0.95,
                            alpha: float | None = None) -> pd.DataFrame:
    """Segmented regression: did the level or the trend of a series change when a programme started?

    Fits ``outcome = b0 + b1 (time - start) + b2 after + b3 (time - start) after`` by OLS
    (statsmodels), where ``after`` is 1 from ``start`` on. ``b2`` is the jump in level at the start,
    ``b3`` the change in the yearly trend. With one row per period (a yearly mean) standard errors
    are Newey-West (HAC) for autocorrelation; with several rows per period they are clustered by
    ``cluster`` if given, otherwise robust (HC1).

    Without a comparison series this shows only that the series changed at the start, not that
    the programme changed it: anything else that started then (or regression to the mean after
    a bad year that triggered the programme) looks the same.

    Parameters
    ----------
    hac_lags : int or ``"auto"``
        Lags of the Newey-West standard errors (one row per period only). ``"auto"`` (the
        default) takes floor(4 (T/100)^(2/9)) for T periods (:func:`newey_west_lags`; 2 for 5 to
        29 years); give a number to choose it yourself (say why in your write-up).
    confidence : float
        Confidence level (default 0.95; the older ``alpha=`` still works).

    Returns
    -------
    pandas.DataFrame
        Four rows, ``term`` = ``trend_before`` (b1), ``level_change`` (b2), ``slope_change`` (b3),
        ``trend_after`` (b1 + b3), with ``measure`` (``"interrupted time series"``), ``estimate``,
        ``ci_low``, ``ci_high``, ``n``, ``confidence``, ``se``, ``p_value``, ``hac_lags`` (missing
        when not Newey-West), ``se_type``, ``outcome``.

    Notes
    -----
    The coefficients equal those of separate straight lines fitted before and after the start
    (checked in tests/test_policy.py). Newey-West standard errors are the Bartlett-kernel HAC
    estimator without small-sample adjustment or prewhitening, with t(T - 4) intervals: R's
    ``lmtest::coeftest(fit, vcov = sandwich::NeweyWest(fit, lag = L, prewhite = FALSE, adjust = FALSE),
    df = T - 4)`` gives the same estimates, SEs, intervals and p-values to 1e-6 (L = 1 and 2
    checked, tests/test_reference_values.py). R's ``NeweyWest()`` defaults (automatic
    bandwidth, prewhitening) give other, here smaller, SEs; Stata's ``newey y ..., lag(L)``
    matches the kit with the same L.

    Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix estimation.
    *Review of Economic Studies*, 61(4), 631-653.

    References
    ----------
    Wagner, A. K., Soumerai, S. B., Zhang, F. & Ross-Degnan, D. (2002). Segmented regression analysis of
    interrupted time series studies in medication use research. *Journal of Clinical Pharmacy and
    Therapeutics*, 27(4), 299-309.

    Examples
    --------
    >>> import pandas as pd
    >>> series = pd.DataFrame({"year": range(2004, 2012), "score": [50.1, 50.9, 51.9, 53.1, 55.1, 56.9, 58.9, 61.1]})
    >>> its = interrupted_time_series(series, "score", "year", 2008)
    >>> its.set_index("term")["estimate"].round(2).to_dict()
    {'trend_before': 1.0, 'level_change': 1.0, 'slope_change': 1.0, 'trend_after': 2.0}
    >>> int(its["hac_lags"].iloc[0])       # floor(4 (8/100)^(2/9)) for 8 years
    2
    """
    confidence = resolve_confidence(confidence, alpha=alpha)
    alpha = 1 - confidence
    columns = [outcome, time] + ([cluster] if cluster is not None else [])
    require_columns(data, columns)
    require_numeric(data, [outcome, time])
    if not (hac_lags == "auto" or (isinstance(hac_lags, (int, np.integer)) and not isinstance(hac_lags, bool)
                                   and hac_lags >= 0)):
        raise InputError(f"hac_lags should be 'auto' or a whole number of lags (0, 1, 2...), not {hac_lags!r}.")
    frame = _usable(data, list(dict.fromkeys(columns)))
    t = frame[time].to_numpy(dtype=float) - float(start)
    after = (t >= 0).astype(float)
    n_before, n_after = np.unique(t[t < 0]).size, np.unique(t[t >= 0]).size
    if n_before < 2 or n_after < 2:
        raise InputError(
            f"An interrupted time series needs at least 2 periods before {start} and 2 from {start} on to draw the two "
            f"lines; there are {n_before} before and {n_after} after. Include more years."
        )
    y = frame[outcome].to_numpy(dtype=float)
    X = np.column_stack([np.ones_like(y), t, after, t * after])
    one_per_period = np.unique(t).size == len(t)
    clusters = _cluster_codes(frame, cluster)
    if hac_lags == "auto":
        hac_lags = newey_west_lags(len(t))
    lags = int(hac_lags) if (clusters is None and one_per_period) else None
    fit = _fit_ols(y, X, clusters, alpha, hac_lags=lags)
    rows = [{"term": name, **_row(fit, i, alpha)} for name, i in
            (("trend_before", 1), ("level_change", 2), ("slope_change", 3))]
    combo = fit.t_test(np.array([[0.0, 1.0, 0.0, 1.0]]))
    low, high = np.asarray(combo.conf_int(alpha=alpha))[0]
    rows.append({"term": "trend_after", "estimate": float(np.squeeze(combo.effect)), "se": float(np.squeeze(combo.sd)),
                 "ci_low": float(low), "ci_high": float(high), "p_value": float(np.squeeze(combo.pvalue))})
    table = pd.DataFrame(rows)
    result = pd.DataFrame({"term": table["term"], "measure": "interrupted time series", "estimate": table["estimate"],
                           "ci_low": table["ci_low"], "ci_high": table["ci_high"], "n": len(y),
                           "confidence": confidence, "se": table["se"], "p_value": table["p_value"],
                           "hac_lags": pd.array([lags] * 4, dtype="Int64"),
                           "se_type": _se_name(cluster, lags) if (cluster or lags is not None) else "robust (HC1)",
                           "outcome": outcome})
    return result


