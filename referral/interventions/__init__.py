"""What-if interventions: pure functions that return a changed network.

Each function leaves its input untouched and returns a new
:class:`~referral.ReferralNetwork` with the same people in the same order, so
scenarios can be compared person by person with common random numbers
(:func:`referral.compare`).

Probabilities pushed outside [0, 1] by an additive change are **clipped, with
a warning** that says how many people were clipped; a target value outside
[0, 1] (``boost_activity(..., to=1.5)``) is an error.
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
