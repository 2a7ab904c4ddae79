"""Workshop app 1, enquiry focus planner: from a school's concern to a focused question and an evidence plan.

The notebook ``workshops/01-enquiry-planner.ipynb`` calls :func:`app`. The plan itself is a
:class:`kit.inquiry.EnquiryPlan`; this module only turns the form into a plan
(:func:`plan_from_form`), says what is still missing in friendly words (:func:`todo_list`) and
offers the one-page plan for download as HTML and Markdown (data: links, no server needed).

>>> plan = plan_from_form({"question": "How do Year 8 pupils who join mid-year settle in?", "stance": "with",
...                        "team": "Head of Year 8\\nTwo form tutors", "evidence": [("pupils' views", "interview", "")]})
>>> plan.team
['Head of Year 8', 'Two form tutors']
>>> for line in todo_list(plan):
...     print(line)
What you already know: list what the school already holds (records, surveys, earlier findings), one per line.
Evidence row 1 ('pupils' views') needs when it will be collected.
Ethics: say how people agree to take part, how names are kept out, and how anyone can stop taking part.
Sharing: say with whom, and how, you will share what you find.
"""

from __future__ import annotations

import re

import ipywidgets as widgets

from kit.workshop import components as C

_TALL = {"height": "auto"}  # a select box as tall as the kit's 19 px text (the default height clips it)
__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "FRIENDLY", "plan_from_form", "todo_list", "app"]

APP = "enquiry-planner"
TITLE = "Enquiry focus planner"
PURPOSE = "Turn a concern in your school into a focused question and a plan for the evidence you will collect."
QUESTIONS = [
    "What exactly is the concern, and whose concern is it (staff, pupils, parents, the partnership)?",
    "Is your question focused enough to answer in two terms? Who, what and where does it name?",
    "What do you already know, and what would surprise you if you found it?",
    "Whose voices does your evidence include, and whose are still missing?",
    "How will you keep the enquiry ethical, and who will hear what you find?",
]
EVIDENCE_ROWS = 4
OWN = "Our own concern (write it below)"

#: What to tell a person when a part of the plan is missing (kit.inquiry names the parts).
FRIENDLY = {
    "question": "Your focused question: write one question that names who, what and where.",
    "stance": "Research stance: choose whose enquiry this is (on, for, with or by practitioners).",
    "team": "Who is involved: list the people or roles in the enquiry team, one per line.",
    "existing_evidence": "What you already know: list what the school already holds (records, surveys, earlier findings), one per line.",
    "evidence_to_collect": "Evidence to collect: fill in at least one row with what, the method and when.",
    "ethics": "Ethics: say how people agree to take part, how names are kept out, and how anyone can stop taking part.",
    "sharing": "Sharing: say with whom, and how, you will share what you find.",
}
_TIMING = {"timing": "when it will be collected", "method": "the method", "what": "what it is"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\n;]+", str(text or "")) if line.strip()]


def plan_from_form(form: dict):
    """A :class:`kit.inquiry.EnquiryPlan` from the form's values (text boxes hold one item per line)."""
    from kit.inquiry import EnquiryPlan

    rows = [tuple(str(v or "").strip() for v in row) for row in form.get("evidence", [])]
    return EnquiryPlan(
        title=str(form.get("title", "")).strip(),
        concern=str(form.get("concern", "")).strip(),
        question=str(form.get("question", "")).strip(),
        stance=str(form.get("stance", "") or "").strip(),
        team=_lines(form.get("team", "")),
        existing_evidence=_lines(form.get("existing", "")),
        evidence_to_collect=[r for r in rows if any(r)],
        ethics=str(form.get("ethics", "")).strip(),
        sharing=str(form.get("sharing", "")).strip(),
    )


def todo_list(plan) -> list[str]:
    """What is still missing from ``plan``, one friendly sentence each (empty when the plan is complete)."""
    out = []
    for part in plan.missing_parts():
        if part == "question" and plan.question.strip():
            out.append("Your focused question is too short to guide an enquiry: say who, what and where, "
                       "e.g. 'How do Year 8 pupils who join mid-year experience their first term?'")
        elif part == "stance" and str(plan.stance).strip():
            out.append(FRIENDLY["stance"])
        elif part == "evidence_to_collect" and plan.evidence():
            for i, item in enumerate(plan.evidence(), start=1):
                missing = [_TIMING[p] for p in ("what", "method", "timing") if not getattr(item, p)]
                if missing:
                    label = f"Evidence row {i}" + (f" ('{item.what}')" if item.what else "")
                    out.append(f"{label} needs {' and '.join(missing)}.")
        elif part in FRIENDLY:
            out.append(FRIENDLY[part])
    return out


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40]
    return slug or "enquiry-plan"


def app(show: bool = True):
    """Build (and display) the planner; returns a dict of its parts for tests."""
    from kit.inquiry import CASES, METHODS, STANCES

    case_labels = {
        "mobility": "Pupils changing school mid-year",
        "underachievement": "'Middle ability' learners underachieving",
        "attendance": "Pupils who choose not to take part",
        "invisibility": "Pupils who go unnoticed",
    }
    case = widgets.Dropdown(options=[(case_labels.get(k, k), k) for k in CASES] + [(OWN, "")], value="mobility", layout=_TALL)
    case.add_class("kit-ep-case")
    title = widgets.Text(placeholder="e.g. Joining mid-year")
    title.add_class("kit-ep-title")
    concern = widgets.Textarea(value=CASES["mobility"], rows=2)
    concern.add_class("kit-ep-concern")
    question = widgets.Textarea(placeholder="e.g. How do Year 8 pupils who join mid-year experience their first term?", rows=2)
    question.add_class("kit-ep-question")
    stance = widgets.Dropdown(options=[("Choose...", "")] + [(f"Research {k} practitioners", k) for k in STANCES], value="", layout=_TALL)
    stance.add_class("kit-ep-stance")
    stance_help = widgets.HTML("")
    team = widgets.Textarea(placeholder="One per line, e.g.\nHead of Year 8\nTwo form tutors", rows=3)
    team.add_class("kit-ep-team")
    existing = widgets.Textarea(placeholder="One per line, e.g.\nAttendance records 2022-24\nExit questionnaires", rows=3)
    existing.add_class("kit-ep-existing")
    rows = []
    for i in range(EVIDENCE_ROWS):
        what = widgets.Text(placeholder="what, e.g. pupils' views of joining" if i == 0 else "what")
        method = widgets.Combobox(options=list(METHODS), placeholder="method, e.g. interview" if i == 0 else "method", ensure_option=False)
        when = widgets.Text(placeholder="when, e.g. spring term" if i == 0 else "when")
        for w, name in ((what, "what"), (method, "method"), (when, "when")):
            w.add_class(f"kit-ep-ev{i}-{name}")
            w.layout = widgets.Layout(flex="1 1 12em", min_width="10em")
        rows.append((what, method, when))
    evidence_box = widgets.VBox([widgets.HBox(list(r), layout=widgets.Layout(flex_flow="row wrap")) for r in rows])
    ethics = widgets.Textarea(placeholder="e.g. Parents and pupils give informed consent; names are removed; anyone can withdraw.", rows=2)
    ethics.add_class("kit-ep-ethics")
    sharing = widgets.Textarea(placeholder="e.g. Whole-staff meeting in July; network meeting with partner schools.", rows=2)
    sharing.add_class("kit-ep-sharing")

    todo = widgets.HTML("")
    todo.add_class("kit-ep-todo")
    preview = widgets.HTML("")
    preview.add_class("kit-ep-preview")
    downloads = widgets.HTML("")
    downloads.add_class("kit-ep-download")

    def form() -> dict:
        return {"title": title.value, "concern": concern.value, "question": question.value, "stance": stance.value,
                "team": team.value, "existing": existing.value, "ethics": ethics.value, "sharing": sharing.value,
                "evidence": [(w.value, m.value, t.value) for w, m, t in rows]}

    def update(_change=None):
        plan = plan_from_form(form())
        stance_help.value = f"<small>{C.esc(STANCES[stance.value])}</small>" if stance.value else ""
        missing = todo_list(plan)
        if missing:
            items = "".join(f"<li>{C.text_html(m)}</li>" for m in missing)
            todo.value = (f'<div class="kit-status kit-status-info"><b>Still to do ({len(missing)})</b>'
                          f"<ul>{items}</ul></div>")
        else:
            todo.value = '<div class="kit-status kit-status-ok"><b>Your plan has every part.</b></div>'
        advice = plan.suggestions()
        if advice:
            todo.value += "<p><b>To make it stronger:</b></p><ul>" + "".join(f"<li>{C.text_html(a)}</li>" for a in advice) + "</ul>"
        preview.value = plan.to_html()  # kit.inquiry escapes every piece of typed text
        name = _slug(plan.title or plan.question)
        downloads.value = (
            C.download_link(plan.to_html(full_page=True), f"{name}.html", "Download the plan (web page, prints well)", "text/html")
            + " &nbsp; "
            + C.download_link(plan.to_markdown(), f"{name}.md", "Download the plan (Markdown text)", "text/markdown")
        )

    def on_case(change):
        if change["new"]:
            concern.value = CASES[change["new"]]

    case.observe(on_case, names="value")
    for w in [title, concern, question, stance, team, existing, ethics, sharing] + [w for r in rows for w in r]:
        w.observe(update, names="value")
    update()

    form_panel = C.panel("1. From concern to question", [
        C.field("Start from a concern", case, help="Four concerns from real school enquiries, or your own."),
        C.field("The concern, in your school's words", concern),
        C.field("A short name for the enquiry", title),
        C.field("Your focused question", question, help="One question: who, what and where. Open questions (how, what, why) teach more."),
        C.field("Whose enquiry is it?", stance), stance_help,
    ], cls="kit-ep-form")
    evidence_panel = C.panel("2. The evidence", [
        C.field("Who is involved", team),
        C.field("What you already know", existing),
        widgets.HTML('<div class="kit-label">Evidence you will collect</div><small>What, the method, and when. Two kinds of evidence let you check one against the other.</small>'),
        evidence_box,
        C.field("Ethics", ethics, help="Consent, anonymity, the right to withdraw (BERA, 2018)."),
        C.field("How you will share the findings", sharing),
    ], cls="kit-ep-evidence")
    plan_panel = C.panel("3. Your one-page plan", [todo, downloads, preview], cls="kit-ep-plan")
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=[form_panel, evidence_panel, plan_panel], show=show)
    return {"page": page, "case": case, "title": title, "concern": concern, "question": question, "stance": stance,
            "team": team, "existing": existing, "evidence": rows, "ethics": ethics, "sharing": sharing,
            "todo": todo, "preview": preview, "downloads": downloads, "update": update}
