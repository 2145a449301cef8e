import networkx as nx
import numpy as np

from referral import datasets


def test_email_counts_match_snap():
    G = datasets.email_eu_core_graph()
    assert G.number_of_nodes() == 1005
    assert G.number_of_edges() == 25571
    assert nx.number_of_selfloops(G) == 642
    departments = {d["department"] for _, d in G.nodes(data=True)}
    assert departments == set(range(42))


def test_email_network():
    net = datasets.email_eu_core()
    assert net.directed and net.n_people == 1005 and net.n_ties == 25571 - 642
    assert net.is_recruiter.sum() == 1
    assert net.community is not None and set(np.unique(net.community)) == set(range(42))
    # one-way e-mail ties are never strong
    G = datasets.email_eu_core_graph()
    src, dst = net.labels[net.tie_sources], net.labels[net.indices]
    one_way = np.array([not G.has_edge(v, u) for u, v in zip(src, dst, strict=True)])
    assert net.weak[one_way].all()
    assert datasets.email_eu_core().equals(net)  # deterministic by default


def test_facebook_counts_match_snap():
    G = datasets.facebook_ego_graph()
    assert (G.number_of_nodes(), G.number_of_edges()) == (4039, 88234)
    net = datasets.facebook_ego()
    assert (net.n_people, net.n_ties, net.directed) == (4039, 88234, False)
    assert 0.4 < net.weak.mean() < 0.6  # percentile strengths around 0.5


def test_empirical_chains():
    df = datasets.empirical_chain_lengths()
    totals = df.groupby("study")["chains"].sum()
    assert totals["milgram1967"] == 64 and totals["dodds2003"] == 402
    milgram = df[df.study == "milgram1967"]
    mean = (milgram.intermediaries * milgram.chains).sum() / 64
    assert abs(mean - 5.2) < 0.1
