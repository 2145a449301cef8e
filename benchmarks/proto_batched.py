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
vertical (bit-sliced) counters. :func:`batched_block` computes no chain credit
and no weak/cross chain flags; its parents are optional (``parents=1`` or
``2`` in :func:`run_batched`), with an order-free rule (the teller with the
smallest parent uniform) instead of today's reservoir sampling in the order of
reaching, which a batch does not keep.

:func:`full_block` (driver :func:`run_full`) is the *complete* batched full
mode: today's draws, the loss classification and tallies, a parent per
(trial, person) as the CSR entry of the telling tie (order-free, uniform
among the hop's tellers: the one change of draws), the weak-chain and
cross-community chain flags as words per person, and chain credit per tie
and person by a reverse pass over the batch's levels. ``--check`` compares it
with the current full mode exactly where the tree is forced (a tree from one
source), exactly in everything that does not depend on the parent draw
elsewhere, and in expectation (z-scores) for the credit and flag counts.

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
from referral._engine.spread_bookkeeping import (
    P_CREDIT,
    P_HOP_SQ,
    P_HOP_SUM,
    P_REACHED,
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
    ROW_DIRECT,
    ROW_NONE,
    T_CANDIDATES,
    T_CROSS,
    T_CROSS_WEAK,
    T_DEPTH,
    T_REACHED,
    T_WEAK,
    TRIAL_COLUMNS,
    WEAK_CANDIDATES,
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
_LOW32 = np.int64(0xFFFFFFFF)

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


# ------------------------------------------------- complete batched full mode
@numba.njit(inline="always")
def _parent_u(tk, v, e):
    """A teller's parent draw in the order-free rule: the teller whose tie
    ``e`` (CSR entry) has the smallest ``uniform(tk, STREAM_PARENT, v, e)``
    becomes ``v``'s parent, uniform among the hop's tellers in any order."""
    return uniform(tk, STREAM_PARENT, v, e)


@numba.njit(inline="always")
def _set_flags(W, C, v, win, wmask, cmask):
    """Bits ``win`` of ``v``'s chain words take the teller's chain words."""
    W[v] = (W[v] & ~win) | (win & wmask)
    C[v] = (C[v] & ~win) | (win & cmask)


@numba.njit(nogil=True)
def full_block(
    indptr,
    indices,
    transmission,
    weak,
    activity,
    is_candidate,
    community,
    tail,
    row_mode,
    row_scale,
    row_thin,
    tie_ratio,
    tie_prefix,
    sources,
    source_activity,
    key,
    t0,
    t1,
    person_acc,
    tie_credit,
    trial_stats,
    pent,
    sub,
    flags,
    credit,
    packed,
):
    """Complete full bookkeeping for trials ``t0 .. t1 - 1`` in batches of 64.

    Today's draws (every trial's reach, hops and loss sums are the current
    kernel's), plus what :func:`batched_block` leaves out:

    * a parent per (trial, person): ``pent[v, j]`` (``(n, 64)`` int32) is the
      CSR entry of the tie that told ``v`` in trial ``j`` of the batch, the
      teller with the smallest :func:`_parent_u` among the hop's tellers
      (uniform, order-free; ``tail[e]`` is the teller);
    * the chain flags as words per person: bit ``j`` of ``W[v]`` (``C[v]``)
      is set when trial ``j``'s chain to ``v`` used a weak tie (crossed
      communities), set with the parent, ``W[v] = W[teller] | weak[e]``, so
      whole words move at once on tie-by-tie rows;
    * chain credit by a reverse pass over the batch's levels: the reached
      people of each hop are kept as a list with their words (``lv``,
      ``lw``), and from the deepest hop up every (person, trial) with
      candidates below or a candidate itself passes its count to its parent
      (``sub``, ``(n, 64)`` int32, zero outside the pass; the word ``SW[v]``
      marks the trials where ``sub[v, j] > 0``, so people without
      candidates below are skipped a word at a time).

    ``flags`` and ``credit`` false leave out the chain flags and the credit
    pass (to split the cost; the results then lack them). Under ``packed``
    ``pent`` is ``(n, 64)`` int64 holding ``sub`` in its high 32 bits (zero
    outside the credit pass) and ``sub`` is unused: a person's parent entry
    and credit counter for a trial share a cache line.

    Returns ``(hop_sums, trial_hop, info)``; ``info`` = (frontier entries,
    acting rows read, trial-rows acted, level-list capacity).
    """
    n = activity.shape[0]
    n_src = sources.shape[0]
    has_community = community.shape[0] > 0
    R = np.zeros(n, np.uint64)
    N = np.zeros(n, np.uint64)
    W = np.zeros(n, np.uint64)
    C = np.zeros(n, np.uint64)
    SW = np.zeros(n, np.uint64)
    lcap = 2 * n + n_src
    lv = np.empty(lcap, np.int32)
    lw = np.empty(lcap, np.uint64)
    touched = np.empty(n, np.int32)
    tks = np.empty(64, np.uint64)
    hop_planes = np.zeros(_COUNTER_BITS, np.uint64)
    cand_planes = np.zeros(_COUNTER_BITS, np.uint64)
    weak_planes = np.zeros(_COUNTER_BITS, np.uint64)
    cross_planes = np.zeros(_COUNTER_BITS, np.uint64)
    cw_planes = np.zeros(_COUNTER_BITS, np.uint64)
    counts = np.zeros(64, np.int64)
    cap = 64
    lb = np.zeros(cap + 1, np.int64)
    hop_sums = np.zeros((cap, N_HOP), np.int64)
    trial_hop = np.zeros((t1 - t0, cap), np.int32)
    info = np.zeros(4, np.int64)

    for bt0 in range(t0, t1, 64):
        nb = min(64, t1 - bt0)
        mask = _ALL if nb == 64 else (_ONE << np.uint64(nb)) - _ONE
        for j in range(nb):
            tks[j] = trial_key(key, bt0 + j)
        n_touched = 0
        any_cand = False
        for k in range(n_src):
            s = sources[k]
            R[s] = mask
            lv[k] = s
            lw[k] = mask
            touched[n_touched] = s
            n_touched += 1
            if is_candidate[s]:
                _add_vertical(cand_planes, mask)
                hop_sums[0, NEW_CANDIDATES] += nb
            person_acc[s, P_REACHED] += nb
        for j in range(nb):
            trial_hop[bt0 - t0 + j, 0] = n_src
        lb[0] = 0
        lb[1] = n_src
        h = 0
        while lb[h + 1] > lb[h]:
            if h + 2 > cap:
                cap *= 2
                grown = np.zeros((cap, N_HOP), np.int64)
                grown[: hop_sums.shape[0]] = hop_sums
                hop_sums = grown
                grown_th = np.zeros((t1 - t0, cap), np.int32)
                grown_th[:, : trial_hop.shape[1]] = trial_hop
                trial_hop = grown_th
                grown_lb = np.zeros(cap + 1, np.int64)
                grown_lb[: lb.shape[0]] = lb
                lb = grown_lb
            start = lb[h]
            level_end = lb[h + 1]
            if level_end + n > lcap:
                lcap = 2 * lcap
                g = np.empty(lcap, np.int32)
                g[:level_end] = lv[:level_end]
                lv = g
                gw = np.empty(lcap, np.uint64)
                gw[:level_end] = lw[:level_end]
                lw = gw
            end = level_end
            hold = 0
            acted = 0
            offered = 0
            did_not_act = 0
            not_carried = 0
            already = 0
            info[0] += level_end - start
            for i in range(start, level_end):
                u = lv[i]
                f = lw[i]
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
                info[1] += 1
                info[2] += n_act
                mode = row_mode[u]
                if mode == ROW_NONE:
                    seen = np.int64(0)
                    for e in range(a, b):
                        seen += _count(act & R[indices[e]])
                    already += seen
                    not_carried += n_act * deg - seen
                    continue
                wu = W[u]
                cu = C[u]
                comm_u = community[u] if has_community else -1
                if mode == ROW_DIRECT:
                    for e in range(a, b):
                        v = indices[e]
                        open_ = act & ~R[v]
                        already += n_act - _count(open_)
                        if open_ == 0:
                            continue
                        carry = np.uint64(0)
                        w = open_
                        while w != 0:
                            j = trailing_zeros(w)
                            w &= w - _ONE
                            if _direct(tks[j], tie_prefix[e], transmission[e]):
                                carry |= _ONE << np.uint64(j)
                        not_carried += _count(open_ & ~carry)
                        if carry == 0:
                            continue
                        nv = N[v]
                        contested = carry & nv
                        already += _count(contested)
                        win = carry & ~nv
                        w = contested
                        while w != 0:
                            j = trailing_zeros(w)
                            w &= w - _ONE
                            if _parent_u(tks[j], v, e) < _parent_u(
                                tks[j], v, pent[v, j]
                            ):
                                win |= _ONE << np.uint64(j)
                        w = win
                        while w != 0:
                            j = trailing_zeros(w)
                            w &= w - _ONE
                            pent[v, j] = e
                        wmask = wu | (_ALL if weak[e] else np.uint64(0))
                        cmask = cu
                        if has_community:
                            cv = community[v]
                            if cv >= 0 and comm_u >= 0 and cv != comm_u:
                                cmask = _ALL
                        if flags:
                            _set_flags(W, C, v, win, wmask, cmask)
                        if nv == 0:
                            lv[end] = v
                            end += 1
                        N[v] = nv | carry
                    continue
                # geometric skips, trial by trial, today's draws
                seen = np.int64(0)
                for e in range(a, b):
                    seen += _count(act & R[indices[e]])
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
                            win = bit
                            if nv & bit:
                                already += 1
                                if not _parent_u(tk, v, e) < _parent_u(
                                    tk, v, pent[v, j]
                                ):
                                    win = np.uint64(0)
                            elif nv == 0:
                                lv[end] = v
                                end += 1
                            if win:
                                pent[v, j] = e
                                wmask = wu | (_ALL if weak[e] else np.uint64(0))
                                cmask = cu
                                if has_community:
                                    cv = community[v]
                                    if cv >= 0 and comm_u >= 0 and cv != comm_u:
                                        cmask = _ALL
                                if flags:
                                    _set_flags(W, C, v, win, wmask, cmask)
                            N[v] = nv | bit
                        c += 1
                        e = e + 1 + _skip(tk, u, c, scale)
            # close the hop: the level's words, tallies and chain-flag counts
            arrived = 0
            new_cand = 0
            new_weak = 0
            hop = np.int64(h + 1)
            for k in range(level_end, end):
                v = lv[k]
                nv = N[v]
                lw[k] = nv
                pc = _count(nv)
                arrived += pc
                _add_vertical(hop_planes, nv)
                if is_candidate[v]:
                    any_cand = True
                    new_cand += pc
                    _add_vertical(cand_planes, nv)
                    if flags:
                        wv = nv & W[v]
                        cv = nv & C[v]
                        new_weak += _count(wv)
                        _add_vertical(weak_planes, wv)
                        _add_vertical(cross_planes, cv)
                        _add_vertical(cw_planes, cv & wv)
                person_acc[v, P_REACHED] += pc
                person_acc[v, P_HOP_SUM] += hop * pc
                person_acc[v, P_HOP_SQ] += hop * hop * pc
                if R[v] == 0:
                    touched[n_touched] = v
                    n_touched += 1
                R[v] |= nv
                N[v] = 0
            lb[h + 2] = end
            _read_vertical(hop_planes, counts)
            for j in range(nb):
                trial_hop[bt0 - t0 + j, h + 1] = counts[j]
            hop_sums[h, HOLD] += hold
            hop_sums[h + 1, NEW_CANDIDATES] += new_cand
            hop_sums[h + 1, WEAK_CANDIDATES] += new_weak
            hop_sums[h, ACTED] += acted
            hop_sums[h, OFFERED] += offered
            hop_sums[h, ARRIVED] += arrived
            hop_sums[h, DID_NOT_ACT] += did_not_act
            hop_sums[h, NOT_CARRIED] += not_carried
            hop_sums[h, ALREADY] += already
            h += 1
        depth = h - 1
        info[3] = max(info[3], lcap)
        # chain credit: children first, a level at a time
        if any_cand and credit:
            for lev in range(depth, 0, -1):
                for k in range(lb[lev], lb[lev + 1]):
                    v = lv[k]
                    lw_k = lw[k]
                    own = np.int64(is_candidate[v])
                    bits = lw_k if own else lw_k & SW[v]
                    if bits == 0:
                        continue
                    own_credit = np.int64(0)
                    w = bits
                    while w != 0:
                        j = trailing_zeros(w)
                        w &= w - _ONE
                        bit = _ONE << np.uint64(j)
                        if packed:
                            x = np.int64(pent[v, j])
                            below = x >> 32
                            e = x & _LOW32
                            pent[v, j] = e
                        else:
                            below = np.int64(sub[v, j])
                            sub[v, j] = 0
                            e = np.int64(pent[v, j])
                        own_credit += below
                        below += own
                        tie_credit[e] += below
                        u = tail[e]
                        if packed:
                            pent[u, j] += below << 32
                        else:
                            sub[u, j] += below
                        SW[u] |= bit
                    SW[v] &= ~lw_k
                    if own_credit > 0:
                        person_acc[v, P_CREDIT] += own_credit
            for k in range(n_src):
                s = sources[k]
                w = SW[s]
                while w != 0:
                    j = trailing_zeros(w)
                    w &= w - _ONE
                    if packed:
                        pent[s, j] = 0
                    else:
                        sub[s, j] = 0
                SW[s] = 0
        # per-trial results
        _read_vertical(cand_planes, counts)
        for j in range(nb):
            row = bt0 - t0 + j
            total = 0
            dep = 0
            for k in range(trial_hop.shape[1]):
                c = trial_hop[row, k]
                total += c
                if c > 0:
                    dep = k
            trial_stats[bt0 + j, T_REACHED] = total
            trial_stats[bt0 + j, T_CANDIDATES] = counts[j]
            trial_stats[bt0 + j, T_DEPTH] = dep
        for col, planes in (
            (T_WEAK, weak_planes),
            (T_CROSS, cross_planes),
            (T_CROSS_WEAK, cw_planes),
        ):
            _read_vertical(planes, counts)
            for j in range(nb):
                trial_stats[bt0 + j, col] = counts[j]
        for i in range(n_touched):
            v = touched[i]
            R[v] = 0
            W[v] = 0
            C[v] = 0
    return hop_sums, trial_hop, info


@numba.njit
def entry_tails(indptr, n_entries):
    """The teller (row owner) of every CSR entry."""
    tail = np.empty(n_entries, np.int32)
    for u in range(indptr.shape[0] - 1):
        for e in range(indptr[u], indptr[u + 1]):
            tail[e] = u
    return tail


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
    run = CascadeRun(sources, 1.0, key, -1, -1, 0, full, True)
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


def current_full(net, sampler, sources, key, t0, t1, n_trials=None, keep=0):
    """The current kernel in full mode on trials ``t0 .. t1 - 1``.

    Returns ``(hop_sums, trial_hop, trial_stats, person_acc, tie_credit,
    chains)`` (``chains`` as :func:`spread_block`'s, for ``keep`` trials).
    """
    n = net.activity.shape[0]
    run = CascadeRun(sources, 1.0, key, -1, -1, keep, True, True)
    tallies = Tallies(
        np.zeros((n, 4), np.int64),
        np.zeros(net.indices.shape[0], np.int64),
        np.zeros((n_trials or t1, N_TRIAL), np.int64),
    )
    out = spread_block(net, sampler, run, tallies, t0, t1, np.zeros(1, np.uint8))
    return (
        out[0],
        out[1],
        tallies.trial_stats,
        tallies.person_acc,
        tallies.tie_credit,
        out[3:],
    )


def full_scratch(n, packed=False):
    """The batch's parent entries and credit counters, ``(n, 64)`` int32 each
    (``sub`` must start at zero; the kernel leaves it at zero), or under
    ``packed`` one ``(n, 64)`` int64 array holding both (zeroed)."""
    if packed:
        return np.zeros((n, 64), np.int64), np.zeros((0, 64), np.int32)
    return np.empty((n, 64), np.int32), np.zeros((n, 64), np.int32)


def run_full(
    net,
    sampler,
    sources,
    key,
    t0,
    t1,
    n_trials=None,
    tail=None,
    scratch=None,
    flags=True,
    credit=True,
    packed=False,
):
    """The complete batched full mode on trials ``t0 .. t1 - 1``.

    Returns ``(hop_sums, trial_hop, trial_stats, person_acc, tie_credit,
    info, pent)``; ``pent`` holds the last batch's parent entries.
    """
    n = net.activity.shape[0]
    if tail is None:
        tail = entry_tails(net.indptr, net.indices.shape[0])
    pent, sub = full_scratch(n, packed) if scratch is None else scratch
    person_acc = np.zeros((n, 4), np.int64)
    tie_credit = np.zeros(net.indices.shape[0], np.int64)
    trial_stats = np.zeros((n_trials or t1, N_TRIAL), np.int64)
    hop_sums, trial_hop, info = full_block(
        net.indptr,
        net.indices,
        net.transmission,
        net.weak,
        net.activity,
        net.is_candidate,
        net.community,
        tail,
        sampler.mode,
        sampler.scale,
        sampler.thin,
        sampler.ratio,
        sampler.prefix,
        sources,
        1.0,
        key,
        t0,
        t1,
        person_acc,
        tie_credit,
        trial_stats,
        pent,
        sub,
        flags,
        credit,
        packed,
    )
    return hop_sums, trial_hop, trial_stats, person_acc, tie_credit, info, pent


def check_full(network, sources, seed, trials, forced=False, slot=False):
    """Compare the complete batched full mode with the current full mode.

    Always exact: per-trial reach, candidates and depth, people per hop, the
    per-hop sums, the per-person reach and hop tallies, and two identities
    that do not depend on which teller is the parent: each kernel's tie
    credits sum to the reached candidates' hops (``sum(tie_credit) = sum
    over candidates of P_HOP_SUM``), and both kernels' ``sum(P_CREDIT)`` are
    equal. For one batch (``trials <= 64``) every
    parent is checked to be a valid BFS parent (the tie ends at the person,
    the teller was reached at the hop before, in that trial). Under
    ``forced`` (every person has one possible parent, a tree from one
    source) also per-tie and per-person credit, the weak and cross-community
    counts per trial and the weak-chain candidates per hop. Under ``slot``
    the variant with parent entry and credit counter in one int64 slot must
    give the same outputs.
    """
    from referral._random import base_key

    key = base_key(seed)
    sources = np.ascontiguousarray(sources, dtype=np.int32)
    net, sampler = _tables(network)
    tail = entry_tails(net.indptr, net.indices.shape[0])
    keep = trials if trials <= 64 else 0
    ref = current_full(net, sampler, sources, key, 0, trials, keep=keep)
    got = run_full(net, sampler, sources, key, 0, trials, tail=tail)
    r_hops, r_th, r_stats, r_acc, r_tie, chains = ref
    hops, th, stats, acc, tie, _, pent = got
    problems = []
    if slot:
        packed = run_full(net, sampler, sources, key, 0, trials, tail=tail, packed=True)
        for a, b in zip(got[:5], packed[:5], strict=True):
            if not np.array_equal(a, b):
                problems.append("parent + credit in one slot differs")
                break
    depth = int(r_stats[:, T_DEPTH].max())
    if int(stats[:, T_DEPTH].max()) != depth:
        return [f"depth {stats[:, T_DEPTH].max()} != {depth}"]
    r_hops, r_th = _trim(r_hops, r_th, depth)
    hops, th = _trim(hops, th, depth)
    exact = [T_REACHED, T_CANDIDATES, T_DEPTH]
    hop_cols = list(COMPARED_HOP_COLUMNS)
    if forced:
        exact += [T_WEAK, T_CROSS, T_CROSS_WEAK]
        hop_cols.append(WEAK_CANDIDATES)
    for col in exact:
        if not np.array_equal(stats[:, col], r_stats[:, col]):
            bad = int(np.flatnonzero(stats[:, col] != r_stats[:, col])[0])
            problems.append(f"trial {bad} {TRIAL_COLUMNS[col]} differs")
    if not np.array_equal(th, r_th):
        problems.append("people reached per hop differ")
    if not np.array_equal(hops[:, hop_cols], r_hops[:, hop_cols]):
        problems.append("hop sums differ")
    if not np.array_equal(acc[:, :3], r_acc[:, :3]):
        problems.append("per-person reach/hop tallies differ")
    cand = np.asarray(net.is_candidate, bool)
    hop_total = int(r_acc[cand, P_HOP_SUM].sum())
    for name, t in (("current", r_tie), ("batched", tie)):
        if int(t.sum()) != hop_total:
            problems.append(f"{name}: sum of tie credit {t.sum()} != {hop_total}")
    if int(acc[:, P_CREDIT].sum()) != int(r_acc[:, P_CREDIT].sum()):
        problems.append("sum of person credit differs")
    if forced:
        if not np.array_equal(tie, r_tie):
            problems.append("tie credit differs on a forced tree")
        if not np.array_equal(acc[:, P_CREDIT], r_acc[:, P_CREDIT]):
            problems.append("person credit differs on a forced tree")
    if keep:
        c_trial, c_person, c_hop = (np.asarray(x) for x in chains[:3])
        hop_of = np.full((trials, net.activity.shape[0]), -1, np.int64)
        hop_of[c_trial, c_person] = c_hop
        inner = c_hop > 0
        e = pent[c_person[inner], c_trial[inner]]
        ok = (net.indices[e] == c_person[inner]) & (
            hop_of[c_trial[inner], tail[e]] == c_hop[inner] - 1
        )
        if not ok.all():
            problems.append(f"{int((~ok).sum())} parents are not BFS parents")
    return problems


def credit_z(network, sources, seed, blocks):
    """Per-tie and per-person credit, current against batched, in expectation.

    Each kernel runs ``blocks`` blocks of 64 trials (other trials for the
    batched kernel: trials ``64 * blocks`` on, so the two are independent);
    the per-block means give a standard error. Returns ``(z_tie, z_person,
    z_weak, z_cross)``: the z-scores of the per-tie and per-person mean
    credits (on ties and people that both kernels credited in at least a
    quarter of the blocks) and of the mean weak-chain and cross-community
    candidates per trial.
    """
    from referral._random import base_key

    key = base_key(seed)
    sources = np.ascontiguousarray(sources, dtype=np.int32)
    net, sampler = _tables(network)
    tail = entry_tails(net.indptr, net.indices.shape[0])
    scratch = full_scratch(net.activity.shape[0])
    per = {"current": ([], [], []), "batched": ([], [], [])}
    total = 128 * blocks
    for b in range(blocks):
        t0 = 64 * b
        ref = current_full(net, sampler, sources, key, t0, t0 + 64, total)
        t0 += 64 * blocks
        got = run_full(
            net, sampler, sources, key, t0, t0 + 64, total, tail=tail, scratch=scratch
        )
        for name, out in (("current", ref), ("batched", got)):
            per[name][0].append(out[4])
            per[name][1].append(out[3][:, P_CREDIT])
            per[name][2].append(out[2][out[2][:, T_REACHED] > 0])

    def z(a, b):
        a = np.asarray(a, float)
        b = np.asarray(b, float)
        used = ((a > 0).sum(0) >= blocks / 4) & ((b > 0).sum(0) >= blocks / 4)
        se = np.sqrt(a[:, used].var(0, ddof=1) + b[:, used].var(0, ddof=1))
        return (a[:, used].mean(0) - b[:, used].mean(0)) / (se / np.sqrt(blocks))

    z_tie = z(per["current"][0], per["batched"][0])
    z_person = z(per["current"][1], per["batched"][1])
    flags = []
    for col in (T_WEAK, T_CROSS):
        a = np.concatenate(per["current"][2])[:, col].astype(float)
        b = np.concatenate(per["batched"][2])[:, col].astype(float)
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        flags.append((a.mean() - b.mean()) / se if se > 0 else 0.0)
    return z_tie, z_person, flags[0], flags[1]


def tree_network(n_people, seed):
    """A random recursive tree with mixed rows, weak ties and communities:
    from person 0 every person has exactly one possible teller."""
    from referral.network import from_arrays

    rng = np.random.default_rng(seed)
    child = np.arange(1, n_people)
    parent = (rng.random(n_people - 1) * child).astype(np.int64)
    low = rng.random(n_people - 1) < 0.15
    transmission = np.where(
        low, rng.uniform(0.05, 0.2, n_people - 1), rng.uniform(0.8, 1.0, n_people - 1)
    )
    transmission[rng.random(n_people - 1) < 0.03] = 0.0
    community = rng.integers(0, 4, n_people).astype(object)
    community[rng.random(n_people) < 0.1] = None
    return from_arrays(
        n_people,
        parent,
        child,
        strength=0.5,
        activity=rng.uniform(0.8, 1.0, n_people),
        transmission=transmission,
        weak=rng.random(n_people - 1) < 0.3,
        recruiters=[0],
        candidates=np.flatnonzero(rng.random(n_people) < 0.4),
        attributes={"community": community},
    )


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
    # complete full mode: exact where it must be, parents valid for one batch
    tree = tree_network(3000, 1)
    full_cases = [("tree(3000), forced", tree, [0], t, True) for t in (64, 150)]
    for name, network, sources, trials in cases:
        full_cases.append((f"{name}, complete full", network, sources, 64, False))
        full_cases.append((f"{name}, complete full", network, sources, trials, False))
    for name, network, sources, trials, forced in full_cases:
        problems = check_full(network, sources, 7, trials, forced, slot=True)
        print(f"{name}, {trials} trials: {'ok' if not problems else 'MISMATCH'}")
        for line in problems:
            print("   ", line)
        failed += bool(problems)
    # ... and in expectation where the parent draw differs
    pop = community_population(2000, strong_contacts=12, weak_contacts=8, seed=3)
    z_tie, z_person, z_weak, z_cross = credit_z(pop, pop.recruiters, 9, 32)
    line = (
        "credit in expectation, community_population(2000, 12, 8), 2 x 2048 "
        f"trials: {len(z_tie)} ties mean z^2 {np.mean(z_tie**2):.3f}, "
        f"|z| > 3: {np.mean(np.abs(z_tie) > 3):.4f}, "
        f"max |z| {np.abs(z_tie).max():.2f}; "
        f"{len(z_person)} people mean z^2 {np.mean(z_person**2):.3f}, "
        f"max |z| {np.abs(z_person).max():.2f}; "
        f"weak z {z_weak:.2f}, cross z {z_cross:.2f}"
    )
    bad = not (
        0.8 < np.mean(z_tie**2) < 1.25
        and 0.8 < np.mean(z_person**2) < 1.25
        and np.mean(np.abs(z_tie) > 3) < 0.01
        and abs(z_weak) < 4
        and abs(z_cross) < 4
    )
    print(line, "MISMATCH" if bad else "ok")
    failed += bad
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


def time_case(
    n_nodes,
    p,
    trials,
    repeats,
    lines,
    network=None,
    lean=False,
    decompose=False,
    only=(),
):
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

    tail = entry_tails(net.indptr, net.indices.shape[0])
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
    codes["batched, complete full (parents + flags + credit), today's draws"] = (
        lambda a: run_full(net, sampler, sources, key, 0, trials, tail=tail)[2][
            :, 0
        ].mean()
    )
    codes["batched, complete full, parent + credit in one int64 slot"] = lambda a: (
        run_full(net, sampler, sources, key, 0, trials, tail=tail, packed=True)[2][
            :, 0
        ].mean()
    )
    if decompose:
        codes["batched, complete full without credit"] = lambda a: run_full(
            net, sampler, sources, key, 0, trials, tail=tail, credit=False
        )[2][:, 0].mean()
        codes["batched, complete full without credit and flags"] = lambda a: run_full(
            net,
            sampler,
            sources,
            key,
            0,
            trials,
            tail=tail,
            credit=False,
            flags=False,
        )[2][:, 0].mean()
    if lean:
        for name in list(codes):
            if "sliced" in name or "packed" in name or "bitmaps" in name:
                del codes[name]
    if only:
        for name in list(codes):
            if name != "current, full mode" and not any(o in name for o in only):
                del codes[name]
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
    info = run_full(net, sampler, sources, key, 0, min(trials, 64), tail=tail)[5]
    scratch = 2 * n * 64 * 4 + 5 * 8 * n + 4 * n + 12 * int(info[3])
    lines.append(
        f"| {label} | {p or 'mixed'} | (complete full mode's batch scratch: "
        f"{scratch / 2**20:.1f} MiB = parent entries and credit counters "
        f"{2 * n * 64 * 4 / 2**20:.1f} MiB, words {5 * 8 * n / 2**20:.1f} MiB, "
        f"level lists {12 * int(info[3]) / 2**20:.1f} MiB, touched "
        f"{4 * n / 2**20:.1f} MiB; entry-to-teller table "
        f"{4 * len(tail) / 2**20:.1f} MiB per network) | | | | | | | |"
    )
    print("\n".join(lines[-len(codes) - 2 :]), flush=True)
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
        "--only",
        action="append",
        default=[],
        help="time only the codes whose name contains this (and current full)",
    )
    parser.add_argument(
        "--decompose", action="store_true", help="complete full mode in stages"
    )
    parser.add_argument(
        "--lean", action="store_true", help="no bit-sliced, packed or bitmap variants"
    )
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
    opts = {"lean": args.lean, "decompose": args.decompose, "only": args.only}
    if not args.skip_ba:
        time_case(100_000, 0.05, args.trials_low, args.repeats, lines, **opts)
        time_case(100_000, 0.15, args.trials_high, args.repeats, lines, **opts)
    if args.population:
        from referral.populations import community_population

        pop = community_population(
            args.population, strong_contacts=12, weak_contacts=8, seed=1
        )
        time_case(
            args.population,
            None,
            args.population_trials,
            args.repeats,
            lines,
            pop,
            **opts,
        )
    if args.million:
        time_case(1_000_000, 0.05, args.million, args.repeats, lines, **opts)
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
