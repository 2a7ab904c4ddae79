"""kit.inquiry: an enquiry plan that names what is missing and renders safely."""

import json

import pytest

from kit.errors import InputError, UnknownNameError
from kit.inquiry import CASES, STANCES, EnquiryPlan, Evidence


def complete_plan(**changes):
    parts = dict(
        title="Joining mid-year",
        concern=CASES["mobility"],
        question="How do pupils who join our school mid-year experience their first term?",
        stance="with",
        team=["Head of Year 8", "two form tutors", "a university researcher"],
        existing_evidence=["admissions records 2021-24", "exit questionnaires"],
        evidence_to_collect=[
            {"what": "interviews with eight pupils who joined mid-year", "method": "interview", "timing": "spring term"},
            Evidence("attendance of joiners and others", "school statistics", "autumn term", "data manager"),
        ],
        ethics="Pupils and parents give informed consent; names are removed; pupils may withdraw at any time.",
        sharing=["whole-staff meeting in July", "network meeting with partner schools"],
    )
    parts.update(changes)
    return EnquiryPlan(**parts)


def test_complete_plan_has_no_problems_and_validates():
    plan = complete_plan()
    assert plan.problems() == [] and plan.is_complete() and plan.missing_parts() == []
    assert plan.validate() is plan
    assert plan.suggestions() == []


def test_empty_plan_names_every_missing_part():
    plan = EnquiryPlan()
    assert plan.missing_parts() == ["question", "stance", "team", "existing_evidence", "evidence_to_collect", "ethics", "sharing"]
    text = "\n".join(plan.problems())
    for words in ("enquiry question is missing", "research stance is missing", "Who is involved is missing",
                  "evidence you already have is missing", "evidence to collect is missing", "Ethics is missing",
                  "How findings will be shared is missing"):
        assert words in text
    with pytest.raises(InputError, match=r"not complete yet \(7 thing\(s\) to fix\)"):
        plan.validate()


def test_evidence_items_need_method_and_timing():
    plan = complete_plan(evidence_to_collect=[{"what": "pupil photographs"}, ("", "survey", "June")])
    problems = plan.problems()
    assert problems == [
        "Evidence item 1 ('pupil photographs') is missing the method and the timing (when): every item needs what, method and timing.",
        "Evidence item 2 is missing what it is: every item needs what, method and timing.",
    ]
    assert plan.missing_parts() == ["evidence_to_collect"]


def test_stances_are_recognised_in_words_and_typos_are_named():
    for written, key in (("research with practitioners", "with"), ("BY", "by"), ("for practitioners", "for"), ("on", "on")):
        assert complete_plan(stance=written).stance_key() == key
    assert set(STANCES) == {"on", "for", "with", "by"}
    problems = complete_plan(stance="wiht").problems()
    assert problems == ["The research stance 'wiht' is not one of 'on', 'for', 'with' or 'by' (practitioners): choose one. Did you mean 'with'?"]
    assert complete_plan(stance="on and with").missing_parts() == ["stance"]


def test_short_question_and_blank_text_count_as_missing():
    plan = complete_plan(question="Mobility?", team=["  ", ""], sharing="   ")
    assert plan.missing_parts() == ["question", "team", "sharing"]


def test_suggestions_do_not_block():
    plan = complete_plan(
        question="Does our induction programme help new pupils settle",
        evidence_to_collect=[{"what": "staff interviews", "method": "interview", "timing": "May"}],
        ethics="Staff agree to take part.",
        team=["me"],
    )
    assert plan.is_complete()
    advice = " ".join(plan.suggestions())
    for words in ("question mark", "yes or no", "one method", "pupils themselves", "anonymity", "withdraw", "more than one person"):
        assert words in advice


def test_from_dict_and_to_dict_round_trip_through_json():
    plan = complete_plan()
    again = EnquiryPlan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.to_dict() == plan.to_dict()
    assert again.is_complete()
    with pytest.raises(UnknownNameError, match="Did you mean 'question'"):
        EnquiryPlan.from_dict({"questoin": "How?"})
    with pytest.raises(UnknownNameError, match="part of an evidence item"):
        EnquiryPlan(evidence_to_collect=[{"wat": "x"}]).evidence()
    # an unreadable evidence item is a problem, not a crash
    assert "could not be read" in EnquiryPlan(evidence_to_collect=[42]).problems()[4]


def test_add_evidence_chains():
    plan = complete_plan(evidence_to_collect=[]).add_evidence("learning walk", "observation", "each half term")
    assert plan.is_complete() and plan.evidence()[0].method == "observation"


def test_markdown_has_every_section_and_the_evidence_table():
    md = complete_plan().to_markdown()
    for heading in ("# Enquiry plan: Joining mid-year", "## The concern", "## Our enquiry question", "## Research stance",
                    "## Who is involved", "## What we already know", "## Evidence we will collect", "## Ethics",
                    "## How we will share the findings"):
        assert heading in md
    assert "| interviews with eight pupils who joined mid-year | interview | spring term |  |" in md
    assert "Still to do" not in md
    unfinished = EnquiryPlan(question="How do pupils who join mid-year settle?").to_markdown()
    assert "*(not yet written)*" in unfinished and "## Still to do" in unfinished


def test_html_escapes_all_user_text():
    nasty = "<script>alert('x')</script>"
    plan = complete_plan(title=nasty, question=nasty + " how do pupils settle?", team=[nasty],
                         evidence_to_collect=[{"what": nasty, "method": "<img src=x onerror=alert(1)>", "timing": "&"}],
                         ethics=nasty, sharing=nasty, stance=nasty)
    for page in (plan.to_html(), plan.to_html(full_page=True), plan.to_markdown()):
        assert "<script>" not in page and "<img" not in page
    page = plan.to_html(full_page=True)
    assert page.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in page and "<td>&amp;</td>" in page
    assert "| &lt;img src=x onerror=alert(1)&gt; |" in plan.to_markdown()


def test_markdown_table_cells_escape_pipes():
    plan = complete_plan(evidence_to_collect=[{"what": "a | b", "method": "survey", "timing": "May"}])
    assert "| a \\| b | survey | May |  |" in plan.to_markdown()


def test_exercise_blanks_count_as_not_written_and_copy_is_independent():
    plan = complete_plan()
    blank = plan.copy()
    blank.stance = ...
    blank.ethics = ...
    blank.evidence_to_collect[1].timing = ...
    assert blank.missing_parts() == ["stance", "evidence_to_collect", "ethics"]
    assert plan.is_complete()
    assert "evidence_to_collect" in EnquiryPlan(evidence_to_collect=...).missing_parts()


def test_rendering_survives_blanks_and_non_text_values():
    plan = complete_plan()
    plan.evidence_to_collect[1].timing = ...
    plan.evidence_to_collect[1].who = 3
    assert "| 3 |" in plan.to_markdown() and "<td>3</td>" in plan.to_html()
