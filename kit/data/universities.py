"""A 985-project-like panel of Chinese universities: research outputs per year, 1998-2013, with a known effect.

Synthetic. China's "985 project" (announced in May 1998) gave large extra funding to a group of
key universities from 1999 (phase I). The seed case studied its effect on the research outputs of
67 key institutions using total journal publications 1998-2013. Here 67 treated institutions and a
comparison group of other universities publish more every year (the national expansion of
research); the treated ones gain a known extra ``true_effect`` (on the log scale) from the start
year, and with ``pre_trend`` they also grow faster all along, which breaks difference-in-differences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

PROVINCES = (
    "Beijing", "Shanghai", "Jiangsu", "Zhejiang", "Hubei", "Guangdong", "Shaanxi", "Sichuan",
    "Tianjin", "Shandong", "Hunan", "Liaoning", "Heilongjiang", "Jilin", "Fujian", "Anhui",
    "Chongqing", "Gansu", "Henan", "Yunnan",
)
TYPES = ("comprehensive", "science and engineering", "normal (teacher education)", "agriculture", "medicine")

COLUMNS = [
    Column("institution_id", "Institution identifier (synthetic)", "", "U001 to U167 by default"),
    Column("province", "Province or municipality where the institution is", "", "20 provinces"),
    Column("type", "Kind of institution", "", ", ".join(TYPES)),
    Column("treated", "Institution is in the 985-like programme", "", "True, False"),
    Column("start_year", "Year the programme's funding started for treated institutions (missing for others)", "year", "1999 by default"),
    Column("year", "Calendar year of the publications", "year", "1998 to 2013 by default"),
    Column("post", "Year is on or after the programme's start year", "", "True, False"),
    Column("treated_post", "Treated institution in a year on or after the start (treated and post)", "", "True, False"),
    Column("academic_staff", "Full-time academic staff", "people", "about 300 to 5,000"),
    Column("publications", "Research journal publications in the year (total count)", "papers", "about 20 to 20,000"),
    Column("log_publications", "Natural logarithm of publications; a change of 0.1 is about 10%", "log papers", "about 3 to 10"),
]


@dataset(
    "universities_985",
    description="985-project-like panel: research publications of 67 treated and comparison universities per year, 1998-2013.",
    teaches="Before-after versus difference-in-differences; parallel trends; event studies; two-way fixed effects.",
    source="Synthetic (kit.data.universities); modelled on studies of China's 985 project (phase I from 1999).",
    columns=COLUMNS,
)
def build(
    seed: int = 2024,
    n_treated: int = 67,
    n_comparison: int = 100,
    first_year: int = 1998,
    last_year: int = 2013,
    start_year: int = 1999,
    true_effect: float = 0.20,
    pre_trend: float = 0.0,
    growth: float = 0.13,
) -> pd.DataFrame:
    """Build the universities panel.

    Parameters
    ----------
    n_treated, n_comparison : int
        Institutions in the programme and in the comparison group.
    first_year, last_year : int
        Years covered. ``first_year`` earlier than 1998 imagines a longer record before the
        programme (useful to check parallel trends in an event study).
    start_year : int
        First year of programme funding for treated institutions (phase I: 1999).
    true_effect : float
        Extra log publications of treated institutions in every year from ``start_year``
        (0.20 is about 22% more papers); stored in ``attrs["true_effect"]``.
    pre_trend : float
        Extra yearly growth (log points) of treated institutions in all years, before and after
        the start: when it is not 0, trends are not parallel and difference-in-differences is biased.
    growth : float
        Common yearly growth of publications (log points) for every institution.

    >>> unis = build(n_treated=5, n_comparison=5, first_year=1998, last_year=2001)
    >>> unis.shape
    (40, 11)
    >>> unis.attrs["true_effect"], unis.attrs["start_year"]
    (0.2, 1999)
    """
    if n_treated < 2 or n_comparison < 2:
        raise InputError("universities_985 needs at least 2 treated and 2 comparison institutions.")
    if not first_year < start_year <= last_year:
        raise InputError(
            f"start_year ({start_year}) must be after first_year ({first_year}) and not after last_year ({last_year}), "
            "so that there are years before and after the programme."
        )
    rng = np.random.default_rng(seed)
    n = n_treated + n_comparison
    treated = np.arange(n) < n_treated
    kind = np.where(treated, rng.choice(len(TYPES), n, p=[0.55, 0.35, 0.04, 0.03, 0.03]),
                    rng.choice(len(TYPES), n, p=[0.3, 0.35, 0.15, 0.1, 0.1]))
    province = rng.integers(0, len(PROVINCES), n)
    # Treated institutions are larger and already publish more in 1998: selection on level.
    level = np.where(treated, rng.normal(6.3, 0.45, n), rng.normal(5.0, 0.6, n))
    own_growth = rng.normal(0.0, 0.015, n)
    staff = np.round(np.exp(np.where(treated, rng.normal(7.6, 0.35, n), rng.normal(6.8, 0.45, n))))
    years = np.arange(first_year, last_year + 1)
    shocks = rng.normal(0.0, 0.03, len(years))  # national ups and downs shared by all

    unit = np.repeat(np.arange(n), len(years))
    year = np.tile(years, n)
    t = year - 1998
    after = year >= start_year
    log_mu = (level[unit] + (growth + own_growth[unit] + pre_trend * treated[unit]) * t
              + np.tile(shocks, n) + true_effect * (treated[unit] & after) + rng.normal(0.0, 0.06, len(unit)))
    publications = np.maximum(1, rng.poisson(np.exp(log_mu)))
    frame = pd.DataFrame({
        "institution_id": [f"U{i + 1:03d}" for i in unit],
        "province": np.array(PROVINCES)[province[unit]],
        "type": np.array(TYPES)[kind[unit]],
        "treated": treated[unit],
        "start_year": np.where(treated[unit], float(start_year), np.nan),
        "year": year,
        "post": after,
        "treated_post": treated[unit] & after,
        "academic_staff": (staff[unit] * np.exp(0.02 * t)).round().astype(int),
        "publications": publications.astype(int),
        "log_publications": np.round(np.log(publications), 4),
    })
    frame["type"] = frame["type"].astype("category")
    frame.attrs.update(true_effect=true_effect, start_year=start_year, pre_trend=pre_trend,
                       true_effect_percent=round(100 * (np.exp(true_effect) - 1), 1))
    return frame
