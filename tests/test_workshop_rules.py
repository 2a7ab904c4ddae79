"""Input rules of the workshop store and panels (issue 16 item 4), without a browser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kit.errors import InputError, SessionError
from kit.workshop import components as C
from kit.workshop import config
from kit.workshop import evidence_screener as es
from kit.workshop.store import MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS, SaveError, Store

KEY = "ROOM-KEY-FOR-TESTS"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_FACILITATOR_KEY", KEY)
    monkeypatch.setenv("KIT_WORKSHOP_TEST", "1")
    return Store(f"sqlite:///{tmp_path / 'rules.sqlite3'}")


def joined(store, app, code, name="Asha"):
    join = C.JoinPanel(app, store=store)
    join.code_input.value, join.name_input.value = code, name
    return join


def test_another_apps_join_code_is_refused_in_plain_words(store):
    code = store.open_session("Health room", app="health-check")
    join = joined(store, "network-mapper", code)
    assert not join.join() and not join.joined
    assert "is for another app (health check), not this one (network mapper)" in join.status.message
    with pytest.raises(SessionError, match="another app"):
        store.submit(code, "Will", {"school": "NLC01"}, app="network-mapper")
    assert len(store.answers(code)) == 0
    store.submit(code, "Dana", {"trust1": 4}, app="health-check")  # its own app is fine


def test_length_limits_give_a_plain_message(store):
    code = store.open_session("Room", app="network-mapper")
    with pytest.raises(InputError, match=f"Your name is {MAX_NAME_CHARS + 1} characters long; please keep it to at most {MAX_NAME_CHARS}"):
        store.submit(code, "x" * (MAX_NAME_CHARS + 1), {"school": "NLC01"})
    with pytest.raises(InputError, match=r"One of your answers \(school\) is 5,000 characters long"):
        store.submit(code, "Lucy", {"school": "s" * 5000})
    with pytest.raises(InputError, match=r"\(partners\)"):
        store.submit(code, "Lucy", {"partners": ["NLC02", "p" * (MAX_TEXT_CHARS + 1)]})
    with pytest.raises(InputError, match="The session title"):
        store.open_session("t" * (MAX_TITLE_CHARS + 1))
    join = joined(store, "network-mapper", code, name="L" * 5000)
    assert not join.join() and "Your name is 5,000 characters long" in join.status.message
    assert len(store.answers(code)) == 0


def test_people_are_counted_by_page_not_by_name(store):
    fac = C.FacilitatorPanel("network-mapper", "Mapper", store=store)
    assert fac.unlock(KEY)
    code = fac.open_session("Room")
    first, second = joined(store, "network-mapper", code), joined(store, "network-mapper", code)
    assert first.submit({"school": "NLC01"}) and second.submit({"school": "NLC02"})
    assert first.submit({"school": "NLC03"})  # a correction: still one person
    fac.refresh(force=True)
    assert "<b>2 answered</b> (3 sent in all)" in fac.who_html.value
    assert "Asha (2)" in fac.who_html.value
    assert store.participants(code) == ["Asha", "Asha"]


def test_a_new_code_typed_without_join_is_never_sent_to_the_old_session(store):
    old = store.open_session("Old", app="network-mapper")
    new = store.open_session("New", app="network-mapper")
    join = joined(store, "network-mapper", old)
    assert join.join()
    join.code_input.value = new.lower()
    assert not join.submit({"school": "NLC01"})
    assert f"The code in the box ({new}) is not the session you joined ({old}). Press Join" in join.status.message
    assert len(store.answers(old)) == 0 and len(store.answers(new)) == 0
    assert join.join() and join.submit({"school": "NLC01"})
    assert len(store.answers(new)) == 1


def test_the_screeners_flow_counts_only_voted_titles():
    import pandas as pd

    items = [(f"k{i}", f"Title {i}") for i in range(13)]
    answers = pd.DataFrame({"participant": ["A", "B"], "kind": ["votes", "votes"],
                            "votes": [["k0=include", "k1=exclude"], ["k0=include", "k1=exclude", "k2=exclude"]]})
    table = es.tally(answers, items)
    counts = es.room_prisma({"identified": [["export", 20]], "duplicates": 5, "not_sent": 2}, table).set_index("box")["n"]
    assert counts["screened"] == 3 and counts["excluded_screening"] == 2 and counts["included"] == 1
    assert counts["removed_other"] == 10 + 2  # 10 titles nobody voted on, 2 never sent


def test_the_facilitators_published_titles_are_state_not_a_participant(store):
    fac = C.FacilitatorPanel(es.APP, es.TITLE, store=store)
    assert fac.unlock(KEY)
    code = fac.open_session("Screening")
    store.publish(code, es.TITLES_KEY, {"titles": [["k1", "A title"]], "identified": [["x", 1]], "duplicates": 0})
    fac.refresh(force=True)
    assert "<b>0 answered</b>" in fac.who_html.value
    assert store.publish(code, es.TITLES_KEY, {"titles": []}) == 2
    assert store.state_with_version(code, es.TITLES_KEY) == (2, {"titles": []})
    store.delete_session(code)
    assert store.state(code, es.TITLES_KEY) is None


def test_a_missing_database_is_never_recreated_by_a_page(tmp_path):
    path = tmp_path / "room.sqlite3"
    with pytest.raises(SessionError, match=f"The workshop database is missing: there is no file {path}"):
        Store(f"sqlite:///{path}", create=False)
    assert not path.exists()
    store = Store(f"sqlite:///{path}", retries=1)  # what `kit workshop` does: create it
    code = store.open_session("Room")
    page = Store(f"sqlite:///{path}", create=False, retries=1)  # a participant's kernel
    page.submit(code, "Asha", {"v": 1})
    moved = tmp_path / "moved.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if (tmp_path / f"room.sqlite3{suffix}").exists():
            (tmp_path / f"room.sqlite3{suffix}").rename(tmp_path / f"moved.sqlite3{suffix}")
    page._engine.dispose()  # a new connection, as a new page or a reconnect makes
    with pytest.raises(SaveError, match=f"the workshop database file is missing \\(looked for {path}\\)"):
        page.submit(code, "Ben", {"v": 2})
    assert not path.exists() and moved.exists()


def test_key_attempts_slow_down_room_wide_lock_out_and_never_hold_the_real_key_long(store, tmp_path):
    clock = [1_000_000.0]
    waits = []

    def sleep(s):
        waits.append(s)
        clock[0] += s

    other_page = Store(store.url)  # another participant's kernel: the count is shared
    for i in range(config.KEY_LOCK_AFTER - 1):
        result = config.try_key(f"guess-{i}", store if i % 2 else other_page, now=lambda: clock[0], sleep=sleep)
        assert not result.ok and "not the facilitator key" in result.message
    assert waits[:3] == [0.25, 0.5, 1.0] and max(waits) == config.KEY_MAX_DELAY
    locked = config.try_key("guess-last", store, now=lambda: clock[0], sleep=sleep)
    assert not locked.ok and "Key checks are slowed down: 10 wrong keys were tried" in locked.message
    waits.clear()
    real = config.try_key(KEY, store, now=lambda: clock[0], sleep=sleep)
    assert real.ok and real.recent == 10 and sum(waits) <= config.KEY_MAX_DELAY
    store.record_wrong_key()  # one in real time, for the panel below
    fac = C.FacilitatorPanel("demo", "Demo", store=store)
    assert fac.unlock(KEY) and "Note: 1 wrong" in fac.status.message and "wrong facilitator key(s) were tried" in fac.status.message


def test_a_short_hand_set_key_is_refused_by_kit_workshop(tmp_path):
    import os

    env = dict(os.environ, KIT_DATA_DIR=str(tmp_path), KIT_FACILITATOR_KEY="my-key")
    done = subprocess.run([sys.executable, "-m", "kit.cli", "workshop", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "use at least 12" in done.stderr
    assert config.key_problem(KEY) is None
