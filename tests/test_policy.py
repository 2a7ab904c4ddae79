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
