"""What every chart shares: colours, the lazy pyplot, the Axes and title rules.

Also the small helpers several charts use: the z of a confidence level, a
Wilson band, a percent axis, hop ticks and the tables of a result object.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._core.stats import wilson_interval, z_for
from referral._core.validation import require_columns, user_stacklevel

__all__ = [
    "LOSS_COLORS",
    "ROLE_COLORS",
    "LOSS_LABELS",
    "lazy_pyplot",
    "axes_or_gca",
    "default_title",
    "z_of_level",
    "color_cycle",
    "wilson_band",
    "percent_axis",
    "result_tables",
    "hop_ticks",
    "data_first",
]

LOSS_COLORS = {
    "arrived": "#4c9f50",
    "completed": "#4c9f50",
    "passed_on": "#5b8fc7",
    "lost_did_not_act": "#d62728",
    "lost_not_carried": "#f2b06b",
    "lost_already_reached": "#c7c7c7",
    "lost_hop_limit": "#8c6d31",
    "lost_fanout": "#b5a0d8",
    "lost_dead_end": "#8c8c8c",
    "lost_step_limit": "#8c6d31",
}


ROLE_COLORS = {
    "recruiter": "#d62728",
    "candidate": "#1f77b4",
    "other": "#b0b0b0",
}


LOSS_LABELS = {
    "arrived": "reached someone new",
    "completed": "reached a recruiter",
    "passed_on": "passed on",
    "lost_did_not_act": "did not act",
    "lost_not_carried": "tie did not carry",
    "lost_already_reached": "already reached",
    "lost_hop_limit": "hop limit",
    "lost_fanout": "over fan-out",
    "lost_dead_end": "dead end",
    "lost_step_limit": "step limit",
}


# ---------------------------------------------------------------- helpers
def lazy_pyplot():
    import matplotlib.pyplot as plt

    return plt


def axes_or_gca(ax):
    return lazy_pyplot().gca() if ax is None else ax


def default_title(ax, text):
    if not ax.get_title():
        ax.set_title(text)


def z_of_level(level):
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise ValueError(
            f"The 'level' parameter must be a float in the range (0, 1). "
            f"Got {level!r} instead."
        )
    return z_for(level)


def color_cycle(n):
    cycle = lazy_pyplot().rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    return [cycle[k % len(cycle)] for k in range(n)]


def wilson_band(p, n, z):
    """Wilson score interval of proportions ``p`` out of ``n``."""
    low, high = wilson_interval(np.atleast_1d(p), n, z)
    return low, high


def percent_axis(ax, axis="y"):
    from matplotlib.ticker import PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=0))


def result_tables(data, kind, view, function, columns):
    """``data`` as a dict name -> table (one table gets name None).

    Each value may be a table or a ``kind`` result, turned into its table by
    ``view(result)``; tables must have ``columns``.
    """
    if isinstance(data, Mapping):
        if not data:
            raise ValueError(
                f"{function} needs at least one table or result; got an empty dict."
            )
        items = dict(data)
    else:
        items = {None: data}
    out = {}
    for name, value in items.items():
        what = f" for {name!r}" if name is not None else ""
        if isinstance(value, kind):
            value = view(value)
        elif not isinstance(value, pd.DataFrame):
            raise TypeError(
                f"{function} expects a DataFrame or a {kind.__name__}, or a dict "
                f"of them. Got {type(value).__name__}{what} instead."
            )
        require_columns(
            value,
            columns,
            f"{function} needs a table with columns {columns}; the table{what}",
        )
        out[name] = value
    return out


def hop_ticks(ax, x):
    """One tick per hop while they fit, else integer ticks chosen by the axis."""
    if len(x) <= 15:
        ax.set_xticks(x)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def data_first(old: str):
    """Let a plot's first parameter, now ``data``, still be passed as ``old``.

    A call with the keyword ``old`` (the parameter's name before every plot
    named it ``data``) gets a :class:`FutureWarning` naming the replacement
    and runs as if it had passed ``data``; positional calls are unchanged.
    Kept for one release.

    Parameters
    ----------
    old : str
        The former keyword name.

    Returns
    -------
    callable
        The decorator.

    Examples
    --------
    >>> @data_first("table")
    ... def plot_x(data, *, ax=None):
    ...     return data
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     plot_x(table=1)
    1
    >>> str(caught[0].message)
    "The 'table' keyword of plot_x is deprecated; use 'data' (or pass it first)."
    """

    def decorate(function):
        name = function.__name__

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if old in kwargs:
                if args or "data" in kwargs:
                    raise TypeError(
                        f"{name} got its data twice: give 'data' (or the first "
                        f"argument) only, not also {old!r}."
                    )
                warnings.warn(
                    f"The {old!r} keyword of {name} is deprecated; use 'data' "
                    f"(or pass it first).",
                    FutureWarning,
                    stacklevel=user_stacklevel(),
                )
                kwargs["data"] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate
