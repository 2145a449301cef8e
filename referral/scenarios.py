"""Scenarios side by side: :func:`compare` with paired differences.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from referral._analysis_common import (
    trial_mean_se,
)
from referral._params import Interval, validate_params
from referral._random import resolve_entropy
from referral._stats import Z95 as _Z95
from referral._stats import (
    normal_interval,
    paired_difference_se,
)
from referral.network import ReferralNetwork
from referral.search import SearchResult
from referral.spread import SpreadResult, spread

__all__ = ["compare"]


# -------------------------------------------------------------------- compare
def _per_trial_measures(result) -> dict[str, np.ndarray]:
    if isinstance(result, SpreadResult):
        trials = result.trials()
        return {
            "people_reached": trials["reached"].to_numpy(np.float64),
            "candidates_reached": trials["candidates_reached"].to_numpy(np.float64),
            "depth": trials["depth"].to_numpy(np.float64),
        }
    if isinstance(result, SearchResult):
        chains = result.chains()
        completed = (chains["outcome"] == "completed").to_numpy(np.float64)
        weak = (chains["weak_ties"] > 0).to_numpy(np.float64) * completed
        return {"completion_rate": completed, "completed_via_weak_tie": weak}
    raise TypeError(
        f"compare's simulate must return a SpreadResult or a SearchResult. Got "
        f"{type(result).__name__}."
    )


def _check_same_people(scenarios: Mapping[str, ReferralNetwork]) -> None:
    names = list(scenarios)
    first = scenarios[names[0]]
    for name in names[1:]:
        other = scenarios[name]
        if not isinstance(other, ReferralNetwork):
            raise TypeError(
                f"Scenario {name!r} is not a ReferralNetwork: {type(other).__name__}."
            )
        if other.n_people != first.n_people or not np.array_equal(
            other.labels, first.labels
        ):
            raise ValueError(
                f"compare needs scenarios with the same people in the same order "
                f"(as the interventions return); scenario {name!r} has "
                f"{other.n_people} people against {first.n_people} in "
                f"{names[0]!r}, or other labels."
            )
        if other.directed != first.directed:
            raise ValueError(
                f"Scenario {name!r} is {'directed' if other.directed else 'undirected'}"
                f" but {names[0]!r} is not."
            )


@validate_params(
    {
        "scenarios": [Mapping],
        "simulate": [callable],
        "trials": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
    }
)
def compare(
    scenarios: Mapping[str, ReferralNetwork],
    simulate: Callable = spread,
    *,
    trials: int = 500,
    seed=None,
    n_jobs: int | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Run scenarios side by side with common random numbers.

    Parameters
    ----------
    scenarios : dict of str to ReferralNetwork
        The first is the reference. All must have the same people in the
        same order, as the functions in :mod:`referral.interventions` return.
    simulate : callable, default :func:`referral.spread`
        :func:`referral.spread`, :func:`referral.search` or any function
        ``f(network, *, trials, seed, n_jobs, **kwargs)`` returning one of
        their results. For ``search``, ``trials`` is chains per start.
    trials : int, default 500
        Number of simulated trials.
    seed : None, int, SeedSequence or Generator
        One seed for every scenario.
    n_jobs : int, optional
        Worker threads (None is 1, -1 all cores); results do not depend on it.
    **kwargs
        Passed to ``simulate`` (for example ``sources=``, ``max_hops=``).

    Returns
    -------
    pandas.DataFrame
        One row per scenario and measure (spread: ``people_reached``,
        ``candidates_reached``, ``depth`` per trial; search:
        ``completion_rate`` and ``completed_via_weak_tie`` per chain):

        - ``scenario`` (object), ``measure`` (object).
        - ``mean``, ``se``, ``ci_low``, ``ci_high`` (float64): the measure
          with its 95% interval.
        - ``diff``, ``diff_se``, ``diff_ci_low``, ``diff_ci_high`` (float64):
          the paired difference from the first scenario (trial by trial, or
          chain by chain) with its interval; exactly 0 for the first.

        ``attrs["seed_entropy"]`` holds the shared seed.

    Raises
    ------
    ValueError
        If there are no scenarios, or their people differ.
    TypeError
        If a scenario is not a network.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.interventions import referral_bonus
    >>> net = from_networkx(nx.karate_club_graph(), strength=0.5, activity=0.3,
    ...                     recruiters=[0], candidates=[33])
    >>> table = compare({"today": net, "bonus": referral_bonus(net, 0.3)},
    ...                 trials=200, seed=1)
    >>> row = table.query("scenario == 'bonus' and measure == 'people_reached'")
    >>> bool(row["diff_ci_low"].iloc[0] > 0)
    True
    """
    if not isinstance(scenarios, Mapping) or len(scenarios) == 0:
        raise ValueError("compare needs a non-empty dict of {name: network}.")
    first = next(iter(scenarios.values()))
    if not isinstance(first, ReferralNetwork):
        raise TypeError(
            f"Scenario {next(iter(scenarios))!r} is not a ReferralNetwork: "
            f"{type(first).__name__}."
        )
    _check_same_people(scenarios)
    entropy = resolve_entropy(seed, function="compare")
    per_scenario = {}
    for name, network in scenarios.items():
        result = simulate(network, trials=trials, seed=entropy, n_jobs=n_jobs, **kwargs)
        per_scenario[name] = _per_trial_measures(result)
    reference = per_scenario[next(iter(scenarios))]
    rows = []
    for name, measures in per_scenario.items():
        for measure, values in measures.items():
            mean, se = trial_mean_se(values)
            diff, diff_se = paired_difference_se(values, reference[measure], single=0.0)
            rows.append(
                (
                    name,
                    measure,
                    mean,
                    se,
                    *normal_interval(mean, se, _Z95),
                    diff,
                    diff_se,
                    *normal_interval(diff, diff_se, _Z95),
                )
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "measure",
            "mean",
            "se",
            "ci_low",
            "ci_high",
            "diff",
            "diff_se",
            "diff_ci_low",
            "diff_ci_high",
        ],
    )
    table.attrs["seed_entropy"] = entropy
    return table
