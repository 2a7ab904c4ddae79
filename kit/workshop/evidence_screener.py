"""Workshop app 6, evidence screener (live): import a search export, remove duplicates, screen titles together, PRISMA flow.

1. **Import**: the seed 004 export, a synthetic export with known duplicates, or an uploaded RIS,
   BibTeX, CSV or text file (:func:`kit.review.read_export`; problems are reported by line).
2. **Duplicates**: :func:`kit.review.find_duplicates` / :func:`kit.review.deduplicate` (exact
   after normalising, DOI, truncated and near matches), with the near-match threshold to play with.
3. **Screen together**: the facilitator sends the remaining titles to the room (stored in the live
   session); each participant votes include or exclude; the facilitator's screen shows the tallies
   (:func:`tally`).
4. **PRISMA 2020 flow**: :func:`kit.review.prisma_counts` and :func:`kit.review.prisma_diagram`
   with the room's majority decisions.

The notebook ``workshops/06-evidence-screener.ipynb`` calls :func:`app`.

>>> import pandas as pd
>>> items = [("k1", "Trust between schools"), ("k2", "Lesson study in trios")]
>>> answers = pd.DataFrame({"participant": ["Asha", "Ben"], "kind": ["votes", "votes"],
...                         "votes": [["k1=include", "k2=exclude"], ["k1=include", "k2=include"]]})
>>> tally(answers, items)[["title", "include", "exclude", "decision"]]
                   title  include  exclude        decision
0  Trust between schools        2        0         include
1  Lesson study in trios        1        1  tie: discuss it
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from pathlib import Path

import ipywidgets as widgets

from kit.workshop import components as C

_TALL = {"height": "auto"}  # a select box as tall as the kit's 19 px text (the default height clips it)
__all__ = ["APP", "TITLE", "PURPOSE", "QUESTIONS", "SOURCES", "MAX_ROOM", "load_source", "read_upload", "title_of",
           "record_key", "screening_items", "tally", "room_prisma", "prisma_png", "app", "TITLES_KEY"]

APP = "evidence-screener"
TITLE = "Evidence screener"
PURPOSE = "Import a search export, remove its duplicates, screen the titles together and see the PRISMA flow."
QUESTIONS = [
    "How many of the records were duplicates, and what made them hard to spot (hyphens, quotes, cut-off abstracts)?",
    "Which titles did the room disagree about? What would a clear inclusion criterion say about them?",
    "Write one inclusion and one exclusion criterion that would have settled the disagreements.",
    "What does the PRISMA flow tell a reader that a list of included studies does not?",
    "Who should screen in your own review, and how would you check that two screeners agree?",
]
SOURCES = {
    "Seed 004 export: 34 abstracts on school-to-school collaboration": "seed",
    "Synthetic export: 60 records with known duplicates": "synthetic",
    "My own file (upload it below)": "upload",
}
MAX_ROOM = 40  # titles sent to the room at most: a workshop screens a sample, not a whole review
UPLOAD_TYPES = (".ris", ".bib", ".bibtex", ".csv", ".txt")
TITLES_KEY = "titles"  # what the facilitator publishes to the session (Store.publish), not an answer
_CACHE: dict = {}


def load_source(source: str):
    """Records of a shipped export ('seed' or 'synthetic'), read once per kernel."""
    if source not in _CACHE:
        import kit.data

        if source == "seed":
            _CACHE[source] = kit.data.load("review_seed_export")
        elif source == "synthetic":
            _CACHE[source] = kit.data.load("review_synthetic_export", n=60)
        else:
            from kit.errors import unknown_name

            raise unknown_name("export", source, ["seed", "synthetic"])
    return _CACHE[source]


def read_upload(name: str, content: bytes):
    """Records of an uploaded export (format from the file ending), via :func:`kit.review.read_export`."""
    from kit.errors import InputError
    from kit.review import read_export

    suffix = Path(str(name)).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise InputError(f"The file should end in {', '.join(UPLOAD_TYPES)} (a search export); this one ends in '{suffix or 'nothing'}'.")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(str(name)).stem)[:60] or "export"
    with tempfile.TemporaryDirectory(prefix="kit-screener-") as tmp:
        path = Path(tmp) / f"{stem}{suffix}"
        path.write_bytes(bytes(content))
        return read_export(path)


def title_of(row) -> str:
    """The record's title, or (for exports of abstracts only) the abstract's first sentence, at most 160 characters."""
    text = " ".join(str(row.get("title", "") or "").split())
    if not text:
        abstract = " ".join(str(row.get("abstract", "") or "").split())
        text = re.split(r"(?<=[.!?])\s", abstract, maxsplit=1)[0]
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def record_key(text: str) -> str:
    """A short stable key for a title (same after Unicode hyphens, quotes, case and spacing are normalised)."""
    from kit.review import normalise_text

    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()[:12]


def screening_items(unique) -> list[tuple[str, str]]:
    """``(key, title)`` of the deduplicated records, at most :data:`MAX_ROOM`, each title once."""
    items: dict[str, str] = {}
    for _, row in unique.iterrows():
        title = title_of(row)
        if title:
            items.setdefault(record_key(title), title)
    return list(items.items())[:MAX_ROOM]


def tally(answers, items):
    """Votes per title from the participants' latest answers: title, include, exclude, voters, decision.

    ``answers`` has a ``votes`` column of lists such as ``["k1=include", "k2=exclude"]``; the decision
    is the majority ('include' / 'exclude'), 'tie: discuss it', or 'no votes yet'.
    """
    import pandas as pd

    counts = {key: {"include": 0, "exclude": 0} for key, _ in items}
    if len(answers) and "votes" in answers:
        kinds = answers["kind"] if "kind" in answers else pd.Series("votes", index=answers.index)
        for votes in answers.loc[kinds == "votes", "votes"]:
            for vote in votes if isinstance(votes, list) else []:
                key, _, choice = str(vote).partition("=")
                if key in counts and choice in ("include", "exclude"):
                    counts[key][choice] += 1
    rows = []
    for key, title in items:
        inc, exc = counts[key]["include"], counts[key]["exclude"]
        decision = "no votes yet" if inc + exc == 0 else "include" if inc > exc else "exclude" if exc > inc else "tie: discuss it"
        rows.append({"key": key, "title": title, "include": inc, "exclude": exc, "decision": decision})
    return pd.DataFrame(rows, columns=["key", "title", "include", "exclude", "decision"])


def room_prisma(sent: dict, table):
    """PRISMA 2020 counts for the room: only titles somebody voted on count as screened.

    Titles nobody has voted on yet, and records beyond the :data:`MAX_ROOM` sent, are "removed
    before screening" (not screened), never "included"; a tie stays in (to be discussed).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"decision": ["include", "exclude", "no votes yet", "tie: discuss it"]})
    >>> counts = room_prisma({"identified": [["db", 10]], "duplicates": 4, "not_sent": 2}, table)
    >>> counts.set_index("box").loc[["screened", "excluded_screening", "included"], "n"].tolist()
    [3, 1, 2]
    """
    from kit.review import prisma_counts

    unvoted = int((table["decision"] == "no votes yet").sum())
    return prisma_counts(dict(sent["identified"]), duplicates_removed=int(sent["duplicates"]),
                         removed_other=unvoted + int(sent.get("not_sent", 0)),
                         excluded_screening=int((table["decision"] == "exclude").sum()))


def prisma_png(counts, title: str | None = None) -> bytes:
    """The PRISMA flow diagram as PNG bytes."""
    from kit.review import prisma_diagram

    fig = prisma_diagram(counts, title=title)
    return C.png_bytes(fig)


# Counts and decisions stay on one line (the kit's tables may break any word to fit a phone).
_NOWRAP = ("<style>.kit-es-tallies th, .kit-es-tallies td:not(:nth-child(2)), .kit-es-imported th, "
           ".kit-es-imported td:nth-child(1), .kit-es-imported td:nth-child(3), .kit-es-duplicates th, .kit-es-duplicates td:not(:last-child) "
           "{ overflow-wrap: normal !important; white-space: nowrap !important; }</style>")


def _image():
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", width="auto", display="none"))
    return picture


def app(store=None, show: bool = True):
    """Build (and display) the screener; returns a dict of its parts for tests."""

    # -- 1. import ------------------------------------------------------------------------------
    source = widgets.Dropdown(options=list(SOURCES), value=next(iter(SOURCES)), layout=_TALL)
    source.add_class("kit-es-source")
    upload = widgets.FileUpload(accept=",".join(UPLOAD_TYPES), multiple=False, description="Choose a file")
    upload.add_class("kit-es-upload")
    imported = widgets.HTML("")
    imported.add_class("kit-es-imported")
    import_status = C.Status("kit-es-import-status")
    # -- 2. duplicates --------------------------------------------------------------------------
    threshold = widgets.IntSlider(value=90, min=70, max=100, step=1, continuous_update=False)
    threshold.add_class("kit-es-threshold")
    dups = widgets.HTML("")
    dups.add_class("kit-es-duplicates")
    # -- 3. screening (participants) --------------------------------------------------------------
    join = C.JoinPanel(APP, store=store)
    fetch = C.button("Get the room's titles", cls="kit-es-fetch")
    vote_status = C.Status("kit-es-vote-status")
    votes_box = widgets.VBox([])
    votes_box.add_class("kit-es-votes")
    # -- 4. PRISMA (this page's export) -----------------------------------------------------------
    flow_note = widgets.HTML("")
    flow_note.add_class("kit-es-flow-note")
    flow = _image()
    flow.add_class("kit-es-prisma")

    state = {"records": None, "label": "", "dup_table": None, "unique": None, "items": [], "ballot": [], "votes": {}}
    lock = threading.Lock()

    def show_records(records, label):
        from kit.review import import_report

        state["records"], state["label"] = records, label
        report = import_report(records)
        head = records.head(8)
        preview = head.assign(title=[title_of(r) for _, r in head.iterrows()],
                              year=[str(int(y)) if str(y).strip().isdigit() else "" for y in head.get("year", [""] * len(head))])
        shown = ["record_id", "title"] + [c for c in ("year", "authors") if c in preview and preview[c].astype(str).str.strip().ne("").any()]
        imported.value = (_NOWRAP + f"<p><b>{len(records)}</b> records read from {C.esc(label)}.</p>"
                          + C.table_html(preview, shown, labels={"record_id": "record"}))
        if report and "no problems" not in report.lower():
            import_status.info(report)
        else:
            import_status.clear()
        deduplicate()

    def deduplicate(_change=None):
        from kit.review import deduplicate as kit_deduplicate
        from kit.review import prisma_counts

        records = state["records"]
        if records is None:
            return
        with lock:
            unique = kit_deduplicate(records, threshold=threshold.value)
            table = unique.attrs["duplicates"]
            state["unique"], state["dup_table"] = unique, table
            removed = int(unique.attrs["removed"])
            groups = int(table["group"].nunique()) if len(table) else 0
            reasons = table[~table["keep"].astype(bool)]["reason"].value_counts() if len(table) else []
            why = ", ".join(f"{n} {C.esc(r)}" for r, n in getattr(reasons, "items", lambda: [])())
            summary = _NOWRAP + (
                f"<p class='kit-es-dup-summary'><b>{removed}</b> duplicates removed ({groups} groups"
                + (f": {why}" if why else "") + f"); <b>{len(unique)}</b> records remain.</p>"
                + (C.table_html(table, ["group", "record_id", "keep", "reason", "score", "preview"],
                                labels={"record_id": "record"}, max_rows=30) if len(table) else "")
            )
            counts = prisma_counts(records, duplicates_removed=table if len(table) else 0)
            flow_note.value = ("<p>This page's export after removing duplicates. The room's screening decisions "
                               "appear in the flow on the facilitator's screen.</p>")
            flow.value = prisma_png(counts, title=f"Flow so far: {state['label']}"[:80])
            flow.layout.display = None
            dups.value = summary  # after the picture: the page's tests wait for this text

    def load(_change=None):
        kind = SOURCES[source.value]
        if kind == "upload":
            upload.layout.display = None
            if upload.value:
                on_upload()
            else:
                import_status.info("Choose a RIS, BibTeX, CSV or text file (one abstract per line) from your computer.")
            return
        upload.layout.display = "none"
        try:
            records = load_source(kind)
        except Exception as err:  # noqa: BLE001 - say so; the page stays usable
            import_status.error(f"The export could not be read: {err}")
            return
        show_records(records, "the seed 004 export" if kind == "seed" else "the synthetic export")

    def on_upload(_change=None):
        from kit.errors import KitError

        if not upload.value:
            return
        item = upload.value[0]
        name = item.get("name", "export")
        try:
            records = read_upload(name, item["content"])
        except KitError as err:
            import_status.error(f"{name}: {err}")
            return
        except Exception as err:  # noqa: BLE001
            import_status.error(f"{name} could not be read as a search export ({type(err).__name__}). Is it RIS, BibTeX, CSV or text?")
            return
        if not len(records):
            import_status.error(f"{name} holds no records.")
            return
        show_records(records, name)

    # -- participants' ballot ---------------------------------------------------------------------
    def send_votes(_change=None):
        votes = [f"{k}={v}" for k, v in state["votes"].items() if v]
        if not votes:
            return False
        ok = join.submit({"kind": "votes", "votes": votes}, status=vote_status)
        if ok:
            vote_status.ok(f"Saved {len(votes)} vote(s). You can change a vote at any time.")
        return ok

    def build_ballot(items):
        rows = []
        state["items"], state["votes"] = items, {}
        for i, (key, title) in enumerate(items):
            choice = widgets.ToggleButtons(options=["Include", "Exclude"], value=None)
            choice.add_class(f"kit-es-vote-{i}")

            def on_vote(change, key=key):
                state["votes"][key] = (change["new"] or "").lower()
                send_votes()

            choice.observe(on_vote, names="value")
            text = C.safe_text(title, cls="kit-text kit-es-title")
            rows.append(widgets.VBox([widgets.HTML(f"<b>{i + 1}.</b>"), text, choice], layout=widgets.Layout(margin="0 0 0.6em 0")))
        state["ballot"] = rows
        votes_box.children = rows

    def fetch_titles(_b=None):
        from kit.errors import KitError

        if not join.joined and not join.join():
            vote_status.error("Join the session first: type the join code and your name, then press Join.")
            return False
        try:
            sent = join.store.state(join.code, TITLES_KEY)
        except KitError as err:
            vote_status.error(str(err))
            return False
        if not sent:
            vote_status.info("The facilitator has not sent the titles yet. Wait a moment and press the button again.")
            return False
        items = [tuple(t) for t in sent["titles"]]
        build_ballot(items)
        vote_status.ok(f"{len(items)} titles to screen. Would each one belong in a review of school-to-school collaboration?")
        return True

    fetch.on_click(fetch_titles)

    # -- facilitator's room view -------------------------------------------------------------------
    send_titles = C.button("Send these titles to the room", cls="kit-es-send-titles")
    room_status = C.Status("kit-es-room-status")
    room_table = widgets.HTML("<p>No titles sent yet: choose the export above, then send its titles to the room.</p>")
    room_table.add_class("kit-es-tallies")
    room_flow = _image()
    room_flow.add_class("kit-es-room-prisma")

    def on_send_titles(_b=None):
        from kit.errors import KitError

        if not fac.code:
            room_status.error("Open a session first.")
            return False
        unique, records = state["unique"], state["records"]
        if unique is None:
            room_status.error("Import an export first.")
            return False
        items = screening_items(unique)
        sources = records["source"].astype(str).value_counts(sort=False).to_dict() if "source" in records else {state["label"]: len(records)}
        answer = {"source": state["label"], "titles": [[k, t] for k, t in items],
                  "identified": [[str(k), int(v)] for k, v in sources.items()], "duplicates": int(unique.attrs["removed"]),
                  "not_sent": max(0, len(unique) - len(items))}
        try:
            fac.store.publish(fac.code, TITLES_KEY, answer)
        except KitError as err:
            room_status.error(f"The titles were not sent: {err}")
            return False
        more = f" (the first {len(items)} of {len(unique)})" if answer["not_sent"] else ""
        room_status.ok(f"Sent {len(items)} titles{more}. Participants press \u201cGet the room's titles\u201d.")
        fac.refresh(force=True)
        return True

    send_titles.on_click(on_send_titles)

    def draw(frame):
        sent = fac.store.state(fac.code, TITLES_KEY) if fac.code else None
        if not sent:
            room_table.value = "<p>No titles sent yet: choose the export above, then send its titles to the room.</p>"
            room_flow.value = b""
            room_flow.layout.display = "none"
            return
        items = [tuple(t) for t in sent["titles"]]
        table = tally(frame, items)
        voters = int((frame["kind"] == "votes").sum()) if "kind" in frame else 0
        shown = table.assign(n=range(1, len(table) + 1))
        room_table.value = (
            _NOWRAP + f"<p class='kit-es-voters'><b>{voters}</b> {'person has' if voters == 1 else 'people have'} voted on "
            f"{len(items)} titles from {C.esc(sent['source'])}.</p>"
            + C.table_html(shown, ["n", "title", "include", "exclude", "decision"], labels={"n": "#"}, max_rows=MAX_ROOM)
        )
        try:
            counts = room_prisma(sent, table)
            room_flow.value = prisma_png(counts, title="The room's screening")
            room_flow.layout.display = None
        except Exception as err:  # noqa: BLE001 - the tallies still stand
            room_table.value += f"<p>The flow diagram could not be drawn: {C.esc(err)}</p>"

    fac = C.FacilitatorPanel(APP, TITLE, on_answers=draw, store=store, room=[C.panel("The room's screening", [
        send_titles, room_status.widget, room_table, room_flow], cls="kit-es-room")])

    source.observe(load, names="value")
    upload.observe(on_upload, names="value")
    threshold.observe(deduplicate, names="value")
    upload.layout.display = "none"

    body = [
        C.panel("1. Import a search export", [C.field("Export", source), upload, import_status.widget, imported], cls="kit-es-import"),
        C.panel("2. Remove duplicates", [
            C.field("How alike two titles must be to count as the same study (0-100)", threshold,
                    help="90 is the usual setting; lower it and watch which different studies get merged."),
            dups], cls="kit-es-dedup"),
        C.panel("3. Screen the titles together", [
            widgets.HTML("<p>Join the session above, get the titles the facilitator sent, and vote on each: would it "
                         "belong in a review of school-to-school collaboration?</p>"),
            fetch, vote_status.widget, votes_box], cls="kit-es-screen"),
        C.panel("4. PRISMA flow", [flow_note, flow], cls="kit-es-flow"),
    ]
    import_status.info("Reading the export...")
    page = C.app_page(TITLE, PURPOSE, QUESTIONS, body=body, join=join, facilitator=fac, show=show, on_first_view=load)
    return {"page": page, "join": join, "facilitator": fac, "source": source, "upload": upload, "threshold": threshold,
            "imported": imported, "duplicates": dups, "fetch": fetch_titles, "votes": votes_box, "state": state,
            "send_titles": on_send_titles, "tallies": room_table, "room_flow": room_flow, "flow": flow,
            "import_status": import_status, "vote_status": vote_status, "draw": draw, "build_ballot": build_ballot}
