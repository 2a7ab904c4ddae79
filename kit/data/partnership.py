"""A networked learning community (60 schools in trios and clusters), its survey ties over three waves, and a programme-scale network.

Synthetic, with the structure of England's Networked Learning Communities (NCSL 2002-2006) and of
school trios: schools ``NLC01``..``NLC60``; school k is in trio ``T{ceil(k/3):02d}`` and cluster
``C{ceil(k/15)}``. The ties are answers to two survey questions asked in three waves (June 2006, 2007, 2008), "Which schools'
leaders do you go to for advice?" and "Which schools do you plan joint work with?". The truth is
known: four hub schools draw most advice in wave 1 and that dependence fades by wave 3, when other
schools have become the most-named advisers (``frame.attrs``), while ties inside trios and across clusters grow and more ties are returned.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

N_SCHOOLS = 60
HUBS = ("NLC05", "NLC20", "NLC38", "NLC52")           # one per cluster: consultant leaders
BRIDGES = ("NLC13", "NLC29", "NLC44")                 # schools whose leaders also work in another cluster
ISOLATES = {1: ("NLC27", "NLC48", "NLC58"), 2: ("NLC58",), 3: ()}  # named nobody and were named by nobody
HUB_PULL = {1: 3.6, 2: 2.1, 3: -0.3}                  # log-odds boost for naming a hub, by wave (by wave 3
                                                      # their leads step back and new advisers take over)
RECIPROCATE = {1: 0.15, 2: 0.3, 3: 0.45}              # chance a named school names its adviser back
KEEP = 0.6                                            # chance a tie survives to the next wave
KEEP_HUB = 0.4                                        # ... a tie to a hub school
PROGRAMMES = ("Lesson study", "Reading for pleasure", "Maths mastery", "Middle leaders",
              "Closing the gap", "Early years", "Inclusion and SEND", "Transition")

FIRST = ("Amira", "Ben", "Chloe", "David", "Ewa", "Farah", "Gareth", "Hannah", "Imran", "Jess", "Kwame", "Laura",
         "Mohammed", "Nia", "Owen", "Priya", "Rachel", "Sam", "Tomasz", "Uzma", "Victoria", "Wen", "Yusuf", "Zoe",
         "Aisha", "Carl", "Deborah", "Grace", "Harjit", "Joanne", "Kate", "Leon", "Maria", "Neil", "Olu", "Paul")
LAST = ("Ahmed", "Baker", "Chen", "Davies", "Evans", "Fisher", "Green", "Hussain", "Iqbal", "Jones", "Kaur",
        "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Usman", "Walker",
        "Williams", "Wright", "Young", "Begum", "Clarke", "Hughes", "Morgan", "Okafor")


def school_ids(n: int = N_SCHOOLS) -> list[str]:
    """The community's school IDs, ``NLC01``..``NLC60``."""
    return [f"NLC{k:02d}" for k in range(1, n + 1)]


def trio_of(k: int) -> str:
    """Trio of the k-th school (1-based): T01..T20."""
    return f"T{math.ceil(k / 3):02d}"


def cluster_of(k: int) -> str:
    """Cluster of the k-th school (1-based): C1..C4."""
    return f"C{math.ceil(k / 15)}"


SCHOOL_COLUMNS = [
    Column("school_id", "School identifier in the learning community", "", "NLC01 to NLC60"),
    Column("trio", "School trio (three schools working closely together)", "", "T01 to T20"),
    Column("cluster", "Cluster of five trios within the community", "", "C1 to C4"),
    Column("phase", "Phase of education", "", "primary, secondary, special"),
    Column("pupils", "Pupils on roll", "pupils", "about 60 to 1,600"),
    Column("disadvantaged_share", "Share of pupils eligible for free school meals", "proportion", "0 to 1"),
    Column("leader", "Name of the school's partnership lead (synthetic)", "", "60 different names"),
    Column("leader_role", "The lead's post in the school", "", "headteacher, deputy head, assistant head"),
]


@dataset(
    "nlc_schools",
    description="A networked learning community of 60 schools in 20 trios and 4 clusters, with their partnership leads.",
    teaches="Node attributes for network analysis: groups (trio, cluster), phase, size; joining partnership data by school_id.",
    source="Synthetic (kit.data.partnership); shaped like NCSL's Networked Learning Communities and school trios.",
    columns=SCHOOL_COLUMNS,
)
def build_schools(seed: int = 2024) -> pd.DataFrame:
    """The 60 schools of the learning community, one row each.

    >>> schools = build_schools()
    >>> schools.loc[[0, 59], ["school_id", "trio", "cluster"]].values.tolist()
    [['NLC01', 'T01', 'C1'], ['NLC60', 'T20', 'C4']]
    """
    rng = np.random.default_rng(seed)
    ids = school_ids()
    # Each cluster has three secondary schools and one special school; the rest are primary.
    phase = np.array(["primary"] * N_SCHOOLS, dtype=object)
    for c in range(4):
        members = np.arange(c * 15, c * 15 + 15)
        picks = rng.choice(members, 4, replace=False)
        phase[picks[:3]] = "secondary"
        phase[picks[3]] = "special"
    pupils = np.where(phase == "secondary", rng.normal(1050, 250, N_SCHOOLS),
                      np.where(phase == "special", rng.normal(110, 35, N_SCHOOLS), rng.normal(320, 110, N_SCHOOLS)))
    pupils = np.clip(np.round(pupils), 40, 1700).astype(int)
    area = np.repeat(rng.beta(2, 4, 4), 15)  # clusters differ in disadvantage
    share = np.round(np.clip(area + rng.normal(0, 0.08, N_SCHOOLS), 0.02, 0.85), 3)
    pairs = rng.permutation(len(FIRST) * len(LAST))[:N_SCHOOLS]
    leader = [f"{FIRST[p // len(LAST)]} {LAST[p % len(LAST)]}" for p in pairs]
    role = rng.choice(["headteacher", "deputy head", "assistant head"], N_SCHOOLS, p=[0.55, 0.3, 0.15])
    for hub in HUBS:  # the hubs' leads are experienced headteachers
        role[ids.index(hub)] = "headteacher"
    frame = pd.DataFrame({
        "school_id": ids,
        "trio": [trio_of(k) for k in range(1, N_SCHOOLS + 1)],
        "cluster": [cluster_of(k) for k in range(1, N_SCHOOLS + 1)],
        "phase": phase.astype(str),
        "pupils": pupils,
        "disadvantaged_share": share,
        "leader": leader,
        "leader_role": role.astype(str),
    })
    frame.attrs["hubs"] = list(HUBS)
    frame.attrs["bridges"] = list(BRIDGES)
    return frame


TIE_COLUMNS = [
    Column("wave", "Survey wave: 1 = June 2006, as the partnership was launched and before its joint work began (September 2006); 2 = June 2007, after its first school year; 3 = June 2008, after its second", "", "1, 2, 3"),
    Column("source", "School whose lead answered the survey", "", "NLC01 to NLC60"),
    Column("target", "School the lead named", "", "NLC01 to NLC60"),
    Column("relation", "Survey question: 'advice' = we go to them for advice; 'planning' = we plan joint work with them", "", "advice, planning"),
]


def _draw_targets(rng, i: int, k: int, weight: np.ndarray) -> list[int]:
    w = weight.copy()
    w[i] = 0
    k = min(k, int((w > 0).sum()))
    if k <= 0:
        return []
    return list(rng.choice(len(w), k, replace=False, p=w / w.sum()))


@dataset(
    "nlc_ties",
    description="Who seeks advice from and plans with whom in the 60-school learning community: three survey waves of directed ties.",
    teaches="Building networks from survey edge lists; centrality, brokers, isolates; ties formed, kept and lost; centralisation over time.",
    source="Synthetic (kit.data.partnership); the advice network depends on four hub schools in wave 1 and less so later (see attrs).",
    columns=TIE_COLUMNS,
)
def build_ties(seed: int = 2024) -> pd.DataFrame:
    """Three waves of advice and planning ties between the community's schools.

    Known truth (``frame.attrs``): ``hubs`` (the four schools most named for advice in wave 1),
    ``hub_pull`` (how strongly schools were drawn to hubs, by wave), ``reciprocate`` (chance a
    named school names its adviser back), ``isolates`` (schools with no advice tie, by wave),
    ``bridges`` (schools whose leads also work with another cluster), ``keep`` and ``keep_hub``
    (chance a tie, or a tie to a hub, survives a wave).

    >>> ties = build_ties()
    >>> sorted(ties["wave"].unique().tolist()), sorted(ties["relation"].unique().tolist())
    ([1, 2, 3], ['advice', 'planning'])
    >>> bool((ties["source"] != ties["target"]).all())
    True
    """
    rng = np.random.default_rng(seed)
    ids = school_ids()
    n = N_SCHOOLS
    trio = np.array([math.ceil(k / 3) for k in range(1, n + 1)])
    cluster = np.array([math.ceil(k / 15) for k in range(1, n + 1)])
    hub = np.isin(ids, HUBS)
    bridge = np.isin(ids, BRIDGES)
    popularity = rng.normal(0, 0.35, n)
    rows = []
    advice_prev: set[tuple[int, int]] = set()
    plan_prev: set[tuple[int, int]] = set()
    for wave in (1, 2, 3):
        out_of = {ids.index(s) for s in ISOLATES[wave]}
        progress = wave - 1
        # --- advice ---
        advice = {e for e in advice_prev
                  if rng.random() < (KEEP_HUB if hub[e[1]] else KEEP) and e[0] not in out_of and e[1] not in out_of}
        for i in range(n):
            if i in out_of:
                continue
            same_trio = trio == trio[i]
            same_cluster = cluster == cluster[i]
            score = (popularity - 1.8 + 0.2 * progress
                     + HUB_PULL[wave] * hub * np.where(same_cluster, 1.0, 0.75)
                     + (1.0 + 0.5 * progress) * same_trio + (0.7 + 0.6 * progress) * same_cluster
                     + 1.3 * (bridge[i] | bridge) * ~same_cluster)
            weight = np.exp(score)
            weight[list(out_of)] = 0
            have = sum(1 for e in advice if e[0] == i)
            k = max(0, int(rng.poisson(1.6 + 0.5 * progress)) + 1 - have)
            advice |= {(i, j) for j in _draw_targets(rng, i, k, weight)}
        for i, j in list(advice):  # some advice is returned
            if rng.random() < RECIPROCATE[wave] and not hub[j] or rng.random() < RECIPROCATE[wave] / 3:
                advice.add((j, i))
        advice = {e for e in advice if e[0] not in out_of and e[1] not in out_of}
        # --- planning: inside trios first, more across trios later ---
        plan = {e for e in plan_prev if rng.random() < 0.75 and e[0] not in out_of and e[1] not in out_of}
        for i in range(n):
            if i in out_of:
                continue
            for j in np.flatnonzero((trio == trio[i]) & (np.arange(n) != i)):
                if rng.random() < 0.55 + 0.15 * progress and j not in out_of:
                    plan.add((i, int(j)))
            if rng.random() < 0.2 + 0.2 * progress:
                others = np.flatnonzero((cluster == cluster[i]) & (trio != trio[i]))
                j = int(rng.choice(others))
                if j not in out_of:
                    plan.add((i, j))
        advice_prev, plan_prev = advice, plan
        for relation, ties in (("advice", advice), ("planning", plan)):
            rows += [(wave, ids[i], ids[j], relation) for i, j in sorted(ties)]
    frame = pd.DataFrame(rows, columns=["wave", "source", "target", "relation"])
    frame.attrs.update(
        hubs=list(HUBS), bridges=list(BRIDGES), hub_pull=dict(HUB_PULL), reciprocate=dict(RECIPROCATE),
        isolates={w: list(v) for w, v in ISOLATES.items()}, keep=KEEP, keep_hub=KEEP_HUB,
    )
    return frame


PROGRAMME_COLUMNS = [
    Column("school_id", "School identifier in the learning community", "", "NLC01 to NLC60"),
    Column("programme", "A joint improvement programme the school takes part in", "", "8 programmes"),
]


@dataset(
    "nlc_programmes",
    description="Which of eight joint improvement programmes each of the 60 community schools takes part in.",
    teaches="Two-mode (affiliation) networks: schools x programmes and their two projections.",
    source="Synthetic (kit.data.partnership).",
    columns=PROGRAMME_COLUMNS,
)
def build_programmes(seed: int = 2024) -> pd.DataFrame:
    """One row per school and programme it takes part in (each school in 1 to 4 programmes).

    >>> m = build_programmes()
    >>> m["school_id"].nunique(), m["programme"].nunique()
    (60, 8)
    """
    rng = np.random.default_rng(seed + 1)
    schools = build_schools(seed)
    base = np.array([0.35, 0.3, 0.3, 0.2, 0.35, 0.15, 0.15, 0.1])
    rows = []
    for sid, phase, share in schools[["school_id", "phase", "disadvantaged_share"]].itertuples(index=False):
        p = base.copy()
        if phase == "secondary":
            p[[5]] = 0.0          # no early years
            p[[7, 3]] += 0.45     # transition, middle leaders
        elif phase == "special":
            p[6] += 0.6
        else:
            p[5] += 0.25
        p[4] += 0.5 * share       # closing the gap where disadvantage is high
        chosen = [k for k in range(len(PROGRAMMES)) if rng.random() < min(p[k], 0.95)]
        if not chosen:
            chosen = [int(rng.choice(len(PROGRAMMES), p=p / p.sum()))]
        rows += [(sid, PROGRAMMES[k]) for k in chosen[:4]]
    return pd.DataFrame(rows, columns=["school_id", "programme"])


# --------------------------------------------------------------------------- programme scale

def _programme(seed: int, n_schools: int, pupils_target: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    if n_schools < 20:
        raise InputError("programme_network needs at least 20 schools.")
    rng = np.random.default_rng(seed)
    sizes = []
    while sum(sizes) < n_schools:
        sizes.append(int(rng.integers(6, 19)))
    sizes[-1] -= sum(sizes) - n_schools
    if sizes[-1] < 3:
        sizes[-2] += sizes.pop()
    network = np.repeat(np.arange(len(sizes)), sizes)
    secondary = rng.random(n_schools) < 0.2
    pupils = np.where(secondary, rng.normal(1050, 250, n_schools), rng.normal(280, 110, n_schools))
    pupils = np.clip(pupils, 40, 2000)
    pupils = np.round(pupils * pupils_target / pupils.sum()).astype(int)
    ids = np.array([f"P{i + 1:04d}" for i in range(n_schools)])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    src, dst, hub_ids = [], [], []
    for net, (start, size) in enumerate(zip(starts, sizes)):
        members = np.arange(start, start + size)
        hubs = rng.choice(members, max(1, size // 6), replace=False)
        hub_ids += [str(ids[h]) for h in sorted(hubs)]
        weight = np.ones(size)
        weight[np.isin(members, hubs)] = 6.0
        for i in members:
            k = min(size - 1, int(rng.poisson(2.5)) + 1)
            w = weight.copy()
            w[i - start] = 0
            for j in rng.choice(members, k, replace=False, p=w / w.sum()):
                src.append(i)
                dst.append(int(j))
    # ties between networks: about one school in three advises a school in another network
    outside = rng.random(n_schools) < 0.35
    for i in np.flatnonzero(outside):
        j = int(rng.integers(0, n_schools))
        if network[j] != network[i]:
            src.append(int(i))
            dst.append(j)
    ties = pd.DataFrame({"source": ids[src], "target": ids[dst]}).drop_duplicates(ignore_index=True)
    schools = pd.DataFrame({
        "school_id": ids,
        "network": [f"N{k + 1:03d}" for k in network],
        "phase": np.where(secondary, "secondary", "primary"),
        "pupils": pupils,
    })
    ties.attrs["hubs"] = hub_ids
    return schools, ties


PROGRAMME_SCHOOL_COLUMNS = [
    Column("school_id", "School identifier", "", "P0001 to P1500 by default"),
    Column("network", "Learning network the school belongs to (6 to 18 schools each)", "", "N001 to about N125"),
    Column("phase", "Phase of education", "", "primary, secondary"),
    Column("pupils", "Pupils on roll", "pupils", "total about 650,000 by default"),
]
PROGRAMME_TIE_COLUMNS = [
    Column("source", "School seeking advice", "", "school_id"),
    Column("target", "School it goes to for advice", "", "school_id"),
]


@dataset(
    "programme_schools",
    description="The schools of a programme-scale set of learning networks (1,500 schools, about 650,000 pupils).",
    teaches="Network analysis at programme scale (the node table of programme_network).",
    source="Synthetic (kit.data.partnership), the scale of NCSL's Networked Learning Communities programme (REF 2014 case study, University of Wolverhampton).",
    columns=PROGRAMME_SCHOOL_COLUMNS,
)
def build_programme_schools(seed: int = 2024, n_schools: int = 1500, pupils: int = 650_000) -> pd.DataFrame:
    """One row per school of the programme (see ``programme_network`` for the ties).

    >>> s = build_programme_schools(n_schools=100, pupils=40_000)
    >>> len(s), bool(39_000 < s["pupils"].sum() < 41_000)
    (100, True)
    """
    schools, _ = _programme(seed, n_schools, pupils)
    schools.attrs["pupils_total"] = int(schools["pupils"].sum())
    return schools


@dataset(
    "programme_network",
    description="Advice ties among the 1,500 schools of a programme of about 125 learning networks (one row per tie).",
    teaches="Whether network measures scale: the benchmark times kit.network on it.",
    source="Synthetic (kit.data.partnership); each network has one or two hub schools and a third of schools advise beyond their network.",
    columns=PROGRAMME_TIE_COLUMNS,
)
def build_programme_network(seed: int = 2024, n_schools: int = 1500, pupils: int = 650_000) -> pd.DataFrame:
    """The programme's advice ties; the schools are ``programme_schools`` with the same options.

    Known truth (``frame.attrs``): ``hubs`` (one or two schools per network that the others are six
    times as likely to name), ``networks``, ``n_schools`` and ``pupils_total``.

    >>> ties = build_programme_network(n_schools=100, pupils=40_000)
    >>> bool((ties["source"] != ties["target"]).all()), bool(ties.duplicated().any())
    (True, False)
    """
    schools, ties = _programme(seed, n_schools, pupils)
    ties.attrs.update(n_schools=n_schools, pupils_total=int(schools["pupils"].sum()),
                      networks=int(schools["network"].nunique()))  # and "hubs": the schools others favour
    return ties
