"""Judge captured plain values against the master's, in the grader's own process.

Nothing here runs inside a student's kernel: the values arrive as JSON (numbers, text, lists,
dicts, tables), so an object whose ``__eq__`` always says True, or a patched ``pandas.testing``,
has nothing to work on. Each test is worth its points, all or nothing; a question's score is
the sum of the tests it passes. Correct means what it means to ``check()``: :func:`kit.notebooks.values.passes`
(conditions, tolerances, and numbers to 6 significant figures alike).

>>> test = {"expression": "gap", "points": 1.0, "hidden": False, "hint": "Subtract.",
...         "condition": None, "tolerance": 0.01, "expected": 9.25}
>>> judge_test(test, {"status": "ok", "value": 9.251})["passed"]
True
>>> judge_test(test, {"status": "ok", "value": 10})["message"]
'the answer is not the expected number. Hint: Subtract.'
"""

from __future__ import annotations

from kit.notebooks.capture import raised_inside
from kit.notebooks.values import describe_difference, passes

__all__ = ["judge_test", "judge_question", "HIDDEN_FAILED"]

HIDDEN_FAILED = "one of your tutor's further checks did not pass (details are not shown); read the question again."


def judge_test(test: dict, result: dict | None) -> dict:
    """``{"passed", "points", "earned", "hidden", "status", "message"}`` for one test and its captured result."""
    out = {"passed": False, "points": test["points"], "earned": 0.0, "hidden": test["hidden"], "message": ""}
    status = (result or {}).get("status", "not-run")
    out["status"] = status
    if status == "ok":
        # One meaning of "correct" for check() and the grader (kit.notebooks.values.passes): a value
        # check() accepts earns the points, and one it refuses does not.
        passed = passes({"condition": test.get("condition"), "tolerance": test.get("tolerance")}, result,
                        test.get("expected"))
        if test.get("condition"):
            difference = None if passed else "the answer does not meet the condition"
        else:
            difference = None if passed else (describe_difference(result["value"], test["expected"], test.get("tolerance"))
                                              or "the answer is not the expected value")
        out["passed"] = passed
        if not passed:
            out["status"] = "wrong"
            out["message"] = f"{difference}. Hint: {test['hint']}"
    elif status == "unanswered" and raised_inside(test["expression"], result):
        out["status"] = "error"
        out["message"] = f"your code raised an error: NameError: {str(result.get('detail', ''))[:300]}."
    elif status == "unanswered":
        out["message"] = "not answered (the answer is still ... or the name is not defined)."
    elif status == "error":
        out["message"] = f"your code raised an error: {str(result.get('detail', ''))[:300]}."
    elif status == "unplain":
        out["message"] = (f"the answer is a {str(result.get('detail', ''))[:100]} object; the answer must be plain data "
                          "(a number, text, list, dictionary or table).")
    else:
        out["message"] = "this part of the notebook did not run (see the status above)."
    if out["passed"]:
        out["earned"] = float(test["points"])
    if test["hidden"] and not out["passed"]:  # never the expression, its inputs or an error's text
        out["message"] = HIDDEN_FAILED
    return out


def judge_question(question: dict, *candidates: list | None) -> dict:
    """Judge a question on each set of captured results and keep the best (see ``kit.grading.worker``).

    Returns ``{"score", "points", "tests": [...]}``.
    """
    best = None
    for results in candidates or (None,):
        results = results or []
        tests = [judge_test(t, results[i] if i < len(results) else None) for i, t in enumerate(question["tests"])]
        score = round(sum(t["earned"] for t in tests), 6)
        if best is None or score > best["score"]:
            best = {"score": score, "points": question["points"], "tests": tests}
    return best
