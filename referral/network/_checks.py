"""Checks of per-person and per-tie values for the network model and builders.

Each check names the offending person or tie and the rule, e.g. "activity
must be in the range [0, 1]; the person 'a' has 1.5".
"""

from __future__ import annotations

import numpy as np

from referral.network._labels import plain

__all__ = [
    "float_array",
    "broadcast",
    "check_person_probabilities",
    "check_tie_probabilities",
    "role_mask",
]


# ---------------------------------------------------------------- validation
def float_array(values, name) -> np.ndarray:
    """``values`` as float64, or a ValueError naming ``name`` and the value."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        shown = repr(values)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise ValueError(
            f"{name} must be a number or an array of numbers. Got {shown} instead."
        ) from None


def broadcast(values, size, name, what) -> np.ndarray:
    """One float per tie or person from a number or an array of that length."""
    array = float_array(values, name)
    if array.ndim > 1 or (array.ndim == 1 and len(array) != size):
        raise ValueError(
            f"{name} must be a number or hold one value per {what} ({size}); got "
            f"shape {array.shape}."
        )
    return np.broadcast_to(array, (size,)).copy()


def check_person_probabilities(values, labels, name) -> np.ndarray:
    array = float_array(values, name)
    if array.shape != (len(labels),):
        raise ValueError(
            f"{name} must have one value per person ({len(labels)}); got shape "
            f"{array.shape}."
        )
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be in the range [0, 1]; person {plain(labels[first])!r} has "
            f"{float(array[first])!r} ({int(bad.sum())} bad value(s) in all)."
        )
    return array


def check_tie_probabilities(values, network_or_ends, name, *, low_open=False):
    """Check per-tie values; ``network_or_ends`` names the offending tie."""
    array = float_array(values, name)
    if low_open:
        bad = ~((array > 0.0) & (array <= 1.0))
        rule = "(0, 1]"
    else:
        bad = ~((array >= 0.0) & (array <= 1.0))
        rule = "[0, 1]"
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        if not callable(network_or_ends):  # a ReferralNetwork
            net = network_or_ends
            u, v = net.labels[net.tie_sources[first]], net.labels[net.indices[first]]
        else:
            u, v = network_or_ends(first)
        raise ValueError(
            f"{name} must be in the range {rule}; the tie ({plain(u)!r}, "
            f"{plain(v)!r}) has "
            f"{float(array[first])!r} ({int(bad.sum())} bad value(s) in all)."
        )
    return array


def role_mask(ids, n) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if ids is not None:
        mask[np.asarray(ids, dtype=np.int64)] = True
    return mask
