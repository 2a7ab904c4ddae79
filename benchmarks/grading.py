"""Benchmark: grade the same submissions of a curriculum notebook with `kit grade`, nbgrader and otter-grader.

    .venv/bin/python benchmarks/grading.py [--n 40] [--workers 2] [--nbgrader /tmp/nbg] [--otter /tmp/otter]

``--nbgrader`` and ``--otter`` are virtual environments OUTSIDE the repository with
``nbgrader==0.9.6`` / ``otter-grader`` installed (``python -m venv /tmp/nbg && /tmp/nbg/bin/pip
install nbgrader==0.9.6``); an anchor whose venv is missing is skipped with a printed reason.
All three run the student code in the same Jupyter kernel (this repository's ``.venv``), so the
comparison is of the grading tools, not of the libraries. The assignment is
``00-getting-started`` (two auto-marked questions, three tests incl. one hidden; the written
question is left out of the comparison). Submissions are right, partly right, wrong and half
done; every file is different (a student's own comment cell), so nothing is cached.

Prints submissions per minute for each tool, the ratio kit/anchor, whether the automatic scores
are identical, and the per-submission floor: starting one kernel and running one notebook.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import grading_fixtures as F  # noqa: E402  (the same answers the tests use)

ASSIGNMENT = F.ASSIGNMENT
KINDS = {  # name: (q1 source, q2 source, automatic score q1 + q2)
    "right": (F.Q1_RIGHT, F.Q2_RIGHT, 3.0),
    "partly": (F.Q1_RIGHT, F.Q2_UNROUNDED, 2.0),
    "wrong": ('schools_2014 = schools\nn_2014 = len(schools)', "mean_2014 = 0", 0.0),
    "half": (F.Q1_RIGHT, None, 1.0),
}


def students(n: int) -> list[tuple[str, str, str | None, str | None, float]]:
    kinds = list(KINDS)
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        q1, q2, score = KINDS[kind]
        out.append((f"s{i + 1:03d}", kind, q1, q2, score))
    return out


def kernel_dir(base: Path) -> Path:
    """A Jupyter data folder whose python3 kernel is this repository's .venv (used by all three tools)."""
    spec = base / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(ROOT / ".venv" / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (kit)", "language": "python"}))
    return base / "jupyter"


# ---------------------------------------------------------------------------------------- kit
def run_kit(base: Path, people, workers: int) -> dict:
    subs = base / "kit-submissions"
    subs.mkdir()
    for sid, kind, q1, q2, _ in people:
        nb = F.answered(q1=q1, q2=q2, q3=None)
        nb.cells.append(nbformat.v4.new_code_cell(f"# my own notes ({sid}, {kind})"))
        (subs / f"{sid}.ipynb").write_text(nbformat.writes(nb))
    out = base / "kit-out"
    command = [str(ROOT / ".venv" / "bin" / "kit"), "grade", str(subs), "--assignment", ASSIGNMENT, "--out", str(out),
               "--quiet", "--workers", str(workers), "--timeout", "60"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode:
        return {"skipped": f"kit grade failed: {done.stderr[-500:]}"}
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        scores = {r["student_id"]: float(r["q1"] or 0) + float(r["q2"] or 0) for r in csv.DictReader(handle)}
    return {"seconds": seconds, "scores": scores}


def floor() -> dict:
    """Seconds to start one sandboxed kernel and run one right submission in it (no grading around it)."""
    from kit.grading.run import Limits, execute_submission

    times, starts = [], []
    for _ in range(3):
        nb = F.answered(q3=None)
        run = execute_submission(nb, Limits(cell_timeout=60))
        times.append(run.seconds)
        starts.append(run.kernel_start)
    return {"total": min(times), "kernel_start": min(starts)}


# ----------------------------------------------------------------------------------- nbgrader
def _convert(answer_cells, written_cell=None) -> nbformat.NotebookNode:
    """The exercise of 00-getting-started with each answer cell replaced by ``answer_cells(question)``.

    Every other cell (text, data loading, ``check()`` cells) stays, so all three tools run the
    same notebook; only the grading markup differs.
    """
    exercise = F.exercise()
    cells = []
    current = None
    for cell in exercise.cells:
        first = (cell.source.splitlines() or [""])[0]
        if cell.cell_type == "markdown" and first.startswith("### Question"):
            current = first.split()[2]
            cells.append(cell)
            continue
        if cell.cell_type == "code" and current in ("q1", "q2") and not cell.source.startswith("check("):
            cells.extend(answer_cells(current))
            current = None
            continue
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


ANSWERS = {"q1": F.Q1_RIGHT, "q2": F.Q2_RIGHT}
TESTS = {"q1": [(False, "n_2014 == 20000")],
         "q2": [(False, "40 < mean_2014 < 60"), (True, "abs(mean_2014 - 49.5) < 1e-9")]}
POINTS = {"q1": 1, "q2": 2}


def _nbgrader_source() -> nbformat.NotebookNode:
    """00-getting-started in nbgrader's format (same answers, same tests and points: 1 point a test)."""

    def cells(q):
        def meta(cell, **kw):
            cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False, "grade": False,
                                         "task": False, **kw}
            return cell

        out = [meta(nbformat.v4.new_code_cell(f"### BEGIN SOLUTION\n{ANSWERS[q]}\n### END SOLUTION"),
                    solution=True, grade_id=f"{q}_answer")]
        for i, (hidden, expression) in enumerate(TESTS[q]):
            source = f"assert {expression}"
            if hidden:
                source = f"### BEGIN HIDDEN TESTS\n{source}\n### END HIDDEN TESTS"
            out.append(meta(nbformat.v4.new_code_cell(source), grade=True, grade_id=f"{q}_test{i}", points=1,
                            locked=True))
        return out

    return _convert(cells)


def run_nbgrader(base: Path, venv: Path, people, jupyter_path: Path) -> dict:
    exe = venv / "bin" / "nbgrader"
    if not exe.exists():
        return {"skipped": f"nbgrader not found at {exe} (python -m venv {venv} && {venv}/bin/pip install nbgrader==0.9.6)"}
    course = base / "nbgrader-course"
    (course / "source" / "ps1").mkdir(parents=True)
    nbformat.write(_nbgrader_source(), course / "source" / "ps1" / "ps1.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.db_assignments = [dict(name='ps1')]\n"
        "c.CourseDirectory.db_students = [%s]\nc.ExecutePreprocessor.timeout = 60\n"
        % (str(course), ", ".join(f"dict(id={sid!r})" for sid, *_ in people)))
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", JUPYTER_PATH=str(jupyter_path),
               PYTHONPATH="")
    gen = subprocess.run([str(exe), "generate_assignment", "ps1", "--force"], cwd=course, env=env,
                         capture_output=True, text=True)
    if gen.returncode:
        return {"skipped": f"nbgrader generate_assignment failed: {gen.stderr[-800:]}"}
    release = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
    for sid, kind, q1, q2, _ in people:
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id == "q1_answer" and q1 is not None:
                cell.source = q1
            if grade_id == "q2_answer" and q2 is not None:
                cell.source = q2
        nb.metadata.pop("kit", None)
        nb.cells.append(nbformat.v4.new_code_cell(f"# my own notes ({sid}, {kind})"))
        target = course / "submitted" / sid / "ps1"
        target.mkdir(parents=True)
        nbformat.write(nb, target / "ps1.ipynb")
    started = time.monotonic()
    auto = subprocess.run([str(exe), "autograde", "ps1", "--force"], cwd=course, env=env, capture_output=True, text=True)
    export = subprocess.run([str(exe), "export", "--to", str(base / "nbgrader-grades.csv")], cwd=course, env=env,
                            capture_output=True, text=True)
    seconds = time.monotonic() - started
    if auto.returncode or export.returncode:
        return {"skipped": f"nbgrader failed: {(auto.stderr + export.stderr)[-800:]}"}
    with open(base / "nbgrader-grades.csv", newline="") as handle:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle)}
    return {"seconds": seconds, "scores": scores}


# -------------------------------------------------------------------------------------- otter
def _otter_master() -> nbformat.NotebookNode:
    """00-getting-started in otter-grader's assign format (same answers and tests; points split evenly)."""

    def cells(q):
        out = [nbformat.v4.new_raw_cell(f"# BEGIN QUESTION\nname: {q}\npoints: {POINTS[q]}"),
               nbformat.v4.new_raw_cell("# BEGIN SOLUTION"),
               nbformat.v4.new_code_cell(f"# BEGIN SOLUTION\n{ANSWERS[q]}\n# END SOLUTION"),
               nbformat.v4.new_raw_cell("# END SOLUTION"),
               nbformat.v4.new_raw_cell("# BEGIN TESTS")]
        for hidden, expression in TESTS[q]:
            # bool(): otter compares printed output, and numpy prints np.True_ rather than True
            cell = nbformat.v4.new_code_cell(("# HIDDEN\n" if hidden else "") + f"bool({expression})")
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "True"}, execution_count=1)]
            out.append(cell)
        out += [nbformat.v4.new_raw_cell("# END TESTS"), nbformat.v4.new_raw_cell("# END QUESTION")]
        return out

    nb = _convert(cells)
    nb.cells.insert(0, nbformat.v4.new_raw_cell("# ASSIGNMENT CONFIG\nname: ps1\nexport_cell: false\n"
                                                "check_all_cell: false\nrun_tests: false\n"))
    return nb


def run_otter(base: Path, venv: Path, people, jupyter_path: Path) -> dict:
    exe = venv / "bin" / "otter"
    if not exe.exists():
        return {"skipped": f"otter not found at {exe} (python -m venv {venv} && {venv}/bin/pip install otter-grader)"}
    work = base / "otter"
    work.mkdir()
    nbformat.write(_otter_master(), work / "ps1.ipynb")
    # otter runs its own code inside the kernel, so the kernel is the otter venv's (same pandas and numpy
    # versions here), with this repository on PYTHONPATH for kit.data.
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", PYTHONPATH=str(ROOT))
    env.pop("JUPYTER_PATH", None)
    assign = subprocess.run([str(exe), "assign", "ps1.ipynb", "dist", "--no-pdfs"], cwd=work, env=env,
                            capture_output=True, text=True)
    autograder = next((work / "dist" / "autograder").glob("*.zip"), None) if (work / "dist").exists() else None
    if assign.returncode or autograder is None:
        return {"skipped": f"otter assign failed: {(assign.stdout + assign.stderr)[-800:]}"}
    student = nbformat.read(work / "dist" / "student" / "ps1.ipynb", as_version=4)
    subs = work / "submissions"
    subs.mkdir()
    for sid, kind, q1, q2, _ in people:
        nb = nbformat.from_dict(json.loads(json.dumps(student)))
        blanks = [c for c in nb.cells if c.cell_type == "code" and c.source.strip().startswith("...")]
        for cell, source in zip(blanks, (q1, q2)):  # otter replaces each solution with ...
            if source is not None:
                cell.source = source
        nb.cells.append(nbformat.v4.new_code_cell(f"# my own notes ({sid}, {kind})"))
        nbformat.write(nb, subs / f"{sid}.ipynb")
    scores = {}
    started = time.monotonic()
    for sid, *_ in people:  # `otter run` grades one notebook per process (batch grading needs Docker)
        out = work / "results" / sid
        out.mkdir(parents=True)
        done = subprocess.run([str(exe), "run", "-a", str(autograder), "-o", str(out), str(subs / f"{sid}.ipynb")],
                              cwd=work, env=env, capture_output=True, text=True, timeout=600)
        results = out / "results.json"
        if done.returncode or not results.exists():
            return {"skipped": f"otter run failed on {sid}: {(done.stdout + done.stderr)[-800:]}"}
        data = json.loads(results.read_text())
        scores[sid] = sum(float(t.get("score") or 0) for t in data.get("tests", []))
    return {"seconds": time.monotonic() - started, "scores": scores}


# --------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40, help="number of submissions (default 40)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="kit grade --workers")
    parser.add_argument("--nbgrader", default="/tmp/nbg", help="venv with nbgrader 0.9.6")
    parser.add_argument("--otter", default="/tmp/otter", help="venv with otter-grader")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args(argv)

    people = students(args.n)
    expected = {sid: score for sid, _, _, _, score in people}
    base = Path(tempfile.mkdtemp(prefix="kit-grading-bench-"))
    jupyter_path = kernel_dir(base)
    print(f"{args.n} submissions of {ASSIGNMENT} ({', '.join(KINDS)}); {os.cpu_count()} cores; work folder {base}")
    print("per-submission floor (one sandboxed kernel start + one notebook, best of 3): ", end="", flush=True)
    low = floor()
    print(f"{low['total']:.2f} s ({low['kernel_start']:.2f} s of it starting the kernel); with {args.workers} "
          f"workers at most {60 * args.workers / low['total']:.0f} submissions/min")
    results = {"kit grade": run_kit(base, people, args.workers),
               "nbgrader autograde": run_nbgrader(base, Path(args.nbgrader), people, jupyter_path),
               "otter run": run_otter(base, Path(args.otter), people, jupyter_path)}
    print(f"\n{'tool':<20}{'seconds':>9}{'subs/min':>10}{'  scores = master?':<20}")
    for name, r in results.items():
        if "skipped" in r:
            print(f"{name:<20}  skipped: {r['skipped']}")
            continue
        r["rate"] = 60 * args.n / r["seconds"]
        same = r["scores"] == expected
        print(f"{name:<20}{r['seconds']:>9.1f}{r['rate']:>10.1f}  {'identical' if same else 'DIFFERENT'}")
        if not same:
            diff = {k: (r["scores"].get(k), v) for k, v in expected.items() if r["scores"].get(k) != v}
            print(f"{'':<20}  first differences (tool, master): {dict(list(diff.items())[:5])}")
    kit = results["kit grade"]
    anchors = {k: v for k, v in results.items() if k != "kit grade" and "rate" in v}
    if "rate" in kit:
        for name, r in anchors.items():
            print(f"kit grade / {name}: {kit['rate'] / r['rate']:.2f}x")
        if anchors:
            fastest = max(anchors.values(), key=lambda r: r["rate"])
            print(f"kit grade vs the fastest anchor: {kit['rate'] / fastest['rate']:.2f}x (goal >= 2x)")
        scores_equal = all(r["scores"] == kit["scores"] for r in anchors.values())
        print(f"identical automatic scores across tools: {'yes' if scores_equal else 'no'}")
        print(f"kit grade reaches {kit['rate'] / (60 * args.workers / low['total']):.0%} of the floor's rate")
    if args.keep:
        print(f"kept {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
