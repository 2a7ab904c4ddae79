"""kit.reliability against published worked examples and independent implementations."""

import numpy as np
import pandas as pd
import pytest

from kit import reliability
from kit.errors import ColumnTypeError, EmptyDataError, InputError, MissingColumnError


# --------------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------------
def _alpha_by_formula(frame: pd.DataFrame) -> float:
    """Independent implementation: alpha = k/(k-1) * (1 - sum of item variances / variance of totals)
    (Cronbach 1951, eq. 2), complete cases only."""
    frame = frame.dropna()
    k = frame.shape[1]
    return k / (k - 1) * (1 - frame.var(ddof=1).sum() / frame.sum(axis=1).var(ddof=1))


def _pingouin_example():
    import pingouin

    return pingouin.read_dataset("cronbach_wide_missing")  # ships with pingouin (no network)


def test_cronbach_matches_r_psych_pairwise():
    # pingouin's documented example, "In R: psych::alpha(data, use='pairwise')":
    # alpha = 0.732660835214447, 95% CI [0.435, 0.909] (pingouin 0.7 docs, cronbach_alpha).
    with pytest.warns(UserWarning, match="reverse-keyed"):
        res = reliability.cronbach_alpha(_pingouin_example())
    assert res["estimate"].iloc[0] == pytest.approx(0.732660835214447, abs=1e-9)
    assert res["ci_low"].iloc[0] == pytest.approx(0.435, abs=5e-4)
    assert res["ci_high"].iloc[0] == pytest.approx(0.909, abs=5e-4)
    assert res["n"].iloc[0] == 12 and res["k"].iloc[0] == 11 and res["n_missing"].iloc[0] == 4


def test_cronbach_listwise_matches_r_psych_complete_obs_and_reports_the_dropped():
    # "In R: psych::alpha(data, use='complete.obs')": alpha = 0.8016949152542373 (pingouin docs).
    # The interval differs from pingouin's on purpose: pingouin uses n = 12 (before deletion);
    # we use the 9 respondents actually analysed.
    data = _pingouin_example()
    res = reliability.cronbach_alpha(data, missing="listwise")
    assert res["estimate"].iloc[0] == pytest.approx(0.8016949152542373, abs=1e-9)
    assert res["estimate"].iloc[0] == pytest.approx(_alpha_by_formula(data), abs=1e-12)
    assert (res["n"].iloc[0], res["n_excluded"].iloc[0]) == (9, 3)


def test_cronbach_feldt_interval_by_hand():
    # Feldt, Woodruff & Salih (1987): [1 - (1-a) F_{.025}(n-1, (n-1)(k-1)) upper quantile, ...]
    from scipy.stats import f

    rng = np.random.default_rng(3)
    true = rng.normal(size=40)
    frame = pd.DataFrame({f"q{i}": np.round(true + rng.normal(size=40)) for i in range(5)})
    res = reliability.cronbach_alpha(frame, ci=0.90)
    a = _alpha_by_formula(frame)
    assert res["estimate"].iloc[0] == pytest.approx(a, abs=1e-12)
    assert res["ci_low"].iloc[0] == pytest.approx(1 - (1 - a) * f.ppf(0.95, 39, 156), abs=1e-12)
    assert res["ci_high"].iloc[0] == pytest.approx(1 - (1 - a) * f.ppf(0.05, 39, 156), abs=1e-12)


def test_cronbach_bad_input():
    good = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5], "q3": [1, 3, 3, 4]})
    with pytest.raises(InputError, match="'q2' has the same answer"):
        reliability.cronbach_alpha(good.assign(q2=3))
    with pytest.raises(EmptyDataError, match="'q3' has no answers"):
        reliability.cronbach_alpha(good.assign(q3=np.nan))
    with pytest.raises(ColumnTypeError, match="holds text.*'Agree'"):
        reliability.cronbach_alpha(good.assign(q1=["Agree", "Disagree", "Agree", "Agree"]))
    with pytest.raises(InputError, match="at least two items"):
        reliability.cronbach_alpha(good[["q1"]])
    with pytest.raises(ColumnTypeError, match="single column"):
        reliability.cronbach_alpha(good["q1"])
    with pytest.raises(EmptyDataError, match="no rows"):
        reliability.cronbach_alpha(good.iloc[:0])
    with pytest.raises(InputError, match="pairwise"):
        reliability.cronbach_alpha(good, missing="drop")
    with pytest.raises(InputError, match="cancel each other out"):
        reliability.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1]}))


def test_cronbach_empty_respondents_are_counted_not_hidden():
    frame = pd.DataFrame({"q1": [1, 2, 3, 4, np.nan], "q2": [2, 2, 3, 5, np.nan], "q3": [1, 3, 3, 4, np.nan]})
    res = reliability.cronbach_alpha(frame)
    assert (res["n"].iloc[0], res["n_excluded"].iloc[0]) == (4, 1)


def test_reverse_score_and_item_statistics():
    frame = pd.DataFrame({"q1": [1, 2, 4, 5, 3], "q2": [2, 1, 5, 4, 3], "q3": [5, 4, 2, 1, 3]})
    with pytest.warns(UserWarning, match="'q3'"):
        reliability.cronbach_alpha(frame)
    fixed = reliability.reverse_score(frame, ["q3"], low=1, high=5)
    assert fixed["q3"].tolist() == [1, 2, 4, 5, 3]
    assert reliability.cronbach_alpha(fixed)["estimate"].iloc[0] == pytest.approx(_alpha_by_formula(fixed))
    table = reliability.item_statistics(frame)
    assert table.loc[table["item"] == "q3", "item_rest_r"].iloc[0] < 0
    assert table["alpha_if_dropped"].iloc[2] == pytest.approx(_alpha_by_formula(frame[["q1", "q2"]]))
    with pytest.raises(InputError, match="outside the scale"):
        reliability.reverse_score(frame, ["q1"], low=1, high=4)


# --------------------------------------------------------------------------------------------
# Cohen's kappa
# --------------------------------------------------------------------------------------------
def _from_table(table, labels):
    """Two coders' codes rebuilt from a published agreement table (rows: coder 1, columns: coder 2)."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    return a, b


def test_kappa_textbook_two_by_two():
    # Wikipedia, "Cohen's kappa", worked example (50 grant proposals read by readers A and B):
    # both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
    a, b = _from_table([[20, 5], [10, 15]], ["Yes", "No"])
    res = reliability.cohen_kappa(a, b)
    assert res["estimate"].iloc[0] == pytest.approx(0.40)
    assert res["agreement"].iloc[0] == pytest.approx(0.70)
    assert res["chance_agreement"].iloc[0] == pytest.approx(0.50)


def test_kappa_matches_sas_proc_freq_example():
    # SAS PROC FREQ "Simple Kappa Coefficient" printout reproduced in statsmodels'
    # test_inter_rater.py (TestUnweightedCohens): table [[0,4,1],[0,8,0],[0,1,5]],
    # kappa 0.4842, ASE 0.1380, 95% CI 0.2137 to 0.7547;
    # weighted (Cicchetti-Allison = linear) 0.4701, ASE 0.1457, CI 0.1845 to 0.7558.
    a, b = _from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], [1, 2, 3])
    res = reliability.cohen_kappa(a, b, categories=[1, 2, 3])
    assert res[["estimate", "se", "ci_low", "ci_high"]].iloc[0].tolist() == pytest.approx(
        [0.4842, 0.1380, 0.2137, 0.7547], abs=1e-4)
    res = reliability.cohen_kappa(a, b, categories=[1, 2, 3], weights="linear")
    assert res[["estimate", "se", "ci_low", "ci_high"]].iloc[0].tolist() == pytest.approx(
        [0.4701, 0.1457, 0.1845, 0.7558], abs=1e-4)


def test_kappa_matches_r_irr_kappa2_on_anxiety():
    # R: irr::kappa2(anxiety[, 2:3]) -> -0.006289308; kappa2(..., "equal") -> 0.1459075;
    # kappa2(..., "squared") -> 0.2520325 (Gamer et al., irr package, data `anxiety`;
    # values quoted in statsmodels' test_inter_rater.py).
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    for weights, expected in ((None, -0.006289308), ("linear", 0.1459075), ("quadratic", 0.2520325)):
        res = reliability.cohen_kappa(rater2, rater3, weights=weights)
        assert res["estimate"].iloc[0] == pytest.approx(expected, abs=1e-7), weights


def test_kappa_from_a_table_and_missing_codes_are_counted():
    data = pd.DataFrame({"ana": ["a", "b", None, "a", "b", "a"], "ben": ["a", "b", "a", "b", "", "a"]})
    res = reliability.cohen_kappa("ana", "ben", data=data)
    assert (res["n"].iloc[0], res["n_missing"].iloc[0]) == (4, 2)
    assert res["coders"].iloc[0] == "ana and ben"
    assert "2 excerpt(s) without a code from both were left out" in reliability.report(res)


def test_kappa_catches_a_typo_against_the_codebook():
    codebook = ["Positive", "Negative", "Neutral"]
    a = ["Positive", "Negative", "Neutral", "Positive", "Negative", "Positive"]
    b = ["Positive", "Negative", "Neutral", "Postive", "Negative", "Postive"]
    with pytest.raises(InputError) as err:
        reliability.cohen_kappa(a, b, codebook=codebook)
    message = str(err.value)
    assert "'Postive' (used 2 time(s), by coder_2; did you mean 'Positive'?)" in message
    assert "Nothing was calculated" in message


def test_kappa_catches_a_typo_without_a_codebook():
    a = ["Belonging", "Mobility", "Belonging", "Attendance", "Mobility", "Belonging"]
    b = ["Belonging", "Mobility", "Belongng", "Attendance", "Mobility", "Belonging"]
    with pytest.raises(InputError, match="'Belongng': used only by coder_2 and looks like a misspelling of 'Belonging'"):
        reliability.cohen_kappa(a, b)


def test_kappa_warns_about_a_code_only_one_coder_used():
    a = ["Belonging", "Mobility", "Belonging", "Attendance", "Mobility", "Belonging"]
    b = ["Belonging", "Mobility", "Teaching", "Attendance", "Mobility", "Belonging"]
    with pytest.warns(UserWarning, match="'Teaching' \\(used only by coder_2, 1 time"):
        reliability.cohen_kappa(a, b)
    # confirmed by a codebook: no warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reliability.cohen_kappa(a, b, codebook=["Attendance", "Belonging", "Mobility", "Teaching"])


def test_kappa_bad_input():
    with pytest.raises(InputError, match="needs the order of the codes"):
        reliability.cohen_kappa(["low", "high", "medium"], ["low", "medium", "medium"], weights="linear")
    ordered = reliability.cohen_kappa(["low", "high", "medium", "low"], ["low", "medium", "medium", "low"],
                                      weights="linear", categories=["low", "medium", "high"])
    assert ordered["estimate"].iloc[0] > 0.5
    with pytest.raises(InputError, match="different numbers of codes.*4.*3"):
        reliability.cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a"])
    with pytest.raises(EmptyDataError, match="No excerpt has a code from both"):
        reliability.cohen_kappa([None, None], [np.nan, ""])
    with pytest.raises(InputError, match="same single code"):
        reliability.cohen_kappa(["a", "a", "a"], ["a", "a", "a"])
    with pytest.raises(InputError, match="Did you mean 'linear'"):
        reliability.cohen_kappa(["a", "b"], ["a", "b"], weights="lineal")
    with pytest.raises(ColumnTypeError, match="whole table"):
        reliability.cohen_kappa(pd.DataFrame({"x": [1, 2]}), [1, 2])
    with pytest.raises(InputError, match="no table"):
        reliability.cohen_kappa("coder_1", "coder_2")
    with pytest.raises(MissingColumnError, match="coder_3"):
        reliability.cohen_kappa("coder_1", "coder_3", data=pd.DataFrame({"coder_1": [1], "coder_2": [1]}))


def test_agreement_table_counts_and_margins():
    a, b = _from_table([[20, 5], [10, 15]], ["Yes", "No"])
    table = reliability.agreement_table(a, b, categories=["Yes", "No"])
    assert table.loc["Yes", "Yes"] == 20 and table.loc["Yes", "No"] == 5 and table.loc["No", "Yes"] == 10
    assert table.loc["Total", "Total"] == 50
    assert table.attrs["n_missing"] == 0


def test_code_usage_names_every_problem():
    coded = pd.DataFrame({"c1": ["Positive", "Negative", "Positive"], "c2": ["Positive", "Negative", "Postive"]})
    usage = reliability.code_usage(coded)
    assert usage.set_index("code").loc["Postive", "problem"] == "used only by c2 and looks like a misspelling of 'Positive'"
    assert usage["total"].sum() == 6


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", example C: four observers,
# twelve units, missing data. Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_example_with_missing_data(level, expected):
    res = reliability.krippendorff_alpha(KRIPPENDORFF_2011, level, n_boot=0)
    assert res["estimate"].iloc[0] == pytest.approx(expected, abs=5e-4)
    # unit 12 was coded by one observer only: not pairable; 40 pairable values remain (paper: n.. = 40)
    assert (res["n"].iloc[0], res["n_values"].iloc[0], res["n_unpairable"].iloc[0]) == (11, 40, 1)


def test_krippendorff_2011_binary_two_observers():
    # Krippendorff (2011), example A: binary data, two observers, no missing data: alpha = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert reliability.krippendorff_alpha(data, n_boot=0)["estimate"].iloc[0] == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_text_codes_and_columns_layout():
    # nominal text codes give the same alpha as their numbers; 'columns' is the spreadsheet layout
    words = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}
    text = [[words.get(v) for v in row] for row in KRIPPENDORFF_2011]
    res = reliability.krippendorff_alpha(pd.DataFrame(text).T, coders="columns", n_boot=0)
    assert res["estimate"].iloc[0] == pytest.approx(0.743, abs=5e-4)
    ordered = reliability.krippendorff_alpha(text, "ordinal", categories=list("abcde"), n_boot=0)
    assert ordered["estimate"].iloc[0] == pytest.approx(0.815, abs=5e-4)


def test_krippendorff_bootstrap_interval_is_reproducible_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, 120)
    y = np.where(rng.random(120) < 0.7, x, rng.integers(0, 4, 120))
    one = reliability.krippendorff_alpha([x, y], n_boot=300, seed=5)
    two = reliability.krippendorff_alpha([x, y], n_boot=300, seed=5)
    pd.testing.assert_frame_equal(one, two)
    assert one["ci_low"].iloc[0] < one["estimate"].iloc[0] < one["ci_high"].iloc[0]


def test_krippendorff_bad_input():
    spreadsheet = pd.DataFrame({"coder_1": ["a", "b"] * 15, "coder_2": ["a", "a"] * 15})
    with pytest.raises(InputError, match="add coders='columns'"):
        reliability.krippendorff_alpha(spreadsheet)
    with pytest.raises(InputError, match="Did you mean 'ordinal'"):
        reliability.krippendorff_alpha(KRIPPENDORFF_2011, "ordinl")
    with pytest.raises(EmptyDataError, match="Every code in the table is missing"):
        reliability.krippendorff_alpha([[None, None], [np.nan, None]])
    with pytest.raises(InputError, match="at least two coders"):
        reliability.krippendorff_alpha([[1, 2, 3]])
    with pytest.raises(EmptyDataError, match="No unit was coded by at least two"):
        reliability.krippendorff_alpha([[1, None], [None, 2]])
    with pytest.raises(InputError, match="same single code"):
        reliability.krippendorff_alpha([[1, 1, 1], [1, 1, None]])
    with pytest.raises(InputError, match="need their order"):
        reliability.krippendorff_alpha([["low", "high"], ["low", "low"]], "ordinal")
    with pytest.raises(ColumnTypeError, match="needs numbers"):
        reliability.krippendorff_alpha([["low", "high"], ["low", "low"]], "interval")
    with pytest.raises(InputError, match="'Postive'.*did you mean 'Positive'"):
        reliability.krippendorff_alpha([["Positive", "Negative", "Positive"], ["Positive", "Negative", "Postive"]],
                                       codebook=["Positive", "Negative"])


def test_reports_are_plain_sentences():
    kripp = reliability.krippendorff_alpha(KRIPPENDORFF_2011, n_boot=0)
    assert reliability.report(kripp).startswith("Krippendorff's alpha (nominal) = 0.743 from 4 coders and 11 units")
    assert "tentative" in reliability.report(kripp)
    frame = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5], "q3": [1, 3, 3, 4]})
    assert "Cronbach's alpha = " in reliability.report(reliability.cronbach_alpha(frame))
    with pytest.raises(InputError, match="report.. describes a result of a kit function"):
        reliability.report(frame)


def test_report_states_the_confidence_level_used():
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert "(90% CI" in reliability.report(reliability.cohen_kappa(a, b, ci=0.90))
    assert "(95% CI" in reliability.report(reliability.cohen_kappa(a, b))


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, kit.reliability, kit.inquiry; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_numeric_codes_stored_as_floats_match_an_integer_codebook():
    # pandas stores 1, 2, 3 as 1.0, 2.0, 3.0 when a value is missing; the codebook says 1, 2, 3
    a = pd.Series([1, 2, 3, 1, 2, np.nan, 3, 1])
    b = pd.Series([1, 2, 3, 2, 2, 1, 3, 1])
    res = reliability.cohen_kappa(a, b, codebook=[1, 2, 3])
    assert (res["n"].iloc[0], res["n_missing"].iloc[0]) == (7, 1)
    ordinal = reliability.krippendorff_alpha([a, b], "ordinal", codebook=[1, 2, 3], n_boot=0)
    plain = reliability.krippendorff_alpha([a, b], "ordinal", n_boot=0)
    assert ordinal["estimate"].iloc[0] == pytest.approx(plain["estimate"].iloc[0])


def test_cronbach_on_a_whole_survey_points_at_the_identifier_column():
    """A reader passed the whole survey table; the message must not suggest mapping Likert labels onto ids."""
    import kit.data
    from kit.errors import ColumnTypeError

    with pytest.raises(ColumnTypeError, match="looks like an identifier") as err:
        reliability.cronbach_alpha(kit.data.load("student_survey"))
    assert "Strongly disagree" not in str(err.value)
