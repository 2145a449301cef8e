"""Charts of a spread in days: reach over time and time to the first candidates."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._core.params import validate_params
from referral.plot._common import (
    axes_or_gca,
    color_cycle,
    default_title,
    percent_axis,
    result_tables,
)

__all__ = ["plot_reach_over_time", "plot_time_to_candidate"]

_REACH_COLUMNS = ["time", "measure", "estimate", "ci_low", "ci_high"]
_KM_COLUMNS = ["k", "time", "estimate", "ci_low", "ci_high"]


def _reach_view(result):
    return result.reach_over_time()


def _km_view(result):
    return result.time_to_candidates()


def _data_rule():
    from referral.simulate import SpreadResult

    return [pd.DataFrame, SpreadResult, Mapping]


@validate_params({"data": _data_rule(), "candidates": ["boolean"]})
def plot_reach_over_time(data, *, candidates: bool = True, ax=None, **kwargs):
    """People and candidates who have heard of the opening, day by day.

    The means are joined by straight lines between the table's times (pass
    a fine grid of times for a smooth curve).

    Parameters
    ----------
    data : DataFrame, SpreadResult, or dict of str to either
        A :meth:`~referral.SpreadResult.reach_over_time` table (columns
        ``time``, ``measure``, ``estimate``, ``ci_low``, ``ci_high``), or a
        result of a run with ``delay`` (its ``reach_over_time()`` is drawn);
        several by name to overlay (one colour each).
    candidates : bool, default True
        Also draw the candidates reached (dashed, same colour).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for every line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``data`` is neither a table nor a result (or a dict of them).
    ValueError
        If a table lacks a column named above, or a result has no delays.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> from referral import delays, from_networkx, spread
    >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
    ...                     recruiters=[0], candidates=[3])
    >>> result = spread(net, trials=10, delay=delays.constant(1), seed=1)
    >>> fig, ax = plt.subplots()
    >>> ax = plot_reach_over_time(result.reach_over_time([0, 1, 2, 3]), ax=ax)
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 2.0, 3.0, 4.0]
    >>> plt.close(fig)
    """
    from referral.simulate import SpreadResult

    items = result_tables(
        data, SpreadResult, _reach_view, "plot_reach_over_time", _REACH_COLUMNS
    )
    ax = axes_or_gca(ax)
    colors = color_cycle(len(items))
    level = None
    for (name, table), color in zip(items.items(), colors, strict=True):
        if "level" in table.columns and len(table):
            level = float(table["level"].iloc[0])
        prefix = "" if name is None else f"{name}: "
        measures = ["people_reached"] + (["candidates_reached"] if candidates else [])
        for measure in measures:
            part = table[table["measure"] == measure].sort_values("time")
            part = part[np.isfinite(part["time"].to_numpy(dtype=np.float64))]
            x = part["time"].to_numpy(dtype=np.float64)
            line_kwargs = dict(kwargs)
            line_kwargs.setdefault("color", color)
            if measure == "candidates_reached":
                line_kwargs["linestyle"] = "--"
            label = f"{prefix}{measure.replace('_', ' ')}"
            (line,) = ax.plot(x, part["estimate"], label=label, **line_kwargs)
            ax.fill_between(
                x,
                part["ci_low"].to_numpy(dtype=np.float64),
                part["ci_high"].to_numpy(dtype=np.float64),
                color=line.get_color(),
                alpha=0.2 if measure == "people_reached" else 0.12,
                linewidth=0,
            )
    ax.set_xlabel("days after posting")
    ax.set_ylabel("heard of it so far (mean per opening)")
    ax.set_ylim(bottom=0)
    title = f"band: {level:.0%} CI" if level is not None else None
    ax.legend(loc="best", fontsize="small", title=title, title_fontsize="small")
    default_title(ax, "Who has heard of the opening, day by day")
    return ax


@validate_params({"data": _data_rule()})
def plot_time_to_candidate(data, *, ax=None, **kwargs):
    """The share of openings that have reached ``k`` candidates, day by day.

    Draws one minus the Kaplan-Meier curve of
    :meth:`~referral.SpreadResult.time_to_candidates`, as steps, with its
    interval as a band. The curve stops at the deadline (later days are not
    seen).

    Parameters
    ----------
    data : DataFrame, SpreadResult, or dict of str to either
        A ``time_to_candidates`` table (columns ``k``, ``time``,
        ``estimate``, ``ci_low``, ``ci_high``), or a result of a run with
        ``delay`` (its ``time_to_candidates()`` is drawn); several by name to
        overlay.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for every line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``data`` is neither a table nor a result (or a dict of them).
    ValueError
        If a table lacks a column named above, or a result has no delays.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> from referral import delays, from_networkx, spread
    >>> net = from_networkx(nx.path_graph(4), strength=1.0, activity=1.0,
    ...                     recruiters=[0], candidates=[3])
    >>> result = spread(net, trials=10, delay=delays.constant(1), seed=1)
    >>> fig, ax = plt.subplots()
    >>> ax = plot_time_to_candidate(result, ax=ax)
    >>> ax.lines[0].get_ydata().tolist()
    [0.0, 1.0]
    >>> plt.close(fig)
    """
    from referral.simulate import SpreadResult

    items = result_tables(
        data, SpreadResult, _km_view, "plot_time_to_candidate", _KM_COLUMNS
    )
    ax = axes_or_gca(ax)
    colors = color_cycle(len(items))
    level = None
    ks = set()
    for (name, table), color in zip(items.items(), colors, strict=True):
        if "level" in table.columns and len(table):
            level = float(table["level"].iloc[0])
        table = table.sort_values("time")
        table = table[np.isfinite(table["estimate"].to_numpy(dtype=np.float64))]
        ks.update(int(k) for k in table["k"].unique())
        x = table["time"].to_numpy(dtype=np.float64)
        line_kwargs = {"drawstyle": "steps-post", **kwargs}
        line_kwargs.setdefault("color", color)
        label = "openings" if name is None else str(name)
        (line,) = ax.plot(
            x, 1.0 - table["estimate"].to_numpy(), label=label, **line_kwargs
        )
        ax.fill_between(
            x,
            1.0 - table["ci_high"].to_numpy(dtype=np.float64),
            1.0 - table["ci_low"].to_numpy(dtype=np.float64),
            step="post",
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
    if ks == {1}:
        what = "the first candidate"
    elif len(ks) == 1:
        what = f"{ks.pop()} candidates"
    else:
        what = "k candidates"
    ax.set_xlabel("days after posting")
    ax.set_ylabel(f"openings that have reached {what}")
    ax.set_ylim(0, 1)
    percent_axis(ax)
    title = f"band: {level:.0%} CI" if level is not None else None
    ax.legend(loc="best", fontsize="small", title=title, title_fontsize="small")
    default_title(ax, f"How long until {what}")
    return ax
