"""A staggered roll-out: universities join a 985-like programme in waves, and the effect grows.

Synthetic. The real 985 project did not fund every university from 1999: 34 universities joined
in 1999 and further ones in waves up to 2004 (39 in all by 2004). Here ``n_per_wave``
universities join in each of three waves (1999, 2001, 2004) and a comparison group never joins.
The programme's effect on log publications is **dynamic**: it is ``effect_start`` in a
university's first funded year and grows by ``effect_growth`` each year after (money buys
laboratories and staff, whose papers come later). With effects that change over time, the
two-way fixed-effects regression uses universities that joined earlier as controls for those
that joined later, and its single number is not the average effect (Goodman-Bacon, 2021; de
Chaisemartin and D'Haultfoeuille, 2020). The truth is stored so a notebook can show it.

``attrs["true_att"]`` is the average effect over every funded university-year in the panel (the
"simple" aggregation of Callaway and Sant'Anna, 2021, weights each funded university-year
equally); ``attrs["true_effect_by_event_time"]`` maps years since joining (0 = first year) to
the true effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

WAVES = (1999, 2001, 2004)

COLUMNS = [
    Column("institution_id", "Institution identifier (synthetic)", "", "S001 to S100 by default"),
    Column("wave", "When the institution joined the programme", "", "1999, 2001, 2004, never"),
    Column("first_treated", "First year of programme funding; 0 for institutions that never joined", "year",
           "0, 1999, 2001, 2004"),
    Column("year", "Calendar year of the publications", "year", "1995 to 2013 by default"),
    Column("treated_post", "Institution is funded in this year (year on or after first_treated)", "", "True, False"),
    Column("event_time", "Years since joining (0 = first funded year; negative before); missing if never joined",
           "years", "-9 to 14"),
    Column("publications", "Research journal publications in the year (total count)", "papers", "about 20 to 30,000"),
    Column("log_publications", "Natural logarithm of publications; a change of 0.1 is about 10%", "log papers",
           "about 3 to 10"),
]


def _effect(event_time, start: float, growth: float):
    return np.where(event_time >= 0, start + growth * np.maximum(event_time, 0), 0.0)


@dataset(
    "universities_staggered",
    description="985-like programme rolled out in three waves (1999, 2001, 2004) with an effect that grows; "
                "publications of 100 universities, 1995-2013.",
    teaches="Staggered adoption: why two-way fixed effects misleads when effects change over time, and "
            "heterogeneity-robust difference-in-differences (Callaway and Sant'Anna) that recovers the truth.",
    source="Synthetic (kit.data.staggered); waves modelled on the 985 project's phases, 1999-2004.",
    columns=COLUMNS,
)
def build(
    seed: int = 2024,
    n_per_wave: int = 20,
    n_never: int = 40,
    first_year: int = 1995,
    last_year: int = 2013,
    effect_start: float = 0.05,
    effect_growth: float = 0.05,
    growth: float = 0.13,
) -> pd.DataFrame:
    """Build the staggered universities panel.

    Parameters
    ----------
    n_per_wave : int
        Universities joining in each wave (1999, 2001, 2004).
    n_never : int
        Comparison universities that never join.
    first_year, last_year : int
        Years covered; they must include every wave's start.
    effect_start, effect_growth : float
        The effect (log points) in the first funded year, and its rise each later year.
    growth : float
        Common yearly growth of log publications for every institution.

    >>> panel = build(n_per_wave=2, n_never=2, first_year=1997, last_year=2006)
    >>> panel.shape
    (80, 8)
    >>> sorted(panel["first_treated"].unique().tolist())
    [0, 1999, 2001, 2004]
    >>> panel.attrs["true_effect_by_event_time"][0], panel.attrs["true_effect_by_event_time"][2]
    (0.05, 0.15)
    """
    if n_per_wave < 1 or n_never < 2:
        raise InputError("universities_staggered needs at least 1 university per wave and 2 that never join.")
    if not first_year < WAVES[0] or last_year < WAVES[-1]:
        raise InputError(f"The years must run from before {WAVES[0]} to {WAVES[-1]} or later "
                         f"(got {first_year} to {last_year}).")
    rng = np.random.default_rng(seed)
    n = len(WAVES) * n_per_wave + n_never
    first = np.array([w for w in WAVES for _ in range(n_per_wave)] + [0] * n_never)
    joined = first > 0
    # Universities chosen earlier were larger already: selection on level, which fixed effects remove.
    level = np.where(first == 1999, rng.normal(6.4, 0.4, n),
                     np.where(joined, rng.normal(6.0, 0.4, n), rng.normal(5.0, 0.6, n)))
    own_growth = rng.normal(0.0, 0.01, n)
    years = np.arange(first_year, last_year + 1)
    shocks = rng.normal(0.0, 0.03, len(years))
    unit = np.repeat(np.arange(n), len(years))
    year = np.tile(years, n)
    event = np.where(joined[unit], year - first[unit], -10_000)
    effect = _effect(event, effect_start, effect_growth)
    t = year - first_year
    log_mu = (level[unit] + (growth + own_growth[unit]) * t + np.tile(shocks, n) + effect
              + rng.normal(0.0, 0.05, len(unit)))
    publications = np.maximum(1, rng.poisson(np.exp(log_mu)))
    frame = pd.DataFrame({
        "institution_id": [f"S{i + 1:03d}" for i in unit],
        "wave": np.where(joined[unit], first[unit].astype(str), "never"),
        "first_treated": first[unit].astype(int),
        "year": year,
        "treated_post": joined[unit] & (year >= first[unit]),
        "event_time": np.where(joined[unit], year - first[unit], np.nan),
        "publications": publications.astype(int),
        "log_publications": np.round(np.log(publications), 4),
    })
    funded = frame["treated_post"].to_numpy()
    max_event = int(last_year - WAVES[0])
    frame.attrs.update(
        true_att=round(float(effect[funded].mean()), 4),
        true_effect_by_event_time={k: round(effect_start + effect_growth * k, 4) for k in range(max_event + 1)},
        waves=list(WAVES),
    )
    return frame
