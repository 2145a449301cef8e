"""The spread kernel's bookkeeping: column layouts, per-trial scratch and tallies.

The column constants name the rows and columns of the kernel's integer
outputs; :func:`_close_hop`, :func:`_chain_credit` and :func:`_write_chains`
close a hop, a trial's chain credit and its kept chains under full
bookkeeping (see :mod:`referral._engine.spread_kernel`).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

__all__ = [
    "HOP_COLUMNS",
    "LOSS_COLUMNS",
    "TRIAL_COLUMNS",
    "N_HOP",
    "N_LOSS",
    "N_TRIAL",
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
# the per-trial loss columns (``trial_loss``), in this order
LOSS_COLUMNS = ("did_not_act", "not_carried", "already_reached", "hop_limit", "fanout")
N_LOSS = len(LOSS_COLUMNS)

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

# columns of the per-person accumulator (``Tallies.person_acc``)
P_REACHED, P_HOP_SUM, P_HOP_SQ, P_CREDIT = range(4)


# flag bits of a reached person (per position, ``_Scratch.flags``)
CHAIN_WEAK = np.uint8(1)  # the chain from the source used a weak tie
CHAIN_CROSSED = np.uint8(2)  # the chain crossed communities (unknown never does)
IS_CANDIDATE = np.uint8(4)  # the person is a candidate
PARENT_TIE_WEAK = np.uint8(8)  # during a hop: the tie from the current parent is weak
INHERITED = CHAIN_WEAK | CHAIN_CROSSED  # what a child takes from its parent


class _Scratch(NamedTuple):
    """Per-trial scratch, indexed by position (order of reaching) unless noted."""

    pos_of: np.ndarray  # int32 (n,) by person: position, -1 if not reached
    order: np.ndarray  # int32: the person at a position
    ppos: np.ndarray  # int32: the parent's position (-1 for sources)
    pentry: np.ndarray  # int64: the CSR entry of the tie from the parent
    ntell: np.ndarray  # int32: tellers in the hop (reservoir sampling)
    flags: np.ndarray  # uint8: CHAIN_WEAK | CHAIN_CROSSED | ...
    comm_pos: np.ndarray  # int32: community code (full only)
    sub: np.ndarray  # int64: candidates below (chain credit, full only)
    buf: np.ndarray  # int64: the fanout's eligible entries
    reached: np.ndarray  # uint64 bitmap by person: reached by this hop (full only)


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
def _grow_hops(array, hops):
    out = np.zeros((array.shape[0], hops, array.shape[2]), dtype=array.dtype)
    out[:, : array.shape[1]] = array
    return out


@numba.njit(inline="always", cache=True)
def _count_reached(indices, reached, a, b):
    """Contacts in ties ``a .. b - 1`` reached by this hop (bitmap, no branches)."""
    seen = np.int64(0)
    for e in range(a, b):
        v = indices[e]
        seen += np.int64((reached[v >> 6] >> np.uint64(v & 63)) & np.uint64(1))
    return seen


@numba.njit(cache=True)
def _grow(array, size):
    out = np.empty(size, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@numba.njit(nogil=True, cache=True)
def _seed_sources(net, run, s, person_acc):
    """Place the sources at positions ``0 .. n_src - 1``; return the candidates."""
    comm_pos = s.comm_pos
    community = net.community
    flags = s.flags
    is_candidate = net.is_candidate
    order = s.order
    pentry = s.pentry
    pos_of = s.pos_of
    ppos = s.ppos
    reached = s.reached
    n_cand = 0
    has_community = community.shape[0] > 0
    for k in range(run.sources.shape[0]):
        v = run.sources[k]
        pos_of[v] = k
        order[k] = v
        ppos[k] = -1
        pentry[k] = -1
        f = np.uint8(0)
        if is_candidate[v]:
            n_cand += 1
            f = IS_CANDIDATE
        flags[k] = f
        if run.full:
            if has_community:
                comm_pos[k] = community[v]
            person_acc[v, P_REACHED] += 1
            reached[v >> 6] |= np.uint64(1) << np.uint64(v & 63)
    return n_cand


@numba.njit(nogil=True, cache=True)
def _close_hop(h, level_end, end, net, s, person_acc):
    """Full bookkeeping of the people reached at hop ``h + 1`` (parents final).

    Sets their chain flags from their parent's, adds them to the per-person
    tallies and returns (weak-chain candidates, cross-community candidates,
    cross-community weak-chain candidates) among them.
    """
    comm_pos = s.comm_pos
    community = net.community
    flags = s.flags
    is_candidate = net.is_candidate
    order = s.order
    ppos = s.ppos
    reached = s.reached
    has_community = community.shape[0] > 0
    hop = np.int64(h + 1)
    weak_new = 0
    cross = 0
    cross_weak = 0
    for pos in range(level_end, end):
        v = order[pos]
        pp = ppos[pos]
        f = flags[pp] & INHERITED
        if flags[pos] & PARENT_TIE_WEAK:
            f |= CHAIN_WEAK
        if has_community:
            cv = community[v]
            comm_pos[pos] = cv
            if cv >= 0 and comm_pos[pp] >= 0 and comm_pos[pp] != cv:
                f |= CHAIN_CROSSED  # unknown (-1) is never a crossing
        if is_candidate[v]:
            f |= IS_CANDIDATE
            if f & CHAIN_WEAK:
                weak_new += 1
            if f & CHAIN_CROSSED:
                cross += 1
                if f & CHAIN_WEAK:
                    cross_weak += 1
        flags[pos] = f
        reached[v >> 6] |= np.uint64(1) << np.uint64(v & 63)
        person_acc[v, P_REACHED] += 1
        person_acc[v, P_HOP_SUM] += hop
        person_acc[v, P_HOP_SQ] += hop * hop
    return weak_new, cross, cross_weak


@numba.njit(nogil=True, cache=True)
def _chain_credit(n_src, end, s, tallies):
    """Credit every tie and person with the candidates below them in the tree.

    Positions are visited children first (reverse order of reaching).
    """
    flags = s.flags
    order = s.order
    pentry = s.pentry
    ppos = s.ppos
    sub = s.sub
    tie_credit = tallies.tie_credit
    person_acc = tallies.person_acc
    for pos in range(end - 1, n_src - 1, -1):
        own = np.int64((flags[pos] & IS_CANDIDATE) != 0)
        below = sub[pos] + own
        if below > 0:
            sub[pos] = 0
            tie_credit[pentry[pos]] += below
            sub[ppos[pos]] += below
            if below > own:
                person_acc[order[pos], P_CREDIT] += below - own
    for pos in range(n_src):
        sub[pos] = 0


@numba.njit(nogil=True, cache=True)
def _write_chains(t, depth, bounds, net, s, chains, n_chain):
    """Append trial ``t``'s reached people to the kept chains; return the count.

    ``chains`` is ``(trial, person, hop, parent, weak)``, grown by the caller.
    """
    flags = s.flags
    order = s.order
    pentry = s.pentry
    ppos = s.ppos
    weak = net.weak
    chain_trial, chain_person, chain_hop, chain_parent, chain_weak = chains
    for level in range(depth + 1):
        for pos in range(bounds[level], bounds[level + 1]):
            pp = ppos[pos]
            vw = False
            if pp >= 0:
                vw = (flags[pp] & CHAIN_WEAK) != 0 or weak[pentry[pos]]
            flags[pos] = (flags[pos] & (CHAIN_CROSSED | IS_CANDIDATE)) | CHAIN_WEAK * vw
            chain_trial[n_chain] = t
            chain_person[n_chain] = order[pos]
            chain_hop[n_chain] = level
            chain_parent[n_chain] = order[pp] if pp >= 0 else -1
            chain_weak[n_chain] = vw
            n_chain += 1
    return n_chain
