"""ambassadors and reach_of_everyone with a deadline (time-critical IMM),
against exact enumeration of delay-sampled worlds on tiny networks."""

import heapq
import itertools
import math
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral import delays
from referral.network import from_networkx
from referral.simulate._spread import spread
from referral.whom_to_ask._ambassadors import ambassadors, reach_of_everyone


# ------------------------------------------------------------ exact enumeration
def exact_timed(net, groups, values, deadline, timed=None):
    """Expected targets reached by the deadline by each group of posters,
    summed over every world: act coins, carry coins and one delay per person
    (equally likely among ``values``). Timing as in ``spread``: a poster
    passes the opening on after their own delay, every person told who acts
    after theirs; a person is reached when the first message arrives, if no
    later than the deadline (posters are reached at time 0). ``timed``: the
    people whose delays can matter (default: everyone with a contact); the
    others keep ``values[0]``."""
    n = net.n_people
    indptr, indices = net.indptr, net.indices
    w, act = net.transmission, net.activity
    target = np.zeros(n, dtype=bool)
    target[net.candidates] = True
    people = [i for i in range(n) if 0.0 < act[i] < 1.0]
    entries = [e for e in range(len(indices)) if 0.0 < w[e] < 1.0]
    if timed is None:
        timed = [i for i in range(n) if indptr[i + 1] > indptr[i]]
    totals = np.zeros(len(groups))
    p_delay = (1.0 / len(values)) ** len(timed)
    for bits in itertools.product((0, 1), repeat=len(people) + len(entries)):
        acts = act >= 1.0
        live = w >= 1.0
        p = 1.0
        for i, bit in zip(people, bits[: len(people)], strict=True):
            acts[i] = bool(bit)
            p *= act[i] if bit else 1.0 - act[i]
        for e, bit in zip(entries, bits[len(people) :], strict=True):
            live[e] = bool(bit)
            p *= w[e] if bit else 1.0 - w[e]
        if p == 0.0:
            continue
        for choice in itertools.product(values, repeat=len(timed)):
            d = np.full(n, values[0])
            d[timed] = choice
            reached_by = {}
            for s in sorted(set().union(*groups)):
                time = {s: 0.0}
                heap = [(d[s], s)]  # (send time, sender)
                while heap:
                    t, u = heapq.heappop(heap)
                    if t > deadline:
                        break
                    for e in range(indptr[u], indptr[u + 1]):
                        v = int(indices[e])
                        if live[e] and v not in time:
                            time[v] = t
                            if acts[v]:
                                heapq.heappush(heap, (t + d[v], v))
                reached_by[s] = set(time)
            for g, group in enumerate(groups):
                union = set().union(*(reached_by[s] for s in group))
                totals[g] += p * p_delay * sum(target[v] for v in union)
    return totals


@pytest.fixture(scope="module")
def slow_hub():
    # 0 is the hub, but slow to get anywhere: its targets 2 and 4 are two
    # people away; 5 and 6 are next to target 6 / each other
    G = nx.Graph([(0, 1), (1, 2), (1, 3), (3, 4), (5, 6), (0, 5)])
    strength = {(0, 1): 1.0, (1, 2): 1.0, (1, 3): 1.0, (3, 4): 0.7}
    strength.update({(5, 6): 0.8, (0, 5): 1.0})
    nx.set_edge_attributes(G, strength, "strength")
    activity = {0: 1.0, 1: 0.6, 2: 1.0, 3: 0.7, 4: 1.0, 5: 1.0, 6: 1.0}
    return from_networkx(
        G, strength="strength", activity=activity, candidates=[2, 4, 6]
    )


@pytest.fixture(scope="module")
def sparse_square():
    # every row's largest transmission is <= 0.2: ties drawn by geometric
    # skips (the other branch of the one tie sampler)
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    strength = {(0, 1): 0.2, (1, 2): 0.15, (2, 0): 0.1, (2, 3): 0.2}
    nx.set_edge_attributes(G, strength, "strength")
    return from_networkx(G, strength="strength", activity=1.0, candidates=[0, 3])


TWO_VALUES = delays.empirical([1.0, 3.0])
_CACHE = {}


def exact_table(name, net, values, deadline):
    key = (name, tuple(values), deadline)
    if key not in _CACHE:
        groups = [
            g for r in (1, 2) for g in itertools.combinations(range(net.n_people), r)
        ]
        _CACHE[key] = dict(
            zip(groups, exact_timed(net, groups, values, deadline), strict=True)
        )
    return _CACHE[key]


def test_exact_enumeration_sanity(sparse_square, slow_hub):
    # no deadline: the delays do not matter; a short one cuts reach down
    far = exact_table("sparse_square", sparse_square, (1.0, 3.0), 1e9)
    same = exact_table("sparse_square", sparse_square, (1.0,), 1e9)
    for group, value in far.items():
        assert value == pytest.approx(same[group])
    near = exact_table("sparse_square", sparse_square, (1.0, 3.0), 3.0)
    assert all(near[g] <= far[g] + 1e-12 for g in far)
    assert near[(0,)] < far[(0,)] - 0.01
    soon = exact_table("slow_hub", slow_hub, (1.0, 3.0), 3.0)
    late = exact_table("slow_hub", slow_hub, (1.0,), 1e9)
    assert soon[(0,)] < late[(0,)] - 1.0


@pytest.mark.parametrize(
    ("name", "values", "deadline"),
    [
        ("slow_hub", (1.0, 3.0), 3.0),
        ("slow_hub", (1.0,), 2.0),
        ("sparse_square", (1.0, 3.0), 3.0),
        ("sparse_square", (1.0,), 1.0),
    ],
)
def test_reach_of_everyone_within_4_se_of_exact(name, values, deadline, request):
    net = request.getfixturevalue(name)
    exact = exact_table(name, net, values, deadline)
    delay = delays.empirical(list(values)) if len(values) > 1 else values[0]
    table = reach_of_everyone(
        net, samples=20_000, seed=4, delay=delay, deadline=deadline
    )
    for row in table.itertuples():
        value = exact[(row.id,)]
        if row.reach_se == 0:
            assert row.reach_estimate == pytest.approx(value, abs=1e-12)
        else:
            assert abs(row.reach_estimate - value) < 4 * row.reach_se, (row, value)


@pytest.mark.parametrize(
    ("name", "values", "deadline"),
    [("slow_hub", (1.0, 3.0), 3.0), ("sparse_square", (1.0, 3.0), 3.0)],
)
def test_chosen_pair_meets_the_promise(name, values, deadline, request):
    net = request.getfixturevalue(name)
    exact = exact_table(name, net, values, deadline)
    pairs = {g: v for g, v in exact.items() if len(g) == 2}
    best = max(pairs.values())
    table = ambassadors(
        net,
        2,
        epsilon=0.1,
        seed=2,
        check_trials=2000,
        ask_recruiters=True,
        delay=delays.empirical(list(values)),
        deadline=deadline,
    )
    chosen = tuple(sorted(table["id"]))
    value = pairs[chosen]
    ratio = table["guarantee_ratio"].iloc[-1]
    assert ratio == pytest.approx(1 - 1 / math.e - 0.1)
    assert value >= ratio * best - 1e-9
    assert table["deadline"].eq(deadline).all()
    # the fresh-sample estimate and the forward check (spread with the same
    # delay and deadline) agree with the exact value
    last = table.iloc[-1]
    assert abs(last["reach_estimate"] - value) <= 4 * last["reach_se"] + 1e-9
    assert (
        abs(last["spread_reach_estimate"] - value) <= 4 * last["spread_reach_se"] + 1e-9
    )


def test_deadline_changes_the_choice():
    # A (0) reaches 4 targets through a relay (1); B (6) and C (10) reach 3
    # targets each directly. Without a deadline A and one of B, C is best
    # (7 targets against 6); by day 2 (delays 1 or 3 days, even odds) A
    # reaches them only if both A and the relay take 1 day (1 target
    # expected), B and C with odds 1/2 (1.5 each): B and C are best (3
    # against 2.5)
    ties = [(0, 1)] + [(1, t) for t in (2, 3, 4, 5)]
    ties += [(6, t) for t in (7, 8, 9)] + [(10, t) for t in (11, 12, 13)]
    net = from_networkx(
        nx.Graph(ties),
        strength=1.0,
        activity=1.0,
        candidates=[2, 3, 4, 5, 7, 8, 9, 11, 12, 13],
    )
    pairs = [(0, 6), (0, 10), (6, 10)]
    soon = exact_timed(net, pairs, (1.0, 3.0), 2.0, timed=[0, 1, 6, 10])
    late = exact_timed(net, pairs, (1.0, 3.0), 1e9, timed=[0, 1, 6, 10])
    np.testing.assert_allclose(soon, [2.5, 2.5, 3.0])
    np.testing.assert_allclose(late, [7.0, 7.0, 6.0])
    kw = {"epsilon": 0.1, "seed": 5, "check_trials": 400}
    kw["exclude"] = [1, *net.candidates]
    plain = ambassadors(net, 2, **kw)
    timed = ambassadors(net, 2, delay=TWO_VALUES, deadline=2, **kw)
    assert 0 in set(plain["id"])
    assert set(timed["id"]) == {6, 10}
    last = timed.iloc[-1]
    assert abs(last["reach_estimate"] - 3.0) <= 4 * last["reach_se"]
    assert abs(last["spread_reach_estimate"] - 3.0) <= 4 * last["spread_reach_se"]
    # the highest-degree pair is B and C too
    assert set(timed["degree_person"]) == {6, 10}
    assert (
        abs(last["degree_spread_reach_estimate"] - 3.0)
        <= 4 * last["degree_spread_reach_se"]
    )


def test_constant_delays_count_hops_on_a_path():
    # poster i reaches target 5 after (5 - i) passes of one day each: the
    # poster's own delay counts, as in spread
    net = from_networkx(nx.path_graph(6), strength=1.0, activity=1.0, candidates=[5])
    for deadline, reach in [(1, [0, 0, 0, 0, 1, 1]), (4.9, [0, 1, 1, 1, 1, 1])]:
        table = reach_of_everyone(
            net, samples=50, seed=1, delay=delays.constant(1), deadline=deadline
        )
        assert table["reach_estimate"].tolist() == reach
        for poster in range(6):
            forward = spread(
                net, [poster], trials=5, seed=1, delay=1, deadline=deadline
            )
            got = forward.trials()["candidates_reached"].to_numpy()
            assert (got == reach[poster]).all()


def test_large_deadline_is_no_deadline(slow_hub, sparse_square):
    for net in (slow_hub, sparse_square):
        plain = reach_of_everyone(net, samples=3000, seed=9)
        timed = reach_of_everyone(
            net, samples=3000, seed=9, delay=TWO_VALUES, deadline=1e9
        )
        pd.testing.assert_frame_equal(plain, timed)
        kw = {"seed": 3, "check_trials": 200, "ask_recruiters": True}
        plain = ambassadors(net, 2, **kw)
        timed = ambassadors(
            net, 2, delay=delays.lognormal(1, 1), deadline=1e9, n_jobs=2, **kw
        )
        assert timed["deadline"].eq(1e9).all()
        pd.testing.assert_frame_equal(plain, timed.drop(columns="deadline"))


def test_same_seed_same_table_for_any_n_jobs(slow_hub):
    kw = {"seed": 7, "check_trials": 100, "delay": TWO_VALUES, "deadline": "3 days"}
    one = ambassadors(slow_hub, 2, n_jobs=1, **kw)
    two = ambassadors(slow_hub, 2, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two)
    assert one["deadline"].eq(3.0).all()


def test_bad_deadline_input(slow_hub):
    with pytest.raises(ValueError, match=r"'deadline' parameter of ambassadors"):
        ambassadors(slow_hub, 1, delay=1, deadline=0)
    with pytest.raises(ValueError, match=r"'deadline'.*-2"):
        reach_of_everyone(slow_hub, delay=1, deadline=-2)
    with pytest.raises(ValueError, match=r"needs a 'delay'.*deadline=3\.0"):
        ambassadors(slow_hub, 1, deadline=3)
    with pytest.raises(ValueError, match=r"'delay' parameter of ambassadors.*tie"):
        ambassadors(slow_hub, 1, delay=delays.constant(1, per="tie"), deadline=3)
    with pytest.raises(ValueError, match=r"'per_world'.*per_world=4"):
        reach_of_everyone(slow_hub, per_world=4, delay=1, deadline=3)
    with pytest.raises(TypeError, match=r"'delay' parameter of reach_of_everyone"):
        reach_of_everyone(slow_hub, delay=[1, 2], deadline=3)


def test_sentences_say_the_deadline(slow_hub):
    from referral.wording import guarantee_sentence, who_to_ask_sentences

    kw = {"seed": 7, "check_trials": 200, "ask_recruiters": True}
    table = ambassadors(slow_hub, 2, delay=TWO_VALUES, deadline=3, **kw)
    lines = who_to_ask_sentences(table)
    last = table.iloc[-1]
    ask = re.match(
        r"Ask .*: expected to reach ([0-9.]+) of 3 targets by the 3-day deadline",
        lines[0],
    )
    assert ask, lines[0]
    assert abs(float(ask.group(1)) - last["reach_estimate"]) < 0.05
    degree = [line for line in lines if "highest-degree" in line]
    assert len(degree) == 1
    got = re.search(r"reach ([0-9.]+) by the 3-day deadline", degree[0])
    assert got, degree[0]
    assert abs(float(got.group(1)) - last["degree_reach_estimate"]) < 0.05
    forward = [line for line in lines if line.startswith("A forward simulation")]
    assert len(forward) == 1
    got = re.search(r"gives ([0-9.]+) targets by the 3-day deadline", forward[0])
    assert got, forward[0]
    assert abs(float(got.group(1)) - last["spread_reach_estimate"]) < 0.05
    sentence = guarantee_sentence(table)
    assert lines[-1] == sentence
    assert re.search(
        r"reach at least half as many targets by the 3-day deadline as the best "
        r"possible 2 people would by then",
        sentence,
    ), sentence
    assert last["guarantee_ratio"] == pytest.approx(1 - 1 / math.e - 0.1)
    # without a deadline the words are unchanged
    plain = who_to_ask_sentences(ambassadors(slow_hub, 2, **kw))
    assert not any("deadline" in line for line in plain)
