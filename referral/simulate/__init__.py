"""The hiring funnel and referral bonus schemes.

* :func:`~referral.simulate.funnel` follows an opening from reached to
  applied to hired, and what a bonus scheme pays along the chains that led
  to the hires (:class:`~referral.simulate.FunnelResult`).
* :func:`~referral.compare_incentives` sets bonus schemes side by side with
  common random numbers, optionally at the same expected payout.
* Schemes, as data: :class:`~referral.simulate.Flat`,
  :class:`~referral.simulate.Recursive` (the Red Balloon split) and
  :class:`~referral.simulate.Capped`; response models from money to
  activity: :class:`~referral.simulate.Saturating` and
  :class:`~referral.simulate.Linear` (or any callable).
* :func:`~referral.simulate.incentive_sentence` says what a comparison
  shows, in a recruiter's words, and when the evidence does not separate
  two schemes.
"""

from referral.simulate._compare_incentives import compare_incentives
from referral.simulate._funnel import FunnelResult, funnel
from referral.simulate._incentive_words import incentive_sentence
from referral.simulate._incentives import Capped, Flat, Linear, Recursive, Saturating

__all__ = [
    "funnel",
    "FunnelResult",
    "compare_incentives",
    "incentive_sentence",
    "Flat",
    "Recursive",
    "Capped",
    "Saturating",
    "Linear",
]
