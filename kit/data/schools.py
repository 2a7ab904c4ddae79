"""An England-like panel of schools: regions, local authorities, disadvantage and attainment by year.

Synthetic but calibrated to look like English school data: about 20,000 schools in the nine
regions, 150 local authorities, a share of disadvantaged pupils (the DfE measure: free school
meals at any time in the last six years, or looked after), attainment of disadvantaged and other pupils, and membership of a City
Challenge-like programme whose true effect is known (``frame.attrs["true_effect"]``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

REGIONS = (
    "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)
# Regions whose most disadvantaged local authorities join the programme (as City Challenge
# joined London, Greater Manchester and the Black Country in 2008).
PROGRAMME_REGIONS = ("London", "North West", "West Midlands")

COLUMNS = [
    Column("school_id", "School identifier (synthetic, stable across years)", "", "S00001 to S20000"),
    Column("region", "Region of England", "", "9 regions"),
    Column("local_authority", "Local authority (synthetic code: region initials and a number)", "", "150 authorities"),
    Column("phase", "Phase of education", "", "primary, secondary"),
    Column("year", "Academic year (the calendar year in which it ends)", "year", "2005 to 2014 by default"),
    Column("pupils", "Pupils in the assessed cohort", "pupils", "10 to about 400"),
    Column("disadvantaged", "Disadvantaged pupils in the cohort (DfE definition: eligible for free school meals at any "
           "time in the last six years, or looked after or previously looked after by a local authority)", "pupils", "0 to pupils"),
    Column("disadvantaged_share", "Share of the cohort that is disadvantaged (as in 'disadvantaged')", "proportion", "0 to 1"),
    Column("attainment", "Mean attainment score of the cohort", "points", "about 20 to 80"),
    Column("attainment_disadvantaged", "Mean attainment of disadvantaged pupils (missing if none)", "points", "about 15 to 80"),
    Column("attainment_other", "Mean attainment of other pupils (missing if none)", "points", "about 20 to 85"),
    Column("programme", "School is in a local authority that joined the City Challenge-like programme in 2008", "", "True, False"),
]


@dataset(
    "schools_panel",
    description="England-like panel of schools by year: region, local authority, disadvantage, attainment, programme membership.",
    teaches="Attainment gaps; variation within, between and beyond schools; policy evaluation with a known programme effect.",
    source="Synthetic (kit.data.schools); calibrated to the shape of English school performance data.",
    columns=COLUMNS,
)
def build(
    seed: int = 2024,
    n_schools: int = 20_000,
    years: tuple[int, ...] | range = tuple(range(2005, 2015)),
    programme_start: int = 2008,
    true_effect: float = 1.5,
) -> pd.DataFrame:
    """Build the schools panel.

    ``true_effect`` is the programme's true gain in mean attainment (points) for member schools
    in every year from ``programme_start`` on; disadvantaged pupils gain 1.5 times as much.

    >>> panel = build(n_schools=200, years=(2007, 2008))
    >>> sorted(panel["year"].unique().tolist())
    [2007, 2008]
    >>> panel.attrs["true_effect"]
    1.5
    """
    years = tuple(int(y) for y in years)
    if n_schools < 9 or not years:
        raise InputError("schools_panel needs at least 9 schools and one year.")
    rng = np.random.default_rng(seed)
    n_la = min(150, max(9, n_schools // 20))

    # Local authorities: region, deprivation, an area effect on attainment.
    la_region = np.arange(n_la) % len(REGIONS)
    la_deprivation = rng.beta(2.0, 5.0, n_la)
    la_effect = rng.normal(0.0, 1.5, n_la)
    la_names = np.array([
        "".join(w[0] for w in REGIONS[r].split() if w[0].isupper()) + f"-{i:03d}"
        for i, r in enumerate(la_region)
    ])
    # The most deprived authorities of the programme regions join.
    in_prog_region = np.isin(np.array(REGIONS)[la_region], PROGRAMME_REGIONS)
    cut = np.quantile(la_deprivation[in_prog_region], 0.5)
    la_programme = in_prog_region & (la_deprivation >= cut)

    # Schools.
    school_la = rng.integers(0, n_la, n_schools)
    secondary = rng.random(n_schools) < 0.17
    cohort = np.where(secondary, rng.normal(180, 50, n_schools), rng.normal(45, 18, n_schools))
    cohort = np.clip(np.round(cohort), 10, 400).astype(int)
    share = np.clip(rng.beta(2.0, 6.0, n_schools) * 0.6 + la_deprivation[school_la] * 0.5, 0.0, 0.95)
    school_effect = rng.normal(0.0, 3.0, n_schools) - 6.0 * share  # selection and composition
    gap = rng.normal(9.0, 2.0, n_schools)
    trend = rng.normal(0.4, 0.15, n_schools)  # improvement per year

    rows = []
    for year in years:
        t = year - years[0]
        member = la_programme[school_la]
        treated_now = member & (year >= programme_start)
        n_pupils = np.maximum(10, cohort + rng.integers(-5, 6, n_schools))
        n_dis = rng.binomial(n_pupils, share)
        base = 50.0 + la_effect[school_la] + school_effect + trend * t
        other = base + rng.normal(0, 2.0, n_schools) + true_effect * treated_now
        dis = base - gap + rng.normal(0, 2.5, n_schools) + 1.5 * true_effect * treated_now
        att_other = np.where(n_dis < n_pupils, np.round(other, 1), np.nan)
        att_dis = np.where(n_dis > 0, np.round(dis, 1), np.nan)
        mean = (np.nan_to_num(att_other) * (n_pupils - n_dis) + np.nan_to_num(att_dis) * n_dis) / n_pupils
        rows.append(pd.DataFrame({
            "school_id": [f"S{i + 1:05d}" for i in range(n_schools)],
            "region": np.array(REGIONS)[la_region[school_la]],
            "local_authority": la_names[school_la],
            "phase": np.where(secondary, "secondary", "primary"),
            "year": year,
            "pupils": n_pupils,
            "disadvantaged": n_dis,
            "disadvantaged_share": np.round(n_dis / n_pupils, 3),
            "attainment": np.round(mean, 1),
            "attainment_disadvantaged": att_dis,
            "attainment_other": att_other,
            "programme": member,
        }))
    frame = pd.concat(rows, ignore_index=True)
    frame["region"] = frame["region"].astype("category")
    frame["phase"] = frame["phase"].astype("category")
    frame.attrs["true_effect"] = true_effect
    frame.attrs["programme_start"] = programme_start
    return frame
