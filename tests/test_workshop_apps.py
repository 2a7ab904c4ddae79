"""The live apps' logic without a browser: parsing, the room's network and survey profile, full flows."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from kit.workshop import health_check as hc
from kit.workshop import network_mapper as nm
from kit.workshop.store import Store


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_FACILITATOR_KEY", "K")
    monkeypatch.setenv("KIT_WORKSHOP_TEST", "1")
    return Store(f"sqlite:///{tmp_path / 's.sqlite3'}")


def test_partner_names_are_tidied():
    assert nm.parse_partners(" nlc7 ;NLC07,\n<b>x</b>, , Hill  Primary") == ["NLC07", "<b>x</b>", "Hill Primary"]
    assert nm.normalise_school("NLC 60") == "NLC60" and nm.normalise_school("nlc100") == "nlc100"


def test_network_measures_match_networkx_directly():
    answers = pd.DataFrame({
        "participant": ["a", "b", "c", "d"],
        "school": ["NLC01", "NLC02", "NLC02", "NLC20"],  # two people from NLC02: ties merged
        "partners": [["NLC02", "NLC01"], ["NLC01", "NLC03"], ["NLC03"], []],  # a self-tie is dropped
    })
    view = nm.network_view(answers)
    G = nx.DiGraph([("NLC01", "NLC02"), ("NLC02", "NLC01"), ("NLC02", "NLC03")])
    G.add_node("NLC20")
    s = view["summary"].iloc[0]
    assert (s["nodes"], s["ties"]) == (4, 3)
    assert s["density"] == pytest.approx(nx.density(G))  # 3 / (4 * 3)
    assert s["isolates"] == 1 and s["components"] == 2
    assert dict(view["graph"].nodes(data="cluster"))["NLC20"] == "C2"
    assert nm.draw_png(view["graph"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_network_mapper_flow_with_dollar_and_html_names(store):
    parts = nm.app(store=store, show=False)
    fac, join = parts["facilitator"], parts["join"]
    assert fac.unlock("K")
    code = fac.open_session("t")
    join.code_input.value, join.name_input.value = code, "Sam"
    parts["school"].value, parts["partners"].value = "", "NLC02"
    assert not parts["send"]() and "school" in parts["status"].message
    parts["school"].value, parts["partners"].value = "$\\frac{a", "<script>x</script>, NLC02"
    assert parts["send"]()
    assert "&lt;script&gt;" in parts["status"].widget.value or "Saved" in parts["status"].message
    fac.refresh()
    assert "Schools" in parts["measures"].value and parts["picture"].value[:4] == b"\x89PNG"
    assert "<script>" not in parts["details"].value


def test_health_profile_matches_a_hand_computation():
    items, scales = hc._survey_meta()
    answers = hc._demo_answers(4)
    profile = hc.room_profile(answers).set_index("scale")
    for scale, its in scales.items():
        cols = [answers[i.lstrip("-")].rsub(6) if i.startswith("-") else answers[i] for i in its]
        expected = pd.concat(cols, axis=1).mean(axis=1).mean()
        assert profile.loc[scale, "estimate"] == pytest.approx(expected)
    comp = hc.comparison(answers, wave=1).set_index("scale")
    assert comp.loc["trust", "n_second"] == 4 and comp.loc["trust", "n_first"] == 240
    assert comp.loc["trust", "estimate"] == pytest.approx(comp.loc["trust", "mean_second"] - comp.loc["trust", "mean_first"])


def test_health_check_flow(store):
    parts = hc.app(store=store, show=False)
    fac, join = parts["facilitator"], parts["join"]
    assert fac.unlock("K")
    code = fac.open_session("t")
    join.code_input.value, join.name_input.value = code, "שלום"
    assert not parts["send"]() and "every statement" in parts["status"].message
    for t in parts["items"].values():
        t.value = 4
    assert parts["send"]()
    fac.refresh()
    assert "n=1" in parts["table"].value and parts["picture"].value[:4] == b"\x89PNG"
    parts["wave"].value = 3
    assert "n=1" in parts["table"].value


# ---------------------------------------------------------------------------------------------
# Apps 1, 2, 5 and 6 in a real browser: each renders, responds to a change, shows typed text as
# text. Fixtures (voila, page, new_page) are in tests/conftest.py: a console error, a warning
# outside the allow-list or a request to any host but localhost fails the test. The evidence
# screener is tested with a facilitator and two participants (three browser contexts) voting in
# one session.
# ---------------------------------------------------------------------------------------------
import base64  # noqa: E402
import re  # noqa: E402

XSS = "<script>alert(1)</script><b>x</b>"


# -- apps 1, 2, 5, 6 without a browser ----------------------------------------------------------
def test_enquiry_planner_complete_plan_has_nothing_to_do_and_escapes_text():
    from kit.workshop import enquiry_planner as ep

    form = {"title": XSS, "concern": "Pupils join mid-year.", "question": "How do Year 8 pupils who join mid-year settle in?",
            "stance": "with", "team": "Head of Year 8\nTwo tutors", "existing": "Admissions records",
            "evidence": [("pupils' views", "interview", "spring term"), ("attendance", "school statistics", "termly")],
            "ethics": "Informed consent; names removed; anyone can withdraw.", "sharing": "Staff meeting in July."}
    plan = ep.plan_from_form(form)
    assert ep.todo_list(plan) == []
    assert "<script>" not in plan.to_html(full_page=True) and "&lt;script&gt;" in plan.to_html()
    form["evidence"] = [("pupils' views", "", "")]
    assert ep.todo_list(ep.plan_from_form(form)) == ["Evidence row 1 ('pupils' views') needs the method and when it will be collected."]


def test_equity_split_adds_up_and_gap_matches_a_hand_computation():
    from kit.workshop import equity_explorer as eq

    rows = pd.DataFrame({"local_authority": ["A", "A", "B"], "school_id": ["s1", "s2", "s3"], "disadvantaged": [10, 30, 20],
                         "pupils": [40, 40, 40], "attainment_disadvantaged": [40.0, 44.0, 38.0],
                         "attainment_other": [50.0, 54.0, 49.0]})
    split = eq.variation_split(rows)
    assert split.sum() == pytest.approx(1.0) and (split >= 0).all()
    means = eq.group_means(rows)  # by hand: (400 + 1320 + 760) / 60 and (1500 + 540 + 980) / 60
    assert means["disadvantaged"] == pytest.approx(2480 / 60) and means["other"] == pytest.approx(3020 / 60)
    assert means["gap"] == pytest.approx(540 / 60)


def test_impact_evaluator_did_recovers_truth_only_with_parallel_trends():
    from kit.workshop import impact_evaluator as ie

    fair = ie.estimates(ie.simulate(true_effect=2.0, selection="At random", pre_trend=0.0, n_programme=200, seed=7))
    did = fair.set_index("method").loc["Difference-in-differences"]
    assert did["ci_low"] <= 2.0 <= did["ci_high"]
    # Everyone improves 0.5 points a year: before-after adds about 0.5 x 4 years (mean after minus mean before).
    naive = fair.set_index("method").loc["Before-after (programme schools only)"]
    assert 1.0 < naive["bias"] < 3.0
    tilted = ie.estimates(ie.simulate(true_effect=2.0, selection="At random", pre_trend=0.5, n_programme=200, seed=7))
    assert tilted.set_index("method").loc["Difference-in-differences", "bias"] == pytest.approx(2.0, abs=0.6)


def test_evidence_screener_room_flow_and_upload_checks(store, monkeypatch):
    from kit.errors import InputError
    from kit.workshop import evidence_screener as es

    monkeypatch.setattr("kit.workshop.components._store", lambda: store)
    fac_app = es.app(show=False)
    assert "21</b> duplicates removed" in fac_app["duplicates"].value
    fac = fac_app["facilitator"]
    assert fac.unlock("K") and fac.open_session("Screening")
    assert fac_app["send_titles"]()
    voter = es.app(show=False)
    voter["join"].code_input.value, voter["join"].name_input.value = fac.code, XSS
    assert voter["fetch"]() and len(voter["votes"].children) == 13
    voter["votes"].children[0].children[2].value = "Exclude"
    fac.refresh()
    assert "1</b> person has voted" in fac_app["tallies"].value and "<script>" not in fac.who_html.value
    stored = store.answers(fac.code, latest=True)
    assert stored.loc[stored["participant"] == XSS, "votes"].iloc[0][0].endswith("=exclude")  # stored exactly
    assert es.record_key("School\u2010to\u2010school  work") == es.record_key("school-to-school work")
    with pytest.raises(InputError, match="should end in"):
        es.read_upload("export.exe", b"x")


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


@pytest.mark.browser
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


@pytest.mark.browser
def test_equity_explorer_responds_to_area_group_and_year(voila, page):
    server = voila()
    open_app(page, server, "02-equity-explorer.ipynb")
    no_code_shown(page)
    wait_text(page, ".kit-eq-summary", "In England in 2014")
    page.wait_for_function("document.querySelector('.kit-eq-chart')?.naturalWidth > 100")
    page.locator(".kit-eq-area select").select_option(label="North East")
    wait_text(page, ".kit-eq-summary", "In North East in 2014")
    page.locator(".kit-eq-year select").select_option(label="2010")
    wait_text(page, ".kit-eq-summary", "In North East in 2010")
    page.locator(".kit-eq-group button", has_text="Other pupils").click()
    wait_text(page, ".kit-eq-summary", "Other pupils here are")
    assert re.search(r"\d+% lies within", page.locator(".kit-eq-summary").inner_text())


@pytest.mark.browser
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
    page.wait_for_function("document.querySelector('.kit-ie-chart')?.naturalWidth > 100")


SCREENER = "06-evidence-screener.ipynb"


@pytest.mark.browser
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
    fac.wait_for_function("document.querySelector('.kit-es-room-prisma')?.naturalWidth > 100")
    # The participant's typed name is shown as text on the facilitator's screen, never as HTML.
    wait_text(fac, ".kit-who", XSS)
    assert fac.locator(".kit-who script, .kit-who b:text-is('x')").count() == 0
    assert all(p.dialogs == [] for p in [fac, *pages])


@pytest.mark.browser
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


def test_health_check_items_are_the_datasets_items():
    from kit.data import partnership_survey

    assert hc.ITEMS is partnership_survey.ITEMS and hc.SCALES is partnership_survey.SCALES  # one questionnaire
    import subprocess
    import sys

    probe = "import sys, kit.workshop.health_check; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # the page shows its statements without waiting for pandas
