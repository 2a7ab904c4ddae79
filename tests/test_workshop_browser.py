"""Workshop apps in a real browser: render, respond, stay offline, show typed text as text, stay safe.

Fixtures (voila, page, new_page) are in tests/conftest.py: any console error or outside request
fails a test. Several participants = several browser contexts on one session at once.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

MAPPER = "03-network-mapper.ipynb"
HEALTH = "04-health-check.ipynb"
XSS_NAME = '<img src=x onerror="window.__xss=1">Zoë'
XSS_SCHOOL = "<b>Hill</b> مدرسة"


def open_app(page, server, notebook):
    page.goto(server.url(notebook))
    page.wait_for_selector(".kit-app .kit-title", timeout=90_000)
    return page


def unlock_and_open_session(page, server, title="Browser test"):
    page.locator(".kit-fac-key input").fill(server.key)
    page.locator(".kit-fac-unlock").click()
    page.wait_for_selector(".kit-fac-open")
    page.locator(".kit-fac-title input").fill(title)
    page.locator(".kit-fac-open").click()
    code = page.locator(".kit-code")
    code.wait_for()
    return code.inner_text().strip()


def join(page, code, name):
    page.locator(".kit-join-code input").fill(code)
    page.locator(".kit-join-name input").fill(name)


def wait_text(page, selector, text, timeout=30_000):
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel); return e && e.innerText.includes(text); }",
        arg=[selector, text], timeout=timeout,
    )


def test_index_lists_every_app_with_a_working_link(voila, page):
    server = voila()
    page.goto(server.url())  # the folder page sends the browser to the index
    page.wait_for_selector(".kit-cards", timeout=60_000)
    assert "index.ipynb" in page.url
    assert page.locator(".kit-title h1").inner_text() == "Workshop apps"
    links = page.locator("a.kit-app-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert MAPPER in hrefs
    assert sorted(hrefs) == sorted(p.name for p in server.target.glob("[0-9][0-9]-*.ipynb"))
    for href in hrefs:  # every link leads to a notebook that exists (status only; rendering is tested below)
        assert (server.target / href).exists(), href
    with page.context.expect_page() as opened:  # JupyterLab's HTML output opens links in a new tab
        page.locator(f"a.kit-app-link[href='{MAPPER}']").click()
    app = opened.value
    app.wait_for_selector(".kit-net-form", timeout=90_000)
    assert app.locator("pre, .jp-InputArea-editor").count() == 0  # nobody sees code


def test_network_mapper_room_joins_at_once_and_facilitator_sees_every_answer(voila, new_page):
    server = voila()
    fac = open_app(new_page(), server, MAPPER)
    assert fac.locator(".kit-fac-open").count() == 0  # controls are not on the page before the key
    fac.locator(".kit-fac-key input").fill("wrong key")
    fac.locator(".kit-fac-unlock").click()
    wait_text(fac, ".kit-fac-status", "not the facilitator key")
    code = unlock_and_open_session(fac, server)
    assert len(code) == 6

    people = [("Asha", "NLC01", "NLC02, NLC03"), ("Ben", "nlc 2", "NLC01"), ("Cai", "NLC16", "NLC01, NLC02"),
              (XSS_NAME, XSS_SCHOOL, "NLC01, <script>alert(1)</script>")]
    pages = [new_page(viewport={"width": 390, "height": 844}) for _ in people]  # phones
    for p in pages:  # everyone opens the app at the same moment
        p.goto(server.url(MAPPER), wait_until="commit")
    for p, (name, school, partners) in zip(pages, people):
        p.wait_for_selector(".kit-net-form", timeout=90_000)
        join(p, code, name)
        p.locator(".kit-net-school input").fill(school)
        p.locator(".kit-net-partners textarea").fill(partners)
    for p in pages:  # everyone presses Send together
        p.locator(".kit-net-send").click()
    for p in pages:
        wait_text(p, ".kit-net-status", "Saved")
    saved = time.monotonic()
    wait_text(fac, ".kit-who", "4 answered", timeout=10_000)
    latency = time.monotonic() - saved
    # Goal 2 s (benchmarks/workshop.py measures it: 0.45 s median on an idle 2-core machine); the test
    # allows for a machine busy with the rest of the suite in parallel.
    assert latency < 6.0, f"facilitator view took {latency:.1f} s to show the answers"
    who = fac.locator(".kit-who").inner_text()
    for name, *_ in people:
        assert name in who  # typed HTML shown as text...
    assert fac.locator(".kit-who img, .kit-who script").count() == 0  # ...never as elements
    assert fac.evaluate("window.__xss") is None and pages[-1].evaluate("window.__xss") is None
    echo = pages[-1].locator(".kit-net-echo").inner_text()
    assert XSS_SCHOOL in echo and "<script>alert(1)</script>" in echo
    wait_text(fac, ".kit-net-details", "Most connected")
    fac.wait_for_function("() => { const i = document.querySelector('.kit-net-picture'); return i && i.src && i.naturalWidth > 100; }", timeout=30_000)

    # A participant corrects their answer: still 4 participants, the new tie appears.
    pages[0].locator(".kit-net-partners textarea").fill("NLC02, NLC03, NLC04")
    pages[0].locator(".kit-net-send").click()
    wait_text(fac, ".kit-who", "5 sent in all")
    assert "4 answered" in fac.locator(".kit-who").inner_text()

    # Closing the session: a late answer is refused and the participant is told.
    fac.locator(".kit-fac-close").click()
    wait_text(fac, ".kit-session", "CLOSED")
    pages[1].locator(".kit-net-send").click()
    wait_text(pages[1], ".kit-net-status", "NOT saved")

    # Export: a CSV download link embedded in the page (no request anywhere).
    fac.locator(".kit-fac-export").click()
    link = fac.locator("a.kit-download")
    link.wait_for()
    with fac.expect_download() as dl:
        link.click()
    exported = pd.read_csv(dl.value.path(), encoding="utf-8")
    assert len(exported) == 5 and XSS_NAME in set(exported["participant"])
    assert XSS_SCHOOL in set(exported["school"])


# Page-side helpers for the websocket tests: the page's own kernel, v1 frames built as JupyterLab does.
WS_JS = """
window.kitWs = {
  url() {
    const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
    return location.origin.replace('http', 'ws') + cfg.baseUrl + 'api/kernels/' + cfg.kernelId + '/channels';
  },
  v1(channel, type, content) {
    const enc = new TextEncoder();
    const header = {msg_id: crypto.randomUUID(), msg_type: type, username: 'x', session: crypto.randomUUID(),
                    date: new Date().toISOString(), version: '5.3'};
    const parts = [channel, JSON.stringify(header), '{}', '{}', JSON.stringify(content)].map(s => enc.encode(s));
    const n = parts.length + 1, table = 8 * (n + 1);
    const buf = new Uint8Array(table + parts.reduce((a, p) => a + p.length, 0));
    const dv = new DataView(buf.buffer);
    dv.setBigUint64(0, BigInt(n), true);
    let off = table;
    dv.setBigUint64(8, BigInt(off), true);
    parts.forEach((p, i) => { buf.set(p, off); off += p.length; dv.setBigUint64(8 * (i + 2), BigInt(off), true); });
    return buf.buffer;
  },
  part(data, i) {
    const dv = new DataView(data);
    const a = Number(dv.getBigUint64(8 * (i + 1), true)), b = Number(dv.getBigUint64(8 * (i + 2), true));
    return JSON.parse(new TextDecoder().decode(data.slice(a, b)));
  },
  type(data) {
    if (typeof data === 'string') { try { return JSON.parse(data).msg_type; } catch (e) { return 'text'; } }
    if (Number(new DataView(data).getBigUint64(0, true)) > 64) return 'bad';
    try { return this.part(data, 1).msg_type; } catch (e) { return 'bad'; }
  },
  async open(protocols) {
    const ws = protocols === undefined ? new WebSocket(this.url()) : new WebSocket(this.url(), protocols);
    ws.binaryType = 'arraybuffer';
    ws.got = [];
    ws.closed = new Promise(r => ws.addEventListener('close', e => r(e.code)));
    ws.contents = [];
    ws.onmessage = (e) => {
      ws.got.push(this.type(e.data));
      try { ws.contents.push(typeof e.data === 'string' ? JSON.parse(e.data).content : this.part(e.data, 4)); } catch (err) {}
    };
    const opened = await new Promise(r => { ws.onopen = () => r(true); ws.onerror = () => r(false); });
    return opened ? ws : null;
  },
};
"""


def test_a_page_cannot_run_code_on_the_server(voila, page, tmp_path):
    """Voila 0.5.13 drops execute_request from the page's kernel websocket; keep proving it after upgrades."""
    server = voila()
    open_app(page, server, MAPPER)
    target = tmp_path / "pwned.txt"
    code = f"open({str(target)!r}, 'w').write('pwned')"
    page.evaluate(WS_JS)
    replies = page.evaluate(
        """async ([code]) => {
            const ws = await kitWs.open(['v1.kernel.websocket.jupyter.org']);
            ws.send(kitWs.v1('shell', 'execute_request', {code: code, silent: false, store_history: false,
                                                          user_expressions: {}, allow_stdin: false, stop_on_error: true}));
            ws.send(kitWs.v1('shell', 'kernel_info_request', {}));
            await new Promise(r => setTimeout(r, 2500));
            ws.close();
            return ws.got;
        }""",
        [code],
    )
    assert not target.exists(), "a page ran code on the server through the kernel websocket"
    assert "execute_reply" not in replies and "execute_input" not in replies
    assert "kernel_info_reply" in replies  # the websocket really reached the kernel
    # The server saw the message and refused it (so the test really reached the kernel's door).
    assert re.search(r'execute_request"?, which is not allowed', server.log.read_text())


def _server_answers(server, path="voila/tree", timeout=10.0) -> float:
    """Seconds the server takes to answer a plain request (raises if it does not within ``timeout``)."""
    import urllib.request

    t0 = time.monotonic()
    with urllib.request.urlopen(server.base + path, timeout=timeout) as reply:
        reply.read()
    return time.monotonic() - t0


def _server_memory_mib(server) -> float:
    import psutil

    return psutil.Process(server.proc.pid).memory_info().rss / 2**20


def test_no_page_can_hang_or_bloat_the_server_through_its_kernel_websocket(voila, new_page):
    """Issue 16: a plain-JSON websocket asking the widgets for their state made Voila 0.5.13 stop
    answering everyone and grow ~40 MB/s. The guard refuses such a connection and closes any
    connection that sends a malformed frame; the other participant's page keeps working."""
    server = voila()
    attacker, other = new_page(), new_page()
    open_app(attacker, server, MAPPER)
    open_app(other, server, MAPPER)
    before = _server_memory_mib(server)
    attacker.evaluate(WS_JS)
    result = attacker.evaluate(
        """async () => {
            const out = {};
            // The original attack: the legacy (plain JSON) protocol, then every widget's state.
            const good = await kitWs.open(['v1.kernel.websocket.jupyter.org']);
            good.send(kitWs.v1('shell', 'comm_info_request', {target_name: 'jupyter.widget'}));
            await new Promise(r => setTimeout(r, 1500));
            out.v1_works = good.got.includes('comm_info_reply');
            const comms = Object.keys((good.contents.find(c => c && c.comms) || {comms: {}}).comms);
            out.widgets = comms.length;
            good.close();
            const legacy = await kitWs.open();
            out.legacy_refused = legacy === null;
            if (legacy) {  // what took the unguarded server down: every widget's state, buffers and all
                for (const id of comms) {
                    legacy.send(JSON.stringify({header: {msg_id: crypto.randomUUID(), msg_type: 'comm_msg', username: 'x',
                        session: 's', date: new Date().toISOString(), version: '5.3'}, parent_header: {}, metadata: {},
                        content: {comm_id: id, data: {method: 'request_state'}}, channel: 'shell', buffers: []}));
                }
                await new Promise(r => setTimeout(r, 3000));
                legacy.close();
            }
            // Malformed frames on a v1 connection: each connection must be closed by the server.
            const bomb = new Uint8Array(64); bomb.set([0, 0, 0, 2, 0, 0, 0, 12]);
            const seven = new Uint8Array(40); seven[0] = 7;
            const offsets = new Uint8Array(80); new DataView(offsets.buffer).setBigUint64(0, 6n, true);
            new DataView(offsets.buffer).setBigUint64(8, 56n, true); new DataView(offsets.buffer).setBigUint64(16, 10n ** 12n, true);
            const noise = new Uint8Array(65536); for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 256;
            const frames = {
                legacy_layout: bomb.buffer, short_table: seven.buffer, offsets_outside: offsets.buffer,
                random_bytes: noise.buffer, text_json: '{"header": {"msg_type": "kernel_info_request"}}',
                unknown_channel: kitWs.v1('evil', 'kernel_info_request', {}),
            };
            out.closed = {};
            for (const [name, frame] of Object.entries(frames)) {
                const ws = await kitWs.open(['v1.kernel.websocket.jupyter.org']);
                if (!ws) { out.closed[name] = 'server gone'; break; }
                ws.send(frame);
                out.closed[name] = await Promise.race([ws.closed, new Promise(r => setTimeout(() => r('open'), 5000))]);
                if (out.closed[name] === 'open') ws.close();
            }
            // A flood of valid messages.
            const flood = await kitWs.open(['v1.kernel.websocket.jupyter.org']);
            if (!flood) { out.closed.flood = 'server gone'; return out; }
            const frame = kitWs.v1('shell', 'kernel_info_request', {});
            for (let i = 0; i < 1000 && flood.readyState === 1; i++) flood.send(frame);
            out.closed.flood = await Promise.race([flood.closed, new Promise(r => setTimeout(() => r('open'), 10000))]);
            return out;
        }"""
    )
    assert result["v1_works"] and result["widgets"] > 50, result
    assert result["legacy_refused"], result
    assert result["closed"] == {name: 1008 for name in result["closed"]}, result
    # The server still answers at once, and its memory did not run away.
    assert _server_answers(server) < 10
    grown = _server_memory_mib(server) - before
    assert grown < 150, f"the server grew by {grown:.0f} MiB during the attack"
    log = server.log.read_text()
    assert "kit guard: refused a kernel websocket without the v1 protocol" in log
    assert "864691128488689664 parts" in log or "says it has" in log
    # The other participant's page still works: join a session and send an answer.
    fac = new_page()
    open_app(fac, server, MAPPER)
    code = unlock_and_open_session(fac, server, "After the attack")
    join(other, code, "Still here")
    other.locator(".kit-join-button").click()
    wait_text(other, ".kit-join-status", "You joined")
    # The attacker's console shows the refused handshake: expected, and only from the attacker's page.
    new_page.record.errors[:] = [e for e in new_page.record.errors if "WebSocket" not in e]


def test_health_check_two_participants_and_facilitator_profile(voila, new_page):
    server = voila()
    fac = open_app(new_page(), server, HEALTH)
    code = unlock_and_open_session(fac, server, title="Health check test")
    people = [("Dana", "4"), ("عمر", "2")]
    pages = [new_page(viewport={"width": 390, "height": 844}) for _ in people]
    for p in pages:
        p.goto(server.url(HEALTH), wait_until="commit")
    for p, (name, answer) in zip(pages, people):
        p.wait_for_selector(".kit-hc-form", timeout=90_000)
        join(p, code, name)
        p.locator(".kit-hc-send").click()  # nothing answered yet: told what is missing
        wait_text(p, ".kit-hc-status", "Please answer every statement")
        p.locator(".kit-hc-role").get_by_role("button", name="Teacher", exact=True).click()
        items = p.locator(".kit-hc-item")
        for i in range(items.count()):
            items.nth(i).get_by_role("button", name=answer, exact=True).click()
    for p in pages:
        p.locator(".kit-hc-send").click()
    for p in pages:
        wait_text(p, ".kit-hc-status", "Saved")
    wait_text(pages[0], ".kit-hc-mine", "Trust")
    wait_text(fac, ".kit-who", "2 answered", timeout=10_000)
    assert "عمر" in fac.locator(".kit-who").inner_text()
    wait_text(fac, ".kit-hc-table", "n=2")
    before = fac.locator(".kit-hc-table").inner_text()
    fac.locator(".kit-hc-wave select").select_option(label="Wave 3 (June 2008)")
    fac.wait_for_function("(b) => document.querySelector('.kit-hc-table').innerText !== b", arg=before, timeout=20_000)
    fac.wait_for_function("() => { const i = document.querySelector('.kit-hc-picture'); return i && i.naturalWidth > 100; }", timeout=30_000)


def test_harness_catches_the_stock_templates_cdn_requests(voila, new_page, tmp_path):
    """Voila's own lab template links Font Awesome from a CDN: the harness must see and block that,
    which is why `kit workshop` serves the offline 'kit' template."""
    import nbformat

    folder = tmp_path / "stock"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Stock template")])
    nbformat.write(nb, folder / "stock.ipynb")
    server = voila(folder / "stock.ipynb", template="lab")
    page = new_page()
    page.goto(server.url())
    page.wait_for_selector("#rendered_cells h1")
    record = new_page.record
    assert any("cdn.jsdelivr.net" in u for u in record.outside), record.outside
    record.outside.clear()  # expected here; the fixture would otherwise fail this test
    record.errors.clear()


@pytest.mark.parametrize("folder, expected", [
    ("exercises", "Question q1 is not answered yet"),    # what a student opens first
    ("solutions", "Question q1: all"),                   # the master passes its own checks
])
def test_notebook_00_renders_in_the_browser(voila, page, folder, expected):
    """The first notebook runs in a real browser through the same harness: its text, its dataset
    table and the output of check("q1") appear, offline and without a console error."""
    from tests.conftest import ROOT

    server = voila(ROOT / folder / "00-getting-started.ipynb")
    page.goto(server.url())
    page.wait_for_selector("#rendered_cells h1", timeout=90_000)
    assert page.locator("#rendered_cells h1").first.inner_text().startswith("00 Getting started")
    wait_text(page, "#rendered_cells", expected, timeout=90_000)
    assert page.locator("#rendered_cells table").count() >= 2  # the codebook and the first rows of the data


APPS = ["01-enquiry-planner.ipynb", "02-equity-explorer.ipynb", MAPPER, HEALTH, "05-impact-evaluator.ipynb",
        "06-evidence-screener.ipynb"]


@pytest.mark.parametrize("app", APPS)
def test_every_app_opens_from_a_preheated_kernel(voila, page, app):
    """`kit workshop --pool N` (the advice for a room that joins at once): each app's page comes from a
    kernel that already ran the notebook, and it renders and responds as without a pool."""
    server = voila(pool=1)
    page.goto(server.url(app))
    page.locator(".kit-app :is(button, input, select, textarea):visible").first.wait_for(state="visible", timeout=90_000)
    assert re.search(rf"Using pre-heated kernel: \S+ for {re.escape(app)}", server.log.read_text())
    if app == MAPPER:  # it still answers input: the status line tells a participant what is missing
        page.locator(".kit-net-send").click()
        wait_text(page, ".kit-net-status", "Type or choose your school first")


def test_a_room_joining_at_once_all_get_the_app_from_the_pool(voila, page):
    """`kit workshop --pool 10 --pool-apps 03` and ten participants opening the mapper at the same moment:
    each gets a ready kernel and the widgets' state (what their device needs to draw the app), and the
    server waits for the apps' outputs however busy it is (no blank pages from an IOPub timeout).
    Timing is measured by benchmarks/workshop.py, not asserted here."""
    import sys

    from kit.workshop.server import wait_for_kernels
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import participants

    plain = voila()  # the files a real Chromium fetches for the page, recorded on a server without a pool
    base = plain.base
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url[len(base) - 1:]) if r.url.startswith(base) and r.resource_type in (
        "script", "stylesheet", "font", "image") else None)
    page.goto(plain.url(MAPPER))
    page.locator(".kit-app :is(button, input, select, textarea):visible").first.wait_for(state="visible", timeout=90_000)

    server = voila(pool=10, pool_apps=["03"])
    assert wait_for_kernels(server.proc.pid, 10, limit=300) is not None, "the pool of 10 never got ready"
    room = participants.room(server.base, MAPPER, list(dict.fromkeys(seen)), 10)
    assert [r.get("error") for r in room] == [None] * 10
    assert all(r["ready"] < float("inf") and r["widgets"] > 10 for r in room), room
    log = server.log.read_text()
    assert len(re.findall(rf"Using pre-heated kernel: \S+ for {re.escape(MAPPER)}", log)) == 10
    assert "Timeout waiting for IOPub output" not in log
