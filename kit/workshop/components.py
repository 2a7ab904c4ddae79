"""Building blocks of every workshop app: one look, task sheet, join and facilitator panels, safe text.

An app is a notebook whose only code is a call into a module that assembles these parts::

    from kit.workshop.components import app_page, JoinPanel, FacilitatorPanel
    join = JoinPanel("my-app")
    fac = FacilitatorPanel("my-app", title="My app", on_answers=draw)   # draw(frame) updates the room view
    app_page("My app", "One-line purpose.", ["Question 1?", "Question 2?", "Question 3?"],
             body=[...participant controls...], join=join, facilitator=fac)

Rules the parts keep, so apps get them for free:

* Anything a person typed is shown through :func:`esc` / :func:`safe_text` / :func:`table_html`:
  as text, never as HTML (``dir="auto"`` so right-to-left text reads correctly).
* Facilitator actions (open, close, export, clear, who answered, the room view) appear only after
  the facilitator's key has been checked in the kernel; a participant's page never receives them.
* Nothing is imported or started that the page does not need yet: the store is opened on first
  use, polling starts when the facilitator unlocks, and nothing starts under ``KIT_WORKSHOP_TEST``.

>>> esc('<b onclick="x()">Hi</b>')
'&lt;b onclick=&quot;x()&quot;&gt;Hi&lt;/b&gt;'
>>> print(text_html("مرحبا <3", "p"))
<p dir="auto">مرحبا &lt;3</p>
"""

from __future__ import annotations

import base64
import html
import secrets
import threading
import time
from typing import Callable

import ipywidgets as widgets

from kit.plotting import PALETTE

__all__ = [
    "CSS",
    "esc",
    "text_html",
    "safe_text",
    "table_html",
    "style",
    "header",
    "task_sheet",
    "field",
    "button",
    "Status",
    "JoinPanel",
    "FacilitatorPanel",
    "Poller",
    "download_link",
    "who_answered",
    "app_page",
    "app_index",
]

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


# -- safe text -------------------------------------------------------------------------------------
def esc(text: object) -> str:
    """``text`` as HTML-escaped text: tags, quotes and ampersands shown, never interpreted."""
    return html.escape("" if text is None else str(text), quote=True)


def text_html(text: object, tag: str = "span", cls: str = "") -> str:
    """An element holding ``text`` as text (escaped; ``dir="auto"`` for right-to-left writing)."""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<{tag}{klass} dir="auto">{esc(text)}</{tag}>'


def safe_text(text: object = "", cls: str = "kit-text") -> widgets.HTML:
    """A widget showing what someone typed, exactly, as text (use ``.value = text_html(...)`` to change it)."""
    return widgets.HTML(text_html(text, "div", cls))


def table_html(frame, columns: list[str] | None = None, max_rows: int = 200, labels: dict | None = None) -> str:
    """A DataFrame as an HTML table with every cell escaped (lists shown comma-separated)."""
    columns = list(columns or frame.columns)
    labels = labels or {}
    head = "".join(f"<th>{esc(labels.get(c, c))}</th>" for c in columns)
    rows = []
    for _, row in frame[columns].head(max_rows).iterrows():
        cells = []
        for c in columns:
            v = row[c]
            if isinstance(v, (list, tuple)):
                v = ", ".join(map(str, v))
            elif v is None or (isinstance(v, float) and v != v):
                v = ""
            elif isinstance(v, float):
                v = f"{v:.2f}"
            cells.append(f'<td dir="auto">{esc(v)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p>… and {len(frame) - max_rows} more rows</p>" if len(frame) > max_rows else ""
    return f'<table class="kit-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


# -- look ------------------------------------------------------------------------------------------
def style() -> widgets.HTML:
    """The kit's stylesheet as a widget (put it first on the page; :func:`app_page` does)."""
    return widgets.HTML(CSS, layout=widgets.Layout(height="0px", margin="0"))


def header(title: str, purpose: str = "", live: bool = False) -> widgets.HTML:
    """Big title and a one-line purpose (the app author's text; still escaped)."""
    badge = '<span class="kit-live">LIVE</span>' if live else ""
    out = widgets.HTML(f"<h1>{esc(title)}{badge}</h1>" + (f"<p>{esc(purpose)}</p>" if purpose else ""))
    out.add_class("kit-title")
    return out


def task_sheet(questions: list[str], title: str = "Questions for the room", intro: str = "") -> widgets.Accordion:
    """The 3-5 questions the facilitator poses, in a panel a phone can fold away."""
    if not 1 <= len(questions) <= 8:
        raise ValueError("A task sheet holds 3-5 questions (at most 8).")
    items = "".join(f"<li>{esc(q)}</li>" for q in questions)
    body = widgets.HTML((f"<p>{esc(intro)}</p>" if intro else "") + f"<ol>{items}</ol>")
    body.add_class("kit-tasks")
    acc = widgets.Accordion(children=[body], titles=(title,), selected_index=0)
    acc.add_class("kit-task-sheet")
    return acc


def field(label: str, control: widgets.Widget, help: str = "") -> widgets.VBox:
    """A control with its label ABOVE it (labels beside inputs get cut off on phones)."""
    parts = [widgets.HTML(f'<div class="kit-label">{esc(label)}</div>' + (f"<small>{esc(help)}</small>" if help else ""))]
    control.layout.width = control.layout.width or "100%"
    control.layout.max_width = control.layout.max_width or "36em"
    return widgets.VBox(parts + [control], layout=widgets.Layout(width="100%"))


def button(description: str, kind: str = "primary", cls: str = "", **kwargs) -> widgets.Button:
    """A large button; ``kind`` is 'primary', 'danger', 'success', 'warning' or ''."""
    b = widgets.Button(description=description, button_style=kind, layout=widgets.Layout(width="auto"), **kwargs)
    if cls:
        b.add_class(cls)
    return b


def panel(title: str, children: list, cls: str = "") -> widgets.VBox:
    """A bordered box with a heading."""
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


def download_link(data: bytes | str, filename: str, label: str, mime: str = "text/csv") -> str:
    """An HTML link that downloads ``data`` (embedded as a data: URI: no request to any server)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    b64 = base64.b64encode(raw).decode("ascii")
    return f'<a class="kit-download" download="{esc(filename)}" href="data:{esc(mime)};base64,{b64}">{esc(label)}</a>'


def _store():
    from kit.workshop.store import Store

    return Store(create=False)  # a page never creates the database: `kit workshop` did, or it is missing


# -- participants ----------------------------------------------------------------------------------
class JoinPanel:
    """Join code + name for participants; :meth:`submit` sends an answer and says if it was saved.

    ``store`` is a :class:`kit.workshop.store.Store` or a function returning one (default: the
    kit's store, opened on first use). Each page gets its own random ``client`` id, so a
    participant correcting an answer replaces their own answer only.
    """

    def __init__(self, app: str, store=None, name_label: str = "Your name (or a nickname)"):
        self.app = app
        self._store = store
        self.client = secrets.token_hex(8)
        self.code = ""
        self.title = ""
        self.code_input = widgets.Text(placeholder="e.g. K7MQ2X", layout=widgets.Layout(max_width="12em"))
        self.code_input.add_class("kit-join-code")
        self.name_input = widgets.Text(placeholder="e.g. Sam", layout=widgets.Layout(max_width="24em"))
        self.name_input.add_class("kit-join-name")
        self.join_button = button("Join", cls="kit-join-button")
        self.status = Status("kit-join-status")
        self.join_button.on_click(lambda _b: self.join())
        self.widget = panel(
            "Join the session",
            [
                field("Join code (on the facilitator's screen)", self.code_input),
                field(name_label, self.name_input),
                self.join_button,
                self.status.widget,
            ],
            cls="kit-join",
        )

    @property
    def store(self):
        if self._store is None:
            self._store = _store()
        elif callable(self._store) and not hasattr(self._store, "submit"):
            self._store = self._store()
        return self._store

    @property
    def name(self) -> str:
        return self.name_input.value.strip()

    @property
    def joined(self) -> bool:
        return bool(self.code)

    def join(self) -> bool:
        from kit.errors import KitError
        from kit.workshop.store import normalise_code

        code = normalise_code(self.code_input.value)
        if not code:
            self.status.error("Type the join code shown on the facilitator's screen.")
            return False
        if not self.name:
            self.status.error("Type your name (or a nickname) so the facilitator can see who answered.")
            return False
        from kit.workshop.store import MAX_NAME_CHARS, check_text

        try:
            check_text(self.name, "Your name", MAX_NAME_CHARS)
            info = self.store.check_app(code, self.app)
        except KitError as err:
            self.code = ""
            self.status.error(str(err))
            return False
        if info["status"] != "open":
            self.code = ""
            self.status.error(f"Session {code} is closed. Ask the facilitator for the current join code.")
            return False
        self.code, self.title = code, info["title"]
        self.status.ok(f"You joined {code}: {info['title']}. Now fill in the form and press Send.")
        return True

    def submit(self, answer: dict, status: Status | None = None) -> bool:
        """Send ``answer``; show 'Saved' or, in plain words, why not. True when it was saved."""
        from kit.errors import KitError

        from kit.workshop.store import normalise_code

        status = status or self.status
        typed = normalise_code(self.code_input.value)
        if self.joined and typed and typed != self.code:
            # One meaning of "the session I am in": the code in the box. Never send to an old one.
            status.error(f"Your answer was NOT sent. The code in the box ({typed}) is not the session you joined "
                         f"({self.code}). Press Join to switch to {typed}, or put {self.code} back.")
            return False
        if not self.joined and not self.join():
            status.error("Join the session first: type the join code and your name, then press Join.")
            return False
        status.info("Sending your answer...")
        try:
            self.store.submit(self.code, self.name, answer, client=self.client, app=self.app)
        except KitError as err:
            status.error(f"Your answer was NOT saved. {err}")
            return False
        status.ok(f"Saved at {time.strftime('%H:%M:%S')}. You can change your answer and send again.")
        return True


# -- facilitator -----------------------------------------------------------------------------------
class Poller:
    """Call ``fn`` every ``interval`` seconds on a background thread until :meth:`stop`.

    Exceptions inside ``fn`` are reported through ``on_error`` and polling continues. Never
    started under ``KIT_WORKSHOP_TEST`` (call ``fn`` yourself there).
    """

    def __init__(self, fn: Callable[[], None], interval: float = 1.0, on_error: Callable[[Exception], None] | None = None):
        self.fn, self.interval, self.on_error = fn, interval, on_error
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from kit.workshop import test_mode

        if test_mode() or (self._thread and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kit-poller", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.fn()
            except Exception as err:  # noqa: BLE001 - keep polling; show the problem
                if self.on_error:
                    self.on_error(err)

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())


class FacilitatorPanel:
    """Key-protected controls: open/close a session, the join code, who answered, export, clear.

    Parameters
    ----------
    app : str
        The app's short name (sessions are listed per app).
    title : str
        Default title for new sessions.
    on_answers : callable, optional
        ``on_answers(frame)`` with the session's latest answer per participant (a DataFrame),
        called after unlocking and within ``interval`` seconds of every change (the who-answered
        list is updated before it, so a slow drawing never delays it): draw the room
        view here (into widgets you put in ``room``).
    room : list of widgets, optional
        The room view, shown only once the key is accepted.
    interval : float
        Seconds between checks for new answers (default 0.5; one cheap query each).
    """

    def __init__(self, app: str, title: str, on_answers=None, room: list | None = None, store=None, interval: float = 0.5):
        self.app, self.default_title = app, title
        self.on_answers = on_answers
        self._store = store
        self.code = ""
        self.unlocked = False
        self._version = None
        self._lock = threading.Lock()
        self._draw_lock = threading.Lock()
        self._pending = None
        self._drawing = False
        self.poller = Poller(self.refresh, interval, on_error=lambda e: self.status.error(f"Could not read the answers: {e}"))

        self.key_input = widgets.Password(placeholder="facilitator key")
        self.key_input.add_class("kit-fac-key")
        self.unlock_button = button("Unlock", cls="kit-fac-unlock")
        self.unlock_button.on_click(lambda _b: self.unlock(self.key_input.value))
        self.status = Status("kit-fac-status")
        self.locked_box = widgets.VBox([field("Facilitator key (printed on the facilitator's terminal)", self.key_input), self.unlock_button])

        self.title_input = widgets.Text(value=title)
        self.title_input.add_class("kit-fac-title")
        self.open_button = button("Open a new session", cls="kit-fac-open")
        self.close_button = button("Close session", kind="warning", cls="kit-fac-close")
        self.reopen_button = button("Reopen", kind="", cls="kit-fac-reopen")
        self.export_button = button("Export CSV", kind="success", cls="kit-fac-export")
        self.clear_confirm = widgets.Checkbox(description="Yes, delete this session's answers", indent=False)
        self.clear_button = button("Clear answers", kind="danger", cls="kit-fac-clear")
        self.code_html = widgets.HTML("")
        self.code_html.add_class("kit-session")
        self.who_html = widgets.HTML("")
        self.who_html.add_class("kit-who")
        self.download_html = widgets.HTML("")
        self.download_html.add_class("kit-fac-download")
        self.room = widgets.VBox(list(room or []))
        self.room.add_class("kit-room")
        self.open_button.on_click(lambda _b: self.open_session(self.title_input.value))
        self.close_button.on_click(lambda _b: self._act(self.close_session))
        self.reopen_button.on_click(lambda _b: self._act(self.reopen_session))
        self.export_button.on_click(lambda _b: self._act(self.export))
        self.clear_button.on_click(lambda _b: self._act(self.clear))
        self.controls = widgets.VBox(
            [
                self.code_html,
                widgets.HBox([self.close_button, self.reopen_button, self.export_button]),
                self.download_html,
                field("Title of a new session", self.title_input),
                self.open_button,
                widgets.HBox([self.clear_confirm, self.clear_button]),
                self.who_html,
            ]
        )
        self.body = widgets.VBox([self.locked_box])
        self.widget = panel("Facilitator", [self.body, self.status.widget], cls="kit-facilitator")

    @property
    def store(self):
        if self._store is None:
            self._store = _store()
        return self._store

    # The key is checked in the kernel (server side); until then the controls are not even sent
    # to the page, so a participant's browser never holds them.
    def unlock(self, key: str) -> bool:
        from kit.errors import KitError
        from kit.workshop.config import KEY_WINDOW, try_key

        self.status.info("Checking the key...")
        try:
            result = try_key(key, self.store)
        except KitError as err:
            self.status.error(str(err))
            return False
        if not result.ok:
            self.status.error(result.message)
            return False
        self.key_input.value = ""
        self.unlocked = True
        self.body.children = [self.controls, self.room]
        try:
            sessions = self.store.sessions(app=self.app)
            open_ = sessions[sessions["status"] == "open"]
            if len(open_):
                self.code = str(open_.iloc[0]["code"])
                message = f"Unlocked. Showing the open session {self.code}."
            else:
                message = "Unlocked. Open a new session to get a join code for the room."
            if result.recent:
                message += (f" Note: {result.recent} wrong facilitator key(s) were tried in the last "
                            f"{KEY_WINDOW / 60:.0f} minutes.")
            self.status.ok(message)
        except Exception as err:  # noqa: BLE001
            self.status.error(f"The store could not be read: {err}")
        self._show_session()
        self.refresh(force=True)
        self.poller.start()
        return True

    def _act(self, action) -> None:
        from kit.errors import KitError

        if not self.unlocked:
            self.status.error("Unlock with the facilitator key first.")
            return
        if not self.code:
            self.status.error("Open a session first.")
            return
        try:
            action()
        except KitError as err:
            self.status.error(str(err))

    def open_session(self, title: str = "") -> str:
        from kit.errors import KitError

        if not self.unlocked:
            self.status.error("Unlock with the facilitator key first.")
            return ""
        try:
            self.code = self.store.open_session(title.strip() or self.default_title, app=self.app)
        except KitError as err:
            self.status.error(str(err))
            return ""
        self._version = None
        self.download_html.value = ""
        self.status.ok(f"Session {self.code} is open. Show the join code to the room.")
        self._show_session()
        self.refresh(force=True)
        return self.code

    def close_session(self) -> None:
        self.store.close_session(self.code)
        self.status.ok(f"Session {self.code} is closed: no more answers are accepted. Answers so far are kept.")
        self._show_session()

    def reopen_session(self) -> None:
        self.store.reopen_session(self.code)
        self.status.ok(f"Session {self.code} accepts answers again.")
        self._show_session()

    def export(self) -> str:
        from kit.workshop import data_dir

        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = data_dir() / "exports" / f"{self.app}-{self.code}-{stamp}.csv"
        self.store.export_csv(self.code, path)
        data = path.read_bytes()
        self.download_html.value = download_link(data, path.name, f"Download {path.name}") + f"<br><small>Also saved as {esc(path)}</small>"
        self.status.ok(f"Exported {self.store.version(self.code)[0]} answers.")
        return str(path)

    def clear(self) -> None:
        if not self.clear_confirm.value:
            self.status.error("Tick the box to confirm, then press Clear answers again.")
            return
        n = self.store.clear(self.code)
        self.clear_confirm.value = False
        self.status.ok(f"Deleted {n} answers from session {self.code}.")
        self.refresh(force=True)

    def _show_session(self) -> None:
        if not self.code:
            self.code_html.value = "<p>No session open yet.</p>"
            return
        try:
            info = self.store.session(self.code)
        except Exception:  # noqa: BLE001
            self.code_html.value = "<p>No session open yet.</p>"
            return
        state = "open: answers accepted" if info["status"] == "open" else "CLOSED: no answers accepted"
        self.code_html.value = (
            f'<div>Join code</div><div class="kit-code">{esc(self.code)}</div>'
            f"<div>{text_html(info['title'], 'b')} ({esc(state)})</div>"
        )

    def refresh(self, force: bool = False) -> None:
        """Re-read the session if its answers changed (the poller calls this every ``interval`` s)."""
        if not self.unlocked or not self.code:
            return
        with self._lock:
            version = self.store.version(self.code)
            if version == self._version and not force:
                return
            self._version = version
            frame = self.store.answers(self.code, latest=True)  # one row per person (page), not per name
            self.who_html.value = who_answered(frame["participant"], version[0])
        if self.on_answers is not None:
            self._draw(frame)

    def _draw(self, frame) -> None:
        """Call ``on_answers`` on a worker thread (the newest frame wins), so polling never waits for a drawing."""
        from kit.workshop import test_mode

        if test_mode():
            self.on_answers(frame)
            return
        with self._draw_lock:
            self._pending = frame
            if self._drawing:
                return
            self._drawing = True
        threading.Thread(target=self._draw_loop, name="kit-draw", daemon=True).start()

    def _draw_loop(self) -> None:
        while True:
            with self._draw_lock:
                frame, self._pending = self._pending, None
                if frame is None:
                    self._drawing = False
                    return
            try:
                self.on_answers(frame)
            except Exception as err:  # noqa: BLE001 - keep the panel alive; say what failed
                self.status.error(f"The room view could not be drawn: {err}")


def who_answered(names, sent: int) -> str:
    """The facilitator's line: how many people answered (one name per person, same names numbered).

    >>> who_answered(["Asha", "Ben", "Asha"], 4)
    '<div><b>3 answered</b> (4 sent in all): <span dir="auto">Asha</span>, <span dir="auto">Ben</span>, <span dir="auto">Asha (2)</span></div>'
    """
    seen: dict[str, int] = {}
    shown = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        shown.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    listing = ", ".join(text_html(n) for n in shown) or "nobody yet"
    return f"<div><b>{len(shown)} answered</b> ({sent} sent in all): {listing}</div>"


# -- pages -----------------------------------------------------------------------------------------
def app_page(
    title: str,
    purpose: str,
    questions: list[str],
    body: list | None = None,
    join: JoinPanel | None = None,
    facilitator: FacilitatorPanel | None = None,
    live: bool | None = None,
    show: bool = True,
) -> widgets.VBox:
    """Assemble and display an app: style, title, task sheet, join panel, body, facilitator panel."""
    parts = [style(), header(title, purpose, live=bool(join) if live is None else live), task_sheet(questions)]
    if join is not None:
        parts.append(join.widget)
    parts += list(body or [])
    if facilitator is not None:
        parts.append(facilitator.widget)
    page = widgets.VBox(parts, layout=widgets.Layout(width="100%"))
    page.add_class("kit-app")
    if show:
        from IPython.display import display

        display(page)
    return page


def _app_info(path) -> dict:
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("kit", {})
    title = meta.get("title")
    if not title:
        for cell in nb.get("cells", []):
            src = "".join(cell.get("source", ""))
            if cell.get("cell_type") == "markdown" and src.lstrip().startswith("#"):
                title = src.lstrip().splitlines()[0].lstrip("# ").strip()
                break
    return {
        "file": path.name,
        "title": title or path.stem,
        "purpose": meta.get("purpose", ""),
        "live": bool(meta.get("live", False)),
    }


def app_index(folder=None, show: bool = True) -> str:
    """HTML list of the apps in ``folder`` (every ``NN-*.ipynb`` beside this index): title, purpose, link.

    Each app names itself in its notebook metadata: ``{"kit": {"title": ..., "purpose": ...,
    "live": true}}`` (else its first heading is used), so a new app appears here by itself.
    """
    from pathlib import Path

    folder = Path(folder) if folder else Path.cwd()
    apps = [_app_info(p) for p in sorted(folder.glob("[0-9][0-9]-*.ipynb"))]
    cards = "".join(
        f'<a href="{esc(a["file"])}" class="kit-app-link">'
        f'<b>{esc(a["title"])}</b>{"<span class=kit-live>LIVE</span>" if a["live"] else ""}'
        f'<br><span>{esc(a["purpose"])}</span></a>'
        for a in apps
    ) or "<p>No apps yet.</p>"
    page = (
        CSS
        + '<div class="kit-app"><div class="kit-title"><h1>Workshop apps</h1>'
        + "<p>Choose an app. Apps marked LIVE collect the room's answers: join with the code on the facilitator's screen.</p></div>"
        + f'<div class="kit-cards">{cards}</div>'
        + '<p><small>Facilitators: open an app on the projector, unlock its Facilitator panel with the key printed '
        + "on your terminal, open a session and show the join code.</small></p></div>"
    )
    if show:
        from IPython.display import HTML, display

        display(HTML(page))
    return page
