"""Counter-based random numbers for the kernels.

A decision in trial ``t`` about entity ``(a, b)`` uses the uniform
``uniform(trial_key(key, t), stream, a, b)``: a pure function of its inputs.
That makes trials independent of scheduling (identical for any ``n_jobs``)
and gives common random numbers across scenarios: person ``i`` acts in trial
``t`` of scenario A exactly when it acts in trial ``t`` of scenario B, if its
activity is the same in both.

Streams used by the engine (keep them distinct):

* ``STREAM_ACT``: does person ``a`` act (``b = 0``)?
* ``STREAM_TIE``: spread: the ``b``-th geometric skip in holder ``a``'s row of
  ties (which ties carry; see :mod:`referral._engine.spread_kernel`).
* ``STREAM_ACCEPT``: spread: thinning of the ``b``-th candidate tie of ``a``.
* ``STREAM_DIRECT``: spread: does ``a``'s ``b``-th tie carry (rows drawn tie by
  tie, and ``fanout``)?
* ``STREAM_PARENT``: tie-break when several people tell ``b`` in one hop.
* ``STREAM_SPLIT``: spread's sampled loss split: the unbiased rounding of hop
  ``a``'s estimate (``b = 0``) and the random tie of holder ``a``'s row with no
  candidate tie (``b = 1``).
* ``STREAM_DELAY``: spread with delays: person ``a``'s delay (``b = 0``), or
  the delay of ``a``'s ``(b - 1)``-th tie (``per="tie"``); families that need
  more than one uniform (gamma) take the ``j``-th from the trial key mixed
  with ``j`` (see :mod:`referral._engine.timed_kernel`).
* ``STREAM_APPLY``: the hiring funnel: does reached candidate ``a`` apply
  (``b = 0``)? With ``applicants_stop`` the spread kernel reads the same draw,
  so an applicant who stops passing the opening on is the one the funnel
  counts (:mod:`referral._engine.funnel_kernel`).
* ``STREAM_HIRE``: the hiring funnel: is applicant ``a`` hired (``b = 0``)?
  When more applicants of one hop would be hired than positions are left,
  the hired are those with the smallest ``uniform(key, STREAM_HIRE, a, 1)``.
* ``STREAM_CHOICE``: a search policy's random choice at holder ``a``, step ``b``.
* ``STREAM_CHAIN``: per-chain draws (chain-level attrition).
* ``STREAM_RR_TIE``: reverse-reachable samples: does CSR tie entry ``e`` carry
  (``a = e >> 32``, ``b = e & 0xFFFFFFFF``)? See
  :mod:`referral._engine.rr_kernel`.
* ``STREAM_RR_ROOT``: reverse-reachable samples: which target roots sample
  ``t`` (``a = b = 0``).
* ``STREAM_RR_SKIP``, ``STREAM_RR_THIN``: reverse-reachable samples: the
  ``b``-th geometric skip, and its thinning, among the ties into ``a``.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "STREAM_ACT",
    "STREAM_TIE",
    "STREAM_PARENT",
    "STREAM_CHOICE",
    "STREAM_CHAIN",
    "STREAM_ACCEPT",
    "STREAM_DIRECT",
    "STREAM_RR_TIE",
    "STREAM_RR_ROOT",
    "STREAM_RR_SKIP",
    "STREAM_RR_THIN",
    "STREAM_SPLIT",
    "STREAM_DELAY",
    "STREAM_APPLY",
    "STREAM_HIRE",
    "splitmix64",
    "trial_key",
    "uniform",
]

STREAM_ACT = 1
STREAM_TIE = 2
STREAM_PARENT = 3
STREAM_CHOICE = 4
STREAM_CHAIN = 5
STREAM_ACCEPT = 6
STREAM_DIRECT = 7
STREAM_RR_TIE = 8
STREAM_RR_ROOT = 9
STREAM_RR_SKIP = 10
STREAM_RR_THIN = 11
STREAM_SPLIT = 12
STREAM_DELAY = 13
STREAM_APPLY = 14
STREAM_HIRE = 15

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@numba.njit(inline="always", cache=True)
def splitmix64(x):
    """One round of SplitMix64 on a uint64."""
    z = x + _GOLDEN
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@numba.njit(inline="always", cache=True)
def trial_key(key, trial):
    """The key of one trial, from the run's base key."""
    return splitmix64(key ^ splitmix64(np.uint64(trial)))


@numba.njit(inline="always", cache=True)
def uniform(tkey, stream, a, b):
    """A uniform in [0, 1) that depends only on (trial key, stream, a, b)."""
    pair = (np.uint64(a) << _S32) | np.uint64(b)
    z = splitmix64(tkey ^ splitmix64(pair + np.uint64(stream) * _MIX2))
    return np.float64(z >> _S11) * _INV53
