"""kit.multilevel: the input mistakes students make get plain errors; results keep the tidy contract.
(The numbers are checked against lme4 in tests/test_reference_values.py.)"""

import numpy as np
import pytest

import kit.data
from kit.errors import InputError, MissingColumnError
from kit.multilevel import random_intercept


@pytest.fixture(scope="module")
def pupils():
    return kit.data.load("pupils")


def test_the_group_column_itself_is_refused_with_what_to_write(pupils):
    with pytest.raises(InputError, match="column's name in quotation marks"):
        random_intercept(pupils, "score ~ 1", pupils["school_id"])


def test_a_misspelt_group_names_the_near_column(pupils):
    with pytest.raises(MissingColumnError, match="Did you mean 'school_id'"):
        random_intercept(pupils, "score ~ 1", "school")


def test_rows_without_a_group_are_left_out_and_counted(pupils):
    holed = pupils.copy()
    holed.loc[holed.index[:10], "school_id"] = None
    fit = random_intercept(holed, "score ~ 1", "school_id")
    assert int(fit["n"].iloc[0]) == len(pupils) - 10
    assert list(fit.columns[:7]) == ["measure", "estimate", "ci_low", "ci_high", "n", "confidence", "term"]
    assert fit["ci_low"].iloc[0] < fit["estimate"].iloc[0] < fit["ci_high"].iloc[0]
    assert 0 < fit.attrs["icc"] < 1 and np.isfinite(fit.attrs["loglik"])
