"""Exact tests of the statistics helpers and of every library table that
reports an interval: each formula against a hand computation or
:mod:`scipy.stats`, and each table against the formula applied by hand to
the run's own per-trial data.

Coverage by replication lives in ``tests/test_coverage.py``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, binomtest, norm

from referral._core import stats as _stats
from referral._core.stats import (
    Z95,
    binomial_se,
    mean_se,
    median_interval,
    normal_interval,
    paired_difference_se,
    ratio_se,
    standard_error,
    wilson_interval,
    z_for,
)
from referral.analysis import compare, gatekeepers, other_people_cost, weak_tie_share
from referral.interventions import referral_bonus, scale_activity
from referral.network import from_networkx
from referral.simulate._search import search
from referral.simulate._spread import spread


# ------------------------------------------------------------------ formulas
@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_z_for_is_the_normal_quantile(level):
    assert z_for(level) == pytest.approx(norm.ppf(0.5 + level / 2), abs=1e-12)


def test_z95_constant():
    assert Z95 == pytest.approx(1.959963984540054, abs=1e-15)
    assert norm.cdf(Z95) - norm.cdf(-Z95) == pytest.approx(0.95, abs=1e-12)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "0.9", True, float("nan")])
def test_z_for_bad_level(level):
    with pytest.raises(ValueError, match=r"The 'level' parameter of f must be a float"):
        z_for(level, function="f")


def test_binomial_se():
    assert binomial_se(0.3, 10) == pytest.approx(np.sqrt(0.3 * 0.7 / 10))
    assert np.isnan(binomial_se(0.3, 0))
    np.testing.assert_allclose(
        binomial_se(np.array([0.0, 0.5, 1.0]), 4), [0.0, 0.25, 0.0]
    )


def test_wilson_against_hand_computation():
    # 3 of 10, z = 1.96 (Newcombe 1998, Table I: 0.1078 to 0.6032)
    z = 1.96
    p, n = 0.3, 10
    centre = (0.3 + 3.8416 / 20) / (1 + 3.8416 / 10)  # 0.355502...
    half = 1.96 * np.sqrt(0.021 + 3.8416 / 400) / (1 + 3.8416 / 10)
    low, high = wilson_interval(p, n, z)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-12)
    assert (low, high) == pytest.approx((0.1078, 0.6032), abs=1e-4)


@pytest.mark.parametrize(
    ("k", "n"), [(0, 10), (1, 10), (3, 10), (10, 10), (17, 40), (250, 1000), (1, 3)]
)
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_against_scipy(k, n, level):
    expected = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = wilson_interval(k / n, n, z_for(level))
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_vectorised():
    low, high = wilson_interval(np.array([0.0, 0.3, 1.0]), 10)
    assert low.shape == (3,)
    assert low[0] == 0.0 and high[2] == pytest.approx(1.0)
    assert (low[1], high[1]) == wilson_interval(0.3, 10)


def test_standard_error_and_mean_se():
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    # sample sd (ddof=1) is sqrt(32 / 7)
    assert standard_error(x) == pytest.approx(np.sqrt(32 / 7) / np.sqrt(8))
    assert mean_se(x) == pytest.approx((5.0, np.sqrt(32 / 7) / np.sqrt(8)))
    assert np.isnan(standard_error([1.0]))
    assert standard_error([1.0], single=0.0) == 0.0
    m = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 13.0]])
    np.testing.assert_allclose(standard_error(m, axis=0), [2 / np.sqrt(3), 1.0])
    np.testing.assert_array_equal(standard_error(m[:1], axis=0, single=0.0), [0.0, 0.0])


def test_paired_difference_se():
    a = np.array([3.0, 5.0, 4.0, 8.0])
    b = np.array([1.0, 2.0, 3.0, 4.0])
    d = a - b  # 2, 3, 1, 4: mean 2.5, sample variance 5/3
    assert paired_difference_se(a, b) == pytest.approx((2.5, np.sqrt(5 / 3 / 4)))
    # perfectly paired scenarios (a shift) have no uncertainty in the difference,
    # however noisy each scenario is
    assert paired_difference_se(b + 7.0, b) == (7.0, 0.0)
    independent = np.hypot(standard_error(a), standard_error(b))
    assert paired_difference_se(a, b)[1] < independent
    assert d.mean() == 2.5


def test_ratio_se_against_the_expanded_delta_method():
    rng = np.random.default_rng(3)
    y = rng.poisson(5.0, size=200).astype(float)
    x = rng.binomial(y.astype(int), 0.3).astype(float)
    ratio, se = ratio_se(x, y)
    assert ratio == pytest.approx(x.sum() / y.sum())
    # var(x - R y) = var x - 2 R cov(x, y) + R^2 var y, over n mean(y)^2
    n = len(y)
    cov = np.cov(x, y, ddof=1)
    var = cov[0, 0] - 2 * ratio * cov[0, 1] + ratio**2 * cov[1, 1]
    assert se == pytest.approx(np.sqrt(var / n) / y.mean(), rel=1e-12)


def test_ratio_se_known_cases():
    # x proportional to y: the ratio is known exactly
    assert ratio_se([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == (0.5, 0.0)
    # a constant denominator: the ratio is a mean and its se the mean's se
    x = np.array([0.0, 1.0, 3.0, 4.0])
    assert ratio_se(x, np.ones(4)) == pytest.approx(mean_se(x / 1.0))
    assert ratio_se(2 * x, 2 * np.ones(4)) == pytest.approx(mean_se(x))
    r = ratio_se([1.0], [2.0])
    assert r[0] == 0.5 and np.isnan(r[1])
    assert all(np.isnan(ratio_se([0.0, 0.0], [0.0, 0.0])))


def test_ratio_se_matches_the_spread_of_the_estimator():
    rng = np.random.default_rng(5)
    ratios, ses = [], []
    for _ in range(2000):
        y = rng.poisson(4.0, size=60).astype(float)
        x = rng.binomial(y.astype(int), 0.25).astype(float)
        r, s = ratio_se(x, y)
        ratios.append(r)
        ses.append(s)
    # the sd of 2,000 ratios is known to about 1.6%
    assert np.mean(ses) == pytest.approx(np.std(ratios, ddof=1), rel=0.06)


def test_normal_interval():
    assert normal_interval(10.0, 2.0, 1.5) == (7.0, 13.0)
    low, high = normal_interval(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(low, [-Z95, 1.0])


def test_median_interval_order_statistics():
    # classic tables (e.g. Conover, Practical Nonparametric Statistics):
    # m = 10 -> x(2), x(9) (coverage 97.9%); m = 20 -> x(6), x(15) (95.9%)
    assert median_interval(np.arange(10, 0, -1)) == (2.0, 9.0)
    assert median_interval(range(1, 21)) == (6.0, 15.0)
    assert median_interval(range(1, 21), level=0.5) == (8.0, 13.0)  # 73.7%
    # m = 5: the whole sample (coverage 93.75%, as close as 5 values get)
    assert median_interval([5.0, 1.0, 2.0, 4.0, 3.0]) == (1.0, 5.0)
    assert median_interval([7.0]) == (7.0, 7.0)
    with pytest.raises(ValueError, match="at least one value"):
        median_interval([])
    with pytest.raises(ValueError, match="'level' parameter of median_interval"):
        median_interval([1.0, 2.0], level=1.0)


@pytest.mark.parametrize("m", [10, 20, 31, 60, 101])
def test_median_interval_exact_coverage(m):
    # for continuous data, [x(j), x(k)] covers the median iff j <= B <= k - 1,
    # with B ~ Binomial(m, 1/2) the number of values below it
    ranks = np.arange(1, m + 1, dtype=float)
    j, k = median_interval(ranks)
    coverage = binom.cdf(k - 1, m, 0.5) - binom.cdf(j - 1, m, 0.5)
    assert coverage >= 0.95
    # and it is the shortest symmetric choice: one step narrower falls below
    if j + 1 <= k - 1:
        assert binom.cdf(k - 2, m, 0.5) - binom.cdf(j, m, 0.5) < 0.95


def test_one_home():
    names = set(_stats.__all__)
    assert {
        "Z95",
        "z_for",
        "wilson_interval",
        "mean_se",
        "ratio_se",
        "paired_difference_se",
        "median_interval",
    } <= names


# --------------------------------------------------- the library's tables
def _spread_tree(activity=0.6, transmission=0.8):
    return from_networkx(
        nx.balanced_tree(2, 3),
        strength=1.0,
        transmission=transmission,
        activity=activity,
        recruiters=[0],
        candidates=range(7, 15),
    )


def test_spread_summary_intervals_from_trials():
    res = spread(_spread_tree(), trials=50, seed=4)
    trials = res.trials()
    s = res.summary().set_index("measure")
    for measure, column in [
        ("people_reached", "reached"),
        ("candidates_reached", "candidates_reached"),
        ("depth", "depth"),
    ]:
        x = trials[column].to_numpy(float)
        se = x.std(ddof=1) / np.sqrt(len(x))
        assert s.loc[measure, "se"] == pytest.approx(se, rel=1e-12)
        assert s.loc[measure, "ci_low"] == pytest.approx(x.mean() - 1.959964 * se)
        assert s.loc[measure, "ci_high"] == pytest.approx(x.mean() + 1.959964 * se)


def test_spread_people_reach_se_and_hop_sd():
    # 0-1-2-3 with a weak shortcut 0-3: person 3 is reached at hop 1 or 3
    G = nx.path_graph(4)
    G.add_edge(0, 3)
    t = {(0, 1): 0.9, (1, 2): 0.9, (2, 3): 0.9, (0, 3): 0.3}
    nx.set_edge_attributes(G, {e: v for e, v in t.items()}, "t")
    net = from_networkx(
        G,
        strength=1.0,
        transmission="t",
        activity=0.7,
        recruiters=[0],
        candidates=[1, 2, 3],
    )
    trials = 300
    res = spread(net, trials=trials, seed=9, keep_chains=trials)
    people = res.people().set_index("id")
    chains = res.chains()
    for person in (1, 2, 3):
        hops = chains.loc[chains["id"] == person, "hop"].to_numpy(float)
        p = len(hops) / trials
        assert people.loc[person, "reach_probability"] == pytest.approx(p)
        assert people.loc[person, "reach_se"] == pytest.approx(
            np.sqrt(p * (1 - p) / trials), rel=1e-12
        )
        assert people.loc[person, "mean_hop"] == pytest.approx(hops.mean())
        # the sd of the hops over the trials that reached the person (ddof 0)
        assert people.loc[person, "hop_sd"] == pytest.approx(hops.std(), abs=1e-9)
    assert people.loc[3, "hop_sd"] > 0.5  # both routes occur


def test_search_summary_intervals():
    net = from_networkx(nx.complete_graph(8), strength=1.0, activity=0.8)
    res = search(net, starts=[0], targets=[7], policy="random", trials=200, seed=2)
    for level in (0.95, 0.8):
        s = res.summary(level=level).set_index("measure")
        n = res.n_chains
        outcome = res.chains()["outcome"]
        k = int((outcome == "completed").sum())
        ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        row = s.loc["completion_rate"]
        assert (row["estimate"], row["se"]) == pytest.approx(
            (k / n, np.sqrt(k / n * (1 - k / n) / n))
        )
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
        lengths = np.sort(res.chain_length[(outcome == "completed").to_numpy()])
        z = norm.ppf(0.5 + level / 2)
        se = lengths.std(ddof=1) / np.sqrt(len(lengths))
        assert s.loc["mean_length", "se"] == pytest.approx(se)
        assert s.loc["mean_length", "ci_high"] == pytest.approx(lengths.mean() + z * se)
        m = len(lengths)
        j = int(binom.ppf((1 - level) / 2, m, 0.5))
        kk = int(binom.isf((1 - level) / 2, m, 0.5))
        assert s.loc["median_length", "ci_low"] == lengths[j - 1]
        assert s.loc["median_length", "ci_high"] == lengths[kk]


def test_compare_difference_interval_is_paired():
    net = _spread_tree(activity=0.5)
    table = compare(
        {"today": net, "bonus": referral_bonus(net, 0.2)}, trials=120, seed=5
    )
    a = spread(net, trials=120, seed=table.attrs["seed_entropy"]).trials()
    b = spread(
        referral_bonus(net, 0.2), trials=120, seed=table.attrs["seed_entropy"]
    ).trials()
    d = (b["reached"] - a["reached"]).to_numpy(float)
    row = table.query("scenario == 'bonus' and measure == 'people_reached'").iloc[0]
    se = d.std(ddof=1) / np.sqrt(len(d))
    assert row["diff"] == pytest.approx(d.mean())
    assert row["diff_se"] == pytest.approx(se, rel=1e-12)
    assert row["diff_ci_low"] == pytest.approx(d.mean() - 1.959964 * se)
    assert row["diff_ci_high"] == pytest.approx(d.mean() + 1.959964 * se)
    # pairing: far narrower than two independent intervals would be
    assert row["diff_se"] < 0.8 * np.hypot(
        *table.query("measure == 'people_reached'")["se"]
    )


def _loss_column(table):
    return "estimate"


def test_gatekeeper_loss_interval_is_paired():
    net = _broker(activity=0.6)
    res = spread(net, trials=150, seed=8)
    table = gatekeepers(net, res, top=1, shortlist=1)
    row = table.iloc[0]
    assert row["person"] == 1  # the broker
    # the broker's counterfactual reaches no candidate: the loss per trial is
    # the trial's candidates reached
    x = res.trials()["candidates_reached"].to_numpy(float)
    se = x.std(ddof=1) / np.sqrt(len(x))
    assert row[_loss_column(table)] == pytest.approx(x.mean())
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert row["ci_low"] == pytest.approx(x.mean() - 1.959964 * se)
    assert row["ci_high"] == pytest.approx(x.mean() + 1.959964 * se)


def _broker(activity=0.6, k=5, w=0.7):
    """Source 0 -- broker 1 -- candidates 2..k+1: 1 is a cut vertex."""
    G = nx.star_graph(range(1, k + 2))  # 1 is the hub
    G.add_edge(0, 1)
    return from_networkx(
        G,
        strength=1.0,
        transmission=w,
        activity=activity,
        recruiters=[0],
        candidates=range(2, k + 2),
    )


def test_weak_tie_share_se_from_trials():
    net = _weak_star()
    res = spread(net, trials=80, seed=3)
    trials = res.trials()
    x = trials["weak_chain_candidates"].to_numpy(float)
    y = trials["candidates_reached"].to_numpy(float)
    r = x.sum() / y.sum()
    var = np.var(x - r * y, ddof=1)
    table = weak_tie_share(res)
    overall = table.query("scope == 'overall'").iloc[0]
    assert overall["estimate"] == pytest.approx(r)
    assert overall["se"] == pytest.approx(np.sqrt(var / len(y)) / y.mean())
    # every candidate is reached at hop 1, and all 80 trials are kept: the
    # by-hop row is the same ratio with the same delta-method se
    hop1 = table.query("scope == 'by hop' and hop == 1").iloc[0]
    assert hop1["estimate"] == pytest.approx(r)
    assert hop1["se"] == pytest.approx(overall["se"], rel=1e-12)
    # with 30 of 80 trials kept, the variance comes from those 30
    res = spread(net, trials=80, seed=3, keep_chains=30)
    hop1 = weak_tie_share(res).query("scope == 'by hop' and hop == 1").iloc[0]
    head = trials.iloc[:30]
    d = (head["weak_chain_candidates"] - r * head["candidates_reached"]).to_numpy()
    assert hop1["se"] == pytest.approx(
        np.std(d, ddof=1) / np.sqrt(80) / y.mean(), rel=1e-12
    )
    # with one kept trial, binomial over the candidates reached
    res = spread(net, trials=80, seed=3, keep_chains=1)
    hop1 = weak_tie_share(res).query("scope == 'by hop' and hop == 1").iloc[0]
    assert hop1["se"] == pytest.approx(np.sqrt(r * (1 - r) / y.sum()))


def test_weak_tie_share_by_hop_never_zero_from_empty_kept_trials():
    # 0 tells a (strong tie) and b (weak tie); each rarely carries on to the
    # candidate c at hop 2. Of 400 trials only the first 3 are kept and they
    # reach no candidate: the se falls back to binomial over the candidates
    # instead of the spread of three zeros.
    G = nx.Graph()
    G.add_edge(0, "a", strength=1.0, t=1.0)
    G.add_edge(0, "b", strength=0.2, t=1.0)
    G.add_edge("a", "c", strength=1.0, t=0.05)
    G.add_edge("b", "c", strength=1.0, t=0.05)
    net = from_networkx(
        G,
        strength="strength",
        transmission="t",
        activity=1.0,
        recruiters=[0],
        candidates=["c"],
    )
    res = spread(net, trials=400, seed=3, keep_chains=3)
    assert not (res.chains()["person"] == "c").any()
    row = weak_tie_share(res).query("scope == 'by hop' and hop == 2").iloc[0]
    p, count = row["estimate"], row["chains"] * 400
    assert 0 < p < 1
    assert row["se"] == pytest.approx(np.sqrt(p * (1 - p) / count))
    assert row["se"] > 0


def _weak_star(n_weak=3, n_strong=5, w_weak=0.3, w_strong=0.6):
    G = nx.star_graph(n_weak + n_strong)
    strength = {(0, i): (0.2 if i <= n_weak else 1.0) for i in G[0]}
    t = {(0, i): (w_weak if i <= n_weak else w_strong) for i in G[0]}
    nx.set_edge_attributes(G, strength, "strength")
    nx.set_edge_attributes(G, t, "t")
    return from_networkx(
        G,
        strength="strength",
        transmission="t",
        activity=0.5,
        recruiters=[0],
        candidates=range(1, n_weak + n_strong + 1),
    )


def test_search_weak_tie_share_se():
    net = _two_routes()
    res = search(net, starts=["s"], targets=["t"], policy="random", trials=90, seed=1)
    row = weak_tie_share(res).query("scope == 'overall'").iloc[0]
    p = row["estimate"]
    assert row["se"] == pytest.approx(np.sqrt(p * (1 - p) / 90))


def _two_routes():
    """s reaches t through a (strong), b (weak tie s-b) or c (strong)."""
    G = nx.Graph()
    for middle, strength in [("a", 1.0), ("b", 0.2), ("c", 1.0)]:
        G.add_edge("s", middle, strength=strength)
        G.add_edge(middle, "t", strength=1.0)
    return from_networkx(G, strength="strength", activity=1.0)


def test_threshold_curve_intervals_from_trials():
    net = _spread_tree(activity=0.5)
    cost = other_people_cost(net, multipliers=[0.5, 1.0, 1.6], trials=60, seed=2)
    curve = cost.curve.set_index("multiplier")
    for m in (0.5, 1.0, 1.6):
        res = spread(scale_activity(net, m), trials=60, seed=2)  # int seeds pass as is
        x = res.trials()["reached"].to_numpy(float)
        se = x.std(ddof=1) / np.sqrt(len(x))
        assert curve.loc[m, "people_reached_estimate"] == pytest.approx(x.mean())
        assert curve.loc[m, "people_reached_se"] == pytest.approx(se, rel=1e-12)
        assert curve.loc[m, "people_reached_ci_low"] == pytest.approx(
            x.mean() - 1.959964 * se
        )


# ------------------------------------------------------------ plot bands
def _band(ax, index=0):
    """(x, low, high) of the ``index``-th fill_between band."""
    vertices = ax.collections[index].get_paths()[0].vertices
    frame = pd.DataFrame(vertices, columns=["x", "y"]).groupby("x")["y"]
    return frame.min().index.to_numpy(), frame.min().to_numpy(), frame.max().to_numpy()


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_plot_reach_band_uses_the_level(level):
    import matplotlib.pyplot as plt

    from referral.plot import plot_reach

    res = spread(_spread_tree(), trials=40, seed=1)
    fig, ax = plt.subplots()
    plot_reach(res, candidates=False, level=level, ax=ax)
    counts = np.cumsum(res.trial_hop, axis=1).astype(float)
    mean = counts.mean(axis=0)
    se = counts.std(axis=0, ddof=1) / np.sqrt(len(counts))
    z = norm.ppf(0.5 + level / 2)
    x, low, high = _band(ax)
    np.testing.assert_allclose(low, (mean - z * se)[x.astype(int)], atol=1e-9)
    np.testing.assert_allclose(high, (mean + z * se)[x.astype(int)], atol=1e-9)
    plt.close(fig)


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_plot_attrition_band_is_wilson(level):
    import matplotlib.pyplot as plt

    from referral.plot import plot_attrition

    net = from_networkx(nx.path_graph(6), strength=1.0, activity=0.8)
    res = search(net, starts=[0], targets=[5], trials=60, seed=3)
    fig, ax = plt.subplots()
    plot_attrition(res, log=False, level=level, ax=ax)
    table = res.by_step()
    x, low, high = _band(ax)
    for step, lo, hi in zip(x, low, high, strict=True):
        k = int(table.loc[table["step"] == step, "alive"].iloc[0])
        ci = binomtest(k, res.n_chains).proportion_ci(
            confidence_level=level, method="wilson"
        )
        assert (lo, hi) == pytest.approx((ci.low, ci.high), abs=1e-9)
    plt.close(fig)


def test_proportion_interval_is_the_wilson_interval_of_a_count():
    from scipy.stats import binomtest

    from referral._core.stats import proportion_interval

    p, se, low, high = proportion_interval(7, 40)
    assert p == 7 / 40
    assert se == pytest.approx(np.sqrt(p * (1 - p) / 40))
    ci = binomtest(7, 40).proportion_ci(0.95, method="wilson")
    assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert all(np.isnan(proportion_interval(0, 0)))


def test_subsample_se_scales_the_kept_spread_to_all_trials():
    from referral._core.stats import subsample_se

    kept = np.array([[1.0, 4.0], [3.0, 4.0], [5.0, 7.0]])
    np.testing.assert_allclose(
        subsample_se(kept, 12, axis=0), kept.std(axis=0, ddof=1) / np.sqrt(12)
    )
    assert subsample_se([2.0, 4.0], 2) == pytest.approx(1.0)
