"""Argument checks shared by the public functions.

Every message names the parameter, the rule and the bad value, in the form
``The 'activity' parameter of spread must be a float in the range [0, 1].
Got 1.5 instead.``
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_int",
    "check_probability",
    "check_probability_array",
    "check_fraction_or_none",
]


def _where(function: str | None) -> str:
    return f" of {function}" if function else ""


def check_int(
    value,
    name: str,
    *,
    function: str | None = None,
    minimum: int | None = None,
    allow_none: bool = False,
):
    """Return ``value`` as an ``int`` or raise a ``ValueError``/``TypeError``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        rule = "an int" + (f" >= {minimum}" if minimum is not None else "")
        if allow_none:
            rule += " or None"
        raise TypeError(
            f"The {name!r} parameter{_where(function)} must be {rule}. "
            f"Got {value!r} instead."
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(
            f"The {name!r} parameter{_where(function)} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )
    return value


def check_probability(value, name: str, *, function: str | None = None) -> float:
    """Return ``value`` as a float in [0, 1] or raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The {name!r} parameter{_where(function)} must be a float in the "
            f"range [0, 1]. Got {value!r} instead."
        )
    value = float(value)
    if not (0.0 <= value <= 1.0):  # also catches NaN
        raise ValueError(
            f"The {name!r} parameter{_where(function)} must be a float in the "
            f"range [0, 1]. Got {value!r} instead."
        )
    return value


def check_fraction_or_none(value, name: str, *, function: str | None = None):
    """Like :func:`check_probability` but lets ``None`` through."""
    if value is None:
        return None
    return check_probability(value, name, function=function)


def check_probability_array(
    values, name: str, *, labels=None, what: str = "person"
) -> np.ndarray:
    """Return ``values`` as float64 and check every entry is in [0, 1].

    ``labels`` (same length) is used to name the first offending entry.
    """
    array = np.asarray(values, dtype=np.float64)
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        who = labels[first] if labels is not None else first
        raise ValueError(
            f"{name} must be in the range [0, 1]; {what} {who!r} has "
            f"{float(array.flat[first])!r} ({int(bad.sum())} bad value(s) in all)."
        )
    return array
