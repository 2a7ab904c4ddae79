"""Wall time of executing each notebook, against an empty notebook run in the same process.

    .venv/bin/python benchmarks/notebooks.py [--repeat 3] [NAME ...]

Prints, per notebook, the median wall time and its ratio to the median time of an empty
notebook (kernel start-up and shut-down), so a slow notebook stands out on a noisy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.notebooks.run import environment, run_notebook  # noqa: E402


def timed(nb, cwd) -> float:
    start = time.perf_counter()
    with environment(KIT_CHECK_STRICT="1", KIT_WORKSHOP_TEST="1"):
        run_notebook(nb, cwd=cwd, timeout=600)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "workshops").glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names]
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    base = statistics.median(timed(empty, ROOT) for _ in range(args.repeat))
    print(f"{'notebook':<48} {'median s':>9} {'x empty':>8}")
    print(f"{'(empty notebook: kernel start + stop)':<48} {base:>9.2f} {1:>8.1f}")
    for path in paths:
        runs = [timed(nbformat.read(path, as_version=4), path.parent) for _ in range(args.repeat)]
        med = statistics.median(runs)
        print(f"{path.parent.name + '/' + path.name:<48} {med:>9.2f} {med / base:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
