"""Fit the model to the user's own evidence.

Every number the library prints rests on activity and transmission. This
subpackage estimates them from evidence, with intervals, and says plainly
when the evidence cannot pin a parameter down:

* :func:`referral_log`: a log of who told whom about which opening, on a
  known network (share trees of tracked links, referral programme records);
* :func:`search_chains`: the records of a small-world search experiment,
  completed and abandoned chains;
* :func:`chain_histogram`: only the lengths of the completed chains and the
  number started (attrition is then not identifiable);
* :func:`referral_counts`: an applicant-tracking export without a network.

Each returns a :class:`Fit`; :func:`plot_fit` draws its predictive check.
"""

from referral.calibrate._chains import chain_histogram, search_chains
from referral.calibrate._counts import referral_counts
from referral.calibrate._fit import Fit
from referral.calibrate._plot import plot_fit
from referral.calibrate._referral_log import referral_log

__all__ = [
    "Fit",
    "referral_log",
    "search_chains",
    "chain_histogram",
    "referral_counts",
    "plot_fit",
]
