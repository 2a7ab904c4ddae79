"""Whole pages: an app's page (look, title, task sheet, join panel, body, facilitator panel) and the index of apps.

>>> page = app_page("My app", "One-line purpose.", ["Who?", "Why?", "What next?"], show=False)
>>> [type(w).__name__ for w in page.children]
['HTML', 'HTML', 'Accordion']
"""

from __future__ import annotations

import ipywidgets as widgets

from kit.workshop.facilitator import FacilitatorPanel
from kit.workshop.join import JoinPanel
from kit.workshop.look import CSS, header, style, task_sheet
from kit.workshop.safe import esc

__all__ = ["app_page", "app_index"]


def app_page(
    title: str,
    purpose: str,
    questions: list[str],
    body: list | None = None,
    join: JoinPanel | None = None,
    facilitator: FacilitatorPanel | None = None,
    live: bool | None = None,
    show: bool = True,
    on_first_view=None,
    threads: bool | None = None,
) -> widgets.VBox:
    """Assemble and display an app: style, title, task sheet, join panel, body, facilitator panel.

    ``on_first_view()`` draws the first, slow result (heavy imports, a chart) once the page is on
    screen: :func:`kit.workshop.timers.when_shown` watches the page's last part. It runs at once
    instead when the page is not shown (``show=False``) or runs without threads (``threads=False``,
    by default under ``KIT_WORKSHOP_TEST``).
    """
    from kit.workshop.timers import use_threads, when_shown

    parts = [style(), header(title, purpose, live=bool(join) if live is None else live), task_sheet(questions)]
    if join is not None:
        parts.append(join.widget)
    parts += list(body or [])
    if facilitator is not None:
        parts.append(facilitator.widget)
    page = widgets.VBox(parts, layout=widgets.Layout(width="100%"))
    page.add_class("kit-app")
    later = on_first_view is not None and show and use_threads(threads)
    if later:
        when_shown(parts[-1], on_first_view)
    if show:
        from IPython.display import display

        display(page)
    if on_first_view is not None and not later:
        on_first_view()
    return page


def _app_info(path) -> dict:
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("kit", {})
    title = meta.get("title")
    if not title:
        for cell in nb.get("cells", []):
            src = "".join(cell.get("source", ""))
            if cell.get("cell_type") == "markdown" and src.lstrip().startswith("#"):
                title = src.lstrip().splitlines()[0].lstrip("# ").strip()
                break
    return {
        "file": path.name,
        "title": title or path.stem,
        "purpose": meta.get("purpose", ""),
        "live": bool(meta.get("live", False)),
    }


def app_index(folder=None, show: bool = True) -> str:
    """HTML list of the apps in ``folder`` (every ``NN-*.ipynb`` beside this index): title, purpose, link.

    Each app names itself in its notebook metadata: ``{"kit": {"title": ..., "purpose": ...,
    "live": true}}`` (else its first heading is used), so a new app appears here by itself.

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> meta = {"kit": {"title": "Network <mapper>", "purpose": "Who works with whom?", "live": True}}
    >>> _ = (folder / "03-network-mapper.ipynb").write_text(json.dumps({"metadata": meta, "cells": []}))
    >>> page = app_index(folder, show=False)
    >>> '<b>Network &lt;mapper&gt;</b><span class=kit-live>LIVE</span>' in page
    True
    """
    from pathlib import Path

    folder = Path(folder) if folder else Path.cwd()
    apps = [_app_info(p) for p in sorted(folder.glob("[0-9][0-9]-*.ipynb"))]
    cards = "".join(
        f'<a href="{esc(a["file"])}" class="kit-app-link">'
        f'<b>{esc(a["title"])}</b>{"<span class=kit-live>LIVE</span>" if a["live"] else ""}'
        f'<br><span>{esc(a["purpose"])}</span></a>'
        for a in apps
    ) or "<p>No apps yet.</p>"
    page = (
        CSS
        + '<div class="kit-app"><div class="kit-title"><h1>Workshop apps</h1>'
        + "<p>Choose an app. Apps marked LIVE collect the room's answers: join with the code on the facilitator's screen.</p></div>"
        + f'<div class="kit-cards">{cards}</div>'
        + '<p><small>Facilitators: open an app on the projector, unlock its Facilitator panel with the key printed '
        + "on your terminal, open a session and show the join code.</small></p></div>"
    )
    if show:
        from IPython.display import HTML, display

        display(HTML(page))
    return page
