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
