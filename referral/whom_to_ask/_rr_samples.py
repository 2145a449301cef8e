"""Reverse-reachable samples for :mod:`referral.ambassadors`: the transposed
ties (cached per network), block splitting and the drawn sets."""

from __future__ import annotations

import threading
import weakref

import numba
import numpy as np

from referral._core.parallel import run_blocks, trial_blocks
from referral._engine.rr_kernel import (
    RRInputs,
    rr_sets_block,
    skip_tables,
    transpose_csr,
)
from referral._engine.rr_timed import timed_sets_block
from referral.network._referral_network import ReferralNetwork

__all__ = ["blocks", "engine_args", "draw_sets", "SetStore"]


_TRANSPOSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TRANSPOSES_LOCK = threading.Lock()


def _transpose(network: ReferralNetwork):
    """The transpose CSR of the network and its skip tables, cached per
    (immutable) network."""
    with _TRANSPOSES_LOCK:
        cached = _TRANSPOSES.get(network)
    if cached is None:
        t_indptr, t_source, t_entry = transpose_csr(
            network.indptr, network.indices, network.n_people
        )
        t_weight, rate, log_q, thin = skip_tables(
            t_indptr, t_entry, network.transmission
        )
        cached = (t_indptr, t_source, t_entry, t_weight, rate, log_q, thin)
        for array in cached:
            array.setflags(write=False)
        with _TRANSPOSES_LOCK:
            _TRANSPOSES[network] = cached
    return cached


def blocks(samples, workers, progress, start=0):
    n_blocks = workers * 4 if workers > 1 else (16 if progress else 1)
    return [(start + a, start + b) for a, b in trial_blocks(samples, n_blocks)]


def engine_args(network, target_ids):
    """The reverse-reachable kernels' inputs for ``network`` and targets."""
    return RRInputs(*_transpose(network), network.activity, target_ids)


def draw_sets(
    network,
    target_ids,
    eligible,
    key,
    start,
    stop,
    workers,
    progress,
    description,
    cancel,
    timing=None,
):
    """RR samples ``start .. stop - 1`` as pieces ``[(sizes, members), ...]``
    in sample order (up to 16 pieces of at least 100,000 samples on one
    worker, so no piece's growing buffer is large). With ``timing`` (a
    :class:`~referral._engine.timed_kernel.DelayRun`), the samples keep only
    the people within its deadline (:mod:`referral._engine.rr_timed`)."""
    args = engine_args(network, target_ids)
    pieces = blocks(stop - start, workers, progress, start=start)
    if len(pieces) < 16 and stop - start >= 200_000:
        n_pieces = min(16, (stop - start) // 100_000)
        pieces = [
            (start + a, start + b) for a, b in trial_blocks(stop - start, n_pieces)
        ]

    def work(a, b):
        if timing is None:
            return rr_sets_block(args, eligible, key, a, b, cancel)
        return timed_sets_block(args, timing, eligible, key, a, b, cancel)

    return run_blocks(
        work, pieces, workers, cancel=cancel, progress=progress, description=description
    )


@numba.njit(nogil=True, cache=True)
def _count(members, person_ptr):
    for i in range(members.shape[0]):
        person_ptr[members[i] + 1] += 1


@numba.njit(nogil=True, cache=True)
def _fill(sizes, members, first_set, fill, person_sets):
    i = 0
    for s in range(sizes.shape[0]):
        for _ in range(sizes[s]):
            u = members[i]
            person_sets[fill[u]] = first_set + s
            fill[u] += 1
            i += 1


class SetStore:
    """RR sets drawn so far, kept as the pieces :func:`draw_sets` returns
    (never concatenated: one copy of the members)."""

    def __init__(self):
        self.pieces = []
        self.count = 0
        self.members = 0

    def extend(self, pieces):
        self.pieces.extend(pieces)
        self.count += sum(len(sizes) for sizes, _ in pieces)
        self.members += sum(len(members) for _, members in pieces)

    def invert(self, n_people):
        """The sets each person is in: ``(person_ptr int64, person_sets
        int32)``, set ids ascending within each person."""
        person_ptr = np.zeros(n_people + 1, dtype=np.int64)
        for _, members in self.pieces:
            _count(members, person_ptr)
        np.cumsum(person_ptr, out=person_ptr)
        fill = person_ptr[:-1].copy()
        person_sets = np.empty(person_ptr[-1], dtype=np.int32)
        first = 0
        for sizes, members in self.pieces:
            _fill(sizes, members, first, fill, person_sets)
            first += len(sizes)
        return person_ptr, person_sets
