"""referral: recruiter referral-chain analysis.

Model people and their strong and weak ties as a :class:`ReferralNetwork`,
simulate how a recruiter's opening spreads and how candidates search toward
recruiters, and measure how much is lost to the people in between.

The submodules :mod:`referral.io`, :mod:`referral.plot`,
:mod:`referral.sweep`, :mod:`referral.report`, :mod:`referral.cli` and
:mod:`referral.calibrate` are
loaded on first use (``referral.io.read_edgelist(...)`` works after a plain
``import referral``), so ``import referral`` stays fast. ``referral.search``
and ``referral.spread`` are the functions; their result classes are
``referral.SearchResult`` and ``referral.SpreadResult``. Likewise
``referral.ambassadors`` is the function: import the module's other names
with ``from referral.ambassadors import ...`` or use
``referral.who_to_ask_sentences``. ``referral.analyse`` (the whole
analysis of a network, and its report) is :func:`referral.report.analyse`,
also loaded on first use.
"""

import importlib as _importlib

from referral import datasets, delays, interventions, lattice, populations, threshold
from referral._params import InvalidParameterError
from referral._validation import LargeRunWarning
from referral.ambassadors import ambassadors, reach_of_everyone, who_to_ask_sentences
from referral.analysis import (
    OtherPeopleCost,
    compare,
    dropoff,
    gatekeeper_sentence,
    gatekeepers,
    homophily,
    other_people_cost,
    representation,
    representation_sentences,
    tie_offers,
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
from referral.simulate import compare_incentives
from referral.spread import SpreadResult, spread
from referral.tie_strength import overlap_strength, reciprocity_strength

__version__ = "0.1.0"

__all__ = [
    "analyse",
    "ReferralNetwork",
    "SpreadResult",
    "SearchResult",
    "OtherPeopleCost",
    "LargeRunWarning",
    "InvalidParameterError",
    "PerChain",
    "PerPerson",
    "PerStep",
    "spread",
    "search",
    "dropoff",
    "other_people_cost",
    "tie_offers",
    "gatekeepers",
    "gatekeeper_sentence",
    "weak_tie_share",
    "compare",
    "compare_incentives",
    "representation",
    "representation_sentences",
    "homophily",
    "reach_of_everyone",
    "ambassadors",
    "who_to_ask_sentences",
    "kleinberg_lattice",
    "datasets",
    "delays",
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

#: submodules loaded on first attribute access (PEP 562)
_LAZY_SUBMODULES = ("io", "plot", "sweep", "report", "cli", "calibrate")


def __getattr__(name):
    if name == "analyse":  # referral.report.analyse, loaded on first use
        from referral.report import analyse

        globals()["analyse"] = analyse
        return analyse
    if name in _LAZY_SUBMODULES:
        module = _importlib.import_module(f"referral.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'referral' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES) | {"analyse"})
