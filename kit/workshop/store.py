"""Live answer store for workshop sessions: SQLite (WAL) by default, PostgreSQL when ``KIT_STORE_URL`` names one.

Every Voila page runs in its own kernel (its own process); they meet in this database. A
facilitator opens a *session* and gets a short join code; participants submit answers (a dict
each) to that code; the facilitator reads them back as a DataFrame, exports CSV, closes or clears.

>>> import tempfile, pathlib
>>> store = Store("sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "demo.sqlite3"))
>>> code = store.open_session("Network mapper, 12 May")
>>> len(code)
6
>>> store.submit(code, "Asha", {"school": "NLC01", "partners": ["NLC02", "NLC05"]})
>>> store.answers(code)[["participant", "school", "partners"]]
  participant school        partners
0        Asha  NLC01  [NLC02, NLC05]
>>> store.close_session(code)
>>> store.submit(code, "Ben", {"school": "NLC03"})
Traceback (most recent call last):
    ...
kit.errors.SessionError: Session ... is closed, so no more answers can be sent to it. Ask the facilitator whether a new session has started and join that one.

Design notes: SQLAlchemy Core; the tables, engine and retries (:class:`SaveError` when the database
stays locked or unreachable) are in :mod:`kit.workshop.database`, the limits on names, texts and
answers in :mod:`kit.workshop.limits`, both re-exported here. An answer is stored as exact JSON
text (never escaped, trimmed or truncated: the apps show it as text, not HTML). A submit is ONE
``INSERT ... SELECT ... WHERE the session is open``, so a session closed at that moment gains no late row.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from kit.errors import InputError, SessionError
# Every name below stays importable from kit.workshop.store, as before the split.
from kit.workshop.database import SaveError, default_url, engine, retry, sqlite_path, tables  # noqa: F401
from kit.workshop.limits import (CODE_ALPHABET, CODE_LENGTH, MAX_ANSWER_CHARS, MAX_NAME_CHARS,  # noqa: F401
                                 MAX_TEXT_CHARS, MAX_TITLE_CHARS, RESERVED, answer_payload, check_text, new_code,
                                 normalise_code)

__all__ = ["Store", "SaveError", "default_url", "RESERVED", "MAX_NAME_CHARS", "MAX_TEXT_CHARS", "MAX_TITLE_CHARS"]


class Store:
    """A workshop's answers, shared by every kernel that uses the same database URL.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL. Default :func:`default_url` (``KIT_STORE_URL`` or an SQLite file in the
        kit's data folder). ``postgresql://user@host:port/db`` uses psycopg 3.
    retries : int
        How many times a locked or unreachable database is retried (with back-off, about 10 s in
        all) before :class:`SaveError`.
    """

    def __init__(self, url: str | None = None, *, retries: int = 8, create: bool = True):
        self.url = url or default_url()
        self.retries = retries
        self._md, self._sessions, self._answers, self._state, self._keys, self._requests = tables()
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            if not create:
                raise SessionError(
                    f"The workshop database is missing: there is no file {path}. Nothing can be saved until "
                    "it is back. Facilitator: put the file back (or restart `kit workshop`, which creates a new, "
                    "empty one)."
                )
            import sqlite3

            path.parent.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(path).close()
        self._engine = engine(self.url)
        self._retry(lambda: self._md.create_all(self._engine), "prepare the workshop database")

    def __repr__(self) -> str:
        return f"Store({self.shown_url()!r})"

    def shown_url(self) -> str:
        """The database URL with any password hidden (for banners and messages)."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    # -- plumbing -----------------------------------------------------------------------------
    def _retry(self, action, what: str):
        return retry(action, what, self.retries, self.url)

    def _read(self, fn, what: str):
        """``fn(connection)``, retried; ``what`` completes "Could not ..." if the database stays away."""
        def read():
            with self._engine.connect() as conn:
                return fn(conn)

        return self._retry(read, what)

    def _write(self, what: str, *statements) -> int:
        """Run ``statements`` in one transaction, retried; returns the last one's row count."""
        def write():
            with self._engine.begin() as conn:
                return [conn.execute(statement) for statement in statements][-1].rowcount

        return self._retry(write, what)

    def _session_row(self, conn, code: str):
        from sqlalchemy import select

        return conn.execute(select(self._sessions).where(self._sessions.c.code == code)).mappings().first()

    def _require_session(self, code: object) -> str:
        norm = normalise_code(code)
        row = self._read(lambda c: self._session_row(c, norm), "look up the session")
        if row is None:
            raise SessionError(
                f"There is no workshop session with the code {str(code)!r}. "
                "Check the code on the facilitator's screen (letters and digits, no O/0 or I/1 confusion)."
            )
        return norm

    # -- facilitator ----------------------------------------------------------------------------
    def open_session(self, title: str, app: str = "") -> str:
        """Start a session and return its join code (6 letters/digits, e.g. ``'K7MQ2X'``)."""
        from sqlalchemy.exc import IntegrityError

        title = check_text(str(title or "").strip(), "The session title", MAX_TITLE_CHARS) or "Workshop session"
        for _ in range(20):
            code = new_code()
            row = {"code": code, "title": title, "app": str(app or ""), "status": "open", "created_at": time.time()}
            try:
                self._write("open a session", self._sessions.insert().values(**row))
                return code
            except IntegrityError:  # the code exists already: draw another
                continue
        raise SessionError("Could not find a free join code; clear old sessions and try again.")  # pragma: no cover

    def close_session(self, code: str) -> None:
        """Stop accepting answers (answers already sent stay and can still be read and exported)."""
        code = self._require_session(code)
        s = self._sessions
        self._write("close the session", s.update().where(s.c.code == code).values(status="closed", closed_at=time.time()))

    def reopen_session(self, code: str) -> None:
        """Accept answers again in a closed session."""
        code = self._require_session(code)
        s = self._sessions
        self._write("reopen the session", s.update().where(s.c.code == code).values(status="open", closed_at=None))

    def clear(self, code: str) -> int:
        """Delete every answer of a session (the session stays); returns how many were deleted."""
        code = self._require_session(code)
        return int(self._write("clear the session", self._answers.delete().where(self._answers.c.code == code)) or 0)

    def delete_session(self, code: str) -> None:
        """Remove a session and all its answers."""
        code = self._require_session(code)
        self._write("delete the session", *(t.delete().where(t.c.code == code)
                                            for t in (self._answers, self._state, self._sessions)))

    def session(self, code: str) -> dict:
        """The session's ``code``, ``title``, ``app``, ``status`` ('open'/'closed'), ``created_at``, ``closed_at``."""
        code = self._require_session(code)
        return dict(self._read(lambda c: self._session_row(c, code), "read the session"))

    def sessions(self, app: str | None = None):
        """All sessions, newest first, as a DataFrame (columns code, title, app, status, created_at, closed_at)."""
        import pandas as pd
        from sqlalchemy import select

        query = select(self._sessions).order_by(self._sessions.c.created_at.desc())
        if app is not None:
            query = query.where(self._sessions.c.app == app)
        rows = self._read(lambda c: [dict(r) for r in c.execute(query).mappings()], "list sessions")
        frame = pd.DataFrame(rows, columns=["code", "title", "app", "status", "created_at", "closed_at"])
        for col in ("created_at", "closed_at"):
            frame[col] = pd.to_datetime(frame[col], unit="s", utc=True)
        return frame

    # -- participants ---------------------------------------------------------------------------
    def submit(self, code: str, participant: str, answer: dict, *, client: str = "", app: str | None = None,
               request: str | None = None) -> None:
        """Save one answer (a dict of field -> value) from ``participant`` to the session ``code``.

        ``client`` identifies the page (one person); with ``app`` the session must belong to that app.
        ``request`` (a page's id for this one send) makes a resend after a lost connection harmless:
        the same request is saved at most once.
        Names longer than :data:`MAX_NAME_CHARS` and texts longer than :data:`MAX_TEXT_CHARS` are
        refused with a plain :class:`kit.errors.InputError`.
        Raises :class:`kit.errors.SessionError` if the session is unknown, closed or another app's, and
        :class:`SaveError` (a SessionError) if the database stayed unavailable: the answer was not
        saved and the participant should be told so.
        """
        from sqlalchemy import and_, exists, literal, select

        payload = answer_payload(participant, answer)  # the rules: kit.workshop.limits
        participant = str(participant)
        if app is not None:
            self.check_app(code, app)
        norm = normalise_code(code)
        s, a = self._sessions, self._answers
        open_session = exists().where(and_(s.c.code == norm, s.c.status == "open"))
        values = select(
            literal(norm, type_=a.c.code.type),
            literal(participant, type_=a.c.participant.type),
            literal(str(client or ""), type_=a.c.client.type),
            literal(time.time(), type_=a.c.submitted_at.type),
            literal(payload, type_=a.c.answer.type),
        ).where(open_session)
        statement = a.insert().from_select(["code", "participant", "client", "submitted_at", "answer"], values)
        statement = statement.returning(a.c.id)  # rowcount of INSERT ... SELECT is not portable

        class _Closed(Exception):
            pass

        def insert():
            try:
                with self._engine.begin() as conn:
                    if request:
                        r = self._requests
                        if conn.execute(r.select().where(r.c.request == str(request)[:64])).first() is not None:
                            return 1  # saved before: the page resent after losing its connection
                        conn.execute(r.insert().values(request=str(request)[:64], code=norm, at=time.time()))
                    if len(conn.execute(statement).all()) != 1:
                        raise _Closed  # roll back the request id too
                    return 1
            except _Closed:
                return 0

        if self._retry(insert, "save your answer") == 1:
            return
        status = self.session(norm)["status"]  # raises for an unknown code
        raise SessionError(
            f"Session {norm} is {status}, so no more answers can be sent to it. "
            "Ask the facilitator whether a new session has started and join that one."
        )

    def check_app(self, code: str, app: str) -> dict:
        """The session ``code``, or a plain :class:`kit.errors.SessionError` if it belongs to another app.

        >>> import tempfile, pathlib
        >>> store = Store("sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "apps.sqlite3"))
        >>> code = store.open_session("Health room", app="health-check")
        >>> store.check_app(code, "network-mapper")
        Traceback (most recent call last):
            ...
        kit.errors.SessionError: The code ... is for another app (health check), not this one (network mapper). Open the app the facilitator named, or check the code on the facilitator's screen.
        """
        info = self.session(code)
        if info["app"] and app and info["app"] != app:
            raise SessionError(
                f"The code {info['code']} is for another app ({info['app'].replace('-', ' ')}), not this one "
                f"({app.replace('-', ' ')}). Open the app the facilitator named, or check the code on the "
                "facilitator's screen."
            )
        return info

    # -- what the facilitator publishes -----------------------------------------------------------
    def publish(self, code: str, key: str, value) -> int:
        """Publish ``value`` (JSON-able) under ``key`` for the session ``code``; returns its new version.

        Participants' pages read it with :meth:`state`. It is not an answer: nobody is counted.

        >>> import tempfile, pathlib
        >>> store = Store("sqlite:///" + str(pathlib.Path(tempfile.mkdtemp()) / "state.sqlite3"))
        >>> code = store.open_session("Screening", app="evidence-screener")
        >>> store.publish(code, "titles", [["k1", "Mentoring in clusters"]])
        1
        >>> store.state(code, "titles")
        [['k1', 'Mentoring in clusters']]
        >>> store.state(code, "picture") is None
        True
        >>> len(store.answers(code))
        0
        """
        code = self._require_session(code)
        payload = json.dumps(value, ensure_ascii=False, allow_nan=False)
        if len(payload) > 20 * MAX_ANSWER_CHARS:
            raise InputError(f"That is too much to publish at once ({len(payload):,} characters).")
        t = self._state

        def write():
            with self._engine.begin() as conn:
                row = conn.execute(t.select().where((t.c.code == code) & (t.c.key == key))).mappings().first()
                if row is None:
                    conn.execute(t.insert().values(code=code, key=key, updated_at=time.time(), version=1, payload=payload))
                    return 1
                conn.execute(t.update().where((t.c.code == code) & (t.c.key == key))
                             .values(updated_at=time.time(), version=row["version"] + 1, payload=payload))
                return row["version"] + 1

        return int(self._retry(write, "publish to the session"))

    def state_version(self, code: str, key: str) -> int:
        """The version of the published ``key`` (0 if nothing yet): cheap to poll."""
        from sqlalchemy import select

        t = self._state
        query = select(t.c.version).where((t.c.code == normalise_code(code)) & (t.c.key == key))
        row = self._read(lambda c: c.execute(query).first(), "read the session")
        return 0 if row is None else int(row[0])

    def counts(self, code: str) -> tuple[int, int]:
        """``(people who answered, answers sent)`` of a session: people are pages, not names."""
        from sqlalchemy import case, distinct, func, select

        a = self._answers
        who = case((a.c.client == "", a.c.participant), else_=a.c.client)
        query = select(func.count(distinct(who)), func.count(a.c.id)).where(a.c.code == normalise_code(code))
        people, sent = self._read(lambda c: c.execute(query).one(), "read the answers")
        return int(people), int(sent)

    def state(self, code: str, key: str, default=None):
        """What the facilitator last published under ``key`` (``default`` if nothing yet)."""
        found = self.state_with_version(code, key)
        return default if found is None else found[1]

    def state_with_version(self, code: str, key: str):
        """``(version, value)`` of the published ``key``, or ``None``: poll the version, fetch on change."""
        from sqlalchemy import select

        t = self._state
        query = select(t.c.version, t.c.payload).where((t.c.code == normalise_code(code)) & (t.c.key == key))
        row = self._read(lambda c: c.execute(query).first(), "read the session")
        return None if row is None else (int(row[0]), json.loads(row[1]))

    # -- facilitator key attempts -----------------------------------------------------------------
    def record_wrong_key(self, at: float | None = None) -> None:
        """Note one wrong facilitator key at ``at`` (default now), shared by every page (:func:`kit.workshop.config.try_key`)."""
        when = time.time() if at is None else float(at)
        self._write("note the key attempt", self._keys.insert().values(at=when))

    def wrong_keys(self, since: float) -> list[float]:
        """Times of the wrong facilitator keys tried after ``since`` (a ``time.time()``), oldest first."""
        from sqlalchemy import select

        k = self._keys
        query = select(k.c.at).where(k.c.at > since).order_by(k.c.at)
        return [float(r[0]) for r in self._read(lambda c: c.execute(query).all(), "read the key attempts")]

    def is_open(self, code: str) -> bool:
        """True when the session exists and accepts answers."""
        try:
            return self.session(code)["status"] == "open"
        except SessionError:
            return False

    # -- reading --------------------------------------------------------------------------------
    def version(self, code: str) -> tuple[int, int]:
        """``(number of answers, highest answer id)``: cheap to poll; changes whenever answers change."""
        from sqlalchemy import func, select

        code = normalise_code(code)
        a = self._answers
        query = select(func.count(a.c.id), func.coalesce(func.max(a.c.id), 0)).where(a.c.code == code)
        n, top = self._read(lambda c: c.execute(query).one(), "read the answers")
        return int(n), int(top)

    def answers(self, code: str, latest: bool = False):
        """Every answer of a session as a DataFrame, oldest first.

        Columns: ``participant``, ``submitted_at`` (UTC timestamp), then one column per answer
        field (in the order first seen; missing fields are empty). With ``latest=True`` only each
        participant's most recent answer is kept (a participant who corrects an answer counts once;
        a page's ``client`` id is used when given, so two people with the same name both count).
        """
        import pandas as pd
        from sqlalchemy import select

        code = self._require_session(code)
        a = self._answers
        query = select(a.c.id, a.c.participant, a.c.client, a.c.submitted_at, a.c.answer).where(a.c.code == code).order_by(a.c.id)
        rows = self._read(lambda c: c.execute(query).all(), "read the answers")
        records, fields = [], {}
        for _id, participant, client, submitted, payload in rows:
            data = json.loads(payload)
            for key in data:
                fields.setdefault(key, None)
            records.append({"_client": client or participant, "participant": participant, "submitted_at": submitted, **data})
        frame = pd.DataFrame(records, columns=["_client", "participant", "submitted_at", *fields])
        if latest and len(frame):
            frame = frame.drop_duplicates("_client", keep="last")
        frame = frame.drop(columns="_client").reset_index(drop=True)
        frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], unit="s", utc=True)
        return frame

    def participants(self, code: str) -> list[str]:
        """Names of those who answered, one per person (page), in the order they first answered.

        Two people with the same name are both listed; one person sending twice is listed once.
        """
        return list(self.answers(code, latest=True)["participant"])

    def export_csv(self, code: str, path) -> Path:
        """Write every answer of a session to a UTF-8 CSV file (lists and dicts as JSON text); returns the path."""
        frame = self.answers(code)
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, (list, dict))).any():
                frame[col] = frame[col].map(
                    lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                )
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, encoding="utf-8")
        return path
