"""Coverage of every interval the library reports, by replication.

Each test runs the library ``R`` times with different seeds on a small
network whose truth is known in closed form (a binary tree, a path, a star,
a cut-vertex broker, a complete graph, three parallel routes), and counts how
often the reported 95% interval covers the truth.

How strict. The number of covering replications is Binomial(R, c) when the
interval's true coverage is ``c``. We accept the counts inside the central
99% of that binomial (:func:`band`): for ``c = 0.95`` this is 93.1% to
96.7% with ``R = 1000`` replications (where one is cheap), 92.0% to 97.5%
with ``R = 400`` (SE 1.1 points) and 91.7% to 98.0% with ``R = 300`` (the
slowest checks, to keep the file fast), i.e. about the brief's "93-97%"
with a false alarm probability of 1% per check (the seeds are fixed, so a
test either always passes or always fails). For proportions, ``c`` is the
interval's *exact* coverage at the true ``p`` and the number of trials (a
finite sum over the binomial, also checked to lie in 93-97%), so the check
is as tight as the replications allow. The median interval of discrete chain lengths is
conservative by construction (ties), so only its lower bound is checked
there; its exact coverage on continuous data is checked separately.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import binom

from referral._core.stats import Z95, median_interval, wilson_interval
from referral.analysis import compare, gatekeepers, other_people_cost, weak_tie_share
from referral.interventions import referral_bonus
from referral.network import from_networkx
from referral.simulate._search import search
from referral.simulate._spread import spread

R = 400  # replications per check (R_FAST where one is cheap, R_SLOW where not)
R_FAST = 1000
R_SLOW = 300


def band(r: int, coverage: float = 0.95, tail: float = 0.01) -> tuple[int, int]:
    """Counts of covering replications accepted for true ``coverage``."""
    return (
        int(binom.ppf(tail / 2, r, coverage)),
        int(binom.isf(tail / 2, r, coverage)),
    )


def check(hits, coverage=0.95, name=""):
    hits = np.asarray(hits, dtype=bool)
    lo, hi = band(len(hits), coverage)
    count = int(hits.sum())
    print(f"coverage {name}: {count}/{len(hits)} = {100 * count / len(hits):.1f}%")
    assert lo <= count <= hi, (
        f"{name}: covered {count} of {len(hits)} ({100 * count / len(hits):.1f}%), "
        f"accepted {lo}..{hi} for true coverage {100 * coverage:.1f}%"
    )
    return count / len(hits)


def covers(low, high, truth):
    return bool(low <= truth <= high)


def wald_coverage(n: int, p: float) -> float:
    """Exact coverage of ``p_hat -/+ Z95 sqrt(p_hat (1 - p_hat) / n)``."""
    k = np.arange(n + 1)
    ph = k / n
    se = np.sqrt(ph * (1 - ph) / n)
    inside = (ph - Z95 * se <= p) & (p <= ph + Z95 * se)
    return float(binom.pmf(k, n, p)[inside].sum())


def wilson_coverage(n: int, p: float) -> float:
    k = np.arange(n + 1)
    low, high = wilson_interval(k / n, n)
    inside = (low <= p) & (p <= high)
    return float(binom.pmf(k, n, p)[inside].sum())


# ------------------------------------------------------------------ closed forms
def tree(activity, transmission=0.8):
    """Binary tree of depth 3 from the recruiter 0; the 8 leaves are candidates."""
    return from_networkx(
        nx.balanced_tree(2, 3),
        strength=1.0,
        transmission=transmission,
        activity=activity,
        recruiters=[0],
        candidates=range(7, 15),
    )


def tree_truth(a, w=0.8):
    """Expected people, candidates, candidate share and depth on ``tree``.

    The source acts; a person at hop h >= 1 acts with probability a, so hop h
    holds 2^h w^h a^(h-1) people on average. A reached non-source person has
    a descendant d levels down with probability g(d) = a (1 - (1 - w g(d-1))^2),
    g(0) = 1, and P(depth >= h) = 1 - (1 - w g(h-1))^2.
    """
    held = [2**h * w**h * a ** (h - 1) for h in (1, 2, 3)]
    g = [1.0]
    for _ in range(3):
        g.append(a * (1 - (1 - w * g[-1]) ** 2))
    depth = sum(1 - (1 - w * g[h - 1]) ** 2 for h in (1, 2, 3))
    return {
        "people_reached": 1 + sum(held),
        "candidates_reached": held[2],
        "candidate_share_reached": held[2] / 8,
        "depth": depth,
    }


def test_tree_truth_against_a_long_run():
    # the closed forms themselves, against 200,000 trials
    a = 0.6
    s = spread(tree(a), trials=200_000, seed=1).summary().set_index("measure")
    for measure, value in tree_truth(a).items():
        assert abs(s.loc[measure, "estimate"] - value) < 4 * s.loc[measure, "se"], (
            measure
        )


# ------------------------------------------------------------------- spread
def test_spread_summary_coverage():
    a, t = 0.6, 100
    truth = tree_truth(a)
    net = tree(a)
    hits = {m: [] for m in truth}
    for rep in range(R):
        s = spread(net, trials=t, seed=rep).summary().set_index("measure")
        for m, value in truth.items():
            hits[m].append(covers(s.loc[m, "ci_low"], s.loc[m, "ci_high"], value))
    for m in truth:
        check(hits[m], name=m)


def test_spread_reach_se_coverage():
    # path 0-1-2, the source acts: P(person 2 reached) = w a w
    a, w, t = 0.6, 0.8, 100
    net = from_networkx(
        nx.path_graph(3), strength=1.0, transmission=w, activity=a, recruiters=[0]
    )
    p = w * a * w
    exact = wald_coverage(t, p)
    assert 0.93 <= exact <= 0.97
    hits = []
    for rep in range(R_FAST):
        row = spread(net, trials=t, seed=rep).people().iloc[2]
        est, se = row["reach_probability"], row["reach_se"]
        hits.append(covers(est - Z95 * se, est + Z95 * se, p))
    check(hits, exact, "reach_probability")


# -------------------------------------------------------------------- search
def test_search_summary_coverage():
    # complete graph K8, random policy, per-person attrition: the chain is
    # completed at step k with probability a^k / 7 (k = 1..7, the target's
    # position in a random order), never a dead end
    a, n = 0.8, 80
    net = from_networkx(nx.complete_graph(8), strength=1.0, activity=a)
    k = np.arange(1, 8)
    weights = a**k / 7
    completion = weights.sum()
    mean_length = float((k * weights).sum() / completion)
    cdf = np.cumsum(weights) / completion
    median_length = float(k[np.searchsorted(cdf, 0.5)])
    assert cdf[1] < 0.5 < cdf[2]  # the median (3) is unique
    exact = wilson_coverage(n, completion)
    assert 0.93 <= exact <= 0.97
    hits = {
        "completion_rate": [],
        "dropped_rate": [],
        "attrition_rate": [],
        "mean_length": [],
        "median_length": [],
    }
    truth = {
        "completion_rate": completion,
        "dropped_rate": 1 - completion,
        "attrition_rate": 1 - a,
        "mean_length": mean_length,
        "median_length": median_length,
    }
    for rep in range(R):
        s = (
            search(net, starts=[0], targets=[7], policy="random", trials=n, seed=rep)
            .summary()
            .set_index("measure")
        )
        for m in hits:
            hits[m].append(covers(s.loc[m, "ci_low"], s.loc[m, "ci_high"], truth[m]))
    check(hits["completion_rate"], exact, "completion_rate")
    check(hits["dropped_rate"], exact, "dropped_rate")  # the same Wilson counts
    check(hits["attrition_rate"], name="attrition_rate")
    check(hits["mean_length"], name="mean_length")
    # integer lengths: the order-statistic interval is conservative
    lo, _ = band(R)
    print(f"coverage median_length: {sum(hits['median_length'])}/{R}")
    assert sum(hits["median_length"]) >= lo


def test_median_interval_coverage_on_continuous_data():
    # exponential samples of 20: [x(6), x(15)] covers the median with
    # probability P(6 <= B <= 14), B ~ Binomial(20, 1/2), = 95.86%
    rng = np.random.default_rng(0)
    exact = binom.cdf(14, 20, 0.5) - binom.cdf(5, 20, 0.5)
    hits = [
        covers(*median_interval(rng.exponential(size=20)), np.log(2))
        for _ in range(R_FAST)
    ]
    check(hits, exact, "median_interval")


# ------------------------------------------------------------------- compare
def test_compare_difference_coverage():
    a, bonus, t = 0.5, 0.2, 100
    net = tree(a)
    scenarios = {"today": net, "bonus": referral_bonus(net, bonus)}
    low, high = tree_truth(a), tree_truth(a + bonus)
    truth = {
        m: high[m] - low[m] for m in ("people_reached", "candidates_reached", "depth")
    }
    hits = {m: [] for m in truth}
    mean_hits = []
    for rep in range(R):
        table = compare(scenarios, trials=t, seed=rep)
        rows = table[table["scenario"] == "bonus"].set_index("measure")
        for m, value in truth.items():
            hits[m].append(
                covers(rows.loc[m, "diff_ci_low"], rows.loc[m, "diff_ci_high"], value)
            )
        mean_hits.append(
            covers(
                rows.loc["people_reached", "ci_low"],
                rows.loc["people_reached", "ci_high"],
                high["people_reached"],
            )
        )
    for m in truth:
        check(hits[m], name=f"diff {m}")
    check(mean_hits, name="compare mean")


# --------------------------------------------------------------- gatekeepers
def test_gatekeeper_loss_coverage():
    # source 0 -- broker 1 -- 5 candidates: without the broker no candidate
    # is reached, so the loss is the expected candidates reached, w a (5 w)
    a, w, k, t = 0.6, 0.7, 5, 40
    G = nx.star_graph(range(1, k + 2))
    G.add_edge(0, 1)
    net = from_networkx(
        G,
        strength=1.0,
        transmission=w,
        activity=a,
        recruiters=[0],
        candidates=range(2, k + 2),
    )
    truth = w * a * k * w
    hits = []
    for rep in range(R_SLOW):
        table = gatekeepers(net, top=1, shortlist=1, trials=t, seed=rep)
        row = table.iloc[0]
        assert row["person"] == 1
        hits.append(covers(row["ci_low"], row["ci_high"], truth))
    check(hits, name="gatekeeper loss")


# ------------------------------------------------------------------ weak ties
def test_weak_tie_share_coverage_spread():
    # binary tree whose root-left tie is weak (carries with 0.5, the rest 0.8);
    # candidates are the leaves, all at hop 3. The left leaves reached in a
    # trial all share that weak tie, so they are not independent draws (the
    # binomial se the by-hop rows used to report covers about 82% here; the
    # delta method over trials about 94% with 100 trials, 92% with 40).
    # Share via a weak tie = 0.5 / (0.5 + 0.8).
    G = nx.balanced_tree(2, 3)
    nx.set_edge_attributes(G, 1.0, "strength")
    nx.set_edge_attributes(G, 0.8, "t")
    G.edges[0, 1]["strength"], G.edges[0, 1]["t"] = 0.2, 0.5
    net = from_networkx(
        G,
        strength="strength",
        transmission="t",
        activity=0.7,
        recruiters=[0],
        candidates=range(7, 15),
    )
    truth = 0.5 / 1.3
    overall, by_hop = [], []
    for rep in range(R_SLOW):
        table = weak_tie_share(spread(net, trials=100, seed=rep))
        for hits, scope, hop in [(overall, "overall", -1), (by_hop, "by hop", 3)]:
            row = table[(table["scope"] == scope) & (table["hop"] == hop)].iloc[0]
            hits.append(
                covers(
                    row["estimate"] - Z95 * row["se"],
                    row["estimate"] + Z95 * row["se"],
                    truth,
                )
            )
    check(overall, name="weak share overall (delta method over trials)")
    check(by_hop, name="weak share by hop (delta method, kept trials)")


def test_weak_tie_share_coverage_search():
    # s reaches t through a, b or c at random; only s-b is weak: share 1/3
    G = nx.Graph()
    for middle, strength in [("a", 1.0), ("b", 0.2), ("c", 1.0)]:
        G.add_edge("s", middle, strength=strength)
        G.add_edge(middle, "t", strength=1.0)
    net = from_networkx(G, strength="strength", activity=1.0)
    n = 60
    exact = wald_coverage(n, 1 / 3)
    assert 0.93 <= exact <= 0.97
    hits = []
    for rep in range(R_SLOW):
        res = search(
            net, starts=["s"], targets=["t"], policy="random", trials=n, seed=rep
        )
        row = weak_tie_share(res).query("scope == 'overall'").iloc[0]
        hits.append(
            covers(
                row["estimate"] - Z95 * row["se"],
                row["estimate"] + Z95 * row["se"],
                1 / 3,
            )
        )
    check(hits, exact, "weak share search")


# ------------------------------------------------------------- threshold curve
def test_threshold_curve_coverage():
    a, t = 0.5, 100
    multipliers = [0.5, 1.0, 1.5]
    net = tree(a)
    truth = {m: tree_truth(a * m)["people_reached"] for m in multipliers}
    hits = {m: [] for m in multipliers}
    for rep in range(R_SLOW):
        curve = other_people_cost(
            net, multipliers=multipliers, trials=t, seed=rep
        ).curve.set_index("multiplier")
        for m in multipliers:
            hits[m].append(
                covers(
                    curve.loc[m, "people_reached_ci_low"],
                    curve.loc[m, "people_reached_ci_high"],
                    truth[m],
                )
            )
    for m in multipliers:
        check(hits[m], name=f"threshold curve x{m}")


@pytest.mark.parametrize("r", [300, 400, 1000])
def test_band_is_the_documented_one(r):
    assert band(r) == {1000: (931, 967), 400: (368, 390), 300: (275, 294)}[r]
