"""Workshop apps 1, 2, 5 and 6 in a real browser: each renders, responds to a change, shows typed text as text.

Fixtures (voila, page, new_page) are in tests/conftest.py: a console error, a warning outside the
allow-list or a request to any host but localhost fails the test. The evidence screener is tested
with a facilitator and two participants (three browser contexts) voting in one session.
"""

from __future__ import annotations

import base64
import re

import pytest

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script><b>x</b>"


def open_app(page, server, notebook):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url(notebook))
    page.wait_for_selector(".kit-app .kit-title", timeout=90_000)
    page.dialogs = dialogs
    return page


def wait_text(page, selector, text, timeout=60_000):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([sel, text]) => { const e = document.querySelector(sel); return e && e.innerText.includes(text); }",
            arg=[selector, text], timeout=timeout,
        )
    except PlaywrightTimeout:
        shown = page.locator(selector).first.inner_text(timeout=1_000) if page.locator(selector).count() else "(absent)"
        pytest.fail(f"{selector} never showed {text!r}; it shows: {shown[:500]!r}")


def no_code_shown(page):
    assert page.locator("pre, .jp-InputArea-editor").count() == 0


def test_enquiry_planner_lists_missing_parts_and_offers_the_plan(voila, page):
    server = voila()
    open_app(page, server, "01-enquiry-planner.ipynb")
    no_code_shown(page)
    wait_text(page, ".kit-ep-todo", "Still to do (7)")
    assert page.locator(".kit-task-sheet li").count() in range(3, 6)
    page.locator(".kit-ep-question textarea").fill("How do Year 8 pupils who join mid-year experience their first term?")
    wait_text(page, ".kit-ep-todo", "Still to do (6)")
    page.locator(".kit-ep-stance select").select_option(label="Research with practitioners")
    wait_text(page, ".kit-ep-todo", "Still to do (5)")
    page.locator(".kit-ep-case select").select_option(label="Pupils who go unnoticed")
    wait_text(page, ".kit-ep-preview", "neither outstanding nor challenging")
    # Whatever a participant types is shown, and downloaded, as text.
    page.locator(".kit-ep-title input").fill(XSS)
    wait_text(page, ".kit-ep-preview h1", XSS)
    assert page.locator(".kit-ep-preview script, .kit-ep-preview b").count() == 0
    links = page.locator(".kit-ep-download a")
    assert links.count() == 2
    html_href = links.nth(0).get_attribute("href")
    assert html_href.startswith("data:text/html;base64,")
    document = base64.b64decode(html_href.split(",", 1)[1]).decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document and "<script>" not in document
    assert links.nth(1).get_attribute("download").endswith(".md")
    assert page.dialogs == []


def test_equity_explorer_responds_to_area_group_and_year(voila, page):
    server = voila()
    open_app(page, server, "02-equity-explorer.ipynb")
    no_code_shown(page)
    wait_text(page, ".kit-eq-summary", "In England in 2014")
    page.wait_for_function("document.querySelector('.kit-eq-chart').getAttribute('src')?.startsWith('blob:')")
    page.locator(".kit-eq-area select").select_option(label="North East")
    wait_text(page, ".kit-eq-summary", "In North East in 2014")
    page.locator(".kit-eq-year select").select_option(label="2010")
    wait_text(page, ".kit-eq-summary", "In North East in 2010")
    page.locator(".kit-eq-group button", has_text="Other pupils").click()
    wait_text(page, ".kit-eq-summary", "Other pupils here are")
    assert re.search(r"\d+% lies within", page.locator(".kit-eq-summary").inner_text())


def test_impact_evaluator_shows_bias_when_selection_changes(voila, page):
    server = voila()
    open_app(page, server, "05-impact-evaluator.ipynb")
    no_code_shown(page)
    wait_text(page, ".kit-ie-verdict", "True effect: 2 points")
    before = page.locator(".kit-ie-table").inner_text()
    assert "Difference-in-differences" in before and "Matched difference-in-differences" in before
    page.locator(".kit-ie-selection select").select_option(label="The most disadvantaged schools")
    page.wait_for_function("(old) => document.querySelector('.kit-ie-table').innerText !== old", arg=before, timeout=60_000)
    wait_text(page, ".kit-ie-status", "programme schools")
    page.locator(".kit-ie-again").click()
    wait_text(page, ".kit-ie-status", "100 programme schools")


SCREENER = "06-evidence-screener.ipynb"


def test_evidence_screener_room_votes_and_facilitator_sees_tallies(voila, new_page):
    server = voila()
    fac = open_app(new_page(), server, SCREENER)
    no_code_shown(fac)
    wait_text(fac, ".kit-es-duplicates", "21 duplicates removed")
    assert fac.locator(".kit-es-send-titles").count() == 0  # room controls only after the key
    fac.locator(".kit-fac-key input").fill(server.key)
    fac.locator(".kit-fac-unlock").click()
    fac.locator(".kit-fac-title input").fill("Screening test")
    fac.locator(".kit-fac-open").click()
    code = fac.locator(".kit-code")
    code.wait_for()
    code = code.inner_text().strip()
    fac.locator(".kit-es-send-titles").click()
    wait_text(fac, ".kit-es-room-status", "Sent 13 titles")

    people = [("Asha", ["Include", "Exclude"]), (XSS, ["Exclude", "Exclude"])]
    pages = []
    for name, _ in people:  # both open and join before either votes: the same session at once
        p = open_app(new_page(), server, SCREENER)
        p.locator(".kit-join-code input").fill(code)
        p.locator(".kit-join-name input").fill(name)
        pages.append(p)
    for p, (name, votes) in zip(pages, people):
        p.locator(".kit-es-fetch").click()
        wait_text(p, ".kit-es-vote-status", "13 titles to screen")
        assert p.locator(".kit-es-title").count() == 13
        for i, vote in enumerate(votes):
            p.locator(f".kit-es-vote-{i} button", has_text=vote).click()
            wait_text(p, ".kit-es-vote-status", f"Saved {i + 1} vote(s)")
    wait_text(fac, ".kit-es-voters", "2 people have voted", timeout=30_000)
    fac.wait_for_function(  # every vote counted (the view updates within a second or two of each vote)
        "() => (document.querySelectorAll('.kit-es-tallies tbody tr')[1]?.innerText || '').includes('2\\texclude')",
        timeout=30_000)
    rows = fac.locator(".kit-es-tallies tbody tr")
    assert rows.nth(0).inner_text().split("\t")[-3:] == ["1", "1", "tie: discuss it"]
    assert rows.nth(1).inner_text().split("\t")[-3:] == ["0", "2", "exclude"]
    fac.wait_for_function("document.querySelector('.kit-es-room-prisma').getAttribute('src')?.startsWith('blob:')")
    # The participant's typed name is shown as text on the facilitator's screen, never as HTML.
    wait_text(fac, ".kit-who", XSS)
    assert fac.locator(".kit-who script, .kit-who b:text-is('x')").count() == 0
    assert all(p.dialogs == [] for p in [fac, *pages])


def test_evidence_screener_reads_an_uploaded_export_as_text(voila, page):
    server = voila()
    open_app(page, server, SCREENER)
    wait_text(page, ".kit-es-duplicates", "duplicates removed")
    page.locator(".kit-es-source select").select_option(label="My own file (upload it below)")
    ris = (f"TY  - JOUR\nTI  - {XSS}\nPY  - 2020\nER  - \n\n"
           "TY  - JOUR\nTI  - Trust in school trios\nPY  - 2019\nER  - \n\n"
           "TY  - JOUR\nTI  - Trust in School Trios\nPY  - 2019\nER  - \n")
    with page.expect_file_chooser() as chooser:
        page.locator(".kit-es-upload").click()
    chooser.value.set_files({"name": "my export.ris", "mimeType": "application/x-research-info-systems", "buffer": ris.encode()})
    wait_text(page, ".kit-es-imported", "3 records read from my export.ris")
    wait_text(page, ".kit-es-imported", XSS)
    assert page.locator(".kit-es-imported script, .kit-es-imported td b").count() == 0
    wait_text(page, ".kit-es-duplicates", "1 duplicates removed")
    assert page.dialogs == []
