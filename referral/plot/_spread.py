"""Charts of a spread: reach by hop and the drop-off funnel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.stats import normal_interval
from referral.analysis import SEARCH_LOSS_COLUMNS, SPREAD_LOSS_COLUMNS
from referral.plot._common import (
    LOSS_COLORS,
    LOSS_LABELS,
    axes_or_gca,
    color_cycle,
    default_title,
    hop_ticks,
    percent_axis,
    result_tables,
    z_of_level,
)

__all__ = ["plot_reach", "plot_dropoff"]

# ------------------------------------------------------------------ reach
_REACH_COLUMNS = ["hop", "people_mean", "people_se", "candidates_mean", "candidates_se"]


@validate_params(
    {"candidates": ["boolean"], "level": [Interval(float, 0, 1, closed="neither")]}
)
def plot_reach(
    data,
    *,
    candidates: bool = True,
    level: float = 0.95,
    ax=None,
    **kwargs,
):
    """Cumulative people and candidates reached by hop, with confidence bands.

    Parameters
    ----------
    data : DataFrame, SpreadResult, or dict of str to either
        A :meth:`~referral.simulate._spread.SpreadResult.reach_curve` table (columns
        ``hop``, ``people_mean``, ``people_se``, ``candidates_mean``,
        ``candidates_se``), or a result (its ``reach_curve()`` is drawn);
        several by name to overlay (one colour each).
    candidates : bool, default True
        Also draw the candidates reached (dashed, same colour).
    level : float, default 0.95
        Confidence level of the bands (normal intervals of the mean).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for every line (for
        example ``linewidth=3``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``data`` is neither a table nor a result (or a dict of them).
    ValueError
        If a table lacks a column named above, or ``level`` is not strictly
        between 0 and 1.

    Notes
    -----
    The people band uses every trial. Candidates are tallied exactly per
    hop over all trials, but per trial only for the trials whose chains
    were kept (``keep_chains``); their band uses the spread seen in those
    trials, scaled to the number of trials run, and is left out where the
    table has no standard error.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.simulate._spread import spread
    >>> net = from_networkx(nx.balanced_tree(2, 3), strength=1.0, activity=1.0,
    ...                     recruiters=[0], candidates=range(7, 15))
    >>> ax = plot_reach(spread(net, trials=20, seed=1).reach_curve(), ax=ax)
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 3.0, 7.0, 15.0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['people reached', 'candidates reached']
    >>> plt.close(fig)
    """
    from referral.simulate import SpreadResult

    items = result_tables(
        data, SpreadResult, SpreadResult.reach_curve, "plot_reach", _REACH_COLUMNS
    )
    z = z_of_level(level)
    ax = axes_or_gca(ax)
    colors = color_cycle(len(items))
    for (name, table), color in zip(items.items(), colors, strict=True):
        table = table.sort_values("hop")
        hops = table["hop"].to_numpy()
        mean = table["people_mean"].to_numpy(dtype=np.float64)
        se = table["people_se"].to_numpy(dtype=np.float64)
        prefix = "" if name is None else f"{name}: "
        line_kwargs = {"marker": "o", "markersize": 4, **kwargs}
        line_kwargs.setdefault("color", color)
        (line,) = ax.plot(hops, mean, label=f"{prefix}people reached", **line_kwargs)
        low, high = normal_interval(mean, se, z)
        ax.fill_between(hops, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        if candidates:
            c_mean = table["candidates_mean"].to_numpy(dtype=np.float64)
            c_se = table["candidates_se"].to_numpy(dtype=np.float64)
            c_kwargs = {**line_kwargs, "linestyle": "--", "marker": "s"}
            c_kwargs["color"] = line.get_color()
            ax.plot(hops, c_mean, label=f"{prefix}candidates reached", **c_kwargs)
            if np.all(np.isfinite(c_se)):
                c_low, c_high = normal_interval(c_mean, c_se, z)
                ax.fill_between(
                    hops,
                    c_low,
                    c_high,
                    color=line.get_color(),
                    alpha=0.12,
                    linewidth=0,
                )
    ax.set_xlabel("hop from the recruiter")
    ax.set_ylabel("reached so far (mean per trial)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(bottom=0)
    ax.legend(
        loc="best",
        fontsize="small",
        title=f"band: {level:.0%} CI",
        title_fontsize="small",
    )
    default_title(ax, "How far the opening travels")
    return ax


# ---------------------------------------------------------------- dropoff
def _dropoff_frame(data):
    if isinstance(data, pd.DataFrame):
        return data
    from referral.analysis import dropoff

    return dropoff(data)


def _dropoff_kind(frame):
    # the columns tell the three tables apart (a CSV read back keeps them)
    if "hop" in frame.columns and "passed_on" in frame.columns:
        return "spread"
    if "hop" in frame.columns and "offered" in frame.columns:
        return "offers"
    if "step" in frame.columns:
        return "search"
    raise ValueError(
        "plot_dropoff needs a SpreadResult, a SearchResult or a table from "
        "referral.analysis.dropoff or tie_offers (with a 'hop' or 'step' "
        f"column). Got columns {list(frame.columns)}."
    )


def _people_funnel(frame, share, ax, bar_kwargs):
    """The default spread chart: people per hop who passed it on or not."""
    x = frame["hop"].to_numpy()
    passed = np.nan_to_num(frame["passed_on"].to_numpy(dtype=np.float64))
    stopped = np.nan_to_num(frame["did_not_pass_on"].to_numpy(dtype=np.float64))
    held = passed + stopped
    scale = np.where(held > 0, held, 1.0) if share else np.ones_like(held)
    ax.bar(
        x,
        passed / scale,
        color=LOSS_COLORS["passed_on"],
        label="passed it on",
        **bar_kwargs,
    )
    ax.bar(
        x,
        stopped / scale,
        bottom=passed / scale,
        color=LOSS_COLORS["lost_did_not_act"],
        label="did not pass it on",
        **bar_kwargs,
    )
    if not share and "cost" in frame.columns:
        cost = np.nan_to_num(frame["cost"].to_numpy(dtype=np.float64))
        low = np.nan_to_num(frame["cost_ci_low"].to_numpy(dtype=np.float64))
        high = np.nan_to_num(frame["cost_ci_high"].to_numpy(dtype=np.float64))
        shown = np.maximum(cost, 0.0)
        ax.bar(
            x,
            shown,
            bottom=held,
            hatch="///",
            label="would also hold it if everyone passed it on\n"
            "(lost to those who did not; 95% CI)",
            **{
                **bar_kwargs,
                "facecolor": "none",
                "edgecolor": LOSS_COLORS["lost_did_not_act"],
            },
        )
        some = cost > 0
        ax.errorbar(
            x[some],
            (held + shown)[some],
            yerr=[
                (shown - np.maximum(low, 0.0))[some],
                (np.maximum(high, 0.0) - shown)[some],
            ],
            fmt="none",
            ecolor="#333333",
            elinewidth=1.0,
            capsize=3,
        )
    hop_ticks(ax, x)
    ax.set_xlabel("hop from the recruiter (0 = the recruiter)")
    if share:
        ax.set_ylabel("share of the people holding it")
        percent_axis(ax)
        ax.set_ylim(0, 1.0)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            borderaxespad=0.0,
        )
    else:
        ax.set_ylabel("people holding the opening (mean per opening)")
        ax.set_ylim(bottom=0)
        tops = held + (np.maximum(cost, 0.0) if "cost" in frame.columns else 0.0)
        visible = np.flatnonzero(tops >= 1e-3 * tops.max()) if tops.max() > 0 else []
        if len(visible) and visible[-1] < len(x) - 1:
            # the view ends where bars become invisible; the table has them all
            ax.set_xlim(x[0] - 0.6, x[visible[-1]] + 0.6)
        ax.legend(loc="upper right", fontsize="small")
    default_title(ax, "Where the opening stops, in people")
    return ax


@validate_params({"share": ["boolean"]})
def plot_dropoff(data, *, share: bool = False, ax=None, **kwargs):
    """Where the opening stops: a bar per hop (or step).

    For a spread (the default chart), each bar is the people who held the
    opening at that hop, split into those who passed it on (blue) and
    those who did not (red); a hatched red segment on top, with its 95%
    interval, is the people who would also have held it at that hop if
    everyone had passed it on (the "other people" cost, from the paired
    everyone-acts run of :func:`referral.analysis.dropoff`; absent when the
    table has no ``cost`` column). Given a
    :func:`referral.analysis.tie_offers` table instead, each bar is the
    tie-offers of that hop's holders by what became of them. For a search,
    each bar is the chains alive at that step, split into completed, passed
    on and lost, by cause.

    Parameters
    ----------
    data : SpreadResult, SearchResult or pandas.DataFrame
        A result (passed to :func:`referral.analysis.dropoff`) or a table
        from :func:`referral.analysis.dropoff` or
        :func:`referral.analysis.tie_offers`.
    share : bool, default False
        Draw each bar as shares of that hop's total instead of counts (no
        cost segment).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar` for every segment (for
        example ``width=0.6``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If a table is none of the above.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.simulate._spread import spread
    >>> net = from_networkx(nx.balanced_tree(3, 3), strength=0.9, activity=0.5,
    ...                     recruiters=[0])
    >>> ax = plot_dropoff(spread(net, trials=50, seed=1), ax=ax)
    >>> "did not pass it on" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    >>> plt.close(fig)
    """
    frame = _dropoff_frame(data)
    kind = _dropoff_kind(frame)
    ax = axes_or_gca(ax)
    bar_kwargs = {"width": 0.8, "edgecolor": "white", "linewidth": 0.5, **kwargs}
    if kind == "spread":
        return _people_funnel(frame, share, ax, bar_kwargs)
    x_name = "hop" if kind == "offers" else "step"
    x = frame[x_name].to_numpy()
    parts = {}
    if kind == "offers":
        for name in ["arrived", *SPREAD_LOSS_COLUMNS]:
            if name in frame.columns:
                parts[name] = frame[name].to_numpy(dtype=np.float64)
    else:
        held = frame["held"].to_numpy(dtype=np.float64)
        completed = frame["completed"].to_numpy(dtype=np.float64)
        lost = frame["lost_total"].to_numpy(dtype=np.float64)
        parts["completed"] = completed
        parts["passed_on"] = np.maximum(held - completed - lost, 0.0)
        for name in SEARCH_LOSS_COLUMNS:
            if name in frame.columns:
                parts[name] = frame[name].to_numpy(dtype=np.float64)
    parts = {
        k: np.nan_to_num(v)
        for k, v in parts.items()
        if k in ("arrived", "completed", "lost_did_not_act") or np.any(v > 0)
    }
    total = np.sum(list(parts.values()), axis=0)
    scale = np.where(total > 0, total, 1.0) if share else np.ones_like(total)
    bottom = np.zeros(len(x))
    labels = dict(LOSS_LABELS)
    if kind == "offers":
        labels["lost_did_not_act"] = "holder did not act (all their ties)"
    for name, values in parts.items():
        heights = values / scale
        ax.bar(
            x,
            heights,
            bottom=bottom,
            color=LOSS_COLORS[name],
            label=labels[name],
            **bar_kwargs,
        )
        bottom = bottom + heights
    hop_ticks(ax, x)
    ax.set_xlabel(
        "hop from the recruiter" if kind == "offers" else "step (forwards made)"
    )
    if share:
        ax.set_ylabel("share of tie-offers" if kind == "offers" else "share of chains")
        percent_axis(ax)
        ax.set_ylim(0, 1.0)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            borderaxespad=0.0,
        )
    else:
        ax.set_ylabel(
            "tie-offers (ties of holders), mean per trial"
            if kind == "offers"
            else "chains alive"
        )
        ax.legend(loc="best", fontsize="small")
    if kind == "offers":
        default_title(ax, "Every tie of every holder, by what became of it")
    else:
        lost = float(frame["lost_total"].sum())
        overall = float(frame["lost_did_not_act"].sum()) / lost if lost else np.nan
        label = ""
        if np.isfinite(overall):
            label = f" ({overall:.0%} of lost chains: holder did not act)"
        default_title(ax, f"Where the search dies{label}")
    return ax
