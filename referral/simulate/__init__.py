"""Simulate: how a recruiter's opening spreads, and how candidates search.

* :func:`spread`: Monte Carlo trials of an opening travelling outward, hop by
  hop, with a person-level decision (does the holder act?) kept apart from
  the tie-level one (does the tie carry?); it returns a :class:`SpreadResult`.
* :func:`search`: candidates working a chain of contacts toward a recruiter,
  Milgram and Dodds style, with drop-out at every step; it returns a
  :class:`SearchResult`. :class:`PerPerson`, :class:`PerStep` and
  :class:`PerChain` say how the drop-out is drawn.
* :func:`funnel`: the hiring funnel on top of a spread: who applies, who is
  hired, and what a bonus scheme (:mod:`referral.interventions`) pays along
  the chains that led to the hires; it returns a :class:`FunnelResult`.
* :mod:`referral.simulate.delays`: how long a person takes to pass an opening
  on, for spreads measured in days.

The private rooms are ``_spread`` and ``_spread_result`` (the driver and its
result), ``_timed_spread`` (the driver with delays), ``_search``,
``_search_inputs``, ``_search_result`` and ``_attrition``.
"""

from referral.simulate import delays
from referral.simulate._attrition import PerChain, PerPerson, PerStep
from referral.simulate._funnel import FunnelResult, funnel
from referral.simulate._search import POLICIES, search
from referral.simulate._search_result import OUTCOMES, SearchResult
from referral.simulate._spread import spread
from referral.simulate._spread_result import SpreadResult

__all__ = [
    "spread",
    "SpreadResult",
    "search",
    "SearchResult",
    "PerPerson",
    "PerStep",
    "PerChain",
    "POLICIES",
    "OUTCOMES",
    "delays",
    "funnel",
    "FunnelResult",
]
