"""Difference-in-differences when units start at different times (staggered adoption).

When schools (or universities) join a programme in different years and the effect grows with
time in the programme, the usual two-way fixed-effects estimate compares late joiners with
early joiners who are already treated, and can be far from any real effect, even of the wrong
sign (Goodman-Bacon, 2021). :func:`staggered_did` gives a heterogeneity-robust estimate beside
the two-way fixed-effects one, so the two can be compared.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kit.errors import InputError, require_columns, require_numeric
from kit.policy._checks import _panel_frame
from kit.results import resolve_confidence

__all__ = ["staggered_did"]

ROBUST = "two-stage (Gardner 2022)"
TWFE = "two-way fixed effects"


def staggered_did(data: pd.DataFrame, outcome: str, unit: str, time: str, first_treated: str,
                  confidence: float = 0.95) -> pd.DataFrame:
    """The average effect of a programme that units joined in different years, robust to effects that differ.

    Gardner's (2022) two-stage difference-in-differences (pyfixest's ``did2s``): first, unit and
    year effects are estimated from the rows *not yet treated* (never-treated units and joiners
    before they join); second, the outcome with those effects taken away is regressed on the
    treatment indicator. Treated rows are only ever compared with untreated ones, so the
    estimate is the average effect on the treated rows whatever the pattern of effects. The
    two-way fixed-effects estimate of :func:`kit.policy.fixed_effects` is given beside it.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period.
    outcome : str
        Numeric outcome column.
    unit, time : str
        Columns identifying the unit and the period (whole numbers such as years).
    first_treated : str
        Column with the period each unit was first treated (the same in every row of a unit);
        missing, 0 or infinite for units never treated.
    confidence : float
        Confidence level (default 0.95).

    Returns
    -------
    pandas.DataFrame
        Two rows, ``method`` = ``"two-stage (Gardner 2022)"`` then ``"two-way fixed effects"``, with
        ``measure`` (``"staggered difference-in-differences"``), ``estimate`` (the average effect
        on treated rows, units of the outcome), ``ci_low``, ``ci_high``, ``n``, ``confidence``,
        ``se``, ``p_value``, ``n_units``, ``n_treated_units``, ``n_cohorts`` (distinct start
        periods), ``n_never_treated``, ``outcome``.

    Notes
    -----
    The two-stage estimate equals the imputation estimator of Borusyak, Jaravel & Spiess (2024)
    and R's ``did2s::did2s(data, yname, first_stage = ~ 0 | id + year, second_stage = ~ i(treat),
    treatment = "treat", cluster_var = "id")`` (Butts & Gardner 2022); its standard error is
    their GMM one, clustered by unit, which allows for the first stage having been estimated.
    The two-way fixed-effects row is :func:`kit.policy.fixed_effects` with the treatment
    ``time >= first_treated`` (Stata ``xtreg, fe vce(cluster id)`` convention). Units treated in
    every period of the data (no row before they start) are left out with a warning: their own
    level cannot be estimated. Checked on a simulated panel with a known average effect
    (tests/test_policy_staggered.py).

    References
    ----------
    Gardner, J. (2022). Two-stage differences in differences. arXiv:2207.05943.
    Butts, K. & Gardner, J. (2022). did2s: Two-stage difference-in-differences. *The R Journal*, 14(3), 162-173.
    Borusyak, K., Jaravel, X. & Spiess, J. (2024). Revisiting event-study designs: robust and efficient
    estimation. *Review of Economic Studies*, 91(6), 3253-3285.
    Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing.
    *Journal of Econometrics*, 225(2), 254-277.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(u, y, g, (y >= g) * (y - g + 1.0) if g else 0.0)     # the effect grows each year
    ...         for u, g in enumerate([0, 0, 2003, 2003, 2005, 2005]) for y in range(2000, 2008)]
    >>> panel = pd.DataFrame(rows, columns=["school", "year", "joined", "score"])
    >>> panel["score"] += panel["school"] + 0.5 * (panel["year"] - 2000)
    >>> result = staggered_did(panel, "score", "school", "year", "joined")
    >>> result[["method", "estimate"]].round(3)     # the true average effect on treated rows: 42 / 16
                         method  estimate
    0  two-stage (Gardner 2022)     2.625
    1     two-way fixed effects     1.929
    """
    import pyfixest as pf

    from kit.policy.panel import fixed_effects

    confidence = resolve_confidence(confidence)
    require_columns(data, [first_treated])
    require_numeric(data, [first_treated])
    frame = _panel_frame(data, outcome, unit, time, [first_treated], may_be_missing=(first_treated,))
    times = frame[time].to_numpy(dtype=float)
    if not np.all(np.isfinite(times)) or not np.all(times == np.round(times)):
        raise InputError(f"Column {time!r} should hold whole periods (such as years) for a staggered design.")
    start = frame[first_treated].to_numpy(dtype=float)
    never = ~np.isfinite(start) | (start == 0)
    start = np.where(never, 0.0, start)
    spread = pd.Series(start).groupby(frame[unit].to_numpy()).nunique()
    if (spread > 1).any():
        bad = spread.index[spread > 1][0]
        raise InputError(
            f"{first_treated!r} should be the same in every row of a unit, but {unit!r} {bad!r} has several values. "
            f"Give each unit the period it first joined, e.g. df[{first_treated!r}] = "
            f"df.groupby({unit!r})[{first_treated!r}].transform('min')."
        )
    if not np.all(start == np.round(start)):
        raise InputError(f"Column {first_treated!r} should hold whole periods (such as years), like {time!r}.")
    first_period = pd.Series(times).groupby(frame[unit].to_numpy()).transform("min").to_numpy()
    always = ~never & (start <= first_period)
    if always.any():
        dropped = pd.unique(frame[unit].to_numpy()[always])
        warnings.warn(
            f"{len(dropped)} unit(s) were treated in every period of the data (for example {dropped[0]!r}) and were "
            "left out: without a period before they started their own level cannot be estimated.",
            UserWarning, stacklevel=2,
        )
        frame, times, start, never = frame.loc[~always], times[~always], start[~always], never[~always]
    treated_rows = ~never & (times >= start)
    if not treated_rows.any():
        raise InputError(f"No row is treated: no unit reaches its {first_treated!r} period within the data.")
    if treated_rows.all():
        raise InputError("Every row is treated: the design needs rows before units start (or never-treated units).")
    untreated_times = set(times[~treated_rows])
    if not set(times[treated_rows]) <= untreated_times:
        late = sorted(set(times[treated_rows]) - untreated_times)[0]
        raise InputError(
            f"In {time} {late:g} every unit is already treated, so nothing shows what would have happened without "
            "the programme then. Include units that never joined (or joined later), or end the data earlier."
        )
    work = pd.DataFrame({"y": frame[outcome].to_numpy(dtype=float), "unit": pd.factorize(frame[unit])[0],
                         "time": times.astype(np.int64), "g": start.astype(np.int64)})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="pyfixest")
        fit = pf.event_study(work, yname="y", idname="unit", tname="time", gname="g", estimator="did2s",
                             att=True, cluster="unit")
    ci = fit.confint(alpha=1 - confidence).iloc[0]
    treated_units = pd.unique(frame[unit].to_numpy()[~never])
    common = {
        "n_units": int(frame[unit].nunique()), "n_treated_units": len(treated_units),
        "n_cohorts": int(np.unique(start[~never]).size), "n_never_treated": int(frame[unit].nunique() - len(treated_units)),
        "outcome": outcome,
    }
    robust = {"method": ROBUST, "measure": "staggered difference-in-differences",
              "estimate": float(fit.coef().iloc[0]), "ci_low": float(ci.iloc[0]), "ci_high": float(ci.iloc[1]),
              "n": int(len(work)), "confidence": confidence, "se": float(fit.se().iloc[0]),
              "p_value": float(fit.pvalue().iloc[0]), **common}
    panel = frame.assign(_treated_now=treated_rows.astype(float))
    fe = fixed_effects(panel, outcome, "_treated_now", unit, time, confidence=confidence).iloc[0]
    twfe = {**robust, "method": TWFE, **{k: fe[k] for k in ("estimate", "ci_low", "ci_high", "n", "se", "p_value")}}
    return pd.DataFrame([robust, twfe])
