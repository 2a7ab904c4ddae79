"""Notebooks 11 and 12: typical wrong answers get the hint meant for them (committed checks files)."""

import json

import pytest

import kit.data
import kit.matching
import kit.policy
import kit.survey
from kit.checks import run_check
from tests.notebooks import ROOT


def _spec(name):
    return json.loads((ROOT / "exercises" / "checks" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nb11():
    return _spec("11-partnership-health")


@pytest.fixture(scope="module")
def nb12():
    return _spec("12-evaluating-partnership-impact")


@pytest.fixture(scope="module")
def survey():
    return kit.data.load("partnership_survey")


def _says(result, text):
    assert text in result.message, result.message


# --- notebook 11 ------------------------------------------------------------------------------

def test_11_unanswered_says_so(nb11):
    for q in ("q1", "q2", "q3", "q4", "q5", "q6"):
        result = run_check(nb11, q, {"n_impossible": ..., "trust3_mean_keyed": ..., "alpha_trust": ...,
                                     "lowest_trust_trio": ..., "trust_change": ..., "r_degree_value": ...})
        assert not result.answered and "not answered yet" in result.message


def test_11_q1_counting_missing_answers_too(nb11):
    _says(run_check(nb11, "q1", {"n_impossible": 16}), "Did you count the missing ones too?")
    # counted per column (one .sum()), or .sum().sum() applied before the "or": one whole number, please
    raw = kit.data.load("partnership_survey", raw=True)
    items = [c for c in raw.columns if c[:-1] in ("trust", "goals", "part")]
    for wrong in (((raw[items] < 1) | (raw[items] > 5)).sum(), (raw[items] < 1) | (raw[items] > 5).sum().sum()):
        result = run_check(nb11, "q1", {"n_impossible": wrong})
        _says(result, "one whole number")
        assert "missing ones" not in result.message
    assert run_check(nb11, "q1", {"n_impossible": 6}).all_passed


def test_11_q2_reversing_with_five_minus_or_not_at_all(nb11, survey):
    for wrong in (5 - survey["trust3"], survey["trust3"]):
        _says(run_check(nb11, "q2", {"trust3_mean_keyed": round(wrong.mean(), 2)}), "6 - answer, not 5 - answer")
    assert run_check(nb11, "q2", {"trust3_mean_keyed": round((6 - survey["trust3"]).mean(), 2)}).all_passed
    _says(run_check(nb11, "q2", {"trust3_mean_keyed": 6 - survey["trust3"]}), "one number")


def test_11_q3_forgotten_reverse_items(nb11, survey):
    plain = {"trust": ["trust1", "trust2", "trust3", "trust4"], "shared_goals": ["goals1", "goals2", "goals3", "goals4"],
             "participation": ["part1", "part2", "part3", "part4"]}
    with pytest.warns(UserWarning):
        _, rel = kit.survey.score_scales(survey, plain)
    alpha = round(rel.loc[rel["scale"] == "trust", "alpha"].iloc[0], 2)
    _says(run_check(nb11, "q3", {"reliability": rel, "alpha_trust": alpha}), 'put a "-" in front of trust3')


def test_11_q3_misnamed_scales(nb11, survey):
    scales = dict(survey.attrs["scales"])
    scales["goals"] = scales.pop("shared_goals")
    _, rel = kit.survey.score_scales(survey, scales)
    _says(run_check(nb11, "q3", {"reliability": rel, "alpha_trust": 0.81}), 'exactly "trust", "shared_goals"')


def test_11_q3_alpha_left_as_a_column(nb11, survey):
    _, rel = kit.survey.score_scales(survey, survey.attrs["scales"])
    column = rel.loc[rel["scale"] == "trust", "alpha"]
    result = run_check(nb11, "q3", {"reliability": rel, "alpha_trust": column})
    _says(result, "one number")
    assert "reverse-keyed" not in result.message


def test_11_q4_highest_trio_or_whole_row(nb11, survey):
    scores = kit.survey.score_scales(survey, survey.attrs["scales"]).scores
    trios = kit.survey.aggregate(scores[scores["wave"] == 3], by="trio")
    trust = trios[trios["scale"] == "trust"].sort_values("estimate")
    low = round(trust["estimate"].iloc[0], 2)
    _says(run_check(nb11, "q4", {"lowest_trust_trio": trust["trio"].iloc[-1], "lowest_trust": low}), "from low to high")
    _says(run_check(nb11, "q4", {"lowest_trust_trio": trust.iloc[0], "lowest_trust": low}), "trio name as text")
    assert run_check(nb11, "q4", {"lowest_trust_trio": trust["trio"].iloc[0], "lowest_trust": low}).all_passed
    every = kit.survey.aggregate(scores, by="trio")  # all waves, not wave 3: the same trio, another mean
    every = every[every["scale"] == "trust"].sort_values("estimate")
    _says(run_check(nb11, "q4", {"lowest_trust_trio": every["trio"].iloc[0],
                                 "lowest_trust": round(every["estimate"].iloc[0], 2)}), "WAVE 3 only")


def test_11_q5_sign_and_cluster(nb11):
    _says(run_check(nb11, "q5", {"trust_change": -0.47, "stalled_cluster": "C4"}), "wave 3 minus wave 1")
    _says(run_check(nb11, "q5", {"trust_change": 0.47, "stalled_cluster": "C1"}), "ci_low is below 0")
    assert run_check(nb11, "q5", {"trust_change": 0.47, "stalled_cluster": "C4"}).all_passed
    _says(run_check(nb11, "q5", {"trust_change": [0.47], "stalled_cluster": "C4"}), "one number")
    _says(run_check(nb11, "q5", {"trust_change": 0.47, "stalled_cluster": ["C4", "C4", "C4"]}), "not a column or list of names")


def test_11_q6_wrong_correlation(nb11):
    import pandas as pd

    def r_of(table):
        return round(table["degree"].corr(table["value"]), 2)

    _says(run_check(nb11, "q6", {"r_of": r_of, "pd": pd, "r_degree_value": -0.6}), "so it is positive")
    _says(run_check(nb11, "q6", {"r_of": r_of, "pd": pd, "r_degree_value": 1.0}), "table the function is given")
    table = pd.DataFrame({"degree": [1.0, 0.6], "value": [0.6, 1.0]}, index=["degree", "value"])
    _says(run_check(nb11, "q6", {"r_of": r_of, "pd": pd, "r_degree_value": table}), "rather than the whole table")


def test_11_q7_is_written(nb11):
    _says(run_check(nb11, "q7", {}), "written answer")


# --- notebook 12 ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def panel():
    return kit.data.load("partnership_attainment")


@pytest.fixture(scope="module")
def schools(panel):
    before = panel[~panel["post"]]
    return before.groupby("school_id", as_index=False).agg(
        member=("member", "first"), disadvantaged_share=("disadvantaged_share", "mean"),
        prior_attainment=("attainment", "mean"))


RIGHT = {"a": "activities", "b": "impact", "c": "inputs", "d": "outputs", "e": "outcomes", "f": "inputs"}


def test_12_q1_spelling_and_stage(nb12):
    _says(run_check(nb12, "q1", {"logic_model": {**RIGHT, "c": "input"}}), "spelt exactly")
    _says(run_check(nb12, "q1", {"logic_model": {k: v for k, v in RIGHT.items() if k != "f"}}), "all six letters")
    _says(run_check(nb12, "q1", {"logic_model": {**RIGHT, "d": "outcomes"}}), "a count of what was done (outputs)")
    assert run_check(nb12, "q1", {"logic_model": RIGHT}).all_passed
    assert not run_check(nb12, "q1", {"logic_model": ...}).answered


def test_12_q2_reversed_gap_and_before_after_of_all_schools(nb12, panel):
    after = panel[panel["post"]]
    gap = after[after["member"]]["attainment"].mean() - after[~after["member"]]["attainment"].mean()
    members = panel[panel["member"]]
    ba = members[members["post"]]["attainment"].mean() - members[~members["post"]]["attainment"].mean()
    ba_all = panel[panel["post"]]["attainment"].mean() - panel[~panel["post"]]["attainment"].mean()
    _says(run_check(nb12, "q2", {"naive_gap": round(-gap, 2), "before_after": round(ba, 2)}), "members first")
    _says(run_check(nb12, "q2", {"naive_gap": round(gap, 2), "before_after": round(ba_all, 2)}), "member schools only")
    assert run_check(nb12, "q2", {"naive_gap": round(gap, 2), "before_after": round(ba, 2)}).all_passed
    # the means of both groups (a groupby result) instead of their difference
    by_group = after.groupby("member")["attainment"].mean().round(2)
    result = run_check(nb12, "q2", {"naive_gap": by_group, "before_after": round(ba, 2)})
    _says(result, "each be one number")
    assert "members first" not in result.message


def test_12_q3_matching_on_disadvantage_only(nb12, schools):
    covariates = ["disadvantaged_share", "prior_attainment"]
    pairs = kit.matching.match(schools, "member", ["disadvantaged_share"], id="school_id")
    bal = kit.matching.balance(schools, "member", covariates, pairs, id="school_id")
    wrong = round(bal["smd_matched"].abs().max(), 2)
    _says(run_check(nb12, "q3", {"pairs": pairs, "matched_balance": kit.matching.balance(schools, "member", covariates, pairs, id="school_id"), "max_smd_after": wrong}), "match on both covariates")
    # forgetting .abs(): the largest SMD is then a negative number, which is not about the covariates
    right = kit.matching.match(schools, "member", covariates, id="school_id")
    smd = kit.matching.balance(schools, "member", covariates, right, id="school_id")["smd_matched"]
    result = run_check(nb12, "q3", {"pairs": right, "matched_balance": kit.matching.balance(schools, "member", covariates, right, id="school_id"), "max_smd_after": round(smd.max(), 2)})
    _says(result, "use .abs() before .max()")
    assert "both covariates" not in result.message
    _says(run_check(nb12, "q3", {"pairs": right, "matched_balance": kit.matching.balance(schools, "member", covariates, right, id="school_id"), "max_smd_after": smd.abs()}), "should be one number")
    few = pairs.iloc[:40]
    _says(run_check(nb12, "q3", {"pairs": few, "matched_balance": kit.matching.balance(schools, "member", covariates, few, id="school_id"), "max_smd_after": 0.07}), "should have 60 rows")


def test_12_q4_did_on_the_whole_panel(nb12, panel, schools):
    whole = kit.policy.did(panel, "attainment", "member", "post", cluster="school_id").iloc[0]
    _says(run_check(nb12, "q4", {"did_estimate": round(whole["estimate"], 2),
                                 "did_ci": [round(whole["ci_low"], 2), round(whole["ci_high"], 2)]}),
          "Use the matched sample")
    pairs = kit.matching.match(schools, "member", ["disadvantaged_share", "prior_attainment"], id="school_id")
    res = kit.policy.did(kit.matching.matched_sample(panel, pairs, "school_id"), "attainment", "member", "post",
                         cluster="school_id").iloc[0]
    est, ci = round(res["estimate"], 2), [round(res["ci_low"], 2), round(res["ci_high"], 2)]
    _says(run_check(nb12, "q4", {"did_estimate": est, "did_ci": ci[::-1]}), "[ci_low, ci_high]")
    assert run_check(nb12, "q4", {"did_estimate": est, "did_ci": ci}).all_passed
    # the estimate left as a column; the interval without clustering by school
    result = run_check(nb12, "q4", {"did_estimate": [est], "did_ci": ci})
    _says(result, "should be one number")
    assert "matched sample" not in result.message
    plain = kit.policy.did(kit.matching.matched_sample(panel, pairs, "school_id"), "attainment", "member", "post").iloc[0]
    _says(run_check(nb12, "q4", {"did_estimate": est, "did_ci": [round(plain["ci_low"], 2), round(plain["ci_high"], 2)]}),
          'cluster="school_id"')


def test_12_written_questions(nb12):
    for q in ("q5", "q6"):
        _says(run_check(nb12, q, {}), "written answer")
