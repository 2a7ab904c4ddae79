"""Build networks from survey edge lists (one-mode) and membership lists (two-mode)."""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

import networkx as nx
import pandas as pd

from kit.errors import ColumnTypeError, InputError, require_columns, require_numeric

__all__ = ["from_edges", "two_mode", "TwoMode"]

_DUPLICATES = ("error", "sum", "first")
_SELF_TIES = ("error", "drop")
_UNKNOWN = ("error", "add")


def _choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise InputError(f"{name}={value!r} is not a choice. Use one of: {', '.join(map(repr, valid))}.")


def _note(G: nx.Graph, text: str, quiet: bool) -> None:
    G.graph.setdefault("notes", []).append(text)
    if not quiet:
        print(f"Note: {text}")


def _examples(values, k: int = 5, quote: bool = True) -> str:
    values = list(dict.fromkeys(values))
    shown = ", ".join(repr(v) if quote else str(v) for v in values[:k])
    return shown + (f" and {len(values) - k} more" if len(values) > k else "")


def _node_table(nodes: pd.DataFrame, node_id: str | None) -> pd.DataFrame:
    if node_id is None:
        node_id = nodes.columns[0]
    require_columns(nodes, [node_id], table="The node table")
    ids = nodes[node_id]
    if ids.isna().any():
        rows = list(nodes.index[ids.isna()][:5])
        raise InputError(f"The node table has missing IDs in column {node_id!r} (rows {rows}). "
                         "Every school (node) needs an ID: fill them in or remove those rows.")
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(f"The node table lists the same ID more than once: {_examples(dup)}. "
                         f"Each school should appear once in {node_id!r}: remove the repeated rows.")
    return nodes.set_index(node_id)


def from_edges(edges: pd.DataFrame, source: str = "source", target: str = "target", weight: str | None = None,
               directed: bool = True, nodes: pd.DataFrame | None = None, node_id: str | None = None,
               duplicates: str = "error", self_ties: str = "error", unknown: str = "error",
               quiet: bool = False) -> nx.Graph:
    """Make a network from an edge list: one row per tie (who named whom).

    Parameters
    ----------
    edges : DataFrame
        One row per tie, e.g. a survey answer "school ``source`` seeks advice from ``target``".
    source, target : str
        The columns naming the two ends of each tie.
    weight : str, optional
        A column of numbers stored as the tie's ``weight`` (e.g. how often they meet). Measures in
        :mod:`kit.network` ignore weights unless told otherwise.
    directed : bool
        ``True`` (default): A naming B is not B naming A. ``False``: ties have no direction; if A
        named B and B named A, the pair becomes one tie (reported in a note, weights added).
    nodes : DataFrame, optional
        One row per school/person with its attributes (cluster, phase, leader...). Every node in
        this table is in the network, **including those with no ties (isolates)**: an edge list
        alone cannot show who was left out.
    node_id : str, optional
        The ID column of ``nodes`` (default: its first column).
    duplicates : {"error", "sum", "first"}
        The same tie named twice. ``"error"`` (default) stops with the repeated ties listed;
        ``"sum"`` keeps one tie whose weight is the number of times it was named (or the sum of
        ``weight``); ``"first"`` keeps the first. Both fixes are reported.
    self_ties : {"error", "drop"}
        A school naming itself. ``"drop"`` removes such rows and reports how many.
    unknown : {"error", "add"}
        A tie naming a school that is not in ``nodes``. ``"add"`` adds it without attributes, reported.
    quiet : bool
        Do not print the notes (they are always kept in ``G.graph["notes"]``).

    Returns
    -------
    networkx.DiGraph or networkx.Graph
        Node attributes are the other columns of ``nodes``; ``G.graph["notes"]`` lists every fix made.

    Raises
    ------
    kit.errors.InputError
        Missing IDs, unknown schools, self-ties or repeated ties (unless a fix is chosen), with the
        offending values named.

    Notes
    -----
    Built on :class:`networkx.DiGraph` / :class:`networkx.Graph`; only the checks are the kit's.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"source": ["A", "B", "C"], "target": ["B", "A", "A"]})
    >>> G = from_edges(ties)
    >>> G.number_of_nodes(), G.number_of_edges()
    (3, 3)
    >>> from_edges(pd.concat([ties, ties.head(1)]))
    Traceback (most recent call last):
        ...
    kit.errors.InputError: 1 tie(s) appear more than once (1 repeated row(s) in all): 'A' -> 'B'. ...
    >>> G = from_edges(pd.concat([ties, ties.head(1)]), duplicates="sum")
    Note: 1 repeated tie(s) merged into one; the tie's weight counts how often it was named.
    >>> G["A"]["B"]["weight"]
    2
    """
    _choice("duplicates", duplicates, _DUPLICATES)
    _choice("self_ties", self_ties, _SELF_TIES)
    _choice("unknown", unknown, _UNKNOWN)
    cols = [source, target] + ([weight] if weight else [])
    require_columns(edges, cols, table="The edge list")
    if weight:
        require_numeric(edges, [weight])
    frame = edges[cols].copy()
    frame.columns = ["source", "target"] + (["weight"] if weight else [])
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    G.graph["notes"] = []
    if len(frame) == 0:  # usually a filter that kept nothing ("Planning" for "planning")
        _note(G, "the edge list has no rows, so the network has no ties. If you filtered the table first, "
                 "check the spelling and case of the values you kept (e.g. 'planning', not 'Planning').", quiet)

    # Missing ends: a blank answer is not a tie to nobody.
    blank = frame["source"].isna() | frame["target"].isna()
    if blank.any():
        rows = list(edges.index[blank.to_numpy()][:5])
        raise InputError(f"{int(blank.sum())} tie(s) have a missing {source!r} or {target!r} (rows {rows}). "
                         "Remove those rows (a blank answer is not a tie), or fill in the missing school.")
    if weight and frame["weight"].isna().any():
        raise InputError(f"{int(frame['weight'].isna().sum())} tie(s) have no {weight!r}. Fill them in or leave weight=None.")

    # Node table first, so isolates are kept and unknown names are caught.
    if nodes is not None:
        table = _node_table(nodes, node_id)
        known = set(table.index)
        named = pd.unique(pd.concat([frame["source"], frame["target"]], ignore_index=True))
        missing = [v for v in named if v not in known]
        if missing and unknown == "error":
            hints = []
            for v in missing[:3]:
                close = _close_id(v, table.index)
                if isinstance(v, str) and v != v.strip():
                    hints.append(f"{v!r} has spaces at the start or end")
                elif close is not None:
                    hints.append(f"did you mean {close!r} for {v!r}")
            hint = (" (" + "; ".join(hints) + ")") if hints else ""
            raise InputError(
                f"{len(missing)} school(s) in the ties are not in the node table: {_examples(missing)}{hint}. "
                "Correct the IDs in the ties, add the schools to the node table, or use unknown='add'.")
        G.add_nodes_from((k, {c: v for c, v in row.items() if not _missing(v)})
                         for k, row in zip(table.index, table.to_dict("records")))
        if missing:
            G.add_nodes_from(missing)
            _note(G, f"{len(missing)} school(s) named in the ties but not in the node table were added "
                     f"without attributes: {_examples(missing)}.", quiet)

    # Self-ties.
    own = frame["source"] == frame["target"]
    if own.any():
        if self_ties == "error":
            raise InputError(f"{int(own.sum())} tie(s) name the same school at both ends: "
                             f"{_examples(frame.loc[own, 'source'])}. A school cannot seek advice from itself: "
                             "remove those rows, or use self_ties='drop' to remove them with a note.")
        frame = frame[~own.to_numpy()]
        _note(G, f"{int(own.sum())} self-tie(s) (a school naming itself) removed.", quiet)

    # Repeated ties (same ordered pair).
    rep = frame.duplicated(["source", "target"], keep="first")
    if rep.any():
        pairs = list(dict.fromkeys(f"{s!r} -> {t!r}" for s, t in frame.loc[rep, ["source", "target"]].itertuples(index=False)))
        shown = _examples(pairs, quote=False)
        if duplicates == "error":
            # count ties (pairs) and repeated rows separately: a tie named three times is one tie, two extra rows
            raise InputError(f"{len(pairs)} tie(s) appear more than once ({int(rep.sum())} repeated row(s) in all): {shown}. "
                             "If the list mixes relations or waves, keep one first (e.g. ties[ties['wave'] == 1]); "
                             "otherwise use duplicates='sum' (weight = times named) or duplicates='first'.")
    frame = _merge(frame, weight is not None, duplicates, int(rep.sum()), G, quiet)

    if not directed:
        key = pd.Series([frozenset(p) for p in zip(frame["source"], frame["target"])], index=frame.index, dtype=object)
        mirrored = key.duplicated(keep="first")
        if mirrored.any():
            w = None
            if "weight" in frame:
                w = {}
                for k, x in zip(key, frame["weight"]):
                    w[k] = w.get(k, 0) + x
            frame = frame[~mirrored.to_numpy()].copy()
            if w is not None:
                frame["weight"] = [w[k] for k in key[~mirrored]]
            _note(G, f"{int(mirrored.sum())} pair(s) named each other; in an undirected network each pair is one tie"
                     + (" (weights added)." if w is not None else "."), quiet)

    if "weight" in frame:
        G.add_weighted_edges_from(frame[["source", "target", "weight"]].itertuples(index=False, name=None))
    else:
        G.add_edges_from(frame[["source", "target"]].itertuples(index=False, name=None))
    return G


def _squash(text: str) -> str:
    """An ID with case, spaces and leading zeros of numbers removed: 'nlc9 ' and 'NLC09' agree."""
    return re.sub(r"(?<!\d)0+(?=\d)", "", str(text).strip().upper())


def _close_id(value, known) -> object | None:
    """The known ID the mistyped ``value`` most likely means (same after squashing, else closest spelling)."""
    squashed = _squash(value)
    same = [k for k in known if _squash(k) == squashed]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
    if not close:
        return None
    return next(k for k in known if str(k) == close[0])


def _missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _merge(frame: pd.DataFrame, weighted: bool, how: str, n_rep: int, G, quiet: bool) -> pd.DataFrame:
    if n_rep == 0:
        return frame
    if how == "first":
        _note(G, f"{n_rep} repeated tie(s) removed; the first mention of each was kept.", quiet)
        return frame.drop_duplicates(["source", "target"], keep="first")
    if weighted:
        out = frame.groupby(["source", "target"], sort=False, as_index=False)["weight"].sum()
        _note(G, f"{n_rep} repeated tie(s) merged into one; their weights were added.", quiet)
    else:
        out = frame.groupby(["source", "target"], sort=False).size().reset_index(name="weight")
        _note(G, f"{n_rep} repeated tie(s) merged into one; the tie's weight counts how often it was named.", quiet)
    return out


class TwoMode(NamedTuple):
    """A two-mode network and its two projections (see :func:`two_mode`)."""

    graph: nx.Graph
    first: nx.Graph
    second: nx.Graph
    incidence: pd.DataFrame


def two_mode(edges: pd.DataFrame, first: str, second: str, duplicates: str = "error") -> TwoMode:
    """A two-mode (bipartite) network, e.g. schools x programmes, and its two projections.

    Parameters
    ----------
    edges : DataFrame
        One row per membership, e.g. columns ``school_id`` and ``programme``.
    first, second : str
        The columns of the two kinds of node (``first`` = schools, ``second`` = programmes).
    duplicates : {"error", "first"}
        The same membership listed twice: stop (default) or keep one, with a printed note.

    Returns
    -------
    TwoMode
        * ``graph``: the bipartite graph; node attribute ``bipartite`` is 0 for ``first`` and 1 for ``second``
        * ``first``: schools tied when they share a programme; tie ``weight`` = programmes shared
        * ``second``: programmes tied when they share a school; ``weight`` = schools shared
        * ``incidence``: the membership table (rows ``first``, columns ``second``, 1 = member)

    Notes
    -----
    Projections are :func:`networkx.algorithms.bipartite.weighted_projected_graph`, whose weight
    counts the shared neighbours (networkx cites Borgatti & Halgin 2011; Newman's 2001 weighting,
    ``collaboration_weighted_projected_graph``, is a different one); the incidence matrix times its
    transpose gives the same weights (Breiger 1974). Checked on
    Davis's Southern Women data (Davis, Gardner & Gardner 1941), which networkx ships.

    References
    ----------
    Breiger, R. L. (1974). The duality of persons and groups. *Social Forces*, 53(2), 181-190.
    Davis, A., Gardner, B. B., & Gardner, M. R. (1941). *Deep South*. University of Chicago Press.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"school": ["A", "A", "B", "C"], "programme": ["Maths", "Reading", "Maths", "Reading"]})
    >>> tm = two_mode(m, "school", "programme")
    >>> sorted(tm.first.edges(data="weight"))
    [('A', 'B', 1), ('A', 'C', 1)]
    >>> tm.second["Maths"]["Reading"]["weight"]
    1
    """
    require_columns(edges, [first, second], table="The membership list")
    if first == second:
        raise InputError("first and second must be two different columns (e.g. 'school_id' and 'programme').")
    frame = edges[[first, second]]
    if frame.isna().any().any():
        raise InputError(f"{int(frame.isna().any(axis=1).sum())} membership row(s) have a missing value. Remove or fill them.")
    a, b = set(frame[first]), set(frame[second])
    both = a & b
    if both:
        raise ColumnTypeError(f"The same name appears as a {first!r} and a {second!r}: {_examples(both)}. "
                              "Give the two kinds of node different names (e.g. prefix programmes with 'P:').")
    rep = frame.duplicated()
    G = nx.Graph()
    G.graph["notes"] = []
    if rep.any():
        if duplicates != "first":
            raise InputError(f"{int(rep.sum())} membership(s) are listed twice, e.g. "
                             f"{_examples(tuple(r) for r in frame[rep].itertuples(index=False, name=None))}. "
                             "Remove the repeats, or use duplicates='first'.")
        frame = frame.drop_duplicates()
        _note(G, f"{int(rep.sum())} repeated membership(s) removed.", False)
    G.add_nodes_from(pd.unique(frame[first]), bipartite=0)
    G.add_nodes_from(pd.unique(frame[second]), bipartite=1)
    G.add_edges_from(frame.itertuples(index=False, name=None))
    top = list(pd.unique(frame[first]))
    bottom = list(pd.unique(frame[second]))
    P1 = nx.bipartite.weighted_projected_graph(G, top)
    P2 = nx.bipartite.weighted_projected_graph(G, bottom)
    incidence = pd.crosstab(frame[first], frame[second]).clip(upper=1)
    return TwoMode(G, P1, P2, incidence)
