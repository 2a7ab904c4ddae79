"""``kit grade``: the command-line face of :func:`kit.grading.grade.grade` (imports stay light)."""

from __future__ import annotations

__all__ = ["configure", "run"]

EPILOG = """statuses in the gradebook:
  graded            ran to the end and was marked
  timeout           a cell (or the whole notebook) ran past the limit and was stopped; what ran was marked
  crashed           the kernel died (exited Python, ran out of memory); questions before that were marked
  invalid-notebook  not a notebook (not JSON, damaged, another kind of file, too large)
  wrong-assignment  a notebook of another assignment
  empty             an empty file, no cells, or the exercise exactly as handed out
  grader-error      the grader failed on this file (please report it)
  superseded        another submission of the same student counts (see --late); kept here, not sent to the LMS

examples:
  kit grade submissions/ --assignment 00-getting-started --out marks
  kit grade canvas-export.zip --assignment 00-getting-started --out marks --timeout 30
  kit grade --merge-marks marks/marking.csv --assignment 00-getting-started --out marks
"""


def configure(parser) -> None:
    """Add ``kit grade``'s arguments to ``parser``."""
    import argparse

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = ("Grade a folder or LMS zip of submitted notebooks against a master in solutions/: "
                          "gradebook.csv, feedback/ID.html, canvas.csv, moodle.csv and marking.csv in --out.")
    parser.epilog = EPILOG
    parser.add_argument("submissions", nargs="?", help="folder of .ipynb files, or the zip your LMS exported")
    parser.add_argument("--assignment", required=True, help="the master's file stem in solutions/, e.g. 00-getting-started")
    parser.add_argument("--out", required=True, help="folder for the gradebook, feedback and LMS files")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    parser.add_argument("--notebook-timeout", type=float, default=None,
                        help="seconds for a whole notebook (default 10 x --timeout)")
    parser.add_argument("--memory", type=int, default=2048, help="memory limit per kernel in MB (default 2048)")
    parser.add_argument("--workers", type=int, default=None, help="kernels at once (default: one per core)")
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--merge-marks", metavar="CSV", default=None,
                        help="fold the marks of a filled-in marking.csv into the gradebook and feedback")
    parser.add_argument("--regrade", action="store_true", help="grade everything again, even unchanged files")
    parser.add_argument("--title", default=None, help="assignment column name for the Canvas file (default: NAME)")
    parser.add_argument("--late", default=None, choices=["latest-on-time", "latest", "best"],
                        help="which submission counts when a student handed in several: latest-on-time (default), "
                             "latest, or best (highest total); the others stay in the gradebook as superseded")
    parser.add_argument("--deadline", default=None, metavar="WHEN",
                        help="local date and time after which a file is late, e.g. 2026-12-01T17:00 (Canvas's LATE "
                             "flag counts as late anyway)")
    parser.add_argument("--moodle-language", default=None, metavar="LANG",
                        help="language of your Moodle site, for moodle.csv's column names: en (default), de or es")
    parser.add_argument("--solutions", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run student code WITHOUT the sandbox where bubblewrap cannot build one (trusted work only)")


def run(args) -> int:
    """Run ``kit grade``; returns the exit code (0 when every submission got a gradebook row)."""
    from kit.errors import GradingError

    if not args.submissions and not args.merge_marks:
        raise GradingError("Give the submissions (a folder or zip), or --merge-marks FILE. "
                           "Example: kit grade submissions/ --assignment 00-getting-started --out marks")
    if args.submissions:
        from kit.grading.grade import grade

        summary = grade(args.submissions, args.assignment, args.out, timeout=args.timeout, workers=args.workers,
                        scheduler=args.scheduler, notebook_timeout=args.notebook_timeout, memory_mb=args.memory,
                        regrade=args.regrade, progress=not args.quiet, solutions=args.solutions, title=args.title,
                        late=args.late or "latest-on-time", deadline=args.deadline,
                        moodle_language=args.moodle_language or "en",
                        isolate=False if args.unsafe_no_sandbox else None)
        for line in summary.lines():
            print(line)
        if summary.isolated:
            print("Student code ran in the sandbox: it saw only Python, kit and the exercises (read-only) and its "
                  "own empty folder; no network, no other process, no repository, no other submission.")
        elif summary.isolated is False:
            print("WARNING: --unsafe-no-sandbox: student code ran with YOUR file permissions and could read, change or "
                  "delete your files and see your processes (limits on time, memory and output still applied).")
    if args.merge_marks:
        from kit.grading.grade import merge_marks

        n = merge_marks(args.merge_marks, args.assignment, args.out, solutions=args.solutions, title=args.title,
                        late=args.late, moodle_language=args.moodle_language)
        print(f"Merged {n} mark(s) into {args.out}/gradebook.csv, the feedback files and the LMS files.")
    return 0
