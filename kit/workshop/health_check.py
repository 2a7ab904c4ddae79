"""Workshop app 4, partnership health check (live): the trust, shared goals and participation survey;
the room's profile compared with an earlier wave.

Participants answer the twelve items of the kit's partnership survey (``kit.data.partnership_survey``,
after Dhillon 2007, 2009; three items reverse-keyed); the facilitator's screen shows the room's mean
on each scale beside the same scale in an earlier wave of the networked learning community, with
95% confidence intervals (``kit.survey.score_scales``, ``aggregate``, ``compare_waves``).

Dhillon, J. K. (2007). Trust, shared goals and participation in partnerships: reflections of post-16
education and training partnerships in England. *Journal of Vocational Education and Training*, 59(4), 503-515.

>>> room_profile(_demo_answers(3))[["scale", "n", "estimate"]]
           scale  n  estimate
0  participation  3  3.000000
1   shared_goals  3  3.333333
2          trust  3  3.166667
"""

from __future__ import annotations

import ipywidgets as widgets

from kit.workshop import components as C
from kit.instruments import ITEMS, SCALES  # the questionnaire the dataset uses too (plain Python, no pandas)

__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "SCALE_LABELS", "room_profile", "earlier_profile",
           "comparison", "draw_png", "app"]

APP = "health-check"
TITLE = "Partnership health check"
PURPOSE = "Answer twelve statements on trust, shared goals and participation; see the room's profile beside an earlier wave."
QUESTIONS = [
    "Which of the three scales is strongest in this room, and which is weakest?",
    "How does the room compare with the earlier wave? Is the difference bigger than the uncertainty?",
    "Why might leaders and teachers answer differently?",
    "What one action would strengthen the weakest scale in your partnership?",
]
SCALE_LABELS = {"trust": "Trust", "shared_goals": "Shared goals", "participation": "Participation"}
AGREE = [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)]
ROLES = ["leader", "teacher", "other"]


def _survey_meta():
    return ITEMS, SCALES


def _room_scores(answers):
    """Scale scores of the room (reliability warnings muted: a room of a few people is not a sample to test)."""
    import warnings

    from kit.survey import score_scales

    _, scales = _survey_meta()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scores, _ = score_scales(answers, scales, keep=["participant"], missing="mean-of-available", out_of_range="missing")
    return scores


def room_profile(answers):
    """Mean score per scale of the room's latest answers (``kit.survey.aggregate``: scale, n, estimate, sd, ci_low, ci_high)."""
    from kit.survey import aggregate

    scores = _room_scores(answers)
    return aggregate(scores.assign(group="room"), by="group").drop(columns="group")


_EARLIER: dict = {}


def earlier_profile(wave: int = 1):
    """The same profile for every respondent of an earlier wave of ``partnership_survey`` (cached)."""
    if wave not in _EARLIER:
        import kit.data
        from kit.survey import score_scales

        _, scales = _survey_meta()
        data = kit.data.load("partnership_survey")
        scores, _ = score_scales(data[data["wave"] == wave], scales, keep=["wave", "role"])
        _EARLIER[wave] = scores
    return _EARLIER[wave]


def comparison(answers, wave: int = 1):
    """Room vs earlier wave per scale: ``kit.survey.compare_waves`` (difference = room - earlier, Welch CI, Hedges' g).

    With fewer than two answers in the room only the means (and no interval) are given.
    """
    import pandas as pd

    from kit.survey import compare_waves

    from kit.errors import EmptyDataError

    room = _room_scores(answers)
    earlier = earlier_profile(wave)
    both = pd.concat([earlier.assign(wave="earlier"), room.assign(wave="room")], ignore_index=True)
    try:
        return compare_waves(both, "earlier", "room")
    except EmptyDataError:  # a room of one: means only, no interval yet
        first = earlier.groupby("scale")["score"].agg(["mean", "count"])
        second = room.groupby("scale")["score"].agg(["mean", "count"])
        out = pd.DataFrame({"scale": first.index, "mean_first": first["mean"].to_numpy(),
                            "mean_second": second["mean"].reindex(first.index).to_numpy(),
                            "n_first": first["count"].to_numpy(), "n_second": second["count"].reindex(first.index).fillna(0).to_numpy()})
        out["estimate"] = out["mean_second"] - out["mean_first"]
        out["ci_low"] = out["ci_high"] = float("nan")
        return out


def draw_png(table, wave: int) -> bytes:
    """Horizontal bars: earlier wave vs the room, per scale, with 95% CIs (Okabe-Ito colours)."""
    import numpy as np

    from kit.plotting import PALETTE, figure, label

    table = table.set_index("scale").reindex(list(SCALE_LABELS))
    y = np.arange(len(table))
    fig, ax = figure(width=9, height=4.8)
    for offset, col, colour, name in [(0.2, "first", PALETTE[1], f"Earlier wave ({wave})"), (-0.2, "second", PALETTE[0], "This room")]:
        means = table[f"mean_{col}"].to_numpy(dtype=float)
        ax.barh(y + offset, means, height=0.38, color=colour, label=name)
    ax.set_yticks(y, [SCALE_LABELS[s] for s in table.index])
    ax.set_xlim(1, 5)
    ax.invert_yaxis()  # first scale on top
    label(ax, x="Mean score (1 = strongly disagree, 5 = strongly agree)", y="", title="Partnership health: room vs earlier wave")
    ax.legend(loc="lower right")
    return C.png_bytes(fig)


def _table_html(table) -> str:
    rows = []
    for _, r in table.iterrows():
        diff = f"{r['estimate']:+.2f} [{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]" if r["n_second"] >= 2 else "need 2+ answers"
        rows.append({"scale": SCALE_LABELS.get(r["scale"], r["scale"]), "room": f"{r['mean_second']:.2f} (n={int(r['n_second'])})",
                     "earlier": f"{r['mean_first']:.2f} (n={int(r['n_first'])})", "difference": diff})
    import pandas as pd

    return C.table_html(pd.DataFrame(rows), labels={"room": "This room", "earlier": "Earlier wave",
                                                    "difference": "Room - earlier [95% CI]"}) + (
        "<p><small>Scores average each scale's four items (1-5) after turning round the reverse-keyed item. "
        "A difference whose interval includes 0 could be chance. The room is not a random sample.</small></p>")


def _demo_answers(n: int):
    import pandas as pd

    items, _ = _survey_meta()
    rows = [{"participant": f"p{i}", "role": "teacher", **{k: 2 + (i + j) % 4 for j, k in enumerate(items)}} for i in range(n)]
    return pd.DataFrame(rows)


def app(store=None, show: bool = True):
    """Build (and display) the app; returns a dict of its parts for tests."""
    items, _ = _survey_meta()
    role = widgets.ToggleButtons(options=[("Leader", "leader"), ("Teacher", "teacher"), ("Other", "other")], value=None)
    role.add_class("kit-hc-role")
    toggles = {}
    rows = [C.field("Your role", role)]
    for i, (name, text) in enumerate(items.items(), start=1):
        t = widgets.ToggleButtons(options=AGREE, value=None, style={"button_width": "3.2em"})
        t.add_class("kit-hc-item")
        t.add_class(f"kit-hc-{name}")
        toggles[name] = t
        rows.append(C.field(f"{i}. {text}", t))
    send = C.button("Send my answers", cls="kit-hc-send")
    status = C.Status("kit-hc-status")
    mine = widgets.HTML("")
    mine.add_class("kit-hc-mine")
    join = C.JoinPanel(APP, store=store)

    def on_send(_b=None):
        answer = join.send_form({"role": role.value, **{k: t.value for k, t in toggles.items()}}, status)
        if answer is None:
            return False
        own = {s: sum((6 - answer[i[1:]]) if i.startswith("-") else answer[i] for i in its) / len(its)
               for s, its in _survey_meta()[1].items()}
        mine.value = "<p>Your scores: " + ", ".join(f"{C.esc(SCALE_LABELS[s])} {v:.2f}" for s, v in own.items()) + "</p>"
        return True

    send.on_click(on_send)
    form = C.panel("The survey (1 = strongly disagree ... 5 = strongly agree)", [*rows, send, status.widget, mine], cls="kit-hc-form")

    wave = widgets.Dropdown(options=[("Wave 1 (June 2006)", 1), ("Wave 2 (June 2007)", 2), ("Wave 3 (June 2008)", 3)], value=1)
    wave.add_class("kit-hc-wave")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width="auto"))
    picture.add_class("kit-hc-picture")
    table = widgets.HTML("<p>No answers yet.</p>")
    table.add_class("kit-hc-table")
    latest = {"frame": None}

    def draw(frame=None):
        frame = latest["frame"] if frame is None else frame
        latest["frame"] = frame
        if frame is None or not len(frame):
            table.value = "<p>No answers yet: ask the room to join and answer.</p>"
            picture.value = b""
            return
        result = comparison(frame, wave.value)
        table.value = _table_html(result)
        picture.value = draw_png(result, wave.value)

    wave.observe(lambda _c: draw(), names="value")
    fac = C.FacilitatorPanel(APP, TITLE, on_answers=draw, store=store,
                             room=[C.panel("The room's profile", [C.field("Compare with", wave), table, picture], cls="kit-hc-room")])
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=[form], join=join, facilitator=fac, show=show)
    return {"page": page, "join": join, "facilitator": fac, "role": role, "items": toggles, "send": on_send,
            "status": status, "table": table, "picture": picture, "draw": draw, "wave": wave}
