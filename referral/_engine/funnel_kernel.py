"""The hiring funnel inside the spread kernel: reached -> applied -> hired -> paid.

:func:`referral._engine.spread_kernel.spread_block` takes an optional
:class:`FunnelRun`. With one, at the start of every hop ``h >= 1`` (when the
people reached at hop ``h`` and their parents are final, and before they
act) it calls :func:`funnel_hop` on them. Without one (``None``, what
:func:`referral.spread` passes) the funnel's code is pruned at compile time
and the spread is unchanged.

Decisions and their streams (:mod:`referral._engine.hashing`):

* reached candidate ``i`` applies in trial ``t`` iff
  ``uniform(tkey, STREAM_APPLY, i, 0) < apply[i]`` (the draw the spread
  kernel reads for the halting cascade, ``CascadeRun.halt``, so there the
  applicants who stop passing the opening on are exactly the ones counted);
* applicant ``i`` would be hired iff ``uniform(tkey, STREAM_HIRE, i, 0) <
  hire[i]``;
* with ``positions`` open: when more people of one hop would be hired than
  positions are left, the hired are those with the smallest
  ``uniform(tkey, STREAM_HIRE, i, 1)`` (a uniform random choice among them).
  Once every position is filled the search stops: the people of that hop
  hold the opening but do not pass it on.

A hire at hop ``d`` pays ``pay[k - 1]`` to the person ``k`` links above the
hire on its chain (``k = 1`` is the person who told the hire), for ``k``
from 1 to ``d - 1``: the sources (hop 0) are never paid. The chain is the
spread kernel's parent positions, so the parents must be drawn
(``CascadeRun.parents``) when ``pay`` is not empty.

The funnel draws nothing the spread kernel draws: up to the hop that fills
the last position, a funnel trial's cascade is the spread's trial for the
same key, number for number.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from referral._engine.hashing import STREAM_APPLY, STREAM_HIRE, uniform

__all__ = [
    "FUNNEL_COLUMNS",
    "FUNNEL_HOP_COLUMNS",
    "FunnelRun",
    "funnel_hop",
]

#: per-trial columns of ``FunnelRun.counts``
FUNNEL_COLUMNS = ("applications", "hires", "fill_hop")
#: per-hop columns of ``FunnelRun.hop_acc`` (sums over trials)
FUNNEL_HOP_COLUMNS = (
    "applications",
    "applications_sq",
    "hires",
    "hires_sq",
)


class FunnelRun(NamedTuple):
    """What the funnel needs and where it writes (one per worker)."""

    apply: np.ndarray  # float64 (n,): P(apply | reached), 0 for non-candidates
    hire: np.ndarray  # float64 (n,): P(hired | applied)
    pay: np.ndarray  # float64 (L,): paid per hire, by level above it
    positions: int  # openings; -1 for no limit
    counts: np.ndarray  # int64 (n_trials, 3): FUNNEL_COLUMNS, rows t0 .. t1 - 1
    paid: np.ndarray  # float64 (n_trials,): money paid per trial
    hop_acc: np.ndarray  # int64 (W, 4): FUNNEL_HOP_COLUMNS, added into (per worker)
    qualified: np.ndarray  # int64 (n,) scratch: positions of this hop's qualified
    draws: np.ndarray  # float64 (n,) scratch: their tie-break uniforms


@numba.njit(nogil=True, cache=True)
def funnel_hop(tk, h, start, stop, n_src, order, ppos, funnel, hires_so_far):
    """Applications, hires and money of the people at positions ``start ..
    stop - 1`` (hop ``h >= 1``).

    Returns ``(applications, hires, paid)`` of this hop; adds the hop's
    applications and hires (and their squares) into ``funnel.hop_acc[h]``.
    """
    apply = funnel.apply
    hire = funnel.hire
    pay = funnel.pay
    qualified = funnel.qualified
    draws = funnel.draws
    positions = funnel.positions
    n_qualified = 0
    applied = 0
    for pos in range(start, stop):
        v = order[pos]
        p = apply[v]
        if p <= 0.0 or not uniform(tk, STREAM_APPLY, v, 0) < p:
            continue
        applied += 1
        if uniform(tk, STREAM_HIRE, v, 0) < hire[v]:
            qualified[n_qualified] = pos
            n_qualified += 1
    take = n_qualified
    if positions >= 0 and hires_so_far + n_qualified > positions:
        take = positions - hires_so_far
        for q in range(n_qualified):
            draws[q] = uniform(tk, STREAM_HIRE, order[qualified[q]], 1)
        chosen = qualified[np.argsort(draws[:n_qualified])[:take]]
        qualified[:take] = chosen
    money = 0.0
    n_pay = pay.shape[0]
    if n_pay > 0:
        for q in range(take):
            level = 0
            parent = ppos[qualified[q]]
            while parent >= n_src and level < n_pay:
                money += pay[level]
                level += 1
                parent = ppos[parent]
    acc = funnel.hop_acc[h]  # the driver sizes it for the deepest possible hop
    acc[0] += applied
    acc[1] += applied * applied
    acc[2] += take
    acc[3] += take * take
    return applied, take, money
