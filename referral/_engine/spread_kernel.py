"""Compiled kernel for :func:`referral.spread`: hop-by-hop cascades on CSR ties.

One call runs the trials ``t0 .. t1 - 1`` of a run. Every random decision is a
counter-based uniform (:mod:`referral._engine.hashing`), so a trial's outcome
depends only on the run key and the trial number: blocks can run in any
order, in any thread, and sum to the same integers.

Decisions and their streams:

* person ``i`` acts in trial ``t`` iff ``uniform(tkey, STREAM_ACT, i, 0) < p``
  (``p`` is ``activity[i]``, or ``source_activity`` at hop 0);
* tie ``i -> j`` carries iff ``uniform(tkey, STREAM_TIE, i, j) < w``;
* the ``c``-th teller of ``j`` in a hop becomes its parent with probability
  ``1 / c`` (reservoir sampling, ``uniform(tkey, STREAM_PARENT, j, c)``);
* under ``fanout = k`` an acting person ``i`` with ``m > k`` eligible contacts
  picks ``k`` by a partial Fisher-Yates shuffle of them in CSR order, step
  ``s`` using ``uniform(tkey, STREAM_CHOICE, i, s)``.

A contact is *eligible* (unreached) for a holder at hop ``h`` if it was not
reached at any hop ``<= h``. This makes every count independent of the order in
which the holders of one hop are processed.

Integer aggregates are *added into* caller-provided arrays (per-person and
per-tie accumulators) or returned per block (per-hop sums), so the caller can
sum blocks exactly in any order.
"""

from __future__ import annotations

import numba
import numpy as np

from referral._engine.hashing import (
    STREAM_ACT,
    STREAM_CHOICE,
    STREAM_PARENT,
    STREAM_TIE,
    trial_key,
    uniform,
)

__all__ = [
    "HOP_COLUMNS",
    "TRIAL_COLUMNS",
    "spread_block",
]

# columns of the per-hop integer sums
HOLD, ACTED, OFFERED, ARRIVED, DID_NOT_ACT, NOT_CARRIED, ALREADY, HOP_LIMIT = range(8)
FANOUT, NEW_CANDIDATES, WEAK_CANDIDATES = 8, 9, 10
HOP_COLUMNS = (
    "held",
    "acted",
    "offered",
    "arrived",
    "did_not_act",
    "not_carried",
    "already_reached",
    "hop_limit",
    "fanout",
    "new_candidates",
    "weak_chain_candidates",
)
N_HOP = len(HOP_COLUMNS)

# columns of the per-trial integer results
T_REACHED, T_CANDIDATES, T_WEAK, T_CROSS, T_CROSS_WEAK, T_DEPTH = range(6)
TRIAL_COLUMNS = (
    "reached",
    "candidates_reached",
    "weak_chain_candidates",
    "cross_community_candidates",
    "cross_community_weak_candidates",
    "depth",
)
N_TRIAL = len(TRIAL_COLUMNS)


@numba.njit(cache=True)
def _grow_rows(array, rows):
    out = np.zeros((rows, array.shape[1]), dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@numba.njit(cache=True)
def _grow_cols(array, cols):
    out = np.zeros((array.shape[0], cols), dtype=array.dtype)
    out[:, : array.shape[1]] = array
    return out


@numba.njit(cache=True)
def _grow(array, size):
    out = np.empty(size, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@numba.njit(nogil=True, cache=True)
def spread_block(
    indptr,
    indices,
    transmission,
    weak,
    activity,
    is_candidate,
    community,
    sources,
    source_activity,
    key,
    t0,
    t1,
    max_hops,
    fanout,
    keep_until,
    full,
    person_reached,
    person_hop_sum,
    person_hop_sq,
    person_credit,
    tie_credit,
    trial_stats,
):
    """Run trials ``t0 .. t1 - 1``.

    Parameters
    ----------
    indptr, indices, transmission, weak : CSR ties (int64, int32, float64, bool)
    activity : float64 (n,)
    is_candidate : bool (n,)
    community : int64 (n,); all equal when the network has none
    sources : int32, distinct ids (hop 0)
    source_activity : float
    key : uint64 run key
    t0, t1 : trial range
    max_hops : int, ``-1`` for no limit
    fanout : int, ``-1`` for no limit
    keep_until : record full chains for trials ``< keep_until``
    full : bool
        If true, classify losses, count acting people, and add the per-person
        and per-tie aggregates and the weak/cross-community chain counts.
        Otherwise record only hops, parents, reach and candidates.
    person_reached, person_hop_sum, person_hop_sq, person_credit : int64 (n,)
        Accumulators, added into (only if ``full``).
    tie_credit : int64 (n_entries,), added into (only if ``full``).
    trial_stats : int64 (n_trials, N_TRIAL), rows ``t0 .. t1 - 1`` written.

    Returns
    -------
    hop_sums : int64 (H, N_HOP)
    trial_hop : int32 (t1 - t0, H), people reached at each hop per trial
    chain_trial, chain_person, chain_hop, chain_parent : int32 (k,)
    chain_weak : bool (k,)
    """
    n = activity.shape[0]
    ntr = t1 - t0
    hop_of = np.full(n, -1, np.int32)
    parent = np.empty(n, np.int32)
    pentry = np.empty(n, np.int64)
    ntell = np.zeros(n, np.int32)
    order = np.empty(n, np.int32)
    via_weak = np.zeros(n, np.bool_)
    crossed = np.zeros(n, np.bool_)
    sub = np.zeros(n, np.int64)
    max_degree = 0
    if fanout >= 0:
        for i in range(n):
            d = indptr[i + 1] - indptr[i]
            if d > max_degree:
                max_degree = d
    buf = np.empty(max_degree, np.int64)

    cap = 16 if max_hops < 0 else max_hops + 2
    hop_sums = np.zeros((cap, N_HOP), np.int64)
    trial_hop = np.zeros((ntr, cap), np.int32)

    chain_cap = 0
    if keep_until > t0:
        chain_cap = 1024
    chain_trial = np.empty(chain_cap, np.int32)
    chain_person = np.empty(chain_cap, np.int32)
    chain_hop = np.empty(chain_cap, np.int32)
    chain_parent = np.empty(chain_cap, np.int32)
    chain_weak = np.empty(chain_cap, np.bool_)
    n_chain = 0

    for t in range(t0, t1):
        row = t - t0
        tk = trial_key(key, t)
        end = 0
        n_cand = 0
        for k in range(sources.shape[0]):
            s = sources[k]
            hop_of[s] = 0
            parent[s] = -1
            pentry[s] = -1
            via_weak[s] = False
            crossed[s] = False
            order[end] = s
            end += 1
            if is_candidate[s]:
                n_cand += 1
        hop_sums[0, NEW_CANDIDATES] += n_cand
        start = 0
        h = 0
        n_weak = 0
        n_cross = 0
        n_cross_weak = 0
        while start < end:
            if h + 2 > cap:
                cap *= 2
                hop_sums = _grow_rows(hop_sums, cap)
                trial_hop = _grow_cols(trial_hop, cap)
            level_end = end
            trial_hop[row, h] = level_end - start
            hop_sums[h, HOLD] += level_end - start
            acted = 0
            offered = 0
            did_not_act = 0
            not_carried = 0
            already = 0
            hop_limit = 0
            lost_fanout = 0
            new_cand = 0
            limited = max_hops >= 0 and h >= max_hops
            for idx in range(start, level_end):
                u = order[idx]
                a = indptr[u]
                b = indptr[u + 1]
                offered += b - a
                if limited:
                    hop_limit += b - a
                    continue
                p = source_activity if h == 0 else activity[u]
                if p < 1.0 and not uniform(tk, STREAM_ACT, u, 0) < p:
                    did_not_act += b - a
                    continue
                acted += 1
                if fanout < 0 or b - a <= fanout:
                    for e in range(a, b):
                        v = indices[e]
                        hv = hop_of[v]
                        if hv >= 0 and hv <= h:
                            already += 1
                            continue
                        w = transmission[e]
                        if w < 1.0 and not uniform(tk, STREAM_TIE, u, v) < w:
                            not_carried += 1
                            continue
                        if hv < 0:
                            hop_of[v] = h + 1
                            parent[v] = u
                            pentry[v] = e
                            ntell[v] = 1
                            order[end] = v
                            end += 1
                            if is_candidate[v]:
                                new_cand += 1
                        else:
                            already += 1
                            c = ntell[v] + 1
                            ntell[v] = c
                            if uniform(tk, STREAM_PARENT, v, c) * c < 1.0:
                                parent[v] = u
                                pentry[v] = e
                else:
                    m = 0
                    for e in range(a, b):
                        hv = hop_of[indices[e]]
                        if hv >= 0 and hv <= h:
                            already += 1
                        else:
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
                        lost_fanout += m - fanout
                        m = fanout
                    for i in range(m):
                        e = buf[i]
                        v = indices[e]
                        hv = hop_of[v]
                        w = transmission[e]
                        if w < 1.0 and not uniform(tk, STREAM_TIE, u, v) < w:
                            not_carried += 1
                            continue
                        if hv < 0:
                            hop_of[v] = h + 1
                            parent[v] = u
                            pentry[v] = e
                            ntell[v] = 1
                            order[end] = v
                            end += 1
                            if is_candidate[v]:
                                new_cand += 1
                        else:
                            already += 1
                            c = ntell[v] + 1
                            ntell[v] = c
                            if uniform(tk, STREAM_PARENT, v, c) * c < 1.0:
                                parent[v] = u
                                pentry[v] = e
            hop_sums[h + 1, NEW_CANDIDATES] += new_cand
            n_cand += new_cand
            if full:
                hop_sums[h, ACTED] += acted
                hop_sums[h, OFFERED] += offered
                hop_sums[h, ARRIVED] += end - level_end
                hop_sums[h, DID_NOT_ACT] += did_not_act
                hop_sums[h, NOT_CARRIED] += not_carried
                hop_sums[h, ALREADY] += already
                hop_sums[h, HOP_LIMIT] += hop_limit
                hop_sums[h, FANOUT] += lost_fanout
                # parents of the new hop are final now
                weak_new = 0
                for idx in range(level_end, end):
                    v = order[idx]
                    pu = parent[v]
                    vw = via_weak[pu] or weak[pentry[v]]
                    cr = crossed[pu] or community[pu] != community[v]
                    via_weak[v] = vw
                    crossed[v] = cr
                    if is_candidate[v]:
                        if vw:
                            weak_new += 1
                        if cr:
                            n_cross += 1
                            if vw:
                                n_cross_weak += 1
                hop_sums[h + 1, WEAK_CANDIDATES] += weak_new
                n_weak += weak_new
            start = level_end
            h += 1
        depth = h - 1

        trial_stats[t, T_REACHED] = end
        trial_stats[t, T_CANDIDATES] = n_cand
        trial_stats[t, T_DEPTH] = depth
        if full:
            trial_stats[t, T_WEAK] = n_weak
            trial_stats[t, T_CROSS] = n_cross
            trial_stats[t, T_CROSS_WEAK] = n_cross_weak
            for idx in range(end):
                v = order[idx]
                hv = np.int64(hop_of[v])
                person_reached[v] += 1
                person_hop_sum[v] += hv
                person_hop_sq[v] += hv * hv
            # chain credit: candidates below each person, children first
            for idx in range(end - 1, -1, -1):
                v = order[idx]
                own = np.int64(1) if is_candidate[v] else np.int64(0)
                below = sub[v] + own
                sub[v] = 0
                pu = parent[v]
                if pu >= 0:
                    tie_credit[pentry[v]] += below
                    sub[pu] += below
                    person_credit[v] += below - own

        if t < keep_until:
            if n_chain + end > chain_cap:
                chain_cap = max(2 * chain_cap, n_chain + end)
                chain_trial = _grow(chain_trial, chain_cap)
                chain_person = _grow(chain_person, chain_cap)
                chain_hop = _grow(chain_hop, chain_cap)
                chain_parent = _grow(chain_parent, chain_cap)
                chain_weak = _grow(chain_weak, chain_cap)
            for idx in range(end):
                v = order[idx]
                pu = parent[v]
                vw = False
                if pu >= 0:
                    vw = via_weak[pu] or weak[pentry[v]]
                via_weak[v] = vw
                chain_trial[n_chain] = t
                chain_person[n_chain] = v
                chain_hop[n_chain] = hop_of[v]
                chain_parent[n_chain] = pu
                chain_weak[n_chain] = vw
                n_chain += 1

        for idx in range(end):
            hop_of[order[idx]] = -1

    return (
        hop_sums,
        trial_hop,
        chain_trial[:n_chain],
        chain_person[:n_chain],
        chain_hop[:n_chain],
        chain_parent[:n_chain],
        chain_weak[:n_chain],
    )
