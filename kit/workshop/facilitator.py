"""The facilitator's panel: unlock with the key, open/close a session, show the join code, who answered, export, clear.

The key is checked in the kernel (server side); until then the controls are not even sent to the
page, so a participant's browser never holds them. Once unlocked the panel polls the store
(:class:`kit.workshop.timers.Poller`) and redraws the room view with the newest answers.

>>> who_answered([], 0)
'<div><b>0 answered</b> (0 sent in all): nobody yet</div>'
"""

from __future__ import annotations

import threading
import time

import ipywidgets as widgets

from kit.workshop.join import _default_store
from kit.workshop.look import Status, button, field, panel
from kit.workshop.safe import download_link, esc, text_html
from kit.workshop.timers import NewestOnly, Poller

__all__ = ["FacilitatorPanel", "who_answered"]



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
    store : Store, optional
        The answer store (default: the kit's, opened on first use; a page never creates it).
    threads : bool, optional
        Poll and draw on background threads. Default: yes, except when the test suite runs the
        apps headless (``KIT_WORKSHOP_TEST``), where :meth:`refresh` draws at once.
    """

    def __init__(self, app: str, title: str, on_answers=None, room: list | None = None, store=None, interval: float = 0.5,
                 threads: bool | None = None):
        self.app, self.default_title = app, title
        self.on_answers = on_answers
        self._store = store
        self.code = ""
        self.unlocked = False
        self._version = None
        self._lock = threading.Lock()
        self.poller = Poller(self.refresh, interval, threads=threads,
                             on_error=lambda e: self.status.error(f"Could not read the answers: {e}"))
        self._draw = NewestOnly(lambda frame: self.on_answers(frame), threads=threads,
                                on_error=lambda e: self.status.error(f"The room view could not be drawn: {e}"))

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
            self._store = _default_store()
        return self._store

    def unlock(self, key: str) -> bool:
        """Check ``key`` in the kernel; only if it is right are the controls and the room view sent to the page."""
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

