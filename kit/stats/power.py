"""Power and sample size for comparing two group means (statsmodels' TTestIndPower)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.errors import ColumnTypeError, InputError
from kit.results import sentence

__all__ = ["power_analysis"]


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
