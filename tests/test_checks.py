"""check("q1") as a student meets it: not answered yet, a hint for the first failing check, never the answer."""

import json

import pandas as pd
import pytest

from kit.checks import CheckFailed, checker, run_check
from kit.notebooks.values import fingerprint, to_plain
from tests.notebooks import ROOT

SPEC = {
    "questions": {
        "q1": {"points": 2, "written": False, "hidden_tests": 1, "tests": [
            {"expression": "gap", "hint": "The gap should be positive: subtract the disadvantaged mean from the others'.",
             "condition": "value > 0", "tolerance": None, "fingerprint": None, "points": 1},
            {"expression": "gap", "hint": "Use the means, not the medians.", "condition": None, "tolerance": None,
             "fingerprint": fingerprint(to_plain(8.25)), "points": 1},
        ]},
        "q2": {"points": 1, "written": False, "hidden_tests": 0, "tests": [
            {"expression": "table", "hint": "Group by region.", "condition": None, "tolerance": None,
             "fingerprint": fingerprint(to_plain(pd.DataFrame({"region": ["A"], "n": [3]}))), "points": 1}]},
        "q3": {"points": 2, "written": True, "hidden_tests": 0, "tests": []},
    }
}


@pytest.mark.parametrize("namespace", [{}, {"gap": ...}, {"gap": [...][0]}])
def test_unanswered_question_says_not_answered_yet(namespace):
    result = run_check(SPEC, "q1", namespace)
    assert not result.answered
    assert "not answered yet" in result.message and "Traceback" not in result.message


def test_wrong_sign_gets_the_first_failing_hint_and_never_the_answer():
    result = run_check(SPEC, "q1", {"gap": -8.25})
    assert result.passed == [False, False]
    assert "neither check passes yet" in result.message and "should be positive" in result.message
    assert "means, not the medians" not in result.message  # only the first failing hint
    assert "8.25" not in result.message


def test_close_but_wrong_value_gets_the_second_hint():
    result = run_check(SPEC, "q1", {"gap": 8.3})
    assert result.passed == [True, False] and "means, not the medians" in result.message


def test_right_answer_passes_and_mentions_tutor_checks():
    result = run_check(SPEC, "q1", {"gap": 8.25 + 1e-12})
    assert result.all_passed and "both checks you can see pass" in result.message and "Well done" not in result.message
    assert "your tutor's marking runs more checks" in result.message


def test_tables_are_compared_as_plain_data():
    assert run_check(SPEC, "q2", {"table": pd.DataFrame({"region": ["A"], "n": [3]})}).all_passed
    assert not run_check(SPEC, "q2", {"table": pd.DataFrame({"region": ["A"], "n": [4]})}).all_passed


def test_an_object_that_claims_to_equal_everything_does_not_pass():
    class Liar(float):
        def __eq__(self, other):
            return True

        def __gt__(self, other):
            return True

    result = run_check(SPEC, "q1", {"gap": Liar(-1)})
    assert not result.all_passed and "plain number" in result.message


def test_code_that_raises_is_reported_in_plain_words():
    spec = {"questions": {"q9": {"points": 1, "written": False, "hidden_tests": 0, "tests": [
        {"expression": "rate(0)", "hint": "Divide by the number of pupils.", "condition": "value >= 0",
         "tolerance": None, "fingerprint": None, "points": 1}]}}}
    result = run_check(spec, "q9", {"rate": lambda n: 1 / n})
    assert not result.all_passed
    assert "could not read your answer (ZeroDivisionError" in result.message and "Divide by the number" in result.message


def test_written_question_explains_it_is_marked_by_the_tutor():
    assert "rubric" in run_check(SPEC, "q3", {}).message


def test_unknown_question_lists_the_valid_ones():
    with pytest.raises(KeyError, match="Did you mean 'q1'"):
        run_check(SPEC, "q11", {})


def test_strict_mode_raises_and_missing_checks_file_is_explained(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KIT_CHECK_STRICT", raising=False)
    checker("no-such-notebook")("q1")
    assert "were not found" in capsys.readouterr().out
    monkeypatch.setenv("KIT_CHECK_STRICT", "1")
    with pytest.raises(CheckFailed):
        checker("no-such-notebook")("q1")


def test_committed_checks_of_notebook_00_give_hints_for_typical_mistakes():
    spec = json.loads((ROOT / "exercises" / "checks" / "00-getting-started.json").read_text())
    import pandas as pd

    year_2014 = pd.DataFrame({"year": [2014, 2014]})
    # counted every row instead of 2014 only
    assert "2014" in run_check(spec, "q1", {"n_2014": 200_000, "schools_2014": year_2014}).message
    # "2014" in quotation marks keeps no rows; .shape gives two numbers
    assert "without quotation marks" in run_check(spec, "q1", {"n_2014": 0, "schools_2014": year_2014[:0]}).message
    assert "one whole number" in run_check(spec, "q1", {"n_2014": (20_000, 12), "schools_2014": year_2014}).message
    # the wrong year: as many rows as 2014, so the table itself is checked
    msg = run_check(spec, "q1", {"n_2014": 20_000, "schools_2014": pd.DataFrame({"year": [2013]})}).message
    assert "other than 2014" in msg
    assert "not answered yet" in run_check(spec, "q2", {"mean_2014": ...}).message
    # a wrong number that is still in range earns the range point; the exact check (no points) names the mistake
    result = run_check(spec, "q2", {"mean_2014": 51.0})
    assert result.passed == [True, True, True, True, False] and "2014 rows only" in result.message
    # typed as text in quotation marks: said so directly
    assert "quotation marks" in run_check(spec, "q2", {"mean_2014": "49.5"}).message
    assert "around 50" in run_check(spec, "q2", {"mean_2014": 5100.0}).message
    # not rounded; the mean of all ten years (47.6) instead of 2014
    assert "one decimal place" in run_check(spec, "q2", {"mean_2014": 49.49854}).message
    assert "all ten years" in run_check(spec, "q2", {"mean_2014": 47.6}).message


def test_a_value_within_the_tolerance_passes_even_across_a_rounding_step():
    spec = {"questions": {"q1": {"points": 1, "written": False, "hidden_tests": 0, "tests": [
        {"expression": "x", "hint": "h", "condition": None, "tolerance": 0.01,
         "fingerprint": fingerprint(to_plain(0.125), 0.01), "points": 1}]}}}
    assert run_check(spec, "q1", {"x": 0.1251}).all_passed
    assert run_check(spec, "q1", {"x": 0.1299}).all_passed  # 0.005 off, on the other side of the rounding step
    assert not run_check(spec, "q1", {"x": 0.16}).all_passed
