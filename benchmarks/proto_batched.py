"""Prototype for issue 15: several trials per traversal, measured, not adopted.

Run from the repository root, one thread::

    NUMBA_NUM_THREADS=1 python benchmarks/proto_batched.py --check
    NUMBA_NUM_THREADS=1 python benchmarks/proto_batched.py --repeats 5

A *batch* is up to 64 trials of a run: trial ``t`` is bit ``t % 64`` of a
``uint64`` word in batch ``t // 64``, so a trial's outcome does not depend on
how trials are split among threads. The batch traverses the network once,
hop-synchronously, in the style of the multi-source BFS of Then et al. ("The
More the Merrier: Efficient Multi-Source Graph Traversal", VLDB 2014): per
person three words, ``R`` (reached by this hop), ``F`` (reached at this hop:
the frontier) and ``N`` (reached at the next hop). A frontier person ``u``
acts in the trials ``A = F[u] & act`` and its row of ties is read once per
batch and hop, not once per trial.

Two ways to draw which ties carry:

* ``draws="trial"`` keeps today's draws: for each trial ``t`` in ``A`` the same
  geometric skips (or tie-by-tie draws) as
  :func:`referral._engine.spread_kernel.spread_block` for (trial ``t``, row
  ``u``), and the same act coins. Each trial's reached set is then *identical*
  to the current kernel's; ``--check`` asserts it (reach, people per hop,
  candidates, depth, per-hop sums, per-person tallies).
* ``draws="sliced"``: one Bernoulli *word* per (batch, tie): the 64 trials'
  uniforms are compared digit by digit against the binary expansion of the
  tie's transmission, one hashed 64-bit plane per digit, stopping as soon as
  no acting, unreached trial is undecided. Different draws (same law); the
  check compares mean reach only.

Full bookkeeping is done per batch with words: for acting trials ``A`` on tie
``u -> v``, ``already = popcount(A & R[v])`` plus the carried ties whose
person was already told this hop, ``not_carried`` the rest; per-person tallies
add ``popcount`` once per (batch, hop, person) instead of once per trial.
People reached per hop and candidates per trial are counted per bit with
vertical (bit-sliced) counters. Chain credit and the weak/cross chain flags
are not computed. Parents are optional (``parents=1`` or ``2`` in
:func:`run_batched`), with an order-free rule (the teller with the smallest
parent uniform) instead of today's reservoir sampling in the order of
reaching, which a batch does not keep.

Timing: thread CPU seconds (``time.thread_time``), medians of interleaved
repeats in one process. The codes: the current kernel in reach and full mode
(``spread_block`` called as :func:`referral.spread` calls it, ``keep_chains =
0``), this prototype in reach-equivalent and full-equivalent mode with both
draw variants, the bare one-trial-at-a-time cascade of ``bench_spread.py`` (no
bookkeeping, sequential RNG) and cynetdiff when installed.
"""

from __future__ import annotations

import argparse
import array
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba.core import types
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic

from referral._engine.hashing import (
    STREAM_ACT,
    STREAM_PARENT,
    splitmix64,
    trial_key,
    uniform,
)
from referral._engine.spread_kernel import (
    ACTED,
    ALREADY,
    ARRIVED,
    DID_NOT_ACT,
    HOLD,
    HOP_COLUMNS,
    HOP_LIMIT,
    N_HOP,
    N_TRIAL,
    NEW_CANDIDATES,
    NOT_CARRIED,
    OFFERED,
    P_HOP_SQ,
    P_HOP_SUM,
    P_REACHED,
    ROW_DIRECT,
    ROW_NONE,
    T_CANDIDATES,
    T_DEPTH,
    T_REACHED,
    CascadeNetwork,
    CascadeRun,
    Tallies,
    TieSampler,
    _accepted,
    _direct,
    _skip,
    row_tables,
    spread_block,
)

HERE = Path(__file__).resolve().parent

__all__ = [
    "batched_block",
    "current_block",
    "run_batched",
    "check_network",
]

_ONE = np.uint64(1)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_PLANE = np.uint64(0xD1B54A32D192ED03)
_SLICED_SALT = np.uint64(0x5EED0B17C0FFEE15)
_COUNTER_BITS = 32

#: per-hop sums compared exactly with the current kernel
COMPARED_HOP_COLUMNS = (
    HOLD,
    ACTED,
    OFFERED,
    ARRIVED,
    DID_NOT_ACT,
    NOT_CARRIED,
    ALREADY,
    HOP_LIMIT,
    NEW_CANDIDATES,
)


@intrinsic
def popcount(typingctx, x):
    """Number of set bits of a uint64 (LLVM ``ctpop``)."""
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@numba.njit(inline="always")
def _count(x):
    return np.int64(popcount(x))


@numba.njit(inline="always")
def _add_vertical(planes, x):
    """Add 1 to the counter of every set bit of ``x`` (64 bit-sliced counters)."""
    for k in range(planes.shape[0]):
        carry = planes[k] & x
        planes[k] ^= x
        x = carry
        if x == 0:
            break


@numba.njit
def _read_vertical(planes, out):
    """Write the 64 counters into ``out`` and zero them."""
    for j in range(64):
        out[j] = 0
    for k in range(planes.shape[0]):
        w = planes[k]
        planes[k] = 0
        while w != 0:
            j = trailing_zeros(w)
            out[j] += np.int64(1) << k
            w &= w - _ONE


@numba.njit(inline="always")
def _sliced_word(bkey, pre, p, undecided):
    """Trials (bits of ``undecided``) whose uniform for this tie is below ``p``.

    Bit ``t`` of plane ``k`` is the ``k``-th binary digit of trial ``t``'s
    uniform; planes are compared with ``p``'s digits, most significant first,
    and the loop ends as soon as no bit is undecided.
    """
    z = splitmix64(bkey ^ pre)
    less = np.uint64(0)
    q = p
    k = np.uint64(0)
    while undecided != 0 and q > 0.0 and k < np.uint64(53):
        plane = splitmix64(z + k * _PLANE)
        q = q * 2.0
        if q >= 1.0:
            q -= 1.0
            less |= undecided & ~plane
            undecided &= plane
        else:
            undecided &= ~plane
        k += _ONE
    return less


@numba.njit(inline="always")
def _seen(act, n_act, narrow, a, b, indices, R, Rt):
    """Ties of row ``a .. b`` to people reached by this hop, summed over the
    acting trials: from the 64-bit words ``R`` when many trials act, from the
    per-trial bitmaps ``Rt`` (cache-resident, like today's kernel) when at most
    ``narrow`` do."""
    seen = np.int64(0)
    if n_act <= narrow:
        w = act
        while w != 0:
            j = trailing_zeros(w)
            w &= w - _ONE
            for e in range(a, b):
                v = indices[e]
                seen += np.int64((Rt[j, v >> 6] >> np.uint64(v & 63)) & _ONE)
    else:
        for e in range(a, b):
            seen += _count(act & R[indices[e]])
    return seen


@numba.njit(inline="always")
def _teller_wins(tk, v, u, incumbent):
    """Does teller ``u`` replace ``incumbent`` as ``v``'s parent?

    Order-free: the parent is the teller with the smallest
    ``uniform(tk, STREAM_PARENT, v, teller)`` (uniform among the tellers,
    whatever order the holders are processed in). Not today's rule, which
    reservoir-samples in the order of reaching.
    """
    return uniform(tk, STREAM_PARENT, v, u) < uniform(tk, STREAM_PARENT, v, incumbent)


@numba.njit(inline="always")
def _parent_key(tk, v, u):
    """The same rule packed: 32 bits of the teller's uniform above its id, so
    the parent is the smallest key and no incumbent's uniform is recomputed."""
    r = np.uint64(uniform(tk, STREAM_PARENT, v, u) * 4294967296.0)
    return (r << np.uint64(32)) | np.uint64(u)


@numba.njit(nogil=True)
def batched_block(
    indptr,
    indices,
    transmission,
    activity,
    is_candidate,
    row_mode,
    row_scale,
    row_thin,
    tie_ratio,
    tie_prefix,
    sources,
    source_activity,
    key,
    full,
    sliced,
    t0,
    t1,
    person_acc,
    trial_stats,
    narrow,
    parent,
    pkey,
):
    """Run trials ``t0 .. t1 - 1`` (``t0`` a multiple of 64) in batches of 64.

    ``parent`` is ``(n, 64)`` int32 (or ``(0, 64)`` for no parents): the
    batch's parent of each reached (person, trial), order-free
    (:func:`_teller_wins`), reset to -1 at the end of each batch. ``pkey``
    is ``(n, 64)`` uint64 (or ``(0, 64)``): the same rule with packed keys
    (:func:`_parent_key`), reset to all ones.

    Returns ``(hop_sums, trial_hop, traffic)``: ``hop_sums`` and ``trial_hop``
    as :func:`spread_block`'s (the chain columns stay zero), ``traffic`` =
    (frontier entries, acting rows read, trial-rows acted, parents set): how many rows
    were read against how many one-trial-at-a-time would read. Rows
    ``t0 .. t1 - 1`` of ``trial_stats`` get reach, candidates and depth;
    ``person_acc`` columns 0-2 are added into under ``full``.
    """
    n = activity.shape[0]
    n_src = sources.shape[0]
    R = np.zeros(n, np.uint64)
    F = np.zeros(n, np.uint64)
    N = np.zeros(n, np.uint64)
    cur = np.empty(n, np.int32)
    nxt = np.empty(n, np.int32)
    touched = np.empty(n, np.int32)
    tks = np.empty(64, np.uint64)
    hop_planes = np.zeros(_COUNTER_BITS, np.uint64)
    cand_planes = np.zeros(_COUNTER_BITS, np.uint64)
    counts = np.zeros(64, np.int64)
    cap = 64
    hop_sums = np.zeros((cap, N_HOP), np.int64)
    trial_hop = np.zeros((t1 - t0, cap), np.int32)
    traffic = np.zeros(4, np.int64)
    # parents (order-free rule, see _teller_wins): parent[v, t] for a batch,
    # person-major so that one person's 64 trials share cache lines
    parents = parent.shape[0] > 0
    packed = pkey.shape[0] > 0
    # per-trial bitmaps of the people reached by this hop (full mode only)
    Rt = np.zeros((64, (n + 63) // 64 if full and narrow > 0 else 0), np.uint64)
    keep_rt = full and narrow > 0
    sliced_key = splitmix64(key ^ _SLICED_SALT)

    for bt0 in range(t0, t1, 64):
        nb = min(64, t1 - bt0)
        mask = _ALL if nb == 64 else (_ONE << np.uint64(nb)) - _ONE
        for j in range(nb):
            tks[j] = trial_key(key, bt0 + j)
        bkey = trial_key(sliced_key, bt0 // 64)
        ncur = 0
        n_touched = 0
        for k in range(n_src):
            s = sources[k]
            R[s] = mask
            F[s] = mask
            if parents:
                for j in range(nb):
                    parent[s, j] = -1
            if packed:
                for j in range(nb):
                    pkey[s, j] = _ALL
            cur[ncur] = s
            ncur += 1
            touched[n_touched] = s
            n_touched += 1
            if is_candidate[s]:
                _add_vertical(cand_planes, mask)
                hop_sums[0, NEW_CANDIDATES] += nb
            if full:
                person_acc[s, P_REACHED] += nb
            if keep_rt:
                for j in range(nb):
                    Rt[j, s >> 6] |= _ONE << np.uint64(s & 63)
        for j in range(nb):
            trial_hop[bt0 - t0 + j, 0] = n_src
        h = 0
        while ncur > 0:
            if h + 2 > cap:
                cap *= 2
                grown = np.zeros((cap, N_HOP), np.int64)
                grown[: hop_sums.shape[0]] = hop_sums
                hop_sums = grown
                grown_th = np.zeros((t1 - t0, cap), np.int32)
                grown_th[:, : trial_hop.shape[1]] = trial_hop
                trial_hop = grown_th
            hold = 0
            acted = 0
            offered = 0
            did_not_act = 0
            not_carried = 0
            already = 0
            nnext = 0
            traffic[0] += ncur
            for i in range(ncur):
                u = cur[i]
                f = F[u]
                a = indptr[u]
                b = indptr[u + 1]
                deg = b - a
                pc = _count(f)
                hold += pc
                offered += pc * deg
                p = source_activity if h == 0 else activity[u]
                act = f
                if p < 1.0:
                    act = np.uint64(0)
                    w = f
                    while w != 0:
                        j = trailing_zeros(w)
                        w &= w - _ONE
                        if uniform(tks[j], STREAM_ACT, u, 0) < p:
                            act |= _ONE << np.uint64(j)
                n_act = _count(act)
                did_not_act += (pc - n_act) * deg
                if act == 0:
                    continue
                acted += n_act
                traffic[1] += 1
                traffic[2] += n_act
                mode = row_mode[u]
                if mode == ROW_NONE:
                    if full:
                        seen = _seen(act, n_act, narrow, a, b, indices, R, Rt)
                        already += seen
                        not_carried += n_act * deg - seen
                    continue
                if sliced or mode == ROW_DIRECT:
                    # tie-major: one carry word per tie
                    for e in range(a, b):
                        v = indices[e]
                        rv = R[v]
                        open_ = act & ~rv
                        if full:
                            already += n_act - _count(open_)
                        if open_ == 0:
                            continue
                        if sliced:
                            carry = _sliced_word(
                                bkey, tie_prefix[e], transmission[e], open_
                            )
                        else:
                            carry = np.uint64(0)
                            w = open_
                            while w != 0:
                                j = trailing_zeros(w)
                                w &= w - _ONE
                                if _direct(tks[j], tie_prefix[e], transmission[e]):
                                    carry |= _ONE << np.uint64(j)
                        if full:
                            not_carried += _count(open_ & ~carry)
                        if carry == 0:
                            continue
                        nv = N[v]
                        if full:
                            already += _count(carry & nv)
                        if parents:
                            w = carry
                            while w != 0:
                                j = trailing_zeros(w)
                                w &= w - _ONE
                                if ((nv >> np.uint64(j)) & _ONE) == 0 or _teller_wins(
                                    tks[j], v, u, parent[v, j]
                                ):
                                    parent[v, j] = u
                        if packed:
                            w = carry
                            while w != 0:
                                j = trailing_zeros(w)
                                w &= w - _ONE
                                k = _parent_key(tks[j], v, u)
                                if ((nv >> np.uint64(j)) & _ONE) == 0 or k < pkey[v, j]:
                                    pkey[v, j] = k
                        if nv == 0:
                            nxt[nnext] = v
                            nnext += 1
                        N[v] = nv | carry
                    continue
                # geometric skips, trial by trial, today's draws
                if full:
                    seen = _seen(act, n_act, narrow, a, b, indices, R, Rt)
                    already += seen
                    not_carried += n_act * deg - seen
                scale = row_scale[u]
                thin = row_thin[u]
                w = act
                while w != 0:
                    j = trailing_zeros(w)
                    w &= w - _ONE
                    bit = _ONE << np.uint64(j)
                    tk = tks[j]
                    c = 0
                    e = a + _skip(tk, u, c, scale)
                    while e < b:
                        v = indices[e]
                        if (R[v] & bit) == 0 and _accepted(
                            tk, u, c, thin, tie_ratio[e]
                        ):
                            not_carried -= 1
                            nv = N[v]
                            if nv & bit:
                                already += 1
                                if parents and _teller_wins(tk, v, u, parent[v, j]):
                                    parent[v, j] = u
                                if packed:
                                    k = _parent_key(tk, v, u)
                                    if k < pkey[v, j]:
                                        pkey[v, j] = k
                            else:
                                if parents:
                                    parent[v, j] = u
                                if packed:
                                    pkey[v, j] = _parent_key(tk, v, u)
                                if nv == 0:
                                    nxt[nnext] = v
                                    nnext += 1
                                N[v] = nv | bit
                        c += 1
                        e = e + 1 + _skip(tk, u, c, scale)
            # close the hop
            arrived = 0
            new_cand = 0
            hop = np.int64(h + 1)
            for i in range(ncur):
                F[cur[i]] = 0
            for i in range(nnext):
                v = nxt[i]
                nv = N[v]
                pc = _count(nv)
                arrived += pc
                _add_vertical(hop_planes, nv)
                if is_candidate[v]:
                    new_cand += pc
                    _add_vertical(cand_planes, nv)
                if full:
                    person_acc[v, P_REACHED] += pc
                    person_acc[v, P_HOP_SUM] += hop * pc
                    person_acc[v, P_HOP_SQ] += hop * hop * pc
                if R[v] == 0:
                    touched[n_touched] = v
                    n_touched += 1
                if keep_rt:
                    w = nv
                    vbit = _ONE << np.uint64(v & 63)
                    while w != 0:
                        j = trailing_zeros(w)
                        w &= w - _ONE
                        Rt[j, v >> 6] |= vbit
                if parents:
                    w = nv
                    while w != 0:
                        j = trailing_zeros(w)
                        w &= w - _ONE
                        traffic[3] += parent[v, j] >= 0
                if packed:
                    w = nv
                    while w != 0:
                        j = trailing_zeros(w)
                        w &= w - _ONE
                        traffic[3] += pkey[v, j] != _ALL
                R[v] |= nv
                F[v] = nv
                N[v] = 0
            _read_vertical(hop_planes, counts)
            for j in range(nb):
                trial_hop[bt0 - t0 + j, h + 1] = counts[j]
            hop_sums[h, HOLD] += hold
            hop_sums[h + 1, NEW_CANDIDATES] += new_cand
            if full:
                hop_sums[h, ACTED] += acted
                hop_sums[h, OFFERED] += offered
                hop_sums[h, ARRIVED] += arrived
                hop_sums[h, DID_NOT_ACT] += did_not_act
                hop_sums[h, NOT_CARRIED] += not_carried
                hop_sums[h, ALREADY] += already
            tmp = cur
            cur = nxt
            nxt = tmp
            ncur = nnext
            h += 1
        # per-trial results
        _read_vertical(cand_planes, counts)
        for j in range(nb):
            row = bt0 - t0 + j
            total = 0
            depth = 0
            for k in range(trial_hop.shape[1]):
                c = trial_hop[row, k]
                total += c
                if c > 0:
                    depth = k
            trial_stats[bt0 + j, T_REACHED] = total
            trial_stats[bt0 + j, T_CANDIDATES] = counts[j]
            trial_stats[bt0 + j, T_DEPTH] = depth
        for i in range(n_touched):
            v = touched[i]
            if parents:  # a full design would read the parents here
                w = R[v]
                while w != 0:
                    j = trailing_zeros(w)
                    w &= w - _ONE
                    parent[v, j] = -1
            if packed:
                w = R[v]
                while w != 0:
                    j = trailing_zeros(w)
                    w &= w - _ONE
                    pkey[v, j] = _ALL
            if keep_rt:
                w = R[v]
                while w != 0:
                    j = trailing_zeros(w)
                    w &= w - _ONE
                    Rt[j, v >> 6] = 0
            R[v] = 0
    return hop_sums, trial_hop, traffic


# ------------------------------------------------------------------ drivers
def _tables(network):
    """The current kernel's arguments for ``network`` (as referral.spread)."""
    from referral.spread import _community_codes

    net = CascadeNetwork(
        network.indptr,
        network.indices,
        network.transmission,
        network.weak,
        network.activity,
        network.is_candidate,
        _community_codes(network),
    )
    sampler = TieSampler(*row_tables(network.indptr, network.transmission))
    return net, sampler


def current_block(net, sampler, sources, key, trials, full, person_acc=None):
    """Run the current kernel as :func:`referral.spread` does (keep_chains=0)."""
    n = net.activity.shape[0]
    run = CascadeRun(sources, 1.0, key, -1, -1, 0, full)
    if person_acc is None:
        person_acc = np.zeros((n if full else 0, 4), np.int64)
    tallies = Tallies(
        person_acc,
        np.zeros(net.indices.shape[0] if full else 0, np.int64),
        np.zeros((trials, N_TRIAL), np.int64),
    )
    out = spread_block(net, sampler, run, tallies, 0, trials, np.zeros(1, np.uint8))
    return out[0], out[1], tallies.trial_stats, person_acc


def run_batched(
    net,
    sampler,
    sources,
    key,
    trials,
    full,
    sliced,
    person_acc=None,
    narrow=0,
    parents=0,
):
    """Run the prototype on the current kernel's tables.

    Under ``full``, rows where at most ``narrow`` trials act are classified
    from per-trial bitmaps, the others from the 64-bit words.
    """
    n = net.activity.shape[0]
    if person_acc is None:
        person_acc = np.zeros((n if full else 0, 4), np.int64)
    trial_stats = np.zeros((trials, N_TRIAL), np.int64)
    hop_sums, trial_hop, traffic = batched_block(
        net.indptr,
        net.indices,
        net.transmission,
        net.activity,
        net.is_candidate,
        sampler.mode,
        sampler.scale,
        sampler.thin,
        sampler.ratio,
        sampler.prefix,
        sources,
        1.0,
        key,
        full,
        sliced,
        0,
        trials,
        person_acc,
        trial_stats,
        narrow,
        np.full((n if parents == 1 else 0, 64), -1, np.int32),
        np.full((n if parents == 2 else 0, 64), _ALL, np.uint64),
    )
    return hop_sums, trial_hop, trial_stats, person_acc, traffic


def _trim(hop_sums, trial_hop, depth):
    return hop_sums[: depth + 1], trial_hop[:, : depth + 1]


def check_network(network, sources, seed, trials):
    """Compare the prototype (today's draws) with the current kernel.

    Returns a list of mismatch descriptions (empty when everything agrees):
    per-trial reach, candidates and depth, people reached per hop per trial,
    the per-hop sums (loss classification included) and the per-person reach
    and hop tallies, in reach and full mode. The bit-sliced variant is
    compared by mean reach (z-score below 4).
    """
    from referral._random import base_key

    key = base_key(seed)
    sources = np.ascontiguousarray(sources, dtype=np.int32)
    net, sampler = _tables(network)
    problems = []
    # narrow: rows classified from per-trial bitmaps never, up to 2 acting
    # trials, always
    for full, narrow in ((False, 0), (True, 0), (True, 2), (True, 64)):
        ref_hops, ref_th, ref_stats, ref_acc = current_block(
            net, sampler, sources, key, trials, full
        )
        hops, th, stats, acc, _ = run_batched(
            net, sampler, sources, key, trials, full, False, narrow=narrow
        )
        label = f"full={full}, narrow={narrow}"
        depth = int(ref_stats[:, T_DEPTH].max())
        if int(stats[:, T_DEPTH].max()) != depth:
            problems.append(f"{label}: depth {stats[:, T_DEPTH].max()} != {depth}")
            continue
        ref_hops, ref_th = _trim(ref_hops, ref_th, depth)
        hops, th = _trim(hops, th, depth)
        for col, name in zip(
            (T_REACHED, T_CANDIDATES, T_DEPTH),
            ("reached", "candidates", "depth"),
            strict=True,
        ):
            if not np.array_equal(stats[:, col], ref_stats[:, col]):
                bad = int(np.flatnonzero(stats[:, col] != ref_stats[:, col])[0])
                problems.append(f"{label}: trial {bad} {name} differs")
        if not np.array_equal(th, ref_th):
            problems.append(f"{label}: people reached per hop differ")
        cols = list(COMPARED_HOP_COLUMNS) if full else [HOLD, NEW_CANDIDATES]
        if not np.array_equal(hops[:, cols], ref_hops[:, cols]):
            diff = {
                HOP_COLUMNS[c]: (hops[:, c].tolist(), ref_hops[:, c].tolist())
                for c in cols
                if not np.array_equal(hops[:, c], ref_hops[:, c])
            }
            problems.append(f"{label}: hop sums differ {diff}")
        if full and not np.array_equal(acc[:, :3], ref_acc[:, :3]):
            problems.append(f"{label}: per-person reach/hop tallies differ")
    # order-free parents: one per reached (trial, person) but the sources
    for parents in (1, 2):
        _, _, pstats, _, ptraffic = run_batched(
            net, sampler, sources, key, trials, False, False, parents=parents
        )
        cols = [T_REACHED, T_CANDIDATES, T_DEPTH]
        if not np.array_equal(pstats[:, cols], ref_stats[:, cols]):
            problems.append(f"parents={parents}: the trials changed")
        if ptraffic[3] != pstats[:, T_REACHED].sum() - len(sources) * trials:
            problems.append(f"parents={parents}: {ptraffic[3]} set")
    # bit-sliced draws: same law, other numbers
    _, _, ref_stats, _ = current_block(net, sampler, sources, key, trials, False)
    _, _, stats, _, _ = run_batched(net, sampler, sources, key, trials, False, True)
    a = stats[:, T_REACHED].astype(float)
    b = ref_stats[:, T_REACHED].astype(float)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    z = (a.mean() - b.mean()) / se if se > 0 else 0.0
    if abs(z) > 4:
        problems.append(f"sliced draws: mean reach {a.mean():.1f} vs {b.mean():.1f}")
    return problems


def ba_network(n_nodes, p, seed=1):
    """``barabasi_albert_graph(n_nodes, 5, seed)`` as bench_spread builds it."""
    import networkx as nx

    from referral.network import from_arrays

    G = nx.barabasi_albert_graph(n_nodes, 5, seed=seed)
    edges = np.asarray(G.edges(), dtype=np.int64)
    return from_arrays(
        n_nodes, edges[:, 0], edges[:, 1], strength=1.0, transmission=p, activity=1.0
    )


def run_check(args):
    from referral.populations import community_population

    cases = []
    for p in (0.05, 0.15, 0.3):
        cases.append((f"BA(2000, 5) p={p}", ba_network(2000, p), [0], 150))
    pop = community_population(3000, seed=2)
    cases.append(("community_population(3000)", pop, pop.recruiters, 130))
    pop = community_population(2000, strong_contacts=12, weak_contacts=8, seed=3)
    cases.append(("community_population(2000, 12, 8)", pop, pop.recruiters, 70))
    if not args.quick:
        for p in (0.05, 0.15):
            cases.append((f"BA(100k, 5) p={p}", ba_network(100_000, p), [0], 128))
    failed = 0
    for name, network, sources, trials in cases:
        problems = check_network(network, sources, 7, trials)
        print(f"{name}, {trials} trials: {'ok' if not problems else 'MISMATCH'}")
        for line in problems:
            print("   ", line)
        failed += bool(problems)
    return 1 if failed else 0


# ------------------------------------------------------------------- timing
def _load_bench_spread():
    sys.path.insert(0, str(HERE))
    import bench_spread

    return bench_spread


def _cynetdiff_model(network, p):
    try:
        from cynetdiff.models import IndependentCascadeModel
    except ImportError:
        return None
    starts = array.array("I", network.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", network.indices.astype(np.uint32).tobytes())
    model = IndependentCascadeModel(starts, edges, activation_prob=p, rng=1)
    model.set_seeds([0])
    return model


def _run_cynetdiff(model, trials):
    total = 0
    for _ in range(trials):
        model.reset_model()
        model.advance_until_completion()
        total += model.get_num_activated_nodes()
    return total / trials


def time_case(n_nodes, p, trials, repeats, lines, network=None):
    """Time every code on BA(n_nodes, 5) at ``p`` (or on ``network`` from its
    recruiters, without cynetdiff); append table rows to ``lines``."""
    from referral._random import base_key

    bench = _load_bench_spread()
    if network is None:
        network = ba_network(n_nodes, p)
        sources = np.zeros(1, np.int32)
        label = f"{n_nodes:,}"
    else:
        sources = np.ascontiguousarray(network.recruiters, dtype=np.int32)
        label = f"population {n_nodes:,}"
    with_cynetdiff = p is not None
    net, sampler = _tables(network)
    key = base_key(1)
    n = network.n_people
    bare_args = (
        network.indptr,
        network.indices,
        network.transmission,
        network.activity,
        sources,
    )
    sizes = np.zeros(trials, np.int64)
    model = _cynetdiff_model(network, p) if with_cynetdiff else None

    def acc():
        return np.zeros((n, 4), np.int64)

    codes = {
        "current, reach mode (hops+parents)": lambda a: current_block(
            net, sampler, sources, key, trials, False
        )[2][:, 0].mean(),
        "current, full mode": lambda a: current_block(
            net, sampler, sources, key, trials, True, a
        )[2][:, 0].mean(),
        "batched, reach-equivalent, today's draws": lambda a: run_batched(
            net, sampler, sources, key, trials, False, False
        )[2][:, 0].mean(),
        "batched, reach-equivalent + order-free parents, today's draws": (
            lambda a: run_batched(
                net, sampler, sources, key, trials, False, False, parents=1
            )[2][:, 0].mean()
        ),
        "batched, reach-equivalent + packed order-free parents, today's draws": (
            lambda a: run_batched(
                net, sampler, sources, key, trials, False, False, parents=2
            )[2][:, 0].mean()
        ),
        "batched, full-equivalent, today's draws": lambda a: run_batched(
            net, sampler, sources, key, trials, True, False, a
        )[2][:, 0].mean(),
        "batched, full-equivalent, today's draws, bitmaps for rows of <= 2 trials": (
            lambda a: run_batched(
                net, sampler, sources, key, trials, True, False, a, narrow=2
            )[2][:, 0].mean()
        ),
        "batched, reach-equivalent, bit-sliced draws": lambda a: run_batched(
            net, sampler, sources, key, trials, False, True
        )[2][:, 0].mean(),
        "batched, full-equivalent, bit-sliced draws": lambda a: run_batched(
            net, sampler, sources, key, trials, True, True, a
        )[2][:, 0].mean(),
        "bare one-trial-at-a-time IC (no bookkeeping)": lambda a: (
            bench.bare_cascades(*bare_args, 0, trials, 1, sizes),
            sizes.mean(),
        )[1],
    }
    if model is not None:
        codes["cynetdiff IC"] = lambda a: _run_cynetdiff(model, trials)
    # compile / warm up
    for fn in codes.values():
        fn(acc())
    times = {name: [] for name in codes}
    reach = {}
    for rep in range(repeats):
        order = list(codes)
        if rep % 2:
            order.reverse()
        for name in order:
            a = acc()
            start = time.thread_time()
            reach[name] = codes[name](a)
            times[name].append(time.thread_time() - start)
    hop_sums = current_block(net, sampler, sources, key, trials, True)[0]
    sums = hop_sums.sum(axis=0)
    acting = (sums[OFFERED] - sums[DID_NOT_ACT] - sums[HOP_LIMIT]) / trials
    traffic = run_batched(net, sampler, sources, key, trials, True, False)[4]
    full_ref = float(np.median(times["current, full mode"]))
    cyn_ref = float(np.median(times["cynetdiff IC"])) if model is not None else None
    for name in codes:
        med = float(np.median(times[name]))
        lo, hi = min(times[name]), max(times[name])
        cyn = f"{cyn_ref / med:.2f}x" if cyn_ref else "-"
        lines.append(
            f"| {label} | {p or 'mixed'} | {name} | {trials} | {med:.3f} "
            f"| {lo:.3f}-{hi:.3f} "
            f"| {reach[name]:.0f} | {trials * acting / med / 1e6:.1f} "
            f"| {full_ref / med:.2f}x | {cyn} |"
        )
    lines.append(
        f"| {label} | {p or 'mixed'} | (rows read per batch/hop: {traffic[1]:,} acting "
        f"rows for {traffic[2]:,} acting trial-rows, {traffic[2] / traffic[1]:.2f} "
        f"trials per row read; {traffic[0]:,} frontier entries) | | | | | | | |"
    )
    print("\n".join(lines[-len(codes) - 1 :]), flush=True)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small networks only")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--trials-low", type=int, default=256, help="trials at p=0.05")
    parser.add_argument("--trials-high", type=int, default=64, help="trials at p=0.15")
    parser.add_argument("--million", type=int, default=0, help="trials on BA(1M, 5)")
    parser.add_argument("--skip-ba", action="store_true", help="no BA(100k, 5)")
    parser.add_argument(
        "--population",
        type=int,
        default=0,
        help="people of a community_population(strong_contacts=12, weak_contacts=8)",
    )
    parser.add_argument("--population-trials", type=int, default=64)
    parser.add_argument(
        "--output", help="also write the table here (results/batched.md is curated)"
    )
    args = parser.parse_args(argv)
    if args.check:
        return run_check(args)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    lines = [
        "| n | p | code | trials | median thread CPU (s) | range (s) | mean reach "
        "| M acting ties/s | vs current full | vs cynetdiff |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    print(f"load before: {load}", flush=True)
    if not args.skip_ba:
        time_case(100_000, 0.05, args.trials_low, args.repeats, lines)
        time_case(100_000, 0.15, args.trials_high, args.repeats, lines)
    if args.population:
        from referral.populations import community_population

        pop = community_population(
            args.population, strong_contacts=12, weak_contacts=8, seed=1
        )
        time_case(
            args.population, None, args.population_trials, args.repeats, lines, pop
        )
    if args.million:
        time_case(1_000_000, 0.05, args.million, args.repeats, lines)
    load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    text = "\n".join(
        [
            f"Machine: {platform.machine()}, {os.cpu_count()} logical CPUs, "
            f"Python {platform.python_version()}, numba {numba.__version__}, "
            f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS')}.",
            f"Load before: `{load}`; after: `{load_after.strip()}`.",
            "",
            *lines,
        ]
    )
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
