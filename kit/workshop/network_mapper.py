"""Workshop app 3, partnership network mapper (live): each participant names their school and its partners;
the facilitator's screen shows the network growing, with its measures.

The notebook ``workshops/03-network-mapper.ipynb`` calls :func:`app`. The network work is in
:func:`ties_from_answers`, :func:`network_view` and :func:`draw_png` (testable without a browser);
networkx and matplotlib are imported only when the facilitator's room view is drawn.

>>> import pandas as pd
>>> answers = pd.DataFrame({"participant": ["Asha", "Ben"], "school": ["NLC01", "nlc02"],
...                         "partners": [["NLC02", "NLC03"], ["NLC01"]]})
>>> ties_from_answers(answers)
  source target
0  NLC01  NLC02
1  NLC01  NLC03
2  NLC02  NLC01
"""

from __future__ import annotations

import re

import ipywidgets as widgets

from kit.workshop import components as C

__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "SCHOOLS", "parse_partners", "normalise_school",
           "ties_from_answers", "network_view", "draw_png", "app"]

APP = "network-mapper"
TITLE = "Partnership network mapper"
PURPOSE = "Name your school and the schools you work with; watch the room's network grow."
QUESTIONS = [
    "Which schools sit at the centre of our network, and why might that be?",
    "Who are the brokers: schools that link groups which would otherwise be apart?",
    "Which schools are isolated or on the edge, and what would connect them?",
    "Does the network depend on a few schools? What happens if one of them leaves?",
    "What one new tie would make the biggest difference to the partnership?",
]
SCHOOLS = [f"NLC{k:02d}" for k in range(1, 61)]
MAX_PARTNERS = 15
_NLC = re.compile(r"^\s*nlc\s*0*(\d{1,2})\s*$", re.I)


def normalise_school(name: object) -> str:
    """Tidy a typed school name: ``' nlc 7 '`` -> ``'NLC07'``; other names keep their text, spaces squeezed."""
    text = " ".join(str(name or "").split())
    m = _NLC.match(text)
    if m and 1 <= int(m.group(1)) <= 99:
        return f"NLC{int(m.group(1)):02d}"
    return text


def parse_partners(text: str) -> list[str]:
    """Split 'NLC02, NLC05; Hill Primary' (commas, semicolons or new lines) into tidy, distinct names.

    >>> parse_partners("nlc2, NLC05;\\n  Hill  Primary ,, NLC05")
    ['NLC02', 'NLC05', 'Hill Primary']
    """
    parts = [normalise_school(p) for p in re.split(r"[,;\n]+", str(text or ""))]
    return list(dict.fromkeys(p for p in parts if p))


def _cluster(school: str) -> str:
    m = re.fullmatch(r"NLC(\d\d)", school)
    if m and 1 <= int(m.group(1)) <= 60:
        return f"C{(int(m.group(1)) - 1) // 15 + 1}"
    return "other"


def ties_from_answers(answers):
    """One row per tie (``source`` names ``target``) from the latest answer of each participant.

    Two people from one school both count (their ties are merged); a school naming itself is dropped.
    """
    import pandas as pd

    rows = []
    for _, a in answers.iterrows():
        source = normalise_school(a.get("school", ""))
        partners = a.get("partners", [])
        if not source or not isinstance(partners, list):
            continue
        rows += [(source, normalise_school(t)) for t in partners if normalise_school(t) and normalise_school(t) != source]
    return pd.DataFrame(rows, columns=["source", "target"]).drop_duplicates().reset_index(drop=True)


def network_view(answers) -> dict:
    """The room's network and its measures: ``graph``, ``summary`` (one row), ``nodes`` (one row per school)."""
    import pandas as pd

    import kit.network as kn

    ties = ties_from_answers(answers)
    named = list(dict.fromkeys(list(answers.get("school", pd.Series(dtype=str)).map(normalise_school)) + list(ties["source"]) + list(ties["target"])))
    named = [n for n in named if n]
    if not named:
        return {"graph": None, "summary": None, "nodes": None, "ties": ties}
    nodes = pd.DataFrame({"school": named, "cluster": [_cluster(n) for n in named]})
    G = kn.from_edges(ties, nodes=nodes, node_id="school", duplicates="first", self_ties="drop", unknown="add", quiet=True)
    measures = kn.node_measures(G).sort_values(["in_degree", "betweenness"], ascending=False)
    return {"graph": G, "summary": kn.summary(G), "nodes": measures, "ties": ties}


def draw_png(G, title: str = "") -> bytes:
    """The network as a PNG (circle size = times named by others, colour = cluster)."""
    import kit.network as kn

    def short(n):  # "$" would start matplotlib's maths mode: show it as a plain dollar sign
        text = (str(n)[:18] + "…") if len(str(n)) > 19 else str(n)
        return text.replace("$", r"\$")

    labels = {n: short(n) for n in G}
    ax = kn.draw(G, size_by="in_degree", colour_by="cluster", labels=labels, title=title or None, width=10, height=7, font_size=11)
    return C.png_bytes(ax.figure)


_EXPLAIN = (
    "<p><b>Reading the measures.</b> <i>Density</i>: share of all possible ties that exist. "
    "<i>Components</i>: separate groups with no tie between them. <i>Centralisation</i>: how much the "
    "network leans on a few schools (0 = evenly spread, 1 = one hub). <i>Named by</i>: how many schools "
    "named this school as a partner. <i>Broker</i>: lies on many shortest paths between other schools.</p>"
)


def _summary_html(view) -> tuple[str, str]:
    """(the headline measures, the most connected schools with a key to the measures) as HTML."""
    s = view["summary"].iloc[0]
    items = [
        ("Schools", int(s["nodes"])), ("Ties", int(s["ties"])), ("Density", f"{s['density']:.2f}"),
        ("Components", int(s["components"])), ("Isolated schools", int(s["isolates"])),
        ("Centralisation", f"{s['centralisation']:.2f}"),
    ]
    cells = "".join(f"<td><div>{C.esc(k)}</div><div style='font-size:1.6em;font-weight:700'>{C.esc(v)}</div></td>" for k, v in items)
    top = view["nodes"].head(8).rename(columns={"node": "school", "in_degree": "named by", "out_degree": "names"})
    top["broker"] = top["broker"].map({True: "yes", False: ""})
    return (f'<table class="kit-table kit-net-summary"><tr>{cells}</tr></table>',
            "<h3>Most connected schools</h3>" + C.table_html(top, ["school", "named by", "names", "betweenness", "broker"]) + _EXPLAIN)


def app(store=None, show: bool = True):
    """Build (and display) the app; returns a dict of its parts for tests."""
    school = widgets.Combobox(options=SCHOOLS, placeholder="e.g. NLC07 or your school's name", ensure_option=False)
    school.add_class("kit-net-school")
    partners = widgets.Textarea(placeholder="e.g. NLC08, NLC09, Hill Primary", rows=3)
    partners.add_class("kit-net-partners")
    send = C.button("Send my school's ties", cls="kit-net-send")
    status = C.Status("kit-net-status")
    echo = widgets.HTML("")
    echo.add_class("kit-net-echo")
    join = C.JoinPanel(APP, store=store)

    def on_send(_b=None):
        answer = join.send_form({"school": school.value, "partners": partners.value}, status)
        if answer is None:
            return False
        mine, named = answer["school"], answer["partners"]
        echo.value = f"<p>You sent: {C.text_html(mine, 'b')} works with {C.text_html(', '.join(named))}</p>"
        return True

    send.on_click(on_send)
    form = C.panel("Your school's partnerships", [
        C.field("Your school", school, help="Choose from the list (NLC01-NLC60) or type its name."),
        C.field("Schools you work with", partners, help="Separate the names with commas."),
        send, status.widget, echo,
    ], cls="kit-net-form")

    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width="auto"))
    picture.add_class("kit-net-picture")
    measures = widgets.HTML("<p>No ties yet: ask the room to join and send their school's partners.</p>")
    measures.add_class("kit-net-measures")
    details = widgets.HTML("")
    details.add_class("kit-net-details")

    def draw(frame):
        if not len(frame):
            measures.value = "<p>No ties yet: ask the room to join and send their school's partners.</p>"
            details.value = ""
            picture.value = b""
            return
        view = network_view(frame)
        if view["graph"] is None:
            return
        measures.value, details.value = _summary_html(view)
        try:
            picture.value = draw_png(view["graph"], title=f"{view['graph'].number_of_nodes()} schools, {view['graph'].number_of_edges()} ties")
        except Exception as err:  # noqa: BLE001 - the measures still stand; say why the picture did not
            details.value += f"<p>The picture could not be drawn ({C.esc(err)}).</p>"

    fac = C.FacilitatorPanel(APP, TITLE, on_answers=draw, room=[C.panel("The room's network", [measures, picture, details], cls="kit-net-room")], store=store)
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=[form], join=join, facilitator=fac, show=show)
    return {"page": page, "join": join, "facilitator": fac, "school": school, "partners": partners, "send": on_send,
            "status": status, "measures": measures, "details": details, "picture": picture, "draw": draw}
