"""Typical wrong answers in the inquiry notebooks (01, 02) get the hint that helps, never the answer."""

import json

import pytest

import kit.data
from kit.checks import run_check
from kit.inquiry import CASES, EnquiryPlan, Evidence
from tests.notebooks import ROOT


def spec(name):
    return json.loads((ROOT / "exercises" / "checks" / f"{name}.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# 01 Framing an enquiry
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s01():
    return spec("01-framing-an-enquiry")


@pytest.fixture(scope="module")
def survey():
    return kit.data.load("student_survey")


def test_01_unanswered_questions_say_so(s01):
    blanks = {"stance_answers": {k: ... for k in "ABCD"}, "best_question": ..., "share_joined": ...,
              "attendance_gap": ..., "draft_missing": ...}
    for q in ("q1", "q2", "q3", "q4"):
        assert "not answered yet" in run_check(s01, q, blanks).message, q


def test_01_q1_stance_words_and_mix_ups(s01):
    msg = run_check(s01, "q1", {"stance_answers": {"A": "together", "B": "on", "C": "by", "D": "for"}}).message
    assert "one of the four stance words" in msg
    # 'with' and 'by' confused: the second hint, about agenda and who does the research
    result = run_check(s01, "q1", {"stance_answers": {"A": "with", "B": "on", "C": "with", "D": "for"}})
    assert result.passed == [True, False] and "whose agenda" in result.message
    assert run_check(s01, "q1", {"stance_answers": {"A": "With ", "B": "on", "C": "by", "D": "FOR"}}).all_passed


def test_01_q2_vague_question_chosen(s01):
    result = run_check(s01, "q2", {"best_question": "a"})
    assert not result.all_passed and "which pupils" in result.message and "'c'" not in result.message
    assert run_check(s01, "q2", {"best_question": "c"}).all_passed


def test_01_q3_gap_the_wrong_way_round(s01, survey):
    movers, others = survey[survey["joined_mid_phase"]], survey[~survey["joined_mid_phase"]]
    share = round(survey["joined_mid_phase"].mean(), 3)
    gap = round(others["attendance"].mean() - movers["attendance"].mean(), 1)
    result = run_check(s01, "q3", {"share_joined": share, "attendance_gap": -gap})
    assert result.passed == [True, True, False, False] and "should be positive" in result.message
    # a count instead of a proportion
    result = run_check(s01, "q3", {"share_joined": int(survey["joined_mid_phase"].sum()), "attendance_gap": gap})
    assert "between 0 and 1" in result.message
    assert run_check(s01, "q3", {"share_joined": share, "attendance_gap": gap}).all_passed


def _draft():
    return EnquiryPlan(
        title="Joining mid-year", concern=CASES["mobility"],
        question="How do pupils who join our school after Year 7 experience their first term, and what helps them settle?",
        team=["Head of Year 8", "two form tutors", "the attendance officer", "a university researcher (critical friend)"],
        existing_evidence=["Admissions: about one pupil in five joined after the start of Year 7",
                           "Pupils who joined mid-phase attend about 2.5 percentage points less than other pupils"],
        evidence_to_collect=[Evidence(what="interviews with eight pupils who joined this year", method="interview")],
    )


def test_01_q4_sentences_instead_of_part_names(s01):
    draft = _draft()
    assert not run_check(s01, "q4", {"draft_missing": draft.problems()}).all_passed
    assert run_check(s01, "q4", {"draft_missing": draft.missing_parts()}).all_passed


def test_01_q5_typical_incomplete_plans(s01):
    plan = _draft()
    plan.stance, plan.ethics, plan.sharing = "by", ..., "staff meeting"
    plan.evidence_to_collect[0].timing = "spring term"
    result = run_check(s01, "q5", {"plan": plan})
    assert result.passed[0] is False and "plan.problems()" in result.message
    # complete, but 'with' where the teachers lead and one method only
    plan.ethics = "consent from pupils and parents; anonymous; free to withdraw"
    plan.stance = "with"
    result = run_check(s01, "q5", {"plan": plan})
    assert result.passed == [True, False, False] and "critical friend" in result.message
    plan.stance = "by"
    result = run_check(s01, "q5", {"plan": plan})
    assert result.passed == [True, True, False] and "different method" in result.message
    plan.add_evidence("attendance week by week", method="school statistics", timing="all year")
    assert run_check(s01, "q5", {"plan": plan}).all_passed
    # the exercise as given: every blank still '...'
    blank = _draft()
    blank.stance = ...
    blank.evidence_to_collect[0].timing = ...
    blank.ethics = ...
    blank.sharing = ...
    assert not run_check(s01, "q5", {"plan": blank}).all_passed
