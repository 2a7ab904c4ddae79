"""Workshop apps in a real browser: first render vs an empty notebook, round trip, live refresh,
memory per participant, a room joining at once, memory after many visits with culling.

    .venv/bin/python benchmarks/workshop.py [--loads 5] [--room 30] [--browser-room N] [--visits 50]

Voila is started exactly as ``kit workshop`` starts it (kit.workshop.server), Debian's chromium is
driven headless by Playwright, every non-local request is blocked. The browser runs on the same
2 cores as the server, so the room figures are pessimistic. Anchors (issue 8; figures in benchmarks/README.md):
empty notebook 1.56 s; goal ratio <= 1.3; round trip goal < 100 ms (measured 14-30 ms for a
slider); one kernel 104-137 MiB; 10 simultaneous visitors saw a simple app after ~12.6 s (goal:
30 within 10 s); memory should return to baseline once visitors leave.

A room joining at once is measured twice. The server's share: ``--room`` simulated participants
(benchmarks/participants.py: each fetches the page and every file Chromium fetched for it and asks
the kernel for the widgets' state, as a page does) without a pool and with ``kit workshop --pool N
--pool-apps 03`` (N = the room); plus one device's own drawing time (a real page alone minus its
server share), since in the room each participant's device draws its own page. The simulated
participants run on the same 2 cores as the server (about 5 CPU seconds for 30), so the figures are
pessimistic. With ``--browser-room N``, also N real Chromium pages at once on the benchmark's own 2
cores (the anchor had 10), where Chromium's drawing of every page competes with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from kit.workshop.server import free_port, kernel_processes, start, wait_for_kernels, wait_until_up  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import participants  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
        # Each participant has the app in the foreground of their own device. Without these, Chromium
        # treats all but one of the benchmark's pages as background tabs and throttles their timers
        # and animation frames, which JupyterLab's widget rendering waits on.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows"]
KEY = "BENCH-KEY"
EMPTY = "_empty.ipynb"
READY = {EMPTY: "#rendered_cells h1", "index.ipynb": ".kit-cards a"}  # apps: their first button
APP_READY = ".kit-app :is(button, input, select, textarea):visible"  # an app's first control
MIB = 1024 * 1024


def prepare(folder: Path) -> list[str]:
    import nbformat

    for nb in (ROOT / "workshops").glob("*.ipynb"):
        shutil.copy(nb, folder / nb.name)
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Empty notebook\n\nNothing else.")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(empty, folder / EMPTY)
    return ["index.ipynb"] + sorted(p.name for p in folder.glob("[0-9][0-9]-*.ipynb"))


class Server:
    def __init__(self, folder: Path, data: Path, **options):
        self.port = free_port()
        env = dict(os.environ, KIT_DATA_DIR=str(data), KIT_FACILITATOR_KEY=KEY)
        env.pop("KIT_STORE_URL", None)
        self.log = (data / f"voila-{self.port}.log").open("w")
        self.proc = start(folder, self.port, env=env, log=self.log, ip="127.0.0.1", **options)
        wait_until_up(self.port, self.proc, timeout=120)

    def url(self, nb: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{nb}"

    def kernels(self) -> list[psutil.Process]:
        return kernel_processes(self.proc.pid)

    def rss(self) -> float:
        """Resident memory of the server and all its kernels, MiB."""
        procs = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / MIB

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except Exception:  # noqa: BLE001
            os.killpg(self.proc.pid, signal.SIGKILL)


def context(browser, outside: list):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(180_000)

    def route(r):
        host = r.request.url.split("/")[2].split(":")[0] if "://" in r.request.url else ""
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


def first_render(browser, server: Server, nb: str, outside: list) -> float:
    ctx = context(browser, outside)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(server.url(nb), wait_until="commit")
    page.locator(READY.get(nb, APP_READY)).first.wait_for(state="visible")
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed


CLICK_AND_WAIT = """async ([button, status]) => {
    const target = document.querySelector(status);
    const before = target.innerText;
    const t0 = performance.now();
    document.querySelector(button).click();
    while (document.querySelector(status).innerText === before) {
        await new Promise(r => requestAnimationFrame(r));
        if (performance.now() - t0 > 10000) return -1;
    }
    return performance.now() - t0;
}"""


def round_trip(browser, server: Server, repeats: int, outside: list) -> list[float]:
    """Network mapper: press Send with/without a school; time until the status line changes (ms)."""
    ctx = context(browser, outside)
    page = ctx.new_page()
    page.goto(server.url("03-network-mapper.ipynb"))
    page.locator(".kit-net-send").wait_for()
    times = []
    for i in range(repeats + 2):
        page.locator(".kit-net-school input").fill("" if i % 2 else "NLC01")
        page.wait_for_timeout(150)  # let the text reach the kernel first
        ms = page.evaluate(CLICK_AND_WAIT, [".kit-net-send", ".kit-net-status"])
        if i >= 2:  # the first two warm up
            times.append(ms)
    ctx.close()
    return times


def unlock(page) -> str:
    page.locator(".kit-fac-key input").fill(KEY)
    page.locator(".kit-fac-unlock").click()
    page.locator(".kit-fac-open").click()
    page.locator(".kit-code").wait_for()
    return page.locator(".kit-code").inner_text().strip()


def live_refresh(browser, server: Server, repeats: int, outside: list) -> list[float]:
    """Seconds from a participant pressing Send to the facilitator's view counting the answer."""
    fctx, pctx = context(browser, outside), context(browser, outside)
    fac, part = fctx.new_page(), pctx.new_page()
    fac.goto(server.url("03-network-mapper.ipynb"))
    code = unlock(fac)
    part.goto(server.url("03-network-mapper.ipynb"))
    part.locator(".kit-join-code input").fill(code)
    part.locator(".kit-join-name input").fill("Bench")
    part.locator(".kit-net-school input").fill("NLC01")
    times = []
    for i in range(1, repeats + 1):
        part.locator(".kit-net-partners textarea").fill(f"NLC{i + 1:02d}")
        part.wait_for_timeout(150)
        t0 = time.perf_counter()
        part.locator(".kit-net-send").click()
        fac.wait_for_function("(n) => document.querySelector('.kit-who').innerText.includes(n + ' sent in all')", arg=i, timeout=30_000)
        times.append(time.perf_counter() - t0)
    fctx.close()
    pctx.close()
    return times


READY_PROBE = """(() => {
    const timer = setInterval(() => {
        const el = document.querySelector('.kit-app button, .kit-app input, .kit-app select');
        if (el && el.offsetParent !== null) { window.__kitReady = performance.timeOrigin + performance.now(); clearInterval(timer); }
    }, 50);
})();"""


def burst(browser, server: Server, nb: str, n: int, outside: list, limit: float = 240) -> list[float]:
    """n participants open the same app at once; seconds until each sees its first control (inf: never).

    Each page records the moment its first control became visible itself (an init script), so the
    pages are timed in parallel rather than one after another.
    """
    ctxs = [context(browser, outside) for _ in range(n)]
    for c in ctxs:
        c.add_init_script(READY_PROBE)
    pages = [c.new_page() for c in ctxs]
    t0 = time.time()
    for p in pages:
        p.goto(server.url(nb), wait_until="commit")
    ready: dict[int, float] = {}
    while len(ready) < n and time.time() - t0 < limit:
        for i, p in enumerate(pages):
            if i not in ready:
                try:
                    at = p.evaluate("window.__kitReady || null")
                except Exception:  # noqa: BLE001 - page still navigating
                    at = None
                if at:
                    ready[i] = at / 1000 - t0
        time.sleep(0.5)
    for c in ctxs:
        c.close()
    return [ready.get(i, float("inf")) for i in range(n)]


def visits_then_cull(browser, folder: Path, data: Path, visits: int, cull: int, outside: list) -> dict:
    server = Server(folder, data, cull_idle=cull, cull_interval=5)
    try:
        time.sleep(1)
        base = server.rss()
        for _ in range(visits):
            ctx = context(browser, outside)
            page = ctx.new_page()
            page.goto(server.url("03-network-mapper.ipynb"))
            page.locator(APP_READY).first.wait_for(state="visible")
            ctx.close()
        after, kernels_after = server.rss(), len(server.kernels())
        deadline = time.monotonic() + cull + 60
        while time.monotonic() < deadline and server.kernels():
            time.sleep(2)
        time.sleep(2)
        return {"baseline": base, "after_visits": after, "kernels_after_visits": kernels_after,
                "after_cull": server.rss(), "kernels_after_cull": len(server.kernels())}
    finally:
        server.stop()


def assets_of(browser, server: Server, nb: str, outside: list) -> list[str]:
    """The local files a real Chromium fetches to show ``nb`` (what each simulated participant fetches)."""
    ctx = context(browser, outside)
    page = ctx.new_page()
    seen: list[str] = []
    base = f"http://127.0.0.1:{server.port}/"
    page.on("request", lambda r: seen.append(r.url) if r.url.startswith(base) and r.resource_type in (
        "script", "stylesheet", "font", "image") else None)
    page.goto(server.url(nb))
    page.locator(APP_READY).first.wait_for(state="visible")
    ctx.close()
    return [u[len(base) - 1:] for u in dict.fromkeys(seen)]


def assets_after(browser, server: Server, first: str, nb: str, outside: list) -> list[str]:
    """The local files Chromium still fetches for ``nb`` once it has shown ``first`` (the rest it takes
    from its cache). No routing here: Playwright's routing turns the browser's cache off; requests to
    other hosts are still noted."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    base = f"http://127.0.0.1:{server.port}/"
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
    page.goto(server.url(first))
    page.wait_for_selector(READY.get(first, APP_READY))
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    sent: dict[str, tuple[str, str]] = {}
    cached: set[str] = set()
    cdp.on("Network.requestWillBeSent", lambda e: sent.setdefault(e["requestId"], (e["request"]["url"], e.get("type", ""))))
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    page.goto(server.url(nb))
    page.locator(APP_READY).first.wait_for(state="visible")
    time.sleep(1)
    ctx.close()
    kinds = ("Script", "Stylesheet", "Font", "Image")
    urls = [url for rid, (url, kind) in sent.items() if rid not in cached and kind in kinds and url.startswith(base)]
    return [u[len(base) - 1:] for u in dict.fromkeys(urls)]


def wait_until_quiet(server: Server, kernels: int, limit: float = 900) -> float:
    """Wait until ``kernels`` kernels run and have finished their work (see kit.workshop.server); seconds taken."""
    took = wait_for_kernels(server.proc.pid, kernels, limit=limit)
    return float("inf") if took is None else took


def server_room(server: Server, nb: str, n: int, assets: list[str]) -> list[float]:
    results = participants.room(f"http://127.0.0.1:{server.port}/", nb, assets, n)
    failed = [r["error"] for r in results if "error" in r]
    if failed:
        print(f"    {len(failed)} participants never got the app, e.g. {failed[0]}")
    return [r["ready"] for r in results]


def seen_by(room: list[float], device: float, n: int) -> str:
    """Each participant sees the app after their server share plus their own device's drawing."""
    seen = sorted(t + device for t in room)
    return (f"server share + drawing: median {statistics.median(seen):.1f} s, last {seen[-1]:.1f} s, "
            f"within 10 s: {sum(t <= 10 for t in seen)} of {n} (goal: all {n} within 10 s)")


def describe(times: list[float]) -> str:
    seen = sorted(t for t in times if t != float("inf"))
    if not seen:
        return "nobody got the app"
    return (f"{len(seen)} of {len(times)} ready, median {statistics.median(times):.1f} s, last {seen[-1]:.1f} s, "
            f"within 10 s: {sum(t <= 10 for t in seen)}")


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so `finally` stops the Voila servers
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=5, help="page loads per notebook for first render (median)")
    ap.add_argument("--repeats", type=int, default=20, help="round trips to time")
    ap.add_argument("--room", type=int, default=30, help="simulated participants opening one app together")
    ap.add_argument("--browser-room", type=int, default=0,
                    help="also open this many real Chromium pages at once on this machine (slow: Chromium drawing them all on the same cores is what it measures)")
    ap.add_argument("--visits", type=int, default=50, help="visits before measuring memory after culling")
    ap.add_argument("--cull", type=int, default=20, help="idle seconds before a kernel is culled (benchmark only; the room default is 600)")
    ap.add_argument("--no-pool-burst", action="store_true", help="skip the room with a preheated pool sized for it")
    ap.add_argument("--skip-renders", action="store_true", help="skip first render, round trip, refresh and memory (room and culling only)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    folder, data = tmp / "workshops", tmp / "data"
    folder.mkdir()
    data.mkdir()
    notebooks = prepare(folder)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        server = Server(folder, data)
        try:
            if not args.skip_renders:
                print(f"First render (navigation -> first control visible), median of {args.loads} loads, fresh context each:")
                first_render(browser, server, EMPTY, outside)  # warm the server's caches
                times = {nb: [] for nb in [EMPTY, *notebooks]}
                for _ in range(args.loads):
                    for nb in times:
                        times[nb].append(first_render(browser, server, nb, outside))
                empty = statistics.median(times[EMPTY])
                print(f"  {'empty Voila notebook':<32} {empty:6.2f} s   (anchor 1.56 s)")
                for nb in notebooks:
                    m = statistics.median(times[nb])
                    print(f"  {nb:<32} {m:6.2f} s   ratio {m / empty:4.2f}  (goal <= 1.3)")

                rt = round_trip(browser, server, args.repeats, outside)
                print(f"Round trip, Send pressed -> status line updated (network mapper): median {statistics.median(rt):.0f} ms, "
                      f"max {max(rt):.0f} ms over {len(rt)} (goal < 100 ms)")
                lr = live_refresh(browser, server, 5, outside)
                print(f"Live refresh, participant presses Send -> facilitator's view counts it: median {statistics.median(lr):.2f} s, "
                      f"max {max(lr):.2f} s (goal < 2 s)")

                time.sleep(1)
                base, k0 = server.rss(), len(server.kernels())
                ctxs = [context(browser, outside) for _ in range(5)]
                for c in ctxs:
                    p = c.new_page()
                    p.goto(server.url("03-network-mapper.ipynb"))
                    p.locator(APP_READY).first.wait_for(state="visible")
                time.sleep(2)
                per = (server.rss() - base) / max(1, len(server.kernels()) - k0)
                print(f"Memory per connected participant (one kernel each, network mapper): {per:.0f} MiB (anchor 104-137 MiB)")
                for c in ctxs:
                    c.close()

            app = "03-network-mapper.ipynb"
            assets = assets_of(browser, server, app, outside)
            warm = assets_after(browser, server, "index.ipynb", app, outside)
            if args.browser_room:
                wait_until_quiet(server, 0)
                shown = burst(browser, server, app, args.browser_room, outside)
                print(f"{args.browser_room} real Chromium pages open the network mapper at once on these 2 cores (no pool; "
                      f"anchor: 10 visitors saw a simple app after ~12.6 s): {describe(shown)}")
            if args.room:
                wait_until_quiet(server, 0)
                alone = server_room(server, app, 1, assets)[0]
                room = server_room(server, app, args.room, assets)
                print(f"{args.room} participants open the network mapper at once, the server's share "
                      f"({len(assets)} files, kernel, widget state each), no pool: {describe(room)} (one alone: {alone:.1f} s)")
        finally:
            server.stop()

        if args.room and not args.no_pool_burst:
            t0 = time.monotonic()
            pool = args.room  # `kit workshop --pool 30` for a room of 30
            pooled_server = Server(folder, data, pool=pool, pool_apps=["03"])
            try:
                fill = time.monotonic() - t0 + wait_until_quiet(pooled_server, pool)
                mem = pooled_server.rss()
                drawn = first_render(browser, pooled_server, app, outside)  # a real page alone, from the pool
                share = server_room(pooled_server, app, 1, assets)[0]       # its server share, from the pool
                device = max(0.0, drawn - share)
                # Those two took two ready kernels; Voila replaces them after POOL_REFILL_DELAY. Wait
                # for that, so the room finds the whole pool as it would after a facilitator's check.
                wait_until_quiet(pooled_server, pool + 2)
                room = server_room(pooled_server, app, args.room, assets)
                print(f"Same {args.room} with `kit workshop --pool {pool} --pool-apps 03` (ready "
                      f"{fill:.0f} s after start, {mem:.0f} MiB), the server's share: {describe(room)}")
                print(f"  One device draws the page in {device:.1f} s once the server has answered (a real page alone "
                      f"{drawn:.1f} s minus its server share {share:.1f} s)")
                print(f"  {seen_by(room, device, args.room)}")
                # The room as README step 6 runs it: everyone opened the list of apps when they sat down,
                # so their browsers hold Voila's scripts and fetch only what the cache lacks.
                wait_until_quiet(pooled_server, pool + 2 + args.room)  # the room's kernels replaced too
                room = server_room(pooled_server, app, args.room, warm)
                print(f"Same {args.room}, pool of {pool}, everyone having opened the list of apps first "
                      f"({len(warm)} files not in the browser's cache), the server's share: {describe(room)}")
                print(f"  {seen_by(room, device, args.room)}")
            except Exception as err:  # noqa: BLE001 - report it and go on to the culling figures
                print(f"Same {args.room} with `kit workshop --pool {pool} --pool-apps 03`: not measured "
                      f"({type(err).__name__}: {str(err).splitlines()[0]}); see {pooled_server.log.name}")
            finally:
                pooled_server.stop()

        cull = visits_then_cull(browser, folder, data, args.visits, args.cull, outside)
        print(f"Memory with culling (idle {args.cull} s): server alone {cull['baseline']:.0f} MiB; after {args.visits} visits "
              f"{cull['after_visits']:.0f} MiB with {cull['kernels_after_visits']} kernels; after culling "
              f"{cull['after_cull']:.0f} MiB with {cull['kernels_after_cull']} kernels")
        browser.close()
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows everything)")
    print(f"Requests to hosts other than localhost: {len(outside)}" + (f" e.g. {outside[:3]}" if outside else ""))
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())
