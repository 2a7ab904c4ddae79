"""Shared fixtures. Browser harness: Voila (started exactly as `kit workshop` starts it) + Debian's
chromium driven by Playwright for Python.

Use in a test module::

    pytestmark = pytest.mark.browser

    def test_app_renders(voila, page):
        server = voila()                         # the workshops/ folder (session-wide server)
        page.goto(server.url("03-network-mapper.ipynb"))
        page.wait_for_selector(".kit-app", timeout=60_000)

* ``voila(target=None)`` starts (once per session and target) Voila on a free port for a notebook or
  a folder (default ``workshops/``), with a temporary data folder (``server.data_dir``), its own
  SQLite store and a known facilitator key (``server.key``). ``server.url(path)`` gives the page.
* ``page`` is a fresh browser context + page; ``new_page()`` makes more (several participants).
  Every page made by them is watched: the test FAILS on any console error, any page exception,
  any warning outside :data:`ALLOWED_WARNINGS`, or any request to a host other than localhost
  (such requests are also blocked, as if the venue had no internet).
* Never run ``playwright install``: the harness uses ``/usr/bin/chromium`` (Debian package).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
TEST_KEY = "TEST-KEY-1234-ROOM"  # long enough for kit workshop (12+ letters and digits)

# Console warnings every Voila 0.5.13 page logs and that are not ours to fix: Voila bundles
# JupyterLab 4.2.5 core while the widgets extension asks for ^4.6, so the module federation prints
# version-mismatch warnings. Anything else at level "warning" fails the test.
ALLOWED_WARNINGS = [
    re.compile(r"^No satisfying version \(\^[\d.]+\) of shared module @jupyterlab/[\w-]+ found in shared scope default"),
    re.compile(r"^Unsatisfied version [\d.]+ from \S+ of shared singleton module @jupyterlab/[\w-]+"),
]


@dataclass
class VoilaServer:
    port: int
    target: Path
    data_dir: Path
    key: str
    log: Path
    proc: object = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, notebook: str = "") -> str:
        """Page of a notebook (relative to the served folder); '' = the folder page / single notebook."""
        if not notebook:
            return self.base
        return f"{self.base}voila/render/{notebook}"


@pytest.fixture(scope="session")
def voila():
    """Factory: ``voila(target=None, **options)`` -> running :class:`VoilaServer` (cached per target)."""
    from kit.workshop.server import free_port, start, wait_until_up
    from kit.workshop.store import Store

    servers: dict[tuple, VoilaServer] = {}
    tmp = Path(tempfile.mkdtemp(prefix="kit-voila-"))

    def get(target: str | Path | None = None, **options) -> VoilaServer:
        target = Path(target) if target else ROOT / "workshops"
        cache_key = (str(target), repr(sorted(options.items())))
        if cache_key in servers and servers[cache_key].proc.poll() is None:
            return servers[cache_key]
        n = len(servers)
        data_dir = tmp / f"data{n}"
        data_dir.mkdir()
        port = free_port()
        log = tmp / f"voila{n}.log"
        env = dict(os.environ, KIT_DATA_DIR=str(data_dir), KIT_FACILITATOR_KEY=TEST_KEY)
        env.pop("KIT_STORE_URL", None)
        options.setdefault("ip", "127.0.0.1")
        Store(f"sqlite:///{data_dir / 'workshop.sqlite3'}")  # as `kit workshop` does: pages never create it
        proc = start(target, port, env=env, log=log.open("w"), **options)
        try:
            wait_until_up(port, proc, timeout=90)
        except RuntimeError as err:
            pytest.fail(f"{err}\n--- Voila log ---\n{log.read_text()[-3000:]}")
        server = VoilaServer(port, target, data_dir, TEST_KEY, log, proc)
        servers[cache_key] = server
        return server

    yield get
    for server in servers.values():
        if server.proc.poll() is None:
            os.killpg(server.proc.pid, signal.SIGTERM)
            try:
                server.proc.wait(timeout=15)
            except Exception:  # noqa: BLE001
                os.killpg(server.proc.pid, signal.SIGKILL)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium (skips the browser tests with a reason if it is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'; `make test` installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python package) is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class PageWatch:
    """What a watched page did that fails a test."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    outside: list = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"console error: {e}" for e in self.errors] + [f"console warning: {w}" for w in self.warnings] + [
            f"request to an outside host: {u}" for u in self.outside
        ]


def watch(context, record: PageWatch) -> None:
    """Block and record every non-local request of ``context``; record console errors/warnings of its pages."""

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            r.continue_()
        else:
            record.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)

    def on_console(msg):
        if msg.type == "error":
            record.errors.append(msg.text)
        elif msg.type == "warning" and not any(p.search(msg.text) for p in ALLOWED_WARNINGS):
            record.warnings.append(msg.text)

    def on_page(p):
        p.on("console", on_console)
        p.on("pageerror", lambda exc: record.errors.append(f"page exception: {exc}"))

    context.on("page", on_page)


@pytest.fixture
def new_page(browser):
    """Factory: a watched page in a fresh browser context (one per participant)."""
    contexts, record = [], PageWatch()

    def make(viewport=None):
        ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        ctx.set_default_timeout(60_000)
        watch(ctx, record)
        contexts.append(ctx)
        return ctx.new_page()

    make.record = record
    yield make
    for ctx in contexts:
        ctx.close()
    problems = record.problems()
    assert not problems, "The pages misbehaved:\n" + "\n".join(problems[:20])


@pytest.fixture
def page(new_page):
    """One watched page in a fresh browser context."""
    return new_page()
