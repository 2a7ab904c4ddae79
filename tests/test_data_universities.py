"""The 985-like universities panel: deterministic, documented, and DiD recovers its known effect."""

import pytest

import kit.data
from kit import policy
from kit.errors import InputError


@pytest.fixture(scope="module")
def unis():
    return kit.data.load("universities_985")


def test_shape_codebook_and_design(unis):
    assert unis.shape == (167 * 16, 11)
    assert unis.groupby("institution_id")["treated"].first().sum() == 67
    assert (unis["year"].min(), unis["year"].max()) == (1998, 2013)
    assert (unis["treated_post"] == (unis["treated"] & (unis["year"] >= 1999))).all()
    assert unis.attrs["true_effect"] == 0.2


def test_did_recovers_the_known_effect_and_before_after_does_not(unis):
    result = policy.did(unis, "log_publications", "treated", "post", cluster="institution_id").iloc[0]
    assert result["ci_low"] < unis.attrs["true_effect"] < result["ci_high"]
    naive = policy.before_after(unis, "log_publications", "post", treated="treated").iloc[0]
    assert naive["ci_low"] > 1.0  # the national growth of publications is mixed in


def test_fixed_effects_recovers_the_known_effect(unis):
    fe = policy.fixed_effects(unis, "log_publications", "treated_post", "institution_id", "year").iloc[0]
    assert fe["ci_low"] < 0.2 < fe["ci_high"]


def test_pre_trend_breaks_did():
    biased = kit.data.load("universities_985", pre_trend=0.03)
    result = policy.did(biased, "log_publications", "treated", "post", cluster="institution_id").iloc[0]
    assert result["ci_low"] > biased.attrs["true_effect"] + 0.1


def test_bad_options():
    with pytest.raises(InputError, match="start_year"):
        kit.data.load("universities_985", start_year=1998)
    with pytest.raises(InputError, match="options"):
        kit.data.load("universities_985", treat=3)
