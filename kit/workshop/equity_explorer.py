"""Workshop app 2, equity explorer: attainment gaps within, between and beyond schools.

On the ``schools_panel`` dataset (20,000 England-like schools, 2005-2014) the room picks an area
(England, a region or a local authority), a group of pupils (disadvantaged or other) and a year,
and sees the gap between the groups and how the variation in attainment splits into a part
**within** schools (between the two groups of pupils in the same school), a part **between**
schools of the same local authority, and a part **beyond** schools (between local authorities).
The panel is loaded once per kernel (:func:`schools`), after the page is on screen.

The split (:func:`variation_split`) is the nested sum-of-squares decomposition of the
pupil-weighted group averages: total = within + between + beyond, exactly (see e.g.
Snijders & Bosker, 2012, *Multilevel Analysis*, 2nd ed., ch. 3).

>>> import pandas as pd
>>> toy = pd.DataFrame({"local_authority": ["A", "A", "B", "B"], "school_id": ["s1", "s2", "s3", "s4"],
...                     "disadvantaged": [10, 10, 10, 10], "pupils": [20, 20, 20, 20],
...                     "attainment_disadvantaged": [40.0, 42.0, 44.0, 46.0], "attainment_other": [50.0, 52.0, 54.0, 56.0]})
>>> variation_split(toy).round(3).to_dict()  # by hand: 2000, 80 and 320 of a total 2400
{'within': 0.833, 'between': 0.033, 'beyond': 0.133}
"""

from __future__ import annotations

import threading

import ipywidgets as widgets

from kit.workshop import components as C

_TALL = {"height": "auto"}  # a select box as tall as the kit's 19 px text (the default height clips it)
__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "GROUPS", "YEARS", "schools", "area_options", "select_area",
           "group_means", "variation_split", "equity_view", "chart_png", "app"]

APP = "equity-explorer"
TITLE = "Equity explorer"
PURPOSE = "How big is the gap for disadvantaged pupils here, and does it lie within schools, between them or beyond them?"
QUESTIONS = [
    "How big is the gap between disadvantaged and other pupils in your area, and how does it compare with England?",
    "Most of the variation lies within schools. What does that mean for 'good' and 'bad' schools?",
    "How much lies beyond schools, between local authorities? What in an area could cause that?",
    "Pick two years. Has the gap in your area narrowed, and would you call that progress?",
    "Which of the three levels (within, between, beyond) could your partnership act on first?",
]
GROUPS = {"Disadvantaged pupils": "attainment_disadvantaged", "Other pupils": "attainment_other"}
YEARS = tuple(range(2005, 2015))
ENGLAND = "England (all areas)"
_COLUMNS = ["school_id", "region", "local_authority", "year", "pupils", "disadvantaged",
            "attainment_disadvantaged", "attainment_other"]
_CACHE: dict = {}
_LOCK = threading.Lock()


def schools():
    """The schools panel (only the columns this app uses), built once per kernel and kept."""
    with _LOCK:
        if "panel" not in _CACHE:
            import kit.data

            panel = kit.data.load("schools_panel", years=YEARS)
            panel = panel[_COLUMNS].copy()
            panel["region"] = panel["region"].astype(str)
            _CACHE["panel"] = panel
        return _CACHE["panel"]


def area_options(panel) -> list[tuple[str, str]]:
    """Dropdown choices ``(label, value)``: England, each region, each local authority (grouped by region)."""
    out = [(ENGLAND, "")]
    las = panel[["region", "local_authority"]].drop_duplicates().sort_values(["region", "local_authority"])
    for region, rows in las.groupby("region", sort=True):
        out.append((region, f"region:{region}"))
        out += [(f"    {la} ({region})", f"la:{la}") for la in rows["local_authority"]]
    return out


def _area_label(area: str) -> str:
    return area.split(":", 1)[1] if area else "England"


def select_area(panel, area: str, year: int):
    """Rows of ``year`` in ``area`` ('' = England, 'region:<name>' or 'la:<code>')."""
    rows = panel[panel["year"] == int(year)]
    if area.startswith("region:"):
        rows = rows[rows["region"] == area[7:]]
    elif area.startswith("la:"):
        rows = rows[rows["local_authority"] == area[3:]]
    return rows


def group_means(rows) -> dict:
    """Pupil-weighted mean attainment of disadvantaged and other pupils, the gap, schools and pupils."""
    import numpy as np

    n_dis = rows["disadvantaged"].to_numpy(float)
    n_oth = (rows["pupils"] - rows["disadvantaged"]).to_numpy(float)
    dis = rows["attainment_disadvantaged"].to_numpy(float)
    oth = rows["attainment_other"].to_numpy(float)
    ok_d, ok_o = ~np.isnan(dis), ~np.isnan(oth)
    m_dis = float(np.average(dis[ok_d], weights=n_dis[ok_d])) if n_dis[ok_d].sum() else float("nan")
    m_oth = float(np.average(oth[ok_o], weights=n_oth[ok_o])) if n_oth[ok_o].sum() else float("nan")
    return {"disadvantaged": m_dis, "other": m_oth, "gap": m_oth - m_dis, "schools": int(len(rows)),
            "pupils": int(rows["pupils"].sum()), "share": float(n_dis.sum() / max(1.0, rows["pupils"].sum()))}


def variation_split(rows):
    """Shares of the variation in group averages lying within schools, between schools (same LA) and beyond (between LAs).

    Every school contributes two averages (disadvantaged and other pupils), weighted by the number of
    pupils in each group. Returns a Series ``within``, ``between``, ``beyond`` adding up to 1.
    """
    import numpy as np
    import pandas as pd

    cells = pd.concat([
        pd.DataFrame({"la": rows["local_authority"].to_numpy(), "school": rows["school_id"].to_numpy(),
                      "w": rows["disadvantaged"].to_numpy(float), "y": rows["attainment_disadvantaged"].to_numpy(float)}),
        pd.DataFrame({"la": rows["local_authority"].to_numpy(), "school": rows["school_id"].to_numpy(),
                      "w": (rows["pupils"] - rows["disadvantaged"]).to_numpy(float), "y": rows["attainment_other"].to_numpy(float)}),
    ], ignore_index=True)
    cells = cells[(cells["w"] > 0) & cells["y"].notna()]
    cells["wy"] = cells["w"] * cells["y"]

    def weighted_mean(key):
        sums = cells.groupby(key, sort=False)[["wy", "w"]].transform("sum")
        return (sums["wy"] / sums["w"]).to_numpy()

    y, w = cells["y"].to_numpy(), cells["w"].to_numpy()
    grand = np.average(y, weights=w)
    school, la = weighted_mean("school"), weighted_mean("la")
    parts = {"within": (w * (y - school) ** 2).sum(), "between": (w * (school - la) ** 2).sum(),
             "beyond": (w * (la - grand) ** 2).sum()}
    total = sum(parts.values())
    return pd.Series({k: (v / total if total else float("nan")) for k, v in parts.items()})


def equity_view(panel, area: str, group: str, year: int) -> dict:
    """Everything the page shows: means here and in England, the split, and the between-LA ICC of ``group``."""
    import kit.stats

    rows = select_area(panel, area, year)
    england = select_area(panel, "", year)
    view = {"area": _area_label(area), "group": group, "year": int(year), "rows": rows,
            "here": group_means(rows), "england": group_means(england), "split": variation_split(rows), "icc": None}
    if rows["local_authority"].nunique() >= 2:
        view["icc"] = kit.stats.icc(rows.dropna(subset=[GROUPS[group]]), "local_authority", GROUPS[group])
    return view


def chart_png(view) -> bytes:
    """School averages of the chosen group (and the other group, outlined) beside the within/between/beyond split."""
    import numpy as np

    from kit.plotting import PALETTE, figure, label

    group, rows = view["group"], view["rows"]
    other = next(g for g in GROUPS if g != group)
    colour = {"Disadvantaged pupils": PALETTE[1], "Other pupils": PALETTE[0]}
    fig, (left, right) = figure(1, 2, width=13, height=5.4, gridspec_kw={"width_ratios": [1.5, 1]})
    values = rows[GROUPS[group]].dropna()
    others = rows[GROUPS[other]].dropna()
    bins = np.linspace(min(values.min(), others.min()) - 1, max(values.max(), others.max()) + 1, 30)
    left.hist(others, bins=bins, histtype="step", lw=2.5, color=colour[other], label=f"{other} (outline)")
    left.hist(values, bins=bins, color=colour[group], alpha=0.85, label=group)
    for g, style in ((group, "-"), (other, "--")):
        key = "disadvantaged" if g.startswith("Dis") else "other"
        left.axvline(view["here"][key], color="#222", ls=style, lw=2)
    left.legend(fontsize=12, loc="upper left")
    label(left, "School average attainment (points)", "Schools", f"{view['area']}, {view['year']}: {len(rows):,} schools")
    split = view["split"]
    names = {"within": "Within schools", "between": "Between schools", "beyond": "Beyond schools\n(between LAs)"}
    colours = [PALETTE[2], PALETTE[4], PALETTE[5]]
    left_edge = 0.0
    for (key, share), c in zip(split.items(), colours):
        share = 0.0 if share != share else float(share)
        right.barh([0], [share * 100], left=left_edge, color=c, label=names[key], height=0.6)
        if share >= 0.06:
            right.text(left_edge + share * 50, 0, f"{share:.0%}", ha="center", va="center",
                       fontsize=18 if share >= 0.15 else 13, color="white", fontweight="bold")
        left_edge += share * 100
    right.set_xlim(0, 100)
    right.set_yticks([])
    right.legend(fontsize=12, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    label(right, "Share of the variation (%)", "", "Where the variation lies")
    return C.png_bytes(fig)


def _summary_html(view) -> str:
    here, eng = view["here"], view["england"]
    where = C.esc(view["area"])
    focus = "disadvantaged" if view["group"].startswith("Dis") else "other"
    diff = here[focus] - eng[focus]
    headline = (f"<p class='kit-eq-headline'>In <b>{where}</b> in <b>{view['year']}</b>, disadvantaged pupils averaged "
                f"<b>{here['disadvantaged']:.1f}</b> points and other pupils <b>{here['other']:.1f}</b>: a gap of "
                f"<b>{here['gap']:.1f} points</b>" + ("." if view["area"] == "England" else
                f" (England: {eng['gap']:.1f}). {C.esc(view['group'])} here are {abs(diff):.1f} points "
                f"{'above' if diff >= 0 else 'below'} the same group across England.") + "</p>")
    rows = [("Disadvantaged pupils (mean points)", here["disadvantaged"], eng["disadvantaged"]),
            ("Other pupils (mean points)", here["other"], eng["other"]),
            ("Gap (points)", here["gap"], eng["gap"]),
            ("Share of pupils disadvantaged", f"{here['share']:.0%}", f"{eng['share']:.0%}"),
            ("Schools", f"{here['schools']:,}", f"{eng['schools']:,}")]
    both = view["area"] != "England"

    def cell(v):
        return f"<td>{C.esc(f'{v:.1f}' if isinstance(v, float) else v)}</td>"

    cells = "".join(f"<tr><td>{C.esc(a)}</td>{cell(b)}{cell(c) if both else ''}</tr>" for a, b, c in rows)
    heads = f"<th>{where}</th>" + ("<th>England</th>" if both else "")
    table = f"<table class='kit-table'><thead><tr><th></th>{heads}</tr></thead><tbody>{cells}</tbody></table>"
    split = view["split"]
    words = (f"<p>Of the variation in the two groups' school averages here, <b>{split['within']:.0%}</b> lies <b>within</b> "
             f"schools (disadvantaged and other pupils in the same school), <b>{split['between']:.0%}</b> <b>between</b> "
             f"schools in the same local authority and <b>{split['beyond']:.0%}</b> <b>beyond</b> them, between local authorities.")
    if view["icc"] is not None:
        r = view["icc"].iloc[0]
        words += (f" For {C.esc(view['group'].lower())} alone, local authorities account for {r['estimate']:.0%} of the "
                  f"differences between schools (intraclass correlation, 95% interval {r['ci_low']:.0%} to {r['ci_high']:.0%}).")
    else:
        words += " One local authority is chosen, so nothing lies beyond it here: choose a region to compare authorities."
    return headline + table + words + "</p>"


def app(show: bool = True):
    """Build (and display) the explorer; the data load just after the page appears."""

    area = widgets.Dropdown(options=[(ENGLAND, "")], value="", disabled=True, layout=_TALL)
    area.add_class("kit-eq-area")
    group = widgets.ToggleButtons(options=list(GROUPS), value="Disadvantaged pupils", style={"button_width": "auto"})
    group.add_class("kit-eq-group")
    year = widgets.Dropdown(options=list(YEARS), value=YEARS[-1], disabled=True, layout=_TALL)
    year.add_class("kit-eq-year")
    status = C.Status("kit-eq-status")
    summary = widgets.HTML("")
    summary.add_class("kit-eq-summary")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width="auto", display="none"))
    picture.add_class("kit-eq-chart")
    lock = threading.Lock()
    state = {"view": None}

    def update(_change=None):
        if "panel" not in _CACHE:
            return
        with lock:
            try:
                view = equity_view(_CACHE["panel"], area.value, group.value, year.value)
            except Exception as err:  # noqa: BLE001 - keep the page usable and say why
                status.error(f"This choice could not be shown: {err}")
                return
            state["view"] = view
            picture.value = chart_png(view)
            picture.layout.display = None  # hidden until it has a picture (an empty image shows as broken)
            summary.value = _summary_html(view)  # after the picture: the page's tests wait for this text
            status.ok(f"Showing {view['area']}, {view['year']}: {view['here']['schools']:,} schools.")

    def load():
        try:
            panel = schools()
        except Exception as err:  # noqa: BLE001
            status.error(f"The schools data could not be loaded: {err}")
            return
        area.options = area_options(panel)
        area.value = ""
        area.disabled = year.disabled = False
        update()

    for w in (area, group, year):
        w.observe(update, names="value")

    controls = C.panel("Choose", [
        C.field("Area", area, help="England, a region, or one local authority (listed under its region)."),
        C.field("Group of pupils", group),
        C.field("Year", year),
        status.widget,
    ], cls="kit-eq-controls")
    results = C.panel("What the data show", [summary, picture,
                                             widgets.HTML("<small>Synthetic data shaped like English school results "
                                                          "(kit.data 'schools_panel'); each school gives two averages, "
                                                          "one per group of pupils.</small>")], cls="kit-eq-results")
    status.info("Loading the schools data (a few seconds)...")
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=[controls, results], show=show, on_first_view=load)
    return {"page": page, "area": area, "group": group, "year": year, "summary": summary, "picture": picture,
            "status": status, "state": state, "update": update, "load": load}
