"""Honest intervals of ``reach_of_everyone`` at the README's settings
(``samples=100_000, per_world=1000``: 100 worlds), on a network whose reaches
are known in closed form.

``u -> v`` carries with probability 0.02 and ``w -> v`` with 0.6; ``v`` acts
with probability 0.5 and tells all ``K`` leaves (the targets) surely. So
``u`` reaches ``0.01 K`` (a person who reaches the targets only in rare
worlds), ``w`` reaches ``0.3 K``, ``v`` exactly ``K`` and each leaf exactly 1.
Before the intervals, ``u`` came out as reach 0 with SE 0 in about a third of
runs: a certainty the samples do not give.
"""

import numpy as np
import pytest

from referral.network import from_arrays
from referral.whom_to_ask._ambassadors import reach_of_everyone

K = 5
REPS = 300


def _network():
    # ids: 0 u, 1 w, 2 v, 3 .. 3 + K - 1 leaves, 3 + K an isolated non-target
    leaves = np.arange(3, 3 + K)
    sources = np.concatenate([[0, 1], np.full(K, 2)])
    targets = np.concatenate([[2, 2], leaves])
    transmission = np.concatenate([[0.02, 0.6], np.ones(K)])
    activity = np.full(4 + K, 0.5)
    return from_arrays(
        4 + K,
        sources,
        targets,
        strength=1.0,
        transmission=transmission,
        activity=activity,
        candidates=leaves,
        directed=True,
    )


TRUTH = {0: 0.01 * K, 1: 0.3 * K, 2: float(K), 3: 1.0}


@pytest.mark.stat
def test_coverage_at_the_readme_settings():
    net = _network()
    covered = {person: 0 for person in TRUTH}
    zero_se = 0
    for rep in range(REPS):
        table = reach_of_everyone(net, samples=100_000, per_world=1000, seed=rep)
        assert (table["worlds"] == 100).all()
        for person, truth in TRUTH.items():
            row = table.iloc[person]
            covered[person] += row["reach_ci_low"] <= truth <= row["reach_ci_high"]
        # SE 0 only where the reach is exact (the isolated non-target)
        zero_se += int((table["reach_se"] == 0).sum() - 1)
        assert table["reach_se"].iloc[3 + K] == 0
        assert table["reach_ci_high"].iloc[3 + K] == 0
    assert zero_se == 0
    shares = {p: c / REPS for p, c in covered.items()}
    # 95% intervals: binomial acceptance band of 300 replications (about
    # +/- 3 SE); the exact bounds of rare and certain people may only over-cover
    assert shares[0] >= 0.92, shares
    assert shares[2] >= 0.92, shares
    assert 0.91 <= shares[1] <= 0.99, shares
    assert 0.91 <= shares[3] <= 0.99, shares


def test_rare_person_never_certain_zero():
    net = _network()
    for rep in range(40):
        row = reach_of_everyone(net, samples=100_000, per_world=1000, seed=rep).iloc[0]
        if row["holding_worlds"] == 0:
            assert row["reach_estimate"] == 0
            assert row["reach_se"] > 0
            # the rule of three over 100 worlds: up to about 3.7% of K
            assert row["reach_ci_high"] == pytest.approx(K * (1 - 0.025**0.01))
            return
    pytest.fail("no run left u out of every world; the test needs one")


def test_independent_samples_zero_count_gets_rule_of_three():
    net = _network()
    for seed in range(20):
        row = reach_of_everyone(net, samples=50, per_world=1, seed=seed).iloc[0]
        if row["holding_worlds"] == 0:
            break
    assert row["holding_worlds"] == 0 and row["reach_estimate"] == 0
    assert row["reach_se"] > 0
    assert row["reach_ci_high"] == pytest.approx(K * (1 - 0.025 ** (1 / 50)))


def test_level_bad_value():
    with pytest.raises(ValueError, match="'level' parameter"):
        reach_of_everyone(_network(), samples=10, level=1.5)
