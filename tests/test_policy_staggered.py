"""kit.policy.staggered_did: a staggered panel whose true average effect on the treated is known."""

import numpy as np
import pandas as pd
import pytest

from kit import policy
from kit.errors import InputError


def _panel(seed=3, n_units=240, noise=0.3):
    """Units join in 2004, 2007 or 2010 (or never); the effect grows by 0.4 a year in the programme."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        g = [0, 2004, 2007, 2010][u % 4]
        level = rng.normal(0, 1)
        for year in range(2000, 2014):
            effect = 0.0 if g == 0 or year < g else 1.0 + 0.4 * (year - g)
            rows.append((u, year, g or np.nan, level + 0.2 * (year - 2000) + effect + rng.normal(0, noise), effect))
    return pd.DataFrame(rows, columns=["unit", "year", "first_year", "y", "effect"])


def test_two_stage_recovers_the_true_average_effect_where_twfe_does_not():
    panel = _panel()
    truth = panel.loc[panel["effect"] > 0, "effect"].mean()  # average effect on treated rows (2.2 here)
    result = policy.staggered_did(panel, "y", "unit", "year", "first_year")
    robust, twfe = result.iloc[0], result.iloc[1]
    assert list(result["method"]) == ["two-stage (Gardner 2022)", "two-way fixed effects"]
    assert abs(robust["estimate"] - truth) < 2 * robust["se"]
    assert robust["ci_low"] < truth < robust["ci_high"]
    assert abs(twfe["estimate"] - truth) > 0.3  # TWFE is biased downwards by the growing effects
    assert robust["n_cohorts"] == 3 and robust["n_never_treated"] == 60 and robust["n"] == 240 * 14


def test_without_noise_the_estimate_is_the_average_effect_exactly():
    panel = _panel(noise=0.0)
    truth = panel.loc[panel["effect"] > 0, "effect"].mean()
    result = policy.staggered_did(panel, "y", "unit", "year", "first_year")
    # to the demeaning tolerance of the first stage (1e-6, as in R's fixest and did2s)
    assert result["estimate"].iloc[0] == pytest.approx(truth, abs=1e-4)


def test_twfe_row_is_fixed_effects_of_the_treated_now_indicator():
    panel = _panel()
    panel["now"] = (panel["year"] >= panel["first_year"]).astype(int)
    fe = policy.fixed_effects(panel, "y", "now", "unit", "year")
    row = policy.staggered_did(panel, "y", "unit", "year", "first_year").iloc[1]
    assert row["estimate"] == pytest.approx(fe["estimate"].iloc[0], rel=1e-12)
    assert row["se"] == pytest.approx(fe["se"].iloc[0], rel=1e-12)


def test_never_treated_may_be_coded_0_or_missing_and_confidence_is_used():
    panel = _panel()
    zero = panel.assign(first_year=panel["first_year"].fillna(0))
    a = policy.staggered_did(panel, "y", "unit", "year", "first_year", confidence=0.9)
    b = policy.staggered_did(zero, "y", "unit", "year", "first_year", confidence=0.9)
    assert a["estimate"].iloc[0] == pytest.approx(b["estimate"].iloc[0])
    assert a["confidence"].iloc[0] == 0.9
    assert "average effect on the treated" in policy.report(a)


def test_always_treated_units_are_left_out_with_a_warning():
    panel = _panel()
    panel.loc[panel["unit"] == 1, "first_year"] = 1999
    with pytest.warns(UserWarning, match="treated in every period"):
        result = policy.staggered_did(panel, "y", "unit", "year", "first_year")
    assert result["n_units"].iloc[0] == 239


def test_bad_inputs_give_kit_errors():
    panel = _panel()
    wobbly = panel.copy()
    wobbly.loc[(wobbly["unit"] == 1) & (wobbly["year"] == 2001), "first_year"] = 2005
    with pytest.raises(InputError, match="same in every row"):
        policy.staggered_did(wobbly, "y", "unit", "year", "first_year")
    all_treated = panel.loc[panel["first_year"].notna()]
    with pytest.raises(InputError, match="already treated"):
        policy.staggered_did(all_treated, "y", "unit", "year", "first_year")
