"""Each live app's participant form, declared once: the light page and the Voila app both follow it.

A :class:`Form` lists its :class:`Field` s; :meth:`Form.to_json` is what the light page draws
(``kit/workshop/templates/light/``), :meth:`Form.check` turns what a participant sent into the
answer stored, or says in plain words what to fix. No pandas, no widgets: it loads in a blink.

>>> from kit.workshop.forms import FORMS
>>> FORMS["network-mapper"].check({"school": " nlc 7 ", "partners": "NLC08, Hill Primary"})
{'school': 'NLC07', 'partners': ['NLC08', 'Hill Primary']}
>>> FORMS["network-mapper"].check({"school": "", "partners": "NLC08"})
Traceback (most recent call last):
    ...
kit.errors.InputError: Type or choose your school first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from kit.errors import InputError

__all__ = ["Field", "Form", "FORMS", "form_for"]


@dataclass(frozen=True)
class Field:
    """One question: ``kind`` is 'text', 'list' (names separated by commas), 'choice', 'scale' or 'ballot'.

    ``options`` are ``(label, value)`` pairs for 'choice' and 'scale'; a 'ballot' votes include or
    exclude on each title the facilitator published under ``source`` (session state).
    """

    name: str
    label: str
    kind: str = "text"
    help: str = ""
    placeholder: str = ""
    options: tuple = ()
    required: bool = True
    missing: str = ""  # the message when a required field is empty
    suggestions: tuple = ()  # for 'text': a list to choose from (phones show it as suggestions)
    source: str = ""  # for 'ballot': the session-state key holding the titles

    def to_json(self) -> dict:
        return {"name": self.name, "label": self.label, "kind": self.kind, "help": self.help,
                "placeholder": self.placeholder, "options": [list(o) for o in self.options],
                "required": self.required, "suggestions": list(self.suggestions), "source": self.source}


@dataclass(frozen=True)
class Form:
    """A live app's participant form; ``clean(values) -> answer`` holds the app's own tidying and rules."""

    app: str
    title: str
    intro: str
    fields: tuple
    send_label: str = "Send"
    clean: Callable[[dict], dict] | None = None
    saved: str = "Saved at {time}. You can change your answer and send again."
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """What the light page needs to draw the form."""
        return {"app": self.app, "title": self.title, "intro": self.intro, "send_label": self.send_label,
                "fields": [f.to_json() for f in self.fields], "saved": self.saved}

    def check(self, values: dict) -> dict:
        """The answer to store from what was sent, or an :class:`kit.errors.InputError` saying what to fix."""
        if not isinstance(values, dict):
            raise InputError("The answer did not arrive in one piece; press Send again.")
        empty = []
        answer = {}
        for f in self.fields:
            value = values.get(f.name)
            if f.kind in ("choice", "scale"):
                allowed = {str(v): v for _, v in f.options}
                value = allowed.get(str(value)) if value not in (None, "") else None
            elif f.kind == "ballot":
                value = [str(v) for v in value] if isinstance(value, list) else []
            else:
                value = str(value if value is not None else "")
            if value in (None, "", []):
                if f.required:
                    empty.append(f)
                continue
            answer[f.name] = value
        scale_empty = [f for f in empty if f.kind == "scale"]
        if scale_empty:
            numbers = [str(self.fields.index(f) - _first_scale(self) + 1) for f in scale_empty]
            raise InputError(f"Please answer every statement (still empty: {', '.join(numbers)}).")
        if empty:
            raise InputError(empty[0].missing or f"Please fill in: {empty[0].label}.")
        return self.clean(answer) if self.clean else answer


def _first_scale(form: Form) -> int:
    return next(i for i, f in enumerate(form.fields) if f.kind == "scale")


def _mapper_form() -> Form:
    from kit.workshop import network_mapper as nm

    def clean(answer):
        mine = nm.normalise_school(answer.get("school", ""))
        named = nm.parse_partners(answer.get("partners", ""))
        if not mine:
            raise InputError("Type or choose your school first.")
        if not named:
            raise InputError("Name at least one school you work with (separate names with commas).")
        if len(named) > nm.MAX_PARTNERS:
            raise InputError(f"Please name at most {nm.MAX_PARTNERS} schools: the ones you work with most.")
        return {"school": mine, "partners": named}

    return Form(nm.APP, nm.TITLE, "Name your school and the schools it works with.", (
        Field("school", "Your school", help="Choose from the list (NLC01-NLC60) or type its name.",
              placeholder="e.g. NLC07 or your school's name", suggestions=tuple(nm.SCHOOLS),
              missing="Type or choose your school first."),
        Field("partners", "Schools you work with", kind="list", help="Separate the names with commas.",
              placeholder="e.g. NLC08, NLC09, Hill Primary",
              missing="Name at least one school you work with (separate names with commas)."),
    ), send_label="Send my school's ties", clean=clean)


def _health_form() -> Form:
    from kit.workshop import health_check as hc

    def clean(answer):
        answer = dict(answer)
        answer["role"] = answer.get("role") or "not given"
        return {"role": answer.pop("role"), **{k: int(v) for k, v in answer.items()}}

    scale = tuple((str(v), v) for _, v in hc.AGREE)
    items = tuple(Field(name, f"{i}. {text}", kind="scale", options=scale)
                  for i, (name, text) in enumerate(hc.ITEMS.items(), start=1))
    roles = (("Leader", "leader"), ("Teacher", "teacher"), ("Other", "other"))
    return Form(hc.APP, hc.TITLE, "1 = strongly disagree ... 5 = strongly agree.",
                (Field("role", "Your role", kind="choice", options=roles, required=False), *items),
                send_label="Send my answers", clean=clean)


def _screener_form() -> Form:
    from kit.workshop import evidence_screener as es

    def clean(answer):
        votes = [v for v in answer.get("votes", []) if v.partition("=")[2] in ("include", "exclude")]
        if not votes:
            raise InputError("Vote on at least one title (Include or Exclude) before sending.")
        return {"kind": "votes", "votes": votes}

    return Form(es.APP, es.TITLE, "Would each title belong in a review of school-to-school collaboration?", (
        Field("votes", "The room's titles", kind="ballot", source=es.TITLES_KEY,
              missing="Vote on at least one title (Include or Exclude) before sending."),
    ), send_label="Send my votes", clean=clean, saved="Saved at {time}. You can change a vote and send again.")


_BUILDERS = {"network-mapper": _mapper_form, "health-check": _health_form, "evidence-screener": _screener_form}
_MADE: dict[str, Form] = {}


def form_for(app: str) -> Form | None:
    """The declared form of a live app (``None`` for an app without a light page)."""
    if app not in _MADE and app in _BUILDERS:
        _MADE[app] = _BUILDERS[app]()
    return _MADE.get(app)


class _Forms(dict):
    def __missing__(self, app):
        found = form_for(app)
        if found is None:
            raise KeyError(app)
        return found


FORMS = _Forms()
