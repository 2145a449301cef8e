"""The "other people" bottleneck: drop-off, its cost, gatekeepers, weak ties,
and side-by-side scenarios.

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
  :func:`gatekeeper_sentence` says it in words.
* :func:`weak_tie_share`: how much of the success runs over weak ties.
* :func:`compare`: scenarios side by side with paired differences.
* :func:`representation`: who gets reached, group by group (any person
  attribute) against a pool, with intervals and per hop;
  :func:`homophily` says how much ties stay within the groups;
  :func:`representation_sentences` and :func:`homophily_sentence` say it in
  words.

All simulations here reuse one seed across scenarios. The engine's random
numbers are a function of (seed, trial, person or tie), so two networks that
differ in one person see identical draws everywhere else: differences
between scenarios are signal, not noise (common random numbers).

This module gathers them from where they live: :mod:`referral.funnel`
(drop-off and tie-offers), :mod:`referral.other_people` (the cost of the
people in between), :mod:`referral.gatekeeping` (the ranking),
:mod:`referral.gatekeeper_words` (its sentence), :mod:`referral.weak_ties`,
:mod:`referral.scenarios` (compare) and the private rooms
``referral._representation`` and ``referral._representation_words``.
"""

from __future__ import annotations

from referral import funnel
from referral._representation import homophily, representation
from referral._representation_words import (
    homophily_sentence,
    representation_sentences,
)
from referral.funnel import dropoff, tie_offers
from referral.gatekeeper_words import gatekeeper_sentence
from referral.gatekeeping import gatekeepers
from referral.other_people import OtherPeopleCost, other_people_cost
from referral.scenarios import compare
from referral.weak_ties import weak_tie_share

__all__ = [
    "dropoff",
    "tie_offers",
    "other_people_cost",
    "OtherPeopleCost",
    "gatekeepers",
    "gatekeeper_sentence",
    "weak_tie_share",
    "compare",
    "representation",
    "representation_sentences",
    "homophily",
    "homophily_sentence",
    "SPREAD_LOSS_COLUMNS",
    "SEARCH_LOSS_COLUMNS",
]

#: The loss columns of a spread's :func:`tie_offers` table, in drawing order:
#: every tie-offer of a holder that did not reach someone new, by cause.
SPREAD_LOSS_COLUMNS = funnel.SPREAD_LOSS_COLUMNS
#: The loss columns of a search's :func:`dropoff` table, in drawing order:
#: chains that ended without reaching a target, by cause.
SEARCH_LOSS_COLUMNS = funnel.SEARCH_LOSS_COLUMNS
