"""Work a page does in the background: polling for answers, drawing the newest answers, a first draw once shown.

Threads are a choice passed in (``threads=True/False``); left at ``None`` they are used except when
the test suite runs the apps headless (``KIT_WORKSHOP_TEST=1``, see :func:`use_threads`), where
everything runs at once on the caller's thread so tests need no waiting.

>>> calls = []
>>> draw = NewestOnly(calls.append, threads=False)
>>> draw("first"); draw("second")
>>> calls
['first', 'second']
"""

from __future__ import annotations

import threading
from typing import Callable

__all__ = ["use_threads", "Poller", "NewestOnly", "when_shown"]


def use_threads(threads: bool | None = None) -> bool:
    """``threads`` if given, else True unless the apps run headless in the test suite (``KIT_WORKSHOP_TEST``).

    >>> use_threads(False), use_threads(True)
    (False, True)
    """
    if threads is not None:
        return bool(threads)
    from kit.workshop.config import test_mode

    return not test_mode()


class Poller:
    """Call ``fn`` every ``interval`` seconds on a background thread until :meth:`stop`.

    Exceptions inside ``fn`` are reported through ``on_error`` and polling continues. With
    ``threads=False`` (by default under ``KIT_WORKSHOP_TEST``) it never starts: call ``fn`` yourself.

    >>> poller = Poller(lambda: None, threads=False)
    >>> poller.start(); poller.running
    False
    """

    def __init__(self, fn: Callable[[], None], interval: float = 1.0, on_error: Callable[[Exception], None] | None = None,
                 threads: bool | None = None):
        self.fn, self.interval, self.on_error, self.threads = fn, interval, on_error, threads
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start polling (nothing happens if it already runs, or threads are off)."""
        if not use_threads(self.threads) or (self._thread and self._thread.is_alive()):
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
        """Stop after the current call."""
        self._stop.set()

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())


class NewestOnly:
    """Call ``fn(value)`` on a worker thread; values that arrive while it works are dropped but the newest.

    So a slow drawing never holds up the caller (the poller), and the room view always ends on the
    newest answers. Exceptions go to ``on_error``. With ``threads=False`` each call runs at once.
    """

    def __init__(self, fn: Callable[[object], None], on_error: Callable[[Exception], None] | None = None,
                 threads: bool | None = None):
        self.fn, self.on_error, self.threads = fn, on_error, threads
        self._lock = threading.Lock()
        self._pending = None
        self._busy = False

    def __call__(self, value) -> None:
        if not use_threads(self.threads):
            self.fn(value)
            return
        with self._lock:
            self._pending = value
            if self._busy:
                return
            self._busy = True
        threading.Thread(target=self._loop, name="kit-draw", daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                value, self._pending = self._pending, None
                if value is None:
                    self._busy = False
                    return
            try:
                self.fn(value)
            except Exception as err:  # noqa: BLE001 - keep the panel alive; say what failed
                if self.on_error:
                    self.on_error(err)


def when_shown(widget, fn, fallback: float = 20.0, delay: float = 0.5) -> None:
    """Run ``fn`` (on a thread) when ``widget`` first appears on a page (or after ``fallback`` seconds).

    Changes made before the browser has connected to the kernel never reach the page (Voila sends
    the widgets' state once), so slow first results wait for the first view of the widget
    (ipywidgets' ``_view_count``). If the fallback ran before the page connected, the first view
    runs ``fn`` again, so the page always gets the result. ``fn`` must be safe to repeat. Give the
    page's LAST widget, and ``fn`` starts ``delay`` seconds after it appears: heavy imports then do
    not hold up the kernel while the browser is still asking it for the rest of the page.
    :func:`kit.workshop.pages.app_page` does this for its ``on_first_view``.
    """
    lock = threading.Lock()
    ran = threading.Event()

    def run():
        with lock:
            fn()
            ran.set()

    def on_views(change):
        if (change["new"] or 0) > 0 and not (change["old"] or 0):
            timer = threading.Timer(delay, run)
            timer.daemon = True
            timer.start()

    def late():
        if not ran.is_set() and not lock.locked():
            run()

    widget._view_count = 0
    widget.observe(on_views, names="_view_count")
    timer = threading.Timer(fallback, late)
    timer.daemon = True
    timer.start()
