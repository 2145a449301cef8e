"""Compiled kernel for :func:`referral.spread`: hop-by-hop cascades on CSR ties.

One call runs the trials ``t0 .. t1 - 1`` of a run. Every random decision is a
counter-based uniform (:mod:`referral._engine.hashing`), so a trial's outcome
depends only on the run key and the trial number: blocks can run in any
order, in any thread, and sum to the same integers.

Decisions and their streams:

* person ``i`` acts in trial ``t`` iff ``uniform(tkey, STREAM_ACT, i, 0) < p``
  (``p`` is ``activity[i]``, or ``source_activity`` at hop 0);
* which of an acting person's ties carry is drawn in one of two ways,
  chosen per row by :func:`row_tables` from the row's largest transmission
  ``r``:

  - *tie by tie* (``r > SKIP_BELOW``): the ``d``-th tie of ``i``'s row
    carries iff ``uniform(tkey, STREAM_DIRECT, i, d) < w``;
  - *geometric skipping with thinning* (``r <= SKIP_BELOW``), which touches
    only the ties that might carry: the candidate ties are found by skipping
    ``floor(log(1 - U_c) / log(1 - r))`` ties (``U_c = uniform(tkey,
    STREAM_TIE, i, c)`` for the ``c``-th candidate), so each tie is a
    candidate independently with probability ``r``, and candidate ``c`` on
    tie ``e`` carries iff ``uniform(tkey, STREAM_ACCEPT, i, c) < w_e / r``.

  Either way every tie carries independently with probability ``w_e``, and
  the draws of a row depend only on (trial, person, the row's
  transmissions), so scenarios that differ in activity, or in other people's
  ties, share them exactly (common random numbers);
* under ``fanout``, a picked tie ``e`` (the ``d``-th of ``i``'s row) carries
  iff ``uniform(tkey, STREAM_DIRECT, i, d) < w_e``;
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
    STREAM_ACCEPT,
    STREAM_ACT,
    STREAM_CHOICE,
    STREAM_DIRECT,
    STREAM_PARENT,
    STREAM_TIE,
    splitmix64,
    trial_key,
    uniform,
)

__all__ = [
    "SKIP_BELOW",
    "HOP_COLUMNS",
    "TRIAL_COLUMNS",
    "spread_block",
    "row_tables",
]

_NO_CANDIDATE = np.int64(2**62)


#: rows whose largest transmission is at most this are sampled by geometric
#: skips; denser rows tie by tie (a skip costs a logarithm and a hash or two,
#: a direct draw one hash, so skipping pays only when few ties carry)
SKIP_BELOW = 0.2

ROW_NONE, ROW_SKIP, ROW_DIRECT = 0, 1, 2
_MIX2 = np.uint64(0x94D049BB133111EB)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_INV53 = 1.0 / 9007199254740992.0


@numba.njit(nogil=True, cache=True)
def row_tables(indptr, transmission):
    """Per-row sampling modes and the per-tie tables the tie sampler needs.

    Returns ``(mode, scale, thin, ratio, prefix)``. Per person, with ``r`` the
    largest transmission in their row: ``mode`` is ``ROW_NONE`` (no tie can
    carry), ``ROW_SKIP`` or ``ROW_DIRECT``; ``scale = 1 / log(1 - r)`` for
    skipping; ``thin`` is true when the row's transmissions differ. Per CSR
    entry: ``ratio = w_e / r`` (thinning) and ``prefix``, the trial-free half
    of the entry's direct draw, so that ``uniform(tkey, STREAM_DIRECT, i, d)``
    is ``splitmix64(tkey ^ prefix) >> 11`` times ``2**-53`` (one hash per tie).
    """
    n = indptr.shape[0] - 1
    mode = np.zeros(n, np.int8)
    scale = np.zeros(n, np.float64)
    thin = np.zeros(n, np.bool_)
    ratio = np.ones(transmission.shape[0], np.float64)
    prefix = np.empty(transmission.shape[0], np.uint64)
    offset = np.uint64(STREAM_DIRECT) * _MIX2
    for i in range(n):
        high = np.uint64(i) << _S32
        r = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            prefix[e] = splitmix64((high | np.uint64(e - indptr[i])) + offset)
            if transmission[e] > r:
                r = transmission[e]
        if r <= 0.0:
            mode[i] = ROW_NONE
            continue
        if r > SKIP_BELOW:
            mode[i] = ROW_DIRECT
            continue
        mode[i] = ROW_SKIP
        scale[i] = 1.0 / np.log1p(-r)
        for e in range(indptr[i], indptr[i + 1]):
            if transmission[e] < r:
                ratio[e] = transmission[e] / r
                thin[i] = True
    return mode, scale, thin, ratio, prefix


@numba.njit(inline="always", cache=True)
def _direct(tk, prefix, w):
    """The direct draw of a tie: ``uniform(tk, STREAM_DIRECT, i, d) < w``."""
    return np.float64(splitmix64(tk ^ prefix) >> _S11) * _INV53 < w


@numba.njit(inline="always", cache=True)
def _skip(tk, u, c, scale):
    """Ties skipped before ``u``'s ``c``-th candidate tie (geometric, >= 0)."""
    g = np.log(1.0 - uniform(tk, STREAM_TIE, u, c)) * scale
    if g >= 4e18:
        return _NO_CANDIDATE
    return np.int64(g)


@numba.njit(inline="always", cache=True)
def _accepted(tk, u, c, thin, ratio):
    return not thin or ratio >= 1.0 or uniform(tk, STREAM_ACCEPT, u, c) < ratio


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
    row_mode,
    row_scale,
    row_thin,
    tie_ratio,
    tie_prefix,
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
    person_acc,
    tie_credit,
    trial_stats,
    cancel,
):
    """Run trials ``t0 .. t1 - 1``.

    Parameters
    ----------
    indptr, indices, weak : CSR ties (int64, int32, bool)
    transmission : float64 (n_entries,)
    row_mode, row_scale, row_thin, tie_ratio, tie_prefix : from :func:`row_tables`
    activity : float64 (n,)
    is_candidate : bool (n,)
    community : int32 (n,) codes, -1 unknown; empty when the network has none
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
    person_acc : int64 (n, 4), added into if ``full``
        Per person: times reached, sum of hop, sum of hop squared, chain
        credit.
    tie_credit : int64 (n_entries,), added into if ``full``.
    trial_stats : int64 (n_trials, N_TRIAL), rows ``t0 .. t1 - 1`` written.
    cancel : uint8 (1,)
        Checked before every trial: when ``cancel[0] != 0`` the block returns
        at once with the trials done so far (the driver then discards it).

    Returns
    -------
    hop_sums : int64 (H, N_HOP)
    trial_hop : int32 (t1 - t0, H), people reached at each hop per trial
    chain_trial, chain_person, chain_hop, chain_parent : int32 (k,)
    chain_weak : bool (k,)

    Notes
    -----
    Reached people are stored by *position* (the order they were reached, hop
    by hop), so the per-trial scratch (parent position, tie entry, tellers,
    flags) is read and written mostly sequentially. ``pos_of[v] < level_end``
    means ``v`` was reached at the current hop or before.
    """
    n = activity.shape[0]
    ntr = t1 - t0
    n_src = sources.shape[0]
    pos_of = np.full(n, -1, np.int32)
    order = np.empty(n, np.int32)
    ppos = np.empty(n, np.int32)
    pentry = np.empty(n, np.int64)
    ntell = np.empty(n, np.int32)
    flags = np.zeros(n, np.uint8)  # 1: chain used a weak tie, 2: crossed, 4: cand
    has_community = community.shape[0] > 0
    comm_pos = np.zeros(n if full else 0, np.int32)
    sub = np.zeros(n if full else 0, np.int64)
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
    bounds = np.zeros(cap + 1, np.int64)

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
        if cancel[0] != 0:
            break
        row = t - t0
        tk = trial_key(key, t)
        n_cand = 0
        for k in range(n_src):
            s = sources[k]
            pos_of[s] = k
            order[k] = s
            ppos[k] = -1
            pentry[k] = -1
            f = np.uint8(0)
            if is_candidate[s]:
                n_cand += 1
                f = np.uint8(4)
            flags[k] = f
            if full:
                if has_community:
                    comm_pos[k] = community[s]
                person_acc[s, 0] += 1
        hop_sums[0, NEW_CANDIDATES] += n_cand
        end = n_src
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
                bounds = _grow(bounds, cap + 1)
            level_end = end
            bounds[h] = start
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
                mode = row_mode[u]
                unlimited = fanout < 0 or b - a <= fanout
                if unlimited and mode == ROW_DIRECT:
                    for e in range(a, b):
                        v = indices[e]
                        pv = pos_of[v]
                        if pv >= 0 and pv < level_end:
                            already += 1
                            continue
                        if not _direct(tk, tie_prefix[e], transmission[e]):
                            not_carried += 1
                            continue
                        if (
                            pv < 0
                        ):  # a new person (written out: an inlined helper was slower)
                            pos_of[v] = end
                            order[end] = v
                            ppos[end] = idx
                            pentry[end] = e
                            ntell[end] = 1
                            if full:
                                flags[end] = np.uint8(8) * weak[e]
                            end += 1
                            if is_candidate[v]:
                                new_cand += 1
                        else:  # told again this hop: reservoir-sample the parent
                            already += 1
                            tellers = ntell[pv] + 1
                            ntell[pv] = tellers
                            if uniform(tk, STREAM_PARENT, v, tellers) * tellers < 1.0:
                                ppos[pv] = idx
                                pentry[pv] = e
                                if full:
                                    flags[pv] = np.uint8(8) * weak[e]
                    continue
                if unlimited:
                    if full:
                        # contacts reached by this hop, counted without branches
                        seen = np.int64(0)
                        bound = np.uint32(level_end)
                        for e in range(a, b):
                            seen += np.int64(np.uint32(pos_of[indices[e]]) < bound)
                        already += seen
                        not_carried += b - a - seen
                    if mode == ROW_NONE:  # no tie of u can carry
                        continue
                    scale = row_scale[u]
                    thin = row_thin[u]
                    # only the candidate ties are touched
                    c = 0
                    e = a + _skip(tk, u, c, scale)
                    while e < b:
                        v = indices[e]
                        pv = pos_of[v]
                        if (pv < 0 or pv >= level_end) and _accepted(
                            tk, u, c, thin, tie_ratio[e]
                        ):
                            not_carried -= 1  # it carried after all
                            if pv < 0:
                                pos_of[v] = end
                                order[end] = v
                                ppos[end] = idx
                                pentry[end] = e
                                ntell[end] = 1
                                if full:
                                    flags[end] = np.uint8(8) * weak[e]
                                end += 1
                                if is_candidate[v]:
                                    new_cand += 1
                            else:
                                already += 1
                                tellers = ntell[pv] + 1
                                ntell[pv] = tellers
                                if (
                                    uniform(tk, STREAM_PARENT, v, tellers) * tellers
                                    < 1.0
                                ):
                                    ppos[pv] = idx
                                    pentry[pv] = e
                                    if full:
                                        flags[pv] = np.uint8(8) * weak[e]
                        c += 1
                        e = e + 1 + _skip(tk, u, c, scale)
                    continue
                # fanout: pick among the unreached contacts
                m = 0
                for e in range(a, b):
                    pv = pos_of[indices[e]]
                    if pv >= 0 and pv < level_end:
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
                    pv = pos_of[v]
                    if not _direct(tk, tie_prefix[e], transmission[e]):
                        not_carried += 1
                        continue
                    if (
                        pv < 0
                    ):  # a new person (written out: an inlined helper was slower)
                        pos_of[v] = end
                        order[end] = v
                        ppos[end] = idx
                        pentry[end] = e
                        ntell[end] = 1
                        if full:
                            flags[end] = np.uint8(8) * weak[e]
                        end += 1
                        if is_candidate[v]:
                            new_cand += 1
                    else:  # told again this hop: reservoir-sample the parent
                        already += 1
                        tellers = ntell[pv] + 1
                        ntell[pv] = tellers
                        if uniform(tk, STREAM_PARENT, v, tellers) * tellers < 1.0:
                            ppos[pv] = idx
                            pentry[pv] = e
                            if full:
                                flags[pv] = np.uint8(8) * weak[e]
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
                hop = np.int64(h + 1)
                weak_new = 0
                for pos in range(level_end, end):
                    v = order[pos]
                    pp = ppos[pos]
                    f = (flags[pp] & np.uint8(3)) | ((flags[pos] >> 3) & np.uint8(1))
                    if has_community:
                        cv = community[v]
                        comm_pos[pos] = cv
                        if cv >= 0 and comm_pos[pp] >= 0 and comm_pos[pp] != cv:
                            f |= np.uint8(2)  # unknown (-1) is never a crossing
                    if is_candidate[v]:
                        f |= np.uint8(4)
                        if f & 1:
                            weak_new += 1
                        if f & 2:
                            n_cross += 1
                            if f & 1:
                                n_cross_weak += 1
                    flags[pos] = f
                    person_acc[v, 0] += 1
                    person_acc[v, 1] += hop
                    person_acc[v, 2] += hop * hop
                hop_sums[h + 1, WEAK_CANDIDATES] += weak_new
                n_weak += weak_new
            start = level_end
            h += 1
        depth = h - 1
        bounds[h] = end

        trial_stats[t, T_REACHED] = end
        trial_stats[t, T_CANDIDATES] = n_cand
        trial_stats[t, T_DEPTH] = depth
        if full:
            trial_stats[t, T_WEAK] = n_weak
            trial_stats[t, T_CROSS] = n_cross
            trial_stats[t, T_CROSS_WEAK] = n_cross_weak
            if n_cand > 0:
                # chain credit: candidates below each position, children first
                for pos in range(end - 1, n_src - 1, -1):
                    own = np.int64((flags[pos] >> 2) & 1)
                    below = sub[pos] + own
                    if below > 0:
                        sub[pos] = 0
                        tie_credit[pentry[pos]] += below
                        sub[ppos[pos]] += below
                        if below > own:
                            person_acc[order[pos], 3] += below - own
                for pos in range(n_src):
                    sub[pos] = 0

        if t < keep_until:
            if n_chain + end > chain_cap:
                chain_cap = max(2 * chain_cap, n_chain + end)
                chain_trial = _grow(chain_trial, chain_cap)
                chain_person = _grow(chain_person, chain_cap)
                chain_hop = _grow(chain_hop, chain_cap)
                chain_parent = _grow(chain_parent, chain_cap)
                chain_weak = _grow(chain_weak, chain_cap)
            for level in range(depth + 1):
                for pos in range(bounds[level], bounds[level + 1]):
                    pp = ppos[pos]
                    vw = False
                    if pp >= 0:
                        vw = (flags[pp] & 1) != 0 or weak[pentry[pos]]
                    flags[pos] = (flags[pos] & np.uint8(6)) | np.uint8(vw)
                    chain_trial[n_chain] = t
                    chain_person[n_chain] = order[pos]
                    chain_hop[n_chain] = level
                    chain_parent[n_chain] = order[pp] if pp >= 0 else -1
                    chain_weak[n_chain] = vw
                    n_chain += 1

        for pos in range(end):
            pos_of[order[pos]] = -1

    return (
        hop_sums,
        trial_hop,
        chain_trial[:n_chain],
        chain_person[:n_chain],
        chain_hop[:n_chain],
        chain_parent[:n_chain],
        chain_weak[:n_chain],
    )
