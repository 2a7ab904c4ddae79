"""Change between survey waves (ties kept, formed and lost) and communities within a network."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from kit.errors import InputError
from kit.network.measures import SUMMARY_MEASURES, _require_graph, summary

__all__ = ["compare_waves", "tie_changes", "communities"]


def _ties(G: nx.Graph) -> set:
    return set(G.edges()) if G.is_directed() else {frozenset(e) for e in G.edges()}


def _pair(G1, G2) -> None:
    _require_graph(G1)
    _require_graph(G2)
    if G1.is_directed() != G2.is_directed():
        raise InputError("One network is directed and the other is not. Build both waves the same way "
                         "(the same directed=... in from_edges) before comparing them.")


def tie_changes(G1: nx.Graph, G2: nx.Graph) -> pd.DataFrame:
    """Every tie of two waves with its fate: ``kept``, ``formed`` (new in wave 2) or ``lost``.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``status``; sorted by status then the ties.

    Examples
    --------
    >>> import networkx as nx
    >>> tie_changes(nx.DiGraph([(1, 2), (2, 3)]), nx.DiGraph([(1, 2), (3, 1)]))
       source  target  status
    0       3       1  formed
    1       1       2    kept
    2       2       3    lost
    """
    _pair(G1, G2)
    t1, t2 = _ties(G1), _ties(G2)
    rows = [(*_ends(e), s) for s, ties in (("formed", t2 - t1), ("kept", t1 & t2), ("lost", t1 - t2)) for e in ties]
    frame = pd.DataFrame(rows, columns=["source", "target", "status"])
    order = frame.assign(_s=frame["source"].astype(str), _t=frame["target"].astype(str))
    return frame.loc[order.sort_values(["status", "_s", "_t"]).index].reset_index(drop=True)


def _ends(tie) -> tuple:
    if isinstance(tie, frozenset):
        return tuple(sorted(tie, key=str))
    return tie


def compare_waves(G1: nx.Graph, G2: nx.Graph) -> pd.DataFrame:
    """How a network changed between two waves: ties kept, formed and lost, and each summary measure.

    Returns
    -------
    DataFrame
        One row:

        * ``nodes_joined``, ``nodes_left``: nodes only in the second / only in the first wave
        * ``ties_kept``, ``ties_formed``, ``ties_lost``: ties in both waves, only the second, only the first
        * ``jaccard``: ties kept / ties in either wave (1 = the same ties; 0 = none in common)
        * ``<measure>_change``: second wave minus first for every column of :func:`summary`

    Notes
    -----
    The Jaccard index of the two tie sets is the stability measure used for network panels by
    Snijders, van de Bunt & Steglich (2010), who advise values preferably above 0.3
    before modelling change as a gradual process.

    References
    ----------
    Jaccard, P. (1901). Étude comparative de la distribution florale. *Bulletin de la Société
    Vaudoise des Sciences Naturelles*, 37, 547-579.
    Snijders, T. A. B., van de Bunt, G. G., & Steglich, C. E. G. (2010). Introduction to stochastic
    actor-based models for network dynamics. *Social Networks*, 32(1), 44-60.

    Examples
    --------
    >>> import networkx as nx
    >>> row = compare_waves(nx.DiGraph([(1, 2), (2, 3)]), nx.DiGraph([(1, 2), (3, 1)]))
    >>> row[["ties_kept", "ties_formed", "ties_lost", "jaccard"]].round(3)
       ties_kept  ties_formed  ties_lost  jaccard
    0          1            1          1    0.333
    """
    _pair(G1, G2)
    t1, t2 = _ties(G1), _ties(G2)
    n1, n2 = set(G1), set(G2)
    either = len(t1 | t2)
    row = {
        "nodes_joined": len(n2 - n1),
        "nodes_left": len(n1 - n2),
        "ties_kept": len(t1 & t2),
        "ties_formed": len(t2 - t1),
        "ties_lost": len(t1 - t2),
        "jaccard": len(t1 & t2) / either if either else float("nan"),
    }
    s1, s2 = summary(G1).iloc[0], summary(G2).iloc[0]
    for name in SUMMARY_MEASURES:
        row[f"{name}_change"] = s2[name] - s1[name]
    return pd.DataFrame([row])


def communities(G: nx.Graph, seed: int = 1, resolution: float = 1.0) -> pd.DataFrame:
    """Groups of nodes more tied to each other than to the rest (Louvain method).

    Parameters
    ----------
    G : networkx graph
    seed : int
        The Louvain method starts from a random order: the same seed gives the same answer.
    resolution : float
        Above 1 finds more, smaller communities; below 1 fewer, larger ones.

    Returns
    -------
    DataFrame
        One row per node: ``node``, ``community`` (1 = the largest), ``size`` (nodes in it).
        ``frame.attrs["modularity"]`` holds the partition's modularity (0 = no better than chance).

    Notes
    -----
    :func:`networkx.community.louvain_communities` and :func:`networkx.community.modularity`
    (directed modularity for directed networks, Leicht & Newman 2008).

    References
    ----------
    Blondel, V. D., Guillaume, J.-L., Lambiotte, R., & Lefebvre, E. (2008). Fast unfolding of
    communities in large networks. *Journal of Statistical Mechanics*, P10008.

    Examples
    --------
    >>> import networkx as nx
    >>> c = communities(nx.barbell_graph(4, 0))
    >>> c["community"].tolist()
    [1, 1, 1, 1, 2, 2, 2, 2]
    >>> round(c.attrs["modularity"], 3)
    0.423
    """
    _require_graph(G)
    if resolution <= 0:
        raise InputError(f"resolution should be above 0 (1 is the usual value), not {resolution}.")
    found = nx.community.louvain_communities(G, seed=seed, resolution=resolution)
    found = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    label = {n: i for i, c in enumerate(found, 1) for n in c}
    nodes = list(G)
    frame = pd.DataFrame({"node": nodes, "community": [label[n] for n in nodes],
                          "size": [len(found[label[n] - 1]) for n in nodes]})
    frame.attrs["modularity"] = nx.community.modularity(G, found, resolution=resolution)
    return frame
