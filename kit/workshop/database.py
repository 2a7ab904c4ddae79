"""The workshop database underneath :class:`kit.workshop.store.Store`: its URL, one engine per URL, the tables, retries.

SQLite (WAL) by default, PostgreSQL (psycopg 3) when ``KIT_STORE_URL`` names one. Locked or
briefly unreachable databases are retried with back-off; if that fails the caller gets
:class:`SaveError` (a :class:`kit.errors.SessionError`) to show the participant.

>>> sqlite_path("sqlite:////tmp/room/workshop.sqlite3")
PosixPath('/tmp/room/workshop.sqlite3')
>>> sqlite_path("sqlite://") is None, sqlite_path("postgresql://kit@db:5432/kit") is None
(True, True)
>>> [t.name for t in tables()[1:]]
['kit_sessions', 'kit_answers', 'kit_session_state', 'kit_key_attempts', 'kit_requests']
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

from kit.errors import SessionError

__all__ = ["SaveError", "default_url", "sqlite_path", "engine", "tables", "retry"]


class SaveError(SessionError):
    """The database stayed locked or unreachable after several tries: the answer was NOT saved."""


def default_url() -> str:
    """``KIT_STORE_URL`` if set, else an SQLite file ``workshop.sqlite3`` in :func:`kit.workshop.data_dir`."""
    url = os.environ.get("KIT_STORE_URL", "").strip()
    if url:
        return url
    from kit.workshop.config import data_dir

    return f"sqlite:///{data_dir() / 'workshop.sqlite3'}"


def sqlite_path(url: str) -> Path | None:
    """The database file of an SQLite URL (``None`` for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


_ENGINES: dict[str, object] = {}
_ENGINES_LOCK = threading.Lock()


def engine(url: str):
    """One SQLAlchemy engine (connection pool) per URL and process; SQLite files are opened read-write, never created.

    >>> engine("sqlite://") is engine("sqlite://"), engine("sqlite://").dialect.name
    (True, 'sqlite')
    """
    with _ENGINES_LOCK:
        if url in _ENGINES:
            return _ENGINES[url]
        from sqlalchemy import create_engine, event

        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url_driver = "postgresql+psycopg://" + url.split("://", 1)[1]
        else:
            url_driver = url
        if url_driver.startswith("sqlite"):
            path = sqlite_path(url_driver)
            if path is not None:
                import sqlite3
                from urllib.parse import quote

                # mode=rw: a connection never creates the file. If the database is moved or deleted
                # while the room works, saving fails loudly instead of filling a new empty file.
                uri = f"file:{quote(str(path.resolve()))}?mode=rw"
                from sqlalchemy.pool import QueuePool

                # QueuePool as for any SQLite file ("sqlite://" alone would mean one shared in-memory connection)
                made = create_engine("sqlite://", poolclass=QueuePool, creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=10, check_same_thread=False))
            else:
                made = create_engine(url_driver, connect_args={"timeout": 10, "check_same_thread": False})

            @event.listens_for(made, "connect")
            def _pragmas(dbapi_conn, _record):  # WAL: readers never block the writer
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=10000")
                cur.close()
        else:
            made = create_engine(url_driver, pool_pre_ping=True, pool_size=5, max_overflow=20)
        _ENGINES[url] = made
        return made


def tables():
    """The metadata and the five tables: sessions, answers, published state, wrong keys, request ids."""
    from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

    md = MetaData()
    sessions = Table(
        "kit_sessions",
        md,
        Column("code", String(16), primary_key=True),
        Column("title", Text, nullable=False),
        Column("app", Text, nullable=False, default=""),
        Column("status", String(10), nullable=False),
        Column("created_at", Float, nullable=False),
        Column("closed_at", Float),
    )
    answers = Table(
        "kit_answers",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("code", String(16), ForeignKey("kit_sessions.code", ondelete="CASCADE"), nullable=False, index=True),
        Column("participant", Text, nullable=False),
        Column("client", Text, nullable=False, default=""),
        Column("submitted_at", Float, nullable=False),
        Column("answer", Text, nullable=False),
    )
    # What a facilitator publishes to a session (the screener's titles, the room's picture):
    # one value per (code, key), never counted as an answer.
    state = Table(
        "kit_session_state",
        md,
        Column("code", String(16), ForeignKey("kit_sessions.code", ondelete="CASCADE"), primary_key=True),
        Column("key", String(64), primary_key=True),
        Column("updated_at", Float, nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("payload", Text, nullable=False),
    )
    # Wrong facilitator keys, shared by every page (see kit.workshop.keys).
    keys = Table(
        "kit_key_attempts",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", Float, nullable=False, index=True),
    )
    # Ids of sends already saved (a light page resends after a lost connection: saved once).
    requests = Table(
        "kit_requests",
        md,
        Column("request", String(64), primary_key=True),
        Column("code", String(16), nullable=False),
        Column("at", Float, nullable=False),
    )
    return md, sessions, answers, state, keys, requests



def retry(action, what: str, retries: int, url: str):
    """``action()``, retried with back-off while the database at ``url`` is locked or unreachable.

    After ``retries`` more tries (about 10 s in all for 8) it raises :class:`SaveError` saying that
    nothing was saved; ``what`` completes "Could not ...". An ``IntegrityError`` is raised at once.

    >>> retry(lambda: 42, "read the answers", retries=2, url="sqlite://")
    42
    """
    from sqlalchemy.exc import DBAPIError, IntegrityError

    delay = 0.05
    for attempt in range(retries + 1):
        try:
            return action()
        except IntegrityError:
            raise
        except DBAPIError as err:  # locked (SQLite), connection lost / server restarting (PostgreSQL)
            path = sqlite_path(url)
            if path is not None and not path.exists():
                raise SaveError(
                    f"Could not {what}: the workshop database file is missing (looked for {path}). "
                    "Nothing was saved. Tell the facilitator."
                ) from err
            if attempt == retries:
                raise SaveError(
                    f"Could not {what}: the workshop database is busy or unreachable "
                    f"({type(err.orig).__name__ if err.orig is not None else 'error'}). Nothing was saved. "
                    "Wait a moment and try again; if it keeps failing, tell the facilitator."
                ) from err
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)
