"""Pupils nested in schools nested in local authorities, with known variance shares and effects.

Synthetic. Each pupil has an autumn and a summer test score (standardised-score scale, mean
about 100); some are disadvantaged; half the pupils of every school were offered a tutoring
programme at random (a pupil-level trial) and half the schools joined a whole-school
programme at random (a school-level trial). Everything the notebooks estimate has a known
true value in ``frame.attrs``: the true effects, the true share of variation between
schools (ICC) and the true variance components.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

COLUMNS = [
    Column("pupil_id", "Pupil identifier (synthetic)", "", "P00001 upwards"),
    Column("school_id", "School identifier (synthetic)", "", "SCH001 upwards"),
    Column("local_authority", "Local authority (synthetic)", "", "LA01 to LA20 by default"),
    Column("disadvantaged", "Pupil is disadvantaged (eligible for free school meals)", "", "True, False"),
    Column("school_disadvantaged_share", "Share of the school's pupils in the data who are disadvantaged", "proportion", "0 to 1"),
    Column("prior_score", "Autumn test score (before the programmes)", "points", "about 45 to 150"),
    Column("tutoring", "Pupil was offered small-group tutoring (chosen at random, half of each school)", "", "True, False"),
    Column("programme", "School joined a whole-school literacy programme (half the schools, chosen at random)", "", "True, False"),
    Column("score", "Summer test score (after the programmes)", "points", "about 50 to 155"),
]

# The generating model (points on the score scale). Kept here so the attrs can report them.
SD_LA = 3.0          # beyond schools: local authority
SD_SCHOOL = 4.0      # between schools within an authority
SD_PUPIL = 11.0      # within schools: stable pupil differences
SD_TEST = 5.0        # test-day noise in each test (what makes regression to the mean)
GAP = 6.0            # disadvantaged pupils, same school
CONTEXT = 15.0       # lower mean per unit of school disadvantaged share (composition)
GROWTH = 2.0         # mean rise from autumn to summer for everyone


@dataset(
    "pupils",
    description="Pupils in schools in local authorities: disadvantage, autumn and summer test scores, a pupil-level "
                "tutoring trial and a school-level programme trial.",
    teaches="Distributions and gaps; variation within, between and beyond schools; ecological fallacy; effect sizes; "
            "regression to the mean; ICC, multilevel models and clustered standard errors, all against known truths.",
    source="Synthetic (kit.data.pupils); variance shares like those of English attainment data (ICC about 0.2).",
    columns=COLUMNS,
)
def build(
    seed: int = 2024,
    n_schools: int = 200,
    n_authorities: int = 20,
    mean_pupils: int = 30,
    tutoring_effect: float = 3.0,
    programme_effect: float = 2.0,
) -> pd.DataFrame:
    """Build the pupils table (about ``n_schools * mean_pupils`` rows).

    ``tutoring_effect`` and ``programme_effect`` are the true gains in summer score (points).

    >>> pupils = build(n_schools=20, n_authorities=4)
    >>> sorted(pupils.attrs)[:3]
    ['context_effect', 'disadvantage_gap', 'icc_school']
    >>> pupils["school_id"].nunique()
    20
    """
    if n_schools < 4 or n_authorities < 2 or n_authorities > n_schools or mean_pupils < 5:
        raise InputError("pupils needs at least 4 schools, 2 local authorities (no more than schools) "
                         "and a mean of at least 5 pupils per school.")
    rng = np.random.default_rng(seed)

    # Local authorities and schools.
    la_effect = rng.normal(0.0, SD_LA, n_authorities)
    la_deprivation = rng.beta(2.0, 4.0, n_authorities)
    school_la = np.sort(np.arange(n_schools) % n_authorities)
    school_effect = rng.normal(0.0, SD_SCHOOL, n_schools)
    share = np.clip(0.55 * rng.beta(2.0, 4.0, n_schools) + 0.5 * la_deprivation[school_la], 0.02, 0.9)
    size = np.clip(rng.poisson(mean_pupils, n_schools), 5, None)
    programme_school = np.zeros(n_schools, bool)
    programme_school[rng.permutation(n_schools)[: n_schools // 2]] = True

    # Pupils.
    school = np.repeat(np.arange(n_schools), size)
    n = school.size
    disadvantaged = rng.random(n) < share[school]
    tutoring = np.zeros(n, bool)
    start = 0
    for s in range(n_schools):  # half of each school's pupils, at random
        tutoring[start + rng.permutation(size[s])[: size[s] // 2]] = True
        start += size[s]
    ability = (106.0 + la_effect[school_la[school]] + school_effect[school] - CONTEXT * share[school]
               - GAP * disadvantaged + rng.normal(0.0, SD_PUPIL, n))
    prior = ability + rng.normal(0.0, SD_TEST, n)
    score = (ability + GROWTH + tutoring_effect * tutoring + programme_effect * programme_school[school]
             + rng.normal(0.0, SD_TEST, n))
    observed_share = pd.Series(disadvantaged).groupby(school).transform("mean").to_numpy()

    frame = pd.DataFrame({
        "pupil_id": [f"P{i + 1:05d}" for i in range(n)],
        "school_id": np.array([f"SCH{s + 1:03d}" for s in range(n_schools)])[school],
        "local_authority": np.array([f"LA{a + 1:02d}" for a in range(n_authorities)])[school_la[school]],
        "disadvantaged": disadvantaged,
        "school_disadvantaged_share": np.round(observed_share, 3),
        "prior_score": np.round(prior, 1),
        "tutoring": tutoring,
        "programme": programme_school[school],
        "score": np.round(score, 1),
    })

    # True variance components of the summer score without the programmes (finite population of
    # these schools): between authorities, between schools within them, within schools.
    school_mean = (106.0 + la_effect[school_la] + school_effect - (CONTEXT + GAP) * share)
    la_mean = pd.Series(school_mean).groupby(school_la).transform("mean").to_numpy()
    var_la = float(np.var(la_mean))
    var_school = float(np.var(school_mean - la_mean))
    var_within = float(SD_PUPIL ** 2 + SD_TEST ** 2 + GAP ** 2 * np.mean(share * (1 - share)))
    total = var_la + var_school + var_within
    frame.attrs.update({
        "tutoring_effect": tutoring_effect,
        "programme_effect": programme_effect,
        "tutoring_effect_size": round(tutoring_effect / float(np.sqrt(total)), 3),
        "disadvantage_gap": GAP,
        "context_effect": CONTEXT,
        "icc_school": round((var_la + var_school) / total, 3),
        "variance_shares": {"local_authority": round(var_la / total, 3), "school": round(var_school / total, 3),
                            "pupil": round(var_within / total, 3)},
        "test_reliability_within_school": round((SD_PUPIL ** 2) / (SD_PUPIL ** 2 + SD_TEST ** 2), 3),
    })
    return frame
