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

from referral._core.params import Interval, validate_params
from referral._core.renamed import with_old_names
from referral._core.rng import resolve_entropy
from referral._core.stats import (
    normal_interval,
    paired_difference_se,
    z_for,
)
from referral.analysis._common import (
    trial_mean_se,
)
from referral.network._referral_network import ReferralNetwork
from referral.simulate._search import SearchResult
from referral.simulate._spread import SpreadResult, spread

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
        "by": [str, None],
        "level": [Interval(float, 0, 1, closed="neither")],
        "progress": ["boolean"],
    }
)
def compare(
    scenarios: Mapping[str, ReferralNetwork],
    simulate: Callable = spread,
    *,
    trials: int = 500,
    seed=None,
    n_jobs: int | None = None,
    by: str | None = None,
    pool=None,
    level: float = 0.95,
    progress: bool = False,
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
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the random numbers; the same seed gives the same result. One
        seed for every scenario, so they share their random numbers.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    by : str, optional
        A person attribute: add, for spreads, each group's share of the
        people reached (``share_reached``) and its ratio to the group's share
        of the pool (``ratio``), as :func:`referral.analysis.representation`
        computes them over all hops, with paired differences (the same kept
        trials in every scenario).
    pool : None, "candidates" or iterable of labels, default None
        The pool for ``by`` (see :func:`referral.analysis.representation`).
    level : float, default 0.95
        Confidence level of every interval, strictly between 0 and 1.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. One bar per
        scenario's run: ``simulate`` gets ``progress=True`` (and nothing when
        False, so a ``simulate`` without the parameter still works).
    **kwargs
        Passed to ``simulate`` (for example ``sources=``, ``max_hops=``).

    Returns
    -------
    pandas.DataFrame
        One row per scenario and measure (spread: ``people_reached``,
        ``candidates_reached``, ``depth`` per trial; search:
        ``completion_rate`` and ``completed_via_weak_tie`` per chain):

        - ``scenario`` (object), ``measure`` (object).
        - ``estimate``, ``se``, ``ci_low``, ``ci_high`` (float64): the
          measure (a mean over trials or chains) with its interval at
          ``level``. The old name ``mean`` still reads ``estimate`` for one
          release, with a :class:`FutureWarning`.
        - ``diff``, ``diff_se``, ``diff_ci_low``, ``diff_ci_high`` (float64):
          the paired difference from the first scenario (trial by trial, or
          chain by chain) with its interval; exactly 0 for the first.
        - ``level`` (float64): the confidence level of both intervals.

        With ``by``, a ``group`` column follows ``measure`` (``None`` on the
        rows that are not about a group), and the rows ``share_reached`` and
        ``ratio`` come once per group: their intervals use the delta method
        of :func:`referral.analysis.representation`, and the paired
        difference of two scenarios uses the difference of each trial's
        contributions.

        ``attrs["seed_entropy"]`` holds the shared seed.

    Raises
    ------
    ValueError
        If there are no scenarios, or their people differ, or ``by`` is given
        with a search.
    KeyError
        If ``by`` is not a person attribute.
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
    if by is not None:  # a missing attribute fails before any simulation
        from referral.analysis._representation import group_codes

        group_codes(first, by, function="compare")
    z = z_for(level, function="compare")
    entropy = resolve_entropy(seed, function="compare")
    if progress:
        kwargs = {**kwargs, "progress": True}
    per_scenario = {}
    groups_of = {}
    for name, network in scenarios.items():
        result = simulate(network, trials=trials, seed=entropy, n_jobs=n_jobs, **kwargs)
        per_scenario[name] = _per_trial_measures(result)
        if by is not None:
            groups_of[name] = _group_parts(result, by, pool)
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
                    *normal_interval(mean, se, z),
                    diff,
                    diff_se,
                    *normal_interval(diff, diff_se, z),
                )
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "measure",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "diff",
            "diff_se",
            "diff_ci_low",
            "diff_ci_high",
        ],
    )
    if by is not None:
        table = _with_group_rows(table, groups_of, next(iter(scenarios)), z)
    table["level"] = float(level)
    table.attrs["seed_entropy"] = entropy
    return with_old_names(table, "compare")


def _group_parts(result, by, pool):
    from referral.analysis._representation import representation_parts

    if not isinstance(result, SpreadResult):
        raise ValueError(
            f"compare(by={by!r}) breaks the reach of a spread down by group; "
            f"simulate returned a {type(result).__name__}."
        )
    blocks = representation_parts(result, by, pool, function="compare")
    return next(b for b in blocks if b["among"] == "people" and b["hop"] is None)


def _with_group_rows(table, groups_of, first, z):
    """Add each group's share reached and ratio, with paired differences."""
    reference = groups_of[first]
    rows = []
    for name, block in groups_of.items():
        if list(block["groups"]) != list(reference["groups"]):
            raise ValueError(
                f"compare(by=...): scenario {name!r} has the groups "
                f"{list(block['groups'])!r} in the pool, {first!r} has "
                f"{list(reference['groups'])!r}; give every scenario the same "
                f"attribute values."
            )
        n = block["n"]
        for g, group in enumerate(block["groups"]):
            p = block["pool_share"][g]
            psi, psi_ref = block["psi"][:, g], reference["psi"][:, g]
            se = float(psi.std(ddof=1) / np.sqrt(n))
            diff = float(block["share"][g] - reference["share"][g])
            diff_se = float((psi - psi_ref).std(ddof=1) / np.sqrt(n))
            for measure, scale in (("share_reached", 1.0), ("ratio", 1.0 / p)):
                est = float(block["share"][g]) * scale
                rows.append(
                    (
                        name,
                        measure,
                        group,
                        est,
                        se * scale,
                        *normal_interval(est, se * scale, z),
                        diff * scale,
                        diff_se * scale,
                        *normal_interval(diff * scale, diff_se * scale, z),
                    )
                )
    table = table.copy()
    table.insert(2, "group", pd.Series([None] * len(table), dtype=object))
    extra = pd.DataFrame(rows, columns=list(table.columns))
    extra["group"] = extra["group"].astype(object)
    return pd.concat([table, extra], ignore_index=True)
