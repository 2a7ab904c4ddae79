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
    # lower-case keys, or a letter left out: say which letters the dictionary needs
    msg = run_check(s01, "q1", {"stance_answers": {"a": "with", "b": "on", "c": "by", "d": "for"}}).message
    assert 'four capital letters' in msg
    # a NameError (quotes left out) stops the cell after A: the hint names that cause
    assert "missing its quotation marks" in run_check(s01, "q1", {"stance_answers": {"A": "with"}}).message
    # 'with' and 'by' confused: two the same, so the hint about agenda and who does the research
    result = run_check(s01, "q1", {"stance_answers": {"A": "with", "B": "on", "C": "with", "D": "for"}})
    assert result.passed == [True, True, False, False] and "whose agenda" in result.message
    # on and for swapped: all different, but B and D named
    result = run_check(s01, "q1", {"stance_answers": {"A": "with", "B": "for", "C": "by", "D": "on"}})
    assert result.passed == [True, True, True, False] and "B and D" in result.message
    assert run_check(s01, "q1", {"stance_answers": {"A": "With ", "B": "on", "C": "by", "D": "FOR"}}).all_passed


def test_01_q2_vague_question_chosen(s01):
    result = run_check(s01, "q2", {"best_question": "a"})
    assert not result.all_passed and "names no group of pupils" in result.message and "'c'" not in result.message
    assert "yes or no" in run_check(s01, "q2", {"best_question": "b"}).message
    assert run_check(s01, "q2", {"best_question": "c"}).all_passed
    assert run_check(s01, "q2", {"best_question": " C"}).all_passed
    # a letter with a full stop, or the whole question copied: the format hint first
    for wrong in ("c.", "Which Year 9 pupils"):
        assert "just one of the letters" in run_check(s01, "q2", {"best_question": wrong}).message


def test_01_q3_gap_the_wrong_way_round(s01, survey):
    movers, others = survey[survey["joined_mid_phase"]], survey[~survey["joined_mid_phase"]]
    share = round(survey["joined_mid_phase"].mean(), 3)
    gap = round(others["attendance"].mean() - movers["attendance"].mean(), 1)
    result = run_check(s01, "q3", {"share_joined": share, "attendance_gap": -gap, "survey": survey})
    assert not result.all_passed and "should be positive" in result.message
    # not rounded (issue 12): the rounding hint, and the exact check fails
    result = run_check(s01, "q3", {"share_joined": share, "attendance_gap": gap + 0.019246, "survey": survey})
    assert not result.all_passed and "Round the gap" in result.message
    # a column of differences instead of one number: not told it is "the wrong way round"
    result = run_check(s01, "q3", {"share_joined": share, "attendance_gap": others["attendance"] - movers["attendance"].mean(), "survey": survey})
    assert "should be one number" in result.message and "wrong way round" not in result.message
    # a count instead of a proportion
    result = run_check(s01, "q3", {"share_joined": int(survey["joined_mid_phase"].sum()), "attendance_gap": gap, "survey": survey})
    assert "between 0 and 1" in result.message
    assert run_check(s01, "q3", {"share_joined": share, "attendance_gap": gap, "survey": survey}).all_passed


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
    assert not run_check(s01, "q4", {"draft_missing": draft.problems(), "EnquiryPlan": EnquiryPlan}).all_passed
    assert "Ask draft itself" in run_check(s01, "q4", {"draft_missing": EnquiryPlan().missing_parts(), "EnquiryPlan": EnquiryPlan}).message
    # the method itself (no brackets), or the list as one piece of text
    for wrong in (draft.missing_parts, str(draft.missing_parts())):
        assert "brackets at the end" in run_check(s01, "q4", {"draft_missing": wrong, "EnquiryPlan": EnquiryPlan}).message
    assert run_check(s01, "q4", {"draft_missing": draft.missing_parts(), "EnquiryPlan": EnquiryPlan}).all_passed


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
    assert not result.all_passed and "critical friend" in result.message
    plan.stance = "by"
    result = run_check(s01, "q5", {"plan": plan})
    assert not result.all_passed and "different method" in result.message
    plan.add_evidence("attendance week by week", method="school statistics", timing="all year")
    result = run_check(s01, "q5", {"plan": plan})
    assert not result.all_passed and "plan.sharing" in result.message  # "staff meeting" says too little
    plan.sharing = "a report at the whole-staff meeting in July"
    assert run_check(s01, "q5", {"plan": plan}).all_passed
    # the exercise as given: every blank still '...'
    blank = _draft()
    blank.stance = ...
    blank.evidence_to_collect[0].timing = ...
    blank.ethics = ...
    blank.sharing = ...
    assert not run_check(s01, "q5", {"plan": blank}).all_passed


# --------------------------------------------------------------------------------------------
# 02 Evidence and student voice
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s02():
    return spec("02-evidence-and-student-voice")


@pytest.fixture(scope="module")
def excerpts():
    return kit.data.load("student_voice_excerpts")


def test_02_unanswered_questions_say_so(s02):
    blanks = {name: ... for name in ("my_codes", "percent_agreement", "kappa", "fixed", "alpha_three",
                                     "alpha_belonging", "belonging_gap")}
    for q in ("q1", "q2", "q3", "q4", "q5", "q7", "q8"):
        assert "not answered yet" in run_check(s02, q, blanks).message, q


def test_02_q1_spelling_then_judgement(s02):
    msg = run_check(s02, "q1", {"my_codes": ["attendance", "belonging", "unnoticed", "teaching", "mobility"]}).message
    assert "spelt exactly as in the codebook" in msg
    result = run_check(s02, "q1", {"my_codes": ["Attendance", "Belonging", "Belonging", "Teaching", "Mobility"]})
    assert result.passed == [True, True, True, False, True, True] and "E012" in result.message
    assert "not one text" in run_check(s02, "q1", {"my_codes": "Attendance, Belonging, Unnoticed, Teaching, Mobility"}).message
    assert run_check(s02, "q1", {"my_codes": ["Attendance", "Belonging", "Unnoticed", "Teaching", "Mobility"]}).all_passed


def test_02_q2_count_or_percentage_instead_of_proportion(s02, excerpts):
    same = excerpts["coder_1"] == excerpts["coder_2"]
    for wrong in (int(same.sum()), round(100 * same.mean(), 1)):
        assert "between 0 and 1" in run_check(s02, "q2", {"percent_agreement": wrong, "same_code": same}).message
    assert run_check(s02, "q2", {"percent_agreement": round(same.mean(), 3), "same_code": same}).all_passed


def test_02_q3_same_coder_twice_or_plain_agreement(s02, excerpts):
    from kit import reliability

    same_coder = reliability.cohen_kappa(excerpts["coder_1"], excerpts["coder_1"])["estimate"].iloc[0]
    assert "compared with themself" in run_check(s02, "q3", {"kappa": round(same_coder, 2)}).message
    plain = round((excerpts["coder_1"] == excerpts["coder_2"]).mean(), 2)
    result = run_check(s02, "q3", {"kappa": plain})
    assert result.passed == [True, True, True, False] and "lower than the plain agreement" in result.message
    # the whole one-row table, or its estimate column: told to take one number out, not "compared with themself"
    table = reliability.cohen_kappa(excerpts["coder_1"], excerpts["coder_2"])
    for wrong in (table, table["estimate"].round(2)):
        msg = run_check(s02, "q3", {"kappa": wrong}).message
        assert ".iloc[0]" in msg and "themself" not in msg
    right = reliability.cohen_kappa(excerpts["coder_1"], excerpts["coder_2"])["estimate"].iloc[0]
    assert run_check(s02, "q3", {"kappa": round(right, 2)}).all_passed


def test_02_q4_dropping_rows_or_lowercasing_everything(s02):
    messy = kit.data.load("student_voice_excerpts", typos=4)
    wrong = (set(messy["coder_2"]) - set(messy.attrs["codes"])).pop()
    dropped = messy[messy["coder_2"] != wrong]
    assert "Keep all 300 excerpts" in run_check(s02, "q4", {"fixed": dropped}).message
    lowered = messy.assign(coder_2=messy["coder_2"].str.lower())
    result = run_check(s02, "q4", {"fixed": lowered})
    assert result.passed == [True, True, False, False] and "spelt exactly" in result.message
    other_code = messy.assign(coder_2=messy["coder_2"].replace({wrong: "Belonging"}))
    result = run_check(s02, "q4", {"fixed": other_code})
    assert result.passed == [True, True, True, False] and "not a different code" in result.message
    # only the corrected column kept, or .replace() run without storing its result
    column = messy["coder_2"].replace({wrong: "Mobility"})
    assert "whole table" in run_check(s02, "q4", {"fixed": column}).message
    assert "store it back" in run_check(s02, "q4", {"fixed": messy.copy()}).message
    right = messy.assign(coder_2=messy["coder_2"].replace({wrong: "Mobility"}))
    assert run_check(s02, "q4", {"fixed": right}).all_passed


def test_02_q5_only_two_coders(s02, excerpts):
    from kit import reliability

    two = reliability.krippendorff_alpha(excerpts[["coder_1", "coder_2"]], coders="columns", n_boot=0)
    result = run_check(s02, "q5", {"alpha_three": round(two["estimate"].iloc[0], 3)})
    assert not result.all_passed and "three coder columns" in result.message


def test_02_q7_forgot_to_reverse(s02):
    from kit import reliability

    survey = kit.data.load("student_survey")
    with pytest.warns(UserWarning):
        raw = reliability.cronbach_alpha(survey[survey.attrs["scale_items"]])["estimate"].iloc[0]
    items = survey[survey.attrs["scale_items"]]
    result = run_check(s02, "q7", {"alpha_belonging": round(raw, 2), "reversed_items": items, "items": survey.attrs["scale_items"], "survey": survey})
    assert not result.all_passed and "reverse-score belong_3" in result.message
    # low=0 (issue 12): alpha is unchanged, but the reversed answers leave the 1-5 range
    shifted = reliability.reverse_score(items, survey.attrs["reverse_keyed"], low=0, high=5)
    right = round(reliability.cronbach_alpha(shifted)["estimate"].iloc[0], 2)
    result = run_check(s02, "q7", {"alpha_belonging": right, "reversed_items": shifted, "items": survey.attrs["scale_items"], "survey": survey})
    assert not result.all_passed and "low=1 and high=5" in result.message
    table = reliability.cronbach_alpha(reliability.reverse_score(survey[survey.attrs["scale_items"]],
                                                                 survey.attrs["reverse_keyed"], low=1, high=5))
    answers = {"alpha_belonging": table, "reversed_items": shifted, "items": survey.attrs["scale_items"], "survey": survey}
    assert "one number" in run_check(s02, "q7", answers).message


def test_02_q8_gap_the_wrong_way_round(s02):
    from kit import reliability

    survey = kit.data.load("student_survey")
    items = survey.attrs["scale_items"]
    scale = reliability.reverse_score(survey[items], survey.attrs["reverse_keyed"], low=1, high=5)
    eight = scale.drop(columns="belong_9")
    survey["belonging"] = eight.mean(axis=1).where(eight.notna().sum(axis=1) >= 6).round(2)
    joiners = survey.loc[survey["joined_mid_phase"], "belonging"].mean()
    others = survey.loc[~survey["joined_mid_phase"], "belonging"].mean()
    assert "should be positive" in run_check(s02, "q8", {"belonging_gap": round(joiners - others, 2)}).message
    assert run_check(s02, "q8", {"belonging_gap": round(others - joiners, 2)}).all_passed
    # both groups' means (a groupby result) instead of their difference: not "the wrong way round"
    msg = run_check(s02, "q8", {"belonging_gap": survey.groupby("joined_mid_phase")["belonging"].mean()}).message
    assert "one number" in msg and "wrong way round" not in msg
