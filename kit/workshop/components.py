"""Building blocks of every workshop app: one look, task sheet, join and facilitator panels, safe text.

An app is a notebook whose only code is a call into a module that assembles these parts::

    from kit.workshop.components import app_page, JoinPanel, FacilitatorPanel
    join = JoinPanel("my-app")
    fac = FacilitatorPanel("my-app", title="My app", on_answers=draw)   # draw(frame) updates the room view
    app_page("My app", "One-line purpose.", ["Question 1?", "Question 2?", "Question 3?"],
             body=[...participant controls...], join=join, facilitator=fac)

This module gathers the parts from the modules that hold them, one concern each:

* :mod:`kit.workshop.safe`: :func:`esc`, :func:`text_html`, :func:`safe_text`, :func:`table_html`,
  :func:`download_link`. Anything a person typed is shown through these: as text, never as HTML
  (``dir="auto"`` so right-to-left text reads correctly).
* :mod:`kit.workshop.look`: the stylesheet (:data:`CSS`, :func:`style`), :func:`header`,
  :func:`task_sheet`, :func:`field`, :func:`button`, :func:`panel`, :class:`Status`, :func:`png_bytes`.
* :mod:`kit.workshop.join`: :class:`JoinPanel`, the participant's join code, name and Send.
* :mod:`kit.workshop.facilitator`: :class:`FacilitatorPanel` and :func:`who_answered`. Its actions
  (open, close, export, clear, who answered, the room view) appear only after the facilitator's
  key has been checked in the kernel; a participant's page never receives them.
* :mod:`kit.workshop.timers`: :class:`Poller`, :func:`when_shown` and the background drawing.
  Nothing is started that the page does not need yet: the store is opened on first use, polling
  starts when the facilitator unlocks, and no thread starts under ``KIT_WORKSHOP_TEST``.
* :mod:`kit.workshop.pages`: :func:`app_page` and :func:`app_index`.

>>> esc('<b onclick="x()">Hi</b>')
'&lt;b onclick=&quot;x()&quot;&gt;Hi&lt;/b&gt;'
>>> print(text_html("مرحبا <3", "p"))
<p dir="auto">مرحبا &lt;3</p>
"""

from __future__ import annotations

from kit.workshop.facilitator import FacilitatorPanel, who_answered
from kit.workshop.join import JoinPanel, page_store
from kit.workshop.look import CSS, Status, button, field, header, panel, png_bytes, style, task_sheet
from kit.workshop.pages import app_index, app_page
from kit.workshop.safe import download_link, esc, safe_text, table_html, text_html
from kit.workshop.timers import Poller, when_shown

__all__ = [
    "CSS",
    "esc",
    "text_html",
    "safe_text",
    "table_html",
    "style",
    "header",
    "task_sheet",
    "field",
    "button",
    "panel",
    "Status",
    "png_bytes",
    "JoinPanel",
    "FacilitatorPanel",
    "Poller",
    "when_shown",
    "download_link",
    "who_answered",
    "app_page",
    "app_index",
]

#: How a page without a store of its own opens one (tests replace it: ``components._store``).
_store = page_store
