"""IMM's sample sizes and the measurement of a pick order on fresh samples.

Used by :func:`referral.whom_to_ask._ambassadors.ambassadors`; see its Notes.
"""

from __future__ import annotations

import math

import numpy as np

from referral._core.stats import binomial_se, discordant_difference

__all__ = ["imm_sample_sizes", "measure_prefixes", "spread_check"]


def _log_binomial(m, k):
    return math.lgamma(m + 1) - math.lgamma(k + 1) - math.lgamma(m - k + 1)


def imm_sample_sizes(n_targets, n_eligible, k, epsilon, delta):
    """IMM's constants: ``(epsilon_prime, lambda_prime, lambda_star)``.

    The failure probability ``delta`` is split evenly between the sampling
    phase (the lower bound on the optimum) and the selection phase.

    Parameters
    ----------
    n_targets : int
        Number of targets (the largest possible reach).
    n_eligible : int
        Number of people who could be asked.
    k : int
        How many people are asked.
    epsilon, delta : float
        IMM's approximation slack and failure probability, in (0, 1).

    Returns
    -------
    tuple of float
        ``sqrt(2) * epsilon``; ``lambda_prime``, the sampling phase's samples
        times the trial lower bound ``x``; and ``lambda_star``, the selection
        phase's samples times the lower bound ``LB`` on the best reach.

    Examples
    --------
    >>> e1, l1, l2 = imm_sample_sizes(1000, 1000, 5, 0.1, 0.001)
    >>> round(e1, 4), l1 > 0, l2 > l1
    (0.1414, True, True)
    """
    log_c = _log_binomial(n_eligible, k)
    log_fail = math.log(2.0 / delta)
    eps1 = math.sqrt(2.0) * epsilon
    rounds = max(1.0, math.log2(n_targets))
    lambda1 = (
        (2.0 + 2.0 / 3.0 * eps1)
        * (log_c + log_fail + math.log(rounds))
        * n_targets
        / eps1**2
    )
    share = 1.0 - 1.0 / math.e
    alpha = math.sqrt(log_fail + math.log(2.0))
    beta = math.sqrt(share * (log_c + log_fail + math.log(2.0)))
    lambda2 = 2.0 * n_targets * (share * alpha + beta) ** 2 / epsilon**2
    return eps1, lambda1, lambda2


def measure_prefixes(first_a, first_b, k, n_targets):
    """Per prefix ``1 .. k``: reach of both lists, gains and paired difference."""
    theta = len(first_a)
    count_a = np.bincount(np.minimum(first_a, k + 1), minlength=k + 2)[1 : k + 1]
    count_b = np.bincount(np.minimum(first_b, k + 1), minlength=k + 2)[1 : k + 1]
    covered_a = np.cumsum(count_a)
    covered_b = np.cumsum(count_b)
    # samples covered by one list's first i people and not by the other's
    a_only = np.empty(k, dtype=np.int64)
    b_only = np.empty(k, dtype=np.int64)
    both = np.minimum(first_a, first_b)
    count_both = np.bincount(np.minimum(both, k + 1), minlength=k + 2)[1 : k + 1]
    covered_any = np.cumsum(count_both)
    a_only[:] = covered_any - covered_b
    b_only[:] = covered_any - covered_a

    def share_and_se(count):
        p = count / theta
        return n_targets * p, n_targets * binomial_se(p, theta)

    reach, reach_se = share_and_se(covered_a)
    gain, gain_se = share_and_se(count_a)
    degree_reach, degree_reach_se = share_and_se(covered_b)
    mean_d, se_d = discordant_difference(a_only, b_only, theta)
    return {
        "gain_estimate": gain,
        "gain_se": gain_se,
        "reach_estimate": reach,
        "reach_se": reach_se,
        "degree_reach_estimate": degree_reach,
        "degree_reach_se": degree_reach_se,
        "difference_estimate": n_targets * mean_d,
        "difference_se": n_targets * se_d,
    }


def spread_check(network, mask, picks, by_degree, trials, seed, workers, **timed):
    """Forward ``spread`` from every prefix of both lists, same trials
    (``timed``: the ``delay`` and ``deadline`` of a time-critical run)."""
    from referral.simulate._spread import spread

    k = len(picks)
    columns = {
        name: np.full(k, np.nan)
        for name in (
            "spread_reach_estimate",
            "spread_reach_se",
            "degree_spread_reach_estimate",
            "degree_spread_reach_se",
        )
    }
    if trials == 0:
        return columns
    checked = network
    if not np.array_equal(mask, network.is_candidate):
        checked = network.replace(is_candidate=mask)
    for prefix, mean_name, se_name in (
        (picks, "spread_reach_estimate", "spread_reach_se"),
        (by_degree, "degree_spread_reach_estimate", "degree_spread_reach_se"),
    ):
        for i in range(k):
            result = spread(
                checked,
                network.labels[prefix[: i + 1]],
                trials=trials,
                keep_chains=0,
                record="reach",
                seed=seed,
                n_jobs=workers,
                **timed,
            )
            row = result.summary().set_index("measure").loc["candidates_reached"]
            columns[mean_name][i] = row["estimate"]
            columns[se_name][i] = row["se"]
    return columns
