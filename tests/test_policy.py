"""kit.policy against published numbers and independent implementations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kit import policy
from kit.errors import ColumnTypeError, EmptyDataError, InputError, KitError, MissingColumnError

# Card & Krueger (1994), American Economic Review 84(4), Table 3, full-time-equivalent employment
# per store, "all available observations": means before (Feb-Mar 1992) and after (Nov-Dec 1992).
CK_MEANS = {("NJ", 0): 20.44, ("NJ", 1): 21.03, ("PA", 0): 23.33, ("PA", 1): 21.17}
CK_STORES = {"NJ": 331, "PA": 79}  # Table 1 sample sizes (interviewed stores)
CK_DID = 2.76  # Table 3, row 3, "difference, NJ - PA" of the change in mean FTE employment


def card_krueger_like(seed=1):
    """Store-level rows whose four cell means are exactly the published Table 3 means."""
    rng = np.random.default_rng(seed)
    rows = []
    for state, n in CK_STORES.items():
        for after in (0, 1):
            noise = rng.normal(0, 9, n)
            fte = CK_MEANS[(state, after)] + noise - noise.mean()
            rows.append(pd.DataFrame({"store": [f"{state}{i:03d}" for i in range(n)], "nj": int(state == "NJ"),
                                      "after": after, "fte": fte}))
    return pd.concat(rows, ignore_index=True)


def test_did_reproduces_card_krueger_table_3():
    result = policy.did(card_krueger_like(), "fte", "nj", "after", cluster="store")
    # The published 2.76 comes from unrounded means; the rounded means in the table give 2.75.
    assert result["estimate"].iloc[0] == pytest.approx(CK_DID, abs=0.015)
    assert result["treated_change"].iloc[0] == pytest.approx(0.59, abs=1e-9)   # Table 3: NJ change 0.59
    assert result["comparison_change"].iloc[0] == pytest.approx(-2.16, abs=1e-9)  # Table 3: PA change -2.16
    assert result["n"].iloc[0] == 2 * (331 + 79)
    assert result["n_clusters"].iloc[0] == 410


def _panel(seed=3, n_units=40, periods=4):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), periods)
    time = np.tile(np.arange(periods), n_units)
    treated = (unit < n_units // 2).astype(int)
    post = (time >= periods // 2).astype(int)
    y = 50 + rng.normal(0, 3, n_units)[unit] + 0.7 * time + 2.0 * treated * post + rng.normal(0, 1.5, len(unit))
    return pd.DataFrame({"unit": unit, "time": time, "treated": treated, "post": post, "y": y})


def test_did_equals_hand_computed_difference_of_four_means():
    df = _panel()
    m = df.groupby(["treated", "post"])["y"].mean()
    hand = (m[1, 1] - m[1, 0]) - (m[0, 1] - m[0, 0])
    assert policy.did(df, "y", "treated", "post")["estimate"].iloc[0] == pytest.approx(hand, rel=1e-12)


def test_did_cluster_se_matches_independent_sandwich():
    df = _panel()
    X = np.column_stack([np.ones(len(df)), df.treated, df.post, df.treated * df.post]).astype(float)
    y = df.y.to_numpy()
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    u = y - X @ beta
    meat = np.zeros((4, 4))
    for g in np.unique(df.unit):
        s = X[df.unit == g].T @ u[df.unit == g]
        meat += np.outer(s, s)
    n, k, G = len(y), 4, df.unit.nunique()
    V = bread @ meat @ bread * G / (G - 1) * (n - 1) / (n - k)  # CR1, Cameron & Miller (2015) eq. 12
    se = np.sqrt(V[3, 3])
    tcrit = stats.t.ppf(0.975, G - 1)
    result = policy.did(df, "y", "treated", "post", cluster="unit").iloc[0]
    assert result["se"] == pytest.approx(se, rel=1e-9)
    assert result["ci_low"] == pytest.approx(beta[3] - tcrit * se, rel=1e-9)
    assert result["ci_high"] == pytest.approx(beta[3] + tcrit * se, rel=1e-9)
    assert result["p_value"] == pytest.approx(2 * stats.t.sf(abs(beta[3] / se), G - 1), rel=1e-6)


def test_did_hc1_se_matches_independent_formula():
    df = _panel()
    X = np.column_stack([np.ones(len(df)), df.treated, df.post, df.treated * df.post]).astype(float)
    y = df.y.to_numpy()
    bread = np.linalg.inv(X.T @ X)
    u = y - X @ (bread @ X.T @ y)
    V = bread @ (X.T * u**2) @ X @ bread * len(y) / (len(y) - 4)  # HC1, MacKinnon & White (1985)
    assert policy.did(df, "y", "treated", "post")["se"].iloc[0] == pytest.approx(np.sqrt(V[3, 3]), rel=1e-9)


def test_did_accepts_booleans_and_ignores_missing_rows():
    df = _panel()
    df["treated"] = df["treated"].astype(bool)
    df.loc[0, "y"] = np.nan
    out = policy.did(df, "y", "treated", "post")
    assert out["n"].iloc[0] == len(df) - 1
    assert pd.isna(out["n_clusters"].iloc[0])


def test_before_after_is_difference_of_means_for_treated():
    df = _panel()
    tr = df[df.treated == 1]
    hand = tr[tr.post == 1].y.mean() - tr[tr.post == 0].y.mean()
    out = policy.before_after(df, "y", "post", treated="treated", cluster="unit")
    assert out["estimate"].iloc[0] == pytest.approx(hand, rel=1e-12)
    assert out["n_clusters"].iloc[0] == 20


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("change, error, words", [
    (lambda d: d.drop(columns="y"), MissingColumnError, "'y' was not found"),
    (lambda d: d.assign(y=d["y"].astype(str).where(d.index > 0, "n/a")), ColumnTypeError, "should hold numbers"),
    (lambda d: d.assign(treated=np.where(d.treated == 1, "yes", "no")), ColumnTypeError, "0/1"),
    (lambda d: d.assign(post=np.where(d.post == 1, 2010, 2007)), InputError, "only 0 and 1"),
    (lambda d: d.assign(treated=1), InputError, "only one group"),
    (lambda d: d[~((d.treated == 1) & (d.post == 0))], InputError, "no rows before the policy"),
    (lambda d: d.assign(treated=d.treated * d.post), InputError, "1 only after the start"),
    (lambda d: d[~((d.treated == 0) & (d.post == 1))], InputError, "comparison group has no rows after"),
    (lambda d: d.assign(y=np.nan), EmptyDataError, "missing values"),
    (lambda d: d.assign(unit=1), InputError, "at least 2 clusters"),
])
def test_did_bad_input_gives_kit_errors(change, error, words):
    with pytest.raises(error, match=words) as info:
        policy.did(change(_panel()), "y", "treated", "post", cluster="unit")
    assert isinstance(info.value, KitError)


def test_did_refuses_a_series_instead_of_a_table():
    with pytest.raises(ColumnTypeError, match="DataFrame"):
        policy.did(_panel()["y"], "y", "treated", "post")


def test_before_after_needs_both_periods():
    df = _panel()
    with pytest.raises(InputError, match="both before"):
        policy.before_after(df[df.post == 1], "y", "post")


def test_report_did_sentence():
    text = policy.report(policy.did(card_krueger_like(), "fte", "nj", "after", cluster="store"), unit="FTE")
    assert text.startswith("Difference-in-differences: fte changed by 2.75 FTE more in the treated group (+0.59)")
    assert "in 410 clusters" in text
    with pytest.raises(InputError):
        policy.report(pd.DataFrame({"x": [1]}))


# ----------------------------------------------------------------------------- panel methods

def test_fixed_effects_equals_two_by_two_did_on_a_balanced_panel():
    df = _panel()
    df["treated_now"] = df.treated * df.post
    fe = policy.fixed_effects(df, "y", "treated_now", "unit", "time").iloc[0]
    m = df.groupby(["treated", "post"])["y"].mean()
    hand = (m[1, 1] - m[1, 0]) - (m[0, 1] - m[0, 0])
    assert fe["estimate"] == pytest.approx(hand, rel=1e-9)
    assert (fe["n"], fe["n_units"], fe["n_periods"], fe["n_clusters"]) == (160, 40, 4, 40)
    assert fe["ci_low"] < fe["estimate"] < fe["ci_high"]


def test_event_study_lags_equal_period_by_period_did_against_the_reference():
    df = _panel(periods=6)  # start at period 3, reference period 2
    table = policy.event_study(df, "y", "unit", "time", "treated", 3).set_index("event_time")
    m = df.groupby(["treated", "time"])["y"].mean()
    for k in (-3, -2, 0, 1, 2):
        hand = (m[1, 3 + k] - m[1, 2]) - (m[0, 3 + k] - m[0, 2])
        assert table.loc[k, "estimate"] == pytest.approx(hand, rel=1e-9)
    assert table.loc[-1, "reference"] and table.loc[-1, "estimate"] == 0 and np.isnan(table.loc[-1, "se"])
    assert table.loc[0, "n"] == 20


def test_event_study_start_column_and_window_binning():
    df = _panel(periods=6)
    df["start"] = np.where(df.treated == 1, 3, np.nan)
    table = policy.event_study(df, "y", "unit", "time", "treated", "start", window=(-2, 1))
    assert table["event_time"].tolist() == [-2, -1, 0, 1]
    assert table.set_index("event_time").loc[1, "n"] == 40  # periods 4 and 5 binned into +1


def test_event_study_without_pre_period_is_a_kit_error():
    df = _panel(periods=6)
    with pytest.raises(InputError, match="reference period"):
        policy.event_study(df[df.time >= 3], "y", "unit", "time", "treated", 3)
    with pytest.raises(InputError, match="more than once"):
        policy.event_study(pd.concat([df, df]), "y", "unit", "time", "treated", 3)
    with pytest.raises(InputError, match="comparison group"):
        policy.event_study(df.assign(treated=1), "y", "unit", "time", "treated", 3)


def test_fixed_effects_bad_input():
    df = _panel()
    with pytest.raises(InputError, match="in every row"):
        policy.fixed_effects(df.assign(d=0), "y", "d", "unit", "time")
    with pytest.raises(MissingColumnError):
        policy.fixed_effects(df, "y", "treated_now", "unit", "time")


def test_interrupted_time_series_equals_two_separate_lines():
    rng = np.random.default_rng(5)
    years = np.arange(2000, 2012)
    y = 40 + 0.5 * (years - 2006) + 2 * (years >= 2006) + 0.8 * (years - 2006) * (years >= 2006) + rng.normal(0, 0.3, 12)
    its = policy.interrupted_time_series(pd.DataFrame({"year": years, "y": y}), "y", "year", 2006).set_index("term")
    before = np.polyfit(years[years < 2006] - 2006, y[years < 2006], 1)  # independent fit: numpy
    after = np.polyfit(years[years >= 2006] - 2006, y[years >= 2006], 1)
    assert its.loc["trend_before", "estimate"] == pytest.approx(before[0], rel=1e-9)
    assert its.loc["slope_change", "estimate"] == pytest.approx(after[0] - before[0], rel=1e-9)
    assert its.loc["level_change", "estimate"] == pytest.approx(after[1] - before[1], rel=1e-9)
    assert its.loc["trend_after", "estimate"] == pytest.approx(after[0], rel=1e-9)
    assert its["se_type"].iloc[0].startswith("Newey-West")
    with pytest.raises(InputError, match="at least 2 periods before"):
        policy.interrupted_time_series(pd.DataFrame({"year": years, "y": y}), "y", "year", 2001)


def test_reports_for_every_kind():
    df = _panel(periods=6)
    df["treated_now"] = df.treated * (df.time >= 3)
    assert policy.report(policy.fixed_effects(df, "y", "treated_now", "unit", "time")).startswith("Two-way fixed effects")
    assert policy.report(policy.before_after(df, "y", "treated_now")).startswith("Before-after")
    assert "earlier period" in policy.report(policy.event_study(df, "y", "unit", "time", "treated", 3))
    series = df.groupby("time", as_index=False)["y"].mean()
    assert policy.report(policy.interrupted_time_series(series, "y", "time", 3)).startswith("Interrupted time series")
