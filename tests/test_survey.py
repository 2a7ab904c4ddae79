"""kit.survey: scale scores against a hand computation, reverse keying, alpha against pingouin, nasty inputs."""

import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats

from kit.errors import ColumnTypeError, EmptyDataError, InputError, MissingColumnError, UnknownNameError
from kit.survey import aggregate, compare_waves, report, score_scales


@pytest.fixture
def answers():
    # five respondents, a three-item trust scale (t3 reverse-keyed) and a two-item goals scale
    return pd.DataFrame({
        "school_id": ["NLC01", "NLC02", "NLC03", "NLC04", "NLC05"],
        "wave": [1, 1, 1, 2, 2],
        "t1": [4, 2, 5, 3, 1],
        "t2": [5, 2, 4, 3, 2],
        "t3": [1, 4, 2, 3, 5],
        "g1": [3, 3, 4, 2, 5],
        "g2": [4, 3, 5, 2, 4],
    })


SCALES = {"trust": ["t1", "t2", "-t3"], "goals": ["g1", "g2"]}


def test_scores_match_a_hand_computation(answers):
    scores, _ = score_scales(answers, SCALES)
    trust = scores[scores["scale"] == "trust"]["score"].tolist()
    # by hand: t3 reversed on 1-5 is 6 - t3 -> 5, 2, 4, 3, 1
    hand = [(4 + 5 + 5) / 3, (2 + 2 + 2) / 3, (5 + 4 + 4) / 3, (3 + 3 + 3) / 3, (1 + 2 + 1) / 3]
    assert trust == pytest.approx(hand)
    goals = scores[scores["scale"] == "goals"]["score"].tolist()
    assert goals == pytest.approx([3.5, 3.0, 4.5, 2.0, 4.5])
    assert list(scores.columns) == ["school_id", "wave", "scale", "score", "items_answered"]
    assert len(scores) == 10 and scores["items_answered"].tolist() == [3] * 5 + [2] * 5


def test_reverse_list_equals_minus_prefix(answers):
    a, ra = score_scales(answers, SCALES)
    b, rb = score_scales(answers, {"trust": ["t1", "t2", "t3"], "goals": ["g1", "g2"]}, reverse=["t3"])
    pd.testing.assert_frame_equal(a, b)
    assert ra["reverse_items"].tolist() == ["t3", ""] == rb["reverse_items"].tolist()


def test_reverse_keying_uses_the_scale_ends():
    # on a 0-4 scale an answer x reverses to 4 - x; on 1-7 to 8 - x
    df = pd.DataFrame({"a": [0, 4, 2], "b": [4, 0, 1]})
    s, _ = score_scales(df, {"s": ["a", "-b"]}, scale_min=0, scale_max=4)
    assert s["score"].tolist() == pytest.approx([0.0, 4.0, 2.5])
    df7 = pd.DataFrame({"a": [7, 1, 4], "b": [1, 7, 2]})
    s7, _ = score_scales(df7, {"s": ["a", "-b"]}, scale_min=1, scale_max=7)
    assert s7["score"].tolist() == pytest.approx([7.0, 1.0, 5.0])


def test_alpha_equals_pingouin(answers):
    _, rel = score_scales(answers, SCALES)
    keyed = answers[["t1", "t2", "t3"]].assign(t3=6 - answers["t3"])
    alpha, ci = pingouin.cronbach_alpha(data=keyed)
    row = rel.set_index("scale").loc["trust"]
    assert row["alpha"] == pytest.approx(alpha, abs=1e-9)
    # pingouin rounds its Feldt interval to 3 decimals
    assert row["ci_low"] == pytest.approx(ci[0], abs=6e-4) and row["ci_high"] == pytest.approx(ci[1], abs=6e-4)
    assert (row["n_items"], row["n_respondents"], row["n_complete"]) == (3, 5, 5)


def test_alpha_on_the_survey_dataset_equals_pingouin():
    import kit.data

    survey = kit.data.load("partnership_survey")
    _, rel = score_scales(survey, survey.attrs["scales"])
    items = survey[["part1", "part2", "part3", "part4"]].assign(part2=6 - survey["part2"])
    assert rel.set_index("scale").loc["participation", "alpha"] == pytest.approx(pingouin.cronbach_alpha(items)[0])


def test_alpha_with_missing_answers_uses_complete_respondents(answers):
    answers.loc[1, "t2"] = np.nan
    _, rel = score_scales(answers, SCALES, missing="mean-of-available")
    keyed = answers[["t1", "t2", "t3"]].assign(t3=6 - answers["t3"]).dropna()
    assert rel.loc[0, "alpha"] == pytest.approx(pingouin.cronbach_alpha(data=keyed)[0])
    assert (rel.loc[0, "n_complete"], rel.loc[0, "n_partial"], rel.loc[0, "n_respondents"]) == (4, 1, 5)


# --- nasty inputs -------------------------------------------------------------------------

def test_missing_item_column_is_named(answers):
    with pytest.raises(MissingColumnError, match="'t4' was not found"):
        score_scales(answers, {"trust": ["t1", "-t4"]})


def test_missing_answer_is_an_error_by_default(answers):
    answers.loc[2, "g1"] = np.nan
    with pytest.raises(InputError, match=r"1 answer\(s\) are missing, for example row 2, item 'g1'.*mean-of-available"):
        score_scales(answers, SCALES)


def test_mean_of_available_scores_from_answered_items_and_reports(answers):
    answers.loc[0, "t1"] = np.nan            # 2 of 3 answered: scored
    answers.loc[1, ["t1", "t2"]] = np.nan    # 1 of 3 answered: below half, not scored
    scores, rel = score_scales(answers, SCALES, missing="mean-of-available")
    trust = scores[scores["scale"] == "trust"].reset_index(drop=True)
    assert trust.loc[0, "score"] == pytest.approx((5 + 5) / 2)
    assert math.isnan(trust.loc[1, "score"]) and trust.loc[1, "items_answered"] == 1
    row = rel.set_index("scale").loc["trust"]
    assert (row["n_partial"], row["n_not_scored"], row["n_respondents"]) == (1, 1, 4)
    # a stricter rule scores neither
    _, strict = score_scales(answers, SCALES, missing="mean-of-available", min_answered=1.0)
    assert strict.set_index("scale").loc["trust", "n_not_scored"] == 2


def test_out_of_range_is_an_error_with_the_place(answers):
    answers.loc[3, "t2"] = 44
    with pytest.raises(InputError, match=r"outside the scale 1 to 5.*row 3, item 't2': 44.*out_of_range='missing'"):
        score_scales(answers, SCALES)


def test_half_points_and_zero_are_out_of_range(answers):
    answers = answers.astype({"g1": float})
    answers.loc[0, "g1"] = 3.5
    with pytest.raises(InputError, match="not whole numbers"):
        score_scales(answers, SCALES)
    answers.loc[0, "g1"] = 0
    with pytest.raises(InputError, match="outside the scale"):
        score_scales(answers, SCALES)


def test_out_of_range_as_missing_is_counted(answers):
    answers.loc[3, "t2"] = 44
    answers.loc[4, "g2"] = 0
    with pytest.raises(InputError, match="missing"):  # they become missing answers, which need a policy too
        score_scales(answers, SCALES, out_of_range="missing")
    scores, rel = score_scales(answers, SCALES, out_of_range="missing", missing="mean-of-available")
    assert rel.set_index("scale")["n_out_of_range"].to_dict() == {"trust": 1, "goals": 1}
    trust = scores[scores["scale"] == "trust"].reset_index(drop=True)
    assert trust.loc[3, "score"] == pytest.approx((3 + 3) / 2)


def test_text_answers_are_refused_with_advice(answers):
    answers["t1"] = ["Agree", "4", "5", "3", "1"]
    with pytest.raises(ColumnTypeError, match=r"Item 't1' should hold numbers.*'Agree'.*map"):
        score_scales(answers, SCALES)


def test_numbers_typed_as_text_are_accepted(answers):
    expected, _ = score_scales(answers, SCALES)
    answers["t1"] = answers["t1"].astype(str)
    got, _ = score_scales(answers, SCALES)
    pd.testing.assert_frame_equal(got, expected)


def test_true_false_items_are_refused(answers):
    answers["t1"] = answers["t1"] > 3
    with pytest.raises(ColumnTypeError, match="True/False"):
        score_scales(answers, SCALES)


@pytest.mark.parametrize("scales, message", [
    ({}, "dictionary"),
    (["t1", "t2"], "dictionary"),
    ({"trust": "t1"}, "list of column names"),
    ({"trust": []}, "no items"),
    ({"trust": ["t1", "-t1"]}, "listed twice"),
])
def test_badly_written_scales_are_explained(answers, scales, message):
    with pytest.raises(InputError, match=message):
        score_scales(answers, scales)


def test_reverse_naming_an_item_in_no_scale(answers):
    with pytest.raises(InputError, match="'t9', which is in no scale"):
        score_scales(answers, SCALES, reverse=["t9"])


def test_unknown_policies_and_bad_arguments(answers):
    with pytest.raises(UnknownNameError, match="mean-of-available"):
        score_scales(answers, SCALES, missing="drop")
    with pytest.raises(UnknownNameError, match="missing"):
        score_scales(answers, SCALES, out_of_range="clip")
    with pytest.raises(InputError, match="min_answered"):
        score_scales(answers, SCALES, min_answered=50)
    with pytest.raises(InputError, match="smaller than"):
        score_scales(answers, SCALES, scale_min=5, scale_max=1)
    with pytest.raises(ColumnTypeError, match="DataFrame"):
        score_scales(answers.to_dict(), SCALES)
    with pytest.raises(EmptyDataError):
        score_scales(answers.iloc[0:0], SCALES)


def test_forgotten_reverse_item_warns_and_notes(answers):
    with pytest.warns(UserWarning, match="put a '-' in front"):
        _, rel = score_scales(answers, {"trust": ["t1", "t2", "t3"]})
    assert "reverse-keyed" in rel.loc[0, "note"]
    assert rel.loc[0, "alpha"] < 0


def test_one_item_scale_has_no_alpha_but_a_note(answers):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, rel = score_scales(answers, {"g": ["g1"]})
    assert math.isnan(rel.loc[0, "alpha"]) and "one item" in rel.loc[0, "note"]


def test_constant_item_gives_no_alpha_but_keeps_the_scores(answers):
    answers["g1"] = 3
    answers["g2"] = 3
    scores, rel = score_scales(answers, SCALES)
    goals = rel.set_index("scale").loc["goals"]
    assert math.isnan(goals["alpha"]) and goals["note"].startswith("alpha not defined")
    assert scores[scores["scale"] == "goals"]["score"].tolist() == [3.0] * 5


def test_index_labels_in_messages_are_the_tables(answers):
    answers.index = [10, 11, 12, 13, 14]
    answers.loc[12, "t1"] = 9
    with pytest.raises(InputError, match="row 12"):
        score_scales(answers, SCALES)


def test_keep_selects_columns(answers):
    scores, _ = score_scales(answers, SCALES, keep=["school_id"])
    assert list(scores.columns) == ["school_id", "scale", "score", "items_answered"]
    with pytest.raises(MissingColumnError):
        score_scales(answers, SCALES, keep=["trio"])


# --- aggregate and compare_waves -----------------------------------------------------------

def test_aggregate_matches_scipy_t_interval():
    rng = np.random.default_rng(1)
    s = pd.DataFrame({"trio": np.repeat(["T01", "T02"], 8), "scale": "trust", "score": rng.normal(3.5, 0.6, 16)})
    out = aggregate(s, by="trio")
    for trio, row in out.set_index("trio").iterrows():
        x = s.loc[s["trio"] == trio, "score"]
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert (row["estimate"], row["ci_low"], row["ci_high"], row["n"]) == pytest.approx((x.mean(), lo, hi, 8))
    assert list(out.columns) == ["trio", "scale", "n", "estimate", "sd", "ci_low", "ci_high"]


def test_aggregate_skips_missing_scores_and_counts_them_out():
    s = pd.DataFrame({"trio": ["T01"] * 3, "score": [3.0, np.nan, 4.0]})
    out = aggregate(s, by="trio")
    assert out.loc[0, "n"] == 2 and out.loc[0, "estimate"] == 3.5


def test_aggregate_errors():
    s = pd.DataFrame({"trio": ["T01"], "score": ["high"]})
    with pytest.raises(MissingColumnError, match="cluster"):
        aggregate(s, by="cluster")
    with pytest.raises(ColumnTypeError):
        aggregate(s, by="trio")
    with pytest.raises(InputError):
        aggregate(s, by=[])


def test_compare_waves_matches_scipy_welch_and_pingouin_hedges():
    rng = np.random.default_rng(7)
    a, b = rng.normal(3.2, 0.7, 30), rng.normal(3.6, 0.5, 25)
    s = pd.DataFrame({"wave": [1] * 30 + [3] * 25, "scale": "goals", "score": np.concatenate([a, b])})
    row = compare_waves(s, 1, 3).iloc[0]
    welch = stats.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval()
    assert row["estimate"] == pytest.approx(b.mean() - a.mean())
    assert (row["ci_low"], row["ci_high"], row["p_value"]) == pytest.approx((ci.low, ci.high, welch.pvalue))
    # Hedges' g by the textbook formula (Hedges 1981): pooled SD and the exact J correction
    from scipy.special import gamma

    sp = math.sqrt(((29) * a.var(ddof=1) + 24 * b.var(ddof=1)) / 53)
    g = (b.mean() - a.mean()) / sp * gamma(53 / 2) / (math.sqrt(53 / 2) * gamma(52 / 2))
    assert row["hedges_g"] == pytest.approx(g, rel=1e-10)
    # the same g and interval as kit.stats.hedges_g, unrounded (the pingouin interval was rounded to 2 places)
    from kit.stats import hedges_g

    same = hedges_g(b, a).iloc[0]
    assert (row["hedges_g"], row["g_ci_low"], row["g_ci_high"]) == (same["estimate"], same["ci_low"], same["ci_high"])
    assert row["g_ci_low"] != round(row["g_ci_low"], 2)
    assert row["n"] == 55
    assert "rose" in report(compare_waves(s, 1, 3))


def test_compare_waves_by_group_and_errors():
    s = pd.DataFrame({"wave": [1, 1, 2, 2] * 2, "cluster": ["C1"] * 4 + ["C2"] * 4, "score": [1, 2, 3, 4, 2, 3, 2, 3.0]})
    out = compare_waves(s, 1, 2, by="cluster")
    assert out["cluster"].tolist() == ["C1", "C2"] and out["estimate"].tolist() == pytest.approx([2.0, 0.0])
    assert "includes no change" in report(out)
    with pytest.raises(UnknownNameError, match="wave"):
        compare_waves(s, 1, 4)
    with pytest.raises(EmptyDataError, match="at least 2"):
        compare_waves(s.iloc[:3], 1, 2)


def test_report_names_the_confidence_level():
    s = pd.DataFrame({"wave": [1] * 4 + [2] * 4, "scale": "trust", "score": [3.0, 3.5, 2.5, 3.0, 4.0, 3.5, 4.5, 4.0]})
    assert "90% CI" in report(compare_waves(s, 1, 2, level=0.90))
    assert "95% CI" in report(compare_waves(s, 1, 2))
