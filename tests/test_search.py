"""Tests for referral.search: closed forms, reproducibility, bad input."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral.network._populations import community_population
from referral.simulate._search import (
    OUTCOMES,
    PerChain,
    PerPerson,
    PerStep,
    SearchResult,
    search,
)


def path_network(length, activity=1.0, strength=1.0):
    """0 - 1 - ... - length, target at the end."""
    return referral.from_arrays(
        length + 1,
        np.arange(length),
        np.arange(1, length + 1),
        strength=strength,
        activity=activity,
    )


def spider(activity=0.35, legs=range(2, 11)):
    """One target (id 0) with a disjoint leg of each length; leg ends returned.

    From a leg's end greedy routing has no choice: every holder has exactly
    one contact not yet on the chain, the next one toward the target.
    """
    src, dst, ends = [], [], {}
    nxt = 1
    for d in legs:
        nodes = [0] + list(range(nxt, nxt + d))
        nxt += d
        src += nodes[:-1]
        dst += nodes[1:]
        ends[d] = nodes[-1]
    net = referral.from_arrays(nxt, src, dst, strength=1.0, activity=activity)
    return net, ends


def binomial_starts(ends):
    """Starts whose distance is 2 + Binomial(8, 1/2), exactly weighted."""
    return [ends[2 + k] for k in range(9) for _ in range(math.comb(8, k))]


def assert_close(estimate, expected, se, k=4.0):
    assert abs(estimate - expected) <= k * se, (estimate, expected, se)


def assert_same(a: SearchResult, b: SearchResult):
    for name in [
        "chain_start",
        "chain_length",
        "chain_outcome",
        "chain_end",
        "chain_weak_ties",
        "chain_crossings",
        "path_ids",
        "path_weak",
        "on_completed",
        "as_intermediary",
    ]:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), name)


# ------------------------------------------------------------ closed forms
def test_path_constant_attrition_completion_and_drops():
    L, r, trials = 5, 0.3, 200_000
    net = path_network(L)
    res = search(net, [0], [L], attrition=r, trials=trials, seed=11, n_jobs=2)
    p = (1 - r) ** L
    chains = res.chains()
    completed = (chains["outcome"] == "completed").to_numpy()
    assert_close(completed.mean(), p, math.sqrt(p * (1 - p) / trials))
    assert (chains.loc[completed, "length"] == L).all()
    # a chain that never completes was dropped after K forwards, K < L, with
    # P(K = k | dropped) = (1 - r)^k r / (1 - (1 - r)^L): a geometric law
    # (mean (1 - r) / r) truncated at L
    k = np.arange(L)
    pk = (1 - r) ** k * r / (1 - p)
    mean, var = float(pk @ k), float(pk @ k**2) - float(pk @ k) ** 2
    dropped = chains.loc[chains["outcome"] == "dropped", "length"].to_numpy()
    assert len(dropped) == trials - completed.sum()
    assert_close(dropped.mean(), mean, math.sqrt(var / len(dropped)))
    counts = np.bincount(dropped, minlength=L) / len(dropped)
    np.testing.assert_allclose(counts, pk, atol=0.006)
    # the estimated attrition rate is r
    assert_close(res.attrition_rate(), r, 0.002)


def test_never_completing_chains_make_geometric_forwards():
    # a path far longer than any chain: the forwards made before a drop are
    # Geometric with mean (1 - r) / r (unconditionally, as nothing completes)
    L, r, trials = 150, 0.4, 100_000
    net = path_network(L)
    res = search(net, [0], [L], attrition=r, trials=trials, max_steps=L, seed=3)
    lengths = res.chain_length
    assert (res.chain_outcome == OUTCOMES.index("dropped")).all()
    sd = math.sqrt(1 - r) / r
    assert_close(lengths.mean(), (1 - r) / r, sd / math.sqrt(trials))


def test_binomial_distance_per_person_attrition():
    net, ends = spider(activity=0.35)
    starts = binomial_starts(ends)
    res = search(net, starts, [0], trials=1000, seed=7, n_jobs=2)
    n = res.n_chains
    assert n == 256_000
    np.testing.assert_array_equal(
        np.unique(res.start_distance), np.arange(2, 11, dtype=float)
    )
    p = 0.35**2 * 0.675**8
    chains = res.chains()
    done = chains["outcome"] == "completed"
    assert_close(done.mean(), p, math.sqrt(p * (1 - p) / n))
    # completed lengths are 2 + Binomial(8, 7/27)
    q = 7 / 27
    lengths = chains.loc[done, "length"]
    assert_close(lengths.mean(), 2 + 8 * q, math.sqrt(8 * q * (1 - q) / done.sum()))
    assert lengths.median() == 4  # raw completed chains look short
    # the attrition-corrected median recovers the true median 6
    table = res.corrected_lengths()
    assert (table["corrected_median"] == 6).all()
    assert_close(table["attrition_rate"].iloc[0], 0.65, 0.002)
    summary = res.summary().set_index("measure")
    assert summary.loc["corrected_median", "estimate"] == 6
    assert summary.loc["median_length", "estimate"] == 4
    # the same per-step rate gives the very same chains (common random numbers)
    assert_same(res, search(net, starts, [0], attrition=0.65, trials=1000, seed=7))


def test_per_chain_attrition_completes_far_more_often():
    net, ends = spider(activity=0.35)
    starts = binomial_starts(ends)
    spec = PerChain(rates=[0.4, 0.9], weights=[0.5, 0.5])
    assert spec.mean_rate == 0.65
    res = search(net, starts, [0], attrition=spec, trials=400, seed=5, n_jobs=2)
    n = res.n_chains
    p = 0.5 * 0.6**2 * 0.8**8 + 0.5 * 0.1**2 * 0.55**8
    rate = res.summary().set_index("measure").loc["completion_rate", "estimate"]
    assert_close(rate, p, math.sqrt(p * (1 - p) / n))
    assert rate > 4 * 0.35**2 * 0.675**8
    # a Beta-distributed chain rate with the same mean also runs
    beta = search(net, starts, [0], attrition=PerChain(beta=(13, 7)), seed=5)
    assert beta.attrition.startswith("per chain")


def test_common_random_numbers_across_activity():
    net, ends = spider(activity=0.35)
    starts = binomial_starts(ends)
    low = search(net, starts, [0], trials=50, seed=9)
    high = search(
        net.replace(activity=np.full(net.n_people, 0.6)), starts, [0], trials=50, seed=9
    )
    done_low = low.chain_outcome == 0
    done_high = high.chain_outcome == 0
    assert done_low.sum() < done_high.sum()
    assert not (done_low & ~done_high).any()  # coupled: more activity never hurts


# --------------------------------------------------------- reproducibility
@pytest.mark.parametrize("policy", ["greedy", "random", "weak-first", "strongest"])
def test_identical_for_any_n_jobs(policy):
    net = community_population(3_000, n_communities=30, seed=2)
    one = search(net, policy=policy, trials=20, seed=4, n_jobs=1, max_steps=30)
    two = search(net, policy=policy, trials=20, seed=4, n_jobs=2, max_steps=30)
    assert_same(one, two)
    pd.testing.assert_frame_equal(one.chains(), two.chains())
    pd.testing.assert_frame_equal(one.by_step(), two.by_step())
    other = search(net, policy=policy, trials=20, seed=5, max_steps=30)
    assert not np.array_equal(one.chain_length, other.chain_length)


def test_seed_entropy_replays_the_run():
    net = community_population(500, n_communities=5, seed=1)
    first = search(net, trials=5, policy="random")
    again = search(net, trials=5, policy="random", seed=first.seed_entropy)
    assert_same(first, again)
    gen = search(net, trials=5, seed=np.random.default_rng(3))
    assert (
        gen.seed_entropy
        == search(net, trials=5, seed=np.random.default_rng(3)).seed_entropy
    )


def test_user_callable_matches_builtin_when_there_is_no_choice():
    net, ends = spider(activity=0.5)
    starts = binomial_starts(ends)
    seen = []

    def first(holder, contacts, network):
        seen.append(len(contacts))
        return contacts[0]

    builtin = search(net, starts, [0], trials=3, seed=1, keep_paths=20)
    custom = search(net, starts, [0], policy=first, trials=3, seed=1, keep_paths=20)
    assert set(seen) == {1}
    assert_same(builtin, custom)
    assert custom.policy == "first"


@pytest.mark.parametrize("attrition", ["person", "step", "chain"])
def test_python_policy_path_matches_the_kernel_with_choices(attrition):
    """A callable that picks the strongest contact runs the Python path and
    must give the kernel's "strongest" chains exactly, on a network with real
    choices (distinct strengths, cycles, weak ties, communities)."""
    g = nx.connected_watts_strogatz_graph(120, 6, 0.2, seed=4)
    rng = np.random.default_rng(4)
    for u, v in g.edges:
        g.edges[u, v]["strength"] = rng.uniform(0.05, 1.0)
    for v in g:
        g.nodes[v]["community"] = v // 30
    net = referral.from_networkx(g, activity=0.85, recruiters=[0, 60])
    weights = {(u, v): d["strength"] for u, v, d in g.edges(data=True)}

    def strongest(holder, contacts, network):
        def w(c):
            return weights.get((holder, c), weights.get((c, holder)))

        return max(contacts, key=w)

    kwargs = {
        "person": {},
        "step": {"attrition": PerStep(0.2)},
        "chain": {"attrition": PerChain(beta=(2, 8))},
    }[attrition]
    starts = list(range(1, 120, 7))
    builtin = search(
        net, starts, policy="strongest", trials=8, seed=5, keep_paths=50, **kwargs
    )
    custom = search(
        net, starts, policy=strongest, trials=8, seed=5, keep_paths=50, **kwargs
    )
    assert (builtin.chains()["length"] > 2).any()  # chains that chose
    assert_same(builtin, custom)


def test_user_callable_must_return_a_contact():
    net = path_network(3)
    with pytest.raises(ValueError, match="not one of the contacts"):
        search(net, [0], [3], policy=lambda h, c, n: "nobody", seed=1)


# ------------------------------------------------------------------ policies
def fork():
    """0 -> {1 (strong, far), 2 (weak, near)} ; 2 -> 3 target; 1 -> 4 -> 3."""
    return referral.from_arrays(
        5,
        [0, 0, 2, 1, 4],
        [1, 2, 3, 4, 3],
        strength=[0.9, 0.1, 0.9, 0.9, 0.9],
        activity=1.0,
    )


def test_policies_choose_as_documented():
    net = fork()
    greedy = search(net, [0], [3], trials=50, seed=1)
    assert (greedy.chain_length == 2).all()
    assert (greedy.chains()["weak_ties"] == 1).all()
    strongest = search(net, [0], [3], policy="strongest", trials=50, seed=1)
    assert (strongest.chain_length == 3).all()
    assert (strongest.chains()["weak_ties"] == 0).all()
    weak_first = search(
        net, [0], [3], policy="weak-first", trials=50, seed=1, distance=None
    )
    assert (weak_first.chain_length == 2).all()
    random = search(net, [0], [3], policy="random", trials=2000, seed=1)
    share = (random.chain_length == 2).mean()
    assert_close(share, 0.5, math.sqrt(0.25 / 2000))
    paths = random.paths()
    assert list(paths.columns) == ["chain", "step", "person", "id", "via_weak_tie"]
    assert random.paths()["chain"].nunique() == 100


def test_greedy_ties_are_broken_at_random():
    # a diamond: both middle people are at distance 1
    net = referral.from_arrays(
        4, [0, 0, 1, 2], [1, 2, 3, 3], strength=1.0, activity=1.0
    )
    res = search(net, [0], [3], trials=4000, seed=2, keep_paths=4000)
    second = res.paths().query("step == 1")["id"]
    assert_close((second == 1).mean(), 0.5, math.sqrt(0.25 / 4000))


def test_directed_graph_distance_uses_reversed_ties():
    # 0 -> 1 -> 2 (target) and 2 -> 0: distance to the target is 2, 1, 0
    net = referral.from_arrays(
        3, [0, 1, 2], [1, 2, 0], strength=1.0, activity=1.0, directed=True
    )
    res = search(net, [0, 1], [2], seed=1)
    np.testing.assert_array_equal(res.start_distance, [2.0, 1.0])
    np.testing.assert_array_equal(res.chain_length, [2, 1])


def test_attribute_distances():
    net = community_population(2_000, n_communities=20, seed=3)
    res = search(net, distance="community", trials=3, seed=1)
    assert set(np.unique(res.start_distance)) <= {0.0, 1.0}
    chains = res.chains()
    assert chains["crossed_communities"].notna().all()
    x = np.arange(5, dtype=float)
    line = path_network(4).replace(attributes={"x": x, "y": np.zeros(5)})
    res = search(line, [0], [4], distance=("x", "y"), seed=1)
    assert res.start_distance[0] == 4.0 and res.chain_length[0] == 4
    res = search(line, [0], [4], distance=np.array([4, 3, 2, 1, 0.0]), seed=1)
    assert res.chain_length[0] == 4 and res.distance == "array"


def test_start_that_is_a_target_completes_with_length_zero():
    net = path_network(3)
    chains = search(net, [3, 0], [3], seed=1).chains()
    assert chains["length"].tolist() == [0, 3]
    assert chains["outcome"].tolist() == ["completed", "completed"]
    assert chains["target"].tolist() == [3, 3]


def test_dead_end_and_step_limit():
    # 0 - 1 and an isolated target 2: 0 forwards to 1, who has nobody left
    net = referral.from_arrays(3, [0], [1], strength=1.0, activity=1.0)
    chains = search(net, [0], [2], seed=1).chains()
    assert chains["outcome"].tolist() == ["dead_end"]
    assert chains["length"].tolist() == [1]
    assert chains["target"].tolist() == [None]
    assert np.isinf(chains["start_distance"][0])
    # a ring 0..9 and an unreachable target 10
    ring = referral.from_arrays(
        11, *np.array(list(nx.cycle_graph(10).edges)).T, strength=1.0, activity=1.0
    )
    res = search(ring, [0], [10], max_steps=4, seed=1)
    assert res.chains()["outcome"].tolist() == ["step_limit"]
    assert res.chain_length.tolist() == [4]
    table = res.corrected_lengths()
    assert table.empty and "corrected_median" in table.columns


# -------------------------------------------------------------------- views
def test_views_are_consistent():
    net = community_population(2_000, n_communities=20, seed=4)
    res = search(net, trials=10, seed=2, max_steps=6)
    chains = res.chains()
    assert list(chains.columns) == [
        "chain",
        "start",
        "start_id",
        "target",
        "target_id",
        "length",
        "outcome",
        "weak_ties",
        "crossed_communities",
        "start_distance",
    ]
    assert list(chains["outcome"].cat.categories) == list(OUTCOMES)
    steps = res.by_step()
    for name in OUTCOMES:
        assert steps[name].sum() == (chains["outcome"] == name).sum()
    ended = steps[list(OUTCOMES)].sum(axis=1).to_numpy()
    np.testing.assert_array_equal(
        steps["alive"].to_numpy()[1:], (steps["alive"] - ended).to_numpy()[:-1]
    )
    assert steps["dropped"].sum() / steps["attempts"].sum() == res.attrition_rate()
    people = res.people()
    done = chains[chains["outcome"] == "completed"]
    assert people["times_on_completed_chain"].sum() == (done["length"] + 1).sum()
    assert people["times_as_intermediary"].sum() == (
        (done["length"] - 1).clip(lower=0).sum()
    )
    targets = people.loc[net.recruiters, "times_on_completed_chain"]
    assert targets.sum() == len(done)
    summary = res.summary()
    assert list(summary.columns) == [
        "measure",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "level",
    ]
    rows = summary.set_index("measure")
    assert (
        rows.loc["completion_rate", "ci_low"]
        <= rows.loc["completion_rate", "estimate"]
        <= rows.loc["completion_rate", "ci_high"]
    )
    assert (chains["weak_ties"] <= chains["length"]).all()


def test_corrected_mean_flagged_when_it_cannot_be_estimated():
    net, ends = spider(activity=0.35)
    starts = binomial_starts(ends)
    few = search(net, starts, [0], trials=2, seed=1, max_steps=20)
    table = few.corrected_lengths(rate=0.65)
    if len(table) and np.isnan(table["corrected_mean"].iloc[0]):
        assert "cannot be estimated" in table["note"].iloc[0]
    # chains cut by max_steps: the corrected mean is never reported
    cut = search(net, starts, [0], attrition=0.0, trials=1, max_steps=5, seed=1)
    table = cut.corrected_lengths(rate=0.1)
    assert np.isnan(table["corrected_mean"]).all()
    assert "max_steps" in table["note"].iloc[0]
    # plenty of chains on the binomial spider: estimable, near the true 6
    many = search(net, starts, [0], attrition=0.3, trials=200, seed=1)
    table = many.corrected_lengths()
    assert (table["note"] == "").all()
    assert abs(table["corrected_mean"].iloc[0] - 6) < 0.15


# ---------------------------------------------------------------- bad input
def test_bad_input():
    net = path_network(3)
    with pytest.raises(nx.NodeNotFound, match="'starts'.*99"):
        search(net, [99], [3])
    with pytest.raises(nx.NodeNotFound, match="'targets'.*'x'"):
        search(net, [0], ["x"])
    with pytest.raises(ValueError, match="'targets'.*at least one.*recruiters"):
        search(net, [0])
    with pytest.raises(ValueError, match="'starts'.*at least one"):
        search(net, [], [3])
    with pytest.raises(ValueError, match="'random', 'greedy', 'strongest'"):
        search(net, [0], [3], policy="gready")
    with pytest.raises(ValueError, match="'attrition'.*range \\[0, 1\\]"):
        search(net, [0], [3], attrition=1.5)
    with pytest.raises(ValueError, match="'attrition'"):
        search(net, [0], [3], attrition="chain")
    with pytest.raises(ValueError, match="'rate' parameter of PerStep"):
        PerStep(-0.1)
    with pytest.raises(ValueError, match="'rates'"):
        PerChain(rates=[0.4, 1.2])
    with pytest.raises(ValueError, match="'weights'"):
        PerChain(rates=[0.4, 0.9], weights=[1.0])
    with pytest.raises(ValueError, match="'beta'"):
        PerChain(beta=(0, 1))
    with pytest.raises(ValueError, match="exactly one"):
        PerChain()
    with pytest.raises(ValueError, match=r"'max_steps'.*\[1, inf\)"):
        search(net, [0], [3], max_steps=0)
    with pytest.raises(ValueError, match=r"'trials'.*\[1, inf\)"):
        search(net, [0], [3], trials=0)
    with pytest.raises(ValueError, match="needs a distance"):
        search(net, [0], [3], distance=None)
    with pytest.raises(ValueError, match="does not have"):
        search(net, [0], [3], distance="community")
    with pytest.raises(ValueError, match="array of 4 distances"):
        search(net, [0], [3], distance=[1.0, 2.0])


def test_missing_distance_attribute_names_the_people():
    G = nx.path_graph(["a", "b", "c", "d"])
    for u, c in zip("abcd", [0, 0, None, 1], strict=True):
        if c is not None:
            G.nodes[u]["community"] = c
    net = referral.from_networkx(G, strength=1.0, activity=1.0)
    with pytest.raises(ValueError, match="'community' is missing.*1 people: 'c'"):
        search(net, ["a"], ["d"], distance="community")
    net = path_network(3).replace(
        attributes={"x": np.array([0.0, np.nan, 2, 3]), "y": np.zeros(4)}
    )
    with pytest.raises(ValueError, match="'x' is missing.*: 1"):
        search(net, [0], [3], distance=("x", "y"))


def test_attrition_specs_describe_themselves():
    assert PerPerson().describe() == "per person (activity)"
    net = path_network(3, activity=0.5)
    assert search(net, [0], [3], attrition=PerStep(0.2)).attrition == (
        "per step (rate 0.2)"
    )


def test_weak_first_with_graph_distance_and_progress():
    # 0 -> 1 (strong, 1 hop from the target 3) or 0 -> 2 (weak, 2 hops)
    net = referral.from_arrays(
        5,
        [0, 0, 1, 2, 4],
        [1, 2, 3, 4, 3],
        strength=[0.9, 0.1, 0.9, 0.9, 0.9],
        activity=1.0,
    )
    weak_first = search(
        net, [0], [3], policy="weak-first", trials=20, seed=1, progress=True
    )
    assert (weak_first.chain_length == 3).all()
    assert (weak_first.chain_weak_ties == 1).all()
    greedy = search(net, [0], [3], trials=20, seed=1)
    assert (greedy.chain_length == 2).all()
    assert greedy.chains()["crossed_communities"].isna().all()


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_summary_level_must_be_strictly_inside_0_1(level):
    net = referral.from_networkx(nx.path_graph(3), strength=1.0, activity=1.0)
    result = search(net, starts=[0], targets=[2], trials=5, seed=1)
    with pytest.raises(ValueError, match=r"'level' parameter of SearchResult.summary"):
        result.summary(level=level)
