"""Reverse-reachable samples with a deadline (time-critical), compiled.

A timed RR sample is the sample of :mod:`referral._engine.rr_kernel` (same
root, same act coins, same carrying ties, read through the one sampler
:func:`~referral._engine.rr_kernel.carrying_tellers`) in a world that also
draws every person's delay, with the forward timed kernel's draw
(:func:`referral._engine.timed_kernel._delay`: ``STREAM_DELAY``, person
``u``, ``b = 0``, the sample's key). The set keeps only the people who,
posting alone at time 0, would reach the root by the deadline.

The timing is the forward model's (:mod:`referral._engine.timed_kernel`): a
poster who acts passes the opening on after their own delay, and every
person told passes it on after theirs, so along a path ``u = x0 -> x1 ->
... -> xm = root`` the root hears at ``d(x0) + ... + d(x(m-1))``, and is
reached iff that is at most the deadline. The sample is a backwards
Dijkstra from the root: ``g(root) = 0`` and ``g(u) = d(u) + min g(v)`` over
the people ``v`` that ``u``'s carrying ties reach and that act (or are the
root). With a delay per person, ``d(u)`` does not depend on whom ``u``
tells, so the first settled ``v`` that finds ``u`` gives the smallest
``g(u)``: each person is looked at once, as in the untimed search, and
people with ``g(u) > deadline`` are left out (and not expanded). Delays per
tie are not supported here.

Coverage of these sets is still a coverage function, so the expected
number of targets reached by the deadline is monotone and submodular in
the posters, and IMM's argument is unchanged.
"""

from __future__ import annotations

import heapq

import numba
import numpy as np

from referral._engine.hashing import trial_key
from referral._engine.rr_kernel import acts, carrying_tellers, pick_root
from referral._engine.timed_kernel import _delay

__all__ = [
    "timed_rr_one",
    "timed_count_block",
    "timed_sets_block",
    "timed_rank_block",
]


@numba.njit(nogil=True, cache=True)
def timed_rr_one(tk, rr, delay, stamp, mark, queue):
    """Fill ``queue[:size]`` with one timed RR set (root first); return ``size``.

    ``delay`` is a :class:`~referral._engine.timed_kernel.DelayRun` with a
    delay per person; its ``deadline`` bounds the time to the root.
    """
    deadline = delay.deadline
    root = pick_root(tk, rr.targets, 0)
    queue[0] = root
    stamp[root] = mark
    size = 1
    heap = [(0.0, np.int64(root))]
    while len(heap) > 0:
        g, v = heapq.heappop(heap)
        if v != root and not acts(tk, rr.activity, v):
            continue
        new = carrying_tellers(tk, rr, v, stamp, mark, queue, size)
        kept = size
        for i in range(size, new):
            u = queue[i]
            gu = g + _delay(tk, delay, u, 0)
            if gu <= deadline:
                queue[kept] = u
                kept += 1
                heapq.heappush(heap, (gu, np.int64(u)))
        size = kept
    return size


@numba.njit(nogil=True, cache=True)
def timed_count_block(rr, delay, key, start, stop, counts, cancel):
    """:func:`~referral._engine.rr_kernel.rr_count_block` with a deadline."""
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    total = 0
    for t in range(start, stop):
        if cancel[0] != 0:
            return t - start, total
        size = timed_rr_one(trial_key(key, t), rr, delay, stamp, t, queue)
        total += size
        for i in range(size):
            counts[queue[i]] += 1
    return stop - start, total


@numba.njit(nogil=True, cache=True)
def timed_sets_block(rr, delay, eligible, key, start, stop, cancel):
    """:func:`~referral._engine.rr_kernel.rr_sets_block` with a deadline."""
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    sizes = np.zeros(stop - start, dtype=np.int64)
    members = np.empty(max(16, 4 * (stop - start)), dtype=np.int32)
    used = 0
    for t in range(start, stop):
        if cancel[0] != 0:
            break
        size = timed_rr_one(trial_key(key, t), rr, delay, stamp, t, queue)
        if used + size > members.shape[0]:
            grown = np.empty(max(2 * members.shape[0], used + size), dtype=np.int32)
            grown[:used] = members[:used]
            members = grown
        kept = 0
        for i in range(size):
            u = queue[i]
            if eligible[u]:
                members[used + kept] = u
                kept += 1
        used += kept
        sizes[t - start] = kept
    return sizes, members[:used].copy()


@numba.njit(nogil=True, cache=True)
def timed_rank_block(rr, delay, rank_a, rank_b, key, start, stop, out_a, out_b, cancel):
    """:func:`~referral._engine.rr_kernel.rr_rank_block` with a deadline."""
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    for t in range(start, stop):
        if cancel[0] != 0:
            return t - start
        size = timed_rr_one(trial_key(key, t), rr, delay, stamp, t, queue)
        best_a = rank_a[queue[0]]
        best_b = rank_b[queue[0]]
        for i in range(1, size):
            u = queue[i]
            if rank_a[u] < best_a:
                best_a = rank_a[u]
            if rank_b[u] < best_b:
                best_b = rank_b[u]
        out_a[t] = best_a
        out_b[t] = best_b
    return stop - start
