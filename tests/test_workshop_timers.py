"""kit.workshop.timers: the threaded paths the app tests skip (they run with KIT_WORKSHOP_TEST), and the threads= choice."""

from __future__ import annotations

import threading
import time

import pytest

from kit.workshop import components as C
from kit.workshop.store import Store
from kit.workshop.timers import NewestOnly, Poller, use_threads


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_threads_follow_the_test_switch_unless_chosen(monkeypatch):
    monkeypatch.setenv("KIT_WORKSHOP_TEST", "1")
    assert not use_threads() and use_threads(True)
    monkeypatch.delenv("KIT_WORKSHOP_TEST")
    assert use_threads() and not use_threads(False)


def test_a_slow_drawing_ends_on_the_newest_value_and_skips_the_ones_between(monkeypatch):
    monkeypatch.delenv("KIT_WORKSHOP_TEST", raising=False)
    release, drawn = threading.Event(), []

    def draw(value):
        if value == 1:
            release.wait(5)
        drawn.append(value)

    newest = NewestOnly(draw)
    newest(1)
    assert wait_for(lambda: newest._busy)
    for value in (2, 3, 4):  # arrive while 1 is still being drawn
        newest(value)
    release.set()
    assert wait_for(lambda: not newest._busy)
    assert drawn == [1, 4]


def test_drawing_errors_are_reported_and_the_next_value_still_drawn(monkeypatch):
    monkeypatch.delenv("KIT_WORKSHOP_TEST", raising=False)
    errors, drawn = [], []

    def draw(value):
        if value == "bad":
            raise ValueError("no picture")
        drawn.append(value)

    newest = NewestOnly(draw, on_error=errors.append)
    newest("bad")
    assert wait_for(lambda: errors and not newest._busy)
    newest("good")
    assert wait_for(lambda: drawn == ["good"])
    assert [str(e) for e in errors] == ["no picture"]


def test_poller_keeps_polling_after_an_error_and_stops(monkeypatch):
    monkeypatch.delenv("KIT_WORKSHOP_TEST", raising=False)
    calls, errors = [], []

    def poll():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("store away")

    poller = Poller(poll, interval=0.01, on_error=errors.append)
    poller.start()
    assert wait_for(lambda: len(calls) >= 3) and poller.running
    poller.stop()
    assert wait_for(lambda: not poller.running)
    assert [str(e) for e in errors] == ["store away"]
    assert not Poller(poll, threads=False).running


def test_facilitator_panel_without_threads_draws_at_once_and_never_polls(tmp_path, monkeypatch):
    monkeypatch.delenv("KIT_WORKSHOP_TEST", raising=False)  # the choice is passed in, not read from the switch
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_FACILITATOR_KEY", "KEY-1")
    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    seen = []
    fac = C.FacilitatorPanel("demo", "Demo", on_answers=lambda frame: seen.append(list(frame["participant"])),
                             store=store, threads=False)
    assert fac.unlock("KEY-1") and not fac.poller.running
    code = fac.open_session("Room")
    store.submit(code, "Asha", {"v": 1})
    fac.refresh()
    assert seen[-1] == ["Asha"] and "1 answered" in fac.who_html.value


@pytest.mark.parametrize("show", [False, True])
def test_app_page_runs_the_first_view_once_when_it_cannot_wait(show, monkeypatch):
    monkeypatch.delenv("KIT_WORKSHOP_TEST", raising=False)
    monkeypatch.setattr("IPython.display.display", lambda *_a, **_k: None)
    runs = []
    C.app_page("Demo", "Purpose.", ["Q1?", "Q2?", "Q3?"], show=show, on_first_view=lambda: runs.append(1),
               threads=False)
    assert runs == [1]
