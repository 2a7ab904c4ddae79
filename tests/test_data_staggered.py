"""The staggered panel: its truth is what the design says, and it teaches what 07 claims.

The claims are checked by hand-written estimators, not by kit.policy's own output: the
Callaway-Sant'Anna ATT(g, t) with never-treated controls is the 2x2 DiD of each wave against the
never-joined group, from the year before joining (Callaway and Sant'Anna, 2021, eq. 2.4 without
covariates), averaged with weights proportional to wave size x years (their "simple" aggregation).
"""

import numpy as np
import statsmodels.formula.api as smf

import kit.data


def _callaway_santanna(panel):
    means = panel.groupby(["first_treated", "year"])["log_publications"].mean().unstack()
    sizes = panel.groupby(["first_treated", "year"]).size().unstack()
    atts, weights = [], []
    for g in (1999, 2001, 2004):
        for t in means.columns[means.columns >= g]:
            atts.append((means.loc[g, t] - means.loc[g, g - 1]) - (means.loc[0, t] - means.loc[0, g - 1]))
            weights.append(sizes.loc[g, t])
    return float(np.average(atts, weights=weights))


def test_same_panel_every_time():
    a = kit.data.load("universities_staggered")
    b = kit.data.load("universities_staggered")
    assert a.equals(b)
    assert a.shape == (100 * 19, 8)
    assert a.groupby("wave")["institution_id"].nunique().to_dict() == {"1999": 20, "2001": 20, "2004": 20, "never": 40}


def test_truth_follows_the_design():
    panel = kit.data.load("universities_staggered")
    funded = panel[panel["treated_post"]]
    by_hand = (0.05 + 0.05 * funded["event_time"]).mean()  # effect_start + effect_growth x years since joining
    assert abs(panel.attrs["true_att"] - by_hand) < 1e-3
    assert panel.attrs["true_effect_by_event_time"][10] == 0.55
    assert not panel.loc[panel["first_treated"] == 0, "treated_post"].any()


def test_twfe_misses_and_a_robust_estimator_recovers_the_truth():
    panel = kit.data.load("universities_staggered")
    truth = panel.attrs["true_att"]
    twfe = smf.ols("log_publications ~ treated_post + C(institution_id) + C(year)", data=panel).fit()
    assert truth - twfe.params["treated_post[T.True]"] > 0.08  # TWFE far below the truth
    assert abs(_callaway_santanna(panel) - truth) < 0.03
