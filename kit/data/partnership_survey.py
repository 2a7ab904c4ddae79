"""Partnership health survey (three waves) and attainment of member and comparison schools.

Two datasets for the partnership strand, using the networked learning community's IDs
(schools ``NLC01``..``NLC60``, trios ``T01``..``T20``, clusters ``C1``..``C4``):

* ``partnership_survey``: answers of each school's leader and three teachers to twelve Likert
  items on trust, shared goals and participation (Dhillon, 2007, 2009), three of them
  reverse-keyed, and how much value they say the partnership brings, in three yearly waves.
  Schools with more advice ties in ``nlc_ties`` (same seed) are more engaged and report more value.
  ``raw=True`` gives the answers as typed in, with a few missing and impossible values.
* ``partnership_attainment``: attainment of the 60 member schools and of comparison schools,
  before and after the partnership began, with a known effect (``attrs["true_effect"]``).
  Members were chosen because they were more disadvantaged and lower attaining, and such
  schools were improving faster anyway, so a naive comparison misleads and a matched
  difference-in-differences recovers the truth.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError
from kit.instruments import ITEMS, REVERSE_ITEMS, SCALES  # the questionnaire, shared with the workshop app

N_SCHOOLS = 60

# Growth of each scale's latent mean per wave, by cluster (the design's truth): C4 stalls.
GROWTH = {"C1": 0.35, "C2": 0.30, "C3": 0.25, "C4": 0.0}


def school_ids(n: int = N_SCHOOLS) -> pd.DataFrame:
    """School, trio and cluster IDs of the networked learning community (shared with the other strands).

    >>> school_ids().iloc[[0, 2, 3, 59]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'school_id': 'NLC01', 'trio': 'T01', 'cluster': 'C1'}, {'school_id': 'NLC03', 'trio': 'T01', 'cluster': 'C1'},
     {'school_id': 'NLC04', 'trio': 'T02', 'cluster': 'C1'}, {'school_id': 'NLC60', 'trio': 'T20', 'cluster': 'C4'}]
    """
    k = np.arange(1, n + 1)
    return pd.DataFrame({
        "school_id": [f"NLC{i:02d}" for i in k],
        "trio": [f"T{math.ceil(i / 3):02d}" for i in k],
        "cluster": [f"C{math.ceil(i / 15)}" for i in k],
    })


SURVEY_COLUMNS = [
    Column("respondent_id", "Person answering: school, then L (leader) or T1-T3 (teachers); the role slot is kept across waves, the person may change", "", "NLC01-L to NLC60-T3"),
    Column("school_id", "School in the networked learning community", "", "NLC01 to NLC60"),
    Column("trio", "School trio (three schools that work most closely together)", "", "T01 to T20"),
    Column("cluster", "Cluster of five trios", "", "C1 to C4"),
    Column("role", "Role of the respondent", "", "leader, teacher"),
    Column("wave", "Survey wave: 1 = June 2006, at the launch, before joint work began; 2 = June 2007; 3 = June 2008", "", "1, 2, 3"),
    Column("year", "Year of the wave (summer term)", "year", "2006 to 2008"),
    *[Column(name, f"'{text}'" + (" (REVERSE-KEYED: agreeing means less)" if name in REVERSE_ITEMS else ""),
             "1 = strongly disagree ... 5 = strongly agree", "1 to 5")
      for name, text in ITEMS.items()],
    Column("value", "'Overall, how much value does the partnership bring to your school?'", "0 = none ... 10 = a great deal", "0 to 10"),
]


def _clip_round(x: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.round(x), low, high).astype("int64")


@dataset(
    "partnership_survey",
    description="Partnership health survey of the 60-school networked learning community: trust, shared goals and participation items (three reverse-keyed) and the reported value of the partnership; leaders and teachers, three waves.",
    teaches="Likert scales, reverse-keyed items, scale scores, Cronbach's alpha, aggregating to partnerships, comparing waves; data cleaning with raw=True.",
    source="Synthetic (kit.data.partnership_survey); items modelled on Dhillon (2007, 2009) on trust, shared goals and participation in partnerships.",
    columns=SURVEY_COLUMNS,
)
def build_survey(seed: int = 2024, raw: bool = False) -> pd.DataFrame:
    """Build the partnership survey (720 rows: 60 schools x 4 respondents x 3 waves).

    ``raw=True`` returns the answers as typed in: a few answers are missing and a few are
    impossible (0, 6, 44), for the data-cleaning lesson; the clean table has none.
    ``attrs`` hold the item wording, the reverse-keyed items, the scales (in the form
    :func:`kit.survey.score_scales` takes) and the design's growth per wave by cluster.

    >>> survey = build_survey()
    >>> survey.shape
    (720, 20)
    >>> survey.attrs["reverse_items"]
    ['trust3', 'goals4', 'part2']
    """
    rng = np.random.default_rng(seed)
    ids = school_ids()
    n = len(ids)
    cluster_no = ids["cluster"].str[1:].astype(int).to_numpy() - 1
    trio_no = ids["trio"].str[1:].astype(int).to_numpy() - 1
    # School-level starting points: cluster and trio effects, and how engaged the school is.
    cluster_eff = np.array([0.15, 0.0, -0.1, -0.25])[cluster_no]
    trio_eff = rng.normal(0, 0.25, 20)[trio_no]
    # How engaged a school is drives its participation and the value it reports; engaged schools
    # also have more advice ties in the community's network (kit.data "nlc_ties", same seed).
    degree = _advice_degree(seed, ids["school_id"].tolist())
    school_part = rng.normal(0, 1, n)
    growth = np.array([GROWTH[c] for c in ids["cluster"]])
    roles = ["L", "T1", "T2", "T3"]
    rows = []
    for wave in (1, 2, 3):
        z = (degree[wave] - degree[wave].mean()) / degree[wave].std()
        engagement = 0.6 * z + 0.8 * school_part
        for r, slot in enumerate(roles):
            person = rng.normal(0, 0.45, n)  # this person's general outlook
            base = cluster_eff + trio_eff + growth * (wave - 1) + person
            latent = {
                "trust": base + rng.normal(0, 0.25, n),
                "goals": base + 0.2 * (r == 0) + rng.normal(0, 0.25, n),
                "part": base + 0.35 * engagement + 0.3 * (r == 0) + rng.normal(0, 0.25, n),
            }
            answers = {}
            for item in ITEMS:
                stem = item.rstrip("0123456789")
                y = 3.3 + 0.95 * latent[stem] + rng.normal(0, 0.6, n)
                answers[item] = _clip_round(6 - y if item in REVERSE_ITEMS else y, 1, 5)
            value = 5.5 + 1.1 * engagement + 0.8 * (latent["trust"] + latent["goals"]) / 2 + rng.normal(0, 1.0, n)
            rows.append(pd.DataFrame({
                "respondent_id": ids["school_id"] + f"-{slot}",
                "school_id": ids["school_id"], "trio": ids["trio"], "cluster": ids["cluster"],
                "role": "leader" if r == 0 else "teacher",
                "wave": wave, "year": 2005 + wave,
                **answers,
                "value": _clip_round(value, 0, 10),
            }))
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.sort_values(["wave", "school_id", "respondent_id"], kind="stable").reset_index(drop=True)
    if raw:
        frame = _make_raw(frame, rng)
    frame.attrs["items"] = dict(ITEMS)
    frame.attrs["reverse_items"] = list(REVERSE_ITEMS)
    frame.attrs["scales"] = {k: list(v) for k, v in SCALES.items()}
    frame.attrs["growth_per_wave"] = dict(GROWTH)
    frame.attrs["value_model"] = ("value = 5.5 + 1.1 * engagement + 0.8 * mean(trust, goals) + noise; "
                                  "engagement = 0.6 * z(advice degree in the wave) + 0.8 * a school effect")
    return frame


def _advice_degree(seed: int, schools: list[str]) -> dict[int, np.ndarray]:
    """Each school's degree (ties in + out) in the advice network of each wave of ``nlc_ties``."""
    from kit.data.catalogue import get

    ties = get("nlc_ties").build(seed=seed)
    advice = ties[ties["relation"] == "advice"]
    out = {}
    for wave in (1, 2, 3):
        w = advice[advice["wave"] == wave]
        counts = pd.concat([w["source"], w["target"]]).value_counts()
        out[wave] = counts.reindex(schools, fill_value=0).to_numpy(dtype=float)
    return out


def _make_raw(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    raw = frame.copy()
    items = list(ITEMS)
    for col in items:
        raw[col] = raw[col].astype("float64")
    cells = rng.choice(len(raw) * len(items), size=16, replace=False)
    for m, cell in enumerate(cells):
        r, c = divmod(int(cell), len(items))
        raw.iloc[r, raw.columns.get_loc(items[c])] = np.nan if m < 10 else (44.0, 0.0, 6.0, 55.0, 0.0, 6.0)[m - 10]
    return raw


ATTAINMENT_COLUMNS = [
    Column("school_id", "School: NLC01-NLC60 are partnership members, CMP001... comparison schools", "", "NLC01 to NLC60, CMP001 to CMP240"),
    Column("member", "School joined the partnership (networked learning community)", "", "True, False"),
    Column("trio", "Member school's trio (missing for comparison schools)", "", "T01 to T20"),
    Column("cluster", "Member school's cluster (missing for comparison schools)", "", "C1 to C4"),
    Column("year", "Academic year (calendar year in which it ends)", "year", "2003 to 2010"),
    Column("post", "The school year is one of the partnership's: its joint work began in September 2006, so 2007 (the school year 2006/07) is its first (year >= 2007)", "", "True, False"),
    Column("pupils", "Pupils in the assessed cohort", "pupils", "15 to 90"),
    Column("disadvantaged_share", "Share of the cohort that is disadvantaged (eligible for free school meals)", "proportion", "0 to 1"),
    Column("attainment", "Mean attainment score of the cohort", "points", "about 25 to 75"),
]


@dataset(
    "partnership_attainment",
    description="Attainment by year of the 60 partnership schools and 240 comparison schools, 2003-2010, with disadvantage; the partnership's joint work began in September 2006 (school year 2007 in the data) with a known effect.",
    teaches="Comparison groups, selection bias, matched comparison on disadvantage and prior attainment, difference-in-differences, honest reporting to commissioners.",
    source="Synthetic (kit.data.partnership_survey); design modelled on evaluations of school networks such as the NLC programme and City Challenge.",
    columns=ATTAINMENT_COLUMNS,
)
def build_attainment(
    seed: int = 2024,
    n_comparison: int = 240,
    years: tuple[int, ...] | range = tuple(range(2003, 2011)),
    start_year: int = 2007,
    true_effect: float = 2.0,
) -> pd.DataFrame:
    """Build attainment by year for member and comparison schools.

    Members are more disadvantaged and lower attaining than other schools; schools like that
    improve faster anyway (by about 0.1 points a year per 10 points of disadvantage share, and
    faster the lower they start). The partnership adds ``true_effect`` points from
    ``start_year``. ``attrs["true_effect"]`` and ``attrs["start_year"]`` hold the truth.

    >>> panel = build_attainment(n_comparison=60, years=(2005, 2008))
    >>> panel.shape, panel.attrs["true_effect"]
    ((240, 9), 2.0)
    """
    years = tuple(int(y) for y in years)
    if n_comparison < N_SCHOOLS:
        raise InputError(f"n_comparison should be at least {N_SCHOOLS} so that every member school can be matched.")
    if not years or not (min(years) < start_year <= max(years)):
        raise InputError("years must include at least one year before start_year and one from it on.")
    rng = np.random.default_rng(seed)
    n_all = N_SCHOOLS + n_comparison
    member = np.arange(n_all) < N_SCHOOLS
    share = np.where(member, rng.beta(4.0, 5.5, n_all), rng.beta(2.2, 5.0, n_all))
    level = 54.0 - 16.0 * share + rng.normal(0, 3.0, n_all) - 2.0 * member  # members chosen as lower attaining
    slope = 0.25 + 1.2 * (share - 0.3) - 0.06 * (level - 50.0) + rng.normal(0, 0.08, n_all)
    cohort = rng.integers(20, 80, n_all)
    ids = school_ids()
    school_id = np.concatenate([ids["school_id"].to_numpy(), [f"CMP{i:03d}" for i in range(1, n_comparison + 1)]])
    trio = np.concatenate([ids["trio"].to_numpy(), [None] * n_comparison])
    cluster = np.concatenate([ids["cluster"].to_numpy(), [None] * n_comparison])
    rows = []
    for year in years:
        t = year - years[0]
        post = year >= start_year
        pupils = np.clip(cohort + rng.integers(-6, 7, n_all), 15, 90)
        dis = rng.binomial(pupils, share)
        y = level + slope * t + true_effect * (member & post) + rng.normal(0, 1.6, n_all)
        rows.append(pd.DataFrame({
            "school_id": school_id, "member": member, "trio": trio, "cluster": cluster,
            "year": year, "post": post, "pupils": pupils,
            "disadvantaged_share": np.round(dis / pupils, 3),
            "attainment": np.round(y, 1),
        }))
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.sort_values(["school_id", "year"], kind="stable").reset_index(drop=True)
    frame["trio"] = frame["trio"].astype("string")
    frame["cluster"] = frame["cluster"].astype("string")
    frame.attrs["true_effect"] = float(true_effect)
    frame.attrs["start_year"] = int(start_year)
    return frame
