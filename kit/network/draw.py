"""Readable pictures of a network (labels that do not overlap) and GraphML export for Gephi."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from kit.errors import InputError, unknown_name

__all__ = ["layout", "draw", "to_graphml"]

MISSING_COLOUR = "#BBBBBB"

# Words for the size key, so a picture never shows a code name such as ``in_degree``.
MEASURE_WORDS = {
    "in_degree": "ties received (in-degree)",
    "out_degree": "ties sent (out-degree)",
    "degree": "ties sent and received (degree)",
    "betweenness": "betweenness (how often on shortest paths between others)",
    "closeness": "closeness (how near the others are)",
    "pagerank": "PageRank (named by well-named schools)",
    "brokerage": "brokerage (times in the middle of an open two-step path)",
}


def layout(G: nx.Graph, method: str = "auto", seed: int = 1) -> dict:
    """Positions for drawing: ``{node: (x, y)}`` scaled to the square 0-1.

    ``method`` is ``"kamada_kawai"`` (default for up to 300 nodes: distances on the page follow
    path lengths), ``"spring"`` (force-directed, seeded) or ``"circle"``. Pieces that are not
    connected are kept at a readable distance; isolates stand in a row along the bottom. Compute
    it once and pass ``pos=`` to :func:`draw` to draw several waves with schools in the same places.

    >>> import networkx as nx
    >>> pos = layout(nx.path_graph(3))
    >>> all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())
    True
    """
    if method == "auto":
        method = "kamada_kawai" if G.number_of_nodes() <= 300 else "spring"
    if G.number_of_nodes() == 0:
        return {}
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    alone = [n for n in U if U.degree(n) == 0]
    tied = U.subgraph([n for n in U if U.degree(n) > 0])
    if method not in ("kamada_kawai", "spring", "circle"):
        raise unknown_name("layout", method, ["kamada_kawai", "spring", "circle"])
    pos = {}
    if method == "kamada_kawai" and tied.number_of_nodes():
        dist = dict(nx.shortest_path_length(tied))
        finite = max((d for row in dist.values() for d in row.values()), default=1)
        far = finite + 1  # unreached pairs sit just beyond the longest path, not at infinity
        full = {a: {b: dist[a].get(b, far) for b in tied} for a in tied}
        pos = nx.kamada_kawai_layout(tied, dist=full)
    elif method == "spring" and tied.number_of_nodes():
        pos = nx.spring_layout(tied, seed=seed, k=1.5 / max(1, tied.number_of_nodes()) ** 0.5)
    elif tied.number_of_nodes():
        pos = nx.circular_layout(tied)
    out = {}
    if pos:
        xy = np.array([pos[n] for n in tied], dtype=float)
        lo, span = xy.min(axis=0), np.ptp(xy, axis=0)
        span[span == 0] = 1
        xy = (xy - lo) / span
        if alone:  # isolates go in a row along the bottom, the rest above them
            xy[:, 1] = 0.12 + 0.88 * xy[:, 1]
        out = {n: (float(x), float(y)) for n, (x, y) in zip(tied, xy)}
    for i, n in enumerate(alone):
        out[n] = ((i + 0.5) / len(alone) if len(alone) > 1 else 0.5, 0.0 if pos else 0.5)
    return {n: out[n] for n in G}


def _activate_backend() -> None:
    """Load matplotlib's chosen backend outside any ``rc_context``.

    If the first figure of a Jupyter session is made inside ``plt.rc_context`` (the drawing code
    of other libraries may use one; ``kit.plotting.figure`` never does), leaving the context resets
    interactive mode and later figures are no longer shown inline. Loading the already-chosen
    backend first avoids that; it changes nothing else.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    plt.switch_backend(matplotlib.get_backend())


def _values(G: nx.Graph, by, what: str) -> tuple[list, str]:
    """Values per node from an attribute, a node_measures column, or a mapping; and a name for the legend."""
    nodes = list(G)
    if isinstance(by, pd.Series):
        return [by.get(n) for n in nodes], str(by.name or what)
    if isinstance(by, Mapping):
        return [by.get(n) for n in nodes], what
    attrs = nx.get_node_attributes(G, by)
    if attrs:
        return [attrs.get(n) for n in nodes], str(by)
    from kit.network.measures import node_measures

    measures = node_measures(G)
    if by in measures.columns and by != "node":
        return measures[by].tolist(), str(by)
    choices = sorted({k for _, d in G.nodes(data=True) for k in d} | set(measures.columns) - {"node"})
    raise unknown_name(f"node attribute or measure for {what}", by, choices)


def _repel(anchor: np.ndarray, half_w: np.ndarray, half_h: float, radius: np.ndarray, steps: int = 300) -> np.ndarray:
    """Move label boxes (centres) apart, and off the node circles, staying near their anchors."""
    n = len(anchor)
    centre = anchor + np.column_stack([np.zeros(n), radius + half_h])  # start just above each node
    node_xy = anchor
    for _ in range(steps):
        moved = False
        # label-label overlaps
        dx = centre[:, None, 0] - centre[None, :, 0]
        dy = centre[:, None, 1] - centre[None, :, 1]
        ox = half_w[:, None] + half_w[None, :] - np.abs(dx)
        oy = 2 * half_h - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        push = np.zeros_like(centre)
        if hit.any():
            moved = True
            horizontal = ox < oy
            sx = np.where(dx >= 0, 1.0, -1.0)
            sy = np.where(dy >= 0, 1.0, -1.0)
            push[:, 0] += np.where(hit & horizontal, sx * (ox / 2 + 1e-4), 0).sum(axis=1)
            push[:, 1] += np.where(hit & ~horizontal, sy * (oy / 2 + 1e-4), 0).sum(axis=1)
        # label-node overlaps (a node as a square of side 2r)
        dx = centre[:, None, 0] - node_xy[None, :, 0]
        dy = centre[:, None, 1] - node_xy[None, :, 1]
        ox = half_w[:, None] + radius[None, :] - np.abs(dx)
        oy = half_h + radius[None, :] - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        if hit.any():
            moved = True
            horizontal = ox < oy
            push[:, 0] += np.where(hit & horizontal, np.where(dx >= 0, 1.0, -1.0) * (ox / 2 + 1e-4), 0).sum(axis=1)
            push[:, 1] += np.where(hit & ~horizontal, np.where(dy >= 0, 1.0, -1.0) * (oy / 2 + 1e-4), 0).sum(axis=1)
        if not moved:
            break
        centre += np.clip(push, -0.05, 0.05)
        centre[:, 0] = np.clip(centre[:, 0], half_w, 1 - half_w)
        centre[:, 1] = np.clip(centre[:, 1], half_h, 1 - half_h)
    return centre


def draw(G: nx.Graph, size_by=None, colour_by=None, labels: bool | Mapping = True, pos: dict | None = None,
         highlight=None, title: str | None = None, ax=None, seed: int = 1, width: float = 11, height: float = 9,
         font_size: int = 9, size_range: tuple[float, float] | None = None, size_label: str | None = None,
         highlight_label: str = "broker", cut_points: bool = False):
    """Draw a network: circle size by a measure, colour by a group, labels that do not overlap.

    Parameters
    ----------
    G : networkx graph
    size_by : str, Series or dict, optional
        A measure from :func:`kit.network.node_measures` (``"in_degree"``, ``"betweenness"``...), a numeric
        node attribute, or values per node. Bigger circle = larger value.
    colour_by : str, Series or dict, optional
        A node attribute (e.g. ``"cluster"``) or values per node (e.g. communities); up to 8
        groups, in the colour-blind-safe :data:`kit.plotting.PALETTE`. Missing values are grey.
    labels : bool or dict
        Label every node with its ID (default), with ``{node: text}``, or not at all (``False``).
    pos : dict, optional
        Positions from :func:`layout` (to keep schools in place across waves).
    highlight : list, optional
        Nodes to ring in black (e.g. the brokers); the key calls them ``highlight_label``.
    highlight_label : str
        What the black rings mean, in words, for the key (default ``"broker"``).
    cut_points : bool
        Mark the cut points (schools whose removal splits the network, direction ignored) with a
        dashed red ring, named in the key.
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into an existing Axes (which then should span the figure's 0-1 square).
    size_range : (low, high), optional
        The values drawn as the smallest and largest circles. By default the smallest and largest
        in this network; give the same range to pictures of several waves so sizes compare.
    size_label : str, optional
        Words for the size key (e.g. ``"times named for advice"``); by default the measure's
        name in words (``in_degree`` becomes "ties received (in-degree)").

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Positions: :func:`layout` (Kamada & Kawai 1989; networkx). Labels start above their node and are
    pushed apart from each other and from the circles until none overlap (a simple repulsion);
    a thin line joins a label that had to move far to its node.

    References
    ----------
    Kamada, T., & Kawai, S. (1989). An algorithm for drawing general undirected graphs. *Information
    Processing Letters*, 31(1), 7-15.

    Examples
    --------
    >>> import networkx as nx, matplotlib.pyplot as plt
    >>> G = nx.karate_club_graph()
    >>> ax = draw(G, size_by="degree", colour_by="club", title="Karate club")
    >>> ax.get_title()
    'Karate club'
    >>> plt.close(ax.figure)
    """
    from kit.plotting import PALETTE, figure

    _activate_backend()
    if not isinstance(G, nx.Graph):
        raise InputError(f"Expected a network (from kit.network.from_edges) but got {type(G).__name__}.")
    nodes = list(G)
    if pos is None:
        pos = layout(G, seed=seed)
    else:
        lacking = [n for n in nodes if n not in pos]
        if lacking:
            raise InputError(f"pos has no position for {len(lacking)} node(s), e.g. {lacking[:3]}. "
                             "Make the layout from a network holding every node (e.g. all waves together).")
    if ax is None:
        fig, ax = figure(width=width, height=height)
    fig = ax.figure
    ax.set_axis_off()
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)

    # sizes (area in points^2)
    sizes = np.full(len(nodes), 300.0)
    size_name = None
    if size_by is not None:
        values, size_name = _values(G, size_by, "size")
        size_name = size_label or MEASURE_WORDS.get(size_name, size_name)
        v = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        if np.isnan(v).all():
            raise InputError(f"size_by={size_name!r} holds no numbers; size circles by a measure such as 'degree'.")
        v = np.nan_to_num(v, nan=np.nanmin(v))
        lo, hi = (v.min(), v.max()) if size_range is None else (float(size_range[0]), float(size_range[1]))
        sizes = 80 + 820 * (np.clip((v - lo) / (hi - lo), 0, 1) if hi > lo else np.full(len(v), 0.3))
        size_name = f"{size_name} ({lo:g} to {hi:g})"

    # colours
    colours = [PALETTE[0]] * len(nodes)
    legend = []
    colour_name = None
    if colour_by is not None:
        values, colour_name = _values(G, colour_by, "colour")
        present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
        groups = sorted(set(present), key=str)
        if len(groups) > len(PALETTE):
            raise InputError(f"colour_by={colour_name!r} has {len(groups)} groups, but only {len(PALETTE)} colours "
                             "can be told apart. Colour by a coarser attribute (e.g. cluster rather than trio).")
        lookup = {g: PALETTE[i] for i, g in enumerate(groups)}
        colours = [lookup.get(v, MISSING_COLOUR) if v in lookup else MISSING_COLOUR for v in values]
        legend = [(str(g), lookup[g]) for g in groups]
        if len(present) < len(values):
            legend.append(("not known", MISSING_COLOUR))

    xy = {n: pos[n] for n in nodes}
    edge_kw = dict(edge_color="#777777", width=0.8, alpha=0.45, node_size=sizes.tolist())
    if G.is_directed():
        # arrowheads large enough to read on a projector; darker edges so direction shows
        edge_kw.update(arrows=True, arrowstyle="-|>", arrowsize=16, width=1.0, alpha=0.6)
    nx.draw_networkx_edges(G, xy, ax=ax, **edge_kw)
    ax.scatter([xy[n][0] for n in nodes], [xy[n][1] for n in nodes], s=sizes, c=colours,
               edgecolors="white", linewidths=1.0, zorder=3)
    if highlight is not None:
        ring = [i for i, n in enumerate(nodes) if n in set(highlight)]
        ax.scatter([xy[nodes[i]][0] for i in ring], [xy[nodes[i]][1] for i in ring], s=sizes[ring] + 120,
                   facecolors="none", edgecolors="black", linewidths=2.2, zorder=4)
    cuts = []
    if cut_points:
        U = G.to_undirected(as_view=True) if G.is_directed() else G
        cut_set = set(nx.articulation_points(U))
        cuts = [i for i, n in enumerate(nodes) if n in cut_set]
        ax.scatter([xy[nodes[i]][0] for i in cuts], [xy[nodes[i]][1] for i in cuts], s=sizes[cuts] + 380,
                   facecolors="none", edgecolors="#CC3311", linewidths=2.0, linestyles="--", zorder=4)

    from matplotlib.lines import Line2D

    if legend:
        handles = [Line2D([], [], marker="o", linestyle="", markersize=10, color=c, label=g) for g, c in legend]
    else:
        handles = []
    if highlight is not None and len(list(highlight)):
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=13, markerfacecolor="none",
                              markeredgecolor="black", markeredgewidth=2.2, label=f"ringed: {highlight_label}"))
    if cuts:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=16, markerfacecolor="none",
                              markeredgecolor="#CC3311", markeredgewidth=2.0, label="dashed: cut point"))
    if G.is_directed():
        handles.append(Line2D([], [], color="#777777", marker=">", markersize=8, label="arrow: to the\nschool named"))
    if handles:
        ax.legend(handles=handles, title=colour_name if legend else None, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), frameon=False)
    if size_name:
        ax.text(1.0, 0.0, f"Circle size: {size_name}", transform=ax.transAxes, ha="left", va="bottom", fontsize=11)
    if title:
        ax.set_title(title, fontsize=16)
    engine = fig.get_layout_engine()  # place the key and title first, so labels fit the final axes
    if engine is not None:
        engine.execute(fig)
    if labels is not False and nodes:
        text = [str(labels.get(n, n)) if isinstance(labels, Mapping) else str(n) for n in nodes]
        # label and node sizes in axes fractions (the axes span the figure minus a small margin)
        bbox = ax.get_position()
        ax_w, ax_h = fig.get_figwidth() * bbox.width * 72, fig.get_figheight() * bbox.height * 72  # points
        half_w = np.array([0.31 * font_size * len(t) + 2 for t in text]) / ax_w * 1.04
        half_h = (0.62 * font_size + 1.5) / ax_h * 1.04
        radius = np.sqrt(sizes) / 2 / min(ax_w, ax_h)
        anchor = np.array([xy[n] for n in nodes])
        centre = _repel(anchor, half_w, half_h, radius)
        far = np.hypot(*(centre - anchor).T) > radius + 3 * half_h
        for i, t in enumerate(text):
            ax.annotate(t, xy=anchor[i], xytext=centre[i], textcoords="data", ha="center", va="center",
                        fontsize=font_size, zorder=5,
                        arrowprops=dict(arrowstyle="-", color="#444444", lw=0.5, shrinkA=0, shrinkB=0) if far[i] else None)
    return ax


def to_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Save the network as GraphML, the file Gephi (and yEd, Cytoscape, R's igraph) opens.

    Attributes GraphML cannot store (missing values, lists) are left out of the file, and numpy
    numbers become plain ones; the network ``G`` itself is not changed.

    >>> import networkx as nx, tempfile, pathlib
    >>> out = to_graphml(nx.karate_club_graph(), pathlib.Path(tempfile.mkdtemp()) / "karate.graphml")
    >>> nx.read_graphml(out).number_of_edges()
    78
    """
    path = Path(path)
    if path.suffix.lower() != ".graphml":
        raise InputError(f"Name the file with the ending .graphml (e.g. 'network.graphml'), not {path.name!r}.")
    H = G.__class__()
    H.add_nodes_from((n, _plain(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, _plain(d)) for u, v, d in G.edges(data=True))
    H.graph.update({k: v for k, v in _plain(G.graph).items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(H, path)
    return path


def _plain(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, (bool, int, float, str)) and not (isinstance(v, float) and np.isnan(v)):
            out[str(k)] = v
    return out
