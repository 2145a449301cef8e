"""Compiled hiring funnel: reached -> applied -> hired -> paid, on a spread's chains.

:func:`funnel_block` reads what :func:`referral._engine.spread_kernel.spread_block`
returns for a block of trials run with every chain kept (who was reached, at
which hop, told by whom) and adds, per trial, who applied, who was hired and
the money paid along the chains that led to the hires. It draws nothing the
spread kernel draws, so a funnel trial's cascade is the spread's trial for the
same key, number for number.

Decisions and their streams (:mod:`referral._engine.hashing`):

* reached candidate ``i`` applies in trial ``t`` iff
  ``uniform(tkey, STREAM_APPLY, i, 0) < apply[i]`` (the draw the spread
  kernel reads for the halting cascade, so there the applicants who stop
  passing the opening on are exactly the ones counted here);
* applicant ``i`` would be hired iff ``uniform(tkey, STREAM_HIRE, i, 0) <
  hire[i]``;
* with ``positions`` open, hop by hop from hop 1: when more people of one
  hop would be hired than positions are left, the hired are those with the
  smallest ``uniform(tkey, STREAM_HIRE, i, 1)`` (a uniform random choice
  among them). Once every position is filled the search stops at the end of
  that hop: people told at a later hop count as not reached.

A hire at hop ``d`` pays ``pay[k - 1]`` to the person ``k`` links above the
hire on its chain (``k = 1`` is the person who told the hire), for ``k``
from 1 to ``d - 1``: the sources (hop 0) are never paid.
"""

from __future__ import annotations

import numba
import numpy as np

from referral._engine.hashing import STREAM_APPLY, STREAM_HIRE, trial_key, uniform

__all__ = [
    "FUNNEL_COLUMNS",
    "F_REACHED",
    "F_CANDIDATES",
    "F_APPLIED",
    "F_HIRED",
    "F_DEPTH",
    "F_FILL_HOP",
    "funnel_block",
]

#: the integer per-trial columns :func:`funnel_block` returns, in order
FUNNEL_COLUMNS = (
    "reached",
    "candidates_reached",
    "applications",
    "hires",
    "depth",
    "fill_hop",
)
F_REACHED, F_CANDIDATES, F_APPLIED, F_HIRED, F_DEPTH, F_FILL_HOP = range(6)


@numba.njit(nogil=True, cache=True)
def funnel_block(
    key,
    t0,
    t1,
    trial_hop,
    chain_trial,
    chain_person,
    chain_hop,
    chain_parent,
    is_candidate,
    apply,
    hire,
    pay,
    positions,
):
    """The funnel of trials ``t0 .. t1 - 1`` from their kept chains.

    Parameters
    ----------
    key : uint64
        The run key the spread kernel used.
    t0, t1 : int
        The trial range; the chains must hold every reached person of every
        trial in it, trial by trial, hop by hop (as ``spread_block`` writes
        them with ``keep_until >= t1``).
    trial_hop : int32 (t1 - t0, H)
        People reached at each hop, per trial.
    chain_trial, chain_person, chain_hop, chain_parent : int32 (k,)
    is_candidate : bool (n,)
    apply, hire : float64 (n,)
        Per person, the probability to apply when reached (candidates only)
        and to be hired when applying.
    pay : float64 (L,)
        ``pay[k - 1]``: paid per hire to the person ``k`` links above it.
    positions : int
        Openings to fill (the search stops when they are); -1 for no limit.

    Returns
    -------
    counts : int64 (t1 - t0, 6)
        Per trial, :data:`FUNNEL_COLUMNS` (``fill_hop`` is -1 when the
        openings were not all filled, or when ``positions`` is -1).
    paid : float64 (t1 - t0,)
        Money paid per trial.
    applied_hop, hired_hop : int32 (t1 - t0, H)
        Applications and hires per trial and hop.
    """
    n = is_candidate.shape[0]
    rows = t1 - t0
    n_hops = trial_hop.shape[1]
    counts = np.zeros((rows, 6), np.int64)
    paid = np.zeros(rows, np.float64)
    applied_hop = np.zeros((rows, n_hops), np.int32)
    hired_hop = np.zeros((rows, n_hops), np.int32)
    index_of = np.full(n, -1, np.int64)
    qualified = np.empty(n, np.int64)
    draws = np.empty(n, np.float64)
    n_pay = pay.shape[0]
    k = chain_trial.shape[0]
    start = 0
    for t in range(t0, t1):
        row = t - t0
        stop = start
        while stop < k and chain_trial[stop] == t:
            stop += 1
        tk = trial_key(key, t)
        for j in range(start, stop):
            index_of[chain_person[j]] = j
        hires = 0
        applied = 0
        candidates = 0
        fill_hop = -1
        last = start  # chain entries start .. last - 1 are within the search
        j = start
        while j < stop:
            h = chain_hop[j]
            end = j
            while end < stop and chain_hop[end] == h:
                end += 1
            n_qualified = 0
            for i in range(j, end):
                v = chain_person[i]
                if not is_candidate[v]:
                    continue
                candidates += 1
                if h == 0:
                    continue  # the sources posted it; they do not apply
                if not uniform(tk, STREAM_APPLY, v, 0) < apply[v]:
                    continue
                applied += 1
                applied_hop[row, h] += 1
                if uniform(tk, STREAM_HIRE, v, 0) < hire[v]:
                    qualified[n_qualified] = i
                    n_qualified += 1
            take = n_qualified
            if positions >= 0 and hires + n_qualified > positions:
                take = positions - hires
                for q in range(n_qualified):
                    draws[q] = uniform(tk, STREAM_HIRE, chain_person[qualified[q]], 1)
                picked = np.argsort(draws[:n_qualified])[:take]
                for q in range(take):
                    qualified[q] = qualified[picked[q]]
                # keep the picks in chain order (the order does not matter
                # for any count, only for readability when debugging)
                qualified[:take] = np.sort(qualified[:take])
            for q in range(take):
                paid[row] += _chain_payment(
                    qualified[q], chain_hop, chain_parent, index_of, pay, n_pay
                )
            hires += take
            hired_hop[row, h] += take
            last = end
            if positions >= 0 and hires >= positions:
                fill_hop = h
                break
            j = end
        reached = last - start
        counts[row, 0] = reached
        counts[row, 1] = candidates
        counts[row, 2] = applied
        counts[row, 3] = hires
        counts[row, 4] = chain_hop[last - 1] if last > start else 0
        counts[row, 5] = fill_hop
        for j in range(start, stop):
            index_of[chain_person[j]] = -1
        start = stop
    return counts, paid, applied_hop, hired_hop


@numba.njit(inline="always", cache=True)
def _chain_payment(j, chain_hop, chain_parent, index_of, pay, n_pay):
    """Money paid for the hire at chain entry ``j`` to the people above it."""
    total = 0.0
    level = 0
    parent = chain_parent[j]
    while parent >= 0 and level < n_pay:
        i = index_of[parent]
        if chain_hop[i] == 0:
            break  # a source: never paid
        total += pay[level]
        level += 1
        parent = chain_parent[i]
    return total
