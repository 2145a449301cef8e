"""Argument checks shared by the public functions.

Every message names the parameter, the rule and the bad value, in the form
``The 'activity' parameter of spread must be a float in the range [0, 1].
Got 1.5 instead.``
"""

from __future__ import annotations

import numbers
import os

__all__ = [
    "require_columns",
    "check_table",
    "check_int",
    "check_probability",
    "check_memory",
    "format_bytes",
    "LargeRunWarning",
    "user_stacklevel",
]


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the user's own line.

    Counts the frames from the caller of this function up to the first one
    outside the ``referral`` package (decorators and helpers in between move
    with the code, so no fixed number stays right), as pandas'
    ``find_stack_level`` does.

    Returns
    -------
    int
        ``stacklevel`` for :func:`warnings.warn` called right after this.
    """
    import inspect
    import os

    # referral/_core/validation.py -> referral/
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = inspect.currentframe()
    level = 0
    try:
        frame = frame.f_back  # the function that will warn
        while frame is not None:
            filename = os.path.abspath(frame.f_code.co_filename)
            if not filename.startswith(package + os.sep):
                break
            level += 1
            frame = frame.f_back
    finally:
        del frame
    return level + 1


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


class LargeRunWarning(UserWarning):
    """A run will hold a lot of memory; the message names the estimate and the fix.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", LargeRunWarning)  # make it an error
    ...     try:
    ...         warnings.warn("spread will hold about 2 GiB", LargeRunWarning)
    ...     except LargeRunWarning as caught:
    ...         print(caught)
    spread will hold about 2 GiB
    """


#: above this a run warns up front (bytes)
WARN_BYTES = 1 << 30


def _memory_bytes() -> int:
    """This machine's physical memory (16 GiB if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 16 << 30


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``.

    Examples
    --------
    >>> format_bytes(3 * 2**30)
    '3.0 GiB'
    """
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_memory(nbytes: float, *, function: str, what: str, advice: str) -> None:
    """Refuse a run whose records would not fit, and warn about a large one.

    Refuses (``ValueError``) above half of this machine's physical memory
    and warns (:class:`LargeRunWarning`) above :data:`WARN_BYTES`, before any
    work is done; both messages name the estimate and the option that avoids
    it.

    Examples
    --------
    >>> check_memory(100, function="spread", what="per-trial records",
    ...              advice="Pass fewer trials.")
    >>> check_memory(2**60, function="spread", what="per-trial records",
    ...              advice="Pass fewer trials.")
    Traceback (most recent call last):
    ...
    ValueError: spread would need about 1,024.0 PiB for per-trial records, ...
    """
    import warnings

    total = _memory_bytes()
    if nbytes > total // 2:
        raise ValueError(
            f"{function} would need about {format_bytes(nbytes)} for {what}, more "
            f"than half of this machine's memory ({format_bytes(total)}). {advice}"
        )
    if nbytes > WARN_BYTES:
        warnings.warn(
            f"{function} will hold about {format_bytes(nbytes)} for {what}. {advice}",
            LargeRunWarning,
            stacklevel=user_stacklevel(),
        )


def require_columns(frame, columns, where: str) -> None:
    """Raise ``ValueError`` unless ``frame`` has every one of ``columns``.

    The one table-column check of the package: the message names the table
    (``where``, for example ``"'people.csv'"`` or ``"dropoff needs a table
    from referral.spread; it"``), every missing column and the columns the
    table has. ``None`` entries of ``columns`` (optional columns the user
    did not name) are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "The table")
    Traceback (most recent call last):
    ...
    ValueError: The table lacks the column(s) ['b']; the available columns are ['a'].
    """
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where} lacks the column(s) {missing}; the available columns are "
            f"{list(frame.columns)}."
        )


def check_table(table, columns, *, function: str, source: str) -> None:
    """Raise unless ``table`` is a DataFrame with ``columns``.

    ``TypeError`` for anything else, ``ValueError`` naming the missing
    columns; ``source`` is what makes such tables (``"referral.ambassadors"``).
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of {function} must be a DataFrame from "
            f"{source}. Got {type(table).__name__} instead."
        )
    require_columns(table, columns, f"{function} needs a table from {source}; it")
