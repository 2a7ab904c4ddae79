"""kit.reliability against published worked examples and independent implementations."""

import numpy as np
import pandas as pd
import pytest

from kit import reliability
from kit.errors import ColumnTypeError, EmptyDataError, InputError


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
