"""Helpers and column lists shared by the analysis modules and the report.

The column lists of the drop-off tables (:mod:`referral.analysis`) and of the
cost tables (:mod:`referral.analysis`) live here so the report can check a
saved table against them without reaching into those modules.
"""

from __future__ import annotations

import numpy as np

from referral._core.stats import (
    mean_se,
)

__all__ = [
    "trial_mean_se",
    "BY_HOP_PEOPLE",
    "BY_STEP",
    "COST_COLUMNS",
    "CURVE_COLUMNS",
]


def trial_mean_se(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard error of per-trial values (SE 0 for one trial)."""
    # one trial: se 0, as this module has always reported
    return mean_se(values, single=0.0)


#: the people columns of a spread's by-hop table (:func:`referral.dropoff`)
BY_HOP_PEOPLE = ["hop", "held_mean", "acted_mean", "arrived_mean"]


#: the columns of a search's by-step table (:func:`referral.dropoff`)
BY_STEP = [
    "step",
    "alive",
    "attempts",
    "dropped",
    "completed",
    "dead_end",
    "step_limit",
]


#: the columns of :meth:`referral.OtherPeopleCost.table`
COST_COLUMNS = [
    "scenario",
    "method",
    "multiplier",
    "multiplier_ci_low",
    "multiplier_ci_high",
    "mean_activity_estimate",
    "mean_activity_ci_low",
    "mean_activity_ci_high",
    "people_reached_estimate",
    "people_reached_ci_low",
    "people_reached_ci_high",
    "people_reached_median",
    "sizeable_share_estimate",
    "sizeable_share_ci_low",
    "sizeable_share_ci_high",
    "candidates_reached_estimate",
    "n_people",
    "sizeable_fraction",
    "sizeable_people",
    "sources",
    "trials",
    "acyclic",
    "direct_reach",
    "branching_estimate",
    "branching_ci_low",
    "branching_ci_high",
]


#: the columns of the ``curve`` table of :class:`referral.OtherPeopleCost`
CURVE_COLUMNS = [
    "multiplier",
    "mean_activity_estimate",
    "people_reached_estimate",
    "people_reached_se",
    "people_reached_ci_low",
    "people_reached_ci_high",
    "people_reached_median",
    "people_reached_q10",
    "people_reached_q90",
    "sizeable_share_estimate",
    "sizeable_share_ci_low",
    "sizeable_share_ci_high",
    "candidates_reached_estimate",
    "candidates_reached_se",
    "reach_share",
    "branching_estimate",
    "branching_se",
    "branching_ci_low",
    "branching_ci_high",
]
