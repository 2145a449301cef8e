"""What-if interventions: changed networks, referral bonus schemes and responses.

The network changes (:func:`boost_activity`, :func:`referral_bonus`,
:func:`scale_activity`, :func:`add_weak_ties`, :func:`add_channel`,
:func:`remove_people`) leave their input untouched and return a new
:class:`~referral.ReferralNetwork` with the same people in the same order, so
scenarios can be compared person by person with common random numbers
(:func:`referral.compare`).

Probabilities pushed outside [0, 1] by an additive change are **clipped, with
a warning** that says how many people were clipped; a target value outside
[0, 1] (``boost_activity(..., to=1.5)``) is an error.

The bonus schemes (:class:`Flat`, :class:`Recursive`, :class:`Capped`) say who
is paid what along the chain that led to a hire, and the responses
(:class:`Saturating`, :class:`Linear`) how money changes activity; both are
used by :func:`referral.simulate.funnel` and
:func:`referral.analysis.compare_incentives`. :func:`query_equilibrium` and
:func:`query_reward` give the Kleinberg-Raghavan query-incentive equilibrium
on its own random trees.
"""

from referral.interventions._changes import (
    add_channel,
    add_weak_ties,
    boost_activity,
    referral_bonus,
    remove_people,
    scale_activity,
)
from referral.interventions._incentives import (
    Capped,
    Flat,
    Linear,
    Recursive,
    Saturating,
)
from referral.interventions._query_incentives import query_equilibrium, query_reward

__all__ = [
    "boost_activity",
    "referral_bonus",
    "scale_activity",
    "add_weak_ties",
    "add_channel",
    "remove_people",
    "Flat",
    "Recursive",
    "Capped",
    "Saturating",
    "Linear",
    "query_equilibrium",
    "query_reward",
]
