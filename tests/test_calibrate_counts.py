"""referral.calibrate.referral_counts: closed forms, coverage, words, bad input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from referral.calibrate import referral_counts


def _log(counts):
    return pd.DataFrame({"referrer": np.repeat(np.arange(len(counts)), counts)})


def test_closed_forms():
    fit = referral_counts(_log([2, 1, 1]), eligible=10)
    p = fit.params().set_index("parameter")
    assert p.loc["participation", "estimate"] == 0.3
    assert p.loc["referrals_per_participant", "estimate"] == pytest.approx(4 / 3)
    assert p.loc["branching_factor", "estimate"] == pytest.approx(0.4)
    assert p.loc["participation", "n"] == 10


@pytest.mark.stat
def test_intervals_cover():
    rng = np.random.default_rng(2)
    reps, eligible, p_true, lam = 200, 60, 0.3, 1.5
    mean_true = lam / (1 - np.exp(-lam))
    truth = {
        "participation": p_true,
        "referrals_per_participant": mean_true,
        "branching_factor": p_true * mean_true,
    }
    hits = dict.fromkeys(truth, 0)
    for _ in range(reps):
        takers = rng.random(eligible) < p_true
        counts = []
        for _ in range(int(takers.sum())):
            c = 0
            while c == 0:
                c = rng.poisson(lam)
            counts.append(c)
        if not counts:
            continue
        table = referral_counts(_log(counts), eligible=eligible).params()
        for row in table.itertuples():
            hits[row.parameter] += row.ci_low <= truth[row.parameter] <= row.ci_high
    lo, hi = stats.binom.ppf([0.005, 0.995], reps, 0.95)
    for name, h in hits.items():
        assert lo <= h <= hi, (name, h)


def test_sentence_reads_back_the_table():
    fit = referral_counts(_log([3, 1, 2, 1, 1]), eligible=40)
    sentence = fit.sentence()
    table = fit.params().set_index("parameter")
    b = table.loc["branching_factor"]
    assert (
        f"{b.estimate:.2f} people on average (95% CI {b.ci_low:.2f} to "
        f"{b.ci_high:.2f})" in sentence
    )
    assert "die out on their own" in sentence  # the interval is below 1
    num = r"(\d+(?:\.\d)?)%"
    found = re.search(rf"\({num}; 95% CI {num} to {num}\)", sentence)
    pct = [float(x) for x in found.groups()]
    part = table.loc["participation"]
    expected = [100 * v for v in (part.estimate, part.ci_low, part.ci_high)]
    assert pct == pytest.approx(expected, abs=0.51)


def test_bad_input():
    with pytest.raises(ValueError, match="no column 'referrer'"):
        referral_counts(pd.DataFrame({"who": [1]}), eligible=3)
    with pytest.raises(ValueError, match="is empty"):
        referral_counts(pd.DataFrame({"referrer": []}), eligible=3)
    with pytest.raises(ValueError, match=r"\(1\) is smaller than the 2 people"):
        referral_counts(_log([1, 1]), eligible=1)


# ------------------------------------------- trees kept above a size (min_size)
def _trees(rng, p, lam, n_kept, min_size):
    """Galton-Watson referral trees; keep those of at least ``min_size``."""
    rows, kept, name = [], 0, 0
    while kept < n_kept:
        tree, queue = [], [name]
        name += 1
        size = 1
        while queue and size < 500:
            person = queue.pop()
            c = 0
            if rng.random() < p:
                c = 0
                while c == 0:
                    c = rng.poisson(lam)
            for _ in range(c):
                tree.append((person, name))
                queue.append(name)
                name += 1
                size += 1
        if size >= min_size:
            rows += tree
            kept += 1
    return pd.DataFrame(rows, columns=["referrer", "referred"])


def test_min_size_one_is_the_plain_tree_fit():
    # nobody is left out: participation = participants / people in the trees,
    # the mean per participant = referrals / participants
    log = pd.DataFrame({"referrer": ["a", "a", "b", "x"], "referred": list("bcdy")})
    fit = referral_counts(log, min_size=1)
    p = fit.params().set_index("parameter")
    assert p.loc["participation", "estimate"] == pytest.approx(3 / 6, abs=1e-6)
    assert p.loc["referrals_per_participant", "estimate"] == pytest.approx(
        4 / 3, abs=1e-5
    )
    assert p.loc["participation", "n"] == 6


def test_kept_chance_matches_simulation():
    from referral.calibrate._cascades import _log_kept

    rng = np.random.default_rng(3)
    p, lam, m, n = 0.5, 1.2, 4, 20000
    sizes = []
    for _ in range(n):
        size, queue = 1, 1
        while queue and size < m:
            queue -= 1
            if rng.random() < p:
                c = 0
                while c == 0:
                    c = rng.poisson(lam)
                queue += c
                size += c
        sizes.append(size)
    freq = np.mean(np.array(sizes) >= m)
    exact = np.exp(_log_kept(p, lam, m))
    assert abs(freq - exact) < 4 * np.sqrt(exact * (1 - exact) / n)


@pytest.mark.stat
def test_min_size_corrects_truncated_logs_and_its_intervals_cover():
    rng = np.random.default_rng(2010)
    p_true, lam, m, reps = 0.4, 1.0, 4, 120
    mean_true = lam / (1 - np.exp(-lam))
    truth = {
        "participation": p_true,
        "referrals_per_participant": mean_true,
        "branching_factor": p_true * mean_true,
    }
    hits = dict.fromkeys(truth, 0)
    naive = []
    for _ in range(reps):
        log = _trees(rng, p_true, lam, 40, m)
        table = referral_counts(log, min_size=m).params().set_index("parameter")
        for name, value in truth.items():
            hits[name] += bool(
                table.loc[name, "ci_low"] <= value <= table.loc[name, "ci_high"]
            )
        # left uncorrected: referrals per person in the kept trees
        naive.append(len(log) / len(set(log["referrer"]) | set(log["referred"])))
    lo, hi = stats.binom.ppf([0.005, 0.995], reps, 0.95)
    for name in truth:
        assert lo <= hits[name] <= hi, (name, hits[name] / reps)
    # without the correction the branching factor is far too high
    assert np.mean(naive) > 1.2 * truth["branching_factor"]
    print({k: v / reps for k, v in hits.items()}, np.mean(naive))


def test_min_size_bad_input():
    log = pd.DataFrame({"referrer": ["a", "a", "x"], "referred": ["b", "c", "y"]})
    with pytest.raises(
        ValueError, match=r"1 referral tree\(s\) smaller than min_size=3"
    ):
        referral_counts(log, min_size=3)
    with pytest.raises(ValueError, match="not used with min_size"):
        referral_counts(log, min_size=2, eligible=10)
    with pytest.raises(ValueError, match="needs eligible="):
        referral_counts(log)
    with pytest.raises(ValueError, match=r"referred more than once \(rows 0, 1\)"):
        referral_counts(
            pd.DataFrame({"referrer": ["a", "x"], "referred": ["b", "b"]}), min_size=1
        )
    with pytest.raises(ValueError, match="no column 'candidate'"):
        referral_counts(log, min_size=1, referred="candidate")
    with pytest.raises(ValueError, match="in a circle"):
        referral_counts(
            pd.DataFrame({"referrer": ["a", "b"], "referred": ["b", "a"]}), min_size=1
        )
