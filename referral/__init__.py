"""referral: recruiter referral-chain analysis.

Model people and their strong and weak ties as a :class:`ReferralNetwork`,
simulate how a recruiter's opening spreads and how candidates search toward
recruiters, and measure how much is lost to the people in between.

The public subpackages are rooms a newcomer can name:
:mod:`referral.network` (the model, builders and generators),
:mod:`referral.simulate` (spread and search), :mod:`referral.analysis`
(drop-off, cost, threshold, gatekeepers, weak ties, compare,
representation), :mod:`referral.whom_to_ask`, :mod:`referral.wording` (every
sentence), :mod:`referral.interventions`, :mod:`referral.datasets`, and,
loaded on first use so that ``import referral`` stays fast,
:mod:`referral.io`, :mod:`referral.plot`, :mod:`referral.sweep`,
:mod:`referral.report`, :mod:`referral.cli` and :mod:`referral.calibrate`.
The names most people need are importable from ``referral`` itself:
``referral.spread`` and ``referral.search`` are the functions, their results
``referral.SpreadResult`` and ``referral.SearchResult``, and
``referral.analyse`` (the whole analysis of a network, and its report) is
:func:`referral.report.analyse`. The flat module paths of earlier releases
(``referral.spread_result``, ``referral.gatekeeping``, ...) keep working for
one release with a :class:`FutureWarning` naming the new path.
"""

import importlib as _importlib
import sys as _sys

from referral import (
    analysis,
    datasets,
    interventions,
    network,
    simulate,
    whom_to_ask,
    wording,
)
from referral._core import moved as _moved
from referral._core.params import InvalidParameterError
from referral._core.validation import LargeRunWarning
from referral.analysis._compare import compare
from referral.analysis._compare_incentives import compare_incentives
from referral.analysis._dropoff import dropoff, tie_offers
from referral.analysis._gatekeepers import gatekeepers
from referral.analysis._other_people import OtherPeopleCost, other_people_cost
from referral.analysis._representation import homophily, representation
from referral.analysis._weak_ties import weak_tie_share
from referral.network._builders import from_arrays, from_networkx
from referral.network._lattice import kleinberg_lattice
from referral.network._referral_network import ReferralNetwork, default_transmission
from referral.network._tie_strength import overlap_strength, reciprocity_strength
from referral.simulate import (
    PerChain,
    PerPerson,
    PerStep,
    SearchResult,
    SpreadResult,
    delays,
    search,
    spread,
)
from referral.whom_to_ask._ambassadors import ambassadors, reach_of_everyone
from referral.wording._gatekeepers import gatekeeper_sentence
from referral.wording._representation import representation_sentences
from referral.wording._who_to_ask import who_to_ask_sentences

_moved.install()

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
    "network",
    "simulate",
    "analysis",
    "whom_to_ask",
    "wording",
    "datasets",
    "delays",
    "interventions",
    "default_transmission",
    "from_arrays",
    "from_networkx",
    "overlap_strength",
    "reciprocity_strength",
    "__version__",
]

#: submodules loaded on first attribute access (PEP 562)
_LAZY_SUBMODULES = ("io", "plot", "sweep", "report", "cli", "calibrate")
#: old top-level modules, now stand-ins that warn (see referral._core.moved)
_MOVED_MODULES = ("lattice", "populations", "threshold")


def __getattr__(name):
    if name == "analyse":  # referral.report.analyse, loaded on first use
        from referral.report import analyse

        globals()["analyse"] = analyse
        return analyse
    if name in _MOVED_MODULES:  # flat modules of earlier releases
        return _sys.modules[f"referral.{name}"]
    if name in _LAZY_SUBMODULES:
        module = _importlib.import_module(f"referral.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'referral' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES) | {"analyse"})
