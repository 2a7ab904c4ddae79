"""The ``kit`` command: build exercises, look at datasets, grade submissions, serve workshops.

Sub-commands that belong to a larger area (``grade``, ``workshop``) live in that area's own
``cli`` module, which exposes ``configure(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kit.errors import KitError

__all__ = ["main"]

AREAS = {
    "grade": ("kit.grading.cli", "Grade a folder or LMS zip of submitted notebooks."),
    "workshop": ("kit.workshop.cli", "Serve the workshop apps with Voila (facilitator)."),
}


def _print_list(header: str, items) -> None:
    print(header)
    for item in items:
        print(f"  {item}")


def _cmd_build(args) -> int:
    from kit.notebooks.build import build

    report = build(args.solutions, args.exercises, check=args.check, names=args.names or None, timeout=args.timeout,
                   prove=not args.no_prove, require_wrong=args.require_wrong)
    for line in report.warnings:
        print(f"warning: {line}")
    if report.failures:
        _print_list("These typical wrong answers were not proved (see README, 'Typical wrong answers'):",
                    report.failures)
    if report.proofs:
        n = sum(len(p.outcomes) for p in report.proofs)
        print(f"{n - sum(len(p.failures) for p in report.proofs)} of {n} wrong answer(s) proved "
              f"in {len(report.proofs)} master(s).")
    if args.check:
        if report.stale:
            _print_list("exercises/ is out of date. Stale or orphaned files:", report.stale)
            print("Run `kit build` (or `make build`) and commit the result.")
            return 1
        if report.failures:
            return 1
        print(f"exercises/ is up to date ({len(report.unchanged)} notebooks).")
        return 0
    for p in report.written:
        print(f"wrote {p}")
    if report.stale:
        _print_list("These exercises have no master in solutions/ (delete them if they are old):", report.stale)
    print(f"{len(report.written)} file(s) written, {len(report.unchanged)} notebook(s) already up to date.")
    return 1 if report.failures else 0


def _cmd_data(args) -> int:
    import kit.data as data

    if args.action == "list":
        table = data.list_datasets()
        width = max(len(n) for n in table["name"])
        for row in table.itertuples(index=False):
            print(f"{row.name:<{width}}  {row.description}")
    elif args.action == "describe":
        print(data.describe(args.name))
    elif args.action == "export":
        out = data.export(args.name, args.out, seed=args.seed)
        print(f"wrote {out}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kit", description="Teaching and workshop kit for education research.")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="Generate exercises/ from the masters in solutions/.")
    b.add_argument("names", nargs="*", help="master file stems (default: all)")
    b.add_argument("--check", action="store_true",
                   help="change nothing; run every master once to prove its wrong answers; exit 1 naming stale "
                        "files or unproved wrong answers")
    b.add_argument("--no-prove", action="store_true", help="skip running the masters to prove their wrong answers")
    b.add_argument("--require-wrong", action="store_true",
                   help="fail (not only warn) when an auto-marked question has fewer than three wrong answers")
    b.add_argument("--timeout", type=int, default=300, help="seconds per cell when running a master")
    b.add_argument("--solutions", default=None, help="folder of masters (default: solutions/ of the kit)")
    b.add_argument("--exercises", default=None, help="folder to write (default: exercises/ of the kit)")
    b.set_defaults(func=_cmd_build)

    d = sub.add_parser("data", help="List, describe or export the kit's datasets.")
    dsub = d.add_subparsers(dest="action", required=True)
    dsub.add_parser("list", help="one line per dataset")
    desc = dsub.add_parser("describe", help="a dataset's codebook")
    desc.add_argument("name")
    exp = dsub.add_parser("export", help="write a dataset to a file: .csv, .xlsx, .json, .parquet, .sav (SPSS, JASP) or .dta (Stata)")
    exp.add_argument("name")
    exp.add_argument("--out", required=True, help="file to write, e.g. pupils.csv or pupils.sav (labels from the codebook)")
    exp.add_argument("--seed", type=int, default=None)
    d.set_defaults(func=_cmd_data)

    for name, (module, help_text) in AREAS.items():
        p = sub.add_parser(name, help=help_text)
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:  # the area exists but something it needs is missing: say so, don't hide it
                raise
            p.set_defaults(func=lambda args, n=name: _not_ready(n))
            continue
        mod.configure(p)
        p.set_defaults(func=mod.run)
    return parser


def _not_ready(name: str) -> int:
    print(f"`kit {name}` is not available in this version of the kit.", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kit`` console script."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KitError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
