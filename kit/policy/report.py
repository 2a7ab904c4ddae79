"""Plain-language sentences for the results of :mod:`kit.policy` (registered with :func:`kit.results.sentence`)."""

from __future__ import annotations

import pandas as pd

from kit.results import level_text, sentence
from kit.results import report as _report

__all__ = ["report"]


def report(result: pd.DataFrame, unit: str = "points") -> str:
    """One plain-language sentence for a result (the same as ``kit.report``; any kit result works).

    >>> import pandas as pd
    >>> from kit.policy import did
    >>> toy = pd.DataFrame({"score": [10, 11, 10, 12, 20, 21, 24, 26],
    ...                     "treated": [0, 0, 0, 0, 1, 1, 1, 1], "post": [0, 0, 1, 1, 0, 0, 1, 1]})
    >>> print(report(did(toy, "score", "treated", "post")))  # doctest: +ELLIPSIS
    Difference-in-differences: score changed by 4.00 points more in the treated group (+4.50) than in the comparison group (+0.50); 95% CI ... to ...; p = ...; n = 8.
    """
    return _report(result, unit=unit)


def _p(p: float) -> str:
    return "< .001" if p < 0.001 else f"= {p:.3f}"


def _ci(result: pd.DataFrame, r) -> str:
    text = f"{level_text(result)} CI {r['ci_low']:.2f} to {r['ci_high']:.2f}; p {_p(r['p_value'])}; n = {int(r['n'])}"
    if "n_clusters" in result.columns and pd.notna(r["n_clusters"]):
        text += f" in {int(r['n_clusters'])} clusters"
    return text


@sentence("difference-in-differences")
def _did(result: pd.DataFrame, unit: str = "points") -> str:
    r = result.iloc[0]
    more = "more" if r["estimate"] >= 0 else "less"
    return (f"Difference-in-differences: {r.get('outcome', 'the outcome')} changed by {abs(r['estimate']):.2f} {unit} "
            f"{more} in the treated group ({r['treated_change']:+.2f}) than in the comparison group "
            f"({r['comparison_change']:+.2f}); {_ci(result, r)}.")


@sentence("before-after")
def _before_after(result: pd.DataFrame, unit: str = "points") -> str:
    r = result.iloc[0]
    return (f"Before-after: {r.get('outcome', 'the outcome')} was {r['estimate']:+.2f} {unit} different after than "
            f"before ({r['before']:.2f} to {r['after']:.2f}); {_ci(result, r)}. This includes everything else that "
            "changed meanwhile.")


@sentence("two-way fixed effects")
def _fixed_effects(result: pd.DataFrame, unit: str = "points") -> str:
    r = result.iloc[0]
    return (f"Two-way fixed effects: being treated is associated with {r['estimate']:+.2f} {unit} of "
            f"{r.get('outcome', 'the outcome')}, comparing each unit with itself over time and each year with itself "
            f"across units; {_ci(result, r)}.")


@sentence("event study")
def _event_study(result: pd.DataFrame, unit: str = "points") -> str:
    row = result[~result["reference"].astype(bool)]
    post, pre = row[row["event_time"] >= 0], row[row["event_time"] < 0]
    level = level_text(result)
    text = (f"Event study: after the start the effects range from {post['estimate'].min():.2f} to "
            f"{post['estimate'].max():.2f} {unit}")
    if len(pre):
        outside = int(((pre["ci_low"] > 0) | (pre["ci_high"] < 0)).sum())
        text += (f"; {outside} of {len(pre)} earlier period(s) differ from zero at the {level} level"
                 + (" (a warning sign that trends were not parallel)." if outside else
                    " (no sign of diverging trends before the start)."))
    else:
        text += "; there is no earlier period to check the trends before the start."
    return text


@sentence("interrupted time series")
def _its(result: pd.DataFrame, unit: str = "points") -> str:
    parts = {r.term: r for r in result.itertuples()}
    lc, sc = parts["level_change"], parts["slope_change"]
    level = level_text(result)
    return (f"Interrupted time series: at the start the level changed by {lc.estimate:.2f} {unit} "
            f"({level} CI {lc.ci_low:.2f} to {lc.ci_high:.2f}) and the yearly trend by {sc.estimate:+.2f} {unit} "
            f"per period ({level} CI {sc.ci_low:.2f} to {sc.ci_high:.2f}); n = {int(lc.n)}.")


@sentence("staggered difference-in-differences")
def _staggered(result: pd.DataFrame, unit: str = "points") -> str:
    robust, twfe = result.iloc[0], result.iloc[-1]
    level = level_text(result)
    text = (f"Staggered difference-in-differences ({int(robust['n_treated_units'])} treated units in "
            f"{int(robust['n_cohorts'])} start cohort(s), {int(robust['n_never_treated'])} never treated): the average "
            f"effect on the treated is {robust['estimate']:+.2f} {unit} ({level} CI {robust['ci_low']:.2f} to "
            f"{robust['ci_high']:.2f}; p {_p(robust['p_value'])}), comparing treated rows only with not-yet-treated ones.")
    if len(result) > 1:
        text += (f" The usual two-way fixed-effects estimate is {twfe['estimate']:+.2f} {unit}"
                 + ("; the gap shows that effects differ between cohorts or over time, which that estimate mishandles."
                    if abs(twfe["estimate"] - robust["estimate"]) > robust["se"] else "; close to it."))
    return text
