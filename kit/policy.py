"""Evaluating a policy: before-after, difference-in-differences, event studies, fixed effects, time series.

Every function wraps statsmodels or linearmodels and returns a tidy DataFrame; :func:`report`
turns a result into one plain-language sentence.

>>> import pandas as pd
>>> toy = pd.DataFrame({"score": [10, 11, 10, 12, 20, 21, 24, 26],
...                     "treated": [0, 0, 0, 0, 1, 1, 1, 1],
...                     "post": [0, 0, 1, 1, 0, 0, 1, 1]})
>>> float(did(toy, "score", "treated", "post")["estimate"].iloc[0])
4.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, EmptyDataError, InputError, require_columns, require_numeric, require_rows

__all__ = [
    "did",
    "before_after",
    "event_study",
    "plot_event_study",
    "fixed_effects",
    "interrupted_time_series",
    "report",
]


# --------------------------------------------------------------------------- input checks

def _floats(series: pd.Series) -> np.ndarray:
    """The values as a float array, missing values (also pandas' NA) as NaN."""
    if isinstance(series.dtype, np.dtype):
        return series.to_numpy(dtype=float)
    return series.to_numpy(dtype=float, na_value=np.nan)


def _as_binary(data: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """A 0/1 float array (NaN where missing) from a bool or 0/1 column; otherwise a kit error saying how to make one."""
    series = data[column]
    if not (pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)):
        example = series.dropna().iloc[0] if series.notna().any() else None
        raise ColumnTypeError(
            f"Column {column!r} ({role}) should be True/False or 0/1 but holds text (for example {example!r}). "
            f"Make a 0/1 column first, e.g. df[{column!r}] = (df[{column!r}] == {example!r}).astype(int)."
        )
    values = _floats(series)
    if pd.api.types.is_bool_dtype(series):
        return values
    bad = (values != 0.0) & (values != 1.0) & ~np.isnan(values)
    if bad.any():
        raise InputError(
            f"Column {column!r} ({role}) should hold only 0 and 1 (or True/False) but holds {values[bad][0]:g}. "
            + ("Make it from the year, e.g. df['post'] = (df['year'] >= 2008).astype(int)."
               if role.startswith("after") else
               "Make it from the group, e.g. df['treated'] = (df['group'] == 'programme').astype(int).")
        )
    return values


def _usable(data, columns: list[str], may_be_missing: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = data[columns]
    keep = frame[[c for c in columns if c not in may_be_missing]].notna().all(axis=1).to_numpy()
    if not keep.all():
        frame = frame.loc[keep]
    return frame


def _cluster_codes(frame: pd.DataFrame, cluster: str | None) -> np.ndarray | None:
    if cluster is None:
        return None
    codes, uniques = pd.factorize(frame[cluster], sort=False)
    if len(uniques) < 2:
        raise InputError(
            f"Clustering by {cluster!r} needs at least 2 clusters, but there is {len(uniques)}. "
            "Cluster by the unit that was treated (school, university), or leave cluster=None."
        )
    return codes


def _fit_ols(y, X, clusters, alpha: float = 0.05, hac_lags: int | None = None):
    import statsmodels.api as sm

    model = sm.OLS(y, X, hasconst=True)  # column 0 is always the constant: skip statsmodels detecting it
    if clusters is not None:
        return model.fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    if hac_lags is not None:
        return model.fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags}, use_t=True)
    return model.fit(cov_type="HC1", use_t=True)


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
        *, alpha: float = 0.05) -> pd.DataFrame:
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
    alpha : float
        1 - confidence level (0.05 gives a 95% interval).

    Returns
    -------
    pandas.DataFrame
        One row:

        * ``estimate``: the difference-in-differences (units of the outcome)
        * ``se``: its standard error
        * ``ci_low``, ``ci_high``: confidence interval
        * ``p_value``: two-sided p-value for "no difference"
        * ``n``: rows used (after removing rows with missing values)
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
    row = _row(fit, 3, alpha)
    row.update({
        "n": len(y),
        "n_clusters": n_clusters if clusters is not None else pd.NA,
        "treated_before": means[2], "treated_after": means[3],
        "comparison_before": means[0], "comparison_after": means[1],
        "treated_change": means[3] - means[2], "comparison_change": means[1] - means[0],
        "se_type": _se_name(cluster),
        "outcome": outcome,
    })
    result = pd.DataFrame([row])
    result["n_clusters"] = result["n_clusters"].astype("Int64")
    result.attrs.update(kind="did", alpha=alpha)
    return result


def before_after(data: pd.DataFrame, outcome: str, post: str, treated: str | None = None,
                 cluster: str | None = None, *, alpha: float = 0.05) -> pd.DataFrame:
    """The naive comparison: mean after minus mean before, for the treated group only.

    Fits ``outcome ~ post`` by OLS (statsmodels) on the treated rows (all rows if ``treated`` is
    None). Anything else that changed over the same years (a national trend, a new test) is
    mixed into this number; compare it with :func:`did`.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (after minus before), ``se``, ``ci_low``, ``ci_high``, ``p_value``,
        ``n``, ``n_clusters``, ``before``, ``after`` (the two means), ``se_type``, ``outcome``.

    Notes
    -----
    The estimate equals the difference of the two means (checked by hand in tests/test_policy.py).

    Examples
    --------
    >>> import pandas as pd
    >>> toy = pd.DataFrame({"score": [10, 12, 15, 17], "post": [0, 0, 1, 1]})
    >>> float(before_after(toy, "score", "post")["estimate"].iloc[0])
    5.0
    """
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
    row = _row(fit, 1, alpha)
    row.update({
        "n": len(y),
        "n_clusters": int(clusters.max() + 1) if clusters is not None else pd.NA,
        "before": float(y[t == 0].mean()), "after": float(y[t == 1].mean()),
        "se_type": _se_name(cluster), "outcome": outcome,
    })
    result = pd.DataFrame([row])
    result["n_clusters"] = result["n_clusters"].astype("Int64")
    result.attrs.update(kind="before_after", alpha=alpha)
    return result



# --------------------------------------------------------------------------- panels (linearmodels)

def _panel_frame(data, outcome, unit, time, extra, may_be_missing=()):
    columns = list(dict.fromkeys([outcome, unit, time] + [c for c in extra if c is not None]))
    require_columns(data, columns)
    require_numeric(data, [outcome, time])
    frame = _usable(data, columns, may_be_missing)
    if len(frame) == 0:
        raise EmptyDataError(f"No row has values in all of {', '.join(map(repr, columns))}. Check for missing values.")
    if frame.duplicated([unit, time]).any():
        dup = frame.loc[frame.duplicated([unit, time]), [unit, time]].iloc[0].tolist()
        raise InputError(
            f"{unit!r} {dup[0]!r} appears more than once in {time} {dup[1]!r}. A panel needs one row per unit and "
            "period: aggregate first, e.g. df.groupby([unit, time], as_index=False)[outcome].mean()."
        )
    return frame


def _panel_fit(frame, outcome, unit, time, exog: pd.DataFrame, cluster):
    from linearmodels import PanelOLS

    index = pd.MultiIndex.from_arrays([frame[unit], frame[time]], names=[unit, time])
    y = pd.Series(frame[outcome].to_numpy(dtype=float), index=index, name=outcome)
    exog = exog.set_axis(index, axis=0)
    model = PanelOLS(y, exog, entity_effects=True, time_effects=True, drop_absorbed=False)
    try:
        if cluster is None or cluster == unit:
            return model.fit(cov_type="clustered", cluster_entity=True, debiased=True)
        codes = pd.Series(pd.factorize(frame[cluster])[0], index=index, name=cluster)
        return model.fit(cov_type="clustered", clusters=codes, debiased=True)
    except ValueError as err:
        if "rank" in str(err) or "absorbed" in str(err):
            raise InputError(
                "The treatment cannot be separated from the unit and year effects (for example every unit is "
                "treated in the same years, or a treatment never changes). Include a comparison group that is "
                "never treated, and periods before the start."
            ) from None
        raise


def fixed_effects(data: pd.DataFrame, outcome: str, treatment: str, unit: str, time: str,
                  controls: list[str] | None = None, cluster: str | None = None, *,
                  alpha: float = 0.05) -> pd.DataFrame:
    """Two-way fixed effects: the treatment's effect comparing each unit with itself and each year with itself.

    Fits ``outcome ~ treatment + controls + unit effects + time effects`` with linearmodels'
    ``PanelOLS`` (entity and time effects absorbed), standard errors clustered by ``unit``
    (or ``cluster``), debiased (small-sample corrected).

    Parameters
    ----------
    treatment : str
        0/1 column that is 1 for a unit in the periods when it is treated (e.g. programme member
        and year >= start). With one start year for everyone this equals :func:`did` with unit and
        year effects.
    controls : list of str, optional
        Numeric time-varying controls.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n``, ``n_units``,
        ``n_periods``, ``n_clusters``, ``r2_within``, ``se_type``, ``outcome``.

    Notes
    -----
    With a balanced panel and one common start, the estimate equals the 2 x 2
    difference-in-differences of means (checked in tests/test_policy.py). When units start at
    different times and effects grow, the two-way fixed-effects estimate can be badly biased
    (Goodman-Bacon, 2021).

    References
    ----------
    Wooldridge, J. M. (2010). *Econometric Analysis of Cross Section and Panel Data* (2nd ed.), ch. 10. MIT Press.

    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
    *Journal of Econometrics*, 225(2), 254-277.

    Examples
    --------
    >>> import kit.data
    >>> panel = kit.data.load("schools_panel", n_schools=300, years=range(2006, 2010))
    >>> panel["treated_now"] = panel["programme"] & (panel["year"] >= 2008)
    >>> fe = fixed_effects(panel, "attainment", "treated_now", "school_id", "year")
    >>> int(fe["n_units"].iloc[0]), int(fe["n_periods"].iloc[0])
    (300, 4)
    """
    controls = list(controls or [])
    frame = _panel_frame(data, outcome, unit, time, [treatment, cluster] + controls)
    if controls:
        require_numeric(frame, controls)
    d = _as_binary(frame, treatment, "treated in this period")
    if d.min() == d.max():
        raise InputError(
            f"{treatment!r} is {int(d[0])} in every row, so there is nothing to compare. It should be 1 only for "
            "treated units in the periods after the start, e.g. df['treated_now'] = df['programme'] & (df['year'] >= 2008)."
        )
    exog = pd.DataFrame({treatment: d, **{c: frame[c].to_numpy(dtype=float) for c in controls}})
    fit = _panel_fit(frame, outcome, unit, time, exog, cluster)
    low, high = fit.conf_int(level=1 - alpha).iloc[0]
    result = pd.DataFrame([{
        "estimate": float(fit.params.iloc[0]), "se": float(fit.std_errors.iloc[0]),
        "ci_low": float(low), "ci_high": float(high), "p_value": float(fit.pvalues.iloc[0]),
        "n": int(fit.nobs), "n_units": int(frame[unit].nunique()), "n_periods": int(frame[time].nunique()),
        "n_clusters": int(frame[cluster or unit].nunique()), "r2_within": float(fit.rsquared_within),
        "se_type": _se_name(cluster or unit), "outcome": outcome,
    }])
    result.attrs.update(kind="fixed_effects", alpha=alpha)
    return result


def event_study(data: pd.DataFrame, outcome: str, unit: str, time: str, treated: str, start,
                *, window: tuple[int, int] | None = None, reference: int = -1, cluster: str | None = None,
                alpha: float = 0.05) -> pd.DataFrame:
    """Effects period by period before and after the start (leads and lags), relative to one reference period.

    Fits a two-way fixed-effects regression (linearmodels ``PanelOLS``, unit and time effects,
    standard errors clustered by unit) with one indicator per *event time* (period minus start)
    for treated units, leaving out ``reference`` (by default the last period before the start).
    Estimates before the start (leads) should be near zero if trends were parallel; estimates
    after it (lags) show how the effect unfolds.

    Parameters
    ----------
    unit, time : str
        Columns identifying the unit (school, university) and the period (year, numeric).
    treated : str
        0/1 column: 1 for units that receive the policy (in every period).
    start : number or str
        The period the policy starts (e.g. 1999), or the name of a column holding each unit's start.
    window : (int, int), optional
        Earliest and latest event time to show; event times outside are binned into the ends.
    reference : int
        Event time left out (set to zero); default -1.

    Returns
    -------
    pandas.DataFrame
        One row per event time: ``event_time``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``n`` (treated rows at that event time), ``reference`` (True for the row fixed
        at zero, whose ``se`` and interval are missing).

    Notes
    -----
    With one common start the lag coefficients equal 2 x 2 differences-in-differences of each
    period against the reference period (checked by hand in tests/test_policy.py).

    References
    ----------
    Freyaldenhoven, S., Hansen, C., Perez Perez, J. & Shapiro, J. M. (2021). Visualization, identification,
    and estimation in the linear panel event-study design. NBER Working Paper 29170.

    Examples
    --------
    >>> import kit.data
    >>> panel = kit.data.load("schools_panel", n_schools=300, years=range(2005, 2011))
    >>> table = event_study(panel, "attainment", "school_id", "year", "programme", 2008)
    >>> table["event_time"].tolist()
    [-3, -2, -1, 0, 1, 2]
    """
    start_is_column = isinstance(start, str)
    if start_is_column:
        require_columns(data, [start])
        require_numeric(data, [start])
    frame = _panel_frame(data, outcome, unit, time, [treated, cluster] + ([start] if start_is_column else []),
                         may_be_missing=(start,) if start_is_column else ())
    d = _as_binary(frame, treated, "treated group")
    if d.min() == d.max():
        raise InputError(f"Everyone has the same {treated!r}: an event study needs treated units and a comparison group.")
    begin = frame[start].to_numpy(dtype=float) if start_is_column else np.full(len(frame), float(start))
    rel = np.where(d == 1, frame[time].to_numpy(dtype=float) - begin, np.nan)
    seen = rel[~np.isnan(rel)]
    if len(seen) == 0:
        raise InputError(f"No treated row has a start period in {start!r}.")
    lo, hi = (int(seen.min()), int(seen.max())) if window is None else (int(window[0]), int(window[1]))
    if not lo <= reference <= hi or not (seen == reference).any():
        raise InputError(
            f"The treated units have no rows at event time {reference} (the reference period, "
            f"{'one period before' if reference == -1 else str(reference) + ' periods from'} the start), so there "
            "is nothing to compare with. Include periods before the policy started."
        )
    rel = np.clip(rel, lo, hi)
    times = [k for k in range(lo, hi + 1) if k != reference and (rel == k).any()]
    exog = pd.DataFrame({f"event_{k}": (rel == k).astype(float) for k in times})
    fit = _panel_fit(frame, outcome, unit, time, exog, cluster)
    ci = fit.conf_int(level=1 - alpha)
    counts = pd.Series(rel[~np.isnan(rel)]).value_counts()
    rows = [{"event_time": k, "estimate": float(fit.params[f"event_{k}"]), "se": float(fit.std_errors[f"event_{k}"]),
             "ci_low": float(ci.loc[f"event_{k}", "lower"]), "ci_high": float(ci.loc[f"event_{k}", "upper"]),
             "p_value": float(fit.pvalues[f"event_{k}"]), "n": int(counts.get(float(k), 0)), "reference": False}
            for k in times]
    rows.append({"event_time": reference, "estimate": 0.0, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                 "p_value": np.nan, "n": int(counts.get(float(reference), 0)), "reference": True})
    result = pd.DataFrame(rows).sort_values("event_time", ignore_index=True)
    result.attrs.update(kind="event_study", alpha=alpha, outcome=outcome)
    return result


def plot_event_study(table: pd.DataFrame, ax=None, unit: str = "points", title: str | None = None,
                     time_label: str = "Years since the start"):
    """Plot an :func:`event_study` table: estimates with confidence intervals, zero line, start line.

    Returns ``(fig, ax)``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"event_time": [-2, -1, 0, 1], "estimate": [0.1, 0.0, 1.2, 1.5], "se": [0.2, None, 0.2, 0.3],
    ...                   "ci_low": [-0.3, None, 0.8, 0.9], "ci_high": [0.5, None, 1.6, 2.1], "reference": [False, True, False, False]})
    >>> fig, ax = plot_event_study(t)
    >>> ax.get_xlabel()
    'Years since the start'
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    from kit.plotting import PALETTE, figure, label

    require_columns(table, ["event_time", "estimate", "ci_low", "ci_high"], table="The event-study table")
    if ax is None:
        fig, ax = figure()
    else:
        fig = ax.figure
    est = table.dropna(subset=["ci_low"])
    before = est["event_time"] < 0
    for mask, colour, name in ((before, PALETTE[0], "before the start"), (~before, PALETTE[1], "after the start")):
        part = est[mask]
        if len(part):
            ax.errorbar(part["event_time"], part["estimate"],
                        yerr=[part["estimate"] - part["ci_low"], part["ci_high"] - part["estimate"]],
                        fmt="o", color=colour, capsize=4, markersize=8, linewidth=2, label=name)
    ref = table[table["ci_low"].isna()]
    if len(ref):
        ax.plot(ref["event_time"], ref["estimate"], "s", color=PALETTE[7], markersize=8, label="reference (set to 0)")
    ax.axhline(0, color="grey", linewidth=1)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=1)
    level = round(100 * (1 - table.attrs.get("alpha", 0.05)))
    label(ax, x=time_label, y=f"Effect ({unit}, {level}% CI)", title=title)
    ax.legend(loc="upper left")
    return fig, ax


def interrupted_time_series(data: pd.DataFrame, outcome: str, time: str, start, *, cluster: str | None = None,
                            hac_lags: int = 1, alpha: float = 0.05) -> pd.DataFrame:
    """Segmented regression: did the level or the trend of a series change when a programme started?

    Fits ``outcome = b0 + b1 (time - start) + b2 after + b3 (time - start) after`` by OLS
    (statsmodels), where ``after`` is 1 from ``start`` on. ``b2`` is the jump in level at the start,
    ``b3`` the change in the yearly trend. With one row per period (a yearly mean) standard errors
    are Newey-West (HAC, ``hac_lags`` lags) for autocorrelation; with several rows per period
    they are clustered by ``cluster`` if given, otherwise robust (HC1).

    Without a comparison series this shows only that the series changed at the start, not that
    the programme changed it: anything else that started then (or regression to the mean after
    a bad year that triggered the programme) looks the same.

    Returns
    -------
    pandas.DataFrame
        Four rows, ``term`` = ``trend_before`` (b1), ``level_change`` (b2), ``slope_change`` (b3),
        ``trend_after`` (b1 + b3), with ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``,
        ``n``, ``se_type``.

    Notes
    -----
    The coefficients equal those of separate straight lines fitted before and after the start
    (checked in tests/test_policy.py).

    References
    ----------
    Wagner, A. K., Soumerai, S. B., Zhang, F. & Ross-Degnan, D. (2002). Segmented regression analysis of
    interrupted time series studies in medication use research. *Journal of Clinical Pharmacy and
    Therapeutics*, 27(4), 299-309.

    Examples
    --------
    >>> import pandas as pd
    >>> series = pd.DataFrame({"year": range(2004, 2012), "score": [50, 51, 52, 53, 55, 57, 59, 61]})
    >>> its = interrupted_time_series(series, "score", "year", 2008)
    >>> its.set_index("term")["estimate"].round(2).to_dict()
    {'trend_before': 1.0, 'level_change': 1.0, 'slope_change': 1.0, 'trend_after': 2.0}
    """
    columns = [outcome, time] + ([cluster] if cluster is not None else [])
    require_columns(data, columns)
    require_numeric(data, [outcome, time])
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
    lags = hac_lags if (clusters is None and one_per_period) else None
    fit = _fit_ols(y, X, clusters, alpha, hac_lags=lags)
    rows = [{"term": name, **_row(fit, i, alpha)} for name, i in
            (("trend_before", 1), ("level_change", 2), ("slope_change", 3))]
    combo = fit.t_test(np.array([[0.0, 1.0, 0.0, 1.0]]))
    low, high = np.asarray(combo.conf_int(alpha=alpha))[0]
    rows.append({"term": "trend_after", "estimate": float(np.squeeze(combo.effect)), "se": float(np.squeeze(combo.sd)),
                 "ci_low": float(low), "ci_high": float(high), "p_value": float(np.squeeze(combo.pvalue))})
    result = pd.DataFrame(rows)
    result["n"] = len(y)
    result["se_type"] = _se_name(cluster, lags) if (cluster or lags) else "robust (HC1)"
    result.attrs.update(kind="its", alpha=alpha, outcome=outcome)
    return result


# --------------------------------------------------------------------------- report

def report(result: pd.DataFrame, unit: str = "points") -> str:
    """One plain-language sentence for a result of this module.

    >>> import pandas as pd
    >>> toy = pd.DataFrame({"score": [10, 11, 10, 12, 20, 21, 24, 26],
    ...                     "treated": [0, 0, 0, 0, 1, 1, 1, 1], "post": [0, 0, 1, 1, 0, 0, 1, 1]})
    >>> print(report(did(toy, "score", "treated", "post")))  # doctest: +ELLIPSIS
    Difference-in-differences: score changed by 4.00 points more in the treated group (+4.50) than in the comparison group (+0.50); 95% CI ... to ...; p = ...; n = 8.
    """
    if not isinstance(result, pd.DataFrame) or "estimate" not in result.columns:
        raise InputError("report() needs a result table from kit.policy (for example the output of did()).")
    kind = result.attrs.get("kind", "did" if "treated_change" in result.columns else "")
    level = round(100 * (1 - result.attrs.get("alpha", 0.05)))
    if kind == "event_study":
        row = result[~result["reference"]]
        post = row[row["event_time"] >= 0]
        pre = row[row["event_time"] < 0]
        text = (f"Event study: after the start the effects range from {post['estimate'].min():.2f} to "
                f"{post['estimate'].max():.2f} {unit}")
        if len(pre):
            outside = int(((pre["ci_low"] > 0) | (pre["ci_high"] < 0)).sum())
            text += (f"; {outside} of {len(pre)} earlier period(s) differ from zero at the {level}% level"
                     + (" (a warning sign that trends were not parallel)." if outside else
                        " (no sign of diverging trends before the start)."))
        else:
            text += "; there is no earlier period to check the trends before the start."
        return text
    if kind == "its":
        parts = {r.term: r for r in result.itertuples()}
        lc, sc = parts["level_change"], parts["slope_change"]
        return (f"Interrupted time series: at the start the level changed by {lc.estimate:.2f} {unit} "
                f"({level}% CI {lc.ci_low:.2f} to {lc.ci_high:.2f}) and the yearly trend by {sc.estimate:+.2f} {unit} "
                f"per period ({level}% CI {sc.ci_low:.2f} to {sc.ci_high:.2f}); n = {int(lc.n)}.")
    r = result.iloc[0]
    ci = f"{level}% CI {r['ci_low']:.2f} to {r['ci_high']:.2f}; p {_p(r['p_value'])}; n = {int(r['n'])}"
    if "n_clusters" in result.columns and pd.notna(r["n_clusters"]):
        ci += f" in {int(r['n_clusters'])} clusters"
    name = r.get("outcome", "the outcome")
    if kind == "did":
        more = "more" if r["estimate"] >= 0 else "less"
        return (f"Difference-in-differences: {name} changed by {abs(r['estimate']):.2f} {unit} {more} in the treated "
                f"group ({r['treated_change']:+.2f}) than in the comparison group ({r['comparison_change']:+.2f}); {ci}.")
    if kind == "before_after":
        return (f"Before-after: {name} was {r['estimate']:+.2f} {unit} different after than before "
                f"({r['before']:.2f} to {r['after']:.2f}); {ci}. This includes everything else that changed meanwhile.")
    if kind == "fixed_effects":
        return (f"Two-way fixed effects: being treated is associated with {r['estimate']:+.2f} {unit} of {name}, "
                f"comparing each unit with itself over time and each year with itself across units; {ci}.")
    return f"Estimate {r['estimate']:.2f} {unit}; {ci}."


def _p(p: float) -> str:
    return "< .001" if p < 0.001 else f"= {p:.3f}"
