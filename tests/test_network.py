"""kit.network: measures agree with networkx and published examples; survey mistakes give kit errors."""

import itertools
import math

import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import kit.data
import kit.network as kn
from kit.errors import InputError, KitError, MissingColumnError, UnknownNameError


def edges_of(G):
    return pd.DataFrame(list(G.edges()), columns=["source", "target"])


@pytest.fixture(scope="module")
def random_digraph():
    G = nx.gnp_random_graph(40, 0.08, seed=3, directed=True)
    G.add_node(99)  # an isolate
    return G


# ------------------------------------------------------------------ summary

def test_karate_club_summary_matches_published_values():
    s = kn.summary(nx.karate_club_graph()).iloc[0]
    assert s["nodes"] == 34 and s["ties"] == 78           # Zachary (1977), 78 ties among 34 members
    assert s["density"] == pytest.approx(0.139, abs=5e-4)  # 78 / (34*33/2)
    assert s["transitivity"] == pytest.approx(0.2557, abs=1e-4)  # igraph transitivity(karate) = 0.2556818
    assert s["components"] == 1 and s["isolates"] == 0 and s["largest_component"] == 34
    assert math.isnan(s["reciprocity"])
    assert s["mean_degree"] == pytest.approx(156 / 34)
    # Freeman degree centralisation by hand: max degree 17 (member 34); sum(17 - d) = 34*17 - 156 = 422
    assert s["centralisation"] == pytest.approx(422 / (33 * 32))


def test_summary_matches_plain_networkx_on_a_directed_graph(random_digraph):
    G = random_digraph
    s = kn.summary(G).iloc[0]
    assert s["nodes"] == G.number_of_nodes() and s["ties"] == G.number_of_edges()
    assert s["density"] == pytest.approx(nx.density(G))
    assert s["reciprocity"] == pytest.approx(nx.reciprocity(G))
    assert s["transitivity"] == pytest.approx(nx.transitivity(nx.Graph(G)))
    assert s["components"] == nx.number_weakly_connected_components(G)
    assert s["isolates"] == nx.number_of_isolates(G) >= 1


def test_centralisation_extremes():
    # Freeman (1979): a star is maximally centralised (1), a complete graph not at all (0).
    assert kn.centralisation(nx.star_graph(6)) == pytest.approx(1.0)
    assert kn.centralisation(nx.complete_graph(6)) == pytest.approx(0.0)
    in_star = nx.DiGraph([(i, 0) for i in range(1, 7)])
    assert kn.centralisation(in_star) == pytest.approx(1.0)
    # reversed, each leaf is named once and the centre never: sum(1 - in) = 1, over (n-1)^2 = 36
    assert kn.centralisation(in_star.reverse()) == pytest.approx(1 / 36)
    assert math.isnan(kn.centralisation(nx.path_graph(2)))


# ------------------------------------------------------------------ node measures

def test_krackhardt_kite_betweenness_matches_krackhardt_1990():
    # Krackhardt (1990), ASQ 35: 342-369; unnormalised betweenness of the kite (as in networkx's own tests):
    # Andre, Beverly 0.833; Carol 0; Diane 3.667; Ed 0; Fernando, Garth 8.333; Heather 14; Ike 8; Jane 0.
    published = [0.833, 0.833, 0.0, 3.667, 0.0, 8.333, 8.333, 14.0, 8.0, 0.0]
    m = kn.node_measures(nx.krackhardt_kite_graph())
    pairs = (10 - 1) * (10 - 2) / 2
    assert (m["betweenness"] * pairs).tolist() == pytest.approx(published, abs=1e-3)
    assert m["degree"].tolist() == [4, 4, 3, 6, 3, 5, 5, 3, 2, 1]
    assert set(m.loc[m["cut_point"], "node"]) == {7, 8}   # Heather and Ike hold Jane to the kite
    assert m.loc[m["broker"], "node"].tolist() == [7]       # top 10% of 10 nodes = Heather
    assert "in_degree" not in m.columns


def test_node_measures_match_plain_networkx(random_digraph):
    G = random_digraph
    m = kn.node_measures(G).set_index("node")
    bet, clo = nx.betweenness_centrality(G), nx.closeness_centrality(G)
    pr = nx.pagerank(G, tol=1e-13, max_iter=10_000)  # run to convergence: the kit's PageRank is exact
    for n in G:
        assert m.loc[n, "in_degree"] == G.in_degree(n) and m.loc[n, "out_degree"] == G.out_degree(n)
        assert m.loc[n, "degree"] == G.degree(n)
        assert m.loc[n, "betweenness"] == pytest.approx(bet[n])
        assert m.loc[n, "closeness"] == pytest.approx(clo[n])
        assert m.loc[n, "pagerank"] == pytest.approx(pr[n], rel=1e-9)
    assert set(m.index[m["cut_point"]]) == set(nx.articulation_points(nx.Graph(G)))
    assert m["pagerank"].sum() == pytest.approx(1.0)
    assert list(m.index) == list(G)


def _exact_pagerank(G, alpha=0.85):
    """PageRank by a linear solve, independent of any library's PageRank: x = alpha P'x + (1 - alpha)/n,
    with a dangling node's share spread evenly (Langville & Meyer 2006, ch. 4)."""
    nodes = list(G)
    n = len(nodes)
    A = nx.to_numpy_array(G, nodelist=nodes, weight=None)
    out = A.sum(axis=1)
    P = np.where(out[:, None] > 0, A / np.where(out > 0, out, 1)[:, None], 1.0 / n)
    x = np.linalg.solve(np.eye(n) - alpha * P.T, np.full(n, (1 - alpha) / n))
    return pd.Series(x / x.sum(), index=nodes)


def test_pagerank_is_exact_on_the_programme_network():
    """statistics-vs-R.md, bug 2: networkx's default stopping rule left 3.1% relative error on this network."""
    P = kn.from_edges(kit.data.load("programme_network"), "source", "target",
                      nodes=kit.data.load("programme_schools"), node_id="school_id", quiet=True)
    got = kn.node_measures(P).set_index("node")["pagerank"]
    exact = _exact_pagerank(P)
    assert ((got - exact).abs() / exact).max() < 1e-8


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_node_measures_match_networkx_on_undirected_and_broken_networks(seed):
    G = nx.gnm_random_graph(40, 45, seed=seed)  # several components and isolates
    G.add_edge(0, 0)  # a self-loop counts in degree, not in paths
    m = kn.node_measures(G).set_index("node")
    bet, clo = nx.betweenness_centrality(G), nx.closeness_centrality(G)
    for n in G:
        assert m.loc[n, "betweenness"] == pytest.approx(bet[n], abs=1e-12)
        assert m.loc[n, "closeness"] == pytest.approx(clo[n], abs=1e-12)
    assert set(m.index[m["cut_point"]]) == set(nx.articulation_points(G))


def test_node_measures_attributes_and_no_ties():
    G = nx.DiGraph()
    G.add_nodes_from([("A", {"cluster": "C1"}), ("B", {"cluster": "C2"})])
    m = kn.node_measures(G, attributes=True)
    assert m.columns[:2].tolist() == ["node", "cluster"]
    assert m["pagerank"].tolist() == [0.5, 0.5] and not m["broker"].any()


def brute_force_brokerage(G, groups):
    counts = {n: dict.fromkeys(kn.ROLES, 0) for n in G}
    for a, b, c in itertools.permutations(G, 3):
        if G.has_edge(a, b) and G.has_edge(b, c) and not G.has_edge(a, c):
            ga, gb, gc = groups[a], groups[b], groups[c]
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gc != gb:
                role = "itinerant"
            elif ga == gb != gc:
                role = "representative"
            elif gb == gc != ga:
                role = "gatekeeper"
            else:
                role = "liaison"
            counts[b][role] += 1
    return counts


def test_brokerage_matches_a_brute_force_count_of_gould_fernandez_roles(random_digraph):
    G = random_digraph.copy()
    groups = {n: f"g{n % 3}" for n in G}
    nx.set_node_attributes(G, groups, "grp")
    got = kn.brokerage(G, "grp").set_index("node")
    want = brute_force_brokerage(G, groups)
    for n in G:
        assert got.loc[n, list(kn.ROLES)].tolist() == [want[n][r] for r in kn.ROLES]
    assert (got["brokerage"] == got[list(kn.ROLES)].sum(axis=1)).all()
    m = kn.node_measures(G, group="grp")
    assert {"group", "liaison", "broker_role"} <= set(m.columns) and len(m) == G.number_of_nodes()


def test_brokerage_roles_on_the_five_textbook_triads():
    # Gould & Fernandez (1989), Figure 1: one triad a -> b -> c per role.
    cases = {"coordinator": "AAA", "itinerant": "ABA", "representative": "AAB", "gatekeeper": "ABB", "liaison": "ABC"}
    for role, (ga, gb, gc) in cases.items():
        G = nx.DiGraph([("a", "b"), ("b", "c")])
        nx.set_node_attributes(G, {"a": ga, "b": gb, "c": gc}, "g")
        row = kn.brokerage(G, "g").set_index("node").loc["b"]
        assert row["broker_role"] == role and row["brokerage"] == 1
    G.add_edge("a", "c")  # a closed triad: nobody brokers
    assert kn.brokerage(G, "g")["brokerage"].sum() == 0


def test_brokerage_needs_the_group_on_every_node():
    G = nx.DiGraph([(1, 2), (2, 3)])
    with pytest.raises(UnknownNameError, match="cluster"):
        kn.brokerage(G, "cluster")
    G.nodes[1]["cluster"] = "C1"
    with pytest.raises(InputError, match="2 node"):
        kn.node_measures(G, group="cluster")


# ------------------------------------------------------------------ two-mode

def test_davis_southern_women_two_mode():
    B = nx.davis_southern_women_graph()
    women = B.graph["top"]
    member = pd.DataFrame([(w, e) if w in women else (e, w) for w, e in B.edges()], columns=["woman", "event"])
    tm = kn.two_mode(member, "woman", "event")
    # Davis, Gardner & Gardner (1941): 18 women, 14 events, 89 attendances; Evelyn went to 8 events.
    assert tm.incidence.shape == (18, 14) and tm.incidence.to_numpy().sum() == 89
    assert tm.incidence.loc["Evelyn Jefferson"].sum() == 8
    # Breiger (1974): Evelyn and Theresa attended 7 events together; 139 of the 153 pairs of women met.
    assert tm.first["Evelyn Jefferson"]["Theresa Anderson"]["weight"] == 7
    assert tm.first.number_of_edges() == 139
    # The projection is the incidence matrix times its transpose (an independent calculation).
    X = tm.incidence.to_numpy()
    co = X @ X.T
    names = list(tm.incidence.index)
    for u, v, w in tm.first.edges(data="weight"):
        assert co[names.index(u), names.index(v)] == w
    assert {d["bipartite"] for _, d in tm.graph.nodes(data=True)} == {0, 1}


def test_two_mode_refuses_names_used_for_both_kinds_and_repeats(capsys):
    with pytest.raises(KitError, match="different names"):
        kn.two_mode(pd.DataFrame({"a": ["X", "Y"], "b": ["Y", "Z"]}), "a", "b")
    m = pd.DataFrame({"school": ["A", "A"], "programme": ["P", "P"]})
    with pytest.raises(InputError, match="listed twice"):
        kn.two_mode(m, "school", "programme")
    tm = kn.two_mode(m, "school", "programme", duplicates="first")
    assert "repeated" in capsys.readouterr().out and tm.graph.number_of_edges() == 1


# ------------------------------------------------------------------ waves

def test_compare_waves_and_tie_changes_by_hand():
    G1 = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "A")])
    G2 = nx.DiGraph([("A", "B"), ("B", "A"), ("C", "D")])
    row = kn.compare_waves(G1, G2).iloc[0]
    assert (row["ties_kept"], row["ties_formed"], row["ties_lost"]) == (1, 2, 2)
    assert row["jaccard"] == pytest.approx(1 / 5)
    assert row["nodes_joined"] == 1 and row["nodes_left"] == 0
    assert row["reciprocity_change"] == pytest.approx(nx.reciprocity(G2) - nx.reciprocity(G1))
    assert row["ties_change"] == 0
    changes = kn.tie_changes(G1, G2)
    assert changes["status"].value_counts().to_dict() == {"formed": 2, "lost": 2, "kept": 1}
    # undirected: A-B is the same tie whichever way round it is stored
    row = kn.compare_waves(nx.Graph([("A", "B")]), nx.Graph([("B", "A")])).iloc[0]
    assert row["jaccard"] == 1.0
    with pytest.raises(InputError, match="directed"):
        kn.compare_waves(G1, nx.Graph(G2))


def test_communities_are_seeded_and_match_networkx_modularity():
    G = nx.karate_club_graph()
    c1, c2 = kn.communities(G, seed=7), kn.communities(G, seed=7)
    assert c1.equals(c2)
    assert (c1.groupby("community")["size"].first().diff().dropna() <= 0).all()  # 1 = largest
    parts = [set(c1.loc[c1["community"] == k, "node"]) for k in sorted(c1["community"].unique())]
    assert c1.attrs["modularity"] == pytest.approx(nx.community.modularity(G, parts))
    assert 0.35 < c1.attrs["modularity"] < 0.45  # karate club: best partitions score about 0.42 (Newman 2006)
    with pytest.raises(InputError):
        kn.communities(G, resolution=0)


# ------------------------------------------------------------------ from_edges: nasty inputs

@pytest.fixture
def schools():
    return pd.DataFrame({"school_id": ["NLC01", "NLC02", "NLC03", "NLC04"], "cluster": ["C1", "C1", "C2", None]})


def test_from_edges_keeps_isolates_and_attributes(schools):
    ties = pd.DataFrame({"from": ["NLC01", "NLC02"], "to": ["NLC02", "NLC03"]})
    G = kn.from_edges(ties, "from", "to", nodes=schools, node_id="school_id")
    assert sorted(G) == ["NLC01", "NLC02", "NLC03", "NLC04"] and list(nx.isolates(G)) == ["NLC04"]
    assert G.nodes["NLC03"]["cluster"] == "C2" and "cluster" not in G.nodes["NLC04"]  # missing value left out
    assert G.graph["notes"] == []


def test_unknown_school_is_named_with_a_close_match(schools):
    ties = pd.DataFrame({"source": ["NLC01", "NLC01"], "target": ["NLC02", "NLC3"]})
    with pytest.raises(InputError, match=r"not in the node table: 'NLC3' \(did you mean 'NLC03' for 'NLC3'\)"):
        kn.from_edges(ties, nodes=schools, node_id="school_id")
    lower = pd.DataFrame({"source": ["nlc04"], "target": ["NLC02"]})
    with pytest.raises(InputError, match="did you mean 'NLC04'"):
        kn.from_edges(lower, nodes=schools, node_id="school_id")
    spaced = pd.DataFrame({"source": ["NLC01 "], "target": ["NLC02"]})
    with pytest.raises(InputError, match="spaces"):
        kn.from_edges(spaced, nodes=schools, node_id="school_id")
    G = kn.from_edges(ties, nodes=schools, node_id="school_id", unknown="add", quiet=True)
    assert "NLC3" in G and "added" in G.graph["notes"][0]


def test_self_ties_are_refused_or_dropped_with_a_note(capsys):
    ties = pd.DataFrame({"source": ["A", "B"], "target": ["A", "A"]})
    with pytest.raises(InputError, match="same school at both ends: 'A'"):
        kn.from_edges(ties)
    G = kn.from_edges(ties, self_ties="drop")
    assert G.number_of_edges() == 1 and "1 self-tie" in capsys.readouterr().out
    assert "self-tie" in G.graph["notes"][0]


def test_duplicate_ties_error_sum_or_first():
    ties = pd.DataFrame({"source": ["A", "A", "A", "B"], "target": ["B", "B", "B", "A"], "w": [1, 2, 3, 5]})
    with pytest.raises(InputError, match="1 tie\\(s\\) appear more than once \\(2 repeated row\\(s\\) in all\\): 'A' -> 'B'\\."):
        kn.from_edges(ties)
    assert kn.from_edges(ties, duplicates="sum", quiet=True)["A"]["B"]["weight"] == 3
    assert kn.from_edges(ties, weight="w", duplicates="sum", quiet=True)["A"]["B"]["weight"] == 6
    G = kn.from_edges(ties, weight="w", duplicates="first", quiet=True)
    assert G["A"]["B"]["weight"] == 1 and G["B"]["A"]["weight"] == 5 and len(G.graph["notes"]) == 1


def test_duplicate_ties_message_counts_ties_and_rows_so_the_shown_ones_add_up():
    # 7 pairs each named three times: 7 ties, 14 repeated rows; 5 shown "and 2 more" adds up to 7
    pairs = [(f"S{i}", "T") for i in range(7)]
    ties = pd.DataFrame(pairs * 3, columns=["source", "target"])
    with pytest.raises(InputError) as err:
        kn.from_edges(ties)
    assert str(err.value).startswith("7 tie(s) appear more than once (14 repeated row(s) in all): ")
    assert "and 2 more." in str(err.value)


def test_undirected_pairs_named_both_ways_become_one_tie_with_a_note():
    ties = pd.DataFrame({"source": ["A", "B", "B"], "target": ["B", "A", "C"], "w": [1, 2, 1]})
    G = kn.from_edges(ties, weight="w", directed=False, quiet=True)
    assert G.number_of_edges() == 2 and G["A"]["B"]["weight"] == 3
    assert "named each other" in G.graph["notes"][0]


@pytest.mark.parametrize("bad, error, words", [
    (pd.DataFrame({"source": ["A", None], "target": ["B", "C"]}), InputError, "missing"),
    (pd.DataFrame({"src": ["A"], "target": ["B"]}), MissingColumnError, "'source' was not found"),
    ([("A", "B")], KitError, "DataFrame"),
])
def test_malformed_edge_lists(bad, error, words):
    with pytest.raises(error, match=words):
        kn.from_edges(bad)


def test_bad_weights_options_and_node_tables(schools):
    ties = pd.DataFrame({"source": ["NLC01"], "target": ["NLC02"], "w": ["often"]})
    with pytest.raises(KitError, match="numbers"):
        kn.from_edges(ties, weight="w")
    with pytest.raises(InputError, match="'sum'"):
        kn.from_edges(ties, duplicates="add")
    twice = pd.concat([schools, schools.head(1)])
    with pytest.raises(InputError, match="more than once: 'NLC01'"):
        kn.from_edges(ties, nodes=twice, node_id="school_id")
    with pytest.raises(MissingColumnError):
        kn.from_edges(ties, nodes=schools, node_id="id")
    with pytest.raises(KitError, match="network"):
        kn.summary(ties)
    with pytest.raises(KitError, match="no nodes"):
        kn.node_measures(nx.DiGraph())


# ------------------------------------------------------------------ drawing and export

def _overlaps(boxes):
    return sum(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_draw_sixty_schools_without_overlapping_labels():
    schools = kit.data.load("nlc_schools")
    ties = kit.data.load("nlc_ties")
    for wave in (1, 3):
        G = kn.from_edges(ties[(ties["wave"] == wave) & (ties["relation"] == "advice")],
                          nodes=schools, node_id="school_id")
        ax = kn.draw(G, size_by="in_degree", colour_by="cluster", highlight=["NLC05"], title=f"Wave {wave}")
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        labels = [t for t in ax.texts if t.get_text().startswith("NLC")]
        assert len(labels) == 60
        assert _overlaps([t.get_window_extent(renderer) for t in labels]) == 0
        assert [t.get_text() for t in ax.get_legend().get_texts()][:4] == ["C1", "C2", "C3", "C4"]
        plt.close(fig)


def test_size_range_gives_waves_one_scale():
    G = nx.star_graph(3)
    small = kn.draw(G, size_by="degree", size_range=(0, 30))
    big = kn.draw(G, size_by="degree")
    circles = [ax.collections[1].get_sizes() for ax in (small, big)]  # after the edges' LineCollection
    assert max(circles[0]) < max(circles[1]) == 900
    assert any("0 to 30" in t.get_text() for t in small.texts)
    plt.close("all")


def test_draw_refuses_what_it_cannot_show():
    G = nx.path_graph(12)
    nx.set_node_attributes(G, {n: f"g{n}" for n in G}, "many")
    with pytest.raises(InputError, match="12 groups"):
        kn.draw(G, colour_by="many")
    with pytest.raises(UnknownNameError, match="betweenness"):
        kn.draw(G, size_by="betweeness")
    with pytest.raises(InputError, match="no position"):
        kn.draw(G, pos={0: (0, 0)})
    plt.close("all")


def test_layout_keeps_pieces_in_view():
    G = nx.DiGraph([(1, 2), (2, 3)])
    G.add_node(4)  # an isolate: kamada-kawai would otherwise throw it to infinity
    pos = kn.layout(G)
    xy = np.array(list(pos.values()))
    assert xy.min() >= 0 and xy.max() <= 1
    spread = np.ptp(np.array([pos[n] for n in (1, 2, 3)]), axis=0).max()
    assert spread > 0.5 and pos[4][1] == 0.0 < min(pos[n][1] for n in (1, 2, 3))  # the isolate waits below


def test_graphml_round_trip(tmp_path):
    G = nx.DiGraph()
    G.add_node("A", cluster="C1", pupils=np.int64(300), share=float("nan"))
    G.add_edge("A", "B", weight=np.float64(2.0))
    out = kn.to_graphml(G, tmp_path / "net.graphml")
    H = nx.read_graphml(out)
    assert H.nodes["A"] == {"cluster": "C1", "pupils": 300} and H["A"]["B"]["weight"] == 2.0
    assert "share" in G.nodes["A"]  # the original is untouched
    with pytest.raises(InputError, match=".graphml"):
        kn.to_graphml(G, tmp_path / "net.csv")


def test_import_changes_no_matplotlib_state():
    before = matplotlib.get_backend()
    import importlib

    importlib.reload(kn)
    assert matplotlib.get_backend() == before


@pytest.mark.slow
def test_every_drawing_shows_inline_in_jupyter(tmp_path):
    """Regression: after a first figure made inside plt.rc_context, Jupyter stopped showing figures."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import kit.network, networkx as nx\nG = nx.path_graph(4)\nax = kit.network.draw(G)"),
                nbformat.v4.new_code_cell("ax = kit.network.draw(G)")]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the real inline backend
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    shown = [sum("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells]
    assert shown == [1, 1]
