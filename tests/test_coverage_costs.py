"""Coverage of the cost intervals: drop-off cost and gatekeeper differences.

The same standard as ``tests/test_coverage.py`` (whose helpers this file
uses): on a small network whose truth is known in closed form, ``R`` runs
with seeds ``0 .. R - 1``, and the number of runs whose interval covers the
truth must lie in the central 99% of Binomial(R, coverage) (:func:`band`;
for 95%, 93.1% to 96.7% with ``R = 1000`` and 92.0% to 97.5% with
``R = 400``).

* :func:`referral.analysis._dropoff.dropoff`: the per-hop ``cost`` interval and the
  cumulative ``cost_cumulative`` one, on the binary tree of depth 3
  (``R = 1000``).
* :func:`referral.analysis._gatekeepers.gatekeepers`: the ``diff_from_leader``
  interval, on three brokers with different degrees and activities
  (``R = 400``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import binom
from test_coverage import R_FAST, R, band, check, covers, tree

from referral._core.stats import Z95
from referral.analysis import dropoff, gatekeepers
from referral.network import from_networkx
from referral.simulate._spread import spread


# -------------------------------------------------------------- drop-off cost
def tree_cost(a: float, w: float = 0.8) -> np.ndarray:
    """Expected per-hop cost of inaction on ``tree(a, w)``, hops 0 to 3.

    In the binary tree of depth 3 every person has one path from the
    recruiter 0. A person at hop ``h >= 1`` holds the opening when the ``h``
    ties of that path carry (``w`` each, independently) and the ``h - 1``
    people strictly between 0 and them act (``a`` each); the recruiter acts
    (``source_activity`` 1). Hop ``h`` has ``2^h`` people, so the people
    holding it at hop ``h`` are a sum of ``2^h`` Bernoulli(``w^h a^(h-1)``)
    and ``E[held_h] = (2w)^h a^(h-1)``. With everyone acting (the paired
    counterfactual of :func:`dropoff`), ``E[everyone_h] = (2w)^h``.

    ``cost`` at hop ``h`` is the mean over trials of the paired difference
    ``everyone_h - held_h``: a mean of differences, not a ratio, so its
    truth is the difference of the expectations,
    ``cost_h = (2w)^h (1 - a^(h-1))``: 0 at hops 0 and 1 (the recruiter
    always acts), ``4 w^2 (1 - a)`` at hop 2 and ``8 w^3 (1 - a^2)`` at hop
    3. ``cost_cumulative`` at hop ``h`` is the sum over hops ``<= h``.
    """
    cost = np.zeros(4)
    for h in (2, 3):
        cost[h] = (2 * w) ** h * (1 - a ** (h - 1))
    return cost


def test_tree_cost_against_a_long_run():
    # the closed form itself, against 100,000 paired trials
    a = 0.6
    table = dropoff(spread(tree(a), trials=100_000, seed=2))
    truth = tree_cost(a)
    assert len(table) == 4
    for name, values in [("cost", truth), ("cost_cumulative", np.cumsum(truth))]:
        error = np.abs(table[name].to_numpy() - values)
        assert (error <= 4 * table[f"{name}_se"].to_numpy()).all(), name


@pytest.mark.stat
def test_dropoff_cost_coverage():
    # a = 0.6, w = 0.8: cost 1.024 at hop 2, 2.62144 at hop 3, 3.64544 in all
    a, t = 0.6, 100
    net = tree(a)
    truth = tree_cost(a)
    total = np.cumsum(truth)
    hits = {"cost hop 2": [], "cost hop 3": [], "cost_cumulative hop 3": []}
    for rep in range(R_FAST):
        table = dropoff(spread(net, trials=t, seed=rep))
        assert table["hop"].tolist() == [0, 1, 2, 3]
        # hops 0 and 1 lose no one in any trial: a point interval at 0
        assert (table.loc[:1, ["cost", "cost_se", "cost_ci_low"]] == 0).all().all()
        assert (table.loc[:1, "cost_ci_high"] == 0).all()
        for hop in (2, 3):
            row = table.iloc[hop]
            hits[f"cost hop {hop}"].append(
                covers(row["cost_ci_low"], row["cost_ci_high"], truth[hop])
            )
        row = table.iloc[3]
        hits["cost_cumulative hop 3"].append(
            covers(
                row["cost_cumulative_ci_low"], row["cost_cumulative_ci_high"], total[3]
            )
        )
    for name, values in hits.items():
        check(values, name=name)


# ------------------------------------------------- gatekeeper difference
#: broker -> (candidate leaves, activity); every tie carries with W
BROKERS = {"B1": (6, 0.9), "B2": (4, 0.6), "B3": (3, 0.5)}
W = 0.8


def three_brokers():
    """Recruiter S tied to brokers B1, B2, B3; broker ``b`` is tied to its
    own ``k_b`` candidate leaves and to no one else."""
    G = nx.Graph()
    activity = {"S": 1.0}
    candidates = []
    for broker, (k, a) in BROKERS.items():
        G.add_edge("S", broker)
        activity[broker] = a
        for i in range(k):
            leaf = f"{broker}.{i}"
            G.add_edge(broker, leaf)
            activity[leaf] = 0.5  # a leaf has no one left to tell
            candidates.append(leaf)
    return from_networkx(
        G,
        strength=1.0,
        transmission=W,
        activity=activity,
        recruiters=["S"],
        candidates=candidates,
    )


def broker_loss(broker: str) -> float:
    """Expected counterfactual loss of ``broker`` on :func:`three_brokers`.

    The loss is the mean over trials of the candidates reached minus the
    candidates reached with the broker's activity set to 0, with the same
    seed. Broker ``b``'s leaves are reached only through ``b``, and every
    other draw is shared, so in each trial the loss is exactly the number
    of ``b``'s leaves reached: ``b`` is reached (``W``), acts (``a_b``),
    then each of its ``k_b`` leaves independently (``W``). Its expectation
    is ``W^2 a_b k_b``: 3.456 for B1, 1.536 for B2 and 0.96 for B3.
    """
    k, a = BROKERS[broker]
    return W * W * a * k


@pytest.mark.stat
def test_gatekeeper_diff_from_leader_coverage():
    """``diff_from_leader`` of B2 and B3 covers ``loss(B1) - loss(b)``.

    What the interval claims. ``diff_from_leader`` is the paired mean of
    ``loss(leader) - loss(b)`` over the trials, and its interval is
    ``diff -+ c diff_se`` with the critical value of the top-group test,
    ``c = Phi^-1(1 - alpha / (m - 1))`` without racing (``m`` people
    compared). That is a one-sided bound at ``alpha / (m - 1)`` each side,
    so each person's two-sided interval covers the true difference with
    probability ``1 - 2 alpha / (m - 1)`` (normal approximation), and the
    lower bounds hold jointly with probability at least ``1 - alpha``
    (Bonferroni; what "out of the top group" needs). With the three
    brokers on the shortlist (``m = 3``; a leaf carries no chain, so it has
    no chain credit) and ``alpha = 0.05``, ``c = Z95``: each interval is a
    95% interval, and both lower bounds hold in at least 95% of runs.

    The leader is chosen from the data; the truth is defined for the fixed
    pairs (B1, B2) and (B1, B3). B1's expected loss exceeds B2's by 1.92,
    about 4.2 standard errors of the paired difference at 40 trials, so B1
    leads in every run (asserted below) and the interval is always the one
    of these pairs. The three branches share no draw, so the per-trial
    difference is a difference of independent counts.
    """
    net = three_brokers()
    t, alpha = 40, 0.05
    hits = {"B2": [], "B3": []}
    both_low = []
    for rep in range(R):
        table = gatekeepers(
            net, top=3, shortlist=3, trials=t, level=1 - alpha, seed=rep
        ).set_index("person")
        assert list(table.index) in (["B1", "B2", "B3"], ["B1", "B3", "B2"])
        assert (table["compared"] == 3).all()
        ok = True
        for broker in hits:
            row = table.loc[broker]
            truth = broker_loss("B1") - broker_loss(broker)
            # the critical value of m = 3 and alpha = 0.05 is Z95
            assert row["diff_ci_high"] - row["diff_from_leader"] == pytest.approx(
                Z95 * row["diff_se"]
            )
            hits[broker].append(covers(row["diff_ci_low"], row["diff_ci_high"], truth))
            ok &= bool(row["diff_ci_low"] <= truth)
        both_low.append(ok)
    for broker, values in hits.items():
        check(values, name=f"diff_from_leader B1 - {broker}")
    # jointly, the lower bounds: at least 1 - alpha (one-sided check)
    count = int(np.sum(both_low))
    print(f"both lower bounds: {count}/{R}")
    assert count >= band(R, 1 - alpha)[0]


def paired_bernoulli_coverage(n: int, p: float) -> float:
    """Exact coverage of the paired-mean interval on Bernoulli(p) differences.

    ``mean -/+ Z95 sd / sqrt(n)`` with the sample sd (``ddof=1``), i.e.
    ``p_hat -/+ Z95 sqrt(p_hat (1 - p_hat) / (n - 1))``, summed over the
    binomial count.
    """
    k = np.arange(n + 1)
    ph = k / n
    se = np.sqrt(ph * (1 - ph) / (n - 1))
    inside = (ph - Z95 * se <= p) & (p <= ph + Z95 * se)
    return float(binom.pmf(k, n, p)[inside].sum())


@pytest.mark.stat
def test_gatekeeper_diff_from_leader_coverage_on_a_path():
    """On a path the losses are nested, and only the pairing gets the se right.

    Path 0 - 1 - 2 - 3 - 4, recruiter 0 (acts), everyone else acts with
    ``a``, ties carry with ``w``, candidates 2, 3 and 4. Person ``j`` is
    reached when the ``j`` ties carry and 1 .. ``j - 1`` act: an indicator
    ``I_j`` with ``P(I_j) = w^j a^(j-1)``. Turning person ``i`` off (same
    draws) loses exactly the candidates beyond ``i`` that were reached, so
    per trial ``loss_1 = I_2 + I_3 + I_4``, ``loss_2 = I_3 + I_4`` and
    ``loss_3 = I_4`` (person 4 has no chain credit, so the shortlist of 3
    is 1, 2, 3; ``m = 3`` and ``alpha = 0.05`` give ``c = Z95``).
    ``loss_1 >= loss_2 >= loss_3`` in every trial, so person 1 leads in
    every run.

    The paired differences are ``loss_1 - loss_2 = I_2``, Bernoulli(``w^2
    a``), whose interval's exact coverage is a finite binomial sum
    (:func:`paired_bernoulli_coverage`: 95.3% at ``n = 40``,
    ``w^2 a = 0.648``), and ``loss_1 - loss_3 = I_2 + I_3``, mean ``w^2 a +
    w^3 a^2``. The two losses are strongly correlated, so an unpaired
    standard error would cover far more than 95%.
    """
    w, a, t = 0.9, 0.8, 40
    net = from_networkx(
        nx.path_graph(5),
        strength=1.0,
        transmission=w,
        activity=a,
        recruiters=[0],
        candidates=[2, 3, 4],
    )
    truth = {2: w**2 * a, 3: w**2 * a + w**3 * a**2}
    exact = paired_bernoulli_coverage(t, truth[2])
    assert 0.93 <= exact <= 0.97
    hits = {2: [], 3: []}
    for rep in range(R):
        table = gatekeepers(net, top=3, shortlist=3, trials=t, seed=rep)
        assert table["person"].tolist()[0] == 1
        assert sorted(table["person"]) == [1, 2, 3]
        table = table.set_index("person")
        for person, value in truth.items():
            row = table.loc[person]
            hits[person].append(covers(row["diff_ci_low"], row["diff_ci_high"], value))
    check(hits[2], exact, "diff_from_leader 1 - 2 (path)")
    check(hits[3], name="diff_from_leader 1 - 3 (path)")
