"""Typical wrong answers in notebooks 09 and 10 get the hint that helps (and never the answer)."""

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kit.data
import kit.network as kn
from kit.checks import run_check

CHECKS = Path(__file__).resolve().parents[1] / "exercises" / "checks"


def spec(name):
    return json.loads((CHECKS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nlc():
    schools, ties = kit.data.load("nlc_schools"), kit.data.load("nlc_ties")
    advice = ties[ties["relation"] == "advice"]
    waves = {w: kn.from_edges(advice[advice["wave"] == w], nodes=schools, node_id="school_id", quiet=True)
             for w in (1, 2, 3)}
    return schools, ties, waves


def first_hint(result):
    assert not result.all_passed
    return result.message


# ------------------------------------------------------------------ 09

def test_09_unanswered_says_so():
    s = spec("09-mapping-a-partnership")
    for q in ("q1", "q2", "q3", "q4", "q5", "q7"):
        result = run_check(s, q, namespace={name: ... for name in (
            "n_planning_ties", "n_planning_isolates", "density_by_hand", "top_advisers", "hub_share", "cut_off",
            "programme_partners_27", "n_programmes_27")})
        assert "not answered yet" in result.message and not result.answered


def test_09_q1_network_without_the_node_table_has_no_isolates(nlc):
    schools, ties, _ = nlc
    planning = ties[(ties["wave"] == 1) & (ties["relation"] == "planning")]
    P = kn.from_edges(planning)  # forgot nodes=schools
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q1", namespace={
        "n_planning_ties": P.number_of_edges(), "n_planning_isolates": nx.number_of_isolates(P)}))
    assert "check 2 does not pass" in msg and "nodes=schools" in msg
    P = kn.from_edges(planning, nodes=schools, node_id="school_id")
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q1", namespace={  # the isolates, not their count
        "n_planning_ties": P.number_of_edges(), "n_planning_isolates": nx.isolates(P)}))
    assert "check 1 does not pass" in msg and "nx.number_of_isolates(P)" in msg
    every_wave = ties[ties["relation"] == "planning"]  # forgot the wave
    P = kn.from_edges(every_wave, nodes=schools, node_id="school_id", duplicates="sum", quiet=True)
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q1", namespace={
        "n_planning_ties": P.number_of_edges(), "n_planning_isolates": 9}))
    assert "check 3 does not pass" in msg and "wave 1" in msg


def test_09_q2_undirected_density_formula(nlc):
    G = nlc[2][1]
    n = G.number_of_nodes()
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q2",
                               namespace={"density_by_hand": G.number_of_edges() / (n * (n - 1) / 2)}))
    assert "check 1 does not pass" in msg and "do not halve" in msg
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q2",  # no brackets: ties / n * (n - 1)
                               namespace={"density_by_hand": G.number_of_edges() / n * (n - 1)}))
    assert "check 1 does not pass" in msg and "brackets" in msg
    msg = first_hint(run_check(spec("09-mapping-a-partnership"), "q2",
                               namespace={"density_by_hand": G.number_of_edges() / (n * n)}))
    assert "check 2 does not pass" in msg and "not n x n" in msg
    ok = run_check(spec("09-mapping-a-partnership"), "q2", namespace={"density_by_hand": nx.density(G)})
    assert ok.all_passed


def test_09_q3_q4_out_degree_and_wrong_denominator(nlc):
    G = nlc[2][1]
    m = kn.node_measures(G)
    s = spec("09-mapping-a-partnership")
    named = m.nlargest(4, "in_degree")["in_degree"].tolist()
    msg = first_hint(run_check(s, "q3", namespace={"top_advisers": sorted(m.nlargest(4, "out_degree")["node"]),
                                                   "times_named": named}))
    assert "check 3 does not pass" in msg and "in_degree" in msg
    msg = first_hint(run_check(s, "q3", namespace={"top_advisers": list(m.nlargest(4, "in_degree")["node"]),
                                                   "times_named": named}))
    assert "check 2 does not pass" in msg and "sorted(...)" in msg  # right schools, not sorted
    msg = first_hint(run_check(s, "q3", namespace={"top_advisers": m.nlargest(4, "in_degree")["node"],
                                                   "times_named": named}))
    assert "check 1 does not pass" in msg and "list" in msg  # a Series, not a list
    by_degree = m.nlargest(4, "degree")  # degree picks the same four schools here: only the counts tell
    msg = first_hint(run_check(s, "q3", namespace={"top_advisers": sorted(by_degree["node"]),
                                                   "times_named": by_degree["degree"].tolist()}))
    assert "check 5 does not pass" in msg and "RECEIVED" in msg
    top = m.nlargest(4, "in_degree")["in_degree"].sum()
    msg = first_hint(run_check(s, "q4", namespace={"hub_share": top / G.number_of_nodes()}))
    assert "check 1 does not pass" in msg and "number of ties" in msg
    assert run_check(s, "q4", namespace={"hub_share": top / G.number_of_edges()}).all_passed


def test_09_q5_q7_typical_slips(nlc):
    G = nlc[2][1]
    H = G.copy()
    H.remove_node("NLC52")
    s = spec("09-mapping-a-partnership")
    msg = first_hint(run_check(s, "q5", namespace={"cut_off": sorted(nx.isolates(H)), "G": G}))  # kept old isolates
    assert "check 3 does not pass" in msg and "already" in msg
    msg = first_hint(run_check(s, "q5", namespace={"cut_off": {"NLC54"}, "G": G}))  # a set, not the list asked for
    assert "check 1 does not pass" in msg and "not a set" in msg
    damaged = G.copy()
    damaged.remove_node("NLC52")  # what H = G; H.remove_node("NLC52") does to G
    msg = first_hint(run_check(s, "q5", namespace={"cut_off": [], "G": damaged}))
    assert "check 2 does not pass" in msg and "second name" in msg and "builds G again" in msg
    assert run_check(s, "q5", namespace={"cut_off": ["NLC54"], "G": G}).all_passed
    tm = kn.two_mode(kit.data.load("nlc_programmes"), "school_id", "programme")
    msg = first_hint(run_check(s, "q7", namespace={"programme_partners_27": tm.graph.degree("NLC27"),
                                                   "n_programmes_27": 3}))
    assert "tm.first" in msg
    msg = first_hint(run_check(s, "q7", namespace={"programme_partners_27": tm.first.degree("NLC27", weight="weight"),
                                                   "n_programmes_27": 3}))
    assert "without weight=" in msg


# ------------------------------------------------------------------ 10

def test_10_unanswered_says_so():
    s = spec("10-networks-over-time")
    for q in ("q1", "q2", "q3", "q4", "q5", "q6"):
        result = run_check(s, q, namespace={name: ... for name in (
            "centralisation_change", "jaccard_23", "reciprocity_3", "top4_share", "still_connected", "n_communities")})
        assert "not answered yet" in result.message


def test_10_q1_change_the_wrong_way_round(nlc):
    waves = nlc[2]
    c1, c3 = kn.centralisation(waves[1]), kn.centralisation(waves[3])
    msg = first_hint(run_check(spec("10-networks-over-time"), "q1", namespace={"centralisation_change": c1 - c3}))
    assert "check 2 does not pass" in msg and "minus the earlier" in msg
    by_wave = pd.concat([kn.summary(waves[w]).assign(wave=w) for w in (1, 2, 3)]).set_index("wave")
    msg = first_hint(run_check(spec("10-networks-over-time"), "q1",  # a column of changes, not one number
                               namespace={"centralisation_change": by_wave["centralisation"].diff()}))
    assert "check 1 does not pass" in msg and "not a column" in msg
    assert run_check(spec("10-networks-over-time"), "q1", namespace={"centralisation_change": round(c3 - c1, 2)}).all_passed
    assert run_check(spec("10-networks-over-time"), "q1", namespace={"centralisation_change": c3 - c1}).all_passed


def test_10_q2_q3_wrong_denominators(nlc):
    waves = nlc[2]
    row = kn.compare_waves(waves[2], waves[3]).iloc[0]
    s = spec("10-networks-over-time")
    msg = first_hint(run_check(s, "q2", namespace={"jaccard_23": row["ties_kept"] / waves[3].number_of_edges()}))
    assert "check 1 does not pass" in msg and "ALL ties" in msg
    assert run_check(s, "q2", namespace={"jaccard_23": row["jaccard"]}).all_passed
    G3 = waves[3]
    pairs = sum(1 for a, b in G3.edges() if G3.has_edge(b, a)) / 2  # counted pairs, not ties
    msg = first_hint(run_check(s, "q3", namespace={"reciprocity_3": pairs / G3.number_of_edges()}))
    assert "check 1 does not pass" in msg and "half" in msg
    assert run_check(s, "q3", namespace={"reciprocity_3": nx.reciprocity(G3)}).all_passed


def test_10_q4_q5_typical_slips(nlc):
    waves = nlc[2]
    s = spec("10-networks-over-time")
    m = {w: kn.node_measures(G) for w, G in waves.items()}
    per_node = [m[w].nlargest(4, "in_degree")["in_degree"].sum() / 60 for w in (1, 2, 3)]
    top3 = sorted(m[3].nlargest(4, "in_degree")["node"])
    msg = first_hint(run_check(s, "q4", namespace={"top4_share": per_node, "top4_wave3": top3}))
    assert "check 1 does not pass" in msg and "not schools" in msg
    by_degree = [m[w].nlargest(4, "degree")["degree"].sum() / waves[w].number_of_edges() for w in (1, 2, 3)]
    msg = first_hint(run_check(s, "q4", namespace={"top4_share": by_degree, "top4_wave3": top3}))  # sent and received
    assert "check 2 does not pass" in msg and "in_degree values (ties received" in msg
    right = [m[w].nlargest(4, "in_degree")["in_degree"].sum() / waves[w].number_of_edges() for w in (1, 2, 3)]
    msg = first_hint(run_check(s, "q4", namespace={"top4_share": right[::-1], "top4_wave3": top3}))  # wrong order
    assert "check 2 does not pass" in msg and "order 1, 2, 3" in msg
    hubs = ["NLC05", "NLC20", "NLC38", "NLC52"]  # the wave-1 hubs in every wave: differs in wave 3
    hub_share = [sum(waves[w].in_degree(h) for h in hubs) / waves[w].number_of_edges() for w in (1, 2, 3)]
    msg = first_hint(run_check(s, "q4", namespace={"top4_share": hub_share, "top4_wave3": sorted(hubs)}))
    assert "check 2 does not pass" in msg and "own four" in msg
    assert run_check(s, "q4", namespace={"top4_share": right, "top4_wave3": top3}).all_passed
    one_hub = []
    for w in (1, 3):
        H = waves[w].copy()
        H.remove_node("NLC05")  # removed only one hub
        one_hub.append(kn.summary(H)["largest_component"].iloc[0] / 56)
    msg = first_hint(run_check(s, "q5", namespace={"still_connected": one_hub, "waves": waves}))
    assert "check 1 does not pass" in msg and "remove all four hubs" in msg
    by_60 = []
    for w in (1, 3):
        H = waves[w].copy()
        H.remove_nodes_from(["NLC05", "NLC20", "NLC38", "NLC52"])
        by_60.append(kn.summary(H)["largest_component"].iloc[0] / 60)
    msg = first_hint(run_check(s, "q5", namespace={"still_connected": by_60, "waves": waves}))
    assert "check 3 does not pass" in msg and "not 60" in msg
    right = [48 / 56, 56 / 56]
    damaged = {w: G.copy() for w, G in waves.items()}
    for w in (1, 3):
        damaged[w].remove_nodes_from(hubs)  # what H = waves[w] (no copy) does to waves
    msg = first_hint(run_check(s, "q5", namespace={"still_connected": right, "waves": damaged}))
    assert "check 2 does not pass" in msg and "second name" in msg and "builds waves" in msg
    assert run_check(s, "q5", namespace={"still_connected": right, "waves": waves}).all_passed
