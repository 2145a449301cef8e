"""referral_log when the log does not say who told whom: the fit over tellers.

The exact observed-data likelihood is checked against a hand formula and
against simulated frequencies; on a tree it equals the known-teller
likelihood; recovery and interval coverage are checked over replications.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import referral
from referral import from_networkx
from referral.calibrate import referral_log
from referral.calibrate._em import EMModel, read_hops


def simulate_hops(net, activity, w, posters, rng):
    """Spread's model, recording only who held each opening at which hop.

    Returns (log with opening, teller, told, hop; sources). ``teller`` is
    the first carrier found (as in spread's chains); the fit over tellers
    reads only the hops.
    """
    rows = []
    indptr, indices = net.indptr, net.indices
    for opening, poster in enumerate(posters):
        held = {int(poster): 0}
        frontier = [int(poster)]
        h = 0
        while frontier:
            new = {}
            for i in frontier:
                if h > 0 and rng.random() >= activity[i]:
                    continue
                contacts = indices[indptr[i] : indptr[i + 1]].tolist()
                untold = [j for j in contacts if j not in held]
                carried = rng.random(len(untold)) < w
                for j, c in zip(untold, carried, strict=True):
                    if c and j not in new:
                        new[j] = i
            for j, i in new.items():
                held[j] = h + 1
                rows.append((opening, i, j, h + 1))
            frontier = list(new)
            h += 1
    log = pd.DataFrame(rows, columns=["opening", "teller", "told", "hop"])
    log["teller"] = net.labels[log["teller"].to_numpy(dtype=int)]
    log["told"] = net.labels[log["told"].to_numpy(dtype=int)]
    return log, {o: net.labels[p] for o, p in enumerate(posters)}


def square():
    # a - b, a - c, b - d, c - d: d may have been told by b or by c
    g = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    return from_networkx(g, strength=1.0, activity=0.5)


def _model(net, log, sources, s_act=1.0):
    data = read_hops(
        net,
        log,
        sources=sources,
        opening="opening",
        told="told",
        hop="hop",
        function="t",
    )
    codes = np.zeros(net.n_people, dtype=np.int64)
    return EMModel(net, data, codes, 1, s_act, "t")


# ------------------------------------------------------------ exact answers
def test_exact_likelihood_on_a_square_by_hand():
    # a posts and tells b and c (w^2); d is told at hop 2 by b, c or both:
    # both act: f^2 (1 - (1 - w)^2); one acts: f (1 - f) w, twice.
    log = pd.DataFrame(
        {"opening": [1, 1, 1], "told": ["b", "c", "d"], "hop": [1, 1, 2]}
    )
    model = _model(square(), log, "a")
    for f, w in [(0.3, 0.2), (0.8, 0.6), (0.5, 0.05)]:
        hand = w**2 * (f**2 * (1 - (1 - w) ** 2) + 2 * f * (1 - f) * w)
        assert model.loglik(np.array([f, w])) == pytest.approx(
            math.log(hand), abs=1e-12
        )
        # the gradient is the E-step's expected score (Fisher's identity)
        _, g = model.nll(np.array([f, w]))
        for j, d in enumerate(np.eye(2) * 1e-6):
            x = np.array([f, w])
            numeric = (model.loglik(x + d) - model.loglik(x - d)) / 2e-6
            assert -g[j] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_em_steps_never_lower_the_likelihood_and_reach_the_maximum():
    g = nx.watts_strogatz_graph(300, 6, 0.1, seed=1)
    net = from_networkx(g, strength=1.0, activity=0.5)
    rng = np.random.default_rng(2)
    log, sources = simulate_hops(
        net, np.full(300, 0.6), 0.25, rng.integers(0, 300, 15), rng
    )
    model = _model(net, log, sources)
    x = np.array([0.5, 0.1])
    lls = []
    for _ in range(60):
        x, ll = model.em_step(x)
        lls.append(ll)
    assert np.all(np.diff(lls) >= -1e-9)
    fit = referral_log(net, log, sources=sources, teller=None, hop="hop")
    x_em, ll_em, _ = model.em(np.array([0.5, 0.1]))
    assert ll_em == pytest.approx(fit.loglik, abs=1e-6)
    p = fit.params()
    assert x_em == pytest.approx(p["estimate"].to_numpy(), abs=2e-4)


def test_likelihood_matches_simulated_frequencies_of_hop_patterns():
    # a small clustered graph where told people often have two possible
    # tellers; the chance of each hop pattern against its frequency
    g = nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4), (2, 4), (4, 5)])
    net = from_networkx(g, strength=1.0, activity=0.5)
    f, w, n = 0.6, 0.5, 20000
    rng = np.random.default_rng(11)
    log, _ = simulate_hops(net, np.full(6, f), w, np.zeros(n, dtype=int), rng)
    patterns = Counter()
    by_opening = {
        o: tuple(sorted(zip(t.told, t.hop, strict=True)))
        for o, t in log.groupby("opening")
    }
    for o in range(n):
        patterns[by_opening.get(o, ())] += 1
    checked = 0
    for pattern, count in patterns.most_common(12):
        if not pattern:
            continue
        plog = pd.DataFrame(
            {
                "opening": 0,
                "told": [p[0] for p in pattern],
                "hop": [p[1] for p in pattern],
            }
        )
        prob = math.exp(_model(net, plog, {0: 0}).loglik(np.array([f, w])))
        se = math.sqrt(prob * (1 - prob) / n)
        assert abs(count / n - prob) < 4 * se, (pattern, count / n, prob)
        checked += 1
    assert checked >= 8
    # a pattern with a two-teller person is among them
    assert any(sum(1 for p in pat if p[1] == 2) >= 1 for pat in patterns)


def test_on_a_tree_it_equals_the_known_teller_fit():
    # on a tree every told person has one possible teller
    g = (
        nx.random_labeled_tree(400, seed=4)
        if hasattr(nx, "random_labeled_tree")
        else (nx.random_tree(400, seed=4))
    )
    net = from_networkx(g, strength=1.0, activity=0.5)
    rng = np.random.default_rng(4)
    log, sources = simulate_hops(
        net, np.full(400, 0.5), 0.6, rng.integers(0, 400, 40), rng
    )
    known = referral_log(net, log, sources=sources)
    unknown = referral_log(net, log, sources=sources, tellers="unknown")
    assert unknown.loglik == pytest.approx(known.loglik, abs=1e-6)
    a, b = known.params(), unknown.params()
    cols = ["estimate", "ci_low", "ci_high"]
    assert a[cols].to_numpy() == pytest.approx(b[cols].to_numpy(), abs=2e-4)
    assert (a["n"] == b["n"]).all()


def test_newton_profile_agrees_with_the_quasi_newton_profile():
    from referral.calibrate._profile import (
        maximise,
        newton_maximise,
        profile_interval,
    )

    net = _ws()
    rng = np.random.default_rng(5)
    f = np.array([0.35, 0.7])[np.asarray(net.attributes["team"])]
    log, sources = simulate_hops(net, f, 0.2, rng.integers(0, 1500, 30), rng)
    data = read_hops(
        net,
        log,
        sources=sources,
        opening="opening",
        told="told",
        hop="hop",
        function="t",
    )
    model = EMModel(net, data, np.asarray(net.attributes["team"]), 2, 1.0, "t")
    x, ll = maximise(model.nll, np.array([0.5, 0.5, 0.1]), model.bounds())
    assert newton_maximise(model.nll, np.array([0.5, 0.5, 0.1]), model.bounds())[
        1
    ] == pytest.approx(ll, abs=1e-8)
    for j in range(3):
        a = profile_interval(model.nll, x, ll, j, model.bounds(), 0.95)
        b = profile_interval(
            model.nll, x, ll, j, model.bounds(), 0.95, maximiser=newton_maximise
        )
        assert a == pytest.approx(b, abs=1e-5)


# --------------------------------------------------------------- recovery
def _ws():
    g = nx.watts_strogatz_graph(1500, 6, 0.1, seed=3)
    team = np.arange(1500) % 2
    return from_networkx(g, strength=1.0, activity=0.5).replace(
        attributes={"team": team}
    )


def test_recovery_coverage_over_replications_with_unknown_tellers():
    net = _ws()
    true_f = np.array([0.35, 0.7])
    true_w = 0.2
    f = true_f[np.asarray(net.attributes["team"])]
    reps = 120
    rng = np.random.default_rng(20261208)
    truth = {
        ("activity", 0): 0.35,
        ("activity", 1): 0.7,
        ("transmission", "all"): true_w,
    }
    covered = Counter()
    errors, ses = {k: [] for k in truth}, {k: [] for k in truth}
    for _ in range(reps):
        log, sources = simulate_hops(net, f, true_w, rng.integers(0, 1500, 30), rng)
        fit = referral_log(
            net,
            log.drop(columns="teller"),
            sources=sources,
            teller=None,
            hop="hop",
            by="team",
            pooling="none",
        )
        for row in fit.params().itertuples():
            key = (row.parameter, row.group)
            covered[key] += bool(row.ci_low <= truth[key] <= row.ci_high)
            errors[key].append(row.estimate - truth[key])
            ses[key].append(row.se)
    lo, hi = stats.binom.ppf([0.005, 0.995], reps, 0.95)
    for key in truth:
        assert lo <= covered[key] <= hi, (key, covered[key] / reps)
        assert abs(np.mean(errors[key])) < np.nanmedian(ses[key]), key
    print({k: covered[k] / reps for k in truth})


def test_spread_chains_fit_over_tellers():
    net = _ws()
    net = net.replace(
        activity=np.full(net.n_people, 0.5), transmission=np.full(len(net.indices), 0.2)
    )
    result = referral.spread(net, sources=[0], trials=30, keep_chains=30, seed=3)
    chains = result.chains()
    told = chains[chains["parent_id"] >= 0]
    log = pd.DataFrame(
        {"opening": told["trial"], "teller": told["parent"], "told": told["person"]}
    )
    poster = net.labels[0]
    fit = referral_log(
        net, log, sources={t: poster for t in range(30)}, tellers="unknown"
    )
    p = fit.params().set_index("parameter")
    for name, truth in [("activity", 0.5), ("transmission", 0.2)]:
        row = p.loc[name]
        assert abs(row.estimate - truth) < 3.5 * row.se, (name, row.estimate)


def test_reproducible_and_usable_downstream():
    net = _ws()
    rng = np.random.default_rng(9)
    log, sources = simulate_hops(
        net, np.full(1500, 0.5), 0.2, rng.integers(0, 1500, 20), rng
    )
    a = referral_log(net, log, sources=sources, tellers="unknown")
    b = referral_log(net, log, sources=sources, tellers="unknown")
    pd.testing.assert_frame_equal(a.params(), b.params())
    fitted = a.network()
    w = a.params().set_index("parameter").loc["transmission", "estimate"]
    assert np.allclose(fitted.transmission, w)
    pd.testing.assert_frame_equal(
        a.check(trials=20, seed=1), a.check(trials=20, seed=1)
    )


# -------------------------------------------------------------- bad input
def test_blank_tellers_need_hops():
    log = pd.DataFrame({"opening": [1, 1], "teller": ["a", None], "told": ["b", "d"]})
    with pytest.raises(ValueError, match=r"blank tellers in rows 1\): pass hop="):
        referral_log(square(), log, sources="a")
    with pytest.raises(ValueError, match="pass hop="):
        referral_log(square(), log.drop(columns="teller"), sources="a", teller=None)


def test_bad_hops_and_unsupported_options():
    net = square()
    log = pd.DataFrame({"opening": [1, 1], "told": ["b", "d"], "hop": [1, 0]})
    with pytest.raises(
        ValueError, match=r"'hop' column must hold whole numbers.*rows 1"
    ):
        referral_log(net, log, sources="a", hop="hop", teller=None)
    log = pd.DataFrame({"opening": [1, 1], "told": ["b", "d"], "hop": [1, 3]})
    with pytest.raises(ValueError, match=r"none of their contacts held.*rows 1"):
        referral_log(net, log, sources="a", hop="hop", teller=None)
    log = pd.DataFrame({"opening": [1], "told": ["zed"], "hop": [1]})
    with pytest.raises(nx.NodeNotFound, match="zed"):
        referral_log(net, log, sources="a", hop="hop", teller=None)
    log = pd.DataFrame({"opening": [1], "told": ["b"], "hop": [1]})
    with pytest.raises(ValueError, match="needs sources="):
        referral_log(net, log, hop="hop", teller=None)
    with pytest.raises(ValueError, match="only from a log that names every teller"):
        referral_log(net, log, sources="a", hop="hop", transmission="by_strength")
    with pytest.raises(ValueError, match="pooling='none'"):
        referral_log(net, log, sources="a", hop="hop", by="community")
    log = pd.DataFrame({"opening": [1, 1], "told": ["b", "b"], "hop": [1, 2]})
    with pytest.warns(UserWarning, match=r"1 row\(s\).*already held.*rows 1"):
        referral_log(net, log, sources="a", hop="hop", teller=None)


def test_on_a_directed_network_tellers_are_read_along_in_ties():
    # p -> a -> b and b -> c only: c can have been told by b, never the reverse
    g = nx.DiGraph([("p", "a"), ("a", "b"), ("b", "c"), ("c", "x")])
    net = from_networkx(g, strength=1.0, activity=0.5)
    assert net.directed
    log = pd.DataFrame({"opening": 1, "told": ["a", "b", "c"], "hop": [1, 2, 3]})
    fit = referral_log(net, log, sources="p", hop="hop", teller=None)
    known = referral_log(
        net,
        pd.DataFrame(
            {"opening": 1, "teller": ["p", "a", "b"], "told": ["a", "b", "c"]}
        ),
        sources="p",
    )
    assert fit.loglik == pytest.approx(known.loglik, abs=1e-6)
    # told at hop 2 by someone with no tie towards them: named with the row
    bad = pd.DataFrame({"opening": 1, "told": ["a", "c"], "hop": [1, 2]})
    with pytest.raises(ValueError, match=r"none of their contacts held.*rows 1"):
        referral_log(net, bad, sources="p", hop="hop", teller=None)
