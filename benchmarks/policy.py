"""Benchmark kit.policy (did, fixed_effects, event_study) and kit.segregation against the plain library calls they wrap.

On the full schools panel (20,000 schools x 10 years = 200,000 rows) this prints, for each
function, the median wall time of several runs of the kit function and of the plain
statsmodels / linearmodels / pandas code a user would otherwise write, and their ratio
(goal: <= 1.2). Run: ``.venv/bin/python benchmarks/policy.py [--repeats 5] [--schools 20000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd


def _seconds(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def compare(kit_call, plain_call, repeats: int) -> tuple[float, float, float]:
    """Median kit time, median plain time and median of the paired ratios.

    The two calls alternate, so a busy neighbour on a shared machine slows both alike.
    """
    kit_call(), plain_call()  # warm-up (imports, caches)
    kit_times, plain_times, ratios = [], [], []
    for _ in range(repeats):
        k, p = _seconds(kit_call), _seconds(plain_call)
        kit_times.append(k), plain_times.append(p), ratios.append(k / p)
    return statistics.median(kit_times), statistics.median(plain_times), statistics.median(ratios)


def plain_did(panel: pd.DataFrame):
    import statsmodels.api as sm

    d = panel["programme"].to_numpy(dtype=float)
    t = panel["post"].to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(d)), d, t, d * t])
    groups = pd.factorize(panel["school_id"])[0]
    return sm.OLS(panel["attainment"].to_numpy(dtype=float), X).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def plain_fixed_effects(panel: pd.DataFrame):
    from linearmodels import PanelOLS

    data = panel.set_index(["school_id", "year"])
    return PanelOLS(data["attainment"], data[["treated_now"]].astype(float), entity_effects=True,
                    time_effects=True).fit(cov_type="clustered", cluster_entity=True, debiased=True)


def plain_event_study(panel: pd.DataFrame, start: int = 2008):
    from linearmodels import PanelOLS

    data = panel.set_index(["school_id", "year"])
    event = (panel["year"] - start).where(panel["programme"]).to_numpy()
    dummies = pd.DataFrame({f"event_{k}": (event == k).astype(float) for k in range(-3, 7) if k != -1},
                           index=data.index)
    return PanelOLS(data["attainment"], dummies, entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True, debiased=True)


def plain_segregation(panel: pd.DataFrame, keys=("local_authority", "year")):
    keys = list(keys)
    df = panel[keys + ["disadvantaged", "pupils"]]
    grouped = df.groupby(keys, observed=True)
    G = grouped["disadvantaged"].transform("sum")
    T = grouped["pupils"].transform("sum")
    g, t = df["disadvantaged"], df["pupils"]
    o, O = t - g, T - G
    terms = pd.DataFrame({
        "dissimilarity": (g / G - o / O).abs() / 2,
        "gorard": (g / G - t / T).abs() / 2,
        "isolation": (g / G) * (g / t),
        "exposure": (g / G) * (o / t),
    })
    for k in keys:
        terms[k] = df[k]
    return terms.groupby(keys, observed=True).sum()


def main(argv=None) -> None:
    import kit.data
    from kit import policy, segregation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--schools", type=int, default=20_000)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    panel = kit.data.load("schools_panel", n_schools=args.schools)
    print(f"schools_panel: {len(panel):,} rows built in {time.perf_counter() - start:.1f} s")
    panel["post"] = panel["year"] >= 2008
    panel["treated_now"] = panel["programme"] & panel["post"]

    cases = [
        ("policy.did (clustered)", lambda: policy.did(panel, "attainment", "programme", "post", cluster="school_id"),
         "statsmodels OLS, cluster", lambda: plain_did(panel)),
        ("policy.fixed_effects", lambda: policy.fixed_effects(panel, "attainment", "treated_now", "school_id", "year"),
         "linearmodels PanelOLS", lambda: plain_fixed_effects(panel)),
        ("policy.event_study",
         lambda: policy.event_study(panel, "attainment", "school_id", "year", "programme", 2008),
         "linearmodels PanelOLS", lambda: plain_event_study(panel)),
        ("segregation.indices (LA x year)",
         lambda: segregation.indices(panel, "disadvantaged", "pupils", by=["local_authority", "year"]),
         "pandas groupby", lambda: plain_segregation(panel)),
    ]
    print(f"median of {args.repeats} alternating runs; ratio = median of kit / plain per pair (goal <= 1.2)")
    print(f"{'kit function':34} {'kit s':>8} {'plain call':26} {'plain s':>8} {'ratio':>6}")
    for name, kit_call, plain_name, plain_call in cases:
        k, p, ratio = compare(kit_call, plain_call, args.repeats)
        print(f"{name:34} {k:8.3f} {plain_name:26} {p:8.3f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
