"""The sampled split of lost offers into "not carried" and "already reached".

Under ``record="full"`` a skipping row's split is estimated from its candidate
ties unless ``exact_losses=True``. The cascades are the same either way, so
the exact run with the same seed is the truth each sampled run is checked
against, trial by trial.
"""

import math

import networkx as nx
import numpy as np
import pytest

from referral import spread
from referral._engine.spread_kernel import HOP_COLUMNS, LOSS_COLUMNS
from referral.network import from_networkx
from referral.network._builders import from_arrays

NOT_CARRIED = LOSS_COLUMNS.index("not_carried")
ALREADY = LOSS_COLUMNS.index("already_reached")
SPLIT = [HOP_COLUMNS.index("not_carried"), HOP_COLUMNS.index("already_reached")]


def _ba(n, p, seed=1):
    graph = nx.barabasi_albert_graph(n, 5, seed=seed)
    return from_networkx(graph, strength=p, activity=1.0, recruiters=[0])


def _thinned(n=3000, seed=2):
    # uneven transmissions below 0.2 (skipping with thinning), activity < 1
    rng = np.random.default_rng(seed)
    graph = nx.barabasi_albert_graph(n, 6, seed=seed)
    src, dst = np.array(graph.edges()).T
    return from_arrays(
        n,
        src,
        dst,
        strength=rng.uniform(0.03, 0.2, len(src)),
        activity=rng.uniform(0.5, 1.0, n),
        recruiters=[0, 1],
        candidates=range(2000, n),
    )


def _short_rows(n=4000, seed=3):
    # directed, mostly 1-6 ties per person (rows of at most 4 ties with no
    # candidate are counted, longer ones estimated from one random tie)
    graph = nx.gnm_random_graph(n, 3 * n, seed=seed, directed=True)
    src, dst = np.array(graph.edges()).T
    rng = np.random.default_rng(seed)
    return from_arrays(
        n,
        src,
        dst,
        strength=rng.uniform(0.02, 0.2, len(src)),
        activity=rng.uniform(0.4, 1.0, n),
        directed=True,
        recruiters=list(range(40)),
    )


def _pair(net, **kwargs):
    sampled = spread(net, exact_losses=False, **kwargs)
    exact = spread(net, exact_losses=True, **kwargs)
    return sampled, exact


@pytest.mark.parametrize(
    "make, p, options",
    [
        (_ba, 0.05, {}),
        (_ba, 0.15, {}),
        (lambda n, p: _thinned(), None, {}),
        (lambda n, p: _short_rows(), None, {}),
        (
            lambda n, p: _short_rows(),
            None,
            {"fanout": 3, "max_hops": 6, "source_activity": 0.5},
        ),
    ],
)
def test_only_the_split_changes(make, p, options):
    net = make(3000, p)
    sampled, exact = _pair(net, trials=300, seed=5, keep_chains=20, **options)
    for name in [
        "trial_hop",
        "trial_stats",
        "person_reached",
        "person_hop_sum",
        "person_hop_sq",
        "person_credit",
        "tie_credit",
        "chain_person",
        "chain_parent",
        "chain_weak",
    ]:
        assert np.array_equal(getattr(sampled, name), getattr(exact, name)), name
    others = [k for k in range(len(HOP_COLUMNS)) if k not in SPLIT]
    assert np.array_equal(sampled.hop_sums[:, others], exact.hop_sums[:, others])
    # per trial and hop: the two columns add up to the same, neither is < 0
    both = sampled.trial_loss[:, :, [NOT_CARRIED, ALREADY]]
    assert np.array_equal(
        both.sum(axis=2), exact.trial_loss[:, :, [NOT_CARRIED, ALREADY]].sum(axis=2)
    )
    assert both.min() >= 0
    # the split was sampled (it differs; under fanout = 3 few rows are
    # sampled and they seldom have a reached contact), and the per-trial
    # records add up
    if not options:
        assert not np.array_equal(both, exact.trial_loss[:, :, [NOT_CARRIED, ALREADY]])
    for result in (sampled, exact):
        for k, name in enumerate(LOSS_COLUMNS):
            column = HOP_COLUMNS.index(name)
            assert np.array_equal(
                result.trial_loss[:, :, k].sum(axis=0), result.hop_sums[:, column]
            )


def test_same_seed_same_split_for_any_n_jobs():
    net = _ba(3000, 0.05)
    one = spread(net, trials=200, seed=9, n_jobs=1)
    two = spread(net, trials=200, seed=9, n_jobs=2)
    assert np.array_equal(one.trial_loss, two.trial_loss)
    assert np.array_equal(one.hop_sums, two.hop_sums)
    assert one.by_hop().equals(two.by_hop())


@pytest.mark.parametrize(
    "make", [lambda: _ba(5000, 0.05), lambda: _ba(5000, 0.15), _short_rows]
)
def test_sampled_split_agrees_with_the_exact_count(make):
    # paired by trial: the estimate's error has mean 0 (within 4 SE), at every
    # hop with data; p = 0.15 reaches most of the network, so late hops are
    # saturated (most contacts already reached); short rows are counted or
    # estimated from one random tie
    net = make()
    sampled, exact = _pair(net, trials=400, seed=3, keep_chains=0)
    diff = (sampled.trial_loss[:, :, ALREADY] - exact.trial_loss[:, :, ALREADY]).astype(
        float
    )
    total = diff.sum(axis=1)
    se = total.std(ddof=1) / math.sqrt(len(total))
    assert se > 0 and abs(total.mean()) < 4 * se
    for hop in range(diff.shape[1]):
        column = diff[:, hop]
        se = column.std(ddof=1) / math.sqrt(len(column))
        if se > 0:
            assert abs(column.mean()) < 4.5 * se, hop
    share = exact.hop_sums[:, SPLIT[1]].sum() / exact.hop_sums[:, SPLIT].sum()
    assert 0.0 < share < 1.0


@pytest.mark.stat
def test_split_standard_errors_cover_the_closed_form():
    # A 12-ary tree of depth 3, the root posts, everyone acts, every tie
    # carries with w = 0.15 (a skipping row). A holder at hop 1 or 2 has 13
    # ties, one of them to its parent: already reached = people held, whose
    # mean is (12 w) ** h; not carried = 12 (1 - w) per holder.
    b, w, trials, runs = 12, 0.15, 300, 400
    net = from_networkx(
        nx.balanced_tree(b, 3), strength=w, activity=1.0, recruiters=[0]
    )
    z = 1.959963984540054
    covered = {("already", 1): 0, ("already", 2): 0, ("not_carried", 1): 0}
    naive = 0
    for seed in range(runs):
        result = spread(net, trials=trials, seed=seed, keep_chains=0)
        table = result.by_hop()
        for (what, hop), _ in list(covered.items()):
            held = (b * w) ** hop
            truth = held if what == "already" else held * b * (1 - w)
            column = "already_reached" if what == "already" else "not_carried"
            mean = table.loc[hop, f"lost_{column}_mean"]
            se = table.loc[hop, f"lost_{column}_se"]
            covered[(what, hop)] += abs(mean - truth) <= z * se
        # the standard error of the exact counts misses the sampling noise
        held = result.trial_hop[:, 1].astype(float)
        mean = table.loc[1, "lost_already_reached_mean"]
        naive += abs(mean - b * w) <= z * held.std(ddof=1) / math.sqrt(trials)
    for key, count in covered.items():
        assert 0.92 * runs <= count <= 0.98 * runs, (key, count)
    assert naive < 0.75 * runs


def test_reach_mode_has_no_split():
    net = _ba(2000, 0.05)
    result = spread(net, trials=20, seed=1, record="reach")
    assert result.trial_loss.shape[0] == 0
    assert result.by_hop()["lost_already_reached_se"].isna().all()


def test_exact_losses_must_be_a_boolean():
    net = _ba(200, 0.05)
    with pytest.raises(TypeError, match="exact_losses"):
        spread(net, trials=5, exact_losses="yes")
