"""The people-and-ties model: :class:`ReferralNetwork` and its builders.

A :class:`ReferralNetwork` is validated once and then immutable. It keeps the
user's node labels at the edges and exposes compact arrays to the engine:

* ties as CSR (``indptr`` int64, ``indices`` int32), one row per teller; an
  undirected tie appears in both rows;
* per-tie ``strength``, ``transmission`` (float64) and ``weak`` (bool);
* per-person ``activity`` (float64), ``is_recruiter`` and ``is_candidate``
  (bool) and optional attributes such as ``community``.

This module gathers the model: the class and :func:`default_transmission` live
in :mod:`referral.referral_network`, :func:`from_arrays` and
:func:`from_networkx` in :mod:`referral.builders`, and the label handling in
``referral._labels``.
"""

from __future__ import annotations

from referral.builders import from_arrays, from_networkx
from referral.referral_network import (
    DEFAULT_WEAK_THRESHOLD,
    ReferralNetwork,
    default_transmission,
)

__all__ = [
    "ReferralNetwork",
    "default_transmission",
    "from_arrays",
    "from_networkx",
    "DEFAULT_WEAK_THRESHOLD",
]
