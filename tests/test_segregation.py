"""kit.segregation against hand-worked examples, limiting cases and an independent loop implementation."""

import math

import numpy as np
import pandas as pd
import pytest

from kit import segregation
from kit.errors import ColumnTypeError, EmptyDataError, InputError, MissingColumnError


def loop_indices(g, t):
    """Independent implementation: the textbook sums, one school at a time (Massey & Denton 1988, p. 284, 288)."""
    G, T = sum(g), sum(t)
    O = T - G
    D = GS = xPx = xPy = 0.0
    for gi, ti in zip(g, t):
        oi = ti - gi
        D += abs(gi / G - oi / O) / 2          # Duncan & Duncan (1955)
        GS += abs(gi / G - ti / T) / 2         # Gorard & Taylor (2002)
        xPx += (gi / G) * (gi / ti)            # isolation
        xPy += (gi / G) * (oi / ti)            # exposure (interaction)
    return D, GS, xPx, xPy


def test_three_school_worked_example():
    # Worked by hand: g = 10, 30, 60 of 100 pupils each; G = 100, T = 300, O = 200.
    # D = (|.10-.45| + |.30-.35| + |.60-.20|) / 2 = 0.40
    # GS = (|.10-1/3| + |.30-1/3| + |.60-1/3|) / 2 = 0.2667 = D (1 - 1/3)
    # xPx = .1(.1) + .3(.3) + .6(.6) = 0.46; xPy = .1(.9) + .3(.7) + .6(.4) = 0.54
    out = segregation.indices(pd.DataFrame({"g": [10, 30, 60], "t": [100, 100, 100]}), "g", "t").iloc[0]
    assert out["dissimilarity"] == pytest.approx(0.40)
    assert out["gorard"] == pytest.approx(0.8 / 3)
    assert out["isolation"] == pytest.approx(0.46)
    assert out["exposure"] == pytest.approx(0.54)
    assert (out["n_schools"], out["group_pupils"], out["total_pupils"]) == (3, 100, 300)


def test_limiting_cases_from_the_definitions():
    # Even spread: D = GS = 0 and isolation equals the group's share (Massey & Denton 1988, p. 288).
    even = segregation.indices(pd.DataFrame({"g": [5, 10, 20], "t": [25, 50, 100]}), "g", "t").iloc[0]
    assert even["dissimilarity"] == pytest.approx(0) and even["gorard"] == pytest.approx(0)
    assert even["isolation"] == pytest.approx(0.2)
    # Complete separation: D = 1, isolation = 1, exposure = 0, GS = 1 - P (Gorard & Taylor 2002).
    apart = segregation.indices(pd.DataFrame({"g": [40, 0, 0], "t": [40, 80, 80]}), "g", "t").iloc[0]
    assert apart["dissimilarity"] == pytest.approx(1)
    assert apart["isolation"] == pytest.approx(1) and apart["exposure"] == pytest.approx(0)
    assert apart["gorard"] == pytest.approx(1 - 40 / 200)


def test_matches_loop_implementation_by_area_and_year():
    rng = np.random.default_rng(7)
    n = 600
    df = pd.DataFrame({"la": rng.choice(["A", "B", "C"], n), "year": rng.choice([2010, 2011], n),
                       "t": rng.integers(5, 300, n)})
    df["g"] = rng.binomial(df["t"], rng.beta(2, 5, n))
    out = segregation.indices(df, "g", "t", by=["la", "year"])
    assert len(out) == 6 and out[["la", "year"]].apply(tuple, axis=1).is_monotonic_increasing
    for row in out.itertuples():
        part = df[(df.la == row.la) & (df.year == row.year)]
        D, GS, xPx, xPy = loop_indices(part.g.tolist(), part.t.tolist())
        assert (row.dissimilarity, row.gorard, row.isolation, row.exposure) == pytest.approx((D, GS, xPx, xPy), rel=1e-12)
        assert row.gorard == pytest.approx(row.dissimilarity * (1 - row.group_share), rel=1e-12)  # GS = D(1 - P)
        assert row.isolation + row.exposure == pytest.approx(1)


def test_categorical_by_and_empty_schools_and_missing():
    df = pd.DataFrame({"region": pd.Categorical(["N", "N", "S", "S", "S"], categories=["N", "S", "W"]),
                       "g": [1, 3, 2, np.nan, 0], "t": [10, 10, 10, 10, 0]})
    out = segregation.indices(df, "g", "t", by="region")
    assert out["region"].tolist() == ["N", "S"]  # unobserved category W left out
    assert out["n_schools"].tolist() == [2, 1]   # missing count and 0-pupil school dropped
    assert math.isnan(out["dissimilarity"].iloc[1])  # one school: not defined


@pytest.mark.parametrize("frame, error, words", [
    (pd.DataFrame({"g": [1, 2]}), MissingColumnError, "'t' was not found"),
    (pd.DataFrame({"g": ["a", "b"], "t": [3, 4]}), ColumnTypeError, "numbers"),
    (pd.DataFrame({"g": [5, 2], "t": [3, 4]}), InputError, "more pupils in the group"),
    (pd.DataFrame({"g": [-1, 2], "t": [3, 4]}), InputError, "negative"),
    (pd.DataFrame({"g": [0.1, 0.2], "t": [0.5, 0.6]}), InputError, "shares"),
    (pd.DataFrame({"g": [np.nan, np.nan], "t": [np.nan, np.nan]}), EmptyDataError, "No school"),
    (pd.DataFrame({"g": [3], "t": [9]}), EmptyDataError, "at least 2 schools"),
    (pd.DataFrame({"g": [0, 0], "t": [9, 8]}), EmptyDataError, "not defined"),
])
def test_bad_input_gives_kit_errors(frame, error, words):
    with pytest.raises(error, match=words):
        segregation.indices(frame, "g", "t")


def test_report_sentence():
    text = segregation.report(segregation.indices(pd.DataFrame({"g": [10, 30, 60], "t": [100] * 3}), "g", "t"))
    assert text.startswith("Across 3 schools (33% disadvantaged pupils): dissimilarity 0.40")
