"""Workshop apps in a real browser: render, respond, stay offline, show typed text as text, stay safe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_index_lists_apps_offline(voila, page):
    server = voila()
    page.goto(server.url())  # the folder page sends the browser to the index
    page.wait_for_selector(".kit-cards", timeout=60_000)
    assert "index.ipynb" in page.url
    assert page.locator(".kit-title h1").inner_text() == "Workshop apps"
