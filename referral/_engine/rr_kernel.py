"""Reverse-reachable (RR) samples and greedy maximum coverage, compiled.

One RR sample ``t`` is a random *world* of the spread model plus a random
target (the *root*):

* the root is ``targets[floor(u * n_targets)]`` with
  ``u = uniform(key_t, STREAM_RR_ROOT, 0, 0)``;
* person ``v`` acts in the world iff ``uniform(key_t, STREAM_ACT, v, 0) <
  activity[v]`` (the same draw :func:`referral.spread` uses for trial ``t``);
* CSR tie entry ``e`` (teller to contact) carries independently with
  probability ``transmission[e]``. When the largest transmission ``r`` among
  the ties into a person ``v`` is above ``SKIP_BELOW`` (0.2), entry ``e``
  carries iff ``uniform(key_t, STREAM_RR_TIE, e >> 32, e & 0xFFFFFFFF) <
  transmission[e]``. Otherwise the ties into ``v`` are drawn row-wise, at a
  cost proportional to the ties that might carry: geometric skips of rate
  ``r`` between candidate ties (the ``j``-th skip from
  ``uniform(key_t, STREAM_RR_SKIP, v, j)``), each candidate kept with
  probability ``transmission[e] / r`` (``uniform(key_t, STREAM_RR_THIN, v,
  j)``). The ties into ``v`` are looked at only when ``v`` is expanded, once
  per sample, so both ways give independent coins with the right
  probabilities.

Both the one-sample search here and the whole-world draw of
:mod:`referral._engine.rr_world` read a row of ties through one sampler,
:func:`carrying_tellers`, and one act test, :func:`acts`.

The sample's set is every person ``u`` who, posting alone, would reach the
root in that world: there is a path ``u = x0 -> x1 -> ... -> xm = root`` of
carrying ties whose intermediaries ``x1 .. x(m-1)`` all act. The poster needs
no act coin (posters act surely) and the root needs none either (holding the
opening is being reached). The set always holds the root itself (a poster
who is a target counts as reached). It is found by a breadth-first search
backwards along ties (the transpose CSR), expanding a person only if it is the
root or acts.

``key_t = trial_key(key, t)`` depends only on the run key and ``t``, so a run
split into blocks gives identical samples for any ``n_jobs``.

Every block kernel takes a final ``cancel`` argument (``np.uint8`` array of
length 1) and returns early, with partial output, once ``cancel[0] != 0``; it
checks the flag before every sample.
"""

from __future__ import annotations

import heapq
from typing import NamedTuple

import numba
import numpy as np

from referral._engine.hashing import (
    _LOW32,
    _S32,
    STREAM_ACT,
    STREAM_RR_ROOT,
    STREAM_RR_SKIP,
    STREAM_RR_THIN,
    STREAM_RR_TIE,
    trial_key,
    uniform,
)
from referral._engine.spread_sampler import SKIP_BELOW

__all__ = [
    "SKIP_BELOW",
    "RRInputs",
    "transpose_csr",
    "skip_tables",
    "rr_count_block",
    "rr_sets_block",
    "rr_rank_block",
    "greedy_cover",
]


class RRInputs(NamedTuple):
    """What every reverse-reachable kernel reads: the ties backwards, their
    draw tables (:func:`skip_tables`), activity and the targets."""

    t_indptr: np.ndarray  # int64 (n + 1,): the tellers of v in a row
    t_source: np.ndarray  # int32 (n_entries,): the teller of each entry
    t_entry: np.ndarray  # int64 (n_entries,): its entry in the forward CSR
    t_weight: np.ndarray  # float64 (n_entries,): its transmission
    rate: np.ndarray  # float64 (n,): largest transmission into v
    log_q: np.ndarray  # float64 (n,): log(1 - rate) on skipping rows, else 0
    thin: np.ndarray  # bool (n,): the row's transmissions differ
    activity: np.ndarray  # float64 (n,)
    targets: np.ndarray  # int32 (n_targets,): the possible roots


def transpose_csr(indptr, indices, n_people):
    """The ties read backwards: for contact ``v``, its tellers and entry ids.

    Returns ``(t_indptr int64, t_source int32, t_entry int64)``: the tellers of
    ``v`` are ``t_source[t_indptr[v]:t_indptr[v + 1]]`` and ``t_entry`` gives
    each one's entry in the forward CSR (whose ``transmission`` and carry
    draw it uses).

    Examples
    --------
    >>> import numpy as np
    >>> indptr = np.array([0, 2, 2, 3]); indices = np.array([1, 2, 1])
    >>> t_indptr, t_source, t_entry = transpose_csr(indptr, indices, 3)
    >>> t_indptr.tolist(), t_source.tolist(), t_entry.tolist()
    ([0, 0, 2, 3], [0, 2, 0], [0, 2, 1])
    """
    indices = np.asarray(indices, dtype=np.int64)
    order = np.argsort(indices, kind="stable").astype(np.int64)
    counts = np.bincount(indices, minlength=n_people)
    t_indptr = np.zeros(n_people + 1, dtype=np.int64)
    np.cumsum(counts, out=t_indptr[1:])
    sources = np.repeat(np.arange(n_people, dtype=np.int32), np.diff(indptr))
    return t_indptr, np.ascontiguousarray(sources[order]), order


def skip_tables(t_indptr, t_entry, transmission):
    """Per person: the largest transmission ``r`` into them, ``log(1 - r)``
    (``0`` where rows are drawn tie by tie, ``r > SKIP_BELOW``) and whether
    the row's transmissions differ (so skipped-to ties need thinning); per
    transposed entry: its transmission (``t_weight``, read in row order).

    Returns ``(t_weight, rate, log_q, thin)``. A row whose ties all carry
    with ``r`` keeps every candidate without a thinning draw: the same
    outcome as thinning, since ``w >= r`` keeps surely.

    Examples
    --------
    >>> import numpy as np
    >>> t_weight, rate, log_q, thin = skip_tables(
    ...     np.array([0, 2, 3]), np.array([0, 1, 2]), np.array([0.05, 0.1, 0.9]))
    >>> rate.tolist(), bool(log_q[0] < 0), float(log_q[1]), thin.tolist()
    ([0.1, 0.9], True, 0.0, [True, False])
    """
    n = len(t_indptr) - 1
    w = np.ascontiguousarray(np.asarray(transmission, dtype=np.float64)[t_entry])
    rate = np.zeros(n, dtype=np.float64)
    low = np.zeros(n, dtype=np.float64)
    rows = np.flatnonzero(np.diff(t_indptr) > 0)
    if len(rows):
        rate[rows] = np.maximum.reduceat(w, t_indptr[rows])
        low[rows] = np.minimum.reduceat(w, t_indptr[rows])
    log_q = np.zeros(n, dtype=np.float64)
    skip = (rate > 0) & (rate <= SKIP_BELOW)
    log_q[skip] = np.log1p(-rate[skip])
    return w, rate, log_q, low < rate


@numba.njit(nogil=True, cache=True, inline="always")
def acts(tk, activity, v):
    """Whether ``v`` acts in the world of trial key ``tk`` (its act coin)."""
    p = activity[v]
    if p >= 1.0:
        return True
    if p <= 0.0:
        return False
    return uniform(tk, STREAM_ACT, v, 0) < p


@numba.njit(nogil=True, cache=True, inline="always")
def carrying_tellers(tk, rr, v, stamp, mark, out, used):
    """The one reverse-reachable tie sampler: append to ``out[used:]`` the
    tellers whose ties into ``v`` carry in the world of ``tk``; return the new
    ``used``.

    With ``mark >= 0``, tellers with ``stamp[u] == mark`` are left out and the
    appended ones get ``stamp[u] = mark`` (one sample's search); with
    ``mark < 0`` every carrying tie is appended (a whole world). The coins are
    counter-based, so leaving a teller out never changes another draw.
    """
    dedupe = mark >= 0
    lo = rr.t_indptr[v]
    hi = rr.t_indptr[v + 1]
    lq = rr.log_q[v]
    if lq < 0.0:
        # geometric skips between candidate ties, then thinning (only in
        # rows whose transmissions differ)
        r = rr.rate[v]
        thinned = rr.thin[v]
        q = lo - 1
        j = 0
        while True:
            x = 1.0 - uniform(tk, STREAM_RR_SKIP, v, j)
            step = np.log(x) / lq
            if step >= hi - q - 1:
                break
            q += 1 + int(step)
            keep = True
            if thinned:
                w = rr.t_weight[q]
                keep = w >= r or uniform(tk, STREAM_RR_THIN, v, j) * r < w
            j += 1
            if not keep:
                continue
            u = rr.t_source[q]
            if dedupe:
                if stamp[u] == mark:
                    continue
                stamp[u] = mark
            out[used] = u
            used += 1
        return used
    for q in range(lo, hi):
        u = rr.t_source[q]
        if dedupe and stamp[u] == mark:
            continue
        w = rr.t_weight[q]
        if w <= 0.0:
            continue
        e = np.uint64(rr.t_entry[q])
        if w < 1.0 and not uniform(tk, STREAM_RR_TIE, e >> _S32, e & _LOW32) < w:
            continue
        if dedupe:
            stamp[u] = mark
        out[used] = u
        used += 1
    return used


@numba.njit(nogil=True, cache=True, inline="always")
def pick_root(tk, targets, i):
    """The root of a world's ``i``-th sample."""
    n_targets = targets.shape[0]
    pick = int(uniform(tk, STREAM_RR_ROOT, i, 0) * n_targets)
    if pick >= n_targets:
        pick = n_targets - 1
    return targets[pick]


@numba.njit(nogil=True, cache=True)
def _rr_one(tk, rr, stamp, mark, queue):
    """Fill ``queue[:size]`` with one RR set (root first); return ``size``."""
    root = pick_root(tk, rr.targets, 0)
    queue[0] = root
    stamp[root] = mark
    size = 1
    head = 0
    while head < size:
        v = queue[head]
        head += 1
        if v != root and not acts(tk, rr.activity, v):
            continue
        size = carrying_tellers(tk, rr, v, stamp, mark, queue, size)
    return size


@numba.njit(nogil=True, cache=True)
def rr_count_block(rr, key, start, stop, counts, cancel):
    """Samples ``start .. stop - 1``: add 1 to ``counts[u]`` for every member.

    Returns the number of samples done (``stop - start`` unless cancelled) and
    the total of their sizes.
    """
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    total = 0
    for t in range(start, stop):
        if cancel[0] != 0:
            return t - start, total
        size = _rr_one(trial_key(key, t), rr, stamp, t, queue)
        total += size
        for i in range(size):
            counts[queue[i]] += 1
    return stop - start, total


@numba.njit(nogil=True, cache=True)
def rr_sets_block(rr, eligible, key, start, stop, cancel):
    """Samples ``start .. stop - 1`` as CSR pieces, keeping eligible members.

    Returns ``(sizes int64[stop - start], members int32[sizes.sum()])``; when
    cancelled, the sizes of the samples not drawn are 0.
    """
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    sizes = np.zeros(stop - start, dtype=np.int64)
    members = np.empty(max(16, 4 * (stop - start)), dtype=np.int32)
    used = 0
    for t in range(start, stop):
        if cancel[0] != 0:
            break
        size = _rr_one(trial_key(key, t), rr, stamp, t, queue)
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
def rr_rank_block(rr, rank_a, rank_b, key, start, stop, out_a, out_b, cancel):
    """Samples ``start .. stop - 1``: the smallest rank of a member, twice.

    ``rank_a[u]`` (``rank_b[u]``) is the pick order of ``u`` in list A (B),
    starting at 1, or a large number if ``u`` is not in it. ``out_a[t]`` is
    the smallest ``rank_a`` over sample ``t``'s members, so the first ``i``
    people of list A cover sample ``t`` iff ``out_a[t] <= i``.
    """
    n = rr.activity.shape[0]
    stamp = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    for t in range(start, stop):
        if cancel[0] != 0:
            return t - start
        size = _rr_one(trial_key(key, t), rr, stamp, t, queue)
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


@numba.njit(nogil=True, cache=True)
def greedy_cover(person_ptr, person_sets, n_sets, eligible, k):
    """Greedy maximum coverage: ``k`` eligible people covering most sets.

    Each pick is the eligible person, not yet picked, in most sets not yet
    covered (ties to the lowest id). Returns ``(picks int32[k], gains
    int64[k])``, the gain being the number of newly covered sets.

    Lazy (CELF) evaluation on the inverted index alone: a max-heap holds an
    upper bound of every person's gain; the top is recounted (and its list
    compacted in place, dropping covered sets, so ``person_sets`` is
    overwritten) until a person's fresh count stays on top. Gains only
    shrink as sets get covered, so this picks what the plain greedy picks;
    every covered set leaves every list at most once.
    """
    n = eligible.shape[0]
    length = np.diff(person_ptr)
    covered = np.zeros(n_sets, dtype=np.bool_)
    heap = [(np.int64(0), np.int32(0)) for _ in range(0)]
    for u in range(n):
        if eligible[u] and length[u] > 0:
            heap.append((-length[u], np.int32(u)))
    heapq.heapify(heap)
    fresh = np.full(n, -1, dtype=np.int64)
    picked = np.zeros(n, dtype=np.bool_)
    picks = np.empty(k, dtype=np.int32)
    gains = np.zeros(k, dtype=np.int64)
    zero = 0
    for r in range(k):
        best = -1
        best_gain = 0
        while len(heap) > 0:
            neg, u = heapq.heappop(heap)
            if fresh[u] == r:
                best = u
                best_gain = -neg
                break
            lo = person_ptr[u]
            kept = 0
            for i in range(lo, lo + length[u]):
                s = person_sets[i]
                if not covered[s]:
                    person_sets[lo + kept] = s
                    kept += 1
            length[u] = kept
            fresh[u] = r
            if kept > 0:
                heapq.heappush(heap, (-np.int64(kept), u))
        if best < 0:
            # no one covers anything new: the lowest eligible ids not picked
            while zero < n and (picked[zero] or not eligible[zero]):
                zero += 1
            best = zero
            best_gain = 0
        picks[r] = best
        gains[r] = best_gain
        picked[best] = True
        lo = person_ptr[best]
        for i in range(lo, lo + length[best]):
            covered[person_sets[i]] = True
        length[best] = 0
    return picks, gains
