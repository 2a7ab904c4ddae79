"""The pupils dataset: identical everywhere, plausible, and its known truths recoverable."""

import numpy as np
import pytest
import statsmodels.formula.api as smf

import kit.data
from kit import stats as ks
from kit.errors import InputError


@pytest.fixture(scope="module")
def pupils():
    return kit.data.load("pupils")


def test_pupils_shape_and_nesting(pupils):
    assert len(pupils) == 6139 and pupils["pupil_id"].is_unique
    assert pupils["school_id"].nunique() == 200 and pupils["local_authority"].nunique() == 20
    # Each school lies in exactly one authority; programme is a school-level variable.
    assert (pupils.groupby("school_id")["local_authority"].nunique() == 1).all()
    assert (pupils.groupby("school_id")["programme"].nunique() == 1).all()
    share = pupils.groupby("school_id").agg(s=("school_disadvantaged_share", "first"), d=("disadvantaged", "mean"))
    assert np.allclose(share["s"], share["d"], atol=0.0006)
    assert pupils["prior_score"].between(30, 170).all() and pupils["score"].between(30, 170).all()


def test_known_truths_are_recovered(pupils):
    a = pupils.attrs
    assert a["tutoring_effect"] == 3.0 and a["programme_effect"] == 2.0
    assert sum(a["variance_shares"].values()) == pytest.approx(1.0, abs=0.002)
    # Randomised tutoring: the difference in summer means is close to the true 3 points.
    diff = pupils.loc[pupils.tutoring, "score"].mean() - pupils.loc[~pupils.tutoring, "score"].mean()
    assert diff == pytest.approx(3.0, abs=0.8)
    # The ICC of the prior (untreated) score is near the true share between schools.
    assert ks.icc(pupils, "school_id", "prior_score")["estimate"].iloc[0] == pytest.approx(a["icc_school"], abs=0.05)
    # Within-school disadvantage gap and the compositional effect.
    fit = smf.ols("prior_score ~ disadvantaged + school_disadvantaged_share", pupils).fit()
    assert -fit.params["disadvantaged[T.True]"] == pytest.approx(a["disadvantage_gap"], abs=1.0)
    assert -fit.params["school_disadvantaged_share"] == pytest.approx(a["context_effect"], abs=4.0)


def test_small_builds_and_bad_options():
    small = kit.data.load("pupils", n_schools=20, n_authorities=4)
    assert small["school_id"].nunique() == 20
    with pytest.raises(InputError, match="at least 4 schools"):
        kit.data.load("pupils", n_schools=2)
    with pytest.raises(InputError, match="options of 'pupils'"):
        kit.data.load("pupils", schools=10)
