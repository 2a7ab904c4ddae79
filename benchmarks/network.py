"""Time kit.network.node_measures and summary at programme scale against bare igraph and networkx calls.

The programme of the seed 001 case study: about 1,500 schools and 650,000 pupils in ~125 learning
networks (``kit.data`` "programme_schools" / "programme_network"). Goals: node_measures takes at
most 1.2 times as long as the same measures called directly in igraph (what an R user would run:
degree, betweenness, closeness, page_rank, articulation_points), and is reported against the plain
networkx calls too; summary at most 1.2 times its networkx calls. Median of several runs, all in
one process, alternating so that background load hits every side alike.

    .venv/bin/python benchmarks/network.py            # 5 runs
    .venv/bin/python benchmarks/network.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import networkx as nx

import kit.data
import kit.network as kn

GOAL = 1.2


def plain_node_measures(G):
    """What node_measures computes, as bare networkx calls (the baseline)."""
    dict(G.degree()), dict(G.in_degree()), dict(G.out_degree())
    nx.betweenness_centrality(G)
    nx.closeness_centrality(G)
    nx.pagerank(G, weight=None)
    set(nx.articulation_points(G.to_undirected(as_view=True)))


def bare_igraph_node_measures(g):
    """The same measures called directly on an igraph graph (the anchor: what R's igraph runs)."""
    g.degree(), g.degree(mode="in"), g.degree(mode="out")
    g.betweenness()
    g.closeness(mode="in", normalized=True)
    g.pagerank()
    g.as_undirected().articulation_points()


def plain_summary(G):
    """What summary computes, as bare networkx calls (the baseline)."""
    G.number_of_nodes(), G.number_of_edges(), nx.density(G), nx.reciprocity(G)
    nx.transitivity(G.to_undirected(as_view=True))
    dict(G.in_degree())
    list(nx.weakly_connected_components(G))
    nx.number_of_isolates(G)


def timed(func, G) -> float:
    start = time.perf_counter()
    func(G)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each function (median reported)")
    args = parser.parse_args(argv)

    schools = kit.data.load("programme_schools")
    ties = kit.data.load("programme_network")
    G = kn.from_edges(ties, "source", "target", nodes=schools, node_id="school_id", quiet=True)
    print(f"Programme network: {G.number_of_nodes():,} schools, {G.number_of_edges():,} advice ties, "
          f"{int(schools['pupils'].sum()):,} pupils, {schools['network'].nunique()} learning networks")
    print(f"networkx {nx.__version__}; median of {args.runs} runs, kit and plain alternating\n")

    from kit.network.engine import to_igraph

    from threadpoolctl import threadpool_limits

    g = to_igraph(G)
    one_thread = threadpool_limits(limits=1, user_api="openmp")  # as the kit runs igraph (both sides alike)
    rows = []
    for name, kit_func, plain_func in (("node_measures", kn.node_measures, lambda _G: bare_igraph_node_measures(g)),
                                       ("summary", kn.summary, plain_summary)):
        kit_times, plain_times = [], []
        kit_func(G), plain_func(G)  # warm up (imports, caches)
        for _ in range(args.runs):
            kit_times.append(timed(kit_func, G))
            plain_times.append(timed(plain_func, G))
        k, p = statistics.median(kit_times), statistics.median(plain_times)
        rows.append((name, k, p, k / p))

    nx_times = [timed(plain_node_measures, G) for _ in range(max(1, min(args.runs, 2)))]
    print(f"node_measures against bare networkx calls: kit {rows[0][1]:.3f} s, networkx "
          f"{statistics.median(nx_times):.3f} s ({statistics.median(nx_times) / rows[0][1]:.0f}x faster)\n")
    print(f"{'function':<15}{'kit (s)':>10}{'anchor (s)':>14}{'ratio':>8}   goal <= {GOAL} (anchor: igraph, networkx)")
    ok = True
    for name, k, p, ratio in rows:
        flag = "ok" if ratio <= GOAL else "SLOWER THAN GOAL"
        ok &= ratio <= GOAL
        print(f"{name:<15}{k:>10.3f}{p:>14.3f}{ratio:>8.2f}   {flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
