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
from datetime import datetime
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
    students: int = 0
    superseded: int = 0
    similar: int = 0
    late_rule: str = "latest-on-time"

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        extra = []
        if self.superseded:
            extra.append(f"{self.students} students: one row each in canvas.csv and moodle.csv (rule --late "
                         f"{self.late_rule}); {self.superseded} other submission(s) kept in the gradebook as superseded.")
        if self.similar:
            extra.append(f"{self.similar} pair(s) of students handed in identical or near-identical work: see "
                         f"{self.out / 'similar.csv'}.")
        return [f"{len(self.results)} submissions: {counts}.", *extra,
                f"Graded now: {self.graded_now}; already graded earlier (unchanged): {self.reused}; "
                f"{self.seconds:.1f} s.",
                f"Gradebook: {self.out / 'gradebook.csv'}; feedback: {self.out / 'feedback'}; "
                f"LMS files: {self.out / 'canvas.csv'}, {self.out / 'moodle.csv'}; written answers to mark: "
                f"{self.out / 'marking.csv'}."]


def _master_path(assignment: str, solutions: Path | None) -> Path:
    from kit.notebooks.build import repo_root

    folder = Path(solutions) if solutions else repo_root() / "solutions"
    path = folder / f"{assignment}.ipynb"
    if not path.exists():
        raise unknown_name("assignment (master notebook in solutions/)", assignment,
                           sorted(p.stem for p in folder.glob("*.ipynb")))
    return path


def make_spec(master, expected: dict | None, limits: dict) -> dict:
    """Everything a worker needs, as plain data: questions, tests (with expected values), limits."""
    import nbformat

    from kit.notebooks.build import master_hash

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


def result_key(sub, digest: str) -> str:
    """Where a submission's result is kept: its file's hash, who handed it in under which name, the master's hash.

    Two students who hand in byte-identical files get two results (and two sets of marks).
    """
    import hashlib

    who = hashlib.sha256(f"{sub.name}\0{sub.student_id}".encode()).hexdigest()[:8]
    return f"{sub.sha256[:24]}-{who}-{digest[:12]}"


def _write_similar(out: Path, subs, results: list[dict], spec: dict) -> int:
    from kit.grading.gradebook import write_csv
    from kit.grading.similar import HEADER, answers_of, similar_pairs

    items = [(r, answers_of(s.data, spec)) for s, r in zip(subs, results)
             if r["status"] not in ("invalid-notebook", "wrong-assignment", "empty")]
    pairs = similar_pairs(items)
    write_csv(out / "similar.csv", HEADER, pairs)
    return len(pairs)


def _rename_feedback(out: Path, results: list[dict], spec: dict, marks: dict, before: dict, choice: dict) -> None:
    """Once every result is in, the page of the submission that counts is ID.html (the rule may use totals)."""
    from kit.grading.outputs import feedback_names, write_feedback

    after = feedback_names(results, choice)
    for r in results:
        if r["status"] == "pending":
            continue
        name = after[r["name"]]
        if name != before.get(r["name"]) or len([x for x in results if x["student_id"] == r["student_id"]]) > 1:
            write_feedback(out, r, spec, marks, name, choice)
    stale = set(before.values()) - set(after.values())
    for name in stale:
        (out / "feedback" / name).unlink(missing_ok=True)


def _pending(sub, spec, key) -> dict:
    from kit.grading.worker import _result

    payload = {"name": sub.name, "student_id": sub.student_id, "student_name": sub.student_name, "lms": sub.lms,
               "sha256": sub.sha256, "key": key}
    return dict(_result(payload, spec, "pending", "Not graded yet: the run stopped before this file. Run the same "
                        "command again to continue where it stopped."), **_about(sub))


def _about(sub) -> dict:
    """What the gradebook needs to know about a file besides its result (see :mod:`kit.grading.choose`)."""
    return {"late": sub.late, "submitted_at": sub.submitted_at, "kind": sub.kind}


def _online_text(sub, spec, key) -> dict:
    """A result for Moodle's online text (``onlinetext.html``): typed into Moodle, not a notebook."""
    from kit.grading.worker import _result

    payload = {"name": sub.name, "student_id": sub.student_id, "student_name": sub.student_name, "lms": sub.lms,
               "sha256": sub.sha256, "key": key}
    return _result(payload, spec, "invalid-notebook", "This is the text the student typed into Moodle's online text "
                   "box (onlinetext.html), not a notebook. If they also uploaded a file, that file is graded; if not, ask "
                   "them to upload their .ipynb as a file submission.")


def grade(submissions: str | Path, assignment: str, out: str | Path, timeout: float = 60, workers: int | None = None,
          scheduler: str | None = None, notebook_timeout: float | None = None, memory_mb: int = 2048,
          output_mb: float = 1.0, regrade: bool = False, progress: bool = True, solutions: str | Path | None = None,
          title: str | None = None, isolate: bool | None = None, on_result=None, late: str = "latest-on-time",
          deadline: str | None = None, moodle_language: str = "en") -> GradeSummary:
    """Grade every file in ``submissions`` (folder or zip) against the master ``solutions/ASSIGNMENT.ipynb``.

    Writes ``out/gradebook.csv``, ``out/feedback/ID.html``, ``out/canvas.csv``, ``out/moodle.csv``
    and ``out/marking.csv`` (written questions). ``timeout`` is per cell (seconds);
    ``notebook_timeout`` (default 10 x ``timeout``) for the whole notebook; ``memory_mb`` the
    kernel's memory limit. ``on_result(result)`` is called after each submission is saved.
    ``late``: which submission counts when a student handed in several (:mod:`kit.grading.choose`);
    ``deadline``: local time after which a file is late; ``moodle_language``: the Moodle site's
    language for moodle.csv's column names (:mod:`kit.grading.lms`).
    """
    from kit.notebooks.format import read_master
    from kit.notebooks.build import master_hash
    from kit.grading.choose import RULES
    from kit.grading.collect import collect, parse_deadline
    from kit.grading.gradebook import State, migrate_marks
    from kit.grading.outputs import feedback_names, write_feedback, write_outputs
    from kit.grading.sandbox import isolation_problem
    from kit.grading.worker import grade_one

    started = time.monotonic()
    out = Path(out)
    master_path = _master_path(assignment, Path(solutions) if solutions else None)
    master = read_master(master_path)
    if late not in RULES:
        raise unknown_name("--late rule", late, list(RULES))
    settings = {"title": title or assignment, "late": late, "moodle_language": moodle_language}
    subs = collect(submissions, exclude=[out], deadline=parse_deadline(deadline))
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
        keys = [result_key(s, digest) for s in subs]  # one per submission, never shared by identical files
        done: dict[str, dict] = {}
        if not regrade:
            for key in dict.fromkeys(keys):
                found = state.load(key)
                if found:
                    done[key] = found
        reused = {k for k in keys if k in done}
        for s, k in zip(subs, keys):
            if s.kind == "onlinetext":
                done[k] = None  # filled in below, once the spec exists
        todo = [(s, k) for s, k in zip(subs, keys) if k not in done]
        marks = migrate_marks(state.marks(), [{"name": s.name, "sha256": s.sha256} for s in subs])
        expected = _expected_values(state, master, digest, timeout) if todo else None
        spec = make_spec(master, expected, limits)
        for s, k in zip(subs, keys):
            if s.kind == "onlinetext":
                done[k] = _online_text(s, spec, k)
                state.save(done[k])  # so that --merge-marks finds it too
        reused -= {k for s, k in zip(subs, keys) if s.kind == "onlinetext"}

        def own(s, k) -> dict:
            return dict(done[k], name=s.name, student_id=s.student_id, student_name=s.student_name, lms=s.lms,
                        **_about(s))

        def ordered(with_pending: bool) -> list[dict]:
            return [own(s, k) if k in done else _pending(s, spec, k) for s, k in zip(subs, keys)
                    if with_pending or k in done]

        from kit.grading.outputs import choice_of

        choice = choice_of(ordered(True), marks, late)
        names = feedback_names(ordered(True), choice)

        def finish(result: dict) -> None:
            result["graded_at"] = datetime.now().isoformat(timespec="seconds")
            state.save(result)
            done[result["key"]] = result
            for s, k in zip(subs, keys):
                if k == result["key"]:
                    write_feedback(out, own(s, k), spec, marks, names[s.name], choice)
            write_outputs(out, ordered(True), spec, marks, settings, final=False)
            if on_result:
                on_result(result)

        for s, k in zip(subs, keys):  # feedback files may be missing (a new OUT, or deleted)
            if k in done and k not in {t for _, t in todo} and not (out / "feedback" / names[s.name]).exists():
                write_feedback(out, own(s, k), spec, marks, names[s.name], choice)
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
            final = write_outputs(out, ordered(True), spec, marks, settings, final=True)
            _rename_feedback(out, ordered(True), spec, marks, names, final)
            state.save_run([{"name": s.name, "student_id": s.student_id, "student_name": s.student_name, "lms": s.lms,
                             "key": k, **_about(s)} for s, k in zip(subs, keys)])
            state.save_settings(settings)
            similar = _write_similar(out, subs, ordered(True), spec)
        results = ordered(False)
        summary = GradeSummary(out, graded_now=len(payloads), reused=len(reused), isolated=isolate, results=results,
                               students=sum(1 for c, _ in final.values() if c),
                               superseded=sum(1 for c, _ in final.values() if not c), similar=similar, late_rule=late)
        for r in results:
            summary.statuses[r["status"]] = summary.statuses.get(r["status"], 0) + 1
        summary.seconds = time.monotonic() - started
        return summary
    finally:
        lock.close()


def _expected_values(state, master, digest: str, timeout: float) -> dict:
    """The master's value for every test, cached in OUT/.grading (hidden from kernels) per master version."""
    import json

    from kit.notebooks.build import solution_values
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
                title: str | None = None, late: str | None = None, moodle_language: str | None = None) -> int:
    """Fold a filled-in marking CSV into the gradebook, feedback and LMS files; return the number of marks merged.

    ``title``, ``late`` and ``moodle_language`` default to those of the grading run.
    """
    from kit.notebooks.format import read_master
    from kit.grading.gradebook import State, mark_key, migrate_marks
    from kit.grading.manual import load_marks_csv, read_marks
    from kit.grading.outputs import choice_of, feedback_names, write_feedback, write_outputs

    out = Path(out)
    if not (out / "gradebook.csv").exists():
        raise GradingError(f"There is no gradebook in {out}. Run `kit grade SUBMISSIONS --assignment {assignment} "
                           f"--out {out}` first.")
    master = read_master(_master_path(assignment, Path(solutions) if solutions else None))
    state = State(out)
    lock = state.lock()
    try:
        spec = make_spec(master, None, {})
        settings = state.settings()
        settings.update({k: v for k, v in (("title", title), ("late", late), ("moodle_language", moodle_language)) if v})
        settings.setdefault("title", assignment)
        results = []
        for entry in state.run():
            found = state.load(entry["key"])
            if found:
                results.append(dict(found, **entry))
        if not results:
            raise GradingError(f"No graded submissions were found in {out}/.grading. Run `kit grade SUBMISSIONS "
                               f"--assignment {assignment} --out {out}` first (this kit version keeps a list of the run).")
        marks = migrate_marks(state.marks(), results)
        keys = {(r["name"], r["sha256"][:12]): mark_key(r) for r in results}
        points = {q["name"]: q["points"] for q in spec["questions"] if q["written"]}
        header, rows = load_marks_csv(marks_csv)
        new = read_marks(rows, points, keys, header)
        now = datetime.now().isoformat(timespec="seconds")
        changed = 0
        for key, questions in new.items():
            for question, mark in questions.items():
                old = marks.get(key, {}).get(question, {})
                if (old.get("marks"), old.get("comment", "")) != (mark["marks"], mark["comment"]):
                    mark["marked_at"] = now
                    changed += 1
                else:
                    mark["marked_at"] = old.get("marked_at", now)
                marks.setdefault(key, {})[question] = mark
        state.save_marks(marks)
        choice = choice_of(results, marks, settings.get("late", "latest-on-time"))
        names = feedback_names(results, choice)
        for r in results:
            write_feedback(out, r, spec, marks, names[r["name"]], choice)
        write_outputs(out, results, spec, marks, settings, final=True)
        state.save_settings(settings)
        return sum(len(q) for q in new.values())
    finally:
        lock.close()
