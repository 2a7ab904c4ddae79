"""Deduplication benchmark: kit.review.find_duplicates against exact matching and ASReview, with known truth.

Usage (from the repository root):

    .venv/bin/python benchmarks/dedup.py                      # 20,000 records, then 100,000 (timing)
    .venv/bin/python benchmarks/dedup.py --n 5000 --big 0     # quicker
    .venv/bin/python benchmarks/dedup.py --asreview-python /tmp/asr/bin/python

The data are ``kit.data.load("review_synthetic_export", n=...)``, whose column ``true_group`` says
which records are the same study. Two scores are printed for each method:

* pairs: precision and recall of "these two records are the same study" (Christen 2012, ch. 7);
* removals: of the records a method removes, the share that really were surplus copies of a study
  that is still kept (precision), and the share of all surplus copies that were removed (recall).
  ASReview only marks records as duplicates (it does not return groups), so it is scored on removals.

ASReview is not in the kit's lock file. If ``import asreview`` fails here, pass the Python of a
separate environment where it is installed (``python3 -m venv /tmp/asr && /tmp/asr/bin/pip install
asreview``); it then runs there in a subprocess on the same CSV file. Otherwise it is skipped and the
reason printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import kit.data
import kit.review as review

ASREVIEW_SCRIPT = r"""
import json, sys, time
import pandas as pd
import asreview
from asreview.data.utils import duplicated
df = pd.read_csv(sys.argv[1], dtype={"doi": str}, keep_default_na=False)
start, cpu = time.perf_counter(), time.process_time()
flags = duplicated(df, pid="doi")
print(json.dumps({"version": asreview.__version__, "seconds": time.perf_counter() - start,
                  "cpu_seconds": time.process_time() - cpu, "removed": [bool(x) for x in flags]}))
"""


def removal_scores(records: pd.DataFrame, removed) -> dict:
    """Precision and recall of removals against true groups (see the module docstring)."""
    frame = pd.DataFrame({"group": records["true_group"].to_numpy(), "removed": list(removed)})
    per = frame.groupby("group")["removed"].agg(["size", "sum"])
    lost = int((per["sum"] == per["size"]).sum())  # studies removed entirely: one removal each was wrong
    removed_total = int(per["sum"].sum())
    correct = removed_total - lost
    surplus = int((per["size"] - 1).sum())
    return {"removal_precision": correct / removed_total if removed_total else 1.0,
            "removal_recall": correct / surplus if surplus else 1.0, "removed": removed_total, "surplus": surplus}


def run_kit(records: pd.DataFrame, name: str, **options) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    found = review.find_duplicates(records, **options)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    pairs = review.score_against_truth(records, found).iloc[0]
    dropped = set(found.loc[~found["keep"].astype(bool), "record_id"])
    removed = records["record_id"].isin(dropped).tolist()
    return {"method": name, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "pair_precision": float(pairs["precision"]), "pair_recall": float(pairs["recall"]),
            **removal_scores(records, removed)}


def run_asreview(records: pd.DataFrame, python: str | None) -> dict | str:
    """ASReview's duplicated() on the same records, here or in another Python; a reason string if skipped."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        records[["record_id", "title", "abstract", "authors", "year", "doi"]].to_csv(path, index=False)
        script = Path(folder) / "run_asreview.py"
        script.write_text(ASREVIEW_SCRIPT)
        if python is None:
            try:
                import asreview  # noqa: F401
            except ImportError as err:
                return (f"skipped: `import asreview` fails here ({err}); it is not in the kit's lock file. Install it in "
                        "a separate venv and pass --asreview-python /path/to/venv/bin/python")
            python = sys.executable
        done = subprocess.run([python, str(script), str(path)], capture_output=True, text=True, timeout=1800,
                              cwd=folder)  # ASReview writes a cache file into the working folder
        if done.returncode != 0:
            return f"skipped: ASReview failed in {python}: {done.stderr.strip().splitlines()[-1:]}"
        out = json.loads(done.stdout.strip().splitlines()[-1])
    return {"method": f"ASReview {out['version']} duplicated()", "seconds": out["seconds"],
            "cpu_seconds": out["cpu_seconds"], "pair_precision": float("nan"), "pair_recall": float("nan"),
            **removal_scores(records, out["removed"])}


def table(rows: list[dict]) -> str:
    frame = pd.DataFrame(rows)[["method", "pair_precision", "pair_recall", "removal_precision", "removal_recall",
                                "removed", "surplus", "seconds", "cpu_seconds"]]
    return frame.to_string(index=False, float_format=lambda x: f"{x:.4f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="records in the scored export (default 20000)")
    parser.add_argument("--big", type=int, default=100_000, help="records for the timing run (0 to skip)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--asreview-python", default=None, help="a Python where `import asreview` works")
    args = parser.parse_args(argv)

    records = kit.data.load("review_synthetic_export", seed=args.seed, n=args.n)
    print(f"Synthetic export: {len(records)} records, {records.attrs['true_studies']} true studies, "
          f"{records.attrs['true_duplicate_pairs']} true duplicate pairs (seed {args.seed}).")
    print(f"kit.review threshold: fuzz.ratio >= {review.THRESHOLD:g} on normalised titles; "
          f"abstract floor {review.ABSTRACT_FLOOR:g}; window {review.WINDOW}.\n")
    rows = [run_kit(records, "kit.review.find_duplicates"),
            run_kit(records, "exact match only (normalised text)", fuzzy=False, use_doi=False)]
    asr = run_asreview(records, args.asreview_python)
    if isinstance(asr, str):
        print(f"ASReview: {asr}\n")
    else:
        rows.append(asr)
    print(table(rows))

    if args.big:
        big = kit.data.load("review_synthetic_export", seed=args.seed, n=args.big)
        print(f"\nTiming on {len(big)} records:")
        rows = [run_kit(big, "kit.review.find_duplicates"),
                run_kit(big, "exact match only (normalised text)", fuzzy=False, use_doi=False)]
        asr = run_asreview(big, args.asreview_python)
        if not isinstance(asr, str):
            rows.append(asr)
        print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
