"""Planning a collaborative enquiry: from a school's concern to a focused question and an evidence plan."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field, fields
from typing import Any

from kit.errors import InputError, unknown_name

__all__ = ["STANCES", "METHODS", "CASES", "Evidence", "EnquiryPlan"]

#: Research stances: whose agenda the enquiry serves and who does the research. Research on, for
#: and with the people studied is Cameron, Frazer, Harvey, Rampton & Richardson's (1992)
#: distinction, used for school research by Ainscow, Booth & Dyson (2006); research by
#: practitioners is practitioner inquiry (Cochran-Smith & Lytle, 2009). Keys are what ``stance=`` accepts.
STANCES: dict[str, str] = {
    "on": "Research on practitioners: researchers study school practices in relation to their own agendas.",
    "for": "Research for practitioners: researchers study questions that practitioners need answered.",
    "with": "Research with practitioners: practitioners and researchers share the agenda and the work.",
    "by": "Research by practitioners: teachers lead the enquiry into their own practice (outside researchers, if any, act as critical friends).",
}

#: Kinds of evidence named in the seed material (statistics, observation, student views, interviews,
#: photography) and other common ones. Other methods are allowed; these get no suggestion.
METHODS: tuple[str, ...] = (
    "school statistics", "observation", "survey", "interview", "focus group", "student voice",
    "photographs", "documents", "pupils' work", "learning walk", "diary",
)

#: Starting concerns from the equity research network's school enquiries (Ainscow, Dyson,
#: Goldrick & West, 2012): the four cases the notebooks and the workshop planner use.
CASES: dict[str, str] = {
    "mobility": "Significant numbers of students change school between Years 7 and 11.",
    "underachievement": "'Middle ability' learners are underachieving, increasingly disaffected, and many drop out post-16.",
    "attendance": "A large number of students choose not to take part in school.",
    "invisibility": "Some students go unnoticed, being neither outstanding nor challenging.",
}

PARTS: dict[str, str] = {
    "concern": "the concern",
    "question": "the enquiry question",
    "stance": "the research stance",
    "team": "who is involved",
    "existing_evidence": "the evidence you already have",
    "evidence_to_collect": "the evidence to collect",
    "ethics": "ethics",
    "sharing": "how findings will be shared",
}
_YES_NO = ("is ", "are ", "does ", "do ", "did ", "can ", "will ", "should ", "has ", "have ")
_ETHICS_WORDS = {
    "consent": ("consent", "permission", "agree"),
    "anonymity": ("anonym", "confidential", "pseudonym", "remov", "not named", "no names", "identif",
                  "replaced by codes", "code names", "codes instead of names"),
    "the right to withdraw": ("withdraw", "opt out", "opt-out", "stop at any time"),
}


def _text(value: Any) -> str:
    """Text of a part; None and ``...`` (an exercise's blank) count as not written."""
    return "" if value is None or value is Ellipsis else str(value).strip()


def _texts(value: Any) -> list[str]:
    """A list of non-blank strings from None, ``...``, one string, or a list of strings."""
    if value is None or value is Ellipsis:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return [_text(v) for v in value if _text(v)]


@dataclass
class Evidence:
    """One piece of evidence to collect: what, by which method, and when."""

    what: str = ""
    method: str = ""
    timing: str = ""
    who: str = ""

    @classmethod
    def coerce(cls, item: Any) -> Evidence:
        """An :class:`Evidence` from a dict, a tuple ``(what, method, timing[, who])`` or an Evidence."""
        if isinstance(item, Evidence):
            return item
        if isinstance(item, dict):
            known = {f.name for f in fields(cls)}
            aliases = {"when": "timing", "how": "method", "time": "timing", "description": "what", "by": "who"}
            clean = {}
            for key, value in item.items():
                key = aliases.get(str(key).lower(), str(key).lower())
                if key not in known:
                    raise unknown_name("part of an evidence item", key, sorted(known))
                clean[key] = _text(value)
            return cls(**clean)
        if isinstance(item, (tuple, list)) and 1 <= len(item) <= 4:
            return cls(*[_text(v) for v in item])
        if isinstance(item, str):
            return cls(what=item.strip())
        if item is Ellipsis:
            return cls()
        raise InputError(
            f"An evidence item should be a dict such as {{'what': 'pupil interviews', 'method': 'interview', "
            f"'timing': 'spring term'}}, not {item!r:.60}."
        )


@dataclass
class EnquiryPlan:
    """A plan for a collaborative enquiry that checks itself and prints as a one-page plan.

    Fill in the parts, ask :meth:`problems` what is missing (every missing part is named, in plain
    words), then :meth:`to_markdown` or :meth:`to_html` for the one-page plan. The parts follow
    the National College's "defining a focus for an enquiry" tool (Hadfield & Jopling): the
    concern, a focused question, what we already know, who is involved, what evidence we will
    collect (method and timing), ethics, and how the findings will be shared.

    Parameters
    ----------
    title : str
        A short name for the enquiry.
    concern : str
        The problem as the school first sees it (e.g. one of :data:`CASES`).
    question : str
        The focused enquiry question.
    stance : str
        'on', 'for', 'with' or 'by' (practitioners): see :data:`STANCES`.
    team : list of str
        Who is involved (people or roles).
    existing_evidence : list of str
        What the school already knows or holds.
    evidence_to_collect : list
        :class:`Evidence` items, or dicts with 'what', 'method' and 'timing' (and optional 'who').
    ethics : str or list of str
        How consent, anonymity and the right to withdraw are handled.
    sharing : str or list of str
        How, and with whom, the findings will be shared.

    References
    ----------
    Ainscow, M., Booth, T., & Dyson, A. (2006). *Improving Schools, Developing Inclusion*. Routledge.
    Ainscow, M., Dyson, A., Goldrick, S., & West, M. (2012). *Developing Equitable Education
    Systems*. Routledge.
    British Educational Research Association (2018). *Ethical Guidelines for Educational Research*
    (4th ed.). BERA.

    Examples
    --------
    >>> plan = EnquiryPlan(title="Joining mid-year", question="How do pupils who join mid-year experience their first term?")
    >>> for problem in plan.problems()[:2]:
    ...     print(problem)
    The research stance is missing: say whose enquiry this is with stance='on', 'for', 'with' or 'by' (practitioners).
    Who is involved is missing: list the people or roles in the enquiry team, e.g. team=['Head of Year 8', 'two form tutors'].
    >>> plan.missing_parts()
    ['stance', 'team', 'existing_evidence', 'evidence_to_collect', 'ethics', 'sharing']
    """

    title: str = ""
    concern: str = ""
    question: str = ""
    stance: str = ""
    team: list[str] = field(default_factory=list)
    existing_evidence: list[str] = field(default_factory=list)
    evidence_to_collect: list[Any] = field(default_factory=list)
    ethics: Any = ""
    sharing: Any = ""

    # ---- building -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict) -> EnquiryPlan:
        """A plan from a dict (e.g. a workshop form or JSON); an unknown key names the valid ones.

        >>> EnquiryPlan.from_dict({"question": "Why?", "stance": "with"}).stance
        'with'
        """
        if not isinstance(data, dict):
            raise InputError(f"EnquiryPlan.from_dict needs a dict of the plan's parts, not {type(data).__name__}.")
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise unknown_name("part of an enquiry plan", key, known)
        return cls(**{k: v for k, v in data.items()})

    def to_dict(self) -> dict:
        """The plan as plain data (lists, dicts, text) for saving as JSON."""
        return {
            "title": _text(self.title),
            "concern": _text(self.concern),
            "question": _text(self.question),
            "stance": _text(self.stance),
            "team": _texts(self.team),
            "existing_evidence": _texts(self.existing_evidence),
            "evidence_to_collect": [vars(e).copy() for e in self.evidence()],
            "ethics": _texts(self.ethics),
            "sharing": _texts(self.sharing),
        }

    def copy(self) -> EnquiryPlan:
        """An independent copy of the plan (change the copy, the original stays as it was)."""
        import copy

        return copy.deepcopy(self)

    def add_evidence(self, what: str, method: str = "", timing: str = "", who: str = "") -> EnquiryPlan:
        """Add one piece of evidence to collect; returns the plan so calls can be chained."""
        self.evidence_to_collect = list(self.evidence_to_collect) + [Evidence(what, method, timing, who)]
        return self

    def evidence(self) -> list[Evidence]:
        """The evidence to collect as tidy :class:`Evidence` copies (dicts and tuples converted, text stripped)."""
        items = self.evidence_to_collect
        if items is Ellipsis:
            return []
        if isinstance(items, (dict, str, Evidence)):
            items = [items]
        out = []
        for item in items or []:
            item = Evidence.coerce(item)
            out.append(Evidence(*(_text(getattr(item, f.name)) for f in fields(Evidence))))
        return out

    def stance_key(self) -> str:
        """'on', 'for', 'with' or 'by' from what was written ('research with practitioners' -> 'with'); '' if none."""
        words = re.findall(r"[a-z]+", _text(self.stance).lower())
        found = [w for w in words if w in STANCES]
        return found[0] if len(found) == 1 else ""

    # ---- checking -------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Every missing or unusable part of the plan, one plain sentence each (empty when complete)."""
        return [message for _, message in self._problems()]

    def missing_parts(self) -> list[str]:
        """The names of the parts with a problem, in plan order (for a form to highlight)."""
        found = {part for part, _ in self._problems()}
        return [part for part in PARTS if part in found]

    def _problems(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        question = _text(self.question)
        if not question:
            out.append(("question",
                "The enquiry question is missing: write one focused question, e.g. question='How do pupils "
                "who join mid-year experience their first term?'."
            ))
        elif len(question.split()) < 4:
            out.append(("question",
                f"The enquiry question ({question!r}) is too short to guide an enquiry: say who, what and "
                "where, e.g. 'How do Year 8 pupils who join mid-year experience their first term?'."
            ))
        stance = _text(self.stance)
        if not stance:
            out.append(("stance", "The research stance is missing: say whose enquiry this is with stance='on', 'for', 'with' or 'by' (practitioners)."))
        elif not self.stance_key():
            close = difflib.get_close_matches(stance.lower(), list(STANCES), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            out.append(("stance", f"The research stance {stance!r} is not one of 'on', 'for', 'with' or 'by' (practitioners): choose one.{hint}"))
        if not _texts(self.team):
            out.append(("team", "Who is involved is missing: list the people or roles in the enquiry team, e.g. team=['Head of Year 8', 'two form tutors']."))
        if not _texts(self.existing_evidence):
            out.append(("existing_evidence",
                "The evidence you already have is missing: list what the school already knows, e.g. "
                "existing_evidence=['attendance records 2022-24', 'exit questionnaires']."
            ))
        try:
            items = self.evidence()
        except InputError as err:
            out.append(("evidence_to_collect", f"The evidence to collect could not be read: {err}"))
            items = None
        if items is not None and not items:
            out.append(("evidence_to_collect",
                "The evidence to collect is missing: add at least one item with what, method and timing, e.g. "
                "plan.add_evidence('pupils\u2019 views of joining', method='interview', timing='spring term')."
            ))
        for i, item in enumerate(items or [], start=1):
            label = f"Evidence item {i}" + (f" ({item.what!r})" if item.what else "")
            missing = [part for part in ("what", "method", "timing") if not _text(getattr(item, part))]
            if missing:
                named = {"what": "what it is", "method": "the method", "timing": "the timing (when)"}
                out.append(("evidence_to_collect", f"{label} is missing {' and '.join(named[m] for m in missing)}: every item needs what, method and timing."))
        if not _texts(self.ethics):
            out.append(("ethics",
                "Ethics is missing: say how you will get consent, keep people anonymous and let them withdraw "
                "(BERA, 2018), e.g. ethics='Parents and pupils give informed consent; names are removed'."
            ))
        if not _texts(self.sharing):
            out.append(("sharing",
                "How findings will be shared is missing: say with whom and how, e.g. sharing='a report at the "
                "whole-staff meeting in July and a network meeting with our partner schools'."
            ))
        return out

    def is_complete(self) -> bool:
        """True when :meth:`problems` finds nothing missing."""
        return not self.problems()

    def validate(self) -> EnquiryPlan:
        """Return the plan if complete; otherwise raise :class:`~kit.errors.InputError` naming every problem."""
        problems = self.problems()
        if problems:
            listed = "\n".join(f"- {p}" for p in problems)
            raise InputError(f"This enquiry plan is not complete yet ({len(problems)} thing(s) to fix):\n{listed}")
        return self

    def suggestions(self) -> list[str]:
        """Advice on a plan that may be complete but could be stronger (never blocks anything)."""
        out = []
        question = _text(self.question)
        if question and not question.endswith("?"):
            out.append("Write the enquiry question as a question, ending with a question mark.")
        if question.lower().startswith(_YES_NO):
            out.append(
                "Your question can be answered yes or no; open questions (how, what, why, which) usually "
                "teach a team more, e.g. 'How...' rather than 'Does...'."
            )
        if len(question.split()) > 35:
            out.append("Your question is long: a focused question fits on one line. Could it be two enquiries?")
        try:
            items = self.evidence()
        except InputError:
            items = []
        methods = {_text(e.method).lower() for e in items if _text(e.method)}
        if len(methods) == 1:
            out.append(
                "All the evidence comes from one method: a second kind (e.g. observation beside interviews) "
                "lets you check one source against another (triangulation)."
            )
        voices = ("student", "pupil", "young people", "children", "learner")
        if items and not any(v in (e.what + " " + e.method + " " + e.who).lower() for e in items for v in voices):
            out.append("No evidence comes from the pupils themselves: consider student voice (interviews, surveys, photographs).")
        ethics = " ".join(_texts(self.ethics)).lower()
        if ethics:
            absent = [name for name, words in _ETHICS_WORDS.items() if not any(w in ethics for w in words)]
            if absent:
                out.append(f"The ethics section does not mention {', '.join(absent)} (BERA, 2018).")
        if self.stance_key() in ("with", "by") and len(_texts(self.team)) < 2:
            out.append("A collaborative enquiry usually involves more than one person: who else is on the team?")
        return out

    # ---- rendering ------------------------------------------------------------------------
    def _sections(self) -> list[tuple[str, list[str]]]:
        stance = self.stance_key()
        stance_text = f"{STANCES[stance]}" if stance else _text(self.stance)
        return [
            ("The concern", _texts(self.concern)),
            ("Our enquiry question", _texts(self.question)),
            ("Research stance", _texts(stance_text)),
            ("Who is involved", _texts(self.team)),
            ("What we already know", _texts(self.existing_evidence)),
            ("Ethics", _texts(self.ethics)),
            ("How we will share the findings", _texts(self.sharing)),
        ]

    def _evidence_rows(self) -> list[Evidence]:
        try:
            return self.evidence()
        except InputError:
            return []

    def to_markdown(self) -> str:
        """The one-page plan as Markdown (missing parts show as '(not yet written)').

        >>> plan = EnquiryPlan(title="Attendance", question="Why do Year 9 pupils miss Mondays?")
        >>> print(plan.to_markdown().splitlines()[0])
        # Enquiry plan: Attendance
        """
        title = _text(self.title) or "Enquiry plan"
        lines = [f"# Enquiry plan: {_md(title)}" if _text(self.title) else "# Enquiry plan", ""]
        sections = self._sections()
        for heading, items in sections[:5]:
            lines += _md_section(heading, items)
        lines += ["## Evidence we will collect", ""]
        rows = self._evidence_rows()
        if rows:
            lines += ["| What | Method | When | Who |", "|---|---|---|---|"]
            lines += [f"| {_md(e.what)} | {_md(e.method)} | {_md(e.timing)} | {_md(e.who)} |" for e in rows]
        else:
            lines.append("*(not yet written)*")
        lines.append("")
        for heading, items in sections[5:]:
            lines += _md_section(heading, items)
        problems = self.problems()
        if problems:
            lines += ["## Still to do", ""] + [f"- {_md(p)}" for p in problems] + [""]
        return "\n".join(lines).rstrip() + "\n"

    def to_html(self, *, full_page: bool = False) -> str:
        """The one-page plan as HTML; every piece of user text is escaped (safe to display).

        ``full_page=True`` gives a whole document (with a print-friendly style) to download.

        >>> plan = EnquiryPlan(title="<script>alert(1)</script>")
        >>> "<script>" in plan.to_html()
        False
        """
        esc = html.escape
        title = _text(self.title)
        parts = ['<section class="kit-enquiry-plan">', f"<h1>{'Enquiry plan: ' + esc(title) if title else 'Enquiry plan'}</h1>"]
        sections = self._sections()

        def add(heading: str, items: list[str]) -> None:
            parts.append(f"<h2>{esc(heading)}</h2>")
            if not items:
                parts.append('<p class="missing"><em>(not yet written)</em></p>')
            elif len(items) == 1:
                parts.append(f"<p>{esc(items[0])}</p>")
            else:
                parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")

        for heading, items in sections[:5]:
            add(heading, items)
        parts.append("<h2>Evidence we will collect</h2>")
        rows = self._evidence_rows()
        if rows:
            parts.append("<table><thead><tr><th>What</th><th>Method</th><th>When</th><th>Who</th></tr></thead><tbody>")
            parts += [
                f"<tr><td>{esc(e.what)}</td><td>{esc(e.method)}</td><td>{esc(e.timing)}</td><td>{esc(e.who)}</td></tr>"
                for e in rows
            ]
            parts.append("</tbody></table>")
        else:
            parts.append('<p class="missing"><em>(not yet written)</em></p>')
        for heading, items in sections[5:]:
            add(heading, items)
        problems = self.problems()
        if problems:
            parts.append("<h2>Still to do</h2><ul>" + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul>")
        parts.append("</section>")
        body = "\n".join(parts)
        if not full_page:
            return body
        return (
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(title) or 'Enquiry plan'}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n"
        )

    def _repr_markdown_(self) -> str:  # shows the plan in a notebook
        return self.to_markdown()


_PAGE_STYLE = (
    "body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.4;color:#222}"
    "h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em;text-align:left}"
    ".missing{color:#a33}@media print{body{margin:0}}"
)


def _md(text: str) -> str:
    """Markdown-safe text: table pipes and leading markers escaped, lines joined."""
    text = " ".join(str(text).split())
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_section(heading: str, items: list[str]) -> list[str]:
    lines = [f"## {heading}", ""]
    if not items:
        lines.append("*(not yet written)*")
    elif len(items) == 1:
        lines.append(_md(items[0]))
    else:
        lines += [f"- {_md(i)}" for i in items]
    return lines + [""]
