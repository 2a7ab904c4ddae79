"""kit.workshop.components without a browser: panels talk to the store, text stays text, key guards."""

from __future__ import annotations

import pytest

from kit.workshop import components as C
from kit.workshop.store import Store


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIT_FACILITATOR_KEY", "KEY-1")
    monkeypatch.setenv("KIT_WORKSHOP_TEST", "1")  # no background polling in unit tests
    return Store(f"sqlite:///{tmp_path / 's.sqlite3'}")


def test_join_submit_and_facilitator_flow(env):
    seen = []
    fac = C.FacilitatorPanel("demo", "Demo", on_answers=seen.append, store=env)
    fac.open_session("nope")
    assert fac.code == "" and "Unlock" in fac.status.message
    assert not fac.unlock("wrong") and not fac.unlocked
    assert "kit-fac-open" not in repr(fac.body.children)  # controls are not on the page while locked
    assert fac.unlock("key-1") and fac.key_input.value == ""
    code = fac.open_session("Room <1>")
    assert "&lt;1&gt;" in fac.code_html.value and code in fac.code_html.value

    join = C.JoinPanel("demo", store=env)
    assert not join.submit({"v": 1})  # not joined
    join.code_input.value, join.name_input.value = code.lower(), '<script>alert(1)</script>'
    assert join.join()
    assert join.submit({"v": 1}) and join.status.kind == "ok"
    fac.refresh()
    assert len(seen[-1]) == 1
    assert "<script>" not in fac.who_html.value and "&lt;script&gt;" in fac.who_html.value

    fac.export()
    assert "data:text/csv;base64," in fac.download_html.value
    fac.close_session()
    assert not join.submit({"v": 2}) and "NOT saved" in join.status.message
    fac.clear()  # not confirmed
    assert env.version(code)[0] == 1
    fac.clear_confirm.value = True
    fac.clear()
    assert env.version(code)[0] == 0


def test_unknown_code_is_explained(env):
    join = C.JoinPanel("demo", store=env)
    join.code_input.value, join.name_input.value = "ABCDEF", "Sam"
    assert not join.join() and "no workshop session" in join.status.message


def test_table_html_escapes_every_cell():
    import pandas as pd

    html = C.table_html(pd.DataFrame({"a": ["<b>x</b>", "שלום"], "b": [["<i>", "y"], 1.5]}))
    assert "<b>x" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and 'dir="auto"' in html and "1.50" in html


def test_app_index_lists_numbered_notebooks(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kit": {"title": "T <x>", "purpose": "P", "live": True}})
    nbformat.write(nb, tmp_path / "07-demo.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "index.ipynb")
    page = C.app_index(tmp_path, show=False)
    assert 'href="07-demo.ipynb"' in page and "T &lt;x&gt;" in page and "LIVE" in page and "index.ipynb" not in page


def test_task_sheet_refuses_an_empty_list():
    with pytest.raises(ValueError):
        C.task_sheet([])
