"""Safe text for workshop pages: whatever a person typed is shown as text, never as HTML.

Every app shows typed answers through these helpers (``dir="auto"`` so right-to-left writing reads
correctly), so a name such as ``<script>`` appears on the projector exactly as it was typed.

>>> esc('<b onclick="x()">Hi</b>')
'&lt;b onclick=&quot;x()&quot;&gt;Hi&lt;/b&gt;'
>>> print(text_html("مرحبا <3", "p"))
<p dir="auto">مرحبا &lt;3</p>
"""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets

__all__ = ["esc", "text_html", "safe_text", "table_html", "download_link"]


def esc(text: object) -> str:
    """``text`` as HTML-escaped text: tags, quotes and ampersands shown, never interpreted.

    >>> esc(None), esc("Tom & Jerry")
    ('', 'Tom &amp; Jerry')
    """
    return html.escape("" if text is None else str(text), quote=True)


def text_html(text: object, tag: str = "span", cls: str = "") -> str:
    """An element holding ``text`` as text (escaped; ``dir="auto"`` for right-to-left writing).

    >>> text_html("<i>Asha</i>", "b", cls="kit-name")
    '<b class="kit-name" dir="auto">&lt;i&gt;Asha&lt;/i&gt;</b>'
    """
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<{tag}{klass} dir="auto">{esc(text)}</{tag}>'


def safe_text(text: object = "", cls: str = "kit-text") -> widgets.HTML:
    """A widget showing what someone typed, exactly, as text (use ``.value = text_html(...)`` to change it).

    >>> safe_text("<b>hi</b>").value
    '<div class="kit-text" dir="auto">&lt;b&gt;hi&lt;/b&gt;</div>'
    """
    return widgets.HTML(text_html(text, "div", cls))


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def table_html(frame, columns: list[str] | None = None, max_rows: int = 200, labels: dict | None = None) -> str:
    """A DataFrame as an HTML table with every cell escaped (lists shown comma-separated).

    >>> import pandas as pd
    >>> table_html(pd.DataFrame({"who": ["<b>Ben</b>"], "ties": [["A", "B"]], "score": [2.5]}), labels={"who": "Name"})
    '<table class="kit-table"><thead><tr><th>Name</th><th>ties</th><th>score</th></tr></thead><tbody><tr><td dir="auto">&lt;b&gt;Ben&lt;/b&gt;</td><td dir="auto">A, B</td><td dir="auto">2.50</td></tr></tbody></table>'
    """
    columns = list(columns or frame.columns)
    labels = labels or {}
    head = "".join(f"<th>{esc(labels.get(c, c))}</th>" for c in columns)
    rows = [
        "<tr>" + "".join(f'<td dir="auto">{esc(_cell(row[c]))}</td>' for c in columns) + "</tr>"
        for _, row in frame[columns].head(max_rows).iterrows()
    ]
    more = f"<p>… and {len(frame) - max_rows} more rows</p>" if len(frame) > max_rows else ""
    return f'<table class="kit-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def download_link(data: bytes | str, filename: str, label: str, mime: str = "text/csv") -> str:
    """An HTML link that downloads ``data`` (embedded as a data: URI: no request to any server).

    >>> download_link("a,b\\n", "room.csv", "Download")
    '<a class="kit-download" download="room.csv" href="data:text/csv;base64,YSxiCg==">Download</a>'
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    b64 = base64.b64encode(raw).decode("ascii")
    return f'<a class="kit-download" download="{esc(filename)}" href="data:{esc(mime)};base64,{b64}">{esc(label)}</a>'
