"""The spread kernel's tie sampler: which of an acting holder's ties carry.

:func:`row_tables` picks, per person, how their row of ties is drawn (tie by
tie, or by geometric skips with thinning; see
:mod:`referral._engine.spread_kernel`) and precomputes the per-tie tables;
:func:`_direct`, :func:`_skip` and :func:`_accepted` are the draws the kernel
inlines.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from referral._engine.hashing import (
    _INV53,
    _MIX2,
    _S11,
    _S32,
    STREAM_ACCEPT,
    STREAM_DIRECT,
    STREAM_TIE,
    splitmix64,
    uniform,
)

__all__ = [
    "SKIP_BELOW",
    "ROW_NONE",
    "ROW_SKIP",
    "ROW_DIRECT",
    "TieSampler",
    "row_tables",
]

_NO_CANDIDATE = np.int64(2**62)


#: rows whose largest transmission is at most this are sampled by geometric
#: skips; denser rows tie by tie (a skip costs a logarithm and a hash or two,
#: a direct draw one hash, so skipping pays only when few ties carry)
SKIP_BELOW = 0.2

ROW_NONE, ROW_SKIP, ROW_DIRECT = 0, 1, 2


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


class TieSampler(NamedTuple):
    """The tie sampler's tables, from :func:`row_tables`."""

    mode: np.ndarray  # int8 (n,): ROW_NONE, ROW_SKIP or ROW_DIRECT
    scale: np.ndarray  # float64 (n,): 1 / log(1 - r) for skipping rows
    thin: np.ndarray  # bool (n,): the row's transmissions differ
    ratio: np.ndarray  # float64 (n_entries,): w_e / r
    prefix: np.ndarray  # uint64 (n_entries,): trial-free half of the direct draw
