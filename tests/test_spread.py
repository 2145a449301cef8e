"""Tests for referral.spread: reproducibility, closed forms, bookkeeping, errors."""

from __future__ import annotations

import dataclasses
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral._engine.spread_kernel import HOP_COLUMNS
from referral.network import from_arrays, from_networkx
from referral.network._populations import community_population
from referral.simulate._spread import SpreadResult, spread

ARRAY_FIELDS = [
    f.name
    for f in dataclasses.fields(SpreadResult)
    if f.name not in {"network", "record", "seed_entropy"}
]


def assert_same(a: SpreadResult, b: SpreadResult):
    for name in ARRAY_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, name
            assert np.array_equal(x, y), name
        else:
            assert x == y, name
    for view in ["by_hop", "people", "trials", "ties", "chains", "summary"]:
        pd.testing.assert_frame_equal(getattr(a, view)(), getattr(b, view)())


@pytest.fixture(scope="module")
def population():
    return community_population(3_000, n_communities=30, seed=7)


def binary_tree(f, w, depth=10):
    G = nx.balanced_tree(2, depth)
    return from_networkx(
        G,
        strength=1.0,
        transmission=lambda u, v, d: 1.0 if 0 in (u, v) else w,
        activity=f,
        recruiters=[0],
    )


def q_no_descendant(f, w, h):
    q = 0.0
    for _ in range(h):
        q = 1.0 - f + f * (1.0 - w + w * q) ** 2
    return q


# ------------------------------------------------------------ reproducibility
def test_same_seed_identical_and_n_jobs_invariant(population):
    kwargs = dict(trials=300, max_hops=6, fanout=5, keep_chains=20, seed=11)
    one = spread(population, **kwargs, n_jobs=1)
    again = spread(population, **kwargs, n_jobs=1)
    two = spread(population, **kwargs, n_jobs=2)
    assert_same(one, again)
    assert_same(one, two)
    assert one.seed_entropy == 11
    # a different seed gives a different run
    other = spread(population, **{**kwargs, "seed": 12})
    assert not np.array_equal(one.trial_stats, other.trial_stats)


def test_progress_and_chunking_do_not_change_result(population):
    base = spread(population, trials=64, seed=3)
    chunked = spread(population, trials=64, seed=3, n_jobs=2, progress=True)
    assert_same(base, chunked)


def test_generator_and_none_seed_replay(population):
    a = spread(population, trials=50, seed=np.random.default_rng(5))
    b = spread(population, trials=50, seed=np.random.default_rng(5))
    assert_same(a, b)
    fresh = spread(population, trials=50)
    replay = spread(population, trials=50, seed=fresh.seed_entropy)
    assert_same(fresh, replay)
    seq = np.random.SeedSequence(9)
    assert_same(
        spread(population, trials=20, seed=seq), spread(population, trials=20, seed=seq)
    )


@pytest.mark.parametrize("fanout", [4, None])
@pytest.mark.parametrize("network", ["population", "skipping"])
def test_reach_mode_matches_full(population, fanout, network):
    # beyond the 10 kept trials reach mode does not draw the ties to people
    # already told in the same hop (only their parent would change): the
    # cascades must be the same, on rows drawn tie by tie, by skips and under
    # fanout
    if network == "skipping":
        graph = nx.barabasi_albert_graph(3000, 5, seed=1)
        population = from_networkx(
            graph,
            strength=0.15,
            activity=0.9,
            recruiters=[0],
            candidates=range(2000, 3000),
        )
    full = spread(population, trials=100, fanout=fanout, seed=2, keep_chains=10)
    lean = spread(
        population, trials=100, fanout=fanout, seed=2, keep_chains=10, record="reach"
    )
    assert np.array_equal(full.trial_hop, lean.trial_hop)
    for name in [
        "chain_trial",
        "chain_person",
        "chain_hop",
        "chain_parent",
        "chain_weak",
    ]:
        assert np.array_equal(getattr(full, name), getattr(lean, name))
    a, b = full.trials(), lean.trials()
    for column in ["reached", "candidates_reached", "depth"]:
        assert np.array_equal(a[column], b[column])
    assert b["weak_chain_candidates"].isna().all()
    by_hop = lean.by_hop()
    assert by_hop["lost_not_carried_mean"].isna().all()
    assert np.allclose(
        by_hop["new_candidates_mean"], full.by_hop()["new_candidates_mean"]
    )
    with pytest.raises(ValueError, match="record='full'"):
        lean.people()
    with pytest.raises(ValueError, match="record='full'"):
        lean.ties()


def test_common_random_numbers_for_counterfactual(population):
    base = spread(population, trials=400, seed=21, keep_chains=400)
    people = base.people()
    # someone who holds the opening sometimes, but not always
    x = int(
        people.loc[people["recruiter"].eq(False)]
        .assign(gap=lambda d: (d["reach_probability"] - 0.3).abs())
        .sort_values("gap")["id"]
        .iloc[0]
    )
    activity = population.activity.copy()
    activity[x] = 1.0 if activity[x] < 0.5 else 0.0
    changed = spread(
        population.replace(activity=activity), trials=400, seed=21, keep_chains=400
    )
    held = np.zeros(400, dtype=bool)
    held[base.chain_trial[base.chain_person == x]] = True
    assert 0 < held.sum() < 400
    untouched = ~held
    assert np.array_equal(base.trial_stats[untouched], changed.trial_stats[untouched])
    width = max(base.trial_hop.shape[1], changed.trial_hop.shape[1])

    def padded(a):
        return np.pad(a, ((0, 0), (0, width - a.shape[1])))

    assert np.array_equal(
        padded(base.trial_hop)[untouched], padded(changed.trial_hop)[untouched]
    )
    # where x held and acted differently, something changed
    assert not np.array_equal(base.trial_stats[held], changed.trial_stats[held])


# ----------------------------------------------------------------- closed forms
def test_binary_tree_mean_per_hop_and_depth_probability():
    trials = 3000
    results = {}
    for f, w in [(0.75, 1.0), (1.0, 0.75)]:
        result = spread(binary_tree(f, w), trials=trials, seed=5)
        by_hop = result.by_hop()
        assert len(by_hop) == 11
        for h in range(1, 11):
            expected = 2 * (2 * f * w) ** (h - 1)
            row = by_hop.iloc[h]
            assert abs(row["held_mean"] - expected) < 4 * row["held_se"] + 1e-9, h
        p_deep = float((result.trials()["depth"] == 10).mean())
        expected = 1 - q_no_descendant(f, w, 9) ** 2
        se = math.sqrt(expected * (1 - expected) / trials)
        assert abs(p_deep - expected) < 4 * se
        results[(f, w)] = (p_deep, expected)
    (pa, ea), (pb, eb) = results[(0.75, 1.0)], results[(1.0, 0.75)]
    assert abs(ea - eb) > 0.08  # activity and transmission are separate knobs
    assert abs(pa - pb) > 0.05


def _er_network(n, c, transmission, seed):
    G = nx.fast_gnp_random_graph(n, c / n, seed=seed)
    return from_networkx(G, strength=1.0, transmission=transmission, activity=1.0)


def test_erdos_renyi_giant_cascade_fraction():
    n, c, T = 5000, 3.0, 0.6
    net = _er_network(n, c, T, seed=1)
    source = int(np.argmax(net.degree))
    result = spread(net, [source], trials=300, seed=3, record="reach")
    reached = result.trials()["reached"].to_numpy() / n
    large = reached[reached > 0.1]
    assert len(large) > 100
    S = 0.5
    for _ in range(200):
        S = 1 - math.exp(-c * T * S)
    assert abs(large.mean() - S) < 0.02


def test_erdos_renyi_mean_cascade_below_threshold():
    n, c, T = 20_000, 2.0, 0.25
    net = _er_network(n, c, T, seed=2)
    rng = np.random.default_rng(4)
    sizes = []
    for k, source in enumerate(rng.choice(n, size=200, replace=False)):
        result = spread(
            net, [int(source)], trials=50, seed=k, keep_chains=0, record="reach"
        )
        sizes.append(result.trials()["reached"].to_numpy())
    sizes = np.concatenate(sizes).astype(float)
    se = sizes.std(ddof=1) / math.sqrt(len(sizes))
    assert abs(sizes.mean() - 1 / (1 - c * T)) < 4 * se + 0.02


def test_cut_vertex_broker_linear_in_activity():
    # a small clique around the source, a broker, then a tree behind it
    G = nx.complete_graph(5)
    G.add_edge(4, "broker")
    tree = nx.balanced_tree(3, 4)
    G.add_edges_from((("t", u), ("t", v)) for u, v in tree.edges)
    G.add_edge("broker", ("t", 0))
    behind = [u for u in G if isinstance(u, tuple)]

    def run(a):
        net = from_networkx(
            G,
            strength=1.0,
            transmission=0.7,
            activity=lambda u, d: a if u == "broker" else 0.8,
            recruiters=[0],
        )
        result = spread(net, trials=4000, seed=8, keep_chains=0)
        people = result.people().set_index("person")
        beyond = people.loc[behind, "reach_probability"].sum()
        per_trial = result.trial_stats[:, 0]
        return beyond, result, per_trial

    zero, _, _ = run(0.0)
    assert zero == 0.0
    full_reach, _, per_trial_1 = run(1.0)
    assert full_reach > 1
    for a in [0.25, 0.5, 0.75]:
        beyond, _, per_trial = run(a)
        # per trial, the broker either acts (same draws as a=1) or not
        acts = per_trial != per_trial_1
        se = full_reach * math.sqrt(a * (1 - a) / 4000) * 3 + 0.05
        assert abs(beyond - a * full_reach) < 3 * se, a
        assert acts.mean() <= 1 - a + 0.05


# ------------------------------------------------------------------ bookkeeping
def test_losses_add_up_exactly(population):
    result = spread(
        population,
        trials=200,
        max_hops=5,
        fanout=6,
        source_activity=0.9,
        seed=13,
        keep_chains=200,
    )
    sums = result.hop_sums
    cols = {name: k for k, name in enumerate(HOP_COLUMNS)}
    lost = sums[
        :,
        [
            cols[c]
            for c in [
                "did_not_act",
                "not_carried",
                "already_reached",
                "hop_limit",
                "fanout",
            ]
        ],
    ]
    assert np.array_equal(
        sums[:, cols["offered"]], sums[:, cols["arrived"]] + lost.sum(axis=1)
    )
    assert (lost > 0).any(axis=0).all()  # every cause occurs
    # arrivals at hop h are the people held at hop h + 1
    assert np.array_equal(sums[:-1, cols["arrived"]], sums[1:, cols["held"]])
    assert sums[-1, cols["arrived"]] == 0
    assert np.array_equal(sums[:, cols["held"]], result.trial_hop.sum(axis=0))
    # offers are the degrees of the holders, hop by hop
    degree = population.degree
    offered = np.bincount(result.chain_hop, weights=degree[result.chain_person])
    assert np.array_equal(offered.astype(np.int64), sums[:, cols["offered"]])
    # hop limit: everything held at max_hops is lost to it, nothing else is
    assert np.array_equal(sums[5, cols["hop_limit"]], sums[5, cols["offered"]])
    assert sums[:5, cols["hop_limit"]].sum() == 0
    by_hop = result.by_hop()
    total = by_hop[
        [c for c in by_hop.columns if c.startswith("lost_") and c.endswith("_mean")]
    ].sum(axis=1)
    assert np.allclose(by_hop["offered_mean"], by_hop["arrived_mean"] + total)


def test_credit_weak_and_community_counts_match_chains(population):
    trials = 150
    result = spread(population, trials=trials, seed=17, keep_chains=trials)
    chains = result.chains()
    net = population
    n = net.n_people
    credit = np.zeros(n, dtype=np.int64)
    tie_credit = np.zeros(len(net.indices), dtype=np.int64)
    weak_cands = np.zeros(trials, dtype=np.int64)
    cross = np.zeros(trials, dtype=np.int64)
    cross_weak = np.zeros(trials, dtype=np.int64)
    community = net.community
    for t, group in chains.groupby("trial"):
        parent = dict(zip(group["id"], group["parent_id"], strict=True))
        for person in group.loc[group["candidate"], "id"]:
            v, used_weak, crossed = person, False, False
            while parent[v] >= 0:
                p = parent[v]
                row = net.indptr[p] + np.searchsorted(
                    net.indices[net.indptr[p] : net.indptr[p + 1]], v
                )
                tie_credit[row] += 1
                used_weak |= bool(net.weak[row])
                crossed |= bool(community[p] != community[v])
                if p != person and parent[p] >= 0:
                    credit[p] += 1
                v = p
            weak_cands[t] += used_weak
            cross[t] += crossed
            cross_weak[t] += crossed and used_weak
    assert np.array_equal(credit, result.person_credit)
    assert np.array_equal(tie_credit, result.tie_credit)
    frame = result.trials()
    assert np.array_equal(frame["weak_chain_candidates"].to_numpy(), weak_cands)
    assert np.array_equal(frame["cross_community_candidates"].to_numpy(), cross)
    assert np.array_equal(
        frame["cross_community_weak_candidates"].to_numpy(), cross_weak
    )
    assert cross.sum() > 0 and weak_cands.sum() > 0
    # the per-hop weak-chain count adds up to the per-trial one
    assert result.hop_sums[:, 10].sum() == weak_cands.sum()
    # a chain's weak flag is its parent's flag or the tie's weakness
    assert chains.loc[chains["via_weak_tie"], "hop"].min() >= 1
    # people() and ties() agree with the arrays
    people = result.people()
    assert np.allclose(people["chain_credit"], credit / trials)
    ties = result.ties()
    assert len(ties) == np.count_nonzero(tie_credit)
    assert np.isclose(ties["chain_credit"].sum(), tie_credit.sum() / trials)
    reached = np.bincount(chains["id"], minlength=n)
    assert np.allclose(people["reach_probability"], reached / trials)


def test_parent_is_uniform_among_tellers():
    # source -> a, b (surely); a, b -> target (surely): parent is a or b, 50/50
    net = from_arrays(
        4,
        [0, 0, 1, 2],
        [1, 2, 3, 3],
        strength=1.0,
        activity=1.0,
        directed=True,
        recruiters=[0],
    )
    result = spread(net, trials=4000, seed=1, keep_chains=4000)
    chains = result.chains()
    parents = chains.loc[chains["id"] == 3, "parent_id"]
    assert len(parents) == 4000
    share = (parents == 1).mean()
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / 4000)
    by_hop = result.by_hop()
    assert by_hop.loc[1, "lost_already_reached_mean"] == 1.0
    assert by_hop.loc[1, "arrived_mean"] == 1.0


def test_summary_and_people_columns(population):
    result = spread(population, trials=100, seed=1)
    summary = result.summary()
    assert list(summary.columns) == [
        "measure",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "level",
    ]
    assert summary["measure"].tolist() == [
        "people_reached",
        "candidates_reached",
        "candidate_share_reached",
        "depth",
    ]
    assert (summary["ci_low"] <= summary["estimate"]).all()
    assert summary.attrs["seed_entropy"] == 1 and (summary["n"] == 100).all()
    people = result.people()
    assert people.loc[people["recruiter"], "reach_probability"].eq(1.0).all()
    never = people["reach_probability"] == 0
    assert people.loc[never, "mean_hop"].isna().all()
    assert list(result.by_hop().columns) == [
        "hop",
        "held_mean",
        "held_se",
        "held_q05",
        "held_q50",
        "held_q95",
        "cumulative_mean",
        "acted_mean",
        "new_candidates_mean",
        "offered_mean",
        "arrived_mean",
        "lost_did_not_act_mean",
        "lost_did_not_act_se",
        "lost_not_carried_mean",
        "lost_not_carried_se",
        "lost_already_reached_mean",
        "lost_already_reached_se",
        "lost_hop_limit_mean",
        "lost_hop_limit_se",
        "lost_fanout_mean",
        "lost_fanout_se",
        "weak_chain_candidates_mean",
    ]
    assert list(result.trials().columns) == [
        "trial",
        "reached",
        "candidates_reached",
        "weak_chain_candidates",
        "cross_community_candidates",
        "cross_community_weak_candidates",
        "depth",
    ]
    assert "SpreadResult(" in repr(result)


# ------------------------------------------------------------- fanout and hops
def test_fanout_picks_uniformly_and_limits_growth(population):
    star = from_networkx(nx.star_graph(10), strength=1.0, activity=1.0, recruiters=[0])
    result = spread(star, trials=3000, fanout=3, seed=2)
    by_hop = result.by_hop()
    assert by_hop.loc[0, "lost_fanout_mean"] == 7.0
    assert by_hop.loc[1, "held_mean"] == 3.0
    leaves = result.people()["reach_probability"].to_numpy()[1:]
    assert np.all(np.abs(leaves - 0.3) < 4 * math.sqrt(0.21 / 3000))
    limited = spread(population, trials=100, fanout=2, seed=4)
    held = limited.trial_hop.astype(np.int64)
    n_sources = len(limited.sources)
    assert (held[:, 0] == n_sources).all()
    assert (held[:, 1:] <= 2 * held[:, :-1]).all()


def test_max_hops():
    path = from_networkx(nx.path_graph(10), strength=1.0, activity=1.0, recruiters=[0])
    result = spread(path, trials=5, max_hops=3, seed=1)
    assert (result.trials()["reached"] == 4).all()
    assert (result.trials()["depth"] == 3).all()
    assert result.by_hop()["lost_hop_limit_mean"].tolist() == [0, 0, 0, 2]
    only = spread(path, trials=5, max_hops=0, seed=1)
    assert (only.trials()["reached"] == 1).all()
    assert only.by_hop()["lost_hop_limit_mean"].tolist() == [1.0]
    assert spread(path, trials=5, seed=1).trials()["depth"].eq(9).all()


def test_source_activity_and_multiple_sources():
    path = from_networkx(nx.path_graph(5), strength=1.0, activity=1.0)
    silent = spread(path, [0], trials=10, source_activity=0.0, seed=1)
    assert (silent.trials()["reached"] == 1).all()
    assert silent.by_hop().loc[0, "lost_did_not_act_mean"] == 1.0
    both = spread(path, [0, 4, 0], trials=3, seed=1, keep_chains=1)
    assert list(both.sources) == [0, 4]
    assert both.by_hop()["held_mean"].tolist() == [2.0, 2.0, 1.0]
    labelled = from_networkx(nx.path_graph(["a", "b", "c"]), strength=1.0, activity=1.0)
    assert spread(labelled, "b", trials=2, seed=0).by_hop()["held_mean"].tolist() == [
        1.0,
        2.0,
    ]


# ------------------------------------------------------------------ bad input
@pytest.fixture(scope="module")
def small():
    return from_networkx(nx.path_graph(4), strength=1.0, activity=0.5, recruiters=[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sources": [99]}, nx.NodeNotFound, r"'sources'.*99"),
        ({"trials": 0}, ValueError, r"'trials' parameter of spread.*Got 0"),
        ({"trials": 2.5}, TypeError, r"'trials'.*Got 2.5"),
        ({"max_hops": -1}, ValueError, r"'max_hops'.*Got -1"),
        ({"fanout": 0}, ValueError, r"'fanout'.*\[1, inf\).*Got 0"),
        ({"source_activity": 1.5}, ValueError, r"'source_activity'.*\[0, 1\].*1.5"),
        ({"source_activity": -0.1}, ValueError, r"'source_activity'.*-0.1"),
        ({"keep_chains": -1}, ValueError, r"'keep_chains'.*Got -1"),
        ({"seed": -3}, ValueError, r"'seed'.*-3"),
        ({"seed": "abc"}, TypeError, r"'seed'.*'abc'"),
        ({"record": "some"}, ValueError, r"'record'.*'some'"),
        ({"n_jobs": 0}, ValueError, r"'n_jobs'.*0"),
        ({"sources": []}, ValueError, r"'sources'.*at least one"),
    ],
)
def test_bad_input(small, kwargs, error, match):
    with pytest.raises(error, match=match):
        spread(small, **kwargs)


def test_no_sources_and_no_recruiters():
    net = from_networkx(nx.path_graph(3), strength=1.0, activity=0.5)
    with pytest.raises(ValueError, match=r"'sources'.*no recruiters"):
        spread(net)
    with pytest.raises(TypeError, match=r"'network'.*ReferralNetwork"):
        spread(nx.path_graph(3), [0])


@pytest.mark.parametrize(
    ("row", "mode"),
    [
        ([0.0, 0.02, 0.1, 0.3, 0.5, 1.0], "direct"),
        ([0.0, 0.02, 0.1, 0.3, 0.5, 0.7], "direct"),
        ([0.0, 0.02, 0.05, 0.1, 0.15, 0.2], "skip"),  # skips with thinning
        ([0.12] * 6, "skip"),  # skips, no thinning
    ],
)
def test_tie_sampler_carries_each_tie_independently(row, mode):
    """Both samplers: each tie carries with its own w, independently."""
    from referral._engine.spread_kernel import ROW_DIRECT, ROW_SKIP, row_tables

    weights = np.array(row * 10)
    G = nx.star_graph(len(weights))
    w = {(0, k + 1): float(weights[k]) for k in range(len(weights))}
    net = from_networkx(G, strength=1.0, transmission=w, activity=1.0, recruiters=[0])
    expected = {"direct": ROW_DIRECT, "skip": ROW_SKIP}[mode]
    assert row_tables(net.indptr, net.transmission)[0][0] == expected
    trials = 20_000
    for record in ("full", "reach"):
        result = spread(net, trials=trials, keep_chains=0, record=record, seed=11)
        hits = result.trial_hop[:, 1].astype(float)
        # per-tie frequencies, from the full run's per-person counts
        if record == "full":
            p = result.person_reached[1:] / trials
            se = np.sqrt(weights * (1 - weights) / trials)
            assert (p[weights == 0] == 0).all() and (p[weights == 1] == 1).all()
            z = (p - weights)[se > 0] / se[se > 0]
            assert np.abs(z).max() < 4.5, z
        # independence: the number carried has the binomial-sum variance
        variance = (weights * (1 - weights)).sum()
        assert hits.mean() == pytest.approx(
            weights.sum(), abs=4 * np.sqrt(variance / trials)
        )
        se_var = variance * np.sqrt(2 / trials)
        assert abs(hits.var(ddof=1) - variance) < 4 * se_var
    full = spread(net, trials=500, seed=3).trial_hop
    reach = spread(net, trials=500, seed=3, record="reach").trial_hop
    np.testing.assert_array_equal(full, reach)


def test_unknown_community_is_never_a_crossing():
    G = nx.path_graph(4)
    nx.set_node_attributes(G, {0: "a", 1: None, 2: "b", 3: float("nan")}, "community")
    net = from_networkx(
        G, strength=1.0, activity=1.0, recruiters=[0], candidates=[1, 2, 3]
    )
    trials = spread(net, trials=3, seed=1).trials()
    # 0 -> 1 (unknown) -> 2 ("b") -> 3 (unknown): no known pair differs along
    # a single tie, so nobody's chain crossed communities
    assert (trials["cross_community_candidates"] == 0).all()
    G.nodes[1]["community"] = "a"
    net = from_networkx(
        G, strength=1.0, activity=1.0, recruiters=[0], candidates=[1, 2, 3]
    )
    trials = spread(net, trials=3, seed=1).trials()
    assert (trials["cross_community_candidates"] == 2).all()  # 2 and 3 crossed
