"""The hiring funnel in time: applications and hires on the timed spread's records.

:func:`referral.simulate.funnel` with a ``delay`` runs the timed spread
(:func:`referral._engine.timed_kernel.timed_block`, chains kept for every
trial) and then :func:`funnel_in_time` walks each trial's arrivals in order
of arrival. The decisions use the hop funnel's streams
(:mod:`referral._engine.funnel_kernel`), so a person applies and would be
hired in a timed trial exactly when they would in the hop funnel's trial
with the same key:

* reached candidate ``i`` (chain length >= 1) applies iff
  ``uniform(tkey, STREAM_APPLY, i, 0) < apply[i]``, and would be hired iff
  ``uniform(tkey, STREAM_HIRE, i, 0) < hire[i]``;
* people arriving at the same moment are one step (with ``constant(1)``,
  one step is one hop): when one step brings more hires than positions
  left, the hired are those with the smallest
  ``uniform(tkey, STREAM_HIRE, i, 1)``;
* with ``positions``, the search stops at the moment the last position is
  filled: people arriving later are not counted (they were never told);
  people arriving at that very moment are. The time to fill is that moment;
  without ``positions`` it is the moment of the first hire. NaN when the
  opening is not filled (before the ``deadline``, if any).

Payments walk the first-arrival chain (the teller's id per arrival), as the
hop funnel walks its parent positions: ``pay[k - 1]`` to the person ``k``
links above the hire, sources never paid.

With ``constant(1)`` delays this is the hop funnel number for number: the
arrival time is the hop, and the same draws decide the same people
(``tests/test_funnel_time.py``). The timed spread cannot stop passing the
opening on when someone applies (``applicants_stop``); the driver refuses
that combination.
"""

from __future__ import annotations

import numba
import numpy as np

from referral._engine.hashing import STREAM_APPLY, STREAM_HIRE, trial_key, uniform

__all__ = ["funnel_in_time"]


@numba.njit(nogil=True, cache=True)
def funnel_in_time(
    key,
    t0,
    offsets,
    person,
    time,
    hop,
    parent,
    is_candidate,
    apply,
    hire,
    pay,
    positions,
    width,
):
    """Walk every trial's arrivals (see the module docstring).

    ``offsets`` (length ``trials + 1``) delimit the trials ``t0, t0 + 1,
    ...`` in the arrival arrays (one block of the timed kernel's output).

    Returns ``(counts, paid, fill_time, trial_hop, hop_sums)``: ``counts``
    int64 (trials, 6) in the order of ``COUNT_COLUMNS`` of the driver
    (reached, candidates, applications, hires, depth, fill hop),
    ``paid`` float64 (trials,), ``fill_time`` float64 (trials,) NaN when not
    filled, ``trial_hop`` int32 (trials, width) and ``hop_sums`` int64
    (width, 4) (applications, their squares, hires, their squares by hop).
    """
    trials = offsets.shape[0] - 1
    n = apply.shape[0]
    counts = np.zeros((trials, 6), np.int64)
    paid = np.zeros(trials, np.float64)
    fill_time = np.full(trials, np.nan)
    trial_hop = np.zeros((trials, width), np.int32)
    hop_sums = np.zeros((width, 4), np.int64)
    pos_of = np.full(n, -1, np.int64)
    qualified = np.empty(n, np.int64)
    draws = np.empty(n, np.float64)
    applied_h = np.zeros(width, np.int64)
    hired_h = np.zeros(width, np.int64)
    n_pay = pay.shape[0]
    need = 1 if positions < 0 else positions
    for t in range(trials):
        tk = trial_key(key, t0 + t)
        o0 = offsets[t]
        o1 = offsets[t + 1]
        for j in range(o0, o1):
            pos_of[person[j]] = j
        applied_h[:] = 0
        hired_h[:] = 0
        hires = 0
        applications = 0
        money = 0.0
        end = o1
        j = o0
        while j < o1:
            k = j  # one step: everyone arriving at this moment
            while k < o1 and time[k] == time[j]:
                k += 1
            n_q = 0
            for e in range(j, k):
                v = person[e]
                p = apply[v]
                if hop[e] < 1 or p <= 0.0 or not uniform(tk, STREAM_APPLY, v, 0) < p:
                    continue
                applications += 1
                applied_h[hop[e]] += 1
                if uniform(tk, STREAM_HIRE, v, 0) < hire[v]:
                    qualified[n_q] = e
                    n_q += 1
            take = n_q
            if positions >= 0 and hires + n_q > positions:
                take = positions - hires
                for q in range(n_q):
                    draws[q] = uniform(tk, STREAM_HIRE, person[qualified[q]], 1)
                chosen = qualified[np.argsort(draws[:n_q])[:take]]
                qualified[:take] = chosen
            for q in range(take):
                e = qualified[q]
                hired_h[hop[e]] += 1
                level = 0
                up = parent[e]
                while up >= 0 and level < n_pay:
                    f = pos_of[up]
                    if hop[f] < 1:  # a source: never paid
                        break
                    money += pay[level]
                    level += 1
                    up = parent[f]
            if hires < need <= hires + take:
                fill_time[t] = time[j]
                if positions >= 0:
                    counts[t, 5] = hop[qualified[take - 1]]
            hires += take
            j = k
            if positions >= 0 and hires >= positions:
                end = k  # the search stops: later arrivals were never told
                break
        depth = 0
        candidates = 0
        for e in range(o0, end):
            trial_hop[t, hop[e]] += 1
            depth = max(depth, hop[e])
            if is_candidate[person[e]]:
                candidates += 1
        if positions < 0 or hires < positions:
            counts[t, 5] = -1
        counts[t, 0] = end - o0
        counts[t, 1] = candidates
        counts[t, 2] = applications
        counts[t, 3] = hires
        counts[t, 4] = depth
        paid[t] = money
        for h in range(width):
            hop_sums[h, 0] += applied_h[h]
            hop_sums[h, 1] += applied_h[h] * applied_h[h]
            hop_sums[h, 2] += hired_h[h]
            hop_sums[h, 3] += hired_h[h] * hired_h[h]
        for j in range(o0, o1):
            pos_of[person[j]] = -1
    return counts, paid, fill_time, trial_hop, hop_sums
