"""The checks of notebooks 04-06 give the useful hint for typical wrong answers, and pass right ones.

Each case runs ``kit.checks.run_check`` with the committed ``exercises/checks/NN-name.json`` and a
namespace holding a student's (wrong) answer, recomputed here from the data.
"""

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import kit.data
import kit.stats as ks
from kit.checks import run_check
from tests.notebooks import ROOT


def spec(name):
    return json.loads((ROOT / "exercises" / "checks" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pupils():
    return kit.data.load("pupils")


def first_hint(result):
    """The hint printed for the first failing check."""
    assert "Hint:" in result.message, result.message
    return result.message.split("Hint:", 1)[1].splitlines()[0]


# ---------------------------------------------------------------- 04 describing school data
NB04 = "04-describing-school-data"


def test_04_unanswered_and_written(pupils):
    s = spec(NB04)
    assert "not answered yet" in run_check(s, "q1", {"mean_score": ..., "median_score": ...}).message
    assert "written answer" in run_check(s, "q6", {}).message
    assert set(s["questions"]) == {"q1", "q2", "q3", "q4", "q5", "q6"}


def test_04_q1_total_instead_of_mean(pupils):
    s = spec(NB04)
    right = {"mean_score": round(pupils["score"].mean(), 1), "median_score": round(pupils["score"].median(), 1)}
    assert run_check(s, "q1", right).all_passed
    wrong = run_check(s, "q1", {**right, "mean_score": round(pupils["score"].sum(), 1)})
    assert "near 100" in first_hint(wrong)
    wrong = run_check(s, "q1", {**right, "median_score": right["mean_score"]})
    assert ".median()" in first_hint(wrong)
    # not rounded; the autumn test instead of the summer one (the mean is now checked exactly)
    unrounded = {"mean_score": pupils["score"].mean(), "median_score": pupils["score"].median()}
    assert "one decimal place" in first_hint(run_check(s, "q1", unrounded))
    autumn = {"mean_score": round(pupils["prior_score"].mean(), 1), "median_score": right["median_score"]}
    assert "not prior_score" in first_hint(run_check(s, "q1", autumn))


def test_04_q2_gap_the_wrong_way_round_or_unrounded(pupils):
    s = spec(NB04)
    means = pupils.groupby("disadvantaged")["score"].mean()
    assert run_check(s, "q2", {"gap": round(means[False] - means[True], 2)}).all_passed
    assert "should be positive" in first_hint(run_check(s, "q2", {"gap": round(means[True] - means[False], 2)}))
    assert "round to 2" in first_hint(run_check(s, "q2", {"gap": means[False] - means[True] + 0.004}))


def test_04_q3_max_instead_of_idxmax(pupils):
    s = spec(NB04)
    by_la = pupils.groupby(["local_authority", "disadvantaged"])["score"].mean().unstack()
    la_gaps = by_la[False] - by_la[True]
    assert run_check(s, "q3", {"la_gaps": la_gaps, "largest_gap_la": la_gaps.idxmax()}).all_passed
    result = run_check(s, "q3", {"la_gaps": la_gaps, "largest_gap_la": la_gaps.max()})
    assert result.passed == [True, True, False] and "idxmax" in first_hint(result)
    reversed_gaps = run_check(s, "q3", {"la_gaps": -la_gaps, "largest_gap_la": "x"})
    assert "others (the False column) minus disadvantaged" in first_hint(reversed_gaps)
    # rounding la_gaps is not a mistake; sorting it is, since the question says not to (review 04-08)
    assert run_check(s, "q3", {"la_gaps": la_gaps.round(2), "largest_gap_la": la_gaps.idxmax()}).all_passed
    tidied = la_gaps.sort_values(ascending=False)
    assert "do not sort" in first_hint(run_check(s, "q3", {"la_gaps": tidied, "largest_gap_la": la_gaps.idxmax()}))


def test_04_q4_not_squared_or_wrong_mean(pupils):
    s = spec(NB04)
    score = pupils["score"]
    total_ss = ((score - score.mean()) ** 2).sum()
    school_mean = pupils.groupby("school_id")["score"].transform("mean")
    la_mean = pupils.groupby("local_authority")["score"].transform("mean")
    ns = {"pupils": pupils, "la_mean": la_mean, "total_ss": total_ss, "school_mean": school_mean}
    assert run_check(s, "q4", {**ns, "share_within": round(((score - school_mean) ** 2).sum() / total_ss, 3)}).all_passed
    not_squared = round((score - school_mean).sum() / total_ss, 3)  # about 0
    assert "Square the pieces" in first_hint(run_check(s, "q4", {**ns, "share_within": not_squared}))
    la_instead = round(((score - la_mean) ** 2).sum() / total_ss, 3)
    assert "not la_mean" in first_hint(run_check(s, "q4", {**ns, "share_within": la_instead}))
    unrounded = ((score - school_mean) ** 2).sum() / total_ss
    assert "round to 3" in first_hint(run_check(s, "q4", {**ns, "share_within": unrounded}))
    two_places = round(unrounded, 2)  # under-rounded: the hint says so, not something else (review 04-08)
    assert "round to 3 decimal places, no fewer" in first_hint(run_check(s, "q4", {**ns, "share_within": two_places}))
    # a wrong number typed by hand is rounded to 3 places: the hint says it is the wrong number (teacher-a, 04 q4)
    typed = round(1 - 0.093 - 0.11, 3)
    assert "not the value the data give" in first_hint(run_check(s, "q4", {**ns, "share_within": typed}))


def test_04_q5_pupil_level_correlation_instead_of_schools(pupils):
    s = spec(NB04)
    schools = pupils.groupby("school_id").agg(share=("school_disadvantaged_share", "first"), mean_score=("score", "mean"))
    assert run_check(s, "q5", {"r_schools": round(schools["share"].corr(schools["mean_score"]), 2)}).all_passed
    r_pupils = round(pupils["disadvantaged"].astype(float).corr(pupils["score"]), 2)
    assert "one row per school" in first_hint(run_check(s, "q5", {"r_schools": r_pupils}))
    assert "negative" in first_hint(run_check(s, "q5", {"r_schools": 0.48}))


# ---------------------------------------------------------------- 05 effect sizes
NB05 = "05-effect-sizes"


@pytest.fixture(scope="module")
def trial(pupils):
    return pupils.loc[pupils["tutoring"], "score"], pupils.loc[~pupils["tutoring"], "score"]


def test_05_q1_difference_reversed(trial):
    s = spec(NB05)
    t, o = trial
    assert run_check(s, "q1", {"diff_points": round(t.mean() - o.mean(), 2)}).all_passed
    assert "should be positive" in first_hint(run_check(s, "q1", {"diff_points": round(o.mean() - t.mean(), 2)}))
    assert "round to 2" in first_hint(run_check(s, "q1", {"diff_points": t.mean() - o.mean()}))


def test_05_q2_divided_by_the_variance(trial):
    s = spec(NB05)
    t, o = trial
    n1, n2 = len(t), len(o)
    pooled_var = ((n1 - 1) * t.var() + (n2 - 1) * o.var()) / (n1 + n2 - 2)
    diff = t.mean() - o.mean()
    sd_pooled = np.sqrt(pooled_var)
    assert run_check(s, "q2", {"sd_pooled": sd_pooled, "d_by_hand": round(diff / sd_pooled, 3)}).all_passed
    divided_by_variance = {"sd_pooled": pooled_var, "d_by_hand": round(diff / pooled_var, 3)}
    assert "square root" in first_hint(run_check(s, "q2", divided_by_variance))
    forgot_to_divide = {"sd_pooled": sd_pooled, "d_by_hand": round(diff, 3)}
    assert "well below 1" in first_hint(run_check(s, "q2", forgot_to_divide))
    # brackets of the formula lost: only the second variance is divided by (n1 + n2 - 2)
    lost_brackets = np.sqrt((n1 - 1) * t.var() + (n2 - 1) * o.var() / (n1 + n2 - 2))
    assert "square root" in first_hint(run_check(s, "q2", {"sd_pooled": lost_brackets, "d_by_hand": round(diff / lost_brackets, 3)}))


def test_05_q3_whole_trial_instead_of_one_school(pupils, trial):
    s = spec(NB05)
    one = pupils[pupils["school_id"] == "SCH001"]
    g_one = ks.hedges_g(one.loc[one["tutoring"], "score"], one.loc[~one["tutoring"], "score"])
    assert run_check(s, "q3", {"ci_width": round(g_one["ci_high"].iloc[0] - g_one["ci_low"].iloc[0], 2)}).all_passed
    g_all = ks.hedges_g(*trial)
    wrong = round(g_all["ci_high"].iloc[0] - g_all["ci_low"].iloc[0], 2)
    assert "not of g_all" in first_hint(run_check(s, "q3", {"ci_width": wrong}))
    # the columns subtracted instead of the numbers in them: a one-row Series, not a number
    columns = round(g_one["ci_high"] - g_one["ci_low"], 2)
    assert ".iloc[0]" in first_hint(run_check(s, "q3", {"ci_width": columns}))


def test_05_q4_interval_ends_in_the_wrong_order(pupils, trial):
    s = spec(NB05)
    one = pupils[pupils["school_id"] == "SCH001"]
    g_school = ks.hedges_g(one.loc[one["tutoring"], "score"], one.loc[~one["tutoring"], "score"])
    low, high = ks.months_progress(g_school["ci_low"].iloc[0]), ks.months_progress(g_school["ci_high"].iloc[0])
    months_all = ks.months_progress(ks.hedges_g(*trial))
    tutored, others = one.loc[one["tutoring"], "score"], one.loc[~one["tutoring"], "score"]
    boot = ks.bootstrap_ci(tutored, "hedges_g", y=others, n_resamples=2000, seed=5)
    ns = {"ks": ks, "boot": boot, "months_all": months_all}
    assert run_check(s, "q4", {**ns, "months_school": [low, high]}).all_passed
    result = run_check(s, "q4", {**ns, "months_school": [high, low]})
    assert not result.all_passed and "low end first" in first_hint(result)
    # the bootstrap row gets its own hint, not "not g_all" (teacher-a, 05 q4)
    from_boot = [ks.months_progress(boot["ci_low"].iloc[0]), ks.months_progress(boot["ci_high"].iloc[0])]
    assert "not the bootstrap row boot" in first_hint(run_check(s, "q4", {**ns, "months_school": from_boot}))


def test_05_q6_total_instead_of_per_group():
    s = spec(NB05)
    r = ks.power_analysis(effect_size=0.2, power=0.8)
    assert run_check(s, "q6", {"n_needed": r["n_per_group"].iloc[0]}).all_passed
    assert "not \"n_total\"" in first_hint(run_check(s, "q6", {"n_needed": r["n_total"].iloc[0]}))
    assert "hundreds" in first_hint(run_check(s, "q6", {"n_needed": 0.2}))


def test_05_q7_gain_the_wrong_way_round(pupils):
    s = spec(NB05)
    untutored = pupils[~pupils["tutoring"]]
    lowest = untutored[untutored["prior_score"] <= untutored["prior_score"].quantile(0.10)]
    gain_all = round((untutored["score"] - untutored["prior_score"]).mean(), 2)
    right = round((lowest["score"] - lowest["prior_score"]).mean(), 2)
    assert run_check(s, "q7", {"gain_lowest": right, "gain_all": gain_all}).all_passed
    wrong = round((lowest["prior_score"] - lowest["score"]).mean(), 2)
    assert "summer minus autumn" in first_hint(run_check(s, "q7", {"gain_lowest": wrong, "gain_all": gain_all}))
    # all untutored pupils instead of the lowest tenth (their gain, 3.09, is also above 3)
    assert "gain_all" in first_hint(run_check(s, "q7", {"gain_lowest": gain_all, "gain_all": gain_all}))


def test_05_written_questions_are_left_to_the_tutor():
    s = spec(NB05)
    for q in ("q5", "q8"):
        assert s["questions"][q]["written"] and "written answer" in run_check(s, q, {}).message


# ---------------------------------------------------------------- 06 regression and multilevel
NB06 = "06-regression-multilevel"
FORMULA = "score ~ prior_score + disadvantaged + tutoring + programme"


def test_06_q1_intercept_instead_of_slope(pupils):
    s = spec(NB06)
    line = smf.ols("score ~ prior_score", data=pupils).fit()
    assert run_check(s, "q1", {"slope_prior": round(line.params["prior_score"], 3)}).all_passed
    assert "not the \"Intercept\"" in first_hint(run_check(s, "q1", {"slope_prior": round(line.params["Intercept"], 3)}))


def test_06_q2_wrong_coefficient(pupils):
    s = spec(NB06)
    model = smf.ols(FORMULA, data=pupils).fit()
    assert run_check(s, "q2", {"programme_coef": round(model.params["programme[T.True]"], 2)}).all_passed
    assert "programme[T.True]" in first_hint(run_check(s, "q2", {"programme_coef": round(model.params["tutoring[T.True]"], 2)}))
    assert "between 0 and 5" in first_hint(run_check(s, "q2", {"programme_coef": round(model.params["Intercept"], 2)}))


def test_06_q3_within_share_instead_of_icc(pupils):
    s = spec(NB06)
    est = ks.icc(pupils, "school_id", "score")["estimate"].iloc[0]
    ns = {"pupils": pupils, "ks": ks}
    assert run_check(s, "q3", {**ns, "icc_est": round(est, 3)}).all_passed
    assert "well below 0.5" in first_hint(run_check(s, "q3", {**ns, "icc_est": round(1 - est, 3)}))
    # grouped by local authority: the hint names the group column (teacher-a, 06 q3)
    by_la = round(ks.icc(pupils, "local_authority", "score")["estimate"].iloc[0], 3)
    assert 'not "local_authority"' in first_hint(run_check(s, "q3", {**ns, "icc_est": by_la}))


def test_06_q4_ratio_upside_down(pupils):
    s = spec(NB06)
    naive = smf.ols("score ~ programme", data=pupils).fit()
    clustered = smf.ols("score ~ programme", data=pupils).fit(cov_type="cluster", cov_kwds={"groups": pupils["school_id"]})
    ratio = clustered.bse["programme[T.True]"] / naive.bse["programme[T.True]"]
    assert run_check(s, "q4", {"clustered": clustered, "se_ratio": round(ratio, 2)}).all_passed
    upside_down = {"clustered": clustered, "se_ratio": round(1 / ratio, 2)}
    assert "not the other way round" in first_hint(run_check(s, "q4", upside_down))
    # the full model fitted with clustered SEs, compared with the simple naive one (ratio below 1)
    full = smf.ols(FORMULA, data=pupils).fit(cov_type="cluster", cov_kwds={"groups": pupils["school_id"]})
    wrong_model = {"clustered": full, "se_ratio": round(full.bse["programme[T.True]"] / naive.bse["programme[T.True]"], 2)}
    assert "same simple model" in first_hint(run_check(s, "q4", wrong_model))


def test_06_q5_divided_by_within_only(pupils):
    s = spec(NB06)
    null = smf.mixedlm("score ~ 1", data=pupils, groups=pupils["school_id"]).fit()
    b, w = null.cov_re.iloc[0, 0], null.scale
    given = {"between_var": b, "within_var": w, "pupils": pupils, "ks": ks}
    assert run_check(s, "q5", {**given, "icc_model": round(b / (b + w), 3)}).all_passed
    # typed variances (wrongly) and a copied icc_est get different hints (teacher-a, 06 q5)
    assert "do not type numbers in" in first_hint(run_check(s, "q5", {**given, "icc_model": round(35.1 / (35.1 + 148.7), 3)}))
    icc_est = round(ks.icc(pupils, "school_id", "score")["estimate"].iloc[0], 3)
    assert "not the one implied by this model" in first_hint(run_check(s, "q5", {**given, "icc_model": icc_est}))
    # b / w is also below 0.5 here, so it needs its own check
    assert "between_var + within_var" in first_hint(run_check(s, "q5", {**given, "icc_model": round(b / w, 3)}))
    assert "round to 3" in first_hint(run_check(s, "q5", {**given, "icc_model": b / (b + w)}))
    assert "not answered yet" in run_check(s, "q5", {"icc_model": ...}).message
    assert "written answer" in run_check(s, "q6", {}).message


def test_06_an_error_in_the_answer_is_reported_not_raised():
    s = spec(NB06)
    result = run_check(s, "q1", {"slope_prior": pd.Series([1.0, 2.0])})
    assert not result.all_passed and "Hint:" in result.message
