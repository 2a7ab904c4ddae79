"""Per-student HTML feedback: their executed notebook with each question's result and hints.

Safety: everything a student controls is shown as escaped text. Markdown cells the student
wrote or changed are shown as plain text (not rendered), outputs keep only plain text and
checked PNG/JPEG images (no HTML, JavaScript or SVG), and the page loads nothing from the web.
Hidden tests are never described: a failed one is reported as "a further check did not pass".

>>> "&lt;script&gt;" in _escape("<script>")
True
"""

from __future__ import annotations

import copy
import html
import re
import threading

__all__ = ["clean_for_feedback", "render", "summary_lines"]

_B64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
_local = threading.local()

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#111}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:.5rem;border-radius:4px;font-size:.9rem}
.kit-summary,.kit-result{border:2px solid #0072B2;border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:#eef6fb}
.kit-result.kit-full{border-color:#009E73;background:#eefaf5}.kit-result.kit-part{border-color:#E69F00;background:#fdf6e8}
.kit-result.kit-none{border-color:#D55E00;background:#fdf0ea}
.kit-student-text{white-space:pre-wrap;border-left:4px solid #999;padding-left:.75rem;margin:.5rem 0}
.input_prompt,.prompt{display:none}.cell{margin:.5rem 0}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem}img{max-width:100%}
"""


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _escape(text) -> str:
    return html.escape(str(text), quote=True)


def clean_for_feedback(nb):
    """A copy of an executed notebook without capture cells and with only safe outputs."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.metadata.get("kit_capture"):
            continue
        cell.metadata = {}
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                kind = out.get("output_type")
                if kind in ("stream", "error"):
                    outputs.append(out)
                elif kind in ("execute_result", "display_data"):
                    data = {k: v for k, v in out.get("data", {}).items() if k in _SAFE_MIME
                            and isinstance(v, str) and (k == "text/plain" or _B64.match(v))}
                    if data:
                        out["data"] = data
                        out["metadata"] = {}
                        outputs.append(out)
            cell.outputs = outputs
        cells.append(cell)
    nb.cells = cells
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return nb


def _raw(markup: str):
    import nbformat

    return nbformat.v4.new_raw_cell(markup, metadata={"raw_mimetype": "text/html"})


def _fmt(x) -> str:
    return "–" if x is None else f"{x:g}"


def summary_lines(result: dict, spec: dict, marks: dict | None = None) -> list[tuple[str, str]]:
    """(question, one-line result) for each question, as shown at the top of the feedback."""
    marks = marks or {}
    lines = []
    for q in spec["questions"]:
        name = q["name"]
        if q["written"]:
            mark = marks.get(name, {}).get("marks")
            text = f"{_fmt(mark)} of {q['points']:g} (written; marked by your tutor)" if mark is not None \
                else f"not marked yet, out of {q['points']:g} (written; your tutor marks it)"
        else:
            text = f"{_fmt(result['scores'].get(name))} of {q['points']:g}"
        lines.append((name, text))
    return lines


def _question_box(q: dict, result: dict, marks: dict) -> str:
    name = q["name"]
    if q["written"]:
        mark = marks.get(name, {})
        body = "<p>Written answer, marked by your tutor against the rubric.</p>"
        if mark.get("marks") is not None:
            body = f"<p>Marks: <b>{_fmt(mark['marks'])} of {q['points']:g}</b>.</p>"
            if mark.get("comment"):
                body += f"<p>Comment: {_escape(mark['comment'])}</p>"
        css = "kit-result" if mark.get("marks") is None else (
            "kit-result kit-full" if mark["marks"] >= q["points"] else "kit-result kit-part" if mark["marks"] > 0
            else "kit-result kit-none")
        return f'<div class="{css}"><b>Question {_escape(name)}</b>{body}</div>'
    score = result["scores"].get(name)
    tests = result["tests"].get(name, [])
    items = []
    visible_no = 0
    for t in tests:
        if t["hidden"]:
            label = "Further check"
        else:
            visible_no += 1
            label = f"Check {visible_no}"
        pts = f"{t['earned']:g}/{t['points']:g}" if t["points"] else "a hint, no points"
        if t["passed"]:
            items.append(f"<li>✔ {label} ({pts}) passes.</li>")
        else:
            items.append(f"<li>✘ {label} ({pts}): {_escape(t['message'])}</li>")
    if score is None:
        css = "kit-result kit-none"
    else:
        css = "kit-result kit-full" if score >= q["points"] else "kit-result kit-part" if score > 0 else "kit-result kit-none"
    return (f'<div class="{css}"><b>Question {_escape(name)}: {_fmt(score)} of {q["points"]:g} points</b>'
            f'<ul>{"".join(items)}</ul></div>')


def _exporter():
    """nbconvert's HTML exporter (basic template), without its bleach and BeautifulSoup passes.

    Those passes clean HTML a notebook may carry; here no HTML from the student reaches the
    template (see :func:`clean_for_feedback` and :func:`render`), and skipping them makes a page
    about three times faster, which matters when hundreds are written during grading.
    """
    if not hasattr(_local, "exporter"):
        from nbconvert import HTMLExporter
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML

        class _Exporter(HTMLExporter):
            def from_notebook_node(self, nb, resources=None, **kw):
                self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self))
                self.register_filter("clean_html", lambda text: text)
                return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        _local.exporter = _Exporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    return _local.exporter


def render(result: dict, spec: dict, marks: dict | None = None) -> str:
    """The feedback page (a complete HTML document) for one gradebook result."""
    import nbformat

    from kit.notebooks.run import locate_questions

    marks = marks or {}
    total = result.get("total")
    head = (f"<h1>Feedback: {_escape(spec['assignment'])}</h1>"
            f"<p>Student: <b>{_escape(result['student_id'])}</b> {_escape(result.get('student_name') or '')}"
            f" · file {_escape(result['name'])}</p>")
    rows = "".join(f"<tr><td>{_escape(n)}</td><td>{_escape(t)}</td></tr>" for n, t in summary_lines(result, spec, marks))
    status = (f"<p>Status: <b>{_escape(result['status'])}</b>. {_escape(result.get('reason') or '')}</p>"
              if result["status"] != "graded" or result.get("reason") else "")
    summary = (f'<div class="kit-summary">{head}{status}<table><tr><th>Question</th><th>Result</th></tr>{rows}'
               f"<tr><td><b>Total</b></td><td><b>{_fmt(total)} of {spec['max_points']:g}</b></td></tr></table></div>")
    if not result.get("executed"):
        body = "<p>Your notebook could not be run, so there is nothing more to show.</p>"
    else:
        nb = nbformat.reads(result["executed"], as_version=4)
        for cell in nb.cells:  # a notebook saved on Windows: its markdown is still the exercise's
            cell.source = _lines(cell.source)
        where = locate_questions(nb)
        trusted = {_lines(src) for kind, src in spec["exercise_cells"] if kind == "markdown"}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "raw" or (cell.cell_type == "markdown" and cell.source not in trusted):
                nb.cells[i] = _raw(f'<div class="kit-student-text">{_escape(cell.source)}</div>')
        by_name = {q["name"]: q for q in spec["questions"]}
        for name, (start, end) in sorted(where.items(), key=lambda kv: -kv[1][1]):
            if name in by_name:
                nb.cells.insert(end + 1, _raw(_question_box(by_name[name], result, marks)))
        body, _ = _exporter().from_notebook_node(nb)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feedback "
            f"{_escape(result['student_id'])}</title><style>{_CSS}</style></head><body>{summary}{body}</body></html>\n")
