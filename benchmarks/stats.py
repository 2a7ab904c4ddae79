"""kit.stats at national scale: time of each kit function / time of the plain call it wraps.

    .venv/bin/python benchmarks/stats.py [--repeat 7] [--schools 20000]

Data: the full schools panel (20,000 schools x 10 years = 200,000 rows). Each pair of calls is
run ``--repeat`` times, interleaved, in the same process; the ratio of the medians is printed
(goal <= 1.2). The plain calls are what a careful analyst would write without the kit:

* cohens_d / hedges_g: ``pingouin.compute_effsize`` (estimate) + ``pingouin.compute_esci`` (interval)
  on the attainment of programme and other school-years;
* icc: the one-way ANOVA ingredients by ``groupby(...).agg(["count", "mean", "var"])`` on
  attainment by school (the kit's extra work: input checks, the ICC formula, the F interval).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kit.data  # noqa: E402
from kit import stats as ks  # noqa: E402


def median_time(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--schools", type=int, default=20_000)
    args = parser.parse_args()
    import pingouin as pg

    warnings.simplefilter("ignore", FutureWarning)
    panel = kit.data.load("schools_panel", n_schools=args.schools, years=range(2005, 2015))
    x = panel.loc[panel["programme"], "attainment"]
    y = panel.loc[~panel["programme"], "attainment"]

    def plain_smd(eftype):
        def run():
            es = pg.compute_effsize(x, y, paired=False, eftype=eftype)
            return es, pg.compute_esci(es, len(x), len(y), eftype="cohen")
        return run

    pairs = {
        "cohens_d": (lambda: ks.cohens_d(x, y), plain_smd("cohen")),
        "hedges_g": (lambda: ks.hedges_g(x, y), plain_smd("hedges")),
        "icc": (lambda: ks.icc(panel, "school_id", "attainment"),
                lambda: panel.groupby("school_id", observed=True)["attainment"].agg(["count", "mean", "var"])),
    }
    print(f"schools panel: {len(panel):,} rows ({panel['school_id'].nunique():,} schools); "
          f"median of {args.repeat} runs each, interleaved")
    print(f"{'function':<10} {'kit (ms)':>9} {'plain (ms)':>11} {'ratio':>6}  goal <= 1.2")
    worst = 0.0
    for name, (kit_call, plain_call) in pairs.items():
        kit_call(), plain_call()  # warm up (imports, caches)
        kit_t, plain_t = [], []
        for _ in range(args.repeat):
            kit_t += median_time(kit_call, 1)
            plain_t += median_time(plain_call, 1)
        k, p = statistics.median(kit_t), statistics.median(plain_t)
        worst = max(worst, k / p)
        print(f"{name:<10} {k * 1000:>9.1f} {p * 1000:>11.1f} {k / p:>6.2f}  {'ok' if k / p <= 1.2 else 'SLOW'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
