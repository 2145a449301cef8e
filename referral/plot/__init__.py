"""Charts for results: reach, drop-off, chain lengths, thresholds and more.

Every function here is *axes-level*, in the style of seaborn: it draws on
``ax`` (default: the current Axes, :func:`matplotlib.pyplot.gca`), returns
that Axes, never creates a figure, never calls ``show`` or ``savefig``, and
forwards extra keyword arguments to exactly one Axes method, named in its
docstring. Each sets a title when the Axes has none, labels both axes, and
shows uncertainty as bands or error bars (95% normal intervals unless
stated otherwise).

``matplotlib.pyplot`` is imported lazily, so ``import referral`` stays fast.

The charts live in private rooms of this package: ``_spread`` (reach,
drop-off), ``_search`` (chain lengths, attrition), ``_analysis`` (threshold,
gatekeepers), ``_compare`` (weak ties, scenarios), ``_network`` (the network,
ambassadors), ``_representation`` (who gets reached, by group), ``_time``
(reach over days, time to a candidate), ``_incentives`` (what each
referral bonus buys) and ``_common`` (colours and shared
helpers).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> import networkx as nx
>>> from referral import from_networkx
>>> from referral.simulate._spread import spread
>>> from referral.plot import plot_reach
>>> net = from_networkx(nx.balanced_tree(2, 4), strength=0.8, activity=0.7,
...                     recruiters=[0], candidates=range(15, 31))
>>> fig, ax = plt.subplots()
>>> ax = plot_reach(spread(net, trials=200, seed=1), ax=ax)
>>> ax.get_xlabel()
'hop from the recruiter'
>>> plt.close(fig)
"""

from __future__ import annotations

from referral.plot._analysis import plot_gatekeepers, plot_threshold
from referral.plot._common import LOSS_COLORS, ROLE_COLORS
from referral.plot._compare import plot_compare, plot_weak_ties
from referral.plot._incentives import plot_incentives
from referral.plot._network import plot_ambassadors, plot_network
from referral.plot._representation import plot_representation
from referral.plot._search import plot_attrition, plot_chain_lengths
from referral.plot._spread import plot_dropoff, plot_reach
from referral.plot._time import plot_reach_over_time, plot_time_to_candidate

__all__ = [
    "plot_reach",
    "plot_dropoff",
    "plot_chain_lengths",
    "plot_attrition",
    "plot_threshold",
    "plot_gatekeepers",
    "plot_weak_ties",
    "plot_network",
    "plot_compare",
    "plot_incentives",
    "plot_ambassadors",
    "plot_representation",
    "plot_reach_over_time",
    "plot_time_to_candidate",
    "LOSS_COLORS",
    "ROLE_COLORS",
]
