"""Kleinberg and Raghavan's query incentive equilibrium: the recursion
checked against a simulation of the strategies on random trees, its first
steps in closed form, the linear-versus-exponential growth of the reward
with depth by fitted slopes, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from referral import InvalidParameterError
from referral.interventions import query_equilibrium, query_reward


def test_first_steps_in_closed_form():
    """q(1) = p; a person offered 2 passes on 1, so q(2) = p + (1 - p)(1 -
    (1 - p)^3) on the 3-ary tree."""
    p = 1 / 50
    table = query_equilibrium(3.0, 50.0, max_reward=5)
    assert table["success"].iloc[0] == 0.0
    assert table["success"].iloc[1] == pytest.approx(p)
    assert table["passed_on"].iloc[2] == 1
    assert table["success"].iloc[2] == pytest.approx(p + (1 - p) * (1 - (1 - p) ** 3))
    assert (table["kept"] + table["passed_on"] == table["reward"]).iloc[2:].all()


@pytest.mark.parametrize("branching", [1.5, 2.6])
def test_success_matches_a_simulation_of_the_strategies(branching):
    """Play the equilibrium strategies on random Galton-Watson trees (floor(b)
    or floor(b) + 1 contacts) and count how often the hire is found."""
    rarity, top = 15.0, 9
    table = query_equilibrium(branching, rarity, max_reward=top)
    passed = table["passed_on"].to_numpy()
    rng = np.random.default_rng(3)
    k = math.floor(branching)

    def found(r):
        if r == 0:
            return False
        if rng.random() < 1 / rarity:
            return True
        s = passed[r]
        children = k + (rng.random() < branching - k)
        hit = False
        for _ in range(children):  # every child is asked, as in the model
            hit = found(s) or hit
        return hit

    reps = 4000
    for r in (2, 5, top):
        share = np.mean([found(r) for _ in range(reps)])
        truth = table["success"].iloc[r]
        se = math.sqrt(truth * (1 - truth) / reps)
        assert abs(share - truth) < 4.5 * se, (r, share, truth)


def slopes(depths, values):
    """Least-squares slopes on the first and the second half of the depths."""
    h = len(depths) // 2
    return (
        np.polyfit(depths[:h], values[:h], 1)[0],
        np.polyfit(depths[h:], values[h:], 1)[0],
    )


@pytest.mark.parametrize("branching", [2.5, 3.0])
def test_reward_grows_linearly_in_depth_above_branching_two(branching):
    depths = np.arange(4, 31)
    reward = np.array([query_reward(branching, int(d)) for d in depths], float)
    early, late = slopes(depths, reward)
    assert late > 0 and 0.8 <= late / early <= 1.25, (early, late)
    log_early, log_late = slopes(depths, np.log(reward))
    assert log_late < 0.6 * log_early, (log_early, log_late)  # not exponential


@pytest.mark.parametrize("branching", [1.3, 1.5, 1.8])
def test_reward_grows_exponentially_in_depth_below_branching_two(branching):
    depths = np.arange(6, 16 if branching < 1.7 else 20)
    reward = np.array([query_reward(branching, int(d)) for d in depths], float)
    log_early, log_late = slopes(depths, np.log(reward))
    assert log_late >= 0.2 and 0.4 <= log_late / log_early <= 2.5, (
        log_early,
        log_late,
    )
    early, late = slopes(depths, reward)
    assert late > 4 * early, (early, late)  # not linear


def test_bad_input_names_the_parameter():
    with pytest.raises(InvalidParameterError, match="branching"):
        query_reward(1.0, 5)
    with pytest.raises(InvalidParameterError, match="depth"):
        query_reward(2.0, 0)
    with pytest.raises(InvalidParameterError, match="success"):
        query_reward(2.0, 3, success=1.0)
    with pytest.raises(InvalidParameterError, match="'max_reward' parameter.*10"):
        query_reward(1.3, 15, max_reward=10)
    with pytest.raises(InvalidParameterError, match="rarity"):
        query_equilibrium(2.0, 0.5)
