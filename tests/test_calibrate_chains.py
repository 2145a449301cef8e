"""referral.calibrate.search_chains and chain_histogram: Milgram, Dodds, coverage."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import referral
from referral.calibrate import chain_histogram, search_chains
from referral.datasets import empirical_chain_lengths


def milgram_chains():
    """Travers & Milgram (1969): 296 starters, 217 sent the letter on, 64
    completed (lengths from the bundled histogram); the other 153 are given
    drop-out lengths spread over 1-6 forwards (the paper's own table is not
    bundled; the starter drop-out does not depend on them)."""
    hist = empirical_chain_lengths().query("study == 'milgram1967'")
    completed = np.repeat(
        hist["intermediaries"].to_numpy() + 1, hist["chains"].to_numpy()
    )
    later = np.resize(np.arange(1, 7), 153)
    return pd.DataFrame(
        {
            "length": np.concatenate([np.zeros(79, int), later, completed]),
            "outcome": ["dropped"] * (79 + 153) + ["completed"] * 64,
        }
    )


def test_milgram_starter_dropout_is_79_of_296_exactly():
    fit = search_chains(milgram_chains(), model="starter+per_step")
    row = fit.params().set_index("parameter").loc["starter_dropout"]
    assert row.estimate == 79 / 296
    assert row.n == 296
    assert fit.identifiable
    # the likelihood-ratio interval of a binomial
    drop = stats.chi2.ppf(0.95, 1) / 2

    def ll(p):
        return 79 * np.log(p) + 217 * np.log1p(-p)

    for end in (row.ci_low, row.ci_high):
        assert ll(79 / 296) - ll(end) == pytest.approx(drop, abs=1e-9)
    sentence = fit.sentence()
    assert "about 1 in 4 starters never sent" in sentence.lower()
    assert "27%" in sentence


def test_models_nest_and_the_constant_rate_is_drops_over_decisions():
    chains = milgram_chains()
    const = search_chains(chains, model="constant")
    two = search_chains(chains, model="starter+per_step")
    beta = search_chains(chains, model="beta_per_chain")
    decisions = chains["length"].sum() + (chains["outcome"] == "dropped").sum()
    assert const.params().loc[0, "estimate"] == pytest.approx(232 / decisions)
    assert two.loglik >= const.loglik - 1e-9
    assert beta.loglik >= const.loglik - 0.01  # a Beta can be near-constant
    assert two.aic == pytest.approx(4 - 2 * two.loglik)


def test_search_results_are_accepted_and_recover_per_step_dropout():
    # a path to the target: every holder forwards with 0.7 until the end
    import networkx as nx

    net = referral.from_networkx(nx.path_graph(12), strength=1.0, activity=0.7)
    res = referral.search(net, starts=[0] * 4000, targets=[11], seed=4)
    fit = search_chains(res.chains(), model="constant")
    row = fit.params().iloc[0]
    assert row.ci_low <= 0.3 <= row.ci_high


@pytest.mark.stat
def test_constant_dropout_interval_covers():
    rng = np.random.default_rng(11)
    reps, r = 400, 0.35
    hits = 0
    for _ in range(reps):
        length = rng.geometric(r, size=40) - 1  # forwards before the drop
        done = length >= 6
        length = np.minimum(length, 6)
        chains = pd.DataFrame(
            {"length": length, "outcome": np.where(done, "completed", "dropped")}
        )
        row = search_chains(chains, model="constant").params().iloc[0]
        hits += row.ci_low <= r <= row.ci_high
    lo, hi = stats.binom.ppf([0.005, 0.995], reps, 0.95)
    assert lo <= hits <= hi


def test_dodds_histogram_is_not_identifiable_and_says_so():
    hist = empirical_chain_lengths().query("study == 'dodds2003'")
    fit = chain_histogram(hist, started=24_163)
    assert not fit.identifiable
    assert "fit every per-step drop-out of at least" in fit.reason
    floor = fit.params().loc[0, "estimate"]
    # the floor: every started chain completes at that rate
    L = hist["intermediaries"].to_numpy() + 1
    assert np.sum(hist["chains"].to_numpy() / 24_163 * (1 - floor) ** -L) == (
        pytest.approx(1.0)
    )
    sentence = fit.sentence()
    assert "cannot tell" in sentence
    assert f"at least {100 * floor:.0f}%" in sentence


def test_dodds_under_the_heterogeneity_assumption_median_is_5_to_7():
    hist = empirical_chain_lengths().query("study == 'dodds2003'")
    fit = chain_histogram(hist, started=24_163, assume="beta_per_chain")
    assert not fit.identifiable
    p = fit.params().set_index("parameter")
    med = p.loc["corrected_median_length"]
    assert 5 <= med.estimate <= 7
    assert 5 <= med.ci_low <= med.ci_high <= 7
    const = chain_histogram(hist, started=24_163, assume="constant")
    r = const.params().set_index("parameter").loc["dropout", "estimate"]
    assert r == pytest.approx(0.46, abs=0.01)  # the r = 0.46
    sentence = fit.sentence()
    assert "Assuming each chain has its own chance" in sentence
    nums = re.findall(r"needed (\d+) steps", sentence)
    assert nums == [f"{med.estimate:.0f}"]


def test_bad_chain_input():
    with pytest.raises(ValueError, match="no column 'outcome'"):
        search_chains(pd.DataFrame({"length": [1]}))
    with pytest.raises(ValueError, match=r"rows \[1\] hold \['lost'\]"):
        search_chains(pd.DataFrame({"length": [1, 2], "outcome": ["dropped", "lost"]}))
    with pytest.raises(ValueError, match=r"whole numbers >= 0; rows \[0\]"):
        search_chains(pd.DataFrame({"length": [-1], "outcome": ["dropped"]}))
    with pytest.raises(ValueError, match="is empty"):
        search_chains(pd.DataFrame({"length": [], "outcome": []}))
    hist = empirical_chain_lengths().query("study == 'dodds2003'")
    with pytest.raises(ValueError, match="smaller than the 402 completed"):
        chain_histogram(hist, started=100)
    with pytest.raises(referral.InvalidParameterError, match="'assume' parameter"):
        chain_histogram(hist, started=24_163, assume="magic")


def test_beta_per_chain_words_follow_the_concentration():
    # Milgram's chains show no heterogeneity: the concentration runs to its
    # bound, and the sentence must not claim chains differed
    fit = search_chains(milgram_chains(), model="beta_per_chain")
    conc = fit.params().set_index("parameter").loc["dropout_concentration"]
    assert conc.ci_high >= 1e5
    assert "no sign that it differed" in fit.sentence()
    # strongly heterogeneous chains: half never drop, half drop at once
    chains = pd.DataFrame(
        {
            "length": [0] * 100 + [8] * 100,
            "outcome": ["dropped"] * 100 + ["completed"] * 100,
        }
    )
    het = search_chains(chains, model="beta_per_chain")
    assert (
        het.params().set_index("parameter").loc["dropout_concentration", "ci_high"]
        < 1e5
    )
    assert "it differed from chain to chain" in het.sentence()
