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
from dataclasses import dataclass, field
from pathlib import Path

from kit.notebooks.capture import evaluate
from kit.errors import KitError, unknown_name
from kit.notebooks.values import fingerprint, fingerprint_matches, judge_condition

__all__ = ["checker", "run_check", "CheckResult", "CheckFailed", "judge_condition", "question_entry"]

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
             "hidden_tests": sum(bool(t["hidden"]) for t in question["tests"]), "tests": []}
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


def run_check(spec: dict, question: str, namespace: dict | None = None) -> CheckResult:
    """Check ``question`` against ``spec`` (the content of a checks file); return the result."""
    questions = spec["questions"]
    if question not in questions:
        raise unknown_name("question", question, list(questions))
    q = questions[question]
    if q.get("written"):
        msg = (f"Question {question} is a written answer: your tutor marks it against a rubric, so there is no "
               "automatic check. Make sure your answer is in the cell under the question, in your own words.")
        return CheckResult(question, [], msg, answered=True)
    results = [evaluate(t["expression"], namespace) for t in q["tests"]]
    if any(r["status"] == "unanswered" for r in results):
        msg = (f"Question {question} is not answered yet. Replace the ... in the answer cell with your code and "
               "run that cell (Shift+Enter). If the cell shows an error, read its last line, fix the code and run "
               "it again; then run this check again.")
        return CheckResult(question, [False] * len(results), msg, answered=False)
    passed = [_judge(t, r, spec.get("fingerprint")) for t, r in zip(q["tests"], results)]
    n, k = len(passed), sum(passed)
    lines = []
    if all(passed):
        lines.append(f"Question {question}: all {n} check{'s' if n > 1 else ''} pass. Well done!")
        if q.get("hidden_tests"):
            lines.append("  (Your tutor runs a few more checks when marking, so read the question once more.)")
    else:
        lines.append(f"Question {question}: {k} of {n} check{'s' if n > 1 else ''} pass.")
        first = passed.index(False)
        for i, (ok, test, result) in enumerate(zip(passed, q["tests"], results)):
            if ok:
                lines.append(f"  ✔ check {i + 1} passes")
            elif i == first:
                extra = ""
                if result["status"] == "error":
                    extra = f" Your code raised an error: {result['detail']}."
                elif result["status"] == "unplain":
                    extra = f" Your answer is a {result['detail']} object; give a plain number, text, list or table."
                lines.append(f"  ✘ check {i + 1} does not pass yet.{extra}\n    Hint: {test['hint']}")
            else:
                lines.append(f"  · check {i + 1} does not pass yet (fix the one above first)")
    return CheckResult(question, passed, "\n".join(lines))


def checker(assignment: str):
    """Return the ``check(question)`` function for the notebook ``assignment`` (its file stem)."""
    path = _checks_file(assignment)
    strict = os.environ.get("KIT_CHECK_STRICT") == "1"
    building = os.environ.get("KIT_BUILDING") == "1"
    spec = json.loads(path.read_text(encoding="utf-8")) if path else None

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
