"""``kit grade``: a folder or LMS zip of submissions in, gradebook, feedback and LMS files out.

See README, "Grading", for the instructor's view. The pieces: :mod:`~kit.grading.collect`
(files and student ids), :mod:`~kit.grading.worker` (one submission, in a limited kernel),
:mod:`~kit.grading.judge` (plain values against the master's), :mod:`~kit.grading.gradebook`
(results, resume, CSV), :mod:`~kit.grading.feedback`, :mod:`~kit.grading.lms` and
:mod:`~kit.grading.manual`. Submissions run in parallel, one kernel per worker thread
(default: one per core), or on a Dask cluster (``scheduler="tcp://host:8786"``).
"""

from __future__ import annotations

import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from kit.errors import GradingError, unknown_name

__all__ = ["grade", "merge_marks", "make_spec", "GradeSummary"]


@dataclass
class GradeSummary:
    """What a run did: counts by status, how many were graded now or reused, where the files are."""

    out: Path
    statuses: dict = field(default_factory=dict)
    graded_now: int = 0
    reused: int = 0
    seconds: float = 0.0
    isolated: bool | None = None
    results: list = field(default_factory=list)

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return [f"{len(self.results)} submissions: {counts}.",
                f"Graded now: {self.graded_now}; already graded earlier (unchanged): {self.reused}; "
                f"{self.seconds:.1f} s.",
                f"Gradebook: {self.out / 'gradebook.csv'}; feedback: {self.out / 'feedback'}; "
                f"LMS files: {self.out / 'canvas.csv'}, {self.out / 'moodle.csv'}; written answers to mark: "
                f"{self.out / 'marking.csv'}."]


def _master_path(assignment: str, solutions: Path | None) -> Path:
    from kit.build import repo_root

    folder = Path(solutions) if solutions else repo_root() / "solutions"
    path = folder / f"{assignment}.ipynb"
    if not path.exists():
        raise unknown_name("assignment (master notebook in solutions/)", assignment,
                           sorted(p.stem for p in folder.glob("*.ipynb")))
    return path


def make_spec(master, expected: dict | None, limits: dict) -> dict:
    """Everything a worker needs, as plain data: questions, tests (with expected values), limits."""
    import nbformat

    from kit.build import master_hash

    questions = []
    for q in master.questions.values():
        tests = []
        for i, t in enumerate(q.tests):
            value = None
            if expected is not None and not t.condition:
                value = expected[q.name][i]["value"]
            tests.append({"expression": t.expression, "points": t.points, "hidden": t.hidden, "hint": t.hint,
                          "condition": t.condition, "tolerance": t.tolerance, "expected": value})
        questions.append({"name": q.name, "points": q.points, "written": q.written, "rubric": q.rubric,
                          "model_answer": q.model_answer, "tests": tests})
    exercise = nbformat.reads(nbformat.writes(master.notebook), as_version=4)
    headers = [c.source.splitlines()[0].strip() for c in exercise.cells
               if c.cell_type == "markdown" and c.source.startswith("### Question")]
    return {"assignment": master.stem, "master_sha256": master_hash(master.path), "questions": questions,
            "max_points": sum(q["points"] for q in questions), "headers": headers,
            "exercise_cells": [(c.cell_type, c.source) for c in exercise.cells], "limits": limits}


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", text).strip("._")[:80] or "student"


def _feedback_names(results: list[dict]) -> dict[str, str]:
    names, used = {}, set()
    for r in results:
        base = _safe_id(r["student_id"])
        name = base if base not in used else f"{base}-{r['sha256'][:8]}"
        used.add(name)
        names[r["name"]] = f"{name}.html"
    return names


def _write_outputs(out: Path, results: list[dict], spec: dict, marks: dict, title: str, final: bool) -> None:
    from kit.grading.gradebook import gradebook_rows, write_csv
    from kit.grading.lms import canvas_rows, moodle_rows
    from kit.grading.manual import HEADER, marking_rows

    header, rows = gradebook_rows(results, spec, marks)
    write_csv(out / "gradebook.csv", header, rows)
    if not final:
        return
    names = _feedback_names(results)
    for row, r in zip(rows, results):
        row["lms"] = r.get("lms", "")
    h, canvas = canvas_rows(rows, title, spec["max_points"])
    write_csv(out / "canvas.csv", h, canvas)
    comments = {r["name"]: f"{r['status']}. Feedback file: {names[r['name']]}" for r in results}
    h, moodle = moodle_rows(rows, spec["max_points"], comments)
    write_csv(out / "moodle.csv", h, moodle)
    if any(q["written"] for q in spec["questions"]):
        write_csv(out / "marking.csv", HEADER, marking_rows(results, spec, marks))


def _write_feedback(out: Path, result: dict, spec: dict, marks: dict, name: str) -> None:
    from kit.grading.feedback import render
    from kit.grading.gradebook import atomic_write, total_of

    own = marks.get(result["sha256"], {})
    shown = dict(result, total=total_of(result, own))
    atomic_write(out / "feedback" / name, render(shown, spec, own))


def _pending(sub, spec, key) -> dict:
    from kit.grading.worker import _result

    payload = {"name": sub.name, "student_id": sub.student_id, "student_name": sub.student_name, "lms": sub.lms,
               "sha256": sub.sha256, "key": key}
    return _result(payload, spec, "pending", "Not graded yet: the run stopped before this file. Run the same "
                   "command again to continue where it stopped.")


def grade(submissions: str | Path, assignment: str, out: str | Path, timeout: float = 60, workers: int | None = None,
          scheduler: str | None = None, notebook_timeout: float | None = None, memory_mb: int = 2048,
          output_mb: float = 1.0, regrade: bool = False, progress: bool = True, solutions: str | Path | None = None,
          title: str | None = None, isolate: bool | None = None, on_result=None) -> GradeSummary:
    """Grade every file in ``submissions`` (folder or zip) against the master ``solutions/ASSIGNMENT.ipynb``.

    Writes ``out/gradebook.csv``, ``out/feedback/ID.html``, ``out/canvas.csv``, ``out/moodle.csv``
    and ``out/marking.csv`` (written questions). ``timeout`` is per cell (seconds);
    ``notebook_timeout`` (default 10 x ``timeout``) for the whole notebook; ``memory_mb`` the
    kernel's memory limit. ``on_result(result)`` is called after each submission is saved.
    """
    from kit.authoring import read_master
    from kit.build import master_hash
    from kit.grading.collect import collect
    from kit.grading.gradebook import State
    from kit.grading.sandbox import isolation_problem
    from kit.grading.worker import grade_one

    started = time.monotonic()
    out = Path(out)
    master_path = _master_path(assignment, Path(solutions) if solutions else None)
    master = read_master(master_path)
    subs = collect(submissions, exclude=[out])
    out.mkdir(parents=True, exist_ok=True)
    state = State(out)
    lock = state.lock()
    try:
        explicit = isolate is not None
        if isolate is None or isolate:
            problem = None if scheduler else isolation_problem()
            if problem:
                raise GradingError(f"Student code cannot be graded safely on this machine: {problem}. Student code "
                                   "would run with your file permissions. Fix that, or pass --unsafe-no-sandbox "
                                   "(isolate=False) for work you trust.")
            isolate = True
        digest = master_hash(master_path)
        # On a Dask cluster each worker checks its own machine (and refuses without a sandbox).
        limits = {"cell_timeout": float(timeout), "notebook_timeout": float(notebook_timeout or timeout * 10),
                  "memory_mb": int(memory_mb), "output_mb": float(output_mb),
                  "isolate": None if scheduler and not explicit else isolate}
        keys = [f"{s.sha256[:24]}-{digest[:12]}" for s in subs]
        done: dict[str, dict] = {}
        if not regrade:
            for key in dict.fromkeys(keys):
                found = state.load(key)
                if found:
                    done[key] = found
        reused = {k for k in keys if k in done}
        todo = [(s, k) for s, k in zip(subs, keys) if k not in done]
        todo = list({k: (s, k) for s, k in todo}.values())  # identical files are graded once
        marks = state.marks()
        expected = _expected_values(state, master, digest, timeout) if todo else None
        spec = make_spec(master, expected, limits)
        title = title or assignment

        def own(s, k) -> dict:  # identical files from two students share a result, not a row
            return dict(done[k], name=s.name, student_id=s.student_id, student_name=s.student_name, lms=s.lms)

        def ordered(with_pending: bool) -> list[dict]:
            return [own(s, k) if k in done else _pending(s, spec, k) for s, k in zip(subs, keys)
                    if with_pending or k in done]

        names = _feedback_names(ordered(True))

        def finish(result: dict) -> None:
            state.save(result)
            done[result["key"]] = result
            for s, k in zip(subs, keys):
                if k == result["key"]:
                    _write_feedback(out, own(s, k), spec, marks, names[s.name])
            _write_outputs(out, ordered(True), spec, marks, title, final=False)
            if on_result:
                on_result(result)

        for s, k in zip(subs, keys):  # feedback files may be missing (a new OUT, or deleted)
            if k in reused and not (out / "feedback" / names[s.name]).exists():
                _write_feedback(out, own(s, k), spec, marks, names[s.name])
        payloads = [{"name": s.name, "data": s.data, "student_id": s.student_id, "student_name": s.student_name,
                     "lms": s.lms, "too_large": s.too_large, "sha256": s.sha256, "key": k} for s, k in todo]
        bar = None
        if progress and payloads:
            from tqdm import tqdm

            bar = tqdm(total=len(payloads), unit="notebook", desc=f"Grading {assignment}")
        try:
            if scheduler:
                _run_dask(scheduler, payloads, spec, finish, bar)
            else:
                n = workers or os.cpu_count() or 1
                with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
                    futures = [pool.submit(grade_one, p, spec) for p in payloads]
                    try:
                        for future in as_completed(futures):
                            finish(future.result())
                            if bar:
                                bar.update()
                    except BaseException:
                        for f in futures:
                            f.cancel()
                        raise
        finally:
            if bar:
                bar.close()
            from kit.grading.provision import close_all

            close_all()  # the warm processes end with the batch
            _write_outputs(out, ordered(True), spec, marks, title, final=True)
        results = ordered(False)
        summary = GradeSummary(out, graded_now=len(payloads), reused=len(reused), isolated=isolate, results=results)
        for r in results:
            summary.statuses[r["status"]] = summary.statuses.get(r["status"], 0) + 1
        summary.seconds = time.monotonic() - started
        return summary
    finally:
        lock.close()


def _expected_values(state, master, digest: str, timeout: float) -> dict:
    """The master's value for every test, cached in OUT/.grading (hidden from kernels) per master version."""
    import json

    from kit.build import solution_values
    from kit.grading.gradebook import atomic_write

    cache = state.root / f"expected-{digest[:16]}.json"
    if cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except ValueError:
            pass
    values = solution_values(master, timeout=max(300, int(timeout)))
    atomic_write(cache, json.dumps(values), 0o600)
    return values


def _run_dask(address: str, payloads: list[dict], spec: dict, finish, bar) -> None:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError:  # pragma: no cover
        raise GradingError("--scheduler needs Dask distributed: pip install 'dask[distributed]'.") from None
    from kit.grading.worker import grade_one

    try:
        client = Client(address, timeout=20)
    except (OSError, TimeoutError) as err:
        raise GradingError(f"Could not reach the Dask scheduler at {address} ({err}). Start it with "
                           "`dask scheduler` and workers with `dask worker ADDRESS`, or leave out --scheduler.") from None
    try:
        shared = client.scatter(spec, broadcast=True)
        futures = [client.submit(grade_one, p, shared, key=f"kit-grade-{p['key']}", pure=False) for p in payloads]
        for future in dask_completed(futures):
            finish(future.result())
            if bar:
                bar.update()
    finally:
        client.close()


def merge_marks(marks_csv: str | Path, assignment: str, out: str | Path, solutions: str | Path | None = None,
                title: str | None = None) -> int:
    """Fold a filled-in marking CSV into the gradebook, feedback and LMS files; return the number of marks merged."""
    import csv

    from kit.authoring import read_master
    from kit.grading.gradebook import State
    from kit.grading.manual import load_marks_csv, read_marks

    out = Path(out)
    if not (out / "gradebook.csv").exists():
        raise GradingError(f"There is no gradebook in {out}. Run `kit grade SUBMISSIONS --assignment {assignment} "
                           f"--out {out}` first.")
    master = read_master(_master_path(assignment, Path(solutions) if solutions else None))
    state = State(out)
    lock = state.lock()
    try:
        spec = make_spec(master, None, {})
        with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
            listed = list(csv.DictReader(handle))
        results = []
        for row in listed:
            matches = [p for p in state.results.glob(f"{row['sha256']}*-{spec['master_sha256'][:12]}.json")]
            if matches:
                results.append(dict(state.load(matches[0].stem), name=row["submission"], student_id=row["student_id"],
                                    student_name=row["student_name"]))
        hashes = {r["sha256"][:12]: r["sha256"] for r in results}
        points = {q["name"]: q["points"] for q in spec["questions"] if q["written"]}
        new = read_marks(load_marks_csv(marks_csv), points, hashes)
        marks = state.marks()
        for sha, questions in new.items():
            marks.setdefault(sha, {}).update(questions)
        state.save_marks(marks)
        names = _feedback_names(results)
        for r in results:
            _write_feedback(out, r, spec, marks, names[r["name"]])
        _write_outputs(out, results, spec, marks, title or assignment, final=True)
        return sum(len(q) for q in new.values())
    finally:
        lock.close()
