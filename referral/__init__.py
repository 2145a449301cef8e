"""referral: recruiter referral-chain analysis.

Model people and their strong and weak ties as a :class:`ReferralNetwork`,
simulate how a recruiter's opening spreads and how candidates search toward
recruiters, and measure how much is lost to the people in between.
"""

from referral import datasets, interventions, lattice, populations, threshold
from referral._validation import LargeRunWarning
from referral.analysis import (
    OtherPeopleCost,
    compare,
    dropoff,
    gatekeepers,
    other_people_cost,
    weak_tie_share,
)
from referral.lattice import kleinberg_lattice
from referral.network import (
    ReferralNetwork,
    default_transmission,
    from_arrays,
    from_networkx,
)
from referral.search import PerChain, PerPerson, PerStep, SearchResult, search
from referral.spread import SpreadResult, spread
from referral.tie_strength import overlap_strength, reciprocity_strength

__version__ = "0.1.0"

__all__ = [
    "ReferralNetwork",
    "SpreadResult",
    "SearchResult",
    "OtherPeopleCost",
    "LargeRunWarning",
    "PerChain",
    "PerPerson",
    "PerStep",
    "spread",
    "search",
    "dropoff",
    "other_people_cost",
    "gatekeepers",
    "weak_tie_share",
    "compare",
    "kleinberg_lattice",
    "datasets",
    "interventions",
    "lattice",
    "populations",
    "threshold",
    "default_transmission",
    "from_arrays",
    "from_networkx",
    "overlap_strength",
    "reciprocity_strength",
    "__version__",
]
