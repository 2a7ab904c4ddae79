"""Workshop app 5, impact evaluator: four ways to judge a programme, side by side against the known truth.

A simulated programme (:func:`simulate`) whose true effect the room sets: schools are chosen
for it (at random, or the more disadvantaged ones), schools like those improve faster anyway,
and the chosen schools may already have been improving faster. :func:`estimates` then judges the
programme with a naive before-after comparison, a comparison group after the start, difference-in-
differences (:func:`kit.policy.did`), matching on disadvantage and prior attainment
(:mod:`kit.matching`) and matched difference-in-differences, and gives each method's bias.
The notebook ``workshops/05-impact-evaluator.ipynb`` calls :func:`app`.

>>> panel = simulate(true_effect=2.0, selection="At random", pre_trend=0.0, n_programme=60, seed=1)
>>> panel.attrs["true_effect"], int(panel["programme"].sum() / panel["year"].nunique())
(2.0, 60)
"""

from __future__ import annotations

import threading

import ipywidgets as widgets

from kit.workshop import components as C
from kit.workshop.timers import when_shown  # noqa: F401 - it lived here first; kept importable

_TALL = {"height": "auto"}  # a select box as tall as the kit's 19 px text (the default height clips it)
__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "SELECTION", "YEARS", "START", "simulate", "estimates", "chart_png",
           "when_shown", "app"]

APP = "impact-evaluator"
TITLE = "Impact evaluator"
PURPOSE = "Set up a programme whose true effect you know, then see which ways of judging it get close."
QUESTIONS = [
    "With schools chosen at random, which methods find the true effect? Why is before-after still wrong?",
    "Choose the most disadvantaged schools. Which methods go wrong now, and in which direction?",
    "Make the chosen schools already improve faster. Can any method here rescue the evaluation?",
    "Make the programme small. What happens to the intervals, and what would you tell a commissioner?",
    "Which evaluation would you ask for before the next programme starts, and what data would it need?",
]
#: How schools are chosen: strength of the pull towards disadvantaged schools.
SELECTION = {"At random": 0.0, "Somewhat more disadvantaged schools": 1.0, "The most disadvantaged schools": 2.5}
YEARS = tuple(range(2004, 2012))
START = 2008
NATIONAL_TREND = 0.5  # points a year, every school
CATCH_UP = 0.3  # extra points a year per standard deviation of disadvantage ("schools like these improve faster")
METHODS = [
    ("Before-after (programme schools only)", "Nothing else changed over those years."),
    ("Comparison group, after the start", "Programme and other schools were alike to begin with."),
    ("Difference-in-differences", "Both groups would have changed alike without the programme."),
    ("Matching, after the start", "Schools alike on disadvantage and prior attainment are alike in what matters."),
    ("Matched difference-in-differences", "Matched schools would have changed alike without the programme."),
]


def simulate(true_effect: float = 2.0, selection: str | float = "At random", pre_trend: float = 0.0,
             n_programme: int = 100, seed: int = 2024):
    """A school-by-year panel of a simulated programme with a known effect (``attrs["true_effect"]``).

    Four comparison schools per programme school; attainment rises by a national trend, faster in
    more disadvantaged schools, and programme schools gain ``true_effect`` points from 2008 on,
    plus ``pre_trend`` extra points a year all along (an unseen reason they were improving anyway).

    Returns columns school_id, year, programme, post, disadvantaged_share, attainment.
    """
    import numpy as np
    import pandas as pd

    from kit.errors import unknown_name

    if isinstance(selection, str) and selection not in SELECTION:
        raise unknown_name("way of choosing schools", selection, list(SELECTION))
    pull = SELECTION[selection] if isinstance(selection, str) else float(selection)
    rng = np.random.default_rng(seed)
    n_prog = int(n_programme)
    n = 5 * n_prog
    share = rng.beta(2.0, 5.0, n)
    z = (share - share.mean()) / share.std()
    weights = np.exp(pull * z)
    chosen = rng.choice(n, size=n_prog, replace=False, p=weights / weights.sum())
    programme = np.zeros(n, bool)
    programme[chosen] = True
    level = 55.0 - 20.0 * share + rng.normal(0, 3.0, n)
    slope = NATIONAL_TREND + CATCH_UP * z + float(pre_trend) * programme
    t = np.array(YEARS) - YEARS[0]
    post = np.array(YEARS) >= START
    y = level[:, None] + slope[:, None] * t[None, :] + float(true_effect) * (programme[:, None] & post[None, :])
    y = y + rng.normal(0, 1.5, y.shape)
    frame = pd.DataFrame({
        "school_id": np.repeat([f"S{i + 1:04d}" for i in range(n)], len(YEARS)),
        "year": np.tile(YEARS, n),
        "programme": np.repeat(programme, len(YEARS)),
        "post": np.tile(post, n),
        "disadvantaged_share": np.repeat(np.round(share, 3), len(YEARS)),
        "attainment": np.round(y.ravel(), 1),
    })
    frame.attrs.update(true_effect=float(true_effect), start=START)
    return frame


def estimates(panel):
    """Each method's estimate, 95% interval and bias against ``panel.attrs["true_effect"]`` (one row per method).

    Columns: method, estimate, ci_low, ci_high, bias, assumes. ``attrs["matched"]`` holds the matched panel.
    """
    import pandas as pd

    from kit.matching import match, matched_sample
    from kit.policy import before_after, did

    truth = panel.attrs["true_effect"]
    after = panel[panel["post"]]
    units = (panel[~panel["post"]].groupby("school_id", sort=False)
             .agg(programme=("programme", "first"), disadvantaged_share=("disadvantaged_share", "first"),
                  prior_attainment=("attainment", "mean")).reset_index())
    pairs = match(units, "programme", ["disadvantaged_share", "prior_attainment"], id="school_id")
    matched = matched_sample(panel, pairs, "school_id")
    # A comparison "after the start" is a difference of two means: before_after with the group as the
    # switch gives (programme mean - comparison mean) with a school-clustered interval.
    fits = [
        before_after(panel, "attainment", "post", treated="programme", cluster="school_id"),
        before_after(after, "attainment", "programme", cluster="school_id"),
        did(panel, "attainment", "programme", "post", cluster="school_id"),
        before_after(matched[matched["post"]], "attainment", "programme", cluster="school_id"),
        did(matched, "attainment", "programme", "post", cluster="school_id"),
    ]
    rows = [{"method": name, "estimate": float(f["estimate"].iloc[0]), "ci_low": float(f["ci_low"].iloc[0]),
             "ci_high": float(f["ci_high"].iloc[0]), "assumes": assumes} for (name, assumes), f in zip(METHODS, fits)]
    table = pd.DataFrame(rows)
    table.insert(4, "bias", table["estimate"] - truth)
    table.attrs.update(true_effect=truth, matched=matched)
    return table


def chart_png(panel, table) -> bytes:
    """Two panels: attainment by year (programme, all others, matched others) and the estimates against the truth."""
    from kit.plotting import PALETTE, figure, label

    truth = table.attrs["true_effect"]
    matched = table.attrs["matched"]
    fig, (left, right) = figure(1, 2, width=13, height=5.6, gridspec_kw={"width_ratios": [1, 1.15]})
    means = panel.groupby(["year", "programme"])["attainment"].mean().unstack()
    m_means = matched[~matched["programme"]].groupby("year")["attainment"].mean()
    left.plot(means.index, means[True], "o-", color=PALETTE[0], lw=3, label="Programme schools")
    left.plot(means.index, means[False], "s-", color=PALETTE[1], lw=3, label="All other schools")
    left.plot(m_means.index, m_means.values, "^--", color=PALETTE[2], lw=2.5, label="Matched other schools")
    left.axvline(START - 0.5, color="#555", ls=":", lw=2)
    left.text(START - 0.4, left.get_ylim()[0], "programme starts", fontsize=12, va="bottom")
    left.legend(fontsize=12, loc="upper left")
    label(left, "Year", "Mean attainment (points)", "What happened")
    names = [m for m, _ in METHODS][::-1]
    ys = range(len(names))
    rows = table.set_index("method").loc[names]
    right.axvline(truth, color=PALETTE[5], lw=3, label=f"True effect {truth:g}")
    right.axvline(0, color="#999", lw=1)
    right.errorbar(rows["estimate"], list(ys), xerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
                   fmt="o", color=PALETTE[0], ms=10, lw=3, capsize=6)
    short = {"Before-after (programme schools only)": "Before-after", "Comparison group, after the start": "Comparison (after)",
             "Matching, after the start": "Matching (after)", "Matched difference-in-differences": "Matched DiD",
             "Difference-in-differences": "DiD"}
    right.set_yticks(list(ys), [short.get(n, n) for n in names], fontsize=14)
    right.legend(fontsize=12, loc="lower right")
    label(right, "Estimated effect (points, 95% interval)", "", "What each method says")
    return C.png_bytes(fig)


def _verdict(table) -> str:
    truth = table.attrs["true_effect"]
    close = table[table["bias"].abs() <= max(0.5, 0.25 * abs(truth))]["method"].tolist()
    worst = table.loc[table["bias"].abs().idxmax()]
    near = ", ".join(close) if close else "none of the methods"
    return (f"<p>True effect: <b>{truth:g} points</b>. Within half a point of it: <b>{C.esc(near)}</b>. "
            f"Furthest away: <b>{C.esc(worst['method'])}</b> ({worst['estimate']:+.1f}, bias {worst['bias']:+.1f}).</p>")


def app(show: bool = True):
    """Build (and display) the evaluator; the first result is drawn just after the page appears."""
    effect = widgets.FloatSlider(value=2.0, min=-2.0, max=5.0, step=0.5, continuous_update=False, readout_format=".1f")
    effect.add_class("kit-ie-effect")
    selection = widgets.Dropdown(options=list(SELECTION), value="At random", layout=_TALL)
    selection.add_class("kit-ie-selection")
    trend = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.1, continuous_update=False, readout_format=".1f")
    trend.add_class("kit-ie-trend")
    size = widgets.IntSlider(value=100, min=20, max=300, step=10, continuous_update=False)
    size.add_class("kit-ie-size")
    again = C.button("Draw a new sample", kind="", cls="kit-ie-again")
    status = C.Status("kit-ie-status")
    verdict = widgets.HTML("")
    verdict.add_class("kit-ie-verdict")
    table_html = widgets.HTML("")
    table_html.add_class("kit-ie-table")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width="auto", display="none"))
    picture.add_class("kit-ie-chart")
    state = {"seed": 2024, "table": None}
    lock = threading.Lock()

    def update(_change=None):
        with lock:
            status.info("Working it out...")
            try:
                panel = simulate(effect.value, selection.value, trend.value, size.value, seed=state["seed"])
                table = estimates(panel)
            except Exception as err:  # noqa: BLE001 - say so on the page; controls stay usable
                status.error(f"These settings could not be evaluated: {err}")
                return
            state["table"] = table
            shown = table.assign(
                estimate=table["estimate"].map("{:+.2f}".format),
                interval=[f"{lo:+.2f} to {hi:+.2f}" for lo, hi in zip(table["ci_low"], table["ci_high"])],
                bias=table["bias"].map("{:+.2f}".format),
            )
            table_html.value = C.table_html(shown, ["method", "estimate", "interval", "bias", "assumes"],
                                            labels={"estimate": "estimate (points)", "interval": "95% interval", "assumes": "works if..."})
            picture.value = chart_png(panel, table)
            picture.layout.display = None  # hidden until it has a picture (an empty image shows as broken)
            verdict.value = _verdict(table)  # last: the page's tests wait for it
            n = panel["school_id"].nunique()
            status.ok(f"{size.value} programme schools and {n - size.value} others, {YEARS[0]}-{YEARS[-1]}; programme from {START}.")

    def new_sample(_b=None):
        state["seed"] += 1
        update()

    for w in (effect, selection, trend, size):
        w.observe(update, names="value")
    again.on_click(new_sample)

    controls = C.panel("The programme (you know the truth)", [
        C.field("True effect of the programme (points)", effect),
        C.field("Which schools join?", selection, help="Disadvantaged schools tend to improve faster anyway."),
        C.field("Programme schools were already improving faster by (points a year)", trend),
        C.field("Schools in the programme", size, help="Each has four possible comparison schools."),
        again, status.widget,
    ], cls="kit-ie-controls")
    results = C.panel("Five ways to judge it", [verdict, picture, table_html], cls="kit-ie-results")
    status.info("Working out the first result...")
    # the first result once the page is on screen: statsmodels and matplotlib load then
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=[controls, results], show=show, on_first_view=update)
    return {"page": page, "effect": effect, "selection": selection, "trend": trend, "size": size, "again": new_sample,
            "verdict": verdict, "table": table_html, "picture": picture, "status": status, "state": state, "update": update}
