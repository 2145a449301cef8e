"""Content keys and fingerprints for :mod:`referral.sweep`.

What identifies a configuration and its code, stable across processes: the
digest of a function's source, bytecode, defaults and partial arguments, the
content key that pairs configurations differing only in interventions, and
the fingerprint that names a configuration's part file in ``results_dir``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping

__all__ = [
    "code_of",
    "bytecode",
    "digest",
    "content_key",
    "accepts_seed",
    "fingerprint",
]


def code_of(function):
    """What identifies a function's behaviour, stable across processes.

    Its module and name, its source and bytecode (instructions, names and
    constants, without file name or line numbers), defaults and closure
    values, and for a
    :func:`functools.partial` the bound arguments by content. For a
    callable object: its class's ``__call__`` and the object's state.
    """
    import joblib

    if isinstance(function, functools.partial):
        return (
            "partial",
            code_of(function.func),
            digest(function.args),
            digest(sorted(function.keywords.items())),
        )
    state = None
    if not inspect.isfunction(function) and not inspect.ismethod(function):
        call = getattr(type(function), "__call__", None)  # noqa: B004
        if inspect.isfunction(call):
            try:
                state = joblib.hash(function)
            except Exception:  # noqa: BLE001 - unpicklable state: name only
                state = None
            function = call
    code = getattr(function, "__code__", None)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = None if code is not None else repr(function)
    body = (source, None if code is None else bytecode(code))
    closure = getattr(function, "__closure__", None) or ()
    try:
        defaults = joblib.hash(
            (
                getattr(function, "__defaults__", None),
                getattr(function, "__kwdefaults__", None),
                [cell.cell_contents for cell in closure],
            )
        )
    except Exception:  # noqa: BLE001 - unpicklable defaults: source only
        defaults = None
    module = getattr(function, "__module__", None) or ""
    name = getattr(function, "__qualname__", None) or type(function).__name__
    return (module, name, body, defaults, state)


def bytecode(code) -> tuple:
    """A code object's instructions, names and constants (nested code too),
    without its file name and line numbers, so it is stable across machines.
    """
    # repr, not marshal: marshal's output depends on reference counts
    consts = tuple(
        bytecode(c) if inspect.iscode(c) else (type(c).__name__, repr(c))
        for c in code.co_consts
    )
    return (code.co_code, code.co_names, code.co_varnames, code.co_freevars, consts)


def digest(value) -> str:
    """``joblib.hash`` of a value; functions inside it count by their code."""
    import joblib

    try:
        return joblib.hash(value)
    except Exception:  # noqa: BLE001 - e.g. a lambda somewhere inside
        pass
    if callable(value):
        return joblib.hash(code_of(value))
    if isinstance(value, list | tuple):
        return joblib.hash([type(value).__name__, *map(digest, value)])
    if isinstance(value, Mapping):
        return joblib.hash(sorted((repr(k), digest(v)) for k, v in value.items()))
    raise TypeError(
        f"sweep keys configurations by content and needs picklable parameter "
        f"values and options. Got {value!r} instead."
    )


def content_key(params: Mapping, interventions) -> tuple[int, ...]:
    """Four 32-bit words of ``joblib.hash`` of the build parameters."""
    population = sorted((k, v) for k, v in params.items() if k not in interventions)
    hashed = digest(population)
    return tuple(int(hashed[i : i + 8], 16) for i in range(0, 32, 8))


def accepts_seed(function) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def fingerprint(params, build, simulate, trials, seed, build_seed, per_trial, kw):
    import referral

    return digest(
        (
            sorted(params.items()),
            code_of(build),
            code_of(simulate),
            int(trials),
            int(seed),
            None if build_seed is None else int(build_seed),
            bool(per_trial),
            sorted(kw.items()),
            referral.__version__,
        )
    )
