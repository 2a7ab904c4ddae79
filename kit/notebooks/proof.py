"""Prove a master's typical wrong answers: each one loses marks and draws a hint about its mistake.

A master carries, after a question's solution cell, raw cells such as::

    # WRONG q2: took the median instead of the mean
    # hint: mean
    mean_2014 = round(schools_2014["attainment"].median(), 1)

:func:`prove` runs the master once, in one kernel. It snapshots the namespace just before
each solution cell that a wrong answer replaces, and again after the question. For each wrong
answer it goes back to the first snapshot (as a student who never ran the model answer: a wrong
answer that stops with an error leaves nothing behind), runs the wrong code in place of the
solution cell (then the rest of the question's cells), captures every test's value, asks
``check()`` for its message, and puts the second snapshot back for the rest of the master.
In the build's own process it then requires, for each wrong answer:

* the question scores less than full marks, judged exactly as the grader judges
  (:func:`kit.notebooks.values.passes`);
* ``check()`` shows a hint (not "all checks pass", not "not answered yet"), containing the
  ``# hint:`` words if any were given;
* the message never shows the master's value (unless the exercise itself shows it, as a question
  that asks for "the rows of 2014" does, or the wrong answer's own value holds it, as the column
  names of a kit table) or a line of its solution.

Questions with fewer than :data:`MIN_WRONG` wrong answers are listed in the report.
The kernel-side helpers (:func:`begin`, :func:`finish`) are called by cells the proof adds.
"""

from __future__ import annotations

import copy
import json
import math
import re
import types
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["prove", "ProofReport", "Outcome", "MIN_WRONG", "mark", "rewind", "begin", "finish"]

MIN_WRONG = 3
MIME = "application/vnd.kit.proof+json"
ANSWER_LINE = "# Your answer to {name}"
# check()'s fingerprints in the proof are scrypt with the cheapest parameters: the same code path
# as students' check(), without 50 ms a guess.
CHEAP = {"method": "scrypt", "n": 2, "r": 1, "p": 1}

# ---------------------------------------------------------------- kernel side

_STATE: dict = {}
_SKIP = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _namespace() -> dict:
    from kit.notebooks.capture import _namespace as ns

    return ns()


def _copyable(value) -> bool:
    if isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)):
        return False
    module = type(value).__module__ or ""
    return not module.startswith(("matplotlib", "IPython", "ipywidgets", "ipykernel"))


def _snapshot(ns: dict) -> dict:
    names = {k: v for k, v in ns.items() if not k.startswith("_") and k not in _SKIP}
    keep = {k: v for k, v in names.items() if not _copyable(v)}
    data = {k: v for k, v in names.items() if _copyable(v)}
    try:
        copied = copy.deepcopy(data)  # one memo: two names for one table stay one table
    except Exception:
        copied = {}
        for k, v in data.items():
            try:
                copied[k] = copy.deepcopy(v)
            except Exception:
                copied[k] = v
    state = {"names": {**keep, **copied}}
    try:
        import random

        state["random"] = random.getstate()
        import sys

        if "numpy" in sys.modules:
            state["numpy"] = sys.modules["numpy"].random.get_state()
    except Exception:  # pragma: no cover
        pass
    return state


def _restore(ns: dict, state: dict) -> None:
    fresh = _snapshot({**state["names"]})["names"]  # copy again, so the snapshot stays untouched
    for k in [k for k in ns if not k.startswith("_") and k not in _SKIP]:
        del ns[k]
    ns.update(fresh)
    import random
    import sys

    if "random" in state:
        random.setstate(state["random"])
    if "numpy" in state and "numpy" in sys.modules:
        sys.modules["numpy"].random.set_state(state["numpy"])


def mark(question: str, cell: int) -> None:
    """Kernel side, before a solution cell that wrong answers replace: remember the namespace."""
    _STATE.setdefault("before", {})[(question, cell)] = _snapshot(_namespace())


def rewind(question: str, cell: int) -> None:
    """Kernel side, before a wrong answer: the namespace as it was before the solution cell ran."""
    _restore(_namespace(), _STATE["before"][(question, cell)])


def begin(question: str, meta: dict) -> None:
    """Kernel side, after the model answer: remember the master's values and the namespace."""
    from kit.notebooks.capture import evaluate
    from kit.notebooks.checks import question_entry

    values = [evaluate(t["expression"]) for t in meta["tests"]]
    entry = question_entry(meta, values, salt="proof", params=CHEAP)
    _STATE[question] = {"meta": meta, "entry": entry, "state": _snapshot(_namespace())}


def finish(question: str, index: int) -> None:
    """Kernel side, after a wrong answer: capture values and check()'s message, then restore."""
    from IPython.display import display

    from kit.notebooks.capture import evaluate
    from kit.notebooks.checks import run_check

    saved = _STATE[question]
    try:
        results = [evaluate(t["expression"]) for t in saved["meta"]["tests"]]
        spec = {"questions": {question: saved["entry"]}, "fingerprint": CHEAP}
        try:
            result = run_check(spec, question)
            message, passed = result.message, result.all_passed
        except Exception as err:  # a bug in check() must show up in the proof, not stop it
            message, passed = f"check() itself failed: {type(err).__name__}: {err}", False
        display({MIME: {"question": question, "index": index, "results": results, "message": message,
                        "all_passed": passed}}, raw=True)
    finally:
        _restore(_namespace(), saved["state"])


# ---------------------------------------------------------------- build side


@dataclass
class Outcome:
    """What one wrong answer did: its score, check()'s message, and any problems found."""

    question: str
    what: str
    cell: int
    score: float = 0.0
    points: float = 0.0
    message: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ProofReport:
    """The proof of one master: an outcome per wrong answer, and questions with too few."""

    path: Path
    outcomes: list[Outcome] = field(default_factory=list)
    too_few: dict[str, int] = field(default_factory=dict)  # auto-marked question -> wrong answers it has
    values: dict = field(default_factory=dict)  # the master's captured values (as solution_values gives)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def lines(self) -> list[str]:
        out = []
        for o in self.failures:
            out.append(f"{self.path}, cell {o.cell} (WRONG {o.question}: {o.what}): " + "; ".join(o.problems) + ".")
        if self.too_few:
            listed = ", ".join(f"{q} ({n})" for q, n in self.too_few.items())
            out.append(f"{self.path}: fewer than {MIN_WRONG} wrong answers: {listed}.")
        return out


def _call(function: str, *args) -> str:
    return f'__import__("kit.notebooks.proof").notebooks.proof.{function}({", ".join(map(repr, args))})'


def proof_notebook(master):
    """The master's answers with capture cells and, per question, the wrong answers and their checks."""
    import nbformat

    from kit.notebooks.build import question_meta
    from kit.notebooks.capture import cell_source
    from kit.notebooks.run import locate_questions

    nb = copy.deepcopy(master.answers)
    regions = locate_questions(nb)
    ends: dict[int, list[str]] = {}
    for name, q in master.questions.items():
        if q.tests:
            end = regions[name][1] if name in regions else len(nb.cells) - 1
            ends.setdefault(end, []).append(name)

    def code(source, **flags):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata.update(flags)
        return cell

    replaced: dict[int, list[str]] = {}
    for name, q in master.questions.items():
        if q.tests:
            for r in sorted({w.replaces for w in q.wrong}):
                replaced.setdefault(r, []).append(name)
    cells = []
    for i, cell in enumerate(nb.cells):
        for name in replaced.get(i, []):
            cells.append(code(_call("mark", name, i), kit_proof=True))
        cells.append(cell)
        for name in ends.get(i, []):
            q = master.questions[name]
            meta = question_meta(q)
            meta_plain = json.loads(json.dumps(meta))
            cells.append(code(cell_source(name, [t.expression for t in q.tests]), kit_capture=True))
            if not q.wrong:
                continue
            cells.append(code(_call("begin", name, meta_plain), kit_proof=True))
            for k, wrong in enumerate(q.wrong):
                cells.append(code(_call("rewind", name, wrong.replaces), kit_proof=True))
                answer = ANSWER_LINE.format(name=name) + "\n" + wrong.code
                cells.append(code(answer, kit_proof=True, kit_wrong=[name, k]))
                for later in nb.cells[wrong.replaces + 1: i + 1]:
                    if later.cell_type == "code":
                        cells.append(code(later.source, kit_proof=True))
                cells.append(code(_call("finish", name, k), kit_proof=True))
    nb.cells = cells
    return nb


def _forms(value) -> set[str]:
    """Ways the master's value could be written in a message (numbers and longer text only)."""
    out = set()
    if type(value) in (int, float) and not (type(value) is float and not math.isfinite(value)):
        if type(value) is int or float(value).is_integer():
            if abs(value) >= 10:
                out.add(str(int(value)))
        else:
            out.add(repr(value))
            out.add(f"{value:.6g}")
            for places in range(1, 5):
                text = f"{value:.{places}f}"
                if len(text.replace("-", "").replace(".", "").lstrip("0")) >= 2:
                    out.add(text)
    elif type(value) is str and len(value) >= 8:
        out.add(value)
    elif type(value) is list and len(value) <= 20:
        for v in value:
            out |= _forms(v)
    return out


def _found(form: str, text: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(form) + r"(?![\d])", text) is not None


def _reveals(message: str, value, visible: str = "") -> str | None:
    """A form of ``value`` that ``message`` shows and the exercise's own text (``visible``) does not."""
    for form in sorted(_forms(value), key=len, reverse=True):
        if _found(form, message) and not _found(form, visible):
            return form
    return None


def _visible_text(master) -> str:
    """Everything the student's exercise shows: every cell's source, as the build writes it."""
    return "\n".join(cell.source for cell in master.notebook.cells)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def judge_outcome(master, wrong, results: list[dict], message: str, values: list[dict],
                  all_passed: bool = False, visible: str | None = None) -> Outcome:
    """Judge one wrong answer's captured results and check() message against the rules above.

    ``visible`` is the exercise's own text (:func:`_visible_text`; computed once per master by :func:`prove`).
    """
    from kit.notebooks.values import passes

    q = master.questions[wrong.question]
    outcome = Outcome(wrong.question, wrong.what, wrong.cell, points=q.points, message=message)
    score = 0.0
    for test, result, model in zip(q.tests, results, values):
        meta = {"condition": test.condition, "tolerance": test.tolerance}
        if passes(meta, result, model.get("value")):
            score += test.points
    outcome.score = round(score, 6)
    if outcome.score >= q.points - 1e-9:
        outcome.problems.append(f"it still scores full marks ({outcome.score:g} of {q.points:g}): change the "
                                "tests (or the question or data) so that this mistake loses marks")
    said = _normal(message)
    if all_passed:
        outcome.problems.append("check() says every check passes: add a visible test that this mistake fails")
    elif "not answered yet" in said:
        outcome.problems.append("check() says 'not answered yet': the hint does not address the mistake")
    elif not any(words in said for words in ("hint:", "stopped with an error", "could not read",
                                             "is not defined, and the checks need it")):
        outcome.problems.append(f"check() shows no hint ({message[:120]!r})")
    for words in wrong.hints:
        if _normal(words) not in said:
            outcome.problems.append(f"check()'s message does not contain the hint words {words!r} "
                                    f"(it says: {message.strip()[:300]!r})")
    visible = _visible_text(master) if visible is None else visible
    for result in results:  # what the student's own answer holds (column names of a kit table) is no secret
        if result.get("status") == "ok":
            visible += "\n" + "\n".join(_forms(result.get("value")))
    for model in values:
        form = _reveals(message, model.get("value"), visible)
        if form:
            outcome.problems.append(f"check()'s message shows the master's value {form!r}")
            break
    for line in q.solution_code:
        line = line.strip()
        if len(line) >= 12 and line in message:
            outcome.problems.append(f"check()'s message shows a line of the solution: {line!r}")
            break
    return outcome


def _model_errors(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell.metadata.get("kit_proof") or cell.metadata.get("kit_capture"):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"{out.get('ename')}: {out.get('evalue')} (in {cell.source.splitlines()[0][:60]!r})")
    return problems


def prove(master, timeout: int = 300) -> ProofReport:
    """Run ``master`` once with its wrong answers in place and judge each (see the module docstring)."""
    from kit.errors import AuthoringError
    from kit.notebooks.run import environment, harvest, run_notebook

    report = ProofReport(master.path)
    nb = proof_notebook(master)
    with environment(KIT_BUILDING="1"):
        run_notebook(nb, cwd=master.path.parent, timeout=timeout, allow_errors=True)
    errors = _model_errors(nb)
    if errors:
        raise AuthoringError(f"{master.path}: the master's own code raised an error: {errors[0]}. Fix the solution.")
    report.values = harvest(nb)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {}) if out.get("output_type") == "display_data" else {}
            if MIME in data:
                payload = json.loads(json.dumps(data[MIME]))
                found[(payload["question"], payload["index"])] = payload
    visible = _visible_text(master)
    for name, q in master.questions.items():
        if q.written or not q.tests:
            continue
        if len(q.wrong) < MIN_WRONG:
            report.too_few[name] = len(q.wrong)
        for k, wrong in enumerate(q.wrong):
            payload = found.get((name, k))
            if payload is None:
                outcome = Outcome(name, wrong.what, wrong.cell, points=q.points,
                                  problems=["the proof did not reach this wrong answer (did the notebook stop?)"])
            else:
                outcome = judge_outcome(master, wrong, payload["results"], payload["message"],
                                        report.values.get(name, []), payload.get("all_passed", False), visible)
            report.outcomes.append(outcome)
    return report
