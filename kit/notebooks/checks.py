"""``check("q1")`` for students: which checks pass, a hint for the first that fails, never the answer.

In an exercise notebook::

    from kit.checks import checker
    check = checker("04-describing-school-data")
    ...
    check("q1")

The checks come from ``exercises/checks/<notebook>.json`` (written by ``kit build``): for each
visible test, the expression, the instructor's hint and a fingerprint of the right value.
Set ``KIT_CHECK_STRICT=1`` to make a failing check raise (the test suite does, on the masters).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kit.notebooks.capture import evaluate, missing_name, raised_inside
from kit.errors import KitError, unknown_name
from kit.notebooks.values import fingerprint, fingerprint_matches, judge_condition

__all__ = ["checker", "run_check", "CheckResult", "CheckFailed", "judge_condition", "question_entry", "follow_runs",
           "answer_line"]

class CheckFailed(KitError, AssertionError):
    """Raised by a check in strict mode (KIT_CHECK_STRICT=1) when a check does not pass."""


@dataclass
class CheckResult:
    """The outcome of checking one question."""

    question: str
    passed: list[bool] = field(default_factory=list)
    message: str = ""
    answered: bool = True

    @property
    def all_passed(self) -> bool:
        return self.answered and bool(self.passed) and all(self.passed)

    def __str__(self) -> str:
        return self.message


def _checks_file(assignment: str) -> Path | None:
    candidates = []
    if os.environ.get("KIT_CHECKS_DIR"):
        candidates.append(Path(os.environ["KIT_CHECKS_DIR"]))
    candidates += [Path.cwd() / "checks", Path.cwd() / "exercises" / "checks",
                   Path(__file__).resolve().parents[2] / "exercises" / "checks"]
    for folder in candidates:
        if (folder / f"{assignment}.json").exists():
            return folder / f"{assignment}.json"
    return None


def _judge(test: dict, result: dict, params: dict | None = None) -> bool:
    """Whether one visible test passes, judged by its condition or by its fingerprint."""
    if result["status"] != "ok":
        return False
    if test.get("condition"):
        return judge_condition(test["condition"], result["value"])
    return fingerprint_matches(result["value"], test["fingerprint"], test.get("tolerance"), test.get("salt"), params)


def question_entry(question: dict, values: list[dict], salt: str | None = None, params: dict | None = None) -> dict:
    """One question of a checks file: its visible tests with fingerprints of the master's values.

    ``question`` holds ``points``, ``written`` and ``tests`` (each ``expression``, ``hint``,
    ``points``, ``hidden``, ``condition``, ``tolerance``); ``values`` are the master's captured
    results, one per test. Each test's salt is ``salt`` plus the question and test number.
    """
    entry = {"points": question["points"], "written": question.get("written", False),
             "hidden_tests": sum(bool(t["hidden"]) for t in question["tests"]), "tests": [],
             "computed": list(question.get("computed", []))}
    for i, (test, result) in enumerate(zip(question["tests"], values), 1):
        if test["hidden"]:
            continue
        item = {"expression": test["expression"], "hint": test["hint"], "points": test["points"],
                "condition": test.get("condition"), "tolerance": test.get("tolerance"), "fingerprint": None}
        if not test.get("condition"):
            if salt is not None:
                item["salt"] = f"{salt}/{question['name']}/{i}"
            item["fingerprint"] = fingerprint(result["value"], test.get("tolerance"), item.get("salt"), params)
        entry["tests"].append(item)
    return entry


ANSWER_LINE = re.compile(r"^#\s*Your answer to (?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*$")
_RUNS: dict[str, dict] = {}  # question -> the latest run of its answer cell in this kernel
_CELLS: dict[str, str] = {}  # cell id -> question, for a cell whose first line was changed later


def answer_line(question: str) -> str:
    """The first line ``kit build`` puts in a question's answer cell, so ``check()`` can follow its runs."""
    return f"# Your answer to {question}"


def _record_run(result) -> None:
    """IPython's post_run_cell event: remember the latest run of each answer cell."""
    info = getattr(result, "info", None)
    source = getattr(info, "raw_cell", "") or ""
    first = (source.lstrip("\n").splitlines() or [""])[0].strip()
    m = ANSWER_LINE.match(first)
    cell_id = getattr(info, "cell_id", None)
    question = m.group("name") if m else _CELLS.get(cell_id) if cell_id else None
    if question is None:
        return
    if cell_id:
        _CELLS[cell_id] = question
    error = result.error_before_exec or result.error_in_exec
    from kit.notebooks.explain import explain, source_warnings

    record = {"source": source, "error": None, "explanation": None, "warnings": source_warnings(source)}
    if error is not None:
        record["error"] = f"{type(error).__name__}: {error}".strip()[:300]
        try:
            record["explanation"] = explain(error, _user_namespace(), source=source)
        except Exception:  # pragma: no cover
            record["explanation"] = None
    _RUNS[question] = record


def _user_namespace() -> dict:
    from kit.notebooks.capture import _namespace

    return _namespace()


def follow_runs(shell=None) -> bool:
    """Follow answer cells' runs in this IPython kernel and explain errors; ``False`` outside IPython."""
    from kit.notebooks.explain import install

    if shell is None:
        from kit.notebooks.capture import current_shell

        shell = current_shell()
    if shell is None:
        return False
    if not getattr(shell, "_kit_follows_runs", False):
        shell.events.register("post_run_cell", _record_run)
        shell._kit_follows_runs = True
    install(shell)
    return True


def _typed_values(source: str, names: list[str]) -> list[str]:
    """Names of ``names`` that ``source`` gives a typed-in value (``gap = 3.03 - 2.74``, ``best = "Oak"``)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []

    def constant(node) -> bool:
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float, str)
        if isinstance(node, ast.UnaryOp):
            return constant(node.operand)
        if isinstance(node, ast.BinOp):
            return constant(node.left) and constant(node.right)
        if isinstance(node, (ast.List, ast.Tuple)):
            return bool(node.elts) and all(constant(e) for e in node.elts)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "round":
            return bool(node.args) and constant(node.args[0])
        return False

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and constant(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names and target.id not in found:
                    found.append(target.id)
    return found


def _seen(n: int) -> str:
    """The visible checks, counted in words: ``the check``, ``both checks``, ``all 3 checks``.

    >>> [_seen(n) for n in (1, 2, 3)]
    ['the check', 'both checks', 'all 3 checks']
    """
    return "the check" if n == 1 else "both checks" if n == 2 else f"all {n} checks"


def _tally(k: int, n: int) -> str:
    """How many checks pass, in plain English.

    >>> [_tally(0, 1), _tally(1, 5), _tally(0, 2), _tally(3, 4)]
    ['the check does not pass yet', '1 of 5 checks pass', 'neither check passes yet', '3 of 4 checks pass']
    """
    if n == 1:
        return "the check does not pass yet"
    if n == 2 and k == 0:
        return "neither check passes yet"
    return f"{k} of {n} checks pass"


def run_check(spec: dict, question: str, namespace: dict | None = None) -> CheckResult:
    """Check ``question`` against ``spec`` (the content of a checks file); return the result.

    With ``namespace=None`` (in a notebook) it first looks at the latest run of the question's
    answer cell: after an error it says so and judges nothing left over from an earlier run.
    """
    questions = spec["questions"]
    if question not in questions:
        raise unknown_name("question", question, list(questions))
    q = questions[question]
    if q.get("written"):
        msg = (f"Question {question} is a written answer: your tutor marks it against a rubric, so there is no "
               "automatic check. Make sure your answer is in the cell under the question, in your own words.")
        return CheckResult(question, [], msg, answered=True)
    run = _RUNS.get(question) if namespace is None else None
    if run and run["error"]:
        why = f" {run['explanation']}" if run["explanation"] else ""
        msg = (f"Question {question}: your answer cell stopped with an error the last time it ran:\n"
               f"    {run['error']}\n  {why.strip() or 'Read the last line of the error under the cell.'}\n"
               "  Fix the code and run that cell again (Shift+Enter), then run this check. Until the cell runs "
               "without an error, this check judges nothing (any value left from an earlier run is not your "
               "answer now).") + _notes(run)
        return CheckResult(question, [False] * len(q["tests"]), msg, answered=False)
    results = [evaluate(t["expression"], namespace) for t in q["tests"]]
    for i, (t, r) in enumerate(zip(q["tests"], results)):
        if raised_inside(t["expression"], r):  # a typo inside the student's own function, not a missing answer
            results[i] = {"status": "error", "detail": f"NameError: {r['detail']}"}
    missing = [missing_name(r) for r in results if missing_name(r)]
    if missing and run is not None:  # the cell ran without an error, yet a name the checks need is not there
        name = missing[0]
        called = any(_calls(t["expression"], name) for t in q["tests"])
        how = f"def {name}(...):" if called else f"{name} = ..."
        msg = (f"Question {question}: your answer cell ran, but {name} is not defined, and the checks need it. "
               f"Make what the question asks for under exactly that name ({how}), or, if an earlier "
               f"question makes {name}, run that question's answer cell first; then run this check again.")
        return CheckResult(question, [False] * len(results), msg, answered=False)
    if any(r["status"] == "unanswered" for r in results):
        msg = (f"Question {question} is not answered yet, or its answer cell has not run since the notebook started. "
               "Replace the ... in the answer cell with your code and run that cell (Shift+Enter); then run this "
               "check again. If the cell shows an error, read its last line, fix the code and run it again.")
        return CheckResult(question, [False] * len(results), msg, answered=False)
    passed = [_judge(t, r, spec.get("fingerprint")) for t, r in zip(q["tests"], results)]
    typed = _typed_values(run["source"], q.get("computed", [])) if run else []
    n, k = len(passed), sum(passed)
    lines = []
    hidden = q.get("hidden_tests", 0)
    if all(passed) and typed:
        verb = "passes" if n == 1 else "pass"
        lines.append(f"Question {question}: {_seen(n)} you can see {verb}, but your answer cell types the "
                     f"value of {typed[0]} in.\n    Hint: work {typed[0]} out with code from the data instead: your "
                     "tutor's marking runs your code again on other data, where a typed-in value is wrong.")
        return CheckResult(question, [False] * n, "\n".join(lines))
    if all(passed):
        if hidden:
            seen = "the one check you can see passes" if n == 1 else f"{_seen(n)} you can see pass"
            lines.append(f"Question {question}: {seen}; your tutor's marking runs more checks, so read the "
                         "question once more.")
        else:
            lines.append(f"Question {question}: {_seen(n)} {'passes' if n == 1 else 'pass'}. Well done!")
        return CheckResult(question, passed, "\n".join(lines))
    lines.append(f"Question {question}: {_tally(k, n)}.")
    first = passed.index(False)
    for i, (ok, test, result) in enumerate(zip(passed, q["tests"], results)):
        if ok:
            lines.append(f"  ✔ check {i + 1} passes")
        elif i == first:
            extra = ""
            if result["status"] == "error":
                extra = _could_not_read(result["detail"], namespace, run is not None)
            elif result["status"] == "unplain":
                extra = f" Your answer is a {result['detail']} object; give a plain number, text, list or table."
            lines.append(f"  ✘ check {i + 1} does not pass yet.{extra}\n    Hint: {test['hint']}")
        else:
            lines.append(f"  · check {i + 1} does not pass yet (fix the one above first)")
    if typed:
        lines.append(f"  (Your answer cell also types the value of {typed[0]} in: work it out with code instead.)")
    return CheckResult(question, passed, "\n".join(lines) + _notes(run))


def _notes(run: dict | None) -> str:
    """Slips seen in the answer cell's code (``==`` that stores nothing, two ``=``), one line each."""
    return "".join(f"\n  Note: {w}" for w in (run or {}).get("warnings", []))


def _calls(expression: str, name: str) -> bool:
    """True when ``expression`` calls ``name`` as a function (``r_of(table)``).

    >>> _calls("r_of(schools)", "r_of"), _calls("len(gap)", "gap")
    (True, False)
    """
    import ast

    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name for n in ast.walk(tree))


def _could_not_read(detail: str, namespace, ran: bool) -> str:
    """The words for a check whose own expression failed on the student's value (their cell did not)."""
    from kit.notebooks.explain import explain

    name, _, text = detail.partition(": ")
    error_type = {"AttributeError": AttributeError, "KeyError": KeyError, "TypeError": TypeError,
                  "ValueError": ValueError, "IndexError": IndexError, "NameError": NameError}.get(name)
    why = None
    if error_type is not None:
        try:
            why = explain(error_type(text.strip("'") if error_type is KeyError else text),
                          _user_namespace() if namespace is None else namespace)
        except Exception:  # pragma: no cover
            why = None
    said = (" Your answer cell itself ran without an error, but this check could not read the answer it made"
            if ran else " This check could not read your answer")
    return f"{said} ({detail})." + (f" {why}" if why else "")


def student_display() -> None:
    """Show values as a student expects: ``49.5`` (not ``np.float64(49.5)``) and text in full (not cut to ``...``).

    ``checker()`` calls it, so every exercise has it from its set-up cell; a notebook may still set
    its own ``display.max_colwidth`` afterwards.

    >>> student_display(); import numpy as np, pandas as pd
    >>> repr(np.float64(49.5)), pd.get_option("display.max_colwidth") is None
    ('49.5', True)
    >>> np.set_printoptions(legacy=False); pd.reset_option("display.max_colwidth")  # back to the defaults
    """
    try:
        import numpy as np

        np.set_printoptions(legacy="1.25")
    except (ImportError, TypeError, ValueError):  # pragma: no cover - numpy < 2 prints plainly already
        pass
    try:
        import pandas as pd

        pd.set_option("display.max_colwidth", None)
    except ImportError:  # pragma: no cover
        pass


def checker(assignment: str):
    """Return the ``check(question)`` function for the notebook ``assignment`` (its file stem)."""
    path = _checks_file(assignment)
    strict = os.environ.get("KIT_CHECK_STRICT") == "1"
    building = os.environ.get("KIT_BUILDING") == "1"
    spec = json.loads(path.read_text(encoding="utf-8")) if path else None
    if os.environ.get("KIT_GRADING") != "1":  # the grader judges captured values, never check()
        follow_runs()
        student_display()

    def check(question: str) -> None:
        """Check your answer to ``question`` (e.g. ``check("q1")``) and print what to do next."""
        if building:
            return None
        if spec is None:
            msg = (f"The checks for {assignment!r} were not found. If you are a student, open this notebook from "
                   "the exercises folder; if you are the instructor, run `kit build`.")
            if strict:
                raise CheckFailed(msg)
            print(msg)
            return None
        result = run_check(spec, question)
        print(result.message)
        if strict and not (result.all_passed or spec["questions"][question].get("written")):
            raise CheckFailed(result.message)
        return None

    return check
