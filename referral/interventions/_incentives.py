"""Referral bonus schemes and how money moves activity, as data.

A scheme says who is paid what when a hire happens, along the actual chain
that led to it: the person ``k`` links above the hire (``k = 1`` told the
hire) receives the scheme's payment at level ``k``. Every scheme is a vector
of payments by level (:meth:`Flat.payments`), so the simulation has one code
path for all of them.

* :class:`Flat`: the person who told the hire gets ``amount``.
* :class:`Recursive`: the Red Balloon scheme (Pickard et al. 2011): ``amount``
  to the person who told the hire, ``amount * split`` to whoever told them,
  ``amount * split**2`` above, for ``levels`` levels.
* :class:`Capped`: another scheme, paid from the hire upward until ``cap``
  is paid out for that hire.

A response model turns the money a scheme offers a person (its *stake*, the
sum of its payments over the levels, i.e. what one hire set in motion through
them would pay them at most over all of the levels) into that person's
activity:

* :class:`Saturating`: ``activity + (1 - activity) * lift``, with the
  Independent Halting Cascade curve ``lift = (1 - exp(-beta x)) /
  (1 - exp(-beta))`` of ``x = min(stake / full, 1)`` (Kolic et al. 2025);
* :class:`Linear`: ``min(1, activity + slope * stake)``;
* any callable ``f(activity, stake) -> activity``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from referral._core.params import Interval, InvalidParameterError, validate_params

__all__ = ["Flat", "Recursive", "Capped", "Saturating", "Linear"]


def _real(value, name: str, owner: str, *, low=0.0, high=math.inf, open_low=False):
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise InvalidParameterError(
            f"The '{name}' parameter of {owner} must be a finite number. "
            f"Got {value!r} instead."
        )
    value = float(value)
    below = value <= low if open_low else value < low
    if below or value > high:
        left = "(" if open_low else "["
        right = "]" if high < math.inf else ")"
        raise InvalidParameterError(
            f"The '{name}' parameter of {owner} must be in the range "
            f"{left}{low:g}, {high:g}{right}. Got {value!r} instead."
        )
    return value


#: the rule of every scheme's ``payments``
_LEVELS = validate_params({"max_levels": [Interval(int, 0, None)]})


def _scaled_rule(owner: str):
    return validate_params(
        {"factor": [Interval(float, 0, None)]}, name=f"{owner}.scaled"
    )


class _Scheme:
    """What every scheme offers: payments by level, a stake, a scaled copy."""

    def payments(self, max_levels: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def stake(self) -> float:
        """The most one hire pays one person, summed over the levels.

        Returns
        -------
        float
            The sum of the ``payments`` over every level: the money a person
            responds to (see the response models).
        """
        return float(self.payments(_STAKE_LEVELS).sum())


#: levels summed for a stake (a geometric tail beyond is below 1e-300 of it)
_STAKE_LEVELS = 100_000


@dataclass(frozen=True)
class Flat(_Scheme):
    """A flat referral bonus: whoever told the hire gets ``amount``.

    Parameters
    ----------
    amount : float
        Money paid per hire to the person who told the hired candidate about
        the opening (not to the recruiter who posted it), at least 0.

    Raises
    ------
    referral.InvalidParameterError
        If ``amount`` is negative or not a finite number.

    Examples
    --------
    >>> Flat(500).payments(3)
    array([500.,   0.,   0.])
    >>> Flat(500).stake()
    500.0
    """

    amount: float

    def __post_init__(self):
        object.__setattr__(self, "amount", _real(self.amount, "amount", "Flat"))

    @_LEVELS
    def payments(self, max_levels: int) -> np.ndarray:
        """Money per hire by level above the hire.

        Parameters
        ----------
        max_levels : int
            The number of levels to list.

        Returns
        -------
        numpy.ndarray
            ``out[k - 1]`` is paid to the person ``k`` links above the hire.
        """
        out = np.zeros(max(int(max_levels), 0), np.float64)
        if len(out):
            out[0] = self.amount
        return out

    @_scaled_rule("Flat")
    def scaled(self, factor: float) -> Flat:
        """The same scheme with every payment times ``factor``.

        Parameters
        ----------
        factor : float
            At least 0.

        Returns
        -------
        Flat
            A new scheme; this one is unchanged.
        """
        return Flat(self.amount * _real(factor, "factor", "Flat.scaled"))

    def describe(self) -> str:
        """A short name with the scheme's numbers.

        Returns
        -------
        str
            The scheme in a few words, for tables and legends.
        """
        return f"flat {self.amount:.4g} per hire"


@dataclass(frozen=True)
class Recursive(_Scheme):
    """The Red Balloon scheme: ``amount``, then ``split`` of it per level up.

    The person who told the hire gets ``amount``, whoever told them
    ``amount * split``, the level above ``amount * split**2``, and so on
    for ``levels`` levels along the chain that led to the hire; the
    recruiter who posted the opening is never paid.

    Parameters
    ----------
    amount : float
        Paid to the person who told the hire, at least 0.
    split : float, default 0.5
        The share passed up each level, in (0, 1].
    levels : int, optional
        Levels paid (at least 1); default every level of the chain. With
        ``split=1`` it must be given.

    Raises
    ------
    referral.InvalidParameterError
        If ``amount`` is negative, ``split`` is outside (0, 1], ``levels``
        is below 1, or ``split=1`` comes without ``levels``.

    Examples
    --------
    >>> Recursive(1000, split=0.5).payments(4)
    array([1000.,  500.,  250.,  125.])
    >>> Recursive(1000, split=0.5, levels=2).stake()
    1500.0
    """

    amount: float
    split: float = 0.5
    levels: int | None = None

    def __post_init__(self):
        owner = "Recursive"
        object.__setattr__(self, "amount", _real(self.amount, "amount", owner))
        split = _real(self.split, "split", owner, low=0.0, high=1.0, open_low=True)
        object.__setattr__(self, "split", split)
        if self.levels is not None:
            if (
                isinstance(self.levels, bool | np.bool_)
                or not isinstance(self.levels, numbers.Integral)
                or self.levels < 1
            ):
                raise InvalidParameterError(
                    f"The 'levels' parameter of {owner} must be an int in the "
                    f"range [1, inf) or None. Got {self.levels!r} instead."
                )
            object.__setattr__(self, "levels", int(self.levels))
        elif split == 1.0:
            raise InvalidParameterError(
                f"The 'levels' parameter of {owner} must be given when split=1 "
                f"(everyone up the chain gets the full amount, without end). "
                f"Got levels=None instead."
            )

    @_LEVELS
    def payments(self, max_levels: int) -> np.ndarray:
        """Money per hire by level above the hire.

        Parameters
        ----------
        max_levels : int
            The number of levels to list.

        Returns
        -------
        numpy.ndarray
            ``out[k - 1] = amount * split**(k - 1)`` for ``k <= levels``.
        """
        m = max(int(max_levels), 0)
        k = np.arange(m, dtype=np.float64)
        out = self.amount * self.split**k
        if self.levels is not None:
            out[self.levels :] = 0.0
        return out

    def stake(self) -> float:
        """The most one hire pays one person, summed over the levels.

        Returns
        -------
        float
            ``amount * (1 - split**levels) / (1 - split)`` (``amount * levels``
            for ``split = 1``; ``amount / (1 - split)`` without ``levels``).
        """
        if self.split == 1.0:
            return self.amount * self.levels
        tail = 0.0 if self.levels is None else self.split**self.levels
        return self.amount * (1.0 - tail) / (1.0 - self.split)

    @_scaled_rule("Recursive")
    def scaled(self, factor: float) -> Recursive:
        """The same scheme with every payment times ``factor``.

        Parameters
        ----------
        factor : float
            At least 0.

        Returns
        -------
        Recursive
            A new scheme; this one is unchanged.
        """
        factor = _real(factor, "factor", "Recursive.scaled")
        return Recursive(self.amount * factor, self.split, self.levels)

    def describe(self) -> str:
        """A short name with the scheme's numbers.

        Returns
        -------
        str
            The scheme in a few words, for tables and legends.
        """
        levels = "" if self.levels is None else f", {self.levels} levels"
        return f"recursive {self.amount:.4g} per hire, split {self.split:g}{levels}"


@dataclass(frozen=True)
class Capped(_Scheme):
    """Another scheme, paid from the hire upward until ``cap`` is spent.

    Parameters
    ----------
    scheme : Flat, Recursive or Capped
        The scheme whose payments are capped.
    cap : float
        The most paid out for one hire, over every level, at least 0. The
        people nearest the hire are paid first.

    Raises
    ------
    referral.InvalidParameterError
        If ``cap`` is negative or ``scheme`` is not a scheme.

    Examples
    --------
    >>> Capped(Recursive(1000, split=1.0, levels=5), cap=2500).payments(5)
    array([1000., 1000.,  500.,    0.,    0.])
    """

    scheme: _Scheme
    cap: float

    def __post_init__(self):
        if not isinstance(self.scheme, _Scheme):
            raise InvalidParameterError(
                f"The 'scheme' parameter of Capped must be a Flat, Recursive or "
                f"Capped scheme. Got {self.scheme!r} instead."
            )
        object.__setattr__(self, "cap", _real(self.cap, "cap", "Capped"))

    @_LEVELS
    def payments(self, max_levels: int) -> np.ndarray:
        """Money per hire by level above the hire.

        Parameters
        ----------
        max_levels : int
            The number of levels to list.

        Returns
        -------
        numpy.ndarray
            The inner scheme's payments, cut where their running sum
            passes ``cap``.
        """
        inner = self.scheme.payments(max_levels)
        spent = np.minimum(np.cumsum(inner), self.cap)
        return np.diff(spent, prepend=0.0)

    def stake(self) -> float:
        """The most one hire pays one person, summed over the levels.

        Returns
        -------
        float
            The inner scheme's stake, at most ``cap``.
        """
        return min(self.scheme.stake(), self.cap)

    @_scaled_rule("Capped")
    def scaled(self, factor: float) -> Capped:
        """The same scheme with every payment and the cap times ``factor``.

        Parameters
        ----------
        factor : float
            At least 0.

        Returns
        -------
        Capped
            A new scheme; this one is unchanged.
        """
        factor = _real(factor, "factor", "Capped.scaled")
        return Capped(self.scheme.scaled(factor), self.cap * factor)

    def describe(self) -> str:
        """A short name with the scheme's numbers.

        Returns
        -------
        str
            The scheme in a few words, for tables and legends.
        """
        return f"{self.scheme.describe()}, at most {self.cap:.4g} per hire"


@dataclass(frozen=True)
class Saturating:
    """Activity rises with money along the halting-cascade curve, up to 1.

    A person with activity ``a`` offered a stake ``m`` acts with probability
    ``a + (1 - a) * lift``, where ``lift = (1 - exp(-beta x)) / (1 -
    exp(-beta))`` and ``x = min(m / full, 1)`` (``lift = x`` for
    ``beta = 0``): nothing changes without money, and everyone acts from a
    stake of ``full`` on. A larger ``beta`` means the first money counts most.

    Parameters
    ----------
    beta : float
        Curvature, at least 0.
    full : float, default 1.0
        The stake at which everyone acts (above 0), in the scheme's money.

    Raises
    ------
    referral.InvalidParameterError
        If ``beta`` is negative or ``full`` is not above 0.

    Examples
    --------
    >>> import numpy as np
    >>> Saturating(beta=3.0, full=1000)(np.array([0.2, 0.2]), 500.0).round(3)
    array([0.854, 0.854])
    """

    beta: float
    full: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _real(self.beta, "beta", "Saturating"))
        full = _real(self.full, "full", "Saturating", open_low=True)
        object.__setattr__(self, "full", full)

    def __call__(self, activity, stake):
        """The activity at a stake.

        Parameters
        ----------
        activity : numpy.ndarray
            Activity without money.
        stake : float or numpy.ndarray
            Money on offer to each person.

        Returns
        -------
        numpy.ndarray
            Activity with the money, in [0, 1].
        """
        activity = np.asarray(activity, dtype=np.float64)
        x = np.minimum(np.asarray(stake, dtype=np.float64) / self.full, 1.0)
        if self.beta == 0.0:
            lift = x
        else:
            lift = -np.expm1(-self.beta * x) / -np.expm1(-self.beta)
        return np.clip(activity + (1.0 - activity) * lift, 0.0, 1.0)


@dataclass(frozen=True)
class Linear:
    """Activity rises by ``slope`` per unit of money, up to 1.

    Parameters
    ----------
    slope : float
        Activity gained per unit of stake, at least 0.

    Raises
    ------
    referral.InvalidParameterError
        If ``slope`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> Linear(slope=0.001)(np.array([0.2, 0.9]), 300.0)
    array([0.5, 1. ])
    """

    slope: float

    def __post_init__(self):
        object.__setattr__(self, "slope", _real(self.slope, "slope", "Linear"))

    def __call__(self, activity, stake):
        """The activity at a stake.

        Parameters
        ----------
        activity : numpy.ndarray
            Activity without money.
        stake : float or numpy.ndarray
            Money on offer to each person.

        Returns
        -------
        numpy.ndarray
            ``min(1, activity + slope * stake)``.
        """
        activity = np.asarray(activity, dtype=np.float64)
        return np.clip(activity + self.slope * np.asarray(stake, np.float64), 0, 1)


def is_scheme(value) -> bool:
    """Whether ``value`` is a scheme (:class:`Flat`, :class:`Recursive`, ...)."""
    return isinstance(value, _Scheme)


def responded_activity(activity, stake, response, *, function: str) -> np.ndarray:
    """Everyone's activity under a stake, checked: a float array in [0, 1]."""
    try:
        out = response(np.array(activity, dtype=np.float64), float(stake))
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"The 'response' parameter of {function} must be a callable "
            f"f(activity, stake) returning an activity per person. Calling "
            f"{response!r} failed: {error}"
        ) from error
    out = np.broadcast_to(out, np.shape(activity)).copy() if out.ndim == 0 else out
    if out.shape != np.shape(activity):
        raise InvalidParameterError(
            f"The 'response' parameter of {function} must return one activity "
            f"per person ({len(activity)}). Got an array of shape {out.shape} "
            f"instead."
        )
    bad = ~((out >= 0.0) & (out <= 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(
            f"The 'response' parameter of {function} must return activities "
            f"in [0, 1]. Got {out[i]!r} for person {i} at stake {stake!r}."
        )
    return out
