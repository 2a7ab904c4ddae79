"""Panels: two-way fixed effects and event studies (pyfixest, the Python port of R's fixest).

Standard errors are clustered by unit (or ``cluster``) with Stata's and plm's small-sample
convention by default; see :data:`SMALL_SAMPLE` and the Notes of each function.

>>> sorted(SMALL_SAMPLE)
['areg', 'fixest', 'stata']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kit.errors import InputError, require_columns, require_numeric
from kit.policy._checks import _as_binary, _panel_frame
from kit.results import resolve_confidence

__all__ = ["fixed_effects", "event_study", "plot_event_study", "SMALL_SAMPLE"]

# How the clustered variance V (the raw sandwich) is scaled, with G clusters, N rows, K
# coefficients of the regressors, T periods and U units:
SMALL_SAMPLE = {
    # Stata `xtreg y x i.year, fe vce(cluster id)`, R plm `vcovHC(fit, method = "arellano", type = "sss")`:
    # V x G/(G-1). The unit effects nested in the clusters are not counted.
    "stata": {"k_adj": False, "G_adj": True},
    # R fixest::feols default (ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)):
    # V x G/(G-1) x (N-1)/(N-K-(T-1)); nested unit effects not counted, time effects counted.
    "fixest": {"k_adj": True, "k_fixef": "nonnested", "G_adj": True},
    # Stata `areg ..., absorb(id) vce(cluster id)` / the kit before 2026-12: every effect counted,
    # V x G/(G-1) x (N-1)/(N-K-(U+T-1)) (larger SEs in short panels).
    "areg": {"k_adj": True, "k_fixef": "full", "G_adj": True},
}


def _panel_fit(frame: pd.DataFrame, outcome: str, unit: str, time: str, exog: pd.DataFrame, cluster: str | None,
               small_sample: str):
    """Fit outcome ~ exog | unit + time with pyfixest; cluster-robust (CRV1) SEs with t(G - 1)."""
    import pyfixest as pf

    if small_sample not in SMALL_SAMPLE:
        from kit.errors import unknown_name

        raise unknown_name("small-sample convention", small_sample, list(SMALL_SAMPLE))
    names = [f"x{i}" for i in range(exog.shape[1])]
    work = pd.DataFrame({"y": frame[outcome].to_numpy(dtype=float),
                         "unit": pd.factorize(frame[unit])[0], "time": pd.factorize(frame[time])[0],
                         **{n: exog.iloc[:, i].to_numpy(dtype=float) for i, n in enumerate(names)}})
    by = "unit"
    if cluster is not None and cluster != unit:
        work["cluster"] = pd.factorize(frame[cluster])[0]
        by = "cluster"
    absorbed = InputError(
        "The treatment cannot be separated from the unit and year effects (for example every unit is "
        "treated in the same years, or a treatment never changes). Include a comparison group that is "
        "never treated, and periods before the start."
    )
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="pyfixest")  # pandas-3 deprecations inside pyfixest 0.60
            fit = pf.feols(f"y ~ {' + '.join(names)} | unit + time", work, vcov={"CRV1": by},
                           ssc=pf.ssc(**SMALL_SAMPLE[small_sample]), fixef_rm="none",
                           demeaner=pf.MapDemeaner(fixef_tol=1e-8), copy_data=False, store_data=False)
    except ValueError as err:  # pyfixest: every regressor collinear with the effects
        raise absorbed from err
    kept = list(fit.coef().index)
    if names[0] not in kept:
        raise absorbed
    return fit, dict(zip(names, exog.columns))


def _coefficients(fit, labels: dict, confidence: float) -> pd.DataFrame:
    ci = fit.confint(alpha=1 - confidence)
    table = pd.DataFrame({"estimate": fit.coef(), "se": fit.se(), "ci_low": ci.iloc[:, 0], "ci_high": ci.iloc[:, 1],
                          "p_value": fit.pvalue()})
    return table.rename(index=labels)


def fixed_effects(data: pd.DataFrame, outcome: str, treatment: str, unit: str, time: str,
                  controls: list[str] | None = None, cluster: str | None = None, *,
                  small_sample: str = "stata", confidence: float = 0.95, alpha: float | None = None) -> pd.DataFrame:
    """Two-way fixed effects: the treatment's effect comparing each unit with itself and each year with itself.

    Fits ``outcome ~ treatment + controls | unit + time`` with pyfixest (unit and time effects
    absorbed), standard errors clustered by ``unit`` (or ``cluster``).

    Parameters
    ----------
    treatment : str
        0/1 column that is 1 for a unit in the periods when it is treated (e.g. programme member
        and year >= start). With one start year for everyone this equals :func:`did` with unit and
        year effects.
    controls : list of str, optional
        Numeric time-varying controls.
    small_sample : ``"stata"`` (default), ``"fixest"`` or ``"areg"``
        How the clustered standard error is corrected for a small number of clusters
        (:data:`SMALL_SAMPLE`): ``"stata"`` is Stata's ``xtreg, fe vce(cluster)`` and plm's
        ``"sss"``; ``"fixest"`` is R fixest's default; ``"areg"`` also counts the unit effects.
    confidence : float
        Confidence level (default 0.95; the older ``alpha=`` still works).

    Returns
    -------
    pandas.DataFrame
        One row: ``measure`` (``"two-way fixed effects"``), ``estimate``, ``ci_low``, ``ci_high``,
        ``n``, ``confidence``, ``se``, ``p_value``, ``n_units``, ``n_periods``, ``n_clusters``,
        ``r2_within``, ``small_sample``, ``se_type``, ``outcome``.

    Notes
    -----
    With a balanced panel and one common start, the estimate equals the 2 x 2
    difference-in-differences of means (checked in tests/test_policy.py). When units start at
    different times and effects grow, the two-way fixed-effects estimate can be badly biased
    (Goodman-Bacon, 2021): use :func:`kit.policy.staggered_did`.

    Convention: the estimate is R's ``plm(y ~ d, effect = "twoways")``, Stata's ``xtreg y d
    i.year, fe`` and ``fixest::feols(y ~ d | id + year)``. The default standard error is
    ``plm::vcovHC(fit, method = "arellano", type = "sss")`` = Stata ``xtreg, fe vce(cluster id)``:
    the cluster sandwich times G/(G-1), t(G - 1) intervals; on a balanced panel with one start it
    equals :func:`did`'s clustered SE up to the (N-1)/(N-4) factor of did's regression.
    Checked against R to 1e-6 (tests/test_reference_values.py).

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
    confidence = resolve_confidence(confidence, alpha=alpha)
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
    fit, labels = _panel_fit(frame, outcome, unit, time, exog, cluster, small_sample)
    row = _coefficients(fit, labels, confidence).iloc[0]
    n_clusters = int(frame[cluster or unit].nunique())
    return pd.DataFrame({
        "measure": ["two-way fixed effects"], "estimate": [float(row["estimate"])], "ci_low": [float(row["ci_low"])],
        "ci_high": [float(row["ci_high"])], "n": [int(fit._N)], "confidence": [confidence],
        "se": [float(row["se"])], "p_value": [float(row["p_value"])],
        "n_units": [int(frame[unit].nunique())], "n_periods": [int(frame[time].nunique())],
        "n_clusters": [n_clusters], "r2_within": [float(fit._r2_within)], "small_sample": [small_sample],
        "se_type": [f"clustered by {cluster or unit}"], "outcome": [outcome],
    })


def event_study(data: pd.DataFrame, outcome: str, unit: str, time: str, treated: str, start,
                *, window: tuple[int, int] | None = None, reference: int = -1, cluster: str | None = None,
                small_sample: str = "stata", confidence: float = 0.95, alpha: float | None = None) -> pd.DataFrame:
    """Effects period by period before and after the start (leads and lags), relative to one reference period.

    Fits a two-way fixed-effects regression (pyfixest, unit and time effects absorbed,
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
    small_sample, confidence
        As in :func:`fixed_effects`.

    Returns
    -------
    pandas.DataFrame
        One row per event time: ``event_time``, ``measure`` (``"event study"``), ``estimate``,
        ``ci_low``, ``ci_high``, ``n`` (treated rows at that event time), ``confidence``, ``se``,
        ``p_value``, ``reference`` (True for the row fixed at zero, whose ``se`` and interval are
        missing), ``outcome``.

    Notes
    -----
    With one common start the lag coefficients equal 2 x 2 differences-in-differences of each
    period against the reference period (checked by hand in tests/test_policy.py). Coefficients
    are R's ``plm``/``fixest::feols(y ~ i(event_time, ref = -1) | id + year)``; standard errors
    follow :func:`fixed_effects` (default plm ``"sss"`` = Stata ``xtreg, fe vce(cluster id)``),
    checked against R to 1e-6 (tests/test_reference_values.py). With staggered starts and
    effects that differ by cohort these coefficients mix cohorts (Sun & Abraham, 2021); see
    :func:`kit.policy.staggered_did`.

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
    confidence = resolve_confidence(confidence, alpha=alpha)
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
    fit, labels = _panel_fit(frame, outcome, unit, time, exog, cluster, small_sample)
    coefs = _coefficients(fit, labels, confidence)
    counts = pd.Series(rel[~np.isnan(rel)]).value_counts()
    rows = [{"event_time": k, "estimate": float(coefs.at[f"event_{k}", "estimate"]),
             "ci_low": float(coefs.at[f"event_{k}", "ci_low"]), "ci_high": float(coefs.at[f"event_{k}", "ci_high"]),
             "n": int(counts.get(float(k), 0)), "se": float(coefs.at[f"event_{k}", "se"]),
             "p_value": float(coefs.at[f"event_{k}", "p_value"]), "reference": False}
            for k in times if f"event_{k}" in coefs.index]
    rows.append({"event_time": reference, "estimate": 0.0, "ci_low": np.nan, "ci_high": np.nan,
                 "n": int(counts.get(float(reference), 0)), "se": np.nan, "p_value": np.nan, "reference": True})
    result = pd.DataFrame(rows).sort_values("event_time", ignore_index=True)
    result.insert(1, "measure", "event study")
    result.insert(6, "confidence", confidence)
    result["outcome"] = outcome
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
    level = round(100 * float(table["confidence"].iloc[0])) if "confidence" in table.columns else 95
    label(ax, x=time_label, y=f"Effect ({unit}, {level}% CI)", title=title)
    ax.legend(loc="upper left")
    return fig, ax


