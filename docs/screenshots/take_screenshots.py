"""Take the README's screenshots of the workshop apps with Playwright (Debian chromium, offline).

    .venv/bin/python docs/screenshots/take_screenshots.py [--only 03-network-mapper]

Writes docs/screenshots/<notebook>.png for the index and every app (the participant's view on a
laptop), plus, for the live apps, <notebook>-facilitator.png: the facilitator's room view after a
few demonstration answers (sent straight to a temporary store) and <notebook>-phone.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from kit.workshop.server import free_port, start, wait_until_up  # noqa: E402

KEY = "SHOT-KEY"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
READY = ".kit-app :is(button, input, select, textarea):visible"

DEMO = {
    "network-mapper": [
        ("Asha", {"school": "NLC01", "partners": ["NLC02", "NLC03", "NLC07"]}),
        ("Ben", {"school": "NLC02", "partners": ["NLC01", "NLC03"]}),
        ("Cai", {"school": "NLC03", "partners": ["NLC01", "NLC16"]}),
        ("Dana", {"school": "NLC16", "partners": ["NLC17", "NLC18", "NLC03"]}),
        ("Eli", {"school": "NLC17", "partners": ["NLC16"]}),
        ("Fay", {"school": "NLC31", "partners": ["NLC32"]}),
        ("Gus", {"school": "NLC07", "partners": ["NLC01", "NLC31"]}),
    ],
}


def _health_demo():
    from kit.data.partnership_survey import ITEMS

    rows = []
    for i, name in enumerate(["Asha", "Ben", "Cai", "Dana", "Eli", "Fay"]):
        answer = {"role": "teacher" if i % 3 else "leader"}
        for j, item in enumerate(ITEMS):
            base = 2 if item in ("trust3", "goals4", "part2") else 4
            answer[item] = max(1, min(5, base + ((i + j) % 3) - 1))
        rows.append((name, answer))
    return rows


# Apps 1, 2, 5, 6 draw their first result just after the page appears: wait for it, then show it.
AFTER_LOAD = {
    "01-enquiry-planner": (".kit-ep-todo", "Still to do", ".kit-ep-form"),
    "02-equity-explorer": (".kit-eq-summary", "In England", ".kit-eq-results"),
    "05-impact-evaluator": (".kit-ie-verdict", "True effect", ".kit-ie-results"),
    "06-evidence-screener": (".kit-es-duplicates", "duplicates removed", ".kit-es-import"),
}


def after_load(page, stem: str) -> None:
    """Wait for an app's first result (AFTER_LOAD) and scroll its first panel to the top."""
    if stem not in AFTER_LOAD:
        return
    selector, text, top = AFTER_LOAD[stem]
    page.wait_for_function("([s, t]) => document.querySelector(s)?.innerText.includes(t)", arg=[selector, text], timeout=120_000)
    page.wait_for_function("[...document.querySelectorAll('.kit-app img')].every(i => i.style.display === 'none' || i.naturalWidth > 100)",
                           timeout=120_000)
    page.evaluate("s => document.querySelector(s).scrollIntoView()", top)
    page.evaluate("Promise.all([...document.querySelectorAll('.kit-app img')].map(i => i.decode().catch(() => null)))")


def _screener_demo():
    """The seed export's titles sent to the room, and five people's votes (app 6)."""
    import kit.review
    from kit.workshop.evidence_screener import TITLES_NAME, load_source, screening_items

    records = load_source("seed")
    unique = kit.review.deduplicate(records)
    items = screening_items(unique)
    rows = [(TITLES_NAME, {"kind": "titles", "source": "the seed 004 export", "titles": [f"{k}\t{t}" for k, t in items],
                           "identified": [["seed004_search_export.txt", len(records)]], "duplicates": int(unique.attrs["removed"])})]
    for i, name in enumerate(["Asha", "Ben", "Cai", "Dana", "Eli"]):
        votes = [f"{k}={'exclude' if (j * 7 + i) % 5 == 0 or j in (4, 9) and i < 4 else 'include'}" for j, (k, _) in enumerate(items)]
        rows.append((name, {"kind": "votes", "votes": votes}))
    return rows


def seed(data_dir: Path, app: str) -> None:
    from kit.workshop.store import Store

    store = Store(f"sqlite:///{data_dir / 'workshop.sqlite3'}")
    code = store.open_session("Demo session", app=app)
    for name, answer in DEMO.get(app) or (_screener_demo() if app == "evidence-screener" else _health_demo()):
        store.submit(code, name, answer, client=name)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="one notebook stem")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="kit-shots-"))
    env = dict(os.environ, KIT_DATA_DIR=str(tmp), KIT_FACILITATOR_KEY=KEY)
    env.pop("KIT_STORE_URL", None)
    seed(tmp, "network-mapper")
    seed(tmp, "health-check")
    seed(tmp, "evidence-screener")
    port = free_port()
    proc = start(ROOT / "workshops", port, env=env, ip="127.0.0.1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        wait_until_up(port, proc, timeout=120)
        notebooks = ["index"] + sorted(p.stem for p in (ROOT / "workshops").glob("[0-9][0-9]-*.ipynb"))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            for stem in notebooks:
                if args.only and stem != args.only:
                    continue
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url or r.request.url.startswith("data:") else r.abort())
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}/voila/render/{stem}.ipynb")
                page.locator(".kit-cards" if stem == "index" else READY).first.wait_for(state="visible")
                after_load(page, stem)
                page.wait_for_timeout(800)
                page.screenshot(path=str(OUT / f"{stem}.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 900})
                print(f"wrote docs/screenshots/{stem}.png")
                if page.locator(".kit-facilitator").count():
                    page.set_viewport_size({"width": 1280, "height": 3000})  # tall elements render fully only inside the viewport
                    page.locator(".kit-fac-key input").fill(KEY)
                    page.locator(".kit-fac-unlock").click()
                    page.locator(".kit-room").wait_for(state="visible")
                    if page.locator(".kit-room img").count():
                        try:
                            page.wait_for_function("() => [...document.querySelectorAll('.kit-room img')].some(i => i.naturalWidth > 100)", timeout=30_000)
                        except Exception:  # noqa: BLE001 - an app without a picture yet
                            pass
                        page.locator(".kit-room img").last.scroll_into_view_if_needed()
                        page.evaluate("Promise.all([...document.querySelectorAll('.kit-room img')].map(i => i.decode().catch(() => null)))")
                    page.wait_for_timeout(1000)
                    page.locator(".kit-facilitator").screenshot(path=str(OUT / f"{stem}-facilitator.png"))
                    print(f"wrote docs/screenshots/{stem}-facilitator.png")
                    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                    p2 = phone.new_page()
                    p2.set_default_timeout(120_000)
                    p2.goto(f"http://127.0.0.1:{port}/voila/render/{stem}.ipynb")
                    p2.locator(READY).first.wait_for(state="visible")
                    p2.wait_for_timeout(800)
                    p2.screenshot(path=str(OUT / f"{stem}-phone.png"))
                    print(f"wrote docs/screenshots/{stem}-phone.png")
                    phone.close()
                ctx.close()
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
