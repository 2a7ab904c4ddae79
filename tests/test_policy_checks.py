"""The checks of notebooks 07 and 08 give the useful hint for typical wrong answers, and pass right ones.

Each case runs ``kit.checks.run_check`` with the committed ``exercises/checks/NN-name.json`` and a
namespace holding a student's answer, right or typically wrong, recomputed here from the data.
"""

import json

import numpy as np
import pandas as pd
import pytest

import kit.data
from kit import policy, segregation
from kit.checks import run_check
from tests.notebooks import ROOT

NB07 = "07-evaluating-a-policy"
NB08 = "08-segregation"


def spec(name):
    return json.loads((ROOT / "exercises" / "checks" / f"{name}.json").read_text(encoding="utf-8"))


def first_hint(result):
    assert "Hint:" in result.message, result.message
    return result.message.split("Hint:", 1)[1].splitlines()[0]


@pytest.fixture(scope="module")
def unis():
    return kit.data.load("universities_985")


# ---------------------------------------------------------------- 07 evaluating a policy

def test_07_unanswered_and_written():
    s = spec(NB07)
    assert set(s["questions"]) == {f"q{i}" for i in range(1, 9)}
    assert "not answered yet" in run_check(s, "q1", {"naive_change": ...}).message
    assert "not answered yet" in run_check(s, "q3", {"did_result": ...}).message
    assert "written answer" in run_check(s, "q5", {}).message


def test_07_q1_forgetting_treated(unis):
    s = spec(NB07)
    right = policy.before_after(unis, "log_publications", "post", treated="treated", cluster="institution_id")
    assert run_check(s, "q1", {"naive_change": round(float(right["estimate"].iloc[0]), 2)}).all_passed
    everyone = policy.before_after(unis, "log_publications", "post")
    hint = first_hint(run_check(s, "q1", {"naive_change": round(float(everyone["estimate"].iloc[0]), 2)}))
    assert "treated=" in hint
    # A column instead of one number, and an unrounded number, each get their own hint.
    assert ".iloc[0]" in first_hint(run_check(s, "q1", {"naive_change": right["estimate"]}))
    assert "not rounded" in first_hint(run_check(s, "q1", {"naive_change": float(right["estimate"].iloc[0])}))


def test_07_q2_before_after_or_reversed_did(unis):
    s = spec(NB07)
    m = unis.groupby(["treated", "post"])["log_publications"].mean()
    treated_change = m.loc[(True, True)] - m.loc[(True, False)]
    comparison_change = m.loc[(False, True)] - m.loc[(False, False)]
    assert run_check(s, "q2", {"did_by_hand": treated_change - comparison_change}).all_passed
    assert run_check(s, "q2", {"did_by_hand": round(treated_change - comparison_change, 2)}).all_passed  # rounding is fine
    assert "subtract the comparison group's change" in first_hint(run_check(s, "q2", {"did_by_hand": treated_change}))
    assert "wrong way round" in first_hint(run_check(s, "q2", {"did_by_hand": comparison_change - treated_change}))


def test_07_q3_without_clusters(unis):
    s = spec(NB07)
    right = policy.did(unis, "log_publications", "treated", "post", cluster="institution_id")
    assert run_check(s, "q3", {"did_result": right}).all_passed
    unclustered = policy.did(unis, "log_publications", "treated", "post")
    assert "cluster=" in first_hint(run_check(s, "q3", {"did_result": unclustered}))
    # Storing the estimate instead of the table: a plain hint, not a Python error.
    number = run_check(s, "q3", {"did_result": float(right["estimate"].iloc[0])})
    assert "whole table" in first_hint(number) and "raised an error" not in number.message
    counts = policy.did(unis, "publications", "treated", "post", cluster="institution_id")
    assert "log_publications as the outcome" in first_hint(run_check(s, "q3", {"did_result": counts}))


def test_07_q4_counting_all_leads_or_using_the_parallel_panel():
    s = spec(NB07)
    panel = kit.data.load("universities_985", first_year=1992, pre_trend=0.03)
    es = policy.event_study(panel, "log_publications", "institution_id", "year", "treated", 1999)
    leads = es[es["event_time"] < -1]
    right = int(((leads["ci_low"] > 0) | (leads["ci_high"] < 0)).sum())
    assert run_check(s, "q4", {"n_leads_off_zero": right}).all_passed
    # Counting every row off zero (lags too) gives a number above 6.
    everything = int(((es["ci_low"] > 0) | (es["ci_high"] < 0)).sum())
    assert "whole number between 0 and 6" in first_hint(run_check(s, "q4", {"n_leads_off_zero": everything}))
    # A proportion instead of a count.
    assert "whole number" in first_hint(run_check(s, "q4", {"n_leads_off_zero": right / 6}))
    # The parallel panel has no leads off zero.
    parallel = kit.data.load("universities_985", first_year=1992)
    es_p = policy.event_study(parallel, "log_publications", "institution_id", "year", "treated", 1999)
    lp = es_p[es_p["event_time"] < -1]
    wrong = int(((lp["ci_low"] > 0) | (lp["ci_high"] < 0)).sum())
    assert wrong != right
    assert "long_trend" in first_hint(run_check(s, "q4", {"n_leads_off_zero": wrong}))


def test_07_q6_on_the_wrong_panel(unis):
    s = spec(NB07)
    long_trend = kit.data.load("universities_985", first_year=1992, pre_trend=0.03)
    trend_1998 = long_trend[long_trend["year"] >= 1998]
    right = policy.fixed_effects(trend_1998, "log_publications", "treated_post", "institution_id", "year")
    assert run_check(s, "q6", {"fe_trend_estimate": round(float(right["estimate"].iloc[0]), 2)}).all_passed
    wrong = policy.fixed_effects(unis, "log_publications", "treated_post", "institution_id", "year")
    assert "trend_1998" in first_hint(run_check(s, "q6", {"fe_trend_estimate": round(float(wrong["estimate"].iloc[0]), 2)}))
    assert "one number" in first_hint(run_check(s, "q6", {"fe_trend_estimate": right["estimate"]}))


def test_07_q7_ratio_upside_down():
    s = spec(NB07)
    schools = kit.data.load("schools_panel", n_schools=4000)
    prog = schools[schools["programme"]].groupby("year")["attainment"].mean()
    nat = schools.groupby("year")["attainment"].mean()
    pg, ng = prog[2008] - prog[2007], nat[2008] - nat[2007]
    ns = {"programme_gain": pg, "national_gain": ng}
    assert run_check(s, "q7", {**ns, "times_national": round(float(pg / ng), 1)}).all_passed
    assert "not the other way round" in first_hint(run_check(s, "q7", {**ns, "times_national": round(float(ng / pg), 1)}))
    # Over the programme years instead of from the year before it.
    wrong = round(float((prog[2011] - prog[2008]) / (nat[2011] - nat[2008])), 1)
    assert "2008 value minus the 2007 value" in first_hint(run_check(s, "q7", {**ns, "times_national": max(wrong, 1.3)}))
    # Not rounded: loses the mark and says so (teacher-b, 07 q7); a reversed subtraction is told apart from a
    # reversed division; levels instead of gains get their own hint.
    unrounded = run_check(s, "q7", {**ns, "times_national": float(pg / ng)})
    assert not unrounded.all_passed and "round to 1 decimal place" in first_hint(unrounded)
    assert "A negative ratio" in first_hint(run_check(s, "q7", {**ns, "times_national": round(float(pg / -ng), 1)}))
    levels = {"programme_gain": prog[2008], "national_gain": nat[2008], "times_national": round(float(prog[2008] / nat[2008]), 1)}
    assert "not a level" in first_hint(run_check(s, "q7", levels))


# ---------------------------------------------------------------- 08 segregation

TOY = pd.DataFrame({"disadvantaged": [30, 10, 50, 5], "pupils": [100, 100, 80, 120]})
_PANEL = kit.data.load("schools_panel")
PRIMARY_2014 = _PANEL[(_PANEL["year"] == 2014) & (_PANEL["phase"] == "primary")]  # 08 works one phase at a time


def test_08_unanswered_and_written():
    s = spec(NB08)
    assert set(s["questions"]) == {f"q{i}" for i in range(1, 8)}
    assert "not answered yet" in run_check(s, "q1", {"dissimilarity_by_hand": ...}).message
    assert "written answer" in run_check(s, "q7", {}).message


def test_08_q1_forgetting_to_halve_or_using_school_shares():
    s = spec(NB08)
    g, t = TOY["disadvantaged"], TOY["pupils"]
    o = t - g
    right = 0.5 * (g / g.sum() - o / o.sum()).abs().sum()
    assert run_check(s, "q1", {"dissimilarity_by_hand": right}).all_passed
    assert run_check(s, "q1", {"dissimilarity_by_hand": round(right, 2)}).all_passed  # rounding is fine
    assert ".sum()" in first_hint(run_check(s, "q1", {"dissimilarity_by_hand": 0.5 * (g / g.sum() - o / o.sum()).abs()}))
    assert "between 0 and 1" in first_hint(run_check(s, "q1", {"dissimilarity_by_hand": 2 * right}))
    no_abs = 0.5 * (g / g.sum() - o / o.sum()).sum()  # signs cancel: about 0, perhaps just below
    assert ".abs()" in first_hint(run_check(s, "q1", {"dissimilarity_by_hand": no_abs}))
    all_pupils = 0.5 * (g / t.sum() - o / t.sum()).abs().sum()  # shares of all pupils, not of each group
    assert 0 <= all_pupils <= 1
    assert "halve the sum" in first_hint(run_check(s, "q1", {"dissimilarity_by_hand": all_pupils}))


def test_08_q2_and_q3():
    s = spec(NB08)
    table = segregation.indices(TOY, "disadvantaged", "pupils")
    right = round(float(100 * (table["isolation"].iloc[0] - table["group_share"].iloc[0])), 1)
    assert run_check(s, "q2", {"extra_isolation": right}).all_passed
    assert "isolation minus group_share" in first_hint(run_check(s, "q2", {"extra_isolation": -right}))
    assert "multiply" in first_hint(run_check(s, "q2", {"extra_isolation": right / 100}))
    assert "not a column" in first_hint(run_check(s, "q2", {"extra_isolation": 100 * (table["isolation"] - table["group_share"])}))
    exposure = round(float(100 * (table["exposure"].iloc[0] - table["group_share"].iloc[0])), 1)
    assert "not exposure" in first_hint(run_check(s, "q2", {"extra_isolation": exposure}))
    assert "not rounded" in first_hint(run_check(s, "q2", {"extra_isolation": right + 0.0123}))
    la = segregation.indices(PRIMARY_2014, "disadvantaged", "pupils", by="local_authority")
    top = la.sort_values("gorard", ascending=False)["local_authority"].head(3).tolist()
    ns = {"schools": _PANEL, "segregation": segregation}
    assert run_check(s, "q3", {**ns, "most_segregated": top}).all_passed
    bottom = la.sort_values("gorard")["local_authority"].head(3).tolist()
    assert "ascending=False" in first_hint(run_check(s, "q3", {**ns, "most_segregated": bottom}))
    rows = la.sort_values("gorard", ascending=False).head(3)
    assert "list of three names" in first_hint(run_check(s, "q3", {**ns, "most_segregated": rows}))
    by_d = la.sort_values("dissimilarity", ascending=False)["local_authority"].head(3).tolist()
    assert by_d != top  # D and GS agree on the top authority but not on the top three
    assert "not dissimilarity" in first_hint(run_check(s, "q3", {**ns, "most_segregated": by_d}))
    # both phases of 2014 mixed, sorted correctly: the hint is about the table, not the sorting (teacher-b, 08 q3)
    both = segregation.indices(_PANEL[_PANEL["year"] == 2014], "disadvantaged", "pupils", by="local_authority")
    mixed = both.sort_values("gorard", ascending=False)["local_authority"].head(3).tolist()
    assert "primary schools of 2014" in first_hint(run_check(s, "q3", {**ns, "most_segregated": mixed}))


def test_08_q5_real_instead_of_random_and_q6_counting_schools():
    s = spec(NB08)
    s2014 = PRIMARY_2014
    real = segregation.indices(s2014, "disadvantaged", "pupils", by="local_authority")
    assert "random_disadvantaged" in first_hint(
        run_check(s, "q5", {"la_random": real, "random_max_gorard": round(float(real["gorard"].max()), 3)}))
    by_pupils = s2014.loc[s2014["disadvantaged_share"] > 0.5, "disadvantaged"].sum() / s2014["disadvantaged"].sum()
    assert run_check(s, "q6", {"polarised_share": round(float(by_pupils), 3)}).all_passed
    by_schools = round(float((s2014["disadvantaged_share"] > 0.5).mean()), 3)
    assert by_schools != round(float(by_pupils), 3)
    assert "Count pupils" in first_hint(run_check(s, "q6", {"polarised_share": by_schools}))
    assert "not a percentage" in first_hint(run_check(s, "q6", {"polarised_share": round(100 * float(by_pupils), 1)}))
    assert "3 decimal places" in first_hint(run_check(s, "q6", {"polarised_share": round(float(by_pupils), 2)}))


def test_08_q4_correlating_the_wrong_index():
    s = spec(NB08)
    la = segregation.indices(PRIMARY_2014, "disadvantaged", "pupils", by="local_authority")
    right = round(float(la["isolation"].corr(la["group_share"])), 2)
    assert run_check(s, "q4", {"corr_isolation_share": right}).all_passed
    assert "not a table" in first_hint(run_check(s, "q4", {"corr_isolation_share": la[["isolation", "group_share"]].corr()}))
    wrong = round(float(la["dissimilarity"].corr(la["group_share"])), 2)
    assert "slopes upwards" in first_hint(run_check(s, "q4", {"corr_isolation_share": wrong}))
    assert "not answered yet" in run_check(s, "q4", {"corr_isolation_share": ...}).message
