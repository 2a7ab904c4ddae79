"""kit.stats against published worked examples and independent implementations."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from kit import stats as ks
from kit.errors import ColumnTypeError, EmptyDataError, InputError, MissingColumnError, UnknownNameError


def exact_sample(mean, sd, n, seed=0):
    """n values whose sample mean and SD (ddof=1) are exactly ``mean`` and ``sd``."""
    z = np.random.default_rng(seed).normal(size=n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * z


# Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, chapter 4,
# worked example: treated mean 103, SD 5.5, n 50; control mean 100, SD 4.5, n 50.
# S_within = 5.0249, d = 0.5970, V_d = 0.0418, SE_d = 0.2044; J = 0.9923, g = 0.5924,
# V_g = 0.0411, SE_g = 0.2028.
TREATED = exact_sample(103, 5.5, 50, seed=1)
CONTROL = exact_sample(100, 4.5, 50, seed=2)


def test_cohens_d_borenstein_worked_example():
    r = ks.cohens_d(TREATED, CONTROL, ci_method="normal")
    row = r.iloc[0]
    assert row["sd_pooled"] == pytest.approx(5.0249, abs=1e-4)  # Borenstein et al. 2009, S_within
    assert row["estimate"] == pytest.approx(0.5970, abs=1e-4)  # d
    assert row["se"] ** 2 == pytest.approx(0.0418, abs=1e-4)  # V_d
    assert row["se"] == pytest.approx(0.2044, abs=1e-4)  # SE_d
    # 95% CI = d +/- 1.96 SE_d = 0.1964 to 0.9976 (Borenstein eq. 4.22 with z)
    assert row["ci_low"] == pytest.approx(0.5970 - 1.959964 * 0.2044, abs=2e-4)
    assert row["ci_high"] == pytest.approx(0.5970 + 1.959964 * 0.2044, abs=2e-4)
    assert (row["n"], row["n_x"], row["n_y"]) == (100, 50, 50)
    assert list(r.columns[:4]) == ["measure", "estimate", "ci_low", "ci_high"]


def test_hedges_g_borenstein_worked_example():
    row = ks.hedges_g(TREATED, CONTROL).iloc[0]
    assert row["measure"] == "Hedges' g"
    assert row["estimate"] == pytest.approx(0.5924, abs=1e-4)  # g, Borenstein et al. 2009
    assert row["se"] ** 2 == pytest.approx(0.0411, abs=1e-4)  # V_g
    assert row["se"] == pytest.approx(0.2028, abs=1e-4)  # SE_g


def test_cohens_d_agrees_with_t_statistic_from_scipy():
    # Independent route: d = t * sqrt(1/nx + 1/ny) for the pooled two-sample t test.
    rng = np.random.default_rng(5)
    x, y = rng.normal(52, 10, 37), rng.normal(48, 11, 45)
    t = st.ttest_ind(x, y).statistic
    assert ks.cohens_d(x, y)["estimate"].iloc[0] == pytest.approx(t * np.sqrt(1 / 37 + 1 / 45), rel=1e-12)


def test_cohens_d_and_hedges_g_match_pingouin():
    import pingouin as pg

    rng = np.random.default_rng(8)
    x, y = rng.normal(0.3, 1, 23), rng.normal(0, 1.2, 31)
    assert ks.cohens_d(x, y)["estimate"].iloc[0] == pytest.approx(pg.compute_effsize(x, y, eftype="cohen"), rel=1e-12)
    # pingouin uses the approximate J = 1 - 3/(4 df - 1); the kit the exact one (as R's effectsize)
    assert ks.hedges_g(x, y)["estimate"].iloc[0] == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"), rel=1e-4)
    from scipy.special import gamma

    df = 23 + 31 - 2
    exact_j = gamma(df / 2) / (np.sqrt(df / 2) * gamma((df - 1) / 2))
    d = ks.cohens_d(x, y).iloc[0]
    g = ks.hedges_g(x, y).iloc[0]
    assert g["estimate"] == pytest.approx(exact_j * d["estimate"], rel=1e-12)
    assert (g["ci_low"], g["ci_high"]) == pytest.approx((exact_j * d["ci_low"], exact_j * d["ci_high"]), rel=1e-12)


def test_effect_size_drops_missing_values_and_accepts_series():
    x = pd.Series([9, 7, 8, 9, np.nan, 8, 9, 9, 10, 9, 9])
    y = [9, 6, 7, 8, 7, 9, 8, 8, 7, 7, None]
    r = ks.cohens_d(x, pd.Series(y, dtype=float))
    assert r["n_x"].iloc[0] == 10 and r["n_y"].iloc[0] == 10
    # Same data as the docstring, without missing values: d = 1.1 / 0.8975 = 1.2256
    assert r["estimate"].iloc[0] == pytest.approx(1.1 / np.sqrt((6.1 + 8.4) / 18), rel=1e-12)


@pytest.mark.parametrize("bad, error, words", [
    (["a", "b", "c"], ColumnTypeError, "holds text"),
    ([np.nan, np.nan, np.nan], EmptyDataError, "no numbers left"),
    ([4.0], EmptyDataError, "at least 2"),
    (pd.DataFrame({"a": [1, 2]}), ColumnTypeError, "whole table"),
    (5, ColumnTypeError, "single value"),
])
def test_effect_size_bad_input_gives_kit_errors(bad, error, words):
    with pytest.raises(error, match=words):
        ks.hedges_g(bad, [1.0, 2.0, 3.0])


def test_effect_size_no_spread_and_bad_confidence():
    with pytest.raises(InputError, match="same"):
        ks.cohens_d([2, 2, 2], [2, 2])
    with pytest.raises(InputError, match="between 0 and 1"):
        ks.cohens_d([1, 2, 3], [2, 3, 4], confidence=95)


# EEF (2021) Teaching and Learning Toolkit guide, "Additional months' progress" table:
# -0.01-0.01: 0; 0.02-0.09: 1; 0.10-0.18: 2; 0.19-0.26: 3; 0.27-0.35: 4; 0.36-0.44: 5;
# 0.45-0.52: 6; 0.53-0.61: 7; 0.62-0.69: 8; 0.70-0.78: 9; 0.79-0.87: 10; 0.88-0.95: 11; 0.96+: 12.
EEF_BANDS = [(-0.01, 0.01, 0), (0.02, 0.09, 1), (0.10, 0.18, 2), (0.19, 0.26, 3), (0.27, 0.35, 4),
             (0.36, 0.44, 5), (0.45, 0.52, 6), (0.53, 0.61, 7), (0.62, 0.69, 8), (0.70, 0.78, 9),
             (0.79, 0.87, 10), (0.88, 0.95, 11), (0.96, 1.00, 12)]


@pytest.mark.parametrize("low, high, months", EEF_BANDS)
def test_months_progress_every_band_edge_of_the_eef_table(low, high, months):
    assert ks.months_progress(low) == months
    assert ks.months_progress(high) == months
    assert ks.months_progress(-high) == -months  # negative effects: same months, negative (EEF note ii)


def test_months_progress_rounds_to_two_decimals_and_caps_at_12():
    assert ks.months_progress(0.0149) == 0  # rounds to 0.01
    assert ks.months_progress(0.185) in (2, 3)  # halfway: either side of a band edge is defensible
    assert ks.months_progress(0.1849) == 2
    assert ks.months_progress(2.5) == 12
    assert ks.months_progress(np.array([0.05, 0.3])).tolist() == [1, 4]
    assert ks.months_progress(ks.hedges_g(TREATED, CONTROL)) == 7  # g = 0.59 -> 7 months
    assert isinstance(ks.months_progress(0.3), int)


def test_months_progress_bad_input():
    with pytest.raises(ColumnTypeError):
        ks.months_progress("big")
    with pytest.raises(InputError, match="missing"):
        ks.months_progress(np.nan)


# Shrout & Fleiss (1979), Psychological Bulletin 86(2), Table 2: 6 targets rated by 4 judges.
# Published ICC(1,1) = .17 (and ICC(2,1) = .29, ICC(3,1) = .71).
SHROUT_FLEISS = pd.DataFrame({
    "target": np.repeat(np.arange(1, 7), 4),
    "judge": np.tile(np.arange(1, 5), 6),
    "rating": [9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7],
})


def test_icc_shrout_fleiss_table_2():
    r = ks.icc(SHROUT_FLEISS, "target", "rating").iloc[0]
    assert round(r["estimate"], 2) == 0.17  # Shrout & Fleiss 1979, ICC(1,1)
    assert r["f"] == pytest.approx(1.795, abs=1e-3)  # BMS / WMS = 11.24 / 6.26 (their Table 3 mean squares)
    assert (r["n"], r["n_groups"], r["group_size"]) == (24, 6, 4)


def test_icc_matches_pingouin_intraclass_corr_icc1():
    import pingouin as pg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pingouin 0.7 on pandas 3: its own deprecation warnings
        ref = pg.intraclass_corr(SHROUT_FLEISS, "target", "judge", "rating").set_index("Type").loc["ICC(1,1)"]
    r = ks.icc(SHROUT_FLEISS, "target", "rating").iloc[0]
    assert r["estimate"] == pytest.approx(ref["ICC"], rel=1e-10)
    assert r["p_value"] == pytest.approx(ref["pval"], rel=1e-8)
    assert [round(r["ci_low"], 2), round(r["ci_high"], 2)] == list(ref["CI95"])  # pingouin rounds to 2 d.p.


def test_icc_unequal_groups_matches_statsmodels_anova():
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(3)
    sizes = rng.integers(3, 15, 25)
    g = np.repeat(np.arange(25), sizes)
    df = pd.DataFrame({"school": [f"s{i}" for i in g], "y": rng.normal(0, 2, 25)[g] + rng.normal(0, 5, g.size)})
    table = anova_lm(smf.ols("y ~ C(school)", df).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    n, k = g.size, 25
    n0 = (n - (sizes ** 2).sum() / n) / (k - 1)  # Snijders & Bosker (2012), eq. 3.7
    r = ks.icc(df, "school", "y").iloc[0]
    assert r["estimate"] == pytest.approx((msb - msw) / (msb + (n0 - 1) * msw), rel=1e-10)
    assert r["f"] == pytest.approx(table["F"].iloc[0], rel=1e-10)


def test_icc_bad_input():
    df = SHROUT_FLEISS.copy()
    with pytest.raises(MissingColumnError, match="Did you mean 'rating'"):
        ks.icc(df, "target", "ratings")
    with pytest.raises(MissingColumnError):
        ks.icc(df, "school", "rating")
    with pytest.raises(ColumnTypeError, match="holds text"):
        ks.icc(df.assign(rating=df["rating"].astype(str).replace("9", "nine")), "target", "rating")
    with pytest.raises(InputError, match="only one member"):
        ks.icc(pd.concat([df, pd.DataFrame({"target": [99], "judge": [1], "rating": [5]})]), "target", "rating")
    with pytest.raises(EmptyDataError, match="all are missing"):
        ks.icc(df.assign(rating=np.nan), "target", "rating")
    with pytest.raises(EmptyDataError, match="at least two groups"):
        ks.icc(df.assign(target=1), "target", "rating")
    # the columns themselves instead of their names (teacher-a, 06 q3): say to give the name
    with pytest.raises(InputError, match="column's name as text"):
        ks.icc(df, df["target"], df["rating"])
    with pytest.raises(InputError, match="value column's name"):
        ks.icc(df, "target", df["rating"])


def test_bootstrap_mean_close_to_t_interval():
    # Large normal sample: the BCa bootstrap interval of a mean is close to the t interval.
    x = np.random.default_rng(11).normal(100, 15, 2000)
    r = ks.bootstrap_ci(x, "mean").iloc[0]
    half = st.t.ppf(0.975, 1999) * x.std(ddof=1) / np.sqrt(2000)
    assert r["estimate"] == pytest.approx(x.mean())
    assert r["ci_low"] == pytest.approx(x.mean() - half, abs=0.1 * half)
    assert r["ci_high"] == pytest.approx(x.mean() + half, abs=0.1 * half)
    assert r["se"] == pytest.approx(x.std(ddof=1) / np.sqrt(2000), rel=0.1)


def test_bootstrap_d_close_to_normal_approximation_and_reproducible():
    a = ks.bootstrap_ci(TREATED, "cohens_d", y=CONTROL, n_resamples=3000)
    b = ks.bootstrap_ci(TREATED, "cohens_d", y=CONTROL, n_resamples=3000)
    pd.testing.assert_frame_equal(a, b)  # same seed, same interval
    assert a["estimate"].iloc[0] == pytest.approx(0.5970, abs=1e-4)
    assert a["se"].iloc[0] == pytest.approx(0.2044, rel=0.15)  # Borenstein SE_d, within bootstrap noise


def test_bootstrap_custom_function_and_errors():
    r = ks.bootstrap_ci([1, 2, 3, 4, 5, 6, 7, 8], np.std, n_resamples=500, method="percentile")
    assert r["measure"].iloc[0] == "bootstrap std"
    with pytest.raises(UnknownNameError, match="Did you mean 'median'"):
        ks.bootstrap_ci([1, 2, 3], "medain")
    with pytest.raises(InputError, match="second group"):
        ks.bootstrap_ci([1, 2, 3], "cohens_d")
    with pytest.raises(InputError, match="method"):
        ks.bootstrap_ci([1, 2, 3], "mean", method="bca")


@pytest.mark.parametrize("d, n", [(0.2, 393), (0.5, 64), (0.8, 26)])
def test_sample_size_cohen_1988_table_2_4_1(d, n):
    # Cohen (1988), Table 2.4.1: n per group for power .80, alpha .05 two-sided. Cohen's tables
    # come from an approximation; the exact noncentral-t solution for d = 0.2 is 393.4, so 394.
    r = ks.power_analysis(effect_size=d, power=0.8)
    assert abs(r["n_per_group"].iloc[0] - n) <= 1
    assert r["n_total"].iloc[0] == 2 * r["n_per_group"].iloc[0]


def test_power_given_n_and_smallest_detectable_effect():
    # Cohen (1988), Table 2.3.5: d = 0.5, n = 64 per group, alpha .05 two-sided -> power .80.
    assert ks.power_analysis(effect_size=0.5, n_per_group=64)["power"].iloc[0] == pytest.approx(0.80, abs=0.01)
    assert ks.power_analysis(n_per_group=64, power=0.8)["effect_size"].iloc[0] == pytest.approx(0.5, abs=0.01)
    with pytest.raises(InputError, match="exactly two"):
        ks.power_analysis(effect_size=0.5)
    with pytest.raises(InputError, match="between 0 and 1"):
        ks.power_analysis(effect_size=0.5, power=80)


def test_report_sentences():
    text = ks.report(ks.hedges_g(TREATED, CONTROL))
    assert text.startswith("Hedges' g = 0.59, 95% CI [0.19, 0.99]")
    assert "medium" in text and "excludes zero" in text and "+7 months" in text
    assert "includes zero" in ks.report(ks.cohens_d([1, 2, 3, 4], [2, 3, 1, 4]))
    assert ks.report(ks.icc(SHROUT_FLEISS, "target", "rating")).startswith("ICC(1) = 0.17, 95% CI [-0.13, 0.72]")
    assert "64 per group (128 in all)" in ks.report(ks.power_analysis(effect_size=0.5, power=0.8))
    assert "bootstrap CI" in ks.report(ks.bootstrap_ci([1, 2, 3, 4, 5], "mean", n_resamples=200))
    with pytest.raises(InputError, match="report.. describes a result of a kit function"):
        ks.report(pd.DataFrame({"x": [1]}))
