"""Charts of the "other people" analyses: the threshold and the gatekeepers."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral._core.renamed import upgrade_columns
from referral._core.stats import ci_words, normal_interval, table_level, z_for
from referral.plot._common import (
    axes_or_gca,
    data_first,
    default_title,
)

__all__ = ["plot_threshold", "plot_gatekeepers"]


# -------------------------------------------------------------- threshold
@data_first("cost")
@validate_params({"show_candidates": ["boolean"], "logx": ["boolean"]})
def plot_threshold(
    data, *, show_candidates: bool = False, logx: bool = False, ax=None, **kwargs
):
    """Reach against a multiplier on everyone's activity, around the threshold.

    Below the critical multiplier the opening fizzles whatever the
    network's size; above it, it takes off. The chart marks today's network
    (multiplier 1), the simulated critical point with its interval (at the
    tables' ``level``), the
    analytic estimate (from the non-backtracking spectral radius), and
    shows reach if everyone acted as a horizontal reference. The median
    reach (dashed) shows the typical opening beside the mean.

    Parameters
    ----------
    data : referral.analysis.OtherPeopleCost or dict of DataFrame
        From :func:`referral.analysis.other_people_cost`, or its
        :meth:`~referral.analysis.OtherPeopleCost.tables` (for example read
        back from ``cost.csv`` and ``cost_curve.csv``).
    show_candidates : bool, default False
        Plot candidates reached instead of people reached.
    logx : bool, default False
        Logarithmic multiplier axis, useful when the critical point is far
        below today's network.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the reach curve.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.analysis import other_people_cost
    >>> G = nx.random_regular_graph(3, 200, seed=1)
    >>> net = from_networkx(G, strength=1.0, activity=0.3, recruiters=[0],
    ...                     candidates=range(100, 200))
    >>> cost = other_people_cost(net, multipliers=[0.5, 1, 2, 3], trials=50,
    ...                          seed=1)
    >>> ax = plot_threshold(cost, ax=ax)
    >>> print(ax.get_xlabel())
    multiplier on everyone's activity (1 = today)
    >>> plt.close(fig)
    """
    cost = data  # named 'cost' below
    from referral.analysis import OtherPeopleCost

    if isinstance(cost, OtherPeopleCost):
        cost = cost.tables()
    if not isinstance(cost, Mapping):
        raise TypeError(
            "plot_threshold expects an OtherPeopleCost or a dict of its tables "
            f"('cost' and 'cost_curve'). Got {type(cost).__name__} instead."
        )
    # one path: the tables, read back as saved (from_tables checks columns)
    cost = OtherPeopleCost.from_tables(cost)
    curve = cost.curve.sort_values("multiplier")
    column = "candidates_reached" if show_candidates else "people_reached"
    x = curve["multiplier"].to_numpy(dtype=np.float64)
    y = curve[f"{column}_estimate"].to_numpy(dtype=np.float64)
    if f"{column}_ci_low" in curve.columns:
        low = curve[f"{column}_ci_low"].to_numpy(dtype=np.float64)
        high = curve[f"{column}_ci_high"].to_numpy(dtype=np.float64)
    else:
        se = curve[f"{column}_se"].to_numpy(dtype=np.float64)
        low, high = normal_interval(y, se, z_for(table_level(curve)))
    ax = axes_or_gca(ax)
    line_kwargs = {"marker": "o", "markersize": 4, "color": "#1f77b4", **kwargs}
    band = ci_words(table_level(curve))
    (line,) = ax.plot(x, y, label=f"reach (mean, {band} band)", **line_kwargs)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    median_column = f"{column}_median"
    if median_column in curve.columns:
        ax.plot(
            x,
            curve[median_column].to_numpy(dtype=np.float64),
            marker="s",
            markersize=3,
            linestyle="--",
            color=line.get_color(),
            alpha=0.8,
            label="reach (median: the typical opening)",
        )

    everyone = float(cost.everyone_acts.get(f"{column}_estimate", np.nan))
    if np.isfinite(everyone):
        ax.axhline(
            everyone,
            color="#4c9f50",
            linestyle="-.",
            linewidth=1.2,
            label=f"if everyone acted: {everyone:,.0f}",
        )
    analytic = cost.critical_multiplier_analytic
    simulated = cost.critical_multiplier_simulated
    if analytic is not None and np.isfinite(analytic):
        ax.axvline(
            analytic,
            color="#d62728",
            linestyle="--",
            linewidth=1.2,
            label=f"tipping point, by formula: ×{analytic:.2f}",
        )
    if simulated is not None and np.isfinite(simulated):
        ax.axvline(
            simulated,
            color="#ff7f0e",
            linestyle=":",
            linewidth=1.5,
            label=f"tipping point, simulated: ×{simulated:.2f}",
        )
        table = cost.table()
        if "multiplier_ci_low" in table.columns:
            row = table.loc[table["scenario"] == "critical_simulated"].iloc[0]
            lo, hi = float(row["multiplier_ci_low"]), float(row["multiplier_ci_high"])
            if np.isfinite(lo) and np.isfinite(hi):
                ax.axvspan(
                    lo,
                    hi,
                    color="#ff7f0e",
                    alpha=0.12,
                    linewidth=0,
                    label="simulated tipping point, "
                    + ci_words(table_level(curve), "interval"),
                )
    today = float(cost.today)
    as_is = float(cost.as_is.get(f"{column}_estimate", np.nan))
    if not np.isfinite(as_is):
        as_is = float(np.interp(today, x, y))
    ax.axvline(today, color="#555555", linewidth=1.0, alpha=0.6)
    ax.plot(
        [today],
        [as_is],
        marker="*",
        markersize=14,
        color="black",
        linestyle="none",
        label=f"today's network: {as_is:,.0f}",
        zorder=5,
    )
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel("multiplier on everyone's activity (1 = today)")
    ax.set_ylabel(
        "candidates reached (mean per trial)"
        if show_candidates
        else "people reached (mean per trial)"
    )
    ax.set_ylim(
        bottom=0,
        top=max(np.nanmax(high), everyone if np.isfinite(everyone) else 0) * 1.08,
    )
    ax.legend(loc="center left", fontsize="small")
    default_title(ax, "The threshold: reach against how active people are")
    return ax


# ------------------------------------------------------------ gatekeepers
_TOP_GROUP_COLOR = "#d62728"


_OTHER_TIER_COLOR = "#8c9bab"


@data_first("table")
@validate_params({"top": [Interval(int, 1, None), None]})
def plot_gatekeepers(data, *, top: int | None = None, ax=None, **kwargs):
    """The people whose inaction costs the most, with their top group.

    Bars are the counterfactual losses with interval whiskers (at the
    table's ``level``, 95% without the column). When the
    table has tiers (from :func:`referral.analysis.gatekeepers`), the top
    group is shaded and coloured and named in the legend: when it holds
    several people the data cannot order them, and the legend says so;
    dashed lines separate the tiers below it.

    Parameters
    ----------
    data : pandas.DataFrame
        From :func:`referral.analysis.gatekeepers`: ``person``,
        ``estimate`` and ``ci_low``/``ci_high`` (or
        ``se``); optionally ``rank``, ``tier``, ``top_group_size``,
        ``compared``, ``chain_share`` and ``measure``.
    top : int, optional
        Show only the first ``top`` rows (default: all).
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on (default: the current Axes).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If ``person`` or ``estimate`` is missing.

    See Also
    --------
    referral.analysis.gatekeepers : The table.
    referral.wording.gatekeeper_sentence : The same finding in words.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2, 3], "person": ["ana", "bo", "cy"],
    ...                       "estimate": [30.0, 27.0, 12.0],
    ...                       "ci_low": [25.0, 22.0, 8.0],
    ...                       "ci_high": [35.0, 32.0, 16.0],
    ...                       "tier": [1, 1, 2], "top_group_size": [2, 2, 2],
    ...                       "compared": [3, 3, 3]})
    >>> ax = plot_gatekeepers(table, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['ana', 'bo', 'cy']
    >>> ax.get_legend().get_texts()[0].get_text()
    'top group: the data cannot order these 2'
    >>> plt.close(fig)
    """
    table = data  # named 'table' below
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of plot_gatekeepers must be a DataFrame from "
            f"referral.analysis.gatekeepers. Got {type(table).__name__} instead."
        )
    table = upgrade_columns(table, "gatekeepers", where="plot_gatekeepers' table")
    for name in ("person", "estimate"):
        if name not in table.columns:
            raise ValueError(
                f"plot_gatekeepers needs a table from referral.analysis."
                f"gatekeepers with a {name!r} column. Got columns "
                f"{list(table.columns)}."
            )
    frame = table.sort_values("rank", kind="stable") if "rank" in table else table
    frame = frame.head(top) if top is not None else frame
    loss = frame["estimate"].to_numpy(dtype=np.float64)
    if {"ci_low", "ci_high"} <= set(frame.columns):
        low = loss - frame["ci_low"].to_numpy(dtype=np.float64)
        high = frame["ci_high"].to_numpy(dtype=np.float64) - loss
    elif "se" in frame.columns:
        z = z_for(table_level(frame))
        low = high = z * frame["se"].to_numpy(dtype=np.float64)
    else:
        low = high = np.zeros_like(loss)
    tiers = frame["tier"].to_numpy(dtype=np.int64) if "tier" in frame else None
    y = np.arange(len(frame))
    ax = axes_or_gca(ax)
    colors = (
        [_TOP_GROUP_COLOR] * len(frame)
        if tiers is None
        else [_TOP_GROUP_COLOR if t == 1 else _OTHER_TIER_COLOR for t in tiers]
    )
    bar_kwargs = {"color": colors, "alpha": 0.85, "height": 0.7, **kwargs}
    ax.barh(
        y,
        loss,
        xerr=np.vstack([np.maximum(low, 0), np.maximum(high, 0)]),
        error_kw={"ecolor": "#333333", "capsize": 3, "linewidth": 1},
        **bar_kwargs,
    )
    ax.set_yticks(y)
    ax.set_yticklabels([str(p) for p in frame["person"]])
    if len(frame):
        ax.set_ylim(len(frame) - 0.5, -0.5)  # rank 1 at the top
    else:
        ax.text(
            0.5,
            0.5,
            "no one besides the sources was compared",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#555555",
        )
    ax.axvline(0, color="black", linewidth=0.8)
    text_column = "chain_share" in frame.columns and len(frame) > 0
    if tiers is not None and len(frame):
        # keep the legend left of the chain-share text column
        _gatekeeper_tiers(ax, frame, tiers, right=0.86 if text_column else 1.0)
    if "chain_share" in frame.columns:
        right = np.nanmax(loss + np.maximum(high, 0)) if len(loss) else 1.0
        for k, value in enumerate(frame["chain_share"].to_numpy(dtype=np.float64)):
            if np.isfinite(value):
                ax.text(
                    right * 1.03,
                    k,
                    f"{value:.0%}",
                    va="center",
                    fontsize="x-small",
                    color="#555555",
                )
        ax.set_xlim(right=right * 1.15 if right > 0 else 1.0)
    if "measure" in frame.columns and len(frame):
        measure = str(frame["measure"].iloc[0])
    else:
        measure = "reach"
    text = "share of successful chains through them"
    ax.set_xlabel(
        f"fewer {measure.replace('_', ' ')} if this person does not act\n(mean per "
        f"trial; whiskers: {ci_words(table_level(frame))}"
        + (f"; text: {text})" if "chain_share" in frame.columns else ")")
    )
    ax.set_ylabel("person (by estimated loss)")
    default_title(ax, "Gatekeepers: whose inaction costs the most")
    return ax


def _gatekeeper_tiers(ax, frame, tiers, *, right=1.0):
    """Shade the top group, separate the tiers, and say what they mean."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    in_top = int((tiers == 1).sum())
    size = (
        int(frame["top_group_size"].iloc[0])
        if "top_group_size" in frame.columns
        else in_top
    )
    compared = (
        int(frame["compared"].iloc[0]) if "compared" in frame.columns else len(frame)
    )
    handles = []
    if in_top:
        ax.axhspan(
            -0.5,
            in_top - 0.5,
            color=_TOP_GROUP_COLOR,
            alpha=0.08,
            linewidth=0,
            zorder=0,
        )
        if size == 1:
            others = "one" if compared == 2 else f"{compared - 1:,}"
            label = (
                f"clear top: set apart from the other {others} compared"
                if compared > 1
                else "the only person compared"
            )
        elif size > in_top:
            label = f"top group: the data cannot order these {size} ({in_top} shown)"
        else:
            label = f"top group: the data cannot order these {size}"
        handles.append(Patch(facecolor=_TOP_GROUP_COLOR, alpha=0.85, label=label))
    if (tiers > 1).any():
        handles.append(
            Patch(facecolor=_OTHER_TIER_COLOR, alpha=0.85, label="below the top group")
        )
    changes = np.flatnonzero(np.diff(tiers) != 0)
    for k in changes:
        ax.axhline(k + 0.5, color="#555555", linestyle="--", linewidth=0.8)
    if len(changes):
        only_top_ends = len(changes) == 1 and in_top and changes[0] == in_top - 1
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                linestyle="--",
                linewidth=0.8,
                label="end of the top group"
                if only_top_ends
                else "tier boundary (tiers below the top are descriptive)",
            )
        )
    ax.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(right, 0.0),
        fontsize="small",
    )
