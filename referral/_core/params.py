"""Declared parameter rules for the public functions (scikit-learn's manner).

A public function declares the rule of each parameter once, next to its
signature::

    @validate_params({"k": [Interval(int, 1, None)], "seed": ["seed"]})
    def ambassadors(network, k, *, seed=None): ...

and every call is checked before the body runs. A broken rule raises
:class:`InvalidParameterError` naming the function, the parameter, the rule
and the bad value: ``The 'k' parameter of ambassadors must be an int in the
range [1, inf). Got 0 instead.`` Several rules for one parameter mean "any
of these". Checks that depend on the data (a person's membership, ``k`` no
larger than the eligible people) stay in the function bodies.

The rules are stored on the function as ``__referral_params__`` so that the
tests can generate invalid values from them.

Rules are :class:`Constraint` objects or these shorthands: ``"boolean"``,
``"seed"``, ``"n_jobs"``, ``"network"``, ``"array-like"``, ``"probabilities"``,
``callable``, ``None``, ``str`` or any other class (an ``isinstance`` check).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Mapping

import numpy as np

__all__ = [
    "InvalidParameterError",
    "Constraint",
    "InstanceOf",
    "Interval",
    "Options",
    "Pair",
    "validate_params",
    "make_constraint",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter breaks its declared rule.

    A subclass of both :class:`ValueError` and :class:`TypeError`, so code
    that catches either keeps working. Its message names the function, the
    parameter, the rule and the value given.

    Examples
    --------
    >>> import referral
    >>> import textwrap
    >>> try:
    ...     referral.spread(referral.datasets.email_eu_core(), trials=0)
    ... except referral.InvalidParameterError as error:
    ...     print(textwrap.fill(str(error), 70))
    The 'trials' parameter of spread must be an int in the range [1, inf).
    Got 0 instead.
    >>> issubclass(InvalidParameterError, ValueError)
    True
    >>> issubclass(InvalidParameterError, TypeError)
    True
    """


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(
        value, bool | np.bool_
    )


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


class Constraint:
    """One rule a parameter value can satisfy."""

    def is_satisfied_by(self, value) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def invalid_examples(self) -> list:
        """Values that break this rule (the tests try them)."""
        return ["a"]


class InstanceOf(Constraint):
    """An instance of a class, described in words (``"a networkx graph"``)."""

    def __init__(self, kind, description: str | None = None):
        self.kind = kind
        self.description = description

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, self.kind)

    def __str__(self) -> str:
        if self.description:
            return self.description
        name = self.kind.__name__
        article = "an" if name[0].lower() in "aeiou" else "a"
        return f"{article} {name}"

    def invalid_examples(self) -> list:
        return [object()]


class _NoneConstraint(Constraint):
    def is_satisfied_by(self, value) -> bool:
        return value is None

    def __str__(self) -> str:
        return "None"


class _Callable(Constraint):
    def is_satisfied_by(self, value) -> bool:
        return callable(value)

    def __str__(self) -> str:
        return "a callable"

    def invalid_examples(self) -> list:
        return ["a", 1]


class _Boolean(Constraint):
    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, bool | np.bool_)

    def __str__(self) -> str:
        return "a bool"

    def invalid_examples(self) -> list:
        return ["yes", 1]


class _Seed(Constraint):
    def is_satisfied_by(self, value) -> bool:
        if _is_int(value):
            return value >= 0
        return value is None or isinstance(
            value, np.random.Generator | np.random.SeedSequence
        )

    def __str__(self) -> str:
        return "None, an int >= 0, a numpy SeedSequence or a numpy Generator"

    def invalid_examples(self) -> list:
        return ["a", -1, 1.5, True]


class _NJobs(Constraint):
    def is_satisfied_by(self, value) -> bool:
        return value is None or (_is_int(value) and value != 0)

    def __str__(self) -> str:
        return "a non-zero int or None"

    def invalid_examples(self) -> list:
        return [0, 1.5, "a"]


class _Network(Constraint):
    def is_satisfied_by(self, value) -> bool:
        # the class says what it is: no import of referral.network (a cycle)
        return getattr(type(value), "_is_referral_network", False) is True

    def __str__(self) -> str:
        return "a ReferralNetwork"

    def invalid_examples(self) -> list:
        return ["a", 3]


class _ArrayLike(Constraint):
    def is_satisfied_by(self, value) -> bool:
        return (
            not isinstance(value, str | bytes | Mapping)
            and hasattr(value, "__len__")
            and hasattr(value, "__iter__")
        )

    def __str__(self) -> str:
        return "an array-like"

    def invalid_examples(self) -> list:
        return [3, "a"]


class _Probabilities(Constraint):
    """An array-like of finite numbers in [0, 1]."""

    def is_satisfied_by(self, value) -> bool:
        if not _ArrayLike().is_satisfied_by(value):
            return False
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        return bool(np.all((array >= 0.0) & (array <= 1.0)))

    def __str__(self) -> str:
        return "an array-like of floats in the range [0, 1]"

    def invalid_examples(self) -> list:
        return [[0.5, 1.5], [float("nan")], ["a"], 0.5]


class Interval(Constraint):
    """A number of one kind (``int`` or ``float``) between two bounds.

    ``None`` for a bound means unbounded; ``closed`` is ``"both"``,
    ``"left"``, ``"right"`` or ``"neither"``. An ``int`` passes a ``float``
    interval; a bool passes neither, nor does NaN.

    Examples
    --------
    >>> str(Interval(int, 1, None))
    'an int in the range [1, inf)'
    >>> Interval(float, 0, 1, closed="right").is_satisfied_by(0.0)
    False
    """

    def __init__(self, kind, low, high, *, closed: str = "both"):
        if kind not in (int, float):  # pragma: no cover - programming error
            raise ValueError(f"Interval kind must be int or float, not {kind!r}")
        if closed not in ("both", "left", "right", "neither"):  # pragma: no cover
            raise ValueError(f"Interval closed={closed!r} is not known")
        self.kind = kind
        self.low = low
        self.high = high
        self.closed = closed

    def is_satisfied_by(self, value) -> bool:
        if not (_is_int(value) if self.kind is int else _is_real(value)):
            return False
        if self.kind is float and not math.isfinite(value):
            return False  # NaN, and inf (the ranges are open at infinity)
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and (
            value < self.low or (not left and value == self.low)
        ):
            return False
        if self.high is not None and (
            value > self.high or (not right and value == self.high)
        ):
            return False
        return True

    def __str__(self) -> str:
        kind = "an int" if self.kind is int else "a float"
        if self.low is None and self.high is None:
            return kind if self.kind is int else "a finite float"
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = (
            "]" if self.closed in ("both", "right") and self.high is not None else ")"
        )
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{kind} in the range {left}{low}, {high}{right}"

    def invalid_examples(self) -> list:
        bad = ["a", True]
        if self.kind is int:
            bad.append(1.5)
        else:
            bad.extend([float("nan"), float("inf")])
        if self.low is not None:
            step = 1 if self.kind is int else 0.5
            bad.append(self.kind(self.low - step))
            if self.closed in ("right", "neither"):
                bad.append(self.kind(self.low))
        if self.high is not None:
            step = 1 if self.kind is int else 0.5
            bad.append(self.kind(self.high + step))
            if self.closed in ("left", "neither"):
                bad.append(self.kind(self.high))
        return bad


class Options(Constraint):
    """One of a few values (kept in the declared order for the message).

    Examples
    --------
    >>> str(Options(("random", "greedy")))
    "one of ('random', 'greedy')"
    """

    def __init__(self, options):
        self.options = tuple(options)

    def is_satisfied_by(self, value) -> bool:
        try:
            return any(
                type(value) is type(option) and value == option
                for option in self.options
            )
        except (TypeError, ValueError):  # pragma: no cover - odd __eq__
            return False

    def __str__(self) -> str:
        return f"one of {self.options!r}"

    def invalid_examples(self) -> list:
        return ["not-an-option", 0]


class Pair(Constraint):
    """A pair (tuple or list of length 2) whose entries satisfy one rule.

    Examples
    --------
    >>> str(Pair(Interval(float, 0, None, closed="neither")))
    'a pair of floats in the range (0, inf)'
    >>> Pair(Interval(float, 0, 1)).is_satisfied_by((0.2, 0.5))
    True
    """

    def __init__(self, item: Interval):
        self.item = item

    def is_satisfied_by(self, value) -> bool:
        return (
            isinstance(value, tuple | list | np.ndarray)
            and len(value) == 2
            and all(self.item.is_satisfied_by(v) for v in value)
        )

    def __str__(self) -> str:
        return "a pair of " + str(self.item).replace("an int", "ints").replace(
            "a float", "floats"
        )

    def invalid_examples(self) -> list:
        bad = [item for item in self.item.invalid_examples() if item != "a"]
        return ["a", (1.0,), (1.0, 1.0, 1.0)] + [(v, v) for v in bad]


_SHORTHANDS = {
    "boolean": _Boolean,
    "seed": _Seed,
    "n_jobs": _NJobs,
    "network": _Network,
    "array-like": _ArrayLike,
    "probabilities": _Probabilities,
}


def make_constraint(rule) -> Constraint:
    """Turn a declared rule (object, shorthand or class) into a Constraint.

    Examples
    --------
    >>> str(make_constraint("boolean"))
    'a bool'
    >>> str(make_constraint(str))
    'a str'
    """
    if isinstance(rule, Constraint):
        return rule
    if rule is None:
        return _NoneConstraint()
    if rule is callable:
        return _Callable()
    if isinstance(rule, str) and rule in _SHORTHANDS:
        return _SHORTHANDS[rule]()
    if isinstance(rule, type):
        return InstanceOf(rule)
    raise ValueError(f"Unknown parameter rule {rule!r}")  # pragma: no cover


def _describe(constraints) -> str:
    texts = [str(c) for c in constraints]
    if len(texts) == 1:
        return texts[0]
    return ", ".join(texts[:-1]) + " or " + texts[-1]


def _short_repr(value, limit: int = 80) -> str:
    if type(value).__repr__ is object.__repr__:  # no useful repr: name the type
        return type(value).__name__
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_param(value, name: str, rules, function: str) -> None:
    """Raise :class:`InvalidParameterError` unless ``value`` meets a rule.

    Examples
    --------
    >>> check_param(0, "k", [Interval(int, 1, None)], "ambassadors")
    Traceback (most recent call last):
    ...
    referral._core.params.InvalidParameterError: The 'k' parameter of ambassadors must be an int in the range [1, inf). Got 0 instead.
    """  # noqa: E501
    constraints = [make_constraint(rule) for rule in rules]
    if any(c.is_satisfied_by(value) for c in constraints):
        return
    raise InvalidParameterError(
        f"The {name!r} parameter of {function} must be {_describe(constraints)}. "
        f"Got {_short_repr(value)} instead."
    )


def validate_params(rules: dict, *, name: str | None = None):
    """Check a function's arguments against declared rules on every call.

    ``rules`` maps parameter names to a list of rules (any one suffices).
    Only the arguments a caller passes are checked: the defaults are valid
    by construction. ``name`` is the function's name in the messages (the
    qualified name, e.g. ``SearchResult.summary``, by default).

    Examples
    --------
    >>> @validate_params({"k": [Interval(int, 1, None)]})
    ... def pick(k=1):
    ...     return k
    >>> pick(k=2)
    2
    >>> pick(k=0)
    Traceback (most recent call last):
    ...
    referral._core.params.InvalidParameterError: The 'k' parameter of pick must be an int in the range [1, inf). Got 0 instead.
    >>> sorted(pick.__referral_params__)
    ['k']
    """  # noqa: E501

    def decorate(function):
        signature = inspect.signature(function)
        unknown = set(rules) - set(signature.parameters)
        if unknown:  # pragma: no cover - programming error
            raise ValueError(f"{function.__qualname__} has no parameter(s) {unknown}")
        declared = {
            key: [make_constraint(rule) for rule in value]
            for key, value in rules.items()
        }
        label = name or function.__qualname__.rsplit("<locals>.", 1)[-1]

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs).arguments
            for key, constraints in declared.items():
                if key in arguments:
                    value = arguments[key]
                    if not any(c.is_satisfied_by(value) for c in constraints):
                        raise InvalidParameterError(
                            f"The {key!r} parameter of {label} must be "
                            f"{_describe(constraints)}. "
                            f"Got {_short_repr(value)} instead."
                        )
            return function(*args, **kwargs)

        wrapper.__referral_params__ = declared
        wrapper.__referral_name__ = label
        return wrapper

    return decorate
