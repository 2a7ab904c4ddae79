"""kit.data.partnership: deterministic datasets with the shared NLC IDs and the truths the notebooks teach."""

import math

import networkx as nx
import pytest

import kit.data
import kit.network as kn
from kit.data import checksum
from kit.errors import InputError

CHECKSUMS = {  # default seed and options; change only on purpose (and say why in the commit)
    "nlc_schools": "fdb9d5c9acad6abd4201915e83816b332642a4fe14a609fbb98019058ea4e324",
    "nlc_ties": "cdaa564bedc348ec1cba7d9df3a37f6afaf67a424fe6163f2200295163919f0e",
    "nlc_programmes": "e64149fbf71c0f8e68ecddc323ab0b8a2f1e9f3fcb312d69203099d69d897d2e",
    "programme_schools": "c9964021f0c51761d4b55704dd3ee8978703a772a4430e494c5bfbe99e6b63f9",
    "programme_network": "ec474c5d72317dac229f2a51352ec3fcb7e8644c7c57e880fd350b111b28a43c",
}


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_checksum_and_codebook(name):
    frame = kit.data.load(name)
    assert checksum(frame) == CHECKSUMS[name]
    assert kit.data.codebook(name)["column"].tolist() == frame.columns.tolist()


def test_other_seeds_differ_and_repeat():
    a, b = kit.data.load("nlc_ties", seed=1), kit.data.load("nlc_ties", seed=1)
    assert checksum(a) == checksum(b) != CHECKSUMS["nlc_ties"]


def test_shared_ids_trios_and_clusters():
    schools = kit.data.load("nlc_schools")
    assert schools["school_id"].tolist() == [f"NLC{k:02d}" for k in range(1, 61)]
    for k, row in enumerate(schools.itertuples(), 1):
        assert row.trio == f"T{math.ceil(k / 3):02d}" and row.cluster == f"C{math.ceil(k / 15)}"
    assert schools["leader"].is_unique
    assert set(schools["phase"]) == {"primary", "secondary", "special"}


def advice(wave):
    schools, ties = kit.data.load("nlc_schools"), kit.data.load("nlc_ties")
    t = ties[(ties["wave"] == wave) & (ties["relation"] == "advice")]
    return kn.from_edges(t, nodes=schools, node_id="school_id", quiet=True)


def test_ties_are_clean_survey_answers():
    ties = kit.data.load("nlc_ties")
    ids = set(kit.data.load("nlc_schools")["school_id"])
    assert set(ties["source"]) | set(ties["target"]) <= ids
    assert not ties.duplicated().any() and (ties["source"] != ties["target"]).all()
    assert set(ties["relation"]) == {"advice", "planning"}


def test_dependence_on_hubs_fades_over_waves():
    ties = kit.data.load("nlc_ties")
    hubs = ties.attrs["hubs"]
    G = {w: advice(w) for w in (1, 2, 3)}
    s = {w: kn.summary(G[w]).iloc[0] for w in G}
    assert s[1]["centralisation"] > s[2]["centralisation"] > s[3]["centralisation"]
    assert s[1]["reciprocity"] < s[2]["reciprocity"] < s[3]["reciprocity"]
    assert [s[w]["isolates"] for w in G] == [len(ties.attrs["isolates"][w]) for w in G] == [3, 1, 0]
    top4 = kn.node_measures(G[1]).nlargest(4, "in_degree")["node"]
    assert set(top4) == set(hubs)
    share = {w: sum(G[w].in_degree(h) for h in hubs) / G[w].number_of_edges() for w in G}
    assert share[1] > 0.3 > share[3]
    assert sorted(nx.isolates(G[1])) == ties.attrs["isolates"][1]


def test_programmes_two_mode():
    m = kit.data.load("nlc_programmes")
    assert not m.duplicated().any() and m.groupby("school_id").size().between(1, 4).all()
    tm = kn.two_mode(m, "school_id", "programme")
    assert tm.incidence.shape == (60, 8)


def test_programme_scale():
    schools, ties = kit.data.load("programme_schools"), kit.data.load("programme_network")
    assert len(schools) == 1500 and 640_000 < schools["pupils"].sum() < 660_000   # NCSL's NLC programme scale
    assert set(ties["source"]) | set(ties["target"]) <= set(schools["school_id"])
    assert not ties.duplicated().any() and (ties["source"] != ties["target"]).all()
    assert ties.attrs["networks"] == schools["network"].nunique()
    named = ties["target"].value_counts()
    hubs = ties.attrs["hubs"]
    assert len(hubs) >= ties.attrs["networks"]
    assert named.reindex(hubs).mean() > 2 * named.drop(hubs, errors="ignore").mean()  # the hubs really draw ties
    with pytest.raises(InputError):
        kit.data.load("programme_network", n_schools=5)
