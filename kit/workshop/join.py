"""The participant's side of a live app: join a session with its code and a name, then send answers.

>>> import os, tempfile, pathlib
>>> from kit.workshop.store import Store
>>> store = Store("sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "join.sqlite3"))
>>> code = store.open_session("Room", app="network-mapper")
>>> join = JoinPanel("network-mapper", store=store)
>>> join.code_input.value, join.name_input.value = code.lower(), "Asha"
>>> join.submit({"school": "NLC01", "partners": ["NLC02"]})
True
>>> join.status.message.startswith("Saved at")
True
>>> list(store.answers(code)["participant"])
['Asha']
"""

from __future__ import annotations

import secrets
import time

import ipywidgets as widgets

from kit.workshop.look import Status, button, field, panel

__all__ = ["JoinPanel", "page_store"]


def page_store():
    """The kit's store as a page opens it: a page never creates the database (`kit workshop` did, or it is missing)."""
    from kit.workshop.store import Store

    return Store(create=False)


def _default_store():
    # Looked up through kit.workshop.components, where tests replace ``components._store``.
    from kit.workshop import components

    return components._store()


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
            self._store = _default_store()
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

    def send_form(self, values: dict, status: Status | None = None) -> dict | None:
        """Check ``values`` against the app's declared form (:mod:`kit.workshop.forms`) and send them.

        Returns the checked answer when it was saved, else ``None`` (``status`` then says why):
        the same rules as the light page, which uses the same form.
        """
        from kit.errors import InputError
        from kit.workshop.forms import form_for

        status = status or self.status
        try:
            answer = form_for(self.app).check(values)
        except InputError as err:
            status.error(str(err))
            return None
        return answer if self.submit(answer, status=status) else None

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
