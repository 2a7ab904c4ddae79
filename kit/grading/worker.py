"""Grade one submission from start to finish; never raises, always returns a gradebook result.

:func:`grade_one` takes plain data only (the file's bytes and a grading spec dict), so the
same function runs in a local thread or on a Dask worker on another machine.
"""

from __future__ import annotations

import json
import traceback
from pathlib import PurePosixPath

__all__ = ["grade_one", "STATUSES"]

STATUSES = {
    "graded": "ran to the end and was marked (cells that raised errors score 0 for their question)",
    "timeout": "a cell or the whole notebook ran past the time limit; it was stopped, and what ran before was marked",
    "crashed": "the Python kernel died (the code exited Python or ran out of memory); questions before that were marked",
    "invalid-notebook": "the file is not a Jupyter notebook (not JSON, damaged, another kind of file, or too large)",
    "wrong-assignment": "the notebook belongs to a different assignment",
    "empty": "the file is empty, has no cells, or is the exercise exactly as handed out",
    "grader-error": "the grader itself failed on this file (a bug: please report it); nothing was marked",
    "tampered": "the code changed the grading machinery (the reason says what was found); the marks shown are "
                "from captures the grader could verify, for the instructor to judge",
}

END = "@end"


def _result(sub: dict, spec: dict, status: str, reason: str, **extra) -> dict:
    out = {k: sub[k] for k in ("name", "student_id", "student_name", "lms", "sha256", "key")}
    out.update(assignment=spec["assignment"], master_sha256=spec["master_sha256"], status=status, reason=reason,
               scores={q["name"]: None for q in spec["questions"]}, tests={}, written={}, seconds=0.0,
               isolated=None, executed=None)
    out.update(extra)
    return out


def _read(sub: dict, spec: dict):
    """The notebook node, or a finished result explaining why it cannot be graded."""
    import nbformat

    data: bytes = sub["data"]
    suffix = PurePosixPath(sub["name"]).suffix.lower()
    if sub.get("too_large"):
        return None, _result(sub, spec, "invalid-notebook", "The file is larger than 100 MB, so it was not opened. "
                             "Ask the student to clear all outputs (Edit > Clear Outputs of All Cells), save and resubmit.")
    if not data.strip():
        return None, _result(sub, spec, "empty", "The file is empty (0 bytes). Ask the student to save and upload again.")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        if suffix != ".ipynb":
            what = f"a {suffix} file" if suffix else "a file without the .ipynb ending"
            return None, _result(sub, spec, "invalid-notebook", f"This is {what}, not a Jupyter notebook (.ipynb). "
                                 "Ask the student to upload the .ipynb file (File > Download in Jupyter).")
        detail = str(err).split("\n")[0][:120]
        return None, _result(sub, spec, "invalid-notebook", "The file is not a readable notebook: it is not valid JSON "
                             f"({detail}); it was probably damaged or cut short. Ask the student to download it again from "
                             "Jupyter and resubmit.")
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, _result(sub, spec, "invalid-notebook", "The file is JSON but not a Jupyter notebook (it has no list "
                             "of cells). Ask the student to upload the .ipynb file of the exercise.")
    try:
        if raw.get("nbformat", 4) < 4:
            nb = nbformat.reads(json.dumps(raw), as_version=4)
        else:
            nb = nbformat.from_dict(raw)
        cells = []
        for cell in nb.cells:
            if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if not isinstance(source, str):
                continue
            source = source.replace("\r\n", "\n").replace("\r", "\n")  # Windows line endings: as handed out
            maker = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
                     "raw": nbformat.v4.new_raw_cell}[cell["cell_type"]]
            cells.append(maker(source))
        meta = nb.get("metadata", {}) if isinstance(nb.get("metadata"), dict) else {}
        clean = nbformat.v4.new_notebook(cells=cells)
        clean.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        kit_meta = meta.get("kit") if isinstance(meta.get("kit"), dict) else {}
        clean.metadata["kit"] = {k: str(v)[:200] for k, v in kit_meta.items() if isinstance(v, (str, int, float))}
    except Exception as err:  # anything odd inside the JSON
        return None, _result(sub, spec, "invalid-notebook", f"The notebook could not be read ({type(err).__name__}). "
                             "Ask the student to open it in Jupyter, save it and resubmit.")
    return clean, None


def _assignment_problem(nb, spec: dict) -> str | None:
    from kit.notebooks.run import locate_questions

    claimed = nb.metadata.get("kit", {}).get("assignment")
    if claimed and claimed != spec["assignment"]:
        return (f"This notebook is the assignment {claimed!r} (its metadata says so), not {spec['assignment']!r}. "
                "The student may have uploaded the wrong file.")
    headers = {c.source.splitlines()[0].strip() for c in nb.cells if c.cell_type == "markdown" and c.source.strip()}
    found = locate_questions(nb)
    if any(h in headers for h in spec["headers"]):
        return None
    exercise_text = {src for kind, src in spec["exercise_cells"] if kind == "markdown" and len(src) > 40}
    if any(c.source in exercise_text for c in nb.cells if c.cell_type == "markdown"):
        return None
    if found:
        return (f"None of the questions of {spec['assignment']!r} are in this notebook (it has questions "
                f"{', '.join(sorted(found))[:100]} with other headers). The student may have uploaded another assignment.")
    return (f"Nothing in this notebook matches the assignment {spec['assignment']!r} (no question headers, no text "
            "from the exercise). The student may have uploaded the wrong file.")


def _is_empty(nb, spec: dict) -> str | None:
    if not any(c.source.strip() for c in nb.cells):
        return "The notebook has no cells with content."
    mine = [(c.cell_type, c.source.strip()) for c in nb.cells if c.source.strip()]
    handed_out = [(kind, src.strip()) for kind, src in spec["exercise_cells"] if src.strip()]
    if mine == handed_out:
        return "Nothing was answered: the notebook is exactly the exercise as handed out."
    return None


def written_answers(nb, spec: dict) -> dict[str, str]:
    """The text a student wrote in each written question's region (cells not in the exercise)."""
    from kit.notebooks.format import ANSWER_PROMPT
    from kit.notebooks.run import locate_questions

    where = locate_questions(nb)
    given = {src.strip() for _, src in spec["exercise_cells"]}
    answers = {}
    for q in spec["questions"]:
        if not q["written"]:
            continue
        parts = []
        if q["name"] in where:
            start, end = where[q["name"]]
            for cell in nb.cells[start + 1:end + 1]:
                text = cell.source.strip()
                if not text or text in given or text == ANSWER_PROMPT or text.startswith("check("):
                    continue
                parts.append(text.replace(ANSWER_PROMPT, "").strip())
        answers[q["name"]] = "\n\n".join(p for p in parts if p)
    return answers


def _prepare(nb, spec: dict):
    """The notebook with capture cells: visible tests after each question, every test at the very end.

    Hidden tests are evaluated only in the last cells, after every student cell has run, so no
    student code runs after them and nothing about them (expression, inputs, errors) can reach
    an output the feedback shows (capture cells' outputs are never shown).
    """
    import nbformat

    from kit.notebooks.capture import cell_source
    from kit.notebooks.run import inject_captures

    auto = [q for q in spec["questions"] if not q["written"]]
    visible = {q["name"]: [t["expression"] for t in q["tests"] if not t["hidden"]] for q in auto}
    prepared = inject_captures(nb, visible)
    for q in auto:  # a second chance at the end, for answers moved elsewhere; the only place of hidden tests
        cell = nbformat.v4.new_code_cell(cell_source(q["name"] + END, [t["expression"] for t in q["tests"]]))
        cell.metadata["kit_capture"] = True
        prepared.cells.append(cell)
    return prepared


def _harvest(prepared, key: bytes | None) -> tuple[dict, list[str]]:
    """Capture results by question (verified when ``key`` is set) and the tampering found, outside the kernel."""
    from kit.notebooks.capture import MIME
    from kit.notebooks.run import harvest

    if key is None:  # unsafe mode: plain kernels, unsigned captures
        return harvest(prepared), []
    from kit.grading.guard import verify

    results, found = {}, []
    for cell in prepared.cells:
        if cell.cell_type != "code" or not cell.metadata.get("kit_capture"):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
            if MIME not in data:
                continue
            payload, why = verify(key, json.loads(json.dumps(data[MIME])))
            if why:
                found.append(why)
                continue
            if [payload.get("question"), payload.get("expressions")] != _asked(cell.source):
                found.append("a capture cell ran other tests than the grader sent (its code was rewritten in the "
                             "kernel)")
                continue
            found += [str(t)[:200] for t in payload.get("tamper", []) if isinstance(t, str)]
            results[payload["question"]] = payload["results"]
    return results, list(dict.fromkeys(found))


def _asked(source: str) -> list:
    """``[question, expressions]`` of a capture cell's code, as the grader wrote it (see ``cell_source``).

    >>> from kit.notebooks.capture import cell_source
    >>> _asked(cell_source("q1", ["n_2014", "len(t)"]))
    ['q1', ['n_2014', 'len(t)']]
    """
    import ast

    call = ast.parse(source, mode="eval").body
    return [ast.literal_eval(arg) for arg in call.args]


def _results_for(q: dict, captured: dict) -> tuple[list | None, list | None]:
    """The per-question capture (visible tests; hidden ones from the end) and the end capture, by test index."""
    end = captured.get(q["name"] + END)
    mine = captured.get(q["name"])
    if mine is None:
        return None, end
    merged, visible = [], iter(mine)
    for i, t in enumerate(q["tests"]):
        if t["hidden"]:
            merged.append(end[i] if end and i < len(end) else None)
        else:
            merged.append(next(visible, None))
    return merged, end


def _reason(run, nb, status: str, limits: dict) -> str:
    from kit.notebooks.run import locate_questions

    regions = locate_questions(nb)

    def where(index):  # cells counted as the student sees them (without the grader's capture cells)
        shown = sum(1 for c in nb.cells[:index + 1] if not c.metadata.get("kit_capture"))
        for name, (start, end) in regions.items():
            if start <= index <= end:
                return f"cell {shown} (in Question {name})"
        return f"cell {shown}"

    parts = []
    if status == "crashed":
        code = f" (exit code {run.returncode})" if run.returncode not in (None, -9) else ""
        if run.died_at is not None and run.died_at >= 0:
            parts.append(f"The Python kernel died{code} while running {where(run.died_at)}: the code exits Python or ran "
                         f"out of memory (limit {limits['memory_mb']} MB). Questions before it were marked; later ones "
                         "score 0.")
        else:
            parts.append(f"The Python kernel could not start or died at once{code}. Nothing could be marked.")
    per_cell = list(run.timed_out_cells)
    if run.deadline_hit:
        stopped = f" in {where(per_cell.pop())}" if per_cell else ""  # the last stop was the notebook's deadline
        parts.append(f"The whole notebook ran longer than {limits['notebook_timeout']:g} s and was stopped{stopped}; "
                     "questions that had run were marked.")
    if per_cell:
        cells = ", ".join(where(i) for i in per_cell[:3])
        parts.append(f"Stopped after {limits['cell_timeout']:g} s: {cells} (an endless loop or a very slow step). "
                     "The rest was run and marked.")
    if run.memory_errors:
        parts.append(f"Ran out of memory (limit {limits['memory_mb']} MB) in {where(run.memory_errors[0])}.")
    errors = [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.metadata.get("kit_capture")
              for o in c.get("outputs", []) if o.get("output_type") == "error" and o.get("ename") not in ("MemoryError", "KeyboardInterrupt")]
    if errors:
        i, o = errors[0]
        more = f" ({len(errors)} cells in all)" if len(errors) > 1 else ""
        parts.append(f"Error in {where(i)}: {o.get('ename')}{more}.")
    if run.output_truncated:
        parts.append(f"Printed output was cut at {limits['output_mb']:g} MB.")
    return " ".join(parts)


def grade_one(sub: dict, spec: dict) -> dict:
    """Grade one submission (``sub``: name, data, student_id, ...; ``spec``: see :func:`kit.grading.grade.make_spec`)."""
    try:
        return _grade(sub, spec)
    except Exception as err:  # a grader bug must never stop the batch
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()[:300]
        return _result(sub, spec, "grader-error", f"The grader failed on this file: {detail}. Please report it.")


def _grade(sub: dict, spec: dict) -> dict:
    import nbformat

    from kit.notebooks.run import harvest
    from kit.grading.feedback import clean_for_feedback
    from kit.grading.judge import judge_question
    from kit.grading.run import Limits, execute_submission

    nb, done = _read(sub, spec)
    if done:
        return done
    problem = _assignment_problem(nb, spec)
    if problem:
        return _result(sub, spec, "wrong-assignment", problem)
    empty = _is_empty(nb, spec)
    if empty:
        return _result(sub, spec, "empty", empty)
    written = written_answers(nb, spec)
    prepared = _prepare(nb, spec)
    limits = Limits(**{k: v for k, v in spec["limits"].items() if k in Limits.__dataclass_fields__})
    run = execute_submission(prepared, limits)
    captured, tampering = _harvest(prepared, run.capture_key)
    scores, tests = {}, {}
    for q in spec["questions"]:
        if q["written"]:
            scores[q["name"]] = None
            continue
        best = judge_question(q, *_results_for(q, captured))
        scores[q["name"]] = best["score"]
        tests[q["name"]] = best["tests"]
    if run.died_at is not None and not run.deadline_hit:
        status = "crashed"
    elif run.deadline_hit or run.timed_out_cells:
        status = "timeout"
    else:
        status = "graded"
    reason = _reason(run, prepared, status, spec["limits"])
    if tampering:
        status = "tampered"
        reason = ("The code changed the grading machinery, so these marks need your judgement: "
                  + "; ".join(tampering[:8]) + ". " + reason).strip()
    executed = clean_for_feedback(prepared)
    return _result(sub, spec, status, reason, scores=scores, tests=tests, written=written, seconds=round(run.seconds, 2),
                   isolated=run.isolated, kernel_start=round(run.kernel_start, 2),
                   executed=nbformat.writes(executed))
