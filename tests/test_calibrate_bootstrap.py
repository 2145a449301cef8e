"""referral_log(interval="bootstrap"): parametric bootstrap intervals.

Closed form: on a star whose centre posts every opening, only transmission
is seen and the number told is Binomial(K, w); the bootstrap interval is
then the central range of Binomial(K, w_hat) / K, whose coverage is a finite
sum. The code's intervals are checked against that range, and the range's
coverage is computed exactly.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_calibrate_log import simulate_log

from referral import from_networkx
from referral.calibrate import referral_log

DEG, OPENINGS = 12, 5
K = DEG * OPENINGS


def star():
    return from_networkx(nx.star_graph(DEG), strength=1.0, activity=0.5)


def star_log(c):
    # the centre (0) told c of its contacts over the openings
    told = [(o, 1 + i) for o in range(OPENINGS) for i in range(DEG)][:c]
    return pd.DataFrame(
        {"opening": [o for o, _ in told], "teller": 0, "told": [t for _, t in told]}
    )


def binomial_range(c, level=0.95):
    alpha = (1 - level) / 2
    return stats.binom.ppf([alpha, 1 - alpha], K, c / K) / K


@pytest.mark.stat
def test_bootstrap_interval_is_the_binomial_range_on_a_star():
    sources = dict.fromkeys(range(OPENINGS), 0)
    for c in (12, 30):
        fit = referral_log(
            star(),
            star_log(c),
            sources=sources,
            interval="bootstrap",
            n_boot=400,
            seed=c,
        )
        row = fit.params().set_index("parameter").loc["transmission"]
        assert row.estimate == pytest.approx(c / K)
        lo, hi = binomial_range(c)
        # the 2.5% and 97.5% points of 400 draws: within 1.5 counts of the
        # exact quantiles
        assert row.ci_low == pytest.approx(lo, abs=1.5 / K)
        assert row.ci_high == pytest.approx(hi, abs=1.5 / K)
        sd = np.sqrt(c / K * (1 - c / K) / K)
        assert row.se == pytest.approx(sd, rel=0.15)


@pytest.mark.parametrize("w", [0.2, 0.35, 0.5])
def test_the_binomial_range_covers_by_a_finite_sum(w):
    # exact coverage of the interval the bootstrap reproduces
    cover = sum(
        stats.binom.pmf(c, K, w)
        for c in range(K + 1)
        if binomial_range(c)[0] <= w <= binomial_range(c)[1]
    )
    assert 0.92 <= cover <= 0.99, cover


def test_bootstrap_is_reproducible_and_keeps_the_estimate():
    g = nx.watts_strogatz_graph(150, 6, 0.1, seed=2)
    net = from_networkx(g, strength=1.0, activity=0.5)
    rng = np.random.default_rng(11)
    log, sources = simulate_log(
        net, np.full(150, 0.5), 0.25, rng.integers(0, 150, 4), rng
    )
    kw = dict(sources=sources, interval="bootstrap", n_boot=40)
    a = referral_log(net, log, seed=3, **kw).params()
    b = referral_log(net, log, seed=3, **kw).params()
    pd.testing.assert_frame_equal(a, b)
    c = referral_log(net, log, seed=4, **kw).params()
    assert not np.array_equal(a["ci_low"], c["ci_low"])
    profile = referral_log(net, log, sources=sources).params()
    assert a["estimate"].to_numpy() == pytest.approx(profile["estimate"].to_numpy())
    assert (a["ci_low"] <= a["estimate"]).all() and (
        a["estimate"] <= a["ci_high"]
    ).all()


def test_bootstrap_refuses_what_it_cannot_simulate():
    sources = dict.fromkeys(range(OPENINGS), 0)
    log = star_log(10)
    net = star()
    with pytest.raises(ValueError, match="only for logs that list every telling"):
        referral_log(net, log, sources=sources, interval="bootstrap", tellers="first")
    with pytest.raises(ValueError, match="only for transmission='constant'"):
        referral_log(
            net, log, sources=sources, interval="bootstrap", transmission="by_strength"
        )
    with pytest.raises(ValueError, match="need pooling='none'"):
        referral_log(net, log, sources=sources, interval="bootstrap", by="community")
    with pytest.raises(ValueError, match="'n_boot' parameter of referral_log"):
        referral_log(net, log, sources=sources, interval="bootstrap", n_boot=5)
    with pytest.raises(ValueError, match="'interval' parameter of referral_log"):
        referral_log(net, log, sources=sources, interval="wald")
