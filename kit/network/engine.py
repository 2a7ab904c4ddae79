"""Node measures computed in C by igraph, in networkx's conventions (the kit's networks stay networkx).

networkx is pure Python: betweenness on the 1,500-school programme network takes about 12 s.
igraph's C core gives the same numbers in about 0.1 s, so :func:`kit.network.node_measures`
converts once and asks igraph. The conventions are networkx's (and R igraph's with the same
options): betweenness normalised by 1/((n-1)(n-2)) (directed) or 2/((n-1)(n-2)) (undirected);
closeness from inward distances with the Wasserman-Faust correction for nodes that cannot be
reached, r/(n-1) x r/(sum of distances), r = the nodes that reach it (Wasserman & Faust 1994,
eq. 5.3; networkx ``closeness_centrality``; R ``closeness(mode="in", normalized=TRUE) * r/(n-1)``);
PageRank with damping 0.85, dangling nodes spread evenly, solved exactly (PRPACK) rather than by
networkx's power iteration, whose default stopping rule leaves up to 3% error on large networks.

>>> import networkx as nx
>>> m = igraph_measures(nx.krackhardt_kite_graph())
>>> round(m["betweenness"][7], 6), round(sum(m["pagerank"]), 6)
(0.388889, 1.0)
"""

from __future__ import annotations

import numpy as np

__all__ = ["to_igraph", "igraph_measures"]


def to_igraph(G):
    """An igraph copy of networkx graph ``G`` (vertex i is ``list(G)[i]``; weights are dropped).

    >>> import networkx as nx
    >>> to_igraph(nx.path_graph(3)).ecount()
    2
    """
    import igraph as ig

    index = {node: i for i, node in enumerate(G)}
    return ig.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in G.edges()], directed=G.is_directed())


def _reached_by(g) -> np.ndarray:
    """For each vertex, how many other vertices have a path to it (its ancestors), via strong components."""
    if not g.is_directed():
        parts = g.connected_components()
        sizes = np.bincount(parts.membership, minlength=len(parts))
        return sizes[parts.membership] - 1
    parts = g.connected_components(mode="strong")
    member = np.asarray(parts.membership)
    sizes = np.bincount(member, minlength=len(parts))
    dag = parts.cluster_graph()
    dag.simplify(multiple=True, loops=True)
    ancestors = np.zeros((len(parts), len(parts)), dtype=bool)
    preds = dag.get_adjlist(mode="in")
    for c in dag.topological_sorting(mode="out"):
        for p in preds[c]:
            ancestors[c] |= ancestors[p]
            ancestors[c, p] = True
    return (ancestors @ sizes + sizes - 1)[member]


def igraph_measures(G) -> dict[str, list[float]]:
    """Betweenness, closeness, PageRank and cut points of ``G``, in node order (see the module notes).

    igraph runs on one thread here: its OpenMP threads spin while waiting on a busy machine (PageRank
    on 1,500 nodes took from 1 ms to 1 s), and these networks are too small to gain from more.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        return _measures(to_igraph(G))


def _measures(g) -> dict[str, list[float]]:
    n = g.vcount()
    directed = g.is_directed()
    between = np.asarray(g.betweenness(directed=directed), dtype=float)
    if n > 2:
        between *= (1.0 if directed else 2.0) / ((n - 1) * (n - 2))
    if n > 1:
        near = np.nan_to_num(np.asarray(g.closeness(mode="in" if directed else "all", normalized=True), dtype=float))
        closeness = near * _reached_by(g) / (n - 1)
    else:
        closeness = np.zeros(n)
    rank = g.pagerank(directed=directed, damping=0.85) if g.ecount() else [1 / n] * n
    undirected = g.as_undirected(mode="collapse") if directed else g
    cut = set(undirected.articulation_points())
    return {"betweenness": between.tolist(), "closeness": closeness.tolist(), "pagerank": list(rank),
            "cut_point": [i in cut for i in range(n)]}
