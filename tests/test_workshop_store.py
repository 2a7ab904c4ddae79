"""The live workshop store: no lost answers under concurrency, exact text, sessions kept apart,
on SQLite (WAL) and on a real PostgreSQL server started by the test from Debian's packages."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from kit.errors import InputError, SessionError
from kit.workshop import check_key, facilitator_key
from kit.workshop.store import SaveError, Store, normalise_code

from kit.workshop.store import MAX_NAME_CHARS, MAX_TEXT_CHARS  # noqa: E402

NASTY = {
    "html": '<img src=x onerror="alert(1)"><script>alert("x")</script><b>bold</b>',
    "long": "ä" * (MAX_TEXT_CHARS - 3) + "end",  # as long as a text may be
    "emoji": "🏫🤝📈 👩🏽‍🏫 family 👨‍👩‍👧‍👦",
    "rtl": "مدرسة الشراكة \u202eevil\u202c שלום",
    "quotes": "Robert'); DROP TABLE kit_answers;-- \"x\" \\ \n\t newline",
    "nul_free_control": "\u0007bell \u200b zero-width",
}


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")


def test_sqlite_uses_wal(store, tmp_path):
    from sqlalchemy import text

    with store._engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_round_trip_one_column_per_field(store, tmp_path):
    code = store.open_session("Trio day", app="demo")
    store.submit(code, "Asha", {"school": "NLC01", "trust": 4})
    store.submit(code.lower(), "Ben", {"school": "NLC02", "goals": 5})  # codes typed in lower case still work
    frame = store.answers(code)
    assert list(frame.columns) == ["participant", "submitted_at", "school", "trust", "goals"]
    assert frame["participant"].tolist() == ["Asha", "Ben"]
    assert pd.isna(frame.loc[0, "goals"]) and frame.loc[1, "goals"] == 5
    assert store.participants(code) == ["Asha", "Ben"]
    assert store.version(code)[0] == 2
    out = store.export_csv(code, tmp_path / "out" / "answers.csv")
    back = pd.read_csv(out)
    assert back["school"].tolist() == ["NLC01", "NLC02"]


def test_latest_keeps_each_participants_last_answer(store):
    code = store.open_session("x")
    store.submit(code, "Asha", {"v": 1}, client="page-1")
    store.submit(code, "Asha", {"v": 2}, client="page-1")
    store.submit(code, "Asha", {"v": 3}, client="page-2")  # a different person who is also called Asha
    assert store.answers(code, latest=True)["v"].tolist() == [2, 3]
    assert len(store.answers(code)) == 3


def test_unknown_and_closed_sessions_raise_kit_errors(store):
    with pytest.raises(SessionError, match="no workshop session with the code"):
        store.submit("NOPE42", "Asha", {"v": 1})
    with pytest.raises(SessionError):
        store.answers("NOPE42")
    code = store.open_session("x")
    store.submit(code, "Asha", {"v": 1})
    store.close_session(code)
    with pytest.raises(SessionError, match="closed"):
        store.submit(code, "Ben", {"v": 2})
    assert len(store.answers(code)) == 1  # the closed session keeps its answers
    store.reopen_session(code)
    store.submit(code, "Ben", {"v": 2})
    assert len(store.answers(code)) == 2


def test_bad_answers_are_refused_in_plain_words(store):
    code = store.open_session("x")
    with pytest.raises(InputError, match="name"):
        store.submit(code, "  ", {"v": 1})
    with pytest.raises(InputError, match="non-empty dict"):
        store.submit(code, "Asha", "just text")
    with pytest.raises(InputError, match="participant"):
        store.submit(code, "Asha", {"participant": "someone else"})
    with pytest.raises(InputError, match="only text, numbers"):
        store.submit(code, "Asha", {"v": object()})
    assert store.version(code) == (0, 0)


def test_sessions_are_kept_apart_and_clear_touches_one_session(store):
    a, b = store.open_session("room A"), store.open_session("room B")
    assert a != b
    store.submit(a, "Asha", {"v": 1})
    store.submit(b, "Ben", {"v": 2})
    assert store.answers(a)["participant"].tolist() == ["Asha"]
    assert store.clear(a) == 1
    assert len(store.answers(a)) == 0 and len(store.answers(b)) == 1
    store.delete_session(b)
    with pytest.raises(SessionError):
        store.answers(b)


def test_nasty_text_is_stored_exactly(store):
    code = store.open_session('<script>alert("title")</script>')
    store.submit(code, NASTY["html"], dict(NASTY))
    row = store.answers(code).iloc[0]
    assert row["participant"] == NASTY["html"]
    for key, value in NASTY.items():
        assert row[key] == value, key
    assert store.session(code)["title"] == '<script>alert("title")</script>'


def test_fifty_concurrent_threads_give_exactly_fifty_rows(store):
    code = store.open_session("burst")

    def send(i):
        Store(store.url).submit(code, f"participant {i}", {"i": i, "text": NASTY["emoji"]}, client=str(i))

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(send, range(50)))
    frame = store.answers(code)
    assert len(frame) == 50
    assert sorted(frame["i"]) == list(range(50))


_SUBMITTER = """
import sys
from kit.workshop.store import Store
url, code, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = Store(url)
for i in range(start, start + count):
    store.submit(code, f"p{i}", {"i": i}, client=f"c{i}")
"""


def _processes_submit(url, code, processes=10, each=5):
    procs = [
        subprocess.Popen([sys.executable, "-c", _SUBMITTER, url, code, str(k * each), str(each)])
        for k in range(processes)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)


def test_fifty_answers_from_ten_processes_give_exactly_fifty_rows(store):
    """Each Voila page is its own kernel process: simulate ten of them sending five answers each."""
    code = store.open_session("burst")
    _processes_submit(store.url, code)
    assert sorted(store.answers(code)["i"]) == list(range(50))


def test_a_locked_database_is_retried_then_the_participant_is_told(tmp_path):
    import sqlite3

    path = tmp_path / "locked.sqlite3"
    store = Store(f"sqlite:///{path}", retries=2)
    code = store.open_session("x")
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the lock
    store._engine.dispose()
    # A short busy timeout so the test is quick; the store retries on its own as well.
    from sqlalchemy import event

    @event.listens_for(store._engine, "connect")
    def _short(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    with pytest.raises(SaveError, match="Nothing was saved"):
        store.submit(code, "Asha", {"v": 1})
    blocker.rollback()  # the lock goes away: the next try succeeds
    store.submit(code, "Asha", {"v": 1})
    blocker.close()
    assert len(store.answers(code)) == 1


def test_brief_lock_is_retried_transparently(tmp_path):
    import sqlite3
    import threading

    path = tmp_path / "brief.sqlite3"
    store = Store(f"sqlite:///{path}")
    code = store.open_session("x")
    blocker = sqlite3.connect(path, timeout=0, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.5, blocker.rollback).start()
    store.submit(code, "Asha", {"v": 1})  # waits, retries, succeeds
    assert len(store.answers(code)) == 1


def test_join_codes_are_forgiving():
    assert normalise_code(" k7m-q2x ") == "K7MQ2X"


def test_facilitator_key_from_environment_or_generated(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIT_FACILITATOR_KEY", raising=False)
    key = facilitator_key()
    assert len(key) == 14 and (tmp_path / "facilitator.key").stat().st_mode & 0o077 == 0
    assert facilitator_key() == key  # kept across restarts
    assert check_key(key.lower()) and not check_key("WRONG") and not check_key("")
    monkeypatch.setenv("KIT_FACILITATOR_KEY", "room-42-key")
    assert facilitator_key() == "room-42-key" and check_key("ROOM-42-KEY")


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a real server from Debian's packages, started here in a temporary folder.

def _pg_bin() -> Path | None:
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / "initdb").exists() and (base / "pg_ctl").exists():
            return base
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (Debian package 'postgresql'; `make test` installs it)")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:  # initdb refuses to run as root: run it as Debian's postgres user
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="kit-pg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, port = root / "data", _free_port()
    run = lambda *cmd: subprocess.run([*as_user, *map(str, cmd)], check=True, capture_output=True, text=True)  # noqa: E731
    run(bindir / "initdb", "-D", data, "-U", "kit", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(bindir / "pg_ctl", "-D", data, "-o", opts, "-l", root / "log", "-w", "-t", "60", "start")
    try:
        yield f"postgresql://kit@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_round_trip_nasty_text_and_closed_session(postgres_url):
    store = Store(postgres_url)
    assert store._engine.dialect.name == "postgresql"
    code = store.open_session("pg room")
    store.submit(code, NASTY["rtl"], dict(NASTY))
    row = store.answers(code).iloc[0]
    assert row["participant"] == NASTY["rtl"]
    assert all(row[k] == v for k, v in NASTY.items())
    store.close_session(code)
    with pytest.raises(SessionError, match="closed"):
        store.submit(code, "late", {"v": 1})
    with pytest.raises(SessionError, match="no workshop session"):
        store.submit("ZZZZZZ", "x", {"v": 1})


def test_postgresql_fifty_concurrent_submitters(postgres_url):
    store = Store(postgres_url)
    code = store.open_session("pg burst")
    with ThreadPoolExecutor(max_workers=25) as pool:
        list(pool.map(lambda i: store.submit(code, f"t{i}", {"i": i}, client=f"t{i}"), range(25)))
    _processes_submit(postgres_url, code, processes=5, each=5)
    frame = store.answers(code)
    assert len(frame) == 50
    assert sorted(frame["i"]) == sorted(list(range(25)) + list(range(25)))


def test_postgresql_store_url_from_environment(postgres_url, monkeypatch):
    monkeypatch.setenv("KIT_STORE_URL", postgres_url)
    store = Store()
    assert store._engine.dialect.name == "postgresql" and "kit@" in repr(store)
