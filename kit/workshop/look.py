"""One look for every workshop app: the stylesheet, title, task sheet, labelled fields, buttons, panels, status line.

Big text (19 px, 17 px on phones), labels above their controls and the kit's colour-blind-safe
palette, so a page reads the same on the projector and on a phone.

>>> header("Network mapper", "Who works with whom?").value
'<h1>Network mapper</h1><p>Who works with whom?</p>'
>>> status = Status()
>>> status.error("Not <saved>")
>>> status.kind, status.widget.value
('error', '<div class="kit-status kit-status-error" role="status" dir="auto">Not &lt;saved&gt;</div>')
"""

from __future__ import annotations

import ipywidgets as widgets

from kit.plotting import PALETTE
from kit.workshop.safe import esc

__all__ = ["CSS", "style", "header", "task_sheet", "field", "button", "panel", "Status", "png_bytes"]

BLUE, ORANGE, GREEN, PINK, SKY, VERMILION = PALETTE[:6]

CSS = f"""
<style>
.kit-app {{ font-size: 19px; line-height: 1.45; max-width: 1100px; margin: 0 auto; color: #111; }}
.kit-app, .kit-app .widget-label, .kit-app .widget-html-content, .kit-app input, .kit-app textarea,
.kit-app select, .kit-app button, .kit-app .widget-toggle-buttons .widget-toggle-button {{ font-size: 19px !important; }}
.kit-app .widget-html-content {{ line-height: 1.45; }}
.kit-app input, .kit-app textarea, .kit-app select {{ min-height: 2.2em; }}
.kit-app .jupyter-button {{ height: auto; min-height: 2.4em; padding: 0.3em 1em; border-radius: 6px; }}
.kit-app .jupyter-button.mod-primary {{ background: {BLUE}; color: #fff; }}
.kit-app .jupyter-button.mod-danger {{ background: {VERMILION}; color: #fff; }}
.kit-title h1 {{ color: {BLUE}; font-size: 2em; margin: 0.2em 0; line-height: 1.2; }}
.kit-title p {{ font-size: 1.15em; margin: 0.2em 0 0.6em; }}
.kit-panel {{ border: 2px solid #c8c8c8; border-radius: 10px; padding: 0.6em 1em; margin: 0.5em 0; background: #fff; }}
.kit-panel h2 {{ font-size: 1.3em; margin: 0.1em 0 0.4em; color: #222; }}
.kit-tasks ol {{ margin: 0.2em 0; padding-left: 1.4em; }} .kit-tasks li {{ margin: 0.3em 0; }}
.kit-label {{ font-weight: 600; margin-top: 0.4em; }}
.kit-status {{ padding: 0.3em 0.8em; border-radius: 6px; margin: 0.3em 0; }}
.kit-status-ok {{ border-left: 8px solid {GREEN}; background: #eaf6f1; }}
.kit-status-error {{ border-left: 8px solid {VERMILION}; background: #fcefe6; }}
.kit-status-info {{ border-left: 8px solid {SKY}; background: #eef7fc; }}
.kit-code {{ font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 2.6em; font-weight: 700;
             letter-spacing: 0.15em; color: {BLUE}; }}
.kit-table {{ border-collapse: collapse; margin: 0.4em 0; max-width: 100%; }}
.kit-table th, .kit-table td {{ border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
             vertical-align: top; overflow-wrap: anywhere; white-space: pre-wrap; }}
.kit-table th {{ background: #f2f2f2; }}
.kit-text {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
.kit-who {{ overflow-wrap: anywhere; }}
.kit-cards a {{ display: block; padding: 0.7em 0.9em; margin: 0.5em 0; border: 2px solid #c8c8c8; border-radius: 10px;
               text-decoration: none; color: #111; }}
.kit-cards a:hover, .kit-cards a:focus {{ border-color: {BLUE}; background: #eef6fb; }}
.kit-cards b {{ color: {BLUE}; font-size: 1.2em; }}
.kit-live {{ display: inline-block; background: {ORANGE}; color: #111; border-radius: 4px; padding: 0 0.4em; font-size: 0.8em; margin-left: 0.5em; }}
@media (max-width: 640px) {{
  .kit-app, .kit-app .widget-label, .kit-app input, .kit-app textarea, .kit-app select, .kit-app button {{ font-size: 17px !important; }}
  .kit-title h1 {{ font-size: 1.5em; }}
  .kit-code {{ font-size: 2em; }}
  .kit-app .widget-hbox {{ flex-wrap: wrap; }}
}}
</style>
"""

def style() -> widgets.HTML:
    """The kit's stylesheet as a widget (put it first on the page; :func:`kit.workshop.pages.app_page` does).

    >>> style().value.lstrip().startswith("<style>")
    True
    """
    return widgets.HTML(CSS, layout=widgets.Layout(height="0px", margin="0"))


def header(title: str, purpose: str = "", live: bool = False) -> widgets.HTML:
    """Big title and a one-line purpose (the app author's text; still escaped)."""
    badge = '<span class="kit-live">LIVE</span>' if live else ""
    out = widgets.HTML(f"<h1>{esc(title)}{badge}</h1>" + (f"<p>{esc(purpose)}</p>" if purpose else ""))
    out.add_class("kit-title")
    return out


def task_sheet(questions: list[str], title: str = "Questions for the room", intro: str = "") -> widgets.Accordion:
    """The 3-5 questions the facilitator poses, in a panel a phone can fold away.

    >>> sheet = task_sheet(["Who works with whom?", "Who is left out?"])
    >>> sheet.children[0].value
    '<ol><li>Who works with whom?</li><li>Who is left out?</li></ol>'
    """
    if not 1 <= len(questions) <= 8:
        raise ValueError("A task sheet holds 3-5 questions (at most 8).")
    items = "".join(f"<li>{esc(q)}</li>" for q in questions)
    body = widgets.HTML((f"<p>{esc(intro)}</p>" if intro else "") + f"<ol>{items}</ol>")
    body.add_class("kit-tasks")
    acc = widgets.Accordion(children=[body], titles=(title,), selected_index=0)
    acc.add_class("kit-task-sheet")
    return acc


def field(label: str, control: widgets.Widget, help: str = "") -> widgets.VBox:
    """A control with its label ABOVE it (labels beside inputs get cut off on phones).

    >>> box = field("Your school", widgets.Text(), help="e.g. NLC07")
    >>> box.children[0].value
    '<div class="kit-label">Your school</div><small>e.g. NLC07</small>'
    """
    parts = [widgets.HTML(f'<div class="kit-label">{esc(label)}</div>' + (f"<small>{esc(help)}</small>" if help else ""))]
    control.layout.width = control.layout.width or "100%"
    control.layout.max_width = control.layout.max_width or "36em"
    return widgets.VBox(parts + [control], layout=widgets.Layout(width="100%"))


def button(description: str, kind: str = "primary", cls: str = "", **kwargs) -> widgets.Button:
    """A large button; ``kind`` is 'primary', 'danger', 'success', 'warning' or ''.

    >>> b = button("Send", cls="kit-send")
    >>> b.description, b.button_style, "kit-send" in b._dom_classes
    ('Send', 'primary', True)
    """
    b = widgets.Button(description=description, button_style=kind, layout=widgets.Layout(width="auto"), **kwargs)
    if cls:
        b.add_class(cls)
    return b


def panel(title: str, children: list, cls: str = "") -> widgets.VBox:
    """A bordered box with a heading.

    >>> panel("Join the session", [widgets.Text()]).children[0].value
    '<h2>Join the session</h2>'
    """
    box = widgets.VBox([widgets.HTML(f"<h2>{esc(title)}</h2>"), *children])
    box.add_class("kit-panel")
    if cls:
        box.add_class(cls)
    return box


class Status:
    """A one-line message area: ``ok``, ``error`` or ``info`` (text always escaped)."""

    def __init__(self, cls: str = "kit-status-line"):
        self.widget = widgets.HTML("")
        self.widget.add_class(cls)
        self.kind, self.message = "", ""

    def show(self, kind: str, message: str) -> None:
        self.kind, self.message = kind, message
        self.widget.value = f'<div class="kit-status kit-status-{esc(kind)}" role="status" dir="auto">{esc(message)}</div>'

    def ok(self, message: str) -> None:
        self.show("ok", message)

    def error(self, message: str) -> None:
        self.show("error", message)

    def info(self, message: str) -> None:
        self.show("info", message)

    def clear(self) -> None:
        self.kind, self.message, self.widget.value = "", "", ""


def png_bytes(fig, dpi: int = 80) -> bytes:
    """A matplotlib figure as PNG bytes for a ``widgets.Image``, at the projector's size; the figure is closed.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> png_bytes(plt.figure(figsize=(2, 1)))[:4]
    b'\x89PNG'
    """
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
