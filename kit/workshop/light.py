"""Light participant pages: plain HTML served by the same server, no kernel per participant.

Routes (added to Voila's by :mod:`kit.workshop.launch`):

* ``/kit/join``: the participant's page (phone first; join code, name, the app's declared form,
  the room's picture); ``/kit/join?code=K7MQ2X`` fills the code in;
* ``/kit/present?code=K7MQ2X``: the presenter view for the projector (code and address large, the
  room's picture and counts filling the screen, live);
* ``/kit/api/session``, ``/kit/api/answer``, ``/kit/api/room``: the JSON the pages use. An answer
  is checked by the app's :class:`kit.workshop.forms.Form` and written to the store with the
  page's request id, so a resend after a lost connection is saved once.

The room's picture is drawn once per change in the facilitator's kernel and published to the
session's state (``picture``); these pages only fetch it when its version changes.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tornado.web

__all__ = ["handlers", "PAGES_DIR", "PICTURE_KEY"]

PAGES_DIR = Path(__file__).resolve().parent / "templates" / "light"
PICTURE_KEY = "picture"
MAX_BODY = 256 * 1024  # one answer; the form's own limits are far below
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kit-light")
_STORE = {}


def _store():
    if "store" not in _STORE:
        from kit.workshop.store import Store

        _STORE["store"] = Store(create=False)
    return _STORE["store"]


async def _run(fn, *args, **kwargs):
    return await asyncio.get_running_loop().run_in_executor(_POOL, lambda: fn(*args, **kwargs))


def join_address(host: str) -> str:
    """The address participants type: ``KIT_SHARE_URL`` (set by ``kit workshop``) or this request's host."""
    base = os.environ.get("KIT_SHARE_URL", "").strip() or f"http://{host}/"
    return base.rstrip("/") + "/kit/join"


class _Json(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def reply(self, status: int, **data):
        self.set_status(status)
        self.finish(json.dumps(data, ensure_ascii=False))

    def write_error(self, status_code, **kwargs):
        self.finish(json.dumps({"ok": False, "error": "The server could not answer that. Try again in a moment."}))


class SessionApi(_Json):
    """GET ?code=: the session, its app's form, and what the facilitator published for it."""

    async def get(self):
        from kit.errors import KitError
        from kit.workshop.forms import form_for

        code = self.get_argument("code", "")
        try:
            info = await _run(_store().session, code)
        except KitError as err:
            return self.reply(404, ok=False, error=str(err))
        form = form_for(info["app"])
        if form is None:
            return self.reply(404, ok=False, error=(
                f"Session {info['code']} belongs to an app without a phone page. Open the app the facilitator named "
                "from the list of apps instead."))
        state = {}
        for f in form.fields:
            if f.source:
                state[f.source] = await _run(_store().state, info["code"], f.source)
        self.reply(200, ok=True, code=info["code"], title=info["title"], app=info["app"], status=info["status"],
                   form=form.to_json(), state=state)


class AnswerApi(_Json):
    """POST {code, name, client, request, answer}: check with the app's form, then store."""

    async def post(self):
        from kit.errors import KitError
        from kit.workshop.forms import form_for
        from kit.workshop.store import MAX_NAME_CHARS, check_text

        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            return self.reply(415, ok=False, error="Answers are sent as JSON.")
        if len(self.request.body) > MAX_BODY:
            return self.reply(413, ok=False, error="That answer is too long; please shorten it.")
        try:
            data = json.loads(self.request.body.decode("utf-8"))
            assert isinstance(data, dict)
        except (ValueError, UnicodeDecodeError, AssertionError):
            return self.reply(400, ok=False, error="The answer did not arrive in one piece; press Send again.")
        store = _store()
        name = " ".join(str(data.get("name") or "").split())
        client = str(data.get("client") or "")[:64]
        try:
            if not name:
                raise KitError("Type your name (or a nickname) so the facilitator can see who answered.")
            check_text(name, "Your name", MAX_NAME_CHARS)
            info = await _run(store.session, data.get("code", ""))
            form = form_for(info["app"])
            if form is None:
                raise KitError("This session's app has no phone page.")
            answer = form.check(data.get("answer") or {})
            await _run(store.submit, info["code"], name, answer, client=f"light-{client}" if client else "",
                       app=info["app"], request=str(data.get("request") or "")[:64] or None)
        except KitError as err:
            return self.reply(409, ok=False, error=str(err))
        self.reply(200, ok=True, saved_at=time.strftime("%H:%M:%S"), answer=answer)


class RoomApi(_Json):
    """GET ?code=&since=: counts, status, and the room's picture when its version is newer than ``since``."""

    async def get(self):
        from kit.errors import KitError

        code = self.get_argument("code", "")
        try:
            since = int(self.get_argument("since", "0") or 0)
        except ValueError:
            since = 0
        store = _store()
        try:
            info = await _run(store.session, code)
            people, sent = await _run(store.counts, info["code"])
            version = await _run(store.state_version, info["code"], PICTURE_KEY)
            picture = await _run(store.state, info["code"], PICTURE_KEY) if version > since else None
        except KitError as err:
            return self.reply(404, ok=False, error=str(err))
        self.reply(200, ok=True, code=info["code"], title=info["title"], app=info["app"], status=info["status"],
                   people=people, sent=sent, version=version, picture=picture, address=join_address(self.request.host))


class Page(tornado.web.RequestHandler):
    """A light page (the HTML file; it reads everything else from the JSON routes)."""

    def initialize(self, name: str):
        self.name = name

    def get(self):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
        self.finish((PAGES_DIR / self.name).read_bytes())


def handlers(server_url: str = "/") -> list:
    """The light pages' routes under ``server_url``."""
    base = "/" + server_url.strip("/") + "/" if server_url.strip("/") else "/"
    return [
        (base + r"kit/join/?", Page, {"name": "join.html"}),
        (base + r"kit/present/?", Page, {"name": "present.html"}),
        (base + r"kit/api/session", SessionApi),
        (base + r"kit/api/answer", AnswerApi),
        (base + r"kit/api/room", RoomApi),
        (base + r"kit/static/(.*)", tornado.web.StaticFileHandler, {"path": str(PAGES_DIR)}),
    ]
