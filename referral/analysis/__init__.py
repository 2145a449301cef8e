"""The "other people" bottleneck: where reach is lost, and to whom.

Drop-off, its cost, the threshold, gatekeepers, weak ties, side-by-side
scenarios and representation:

* :func:`dropoff`: per hop (spread), in people: who held the opening, who
  passed it on, whom they newly reached, and the people the non-acting
  intermediaries cost (a paired everyone-acts run); per step (search), the
  chains and what ended them.
* :func:`tie_offers`: the detailed tie-by-tie accounting of a spread.
* :func:`other_people_cost`: reach as it is, if every intermediary acted, and
  as a function of a multiplier on everyone's activity: the simulated reach
  distribution (median, share of openings reaching a sizeable part of the
  network), the simulated critical activity with its interval, and the
  analytic estimate (non-backtracking radius).
* :func:`gatekeepers`: people ranked by chain credit and by counterfactual
  loss (reach lost when they do not act), with common random numbers, a top
  group of the people the data cannot order, and optional racing;
  :func:`referral.wording.gatekeeper_sentence` says it in words.
* :func:`weak_tie_share`: how much of the success runs over weak ties.
* :func:`compare`: scenarios side by side with paired differences.
* :func:`representation`: who gets reached, group by group (any person
  attribute) against a pool, with intervals and per hop;
  :func:`homophily` says how much ties stay within the groups;
  :mod:`referral.wording` says both in words.
* The analytic threshold: :func:`nonbacktracking_radius`,
  :func:`adjacency_radius`, :func:`critical_multiplier` and
  :func:`configuration_model_threshold`.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).

The private rooms are ``_dropoff`` (drop-off and tie-offers),
``_other_people`` (the cost of the people in between), ``_threshold``,
``_gatekeepers``, ``_weak_ties``, ``_compare`` and ``_representation``.
"""

from __future__ import annotations

from referral._core.moved import moved_name
from referral.analysis._compare import compare
from referral.analysis._compare_incentives import compare_incentives
from referral.analysis._dropoff import (
    SEARCH_LOSS_COLUMNS,
    SPREAD_LOSS_COLUMNS,
    dropoff,
    tie_offers,
)
from referral.analysis._gatekeepers import gatekeepers
from referral.analysis._other_people import OtherPeopleCost, other_people_cost
from referral.analysis._representation import homophily, representation
from referral.analysis._threshold import (
    adjacency_radius,
    configuration_model_threshold,
    critical_multiplier,
    nonbacktracking_radius,
)
from referral.analysis._weak_ties import weak_tie_share

__all__ = [
    "dropoff",
    "tie_offers",
    "other_people_cost",
    "OtherPeopleCost",
    "gatekeepers",
    "weak_tie_share",
    "compare",
    "compare_incentives",
    "representation",
    "homophily",
    "SPREAD_LOSS_COLUMNS",
    "SEARCH_LOSS_COLUMNS",
    "nonbacktracking_radius",
    "adjacency_radius",
    "critical_multiplier",
    "configuration_model_threshold",
]

#: sentences that moved to :mod:`referral.wording`
_MOVED_TO_WORDING = (
    "gatekeeper_sentence",
    "representation_sentences",
    "homophily_sentence",
)


def __getattr__(name):
    if name in _MOVED_TO_WORDING:
        return moved_name(__name__, name, "referral.wording")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
