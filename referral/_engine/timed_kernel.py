"""Compiled kernel for :func:`referral.spread` with delays: first arrival in time.

The hop kernel (:mod:`referral._engine.spread_kernel`) is not touched: runs
with ``delay=None`` never come here. This kernel reuses the hop kernel's
random numbers for every decision that does not involve time, so the two
models share them exactly (common random numbers):

* person ``u`` acts iff ``uniform(tkey, STREAM_ACT, u, 0) < p`` (``p`` is
  ``source_activity`` for the sources, else ``activity[u]``);
* which of an acting person's ties carry is drawn by the same row sampler
  (tie by tie, or geometric skips with thinning; see
  :mod:`referral._engine.spread_sampler`). Those draws depend only on (trial,
  person, row), never on when or by whom the person was told.

So without ``fanout`` and without a deadline, who is reached is decided by
the "live" ties (carrying ties out of acting people) alone, whatever the
delays: the people reached are those joined to a source by a path of live
ties, exactly the hop model's set in the same trial. Delays only decide
*when*: a person's arrival time is the shortest path from the sources over
live ties, where a path's length is the sum of its delays, and the kernel
finds it with Dijkstra's algorithm on an indexed binary heap. With a delay
per person (the default) the heap holds one *send* per acting person, who
tells all their carrying contacts at that moment (:func:`_person_trial`);
with a delay per tie it holds one tentative arrival per person, lowered as
faster tellers appear. The person whose message arrives first is the teller; among
tellers arriving at exactly the same time (constant or empirical delays) one
is chosen uniformly (``uniform(tkey, STREAM_PARENT, v, c)``, reservoir
sampling).

Delays come from ``STREAM_DELAY``: person ``u``'s delay from ``b = 0``
(``per="person"``: the acting person tells everyone they tell at the same
moment), or tie ``d`` of ``u``'s row from ``b = d + 1`` (``per="tie"``).

* ``deadline``: a person whose first message would arrive after it is not
  reached, and does not act (Dijkstra stops at the deadline);
* ``max_hops``: a person whose first-arrival chain is ``max_hops`` ties long
  does not pass the opening on (with constant delays this is the hop model's
  rule; with random delays the fastest chain can be longer than the shortest,
  so fewer people may be reached than in the hop model);
* ``fanout = k``: an acting person with more than ``k`` ties picks ``k`` of
  the contacts who have not heard of the opening *when they pass it on*
  (``per="person"``: told strictly before that moment; ``per="tie"``: told
  no later than the holder), uniformly, with the hop kernel's draws
  (``STREAM_CHOICE``, then ``STREAM_DIRECT`` for each pick). The pick waits
  in the heap as an event of its own, after the arrivals of the same
  moment. With constant delays this is the hop model's rule; otherwise who
  is reached depends on the delays.

With constant delay 1 every person's arrival time is its hop in the hop
model, so the per-hop counts are the hop model's exactly.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np

from referral._engine.hashing import (
    STREAM_ACT,
    STREAM_CHOICE,
    STREAM_DELAY,
    STREAM_PARENT,
    splitmix64,
    trial_key,
    uniform,
)
from referral._engine.spread_bookkeeping import _grow
from referral._engine.spread_sampler import (
    ROW_DIRECT,
    ROW_SKIP,
    _accepted,
    _direct,
    _skip,
)

__all__ = ["DelayRun", "timed_block", "draw_delays"]

CONSTANT, EXPONENTIAL, WEIBULL, LOGNORMAL, GAMMA, EMPIRICAL, ATTRIBUTE = range(7)
_ARRIVAL, _PICK = 0, 1
_GOLDEN2 = np.uint64(0xD1B54A32D192ED03)


class DelayRun(NamedTuple):
    """The delay model of a run (see :mod:`referral.delays`)."""

    family: int  # CONSTANT .. ATTRIBUTE
    p1: float  # days / mean / median / shape
    p2: float  # sigma / scale (0 when unused)
    samples: np.ndarray  # float64, sorted (empirical), else empty
    values: np.ndarray  # float64 (n,) per-person delays (attribute), else empty
    per_tie: bool
    deadline: float  # inf for none


# Acklam's rational approximation of the normal quantile: numerator and
# denominator coefficients, highest power first
_CENTRAL_NUM = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_CENTRAL_DEN = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
    1.0,
)
_TAIL_NUM = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_TAIL_DEN = (
    7.784695709041462e-03,
    3.224671290700398e-01,
    2.445134137142996e00,
    3.754408661907416e00,
    1.0,
)
_P_LOW = 0.02425


@numba.njit(inline="always", cache=True)
def _horner(coefficients, x):
    total = 0.0
    for c in coefficients:
        total = total * x + c
    return total


@numba.njit(cache=True)
def _ndtri(p):
    """The standard normal quantile (Acklam's rational approximation, relative
    error below 1.2e-9, without a refining step)."""
    if p <= 0.0:
        return -np.inf
    if p >= 1.0:
        return np.inf
    if p < _P_LOW or p > 1.0 - _P_LOW:
        q = math.sqrt(-2.0 * math.log(min(p, 1.0 - p)))
        x = _horner(_TAIL_NUM, q) / _horner(_TAIL_DEN, q)
        if p > 0.5:
            x = -x
    else:
        q = p - 0.5
        r = q * q
        x = q * _horner(_CENTRAL_NUM, r) / _horner(_CENTRAL_DEN, r)
    return x


@numba.njit(inline="always", cache=True)
def _uniform_j(tk, a, b, j):
    """The ``j``-th uniform of one delay draw (``j = 0``: the plain one)."""
    if j == 0:
        return uniform(tk, STREAM_DELAY, a, b)
    return uniform(splitmix64(tk ^ (np.uint64(j) * _GOLDEN2)), STREAM_DELAY, a, b)


@numba.njit(cache=True)
def _gamma(tk, a, b, shape):
    """A standard gamma variate (Marsaglia & Tsang 2000) from counter draws."""
    boost = 1.0
    k = shape
    j = 0
    if k < 1.0:
        boost = uniform(tk, STREAM_DELAY, a, b) ** (1.0 / k)
        k += 1.0
        j = 1
    d = k - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _ndtri(_uniform_j(tk, a, b, j))
        u = _uniform_j(tk, a, b, j + 1)
        j += 2
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        if u > 0.0 and math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v * boost


@numba.njit(inline="always", cache=True)
def _delay(tk, delay, a, b):
    """One delay in days for ``(a, b)`` (person ``a``; ``b = 0`` or tie + 1)."""
    family = delay.family
    if family == CONSTANT:
        return delay.p1
    if family == ATTRIBUTE:
        return delay.values[a]
    if family == GAMMA:
        return _gamma(tk, a, b, delay.p1) * delay.p2
    u = uniform(tk, STREAM_DELAY, a, b)
    if family == EXPONENTIAL:
        return -delay.p1 * math.log1p(-u)
    if family == WEIBULL:
        return delay.p2 * (-math.log1p(-u)) ** (1.0 / delay.p1)
    if family == LOGNORMAL:
        return delay.p1 * math.exp(delay.p2 * _ndtri(u))
    # EMPIRICAL
    samples = delay.samples
    return samples[min(np.int64(u * samples.shape[0]), samples.shape[0] - 1)]


@numba.njit(cache=True)
def draw_delays(key, delay, trials, person):
    """Delays of ``person`` (``b = 0``) in trials ``0 .. trials - 1`` (tests)."""
    out = np.empty(trials)
    for t in range(trials):
        out[t] = _delay(trial_key(key, t), delay, person, 0)
    return out


@numba.njit(inline="always", cache=True)
def _before(t1, k1, t2, k2):
    """Heap order: by time, then arrivals before picks."""
    return t1 < t2 or (t1 == t2 and k1 < k2)


@numba.njit(inline="always", cache=True)
def _place(heap, heap_t, heap_k, hpos, i, v, t, k):
    """Put ``v`` with key ``(t, k)`` at hole ``i`` and sift it up.

    Pushes use the new last slot; decrease-key uses ``v``'s own slot. The
    keys live beside the ids, so comparisons read the heap's own arrays.
    """
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(t, k, heap_t[parent], heap_k[parent]):
            break
        w = heap[parent]
        heap[i] = w
        heap_t[i] = heap_t[parent]
        heap_k[i] = heap_k[parent]
        hpos[w] = i
        i = parent
    heap[i] = v
    heap_t[i] = t
    heap_k[i] = k
    hpos[v] = i


@numba.njit(inline="always", cache=True)
def _pop(heap, heap_t, heap_k, hpos, size):
    """Remove and return the heap's first person; ``size`` is before removal."""
    top = heap[0]
    hpos[top] = -1
    size -= 1
    if size > 0:
        v = heap[size]
        t = heap_t[size]
        k = heap_k[size]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            right = child + 1
            if right < size and _before(
                heap_t[right], heap_k[right], heap_t[child], heap_k[child]
            ):
                child = right
            if not _before(heap_t[child], heap_k[child], t, k):
                break
            w = heap[child]
            heap[i] = w
            heap_t[i] = heap_t[child]
            heap_k[i] = heap_k[child]
            hpos[w] = i
            i = child
        heap[i] = v
        heap_t[i] = t
        heap_k[i] = k
        hpos[v] = i
    return top


@numba.njit(nogil=True, cache=True)
def _person_trial(tk, net, sampler, run, delay, scratch):
    """One trial with a delay per acting person; returns the people reached.

    Everyone an acting person tells hears at the same moment (when they pass
    it on), so the queue holds one *send* per acting person rather than one
    entry per tie: a send leaves the queue in time order and reaches, at its
    time, every contact of its row that carries and has not heard yet (the
    first arrival). Tellers arriving at the same moment with the same hop
    share the parent uniformly (reservoir sampling). This is Dijkstra's
    algorithm with the delay on the sender, at one queue operation per acting
    person.
    """
    indptr = net.indptr
    indices = net.indices
    transmission = net.transmission
    weak = net.weak
    activity = net.activity
    row_mode = sampler.mode
    row_scale = sampler.scale
    row_thin = sampler.thin
    tie_ratio = sampler.ratio
    tie_prefix = sampler.prefix
    fanout = run.fanout
    max_hops = run.max_hops
    sources = run.sources
    deadline = delay.deadline
    (
        pos_of,
        order,
        ptime,
        phop,
        ppos,
        pweak,
        pentry,
        tell_n,
        buf,
        heap,
        heap_t,
        heap_k,
        hpos,
    ) = scratch
    n_src = sources.shape[0]
    size = 0
    for k in range(n_src):
        v = sources[k]
        pos_of[v] = k
        order[k] = v
        ptime[k] = 0.0
        phop[k] = 0
        ppos[k] = -1
        pentry[k] = -1
        pweak[k] = False
    end = n_src
    if max_hops != 0:
        for k in range(n_src):
            u = sources[k]
            p = run.source_activity
            if p < 1.0 and not uniform(tk, STREAM_ACT, u, 0) < p:
                continue
            send = _delay(tk, delay, u, 0)
            if send <= deadline:
                _place(heap, heap_t, heap_k, hpos, size, u, send, 0)
                size += 1
    while size > 0:
        now = heap_t[0]
        u = _pop(heap, heap_t, heap_k, hpos, size)
        size -= 1
        pu = pos_of[u]
        h = phop[pu] + 1
        a = indptr[u]
        b = indptr[u + 1]
        # the carrying ties of u's row into buf[:m]
        m = 0
        if fanout >= 0 and b - a > fanout:
            for e in range(a, b):
                pv = pos_of[indices[e]]
                if pv < 0 or ptime[pv] >= now:  # not heard before now
                    buf[m] = e
                    m += 1
            if m > fanout:
                for step in range(fanout):
                    j = step + np.int64(
                        uniform(tk, STREAM_CHOICE, u, step) * (m - step)
                    )
                    tmp = buf[step]
                    buf[step] = buf[j]
                    buf[j] = tmp
                m = fanout
            kept = 0
            for i in range(m):
                e = buf[i]
                if _direct(tk, tie_prefix[e], transmission[e]):
                    buf[kept] = e
                    kept += 1
            m = kept
        else:
            mode = row_mode[u]
            if mode == ROW_DIRECT:
                for e in range(a, b):
                    pv = pos_of[indices[e]]
                    if (pv < 0 or ptime[pv] == now) and _direct(
                        tk, tie_prefix[e], transmission[e]
                    ):
                        buf[m] = e
                        m += 1
            elif mode == ROW_SKIP:
                thin = row_thin[u]
                scale = row_scale[u]
                c = 0
                e = a + _skip(tk, u, c, scale)
                while e < b:
                    pv = pos_of[indices[e]]
                    if (pv < 0 or ptime[pv] == now) and _accepted(
                        tk, u, c, thin, tie_ratio[e]
                    ):
                        buf[m] = e
                        m += 1
                    c += 1
                    e = e + 1 + _skip(tk, u, c, scale)
        for i in range(m):
            e = buf[i]
            v = indices[e]
            pv = pos_of[v]
            if pv >= 0:  # told at this same moment: share the parent
                if ptime[pv] == now and phop[pv] == h:
                    tellers = tell_n[pv] + 1
                    tell_n[pv] = tellers
                    if uniform(tk, STREAM_PARENT, v, tellers) * tellers < 1.0:
                        ppos[pv] = pu
                        pentry[pv] = e
                        pweak[pv] = pweak[pu] or weak[e]
                continue
            pos = end
            end += 1
            pos_of[v] = pos
            order[pos] = v
            ptime[pos] = now
            phop[pos] = h
            ppos[pos] = pu
            pentry[pos] = e
            pweak[pos] = pweak[pu] or weak[e]
            tell_n[pos] = 1
            if max_hops >= 0 and h >= max_hops:
                continue
            p = activity[v]
            if p < 1.0 and not uniform(tk, STREAM_ACT, v, 0) < p:
                continue
            send = now + _delay(tk, delay, v, 0)
            if send <= deadline:
                _place(heap, heap_t, heap_k, hpos, size, v, send, 0)
                size += 1
    return end


@numba.njit(nogil=True, cache=True)
def timed_block(net, sampler, run, delay, t0, t1, cancel):
    """Run trials ``t0 .. t1 - 1`` with delays.

    Parameters
    ----------
    net : CascadeNetwork
    sampler : TieSampler
    run : CascadeRun
        ``full`` and ``exact_losses`` are ignored (no loss bookkeeping).
    delay : DelayRun
    t0, t1 : trial range
    cancel : uint8 (1,)

    Returns
    -------
    counts : int64 (t1 - t0,), people reached per trial
    person : int32 (sum of counts,), who was reached, trial by trial, in
        order of arrival
    time : float64, when (days)
    hop : int32, the length of their first-arrival chain
    chain_parent : int32, the teller's id (``-1`` for sources), for trials
        ``< run.keep_until`` only (aligned with the first entries)
    chain_weak : bool, whether the first-arrival chain used a weak tie (kept
        trials only)
    """
    indptr = net.indptr
    indices = net.indices
    transmission = net.transmission
    weak = net.weak
    activity = net.activity
    row_mode = sampler.mode
    row_scale = sampler.scale
    row_thin = sampler.thin
    tie_ratio = sampler.ratio
    tie_prefix = sampler.prefix
    source_activity = run.source_activity
    key = run.key
    fanout = run.fanout
    max_hops = run.max_hops
    sources = run.sources
    n_src = sources.shape[0]
    per_tie = delay.per_tie
    deadline = delay.deadline
    n = activity.shape[0]
    max_degree = 0
    for i in range(n):
        max_degree = max(max_degree, indptr[i + 1] - indptr[i])
    buf = np.empty(max_degree, np.int64)

    # by person
    pos_of = np.full(n, -1, np.int32)
    key_t = np.full(n, np.inf)  # tentative arrival time
    tell_pos = np.empty(n, np.int32)
    tell_entry = np.empty(n, np.int64)
    tell_n = np.zeros(n, np.int32)
    heap = np.empty(n, np.int32)
    heap_t = np.empty(n, np.float64)
    heap_k = np.empty(n, np.int8)
    hpos = np.full(n, -1, np.int32)
    # by position (order of arrival)
    order = np.empty(n, np.int32)
    ptime = np.empty(n, np.float64)
    phop = np.empty(n, np.int32)
    pweak = np.zeros(n, np.bool_)
    ppos = np.empty(n, np.int32)
    pentry = np.empty(n, np.int64)
    ptell = np.zeros(n, np.int32)
    scratch = (
        pos_of,
        order,
        ptime,
        phop,
        ppos,
        pweak,
        pentry,
        ptell,
        buf,
        heap,
        heap_t,
        heap_k,
        hpos,
    )

    counts = np.zeros(t1 - t0, np.int64)
    cap = 1024
    out_person = np.empty(cap, np.int32)
    out_time = np.empty(cap, np.float64)
    out_hop = np.empty(cap, np.int32)
    n_out = 0
    keep = run.keep_until
    chain_cap = 1024 if keep > t0 else 0
    chain_parent = np.empty(chain_cap, np.int32)
    chain_weak = np.empty(chain_cap, np.bool_)
    n_chain = 0

    for t in range(t0, t1):
        if cancel[0] != 0:
            break
        tk = trial_key(key, t)
        if not per_tie:
            end = _person_trial(tk, net, sampler, run, delay, scratch)
        else:  # a delay per tie: one tentative arrival per person, lowered
            size = 0
            # the sources are reached at time 0, at positions 0 .. n_src - 1
            for k in range(n_src):
                v = sources[k]
                pos_of[v] = k
                order[k] = v
                ptime[k] = 0.0
                phop[k] = 0
                ppos[k] = -1
                pweak[k] = False
            end = n_src
            next_src = 0
            while True:
                if next_src < n_src:  # the sources act first, in order
                    pos = next_src
                    next_src += 1
                    u = order[pos]
                    now = 0.0
                    h = 0
                elif size > 0:
                    now = heap_t[0]
                    kind = heap_k[0]
                    u = _pop(heap, heap_t, heap_k, hpos, size)
                    size -= 1
                    if kind == _PICK:
                        # a fanout pick: u passes the opening on now
                        pu = pos_of[u]
                        a = indptr[u]
                        b = indptr[u + 1]
                        m = 0
                        for e in range(a, b):
                            pv = pos_of[indices[e]]
                            if pv < 0:  # not told by the time u was told
                                buf[m] = e
                                m += 1
                        if m > fanout:
                            for step in range(fanout):
                                j = step + np.int64(
                                    uniform(tk, STREAM_CHOICE, u, step) * (m - step)
                                )
                                tmp = buf[step]
                                buf[step] = buf[j]
                                buf[j] = tmp
                            m = fanout
                        for i in range(m):
                            e = buf[i]
                            v = indices[e]
                            if pos_of[v] >= 0:
                                continue
                            if not _direct(tk, tie_prefix[e], transmission[e]):
                                continue
                            arrive = now + _delay(tk, delay, u, e - a + 1)
                            if arrive > deadline:
                                continue
                            if arrive < key_t[v]:
                                key_t[v] = arrive
                                tell_pos[v] = pu
                                tell_entry[v] = e
                                tell_n[v] = 1
                                if hpos[v] < 0:
                                    _place(
                                        heap, heap_t, heap_k, hpos, size, v, arrive, 0
                                    )
                                    size += 1
                                else:
                                    _place(
                                        heap,
                                        heap_t,
                                        heap_k,
                                        hpos,
                                        hpos[v],
                                        v,
                                        arrive,
                                        0,
                                    )
                            elif arrive == key_t[v]:
                                tellers = tell_n[v] + 1
                                tell_n[v] = tellers
                                if (
                                    uniform(tk, STREAM_PARENT, v, tellers) * tellers
                                    < 1.0
                                ):
                                    tell_pos[v] = pu
                                    tell_entry[v] = e
                        continue
                    # u is reached now (first arrival): settle it
                    pos = end
                    end += 1
                    pos_of[u] = pos
                    order[pos] = u
                    ptime[pos] = now
                    tp = tell_pos[u]
                    ppos[pos] = tp
                    h = phop[tp] + 1
                    phop[pos] = h
                    pweak[pos] = pweak[tp] or weak[tell_entry[u]]
                else:
                    break
                # u (at position pos, hop h) acts?
                if max_hops >= 0 and h >= max_hops:
                    continue
                p = source_activity if h == 0 else activity[u]
                if p < 1.0 and not uniform(tk, STREAM_ACT, u, 0) < p:
                    continue
                a = indptr[u]
                b = indptr[u + 1]
                send = now  # each tie adds its own delay
                if fanout >= 0 and b - a > fanout:
                    # the pick waits until the arrivals of this moment are in
                    _place(heap, heap_t, heap_k, hpos, size, u, send, _PICK)
                    size += 1
                    continue
                mode = row_mode[u]
                if mode == ROW_DIRECT:
                    e = a
                    c = 0
                elif mode == ROW_SKIP:
                    c = 0
                    e = a + _skip(tk, u, c, row_scale[u])
                else:
                    continue
                thin = row_thin[u]
                while e < b:
                    v = indices[e]
                    if mode == ROW_DIRECT:
                        live = pos_of[v] < 0 and _direct(
                            tk, tie_prefix[e], transmission[e]
                        )
                    else:
                        live = pos_of[v] < 0 and _accepted(tk, u, c, thin, tie_ratio[e])
                    if live:
                        arrive = send + _delay(tk, delay, u, e - a + 1)
                        if arrive <= deadline:
                            if arrive < key_t[v]:
                                key_t[v] = arrive
                                tell_pos[v] = pos
                                tell_entry[v] = e
                                tell_n[v] = 1
                                if hpos[v] < 0:
                                    _place(
                                        heap, heap_t, heap_k, hpos, size, v, arrive, 0
                                    )
                                    size += 1
                                else:
                                    _place(
                                        heap,
                                        heap_t,
                                        heap_k,
                                        hpos,
                                        hpos[v],
                                        v,
                                        arrive,
                                        0,
                                    )
                            elif arrive == key_t[v]:
                                tellers = tell_n[v] + 1
                                tell_n[v] = tellers
                                if (
                                    uniform(tk, STREAM_PARENT, v, tellers) * tellers
                                    < 1.0
                                ):
                                    tell_pos[v] = pos
                                    tell_entry[v] = e
                    if mode == ROW_DIRECT:
                        e += 1
                    else:
                        c += 1
                        e = e + 1 + _skip(tk, u, c, row_scale[u])

        # write the trial out, in order of arrival
        counts[t - t0] = end
        if n_out + end > out_person.shape[0]:
            cap = max(2 * out_person.shape[0], n_out + end)
            out_person = _grow(out_person, cap)
            out_time = _grow(out_time, cap)
            out_hop = _grow(out_hop, cap)
        for pos in range(end):
            out_person[n_out + pos] = order[pos]
            out_time[n_out + pos] = ptime[pos]
            out_hop[n_out + pos] = phop[pos]
        if t < keep:
            if n_chain + end > chain_parent.shape[0]:
                chain_cap = max(2 * chain_parent.shape[0], n_chain + end)
                chain_parent = _grow(chain_parent, chain_cap)
                chain_weak = _grow(chain_weak, chain_cap)
            for pos in range(end):
                tp = ppos[pos]
                chain_parent[n_chain + pos] = order[tp] if tp >= 0 else -1
                chain_weak[n_chain + pos] = pweak[pos]
            n_chain += end
        n_out += end
        for pos in range(end):
            v = order[pos]
            pos_of[v] = -1
            key_t[v] = np.inf
    return (
        counts,
        out_person[:n_out],
        out_time[:n_out],
        out_hop[:n_out],
        chain_parent[:n_chain],
        chain_weak[:n_chain],
    )
