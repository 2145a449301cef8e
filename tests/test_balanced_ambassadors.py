"""ambassadors(..., by=, balance=): a choice that keeps each group's reach fair.

Truth by enumeration: on networks made of small components, every coin of a
component (each person's act coin, each directed tie's carry coin) is
enumerated, so each poster set's expected reach of every group is exact
(components are independent, so reaches add up). The best balanced set of
``k`` posters is then found by trying them all.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

import referral
from referral import ambassadors, from_networkx
from referral.wording import guarantee_sentence


def exact_group_reach(net, groups_of, targets_mask):
    """Exact expected targets of each group reached, for any poster set."""
    n = net.n_people
    src, dst = net.tie_sources, net.indices
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    n_groups = int(groups_of.max()) + 1
    tables = []
    for comp in (sorted(c) for c in nx.connected_components(G)):
        local = {v: i for i, v in enumerate(comp)}
        entries = [e for e in range(len(src)) if src[e] in local]
        bits = len(comp) + len(entries)
        assert bits <= 16, bits
        worlds = np.array(list(itertools.product([0, 1], repeat=bits)), dtype=bool)
        acts, ties = worlds[:, : len(comp)], worlds[:, len(comp) :]
        pa, pt = net.activity[comp], net.transmission[entries]
        weight = np.prod(np.where(acts, pa, 1 - pa), axis=1) * np.prod(
            np.where(ties, pt, 1 - pt), axis=1
        )
        c = len(comp)
        alone = np.zeros((len(worlds), c, c), dtype=bool)  # poster -> reached
        for s in range(c):
            reached = np.zeros((len(worlds), c), dtype=bool)
            reached[:, s] = True
            frontier = reached.copy()
            while frontier.any():
                new = np.zeros_like(reached)
                for j, e in enumerate(entries):
                    u, v = local[src[e]], local[dst[e]]
                    # a poster needs no act coin; everyone else does
                    new[:, v] |= frontier[:, u] & ties[:, j] & ((u == s) | acts[:, u])
                new &= ~reached
                reached |= new
                frontier = new
            alone[:, s, :] = reached
        by_group = np.zeros((c, n_groups))
        for i, v in enumerate(comp):
            if targets_mask[v]:
                by_group[i, groups_of[v]] = 1
        table = {(): np.zeros(n_groups)}
        for size in (1, 2, 3):
            for T in itertools.combinations(range(c), size):
                reach = np.any(alone[:, list(T), :], axis=1).astype(float)
                table[tuple(comp[i] for i in T)] = weight @ (reach @ by_group)
        tables.append((set(comp), table))

    def reach(S):
        total = np.zeros(n_groups)
        for members, table in tables:
            total += table[tuple(sorted(v for v in S if v in members))]
        return total

    return reach


def feasible(r, share, balance):
    return bool(np.all(r / r.sum() >= balance * share - 1e-12))


def best_balanced(reach, n, k, share, balance):
    best, best_set = -1.0, None
    for S in itertools.combinations(range(n), k):
        r = reach(S)
        if r.sum() > 0 and feasible(r, share, balance) and r.sum() > best + 1e-12:
            best, best_set = r.sum(), S
    return best, best_set


def stars():
    """Two stars of group A (hubs 0, 4) and a smaller star of group B (8)."""
    G = nx.Graph()
    G.add_edges_from(
        [(0, i) for i in (1, 2, 3)] + [(4, i) for i in (5, 6, 7)] + [(8, 9), (8, 10)]
    )
    nx.set_node_attributes(G, {v: "A" if v < 8 else "B" for v in G}, "group")
    return from_networkx(G, strength=1.0, activity=0.6, transmission=0.5)


def mixed():
    """A star of A, a hub of A whose contacts are mostly B, and a pair of B."""
    G = nx.Graph()
    G.add_edges_from([(0, i) for i in (1, 2, 3, 4)] + [(5, 6), (5, 7), (5, 8), (9, 10)])
    group = {v: "B" if v in (7, 8, 9, 10) else "A" for v in G}
    nx.set_node_attributes(G, group, "group")
    return from_networkx(G, strength=1.0, activity=0.7, transmission=0.6)


def codes_of(net):
    values = net.attributes["group"]
    return np.array([0 if v == "A" else 1 for v in values])


@pytest.mark.parametrize(
    ("make", "k", "balance"),
    [(stars, 2, 0.5), (stars, 2, 0.8), (mixed, 2, 0.7), (mixed, 1, 0.5)],
)
def test_balanced_choice_meets_the_ratio_and_matches_enumeration(make, k, balance):
    net = make()
    n = net.n_people
    codes = codes_of(net)
    share = np.bincount(codes) / n
    reach = exact_group_reach(net, codes, np.ones(n, bool))
    everyone = list(net.labels)
    plain = ambassadors(net, k, targets=everyone, check_trials=0, seed=1)
    table = ambassadors(
        net,
        k,
        targets=everyone,
        by="group",
        balance=balance,
        check_trials=0,
        seed=1,
    )
    chosen = table["id"].tolist()
    r = reach(chosen)
    best, best_set = best_balanced(reach, n, k, share, balance)
    print(
        f"{make.__name__} k={k} b={balance}: plain {plain['id'].tolist()} "
        f"ratios {np.round(reach(plain['id'].tolist()) / reach(plain['id'].tolist()).sum() / share, 3)}, "  # noqa: E501
        f"balanced {chosen} reach {r.sum():.4f} ratios {np.round(r / r.sum() / share, 3)}, "  # noqa: E501
        f"best balanced {best_set} reach {best:.4f}"
    )
    assert best_set is not None
    assert not feasible(reach(plain["id"].tolist()), share, balance)  # not trivial
    assert feasible(r, share, balance)  # exact: the stated ratio is met
    assert bool(table["balanced"].iloc[-1])
    assert r.sum() == pytest.approx(best, rel=1e-9)  # best, here
    assert (table["balance"] == balance).all()
    assert np.isnan(table["guarantee_ratio"]).all()
    assert (table["no_guarantee_because"] == "balance").all()
    assert "balance" in guarantee_sentence(table)


def test_an_impossible_balance_is_said_not_met():
    net = stars()
    codes = codes_of(net)
    share = np.bincount(codes) / net.n_people
    reach = exact_group_reach(net, codes, np.ones(net.n_people, bool))
    assert best_balanced(reach, net.n_people, 2, share, 1.0)[1] is None
    table = ambassadors(
        net,
        2,
        targets=list(net.labels),
        by="group",
        balance=1.0,
        check_trials=0,
        seed=1,
    )
    assert not table["balanced"].iloc[-1]


def test_balanced_choice_is_reproducible_and_same_for_any_n_jobs():
    net = mixed()
    a = ambassadors(
        net,
        3,
        targets=list(net.labels),
        by="group",
        balance=0.9,
        check_trials=50,
        seed=4,
        n_jobs=1,
    )
    b = ambassadors(
        net,
        3,
        targets=list(net.labels),
        by="group",
        balance=0.9,
        check_trials=50,
        seed=4,
        n_jobs=2,
    )
    assert a.equals(b)


@pytest.mark.parametrize("bad", [0, 0.0, -0.2, 1.5, float("nan")])
def test_balance_outside_zero_one_is_refused(bad):
    net = stars()
    with pytest.raises(
        ValueError,
        match=r"'balance' parameter of ambassadors .*"
        r"range \(0, 1\]\. Got",
    ):
        ambassadors(net, 2, targets=[1], by="group", balance=bad)


def test_bad_balance_input_names_the_offender():
    net = stars()
    with pytest.raises(TypeError, match="'balance' parameter .* Got 'high'"):
        ambassadors(net, 2, targets=[1], by="group", balance="high")
    with pytest.raises(KeyError, match="no person attribute 'team'"):
        ambassadors(net, 2, targets=[1], by="team", balance=0.8)
    with pytest.raises(ValueError, match="balance=0.8 needs by="):
        ambassadors(net, 2, targets=[1], balance=0.8)
    with pytest.raises(ValueError, match="by='group' is given without balance="):
        ambassadors(net, 2, targets=[1], by="group")
    assert issubclass(referral.InvalidParameterError, ValueError)
