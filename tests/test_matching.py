"""kit.matching: pairs against an independent brute-force search, balance against a hand computation, errors."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from kit.errors import EmptyDataError, InputError, MissingColumnError
from kit.matching import balance, match, matched_sample


@pytest.fixture
def units():
    rng = np.random.default_rng(3)
    n_t, n_c = 8, 30
    return pd.DataFrame({
        "school_id": [f"NLC{i:02d}" for i in range(1, n_t + 1)] + [f"CMP{i:03d}" for i in range(1, n_c + 1)],
        "member": [True] * n_t + [False] * n_c,
        "fsm": np.concatenate([rng.uniform(0.3, 0.6, n_t), rng.uniform(0.0, 0.6, n_c)]),
        "prior": np.concatenate([rng.normal(45, 4, n_t), rng.normal(50, 5, n_c)]),
    })


def _standardised(units, on):
    x = units[on].to_numpy(float)
    return x / x.std(axis=0, ddof=1)


def test_with_replacement_takes_each_treated_units_nearest(units):
    pairs = match(units, "member", ["fsm", "prior"], id="school_id", replace=True)
    z = _standardised(units, ["fsm", "prior"])
    t, c = units["member"].to_numpy(), ~units["member"].to_numpy()
    d = cdist(z[t], z[c])  # independent distance computation (scipy)
    nearest = units["school_id"].to_numpy()[c][d.argmin(axis=1)]
    assert pairs["control"].tolist() == nearest.tolist()
    assert pairs["distance"].to_numpy() == pytest.approx(d.min(axis=1))
    assert pairs["treated"].tolist() == units["school_id"][t].tolist()


def test_k_nearest_with_replacement(units):
    pairs = match(units, "member", ["fsm", "prior"], id="school_id", k=3, replace=True)
    assert len(pairs) == 24 and pairs["rank"].tolist() == [1, 2, 3] * 8
    z = _standardised(units, ["fsm", "prior"])
    t, c = units["member"].to_numpy(), ~units["member"].to_numpy()
    d = np.sort(cdist(z[t], z[c]), axis=1)[:, :3]
    assert pairs["distance"].to_numpy() == pytest.approx(d.ravel())


def test_without_replacement_is_greedy_closest_pair_first_and_uses_each_control_once(units):
    pairs = match(units, "member", ["fsm", "prior"], id="school_id")
    assert pairs["control"].is_unique and len(pairs) == 8
    # brute force greedy written separately: repeatedly take the closest remaining pair
    z = _standardised(units, ["fsm", "prior"])
    ids = units["school_id"].to_numpy()
    t_ids, c_ids = ids[units["member"]], ids[~units["member"]]
    d = cdist(z[units["member"].to_numpy()], z[~units["member"].to_numpy()])
    free_t, free_c, expected = set(range(len(t_ids))), set(range(len(c_ids))), {}
    while free_t:
        i, j = min(itertools.product(free_t, free_c), key=lambda ij: d[ij])
        expected[t_ids[i]] = c_ids[j]
        free_t.remove(i)
        free_c.remove(j)
    assert dict(zip(pairs["treated"], pairs["control"])) == expected


def test_row_order_does_not_change_the_pairs(units):
    a = match(units, "member", ["fsm", "prior"], id="school_id")
    b = match(units.iloc[::-1], "member", ["fsm", "prior"], id="school_id")
    assert dict(zip(a["treated"], a["control"])) == dict(zip(b["treated"], b["control"]))


def test_caliper_leaves_out_and_reports(units):
    with pytest.warns(UserWarning, match="left out"):
        pairs = match(units, "member", ["fsm", "prior"], id="school_id", caliper=0.05)
    assert len(pairs) + len(pairs.attrs["unmatched"]) == 8
    assert (pairs["distance"] <= 0.05).all()


def test_balance_matches_a_hand_computation(units):
    out = balance(units, "member", ["fsm"]).iloc[0]
    t = units.loc[units["member"], "fsm"]
    c = units.loc[~units["member"], "fsm"]
    smd = (t.mean() - c.mean()) / math.sqrt((t.var() + c.var()) / 2)  # Austin (2011), eq. for continuous covariates
    assert (out["mean_treated"], out["mean_comparison"], out["smd"]) == pytest.approx((t.mean(), c.mean(), smd))


def test_matching_improves_balance(units):
    pairs = match(units, "member", ["fsm", "prior"], id="school_id")
    b = balance(units, "member", ["fsm", "prior"], pairs, id="school_id")
    assert (b["smd_matched"].abs() < b["smd"].abs()).all()
    ctrl = units.set_index("school_id").loc[pairs["control"], "prior"]
    assert b.loc[1, "mean_comparison_matched"] == pytest.approx(ctrl.mean())


def test_matched_sample_keeps_pairs_together():
    panel = pd.DataFrame({"school": list("AABBCCDD"), "year": [1, 2] * 4, "y": range(8)})
    pairs = pd.DataFrame({"treated": ["A", "B"], "control": ["D", "D"]})
    out = matched_sample(panel, pairs, "school")
    assert out["school"].tolist() == list("AADDBBDD")  # D used twice: it appears twice
    assert out["matched_group"].tolist() == list("AAAABBBB")
    with pytest.raises(InputError, match="not in the table"):
        matched_sample(panel, pd.DataFrame({"treated": ["A"], "control": ["Z"]}), "school")
    with pytest.raises(EmptyDataError):
        matched_sample(panel, pairs.iloc[0:0], "school")


def test_errors_are_plain(units):
    with pytest.raises(MissingColumnError, match="'fsm_share' was not found.*'fsm'"):
        match(units, "member", ["fsm_share"])
    bad = units.assign(member=units["member"].map({True: "yes", False: "no"}))
    with pytest.raises(InputError, match="True/False"):
        match(bad, "member", ["fsm"])
    with pytest.raises(EmptyDataError, match="0 treated"):
        match(units.assign(member=False), "member", ["fsm"])
    gap = units.copy()
    gap.loc[3, "prior"] = np.nan
    with pytest.raises(InputError, match="missing value"):
        match(gap, "member", ["prior"], id="school_id")
    with pytest.raises(InputError, match="once"):
        match(pd.concat([units, units]), "member", ["fsm"], id="school_id")
    with pytest.raises(InputError, match="too few"):
        match(units, "member", ["fsm"], k=4)
    with pytest.raises(InputError, match="k is"):
        match(units, "member", ["fsm"], k=0)
    with pytest.raises(InputError, match="at least one covariate"):
        match(units, "member", [])


def test_too_many_pairs_is_refused_with_advice(monkeypatch, units):
    import kit.matching

    monkeypatch.setattr(kit.matching, "MAX_PAIRS", 100)
    with pytest.raises(InputError, match="Match within smaller groups"):
        match(units, "member", ["fsm"])
