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
    "report",
]


# --------------------------------------------------------------------------- input checks

def _as_binary(data: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """A 0/1 float array from a bool or 0/1 column; otherwise a kit error saying how to make one."""
    series = data[column]
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(series):
        example = series.dropna().iloc[0] if series.notna().any() else None
        raise ColumnTypeError(
            f"Column {column!r} ({role}) should be True/False or 0/1 but holds text (for example {example!r}). "
            f"Make a 0/1 column first, e.g. df[{column!r}] = (df[{column!r}] == {example!r}).astype(int)."
        )
    values = series.to_numpy(dtype=float)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        raise InputError(
            f"Column {column!r} ({role}) should hold only 0 and 1 (or True/False) but holds {values[bad][0]:g}. "
            + ("Make it from the year, e.g. df['post'] = (df['year'] >= 2008).astype(int)."
               if role.startswith("after") else
               "Make it from the group, e.g. df['treated'] = (df['group'] == 'programme').astype(int).")
        )
    return values


def _usable(data, columns: list[str]) -> pd.DataFrame:
    frame = data[columns]
    keep = frame.notna().all(axis=1).to_numpy()
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

    model = sm.OLS(y, X)
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
    >>> result[["estimate", "ci_low", "ci_high", "n", "n_clusters"]]  # doctest: +SKIP
    >>> int(result["n"].iloc[0]), int(result["n_clusters"].iloc[0])
    (1200, 300)
    """
    columns = [outcome, treated, post] + ([cluster] if cluster is not None else [])
    require_columns(data, columns)
    require_numeric(data, [outcome])
    frame = _usable(data, list(dict.fromkeys(columns)))
    if len(frame) == 0:
        raise EmptyDataError(
            f"No row has values in all of {', '.join(map(repr, columns))}. Check for missing values in these columns."
        )
    y = frame[outcome].to_numpy(dtype=float)
    d = _as_binary(frame, treated, "treated group")
    t = _as_binary(frame, post, "after the policy")
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
            "Include years before the policy started, or check how the 'post' column was made."
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
    clusters = _cluster_codes(frame, cluster)
    fit = _fit_ols(y, X, clusters, alpha)
    sums = np.bincount((2 * d + t).astype(np.int64), weights=y, minlength=4)
    means = sums / cells
    row = _row(fit, 3, alpha)
    row.update({
        "n": len(y),
        "n_clusters": int(clusters.max() + 1) if clusters is not None else pd.NA,
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
    ci = f"{level}% CI {r['ci_low']:.2f} to {r['ci_high']:.2f}; p = {_p(r['p_value'])}; n = {int(r['n'])}"
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
    return "< .001" if p < 0.001 else f"{p:.3f}"
