"""The people-and-ties model: :class:`ReferralNetwork` and its builders.

A :class:`ReferralNetwork` is validated once and then immutable. It keeps the
user's node labels at the edges and exposes compact arrays to the engine:

* ties as CSR (``indptr`` int64, ``indices`` int32), one row per teller; an
  undirected tie appears in both rows;
* per-tie ``strength``, ``transmission`` (float64) and ``weak`` (bool);
* per-person ``activity`` (float64), ``is_recruiter`` and ``is_candidate``
  (bool) and optional attributes such as ``community``.

This package gathers the model and its generators: the class and
:func:`default_transmission` (private room ``_referral_network``),
:func:`from_arrays` and :func:`from_networkx` (``_builders``), tie strength
for data that has none (:func:`overlap_strength`,
:func:`reciprocity_strength`), synthetic populations
(:func:`community_population`, :func:`draw_activity`) and Kleinberg's
navigable lattice (:func:`kleinberg_lattice`, :func:`lattice_distance`).
"""

from __future__ import annotations

from referral.network._builders import from_arrays, from_networkx
from referral.network._lattice import kleinberg_lattice, lattice_distance
from referral.network._populations import community_population, draw_activity
from referral.network._referral_network import (
    DEFAULT_WEAK_THRESHOLD,
    ReferralNetwork,
    default_transmission,
)
from referral.network._tie_strength import (
    overlap,
    overlap_strength,
    reciprocity_strength,
)

__all__ = [
    "ReferralNetwork",
    "default_transmission",
    "from_arrays",
    "from_networkx",
    "DEFAULT_WEAK_THRESHOLD",
    "overlap",
    "overlap_strength",
    "reciprocity_strength",
    "community_population",
    "draw_activity",
    "kleinberg_lattice",
    "lattice_distance",
]
