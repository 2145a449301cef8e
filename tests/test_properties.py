"""Property-based tests over random graphs and random labels (hypothesis).

Labels mix plain and huge ints (>= 2**63 and >= 2**64), strings that look
like ints ('3' beside 3), tuples and numpy scalars; every entry point must
resolve them through one exact path. Each property is a documented
invariant of the builders, spread, search, gatekeepers or the interventions.
Example counts are small so the file runs in seconds.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import referral
from referral import interventions

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

plain_ints = st.integers(-50, 50)
huge_ints = st.sampled_from([2**63, 2**63 + 1, 2**64, 2**64 + 7, -(2**63) - 1])
int_strings = st.integers(-50, 50).map(str)
words = st.text("abcxyz", min_size=1, max_size=3)
tuples = st.tuples(st.integers(0, 3), st.sampled_from(["a", "b"]))
numpy_ints = st.integers(-50, 50).map(np.int64)
labels_of = st.one_of(plain_ints, huge_ints, int_strings, words, tuples, numpy_ints)


def _key(label):
    """Python equality, as networkx and the network use it."""
    return label.item() if isinstance(label, np.generic) else label


@st.composite
def graphs(draw, min_people=1, max_people=9):
    labels = draw(
        st.lists(labels_of, min_size=min_people, max_size=max_people, unique_by=_key)
    )
    n = len(labels)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    G = nx.Graph()
    G.add_nodes_from(labels)
    G.add_edges_from((labels[i], labels[j]) for i, j in chosen)
    return G, labels


def _plain(label):
    return label.item() if isinstance(label, np.generic) else label


def _same_labels(net, labels):
    got = net.labels.tolist()
    want = [_plain(x) for x in labels]
    return got == want and all(
        type(a) is type(b) for a, b in zip(got, want, strict=True)
    )


# -------------------------------------------------------------- builders
@FAST
@given(graphs())
def test_builders_keep_labels_exactly_and_ids_invert_them(data):
    G, labels = data
    net = referral.from_networkx(G, strength=1.0, activity=0.5)
    assert _same_labels(net, labels)
    assert net.ids(labels).tolist() == list(range(len(labels)))
    assert net.ids(labels[::-1]).tolist() == list(range(len(labels)))[::-1]
    for k, label in enumerate(labels):
        assert net.ids(label).tolist() == [k]  # a tuple is one label
    assert net.n_ties == G.number_of_edges()
    for u, v in G.edges():
        i, j = net.ids([u, v])
        assert j in net.indices[net.indptr[i] : net.indptr[i + 1]]
    # from_arrays builds the same people from the same labels
    index = {_key(x): k for k, x in enumerate(labels)}
    src = [index[_key(u)] for u, _ in G.edges()]
    dst = [index[_key(v)] for _, v in G.edges()]
    other = referral.from_arrays(labels, src, dst, strength=1.0, activity=0.5)
    assert _same_labels(other, labels)
    assert np.array_equal(other.indptr, net.indptr)
    assert np.array_equal(other.indices, net.indices)


@FAST
@given(graphs(), labels_of)
def test_a_label_not_in_the_network_is_named(data, stranger):
    G, labels = data
    net = referral.from_networkx(G, strength=1.0, activity=0.5)
    if any(_key(stranger) == _key(x) for x in labels):
        assert net.ids([stranger]).tolist() == [
            next(k for k, x in enumerate(labels) if _key(x) == _key(stranger))
        ]
        return
    with pytest.raises(nx.NodeNotFound, match="names people who are not in the"):
        net.ids([labels[0], stranger])


# --------------------------------------------------------------- spread
@FAST
@given(graphs(), st.data())
def test_spread_reaches_exactly_the_sources_components(data, draw):
    G, labels = data
    sources = draw.draw(
        st.lists(st.sampled_from(labels), min_size=1, max_size=3), label="sources"
    )
    net = referral.from_networkx(
        G, strength=1.0, transmission=1.0, activity=1.0, candidates=labels[-1:]
    )
    result = referral.spread(net, sources, trials=3, seed=1)
    component = set()
    for s in sources:
        component |= {_key(x) for x in nx.node_connected_component(G, s)}
    reached = result.trials()["reached"]
    assert (reached == len(component)).all()
    people = result.people()
    assert {
        _key(p)
        for p, r in zip(people["person"], people["reach_probability"], strict=True)
        if r == 1
    } == component
    assert result.sources.tolist() == sorted(
        set(net.ids(sources).tolist()), key=net.ids(sources).tolist().index
    )


@FAST
@given(graphs(min_people=2), st.floats(0.0, 1.0), st.integers(0, 2**32))
def test_spread_same_seed_same_result_any_n_jobs_and_hop_sums(data, activity, seed):
    G, labels = data
    net = referral.from_networkx(
        G, strength=0.6, activity=activity, recruiters=labels[:1]
    )
    one = referral.spread(net, trials=12, seed=seed, n_jobs=1)
    two = referral.spread(net, trials=12, seed=seed, n_jobs=2)
    assert np.array_equal(one.trial_stats, two.trial_stats)
    assert np.array_equal(one.trial_hop, two.trial_hop)
    assert np.array_equal(one.trial_hop.sum(axis=1), one.trial_stats[:, 0])
    component = nx.node_connected_component(G, labels[0])
    assert (one.trial_stats[:, 0] <= len(component)).all()
    by_hop = one.by_hop()
    offered = by_hop["offered_mean"]
    parts = by_hop["arrived_mean"] + by_hop[
        [c for c in by_hop.columns if c.startswith("lost_") and c.endswith("_mean")]
    ].sum(axis=1)
    assert np.allclose(offered, parts)


# --------------------------------------------------------------- search
@FAST
@given(graphs(min_people=2), st.data())
def test_search_chains_walk_ties_and_complete_only_at_targets(data, draw):
    G, labels = data
    starts = draw.draw(st.lists(st.sampled_from(labels), min_size=1, max_size=70))
    targets = draw.draw(st.lists(st.sampled_from(labels), min_size=1, max_size=2))
    policy = draw.draw(st.sampled_from(["greedy", "random", "strongest"]))
    net = referral.from_networkx(G, strength=0.7, activity=0.8)
    result = referral.search(
        net, starts, targets, policy=policy, trials=2, seed=3, max_steps=6
    )
    chains = result.chains()
    assert len(chains) == 2 * len(starts)
    start_ids = np.repeat(net.ids(starts), 2)
    assert np.array_equal(chains["start_id"].to_numpy(), start_ids)
    target_ids = set(net.ids(targets).tolist())
    done = chains["outcome"] == "completed"
    assert set(chains["length"]) <= set(range(7))
    paths = result.paths()
    for chain, path in paths.groupby("chain"):
        ids = path.sort_values("step")["id"].tolist()
        for a, b in zip(ids, ids[1:], strict=False):
            assert b in net.indices[net.indptr[a] : net.indptr[a + 1]]
        assert len(set(ids)) == len(ids)  # never revisits
        if done.iloc[chain]:
            assert ids[-1] in target_ids
    starting_at_target = np.isin(start_ids, list(target_ids))
    assert done[starting_at_target].all()
    assert (chains["length"][starting_at_target] == 0).all()


# ---------------------------------------------------------- gatekeepers
@pytest.mark.stat
@FAST
@given(graphs(min_people=3), st.integers(1, 4))
def test_gatekeepers_are_people_of_the_network_never_sources(data, top):
    G, labels = data
    net = referral.from_networkx(
        G, strength=1.0, activity=0.8, recruiters=labels[:1], candidates=labels[1:]
    )
    table = referral.gatekeepers(net, top=top, trials=20, seed=1)
    # the first ``top`` rows, and the whole top group when it is larger
    group = int(table["top_group_size"].iloc[0]) if len(table) else 0
    assert len(table) <= max(top, group)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    keys = [_key(x) for x in labels]
    assert all(_key(p) in keys for p in table["person"])
    assert labels[0] not in set(table["person"])
    assert np.array_equal(net.ids(list(table["person"])), table["id"].to_numpy())


# --------------------------------------------------------- interventions
@FAST
@given(graphs(min_people=2), st.data(), st.floats(0.0, 1.0))
def test_interventions_change_only_what_they_say(data, draw, to):
    G, labels = data
    chosen = draw.draw(st.lists(st.sampled_from(labels), min_size=1, max_size=3))
    net = referral.from_networkx(G, strength=0.8, activity=0.3)
    boosted = interventions.boost_activity(net, chosen, to=to)
    ids = net.ids(chosen)
    assert _same_labels(boosted, labels)
    assert np.allclose(boosted.activity[ids], max(0.3, to))  # never lowered
    others = np.setdiff1d(np.arange(net.n_people), ids)
    assert np.array_equal(boosted.activity[others], net.activity[others])
    removed = interventions.remove_people(net, chosen)
    assert _same_labels(removed, labels)
    assert (removed.activity[ids] == 0).all()
    for i in ids:
        assert removed.indptr[i + 1] == removed.indptr[i]
        assert i not in removed.indices
    more = interventions.add_weak_ties(net, 3, seed=1)
    assert _same_labels(more, labels)
    assert net.n_ties <= more.n_ties <= net.n_ties + 3
