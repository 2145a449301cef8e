"""Charts of weak-tie shares and of scenarios compared side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.params import validate_params
from referral._core.renamed import upgrade_columns
from referral._core.stats import ci_words, table_level
from referral.plot._common import (
    axes_or_gca,
    color_cycle,
    data_first,
    default_title,
    hop_ticks,
)

__all__ = ["plot_weak_ties", "plot_compare"]


# ------------------------------------------------------------- weak ties
@data_first("table")
def plot_weak_ties(data, *, ax=None, **kwargs):
    """Strong against weak ties in the successful chains, hop by hop.

    Each bar is the successful chains at that hop: for a spread, chains to
    candidates reached at that hop (mean per trial); for a search, completed
    chains of that length. It is split into chains that used at least one
    weak tie and chains that used strong ties only; with at most 12 bars
    the share via weak ties is written above each bar with its standard
    error (more labels would collide).

    Parameters
    ----------
    data : pandas.DataFrame, SpreadResult or SearchResult
        From :func:`referral.analysis.weak_tie_share` (``scope``, ``hop``,
        ``chains``, ``via_weak``, ``estimate``, ``se``, ``kind``), or a
        result to pass to it; the axis labels follow the ``kind`` column.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar` for both segments.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "scope": ["overall", "by hop", "by hop"], "hop": [-1, 1, 2],
    ...     "chains": [10.0, 4.0, 6.0], "via_weak": [5.0, 1.0, 4.0],
    ...     "estimate": [0.5, 0.25, 0.667], "se": [0.1, 0.2, 0.2]})
    >>> ax = plot_weak_ties(table, ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['strong ties only', 'used a weak tie']
    >>> plt.close(fig)
    """
    table = data  # named 'table' below
    from referral.simulate import SearchResult, SpreadResult

    if isinstance(table, SpreadResult | SearchResult):
        from referral.analysis import weak_tie_share

        table = weak_tie_share(table)
    table = upgrade_columns(table, "weak_tie_share", where="plot_weak_ties' table")
    # the table's kind column names the run (older tables may lack it)
    kind = str(table["kind"].iloc[0]) if "kind" in table and len(table) else ""
    if kind == "search":
        xlabel, ylabel = "chain length (ties traversed)", "completed chains"
    elif kind == "spread":
        xlabel = "hop at which the candidate was reached"
        ylabel = "chains to candidates (mean per trial)"
    else:
        xlabel = "hop reached (spread) or chain length (search)"
        ylabel = "successful chains"
    by_hop = table[table["scope"] == "by hop"].sort_values("hop")
    hops = by_hop["hop"].to_numpy()
    chains = by_hop["chains"].to_numpy(dtype=np.float64)
    weak = by_hop["via_weak"].to_numpy(dtype=np.float64)
    ax = axes_or_gca(ax)
    bar_kwargs = {"width": 0.8, "edgecolor": "white", "linewidth": 0.5, **kwargs}
    ax.bar(hops, chains - weak, color="#5b8fc7", label="strong ties only", **bar_kwargs)
    ax.bar(
        hops,
        weak,
        bottom=chains - weak,
        color="#f2b06b",
        label="used a weak tie",
        **bar_kwargs,
    )
    top = np.nanmax(chains) if len(chains) else 1.0
    shares = by_hop["estimate"].to_numpy(dtype=np.float64)
    ses = (
        by_hop["se"].to_numpy(dtype=np.float64)
        if "se" in by_hop.columns
        else np.full(len(shares), np.nan)
    )
    annotate = len(hops) <= 12  # more labels than that would collide
    for x, height, value, se in zip(hops, chains, shares, ses, strict=True):
        if annotate and np.isfinite(value) and height > 0:
            text = f"{value:.0%}" + (f"\n±{se:.1%}" if np.isfinite(se) else "")
            ax.text(
                x,
                height + top * 0.02,
                text,
                ha="center",
                va="bottom",
                fontsize="x-small",
            )
    ax.set_ylim(0, top * 1.25 if top > 0 else 1.0)
    if annotate and len(hops):
        ax.set_xticks(hops)
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper right", fontsize="small")
    title = "Weak ties in successful chains"
    overall = table[table["scope"] == "overall"]
    if len(overall) and np.isfinite(overall["estimate"].iloc[0]):
        title += f": {overall['estimate'].iloc[0]:.0%} used one"
    default_title(ax, title)
    return ax


# ---------------------------------------------------------------- compare
@data_first("table")
@validate_params({"measure": [str, None], "diff": ["boolean"]})
def plot_compare(
    data,
    *,
    measure: str | None = None,
    diff: bool = False,
    ax=None,
    **kwargs,
):
    """Plot scenarios side by side with their confidence intervals.

    Parameters
    ----------
    data : pandas.DataFrame
        From :func:`referral.analysis.compare`: ``scenario``, ``measure``,
        ``mean``, ``ci_low``, ``ci_high`` and, for ``diff=True``, ``diff``,
        ``diff_ci_low``, ``diff_ci_high``.
    measure : str, optional
        The measure to show (default: the first in the table, usually
        ``people_reached``).
    diff : bool, default False
        Show each scenario's difference from the first (baseline) with its
        common-random-number interval, instead of the levels.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "scenario": ["today", "bonus"], "measure": ["people_reached"] * 2,
    ...     "estimate": [10.0, 14.0], "se": [1.0, 1.0], "ci_low": [8.0, 12.0],
    ...     "ci_high": [12.0, 16.0], "diff": [0.0, 4.0], "diff_se": [0.0, 0.5],
    ...     "diff_ci_low": [0.0, 3.0], "diff_ci_high": [0.0, 5.0]})
    >>> ax = plot_compare(table, ax=ax)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['today', 'bonus']
    >>> plt.close(fig)
    """
    table = upgrade_columns(data, "compare", where="plot_compare's table")
    for name in ("scenario", "measure", "estimate"):
        if name not in table.columns:
            raise ValueError(
                f"plot_compare needs a table from referral.analysis.compare with "
                f"a {name!r} column. Got columns {list(table.columns)}."
            )
    measures = list(pd.unique(table["measure"]))
    if measure is None:
        measure = measures[0]
    elif measure not in measures:
        raise ValueError(
            f"The 'measure' parameter of plot_compare must be one of {measures}. "
            f"Got {measure!r} instead."
        )
    rows = table[table["measure"] == measure]
    scenarios = [str(s) for s in rows["scenario"]]
    x = np.arange(len(rows))
    if diff:
        value = rows["diff"].to_numpy(dtype=np.float64)
        low_col, high_col = "diff_ci_low", "diff_ci_high"
    else:
        value = rows["estimate"].to_numpy(dtype=np.float64)
        low_col, high_col = "ci_low", "ci_high"
    if {low_col, high_col} <= set(rows.columns):
        err = np.vstack(
            [
                value - rows[low_col].to_numpy(dtype=np.float64),
                rows[high_col].to_numpy(dtype=np.float64) - value,
            ]
        )
        err = np.maximum(np.nan_to_num(err), 0.0)
    else:
        err = None
    ax = axes_or_gca(ax)
    colors = ["#9e9e9e"] + color_cycle(max(len(rows) - 1, 0))
    bar_kwargs = {"color": colors[: len(rows)], "alpha": 0.9, "width": 0.65, **kwargs}
    bars = ax.bar(
        x,
        value,
        yerr=err,
        capsize=4,
        error_kw={"ecolor": "#333333", "linewidth": 1},
        **bar_kwargs,
    )
    span = np.nanmax(np.abs(value)) if len(value) else 1.0
    for rect, v in zip(bars, value, strict=True):
        if np.isfinite(v):
            ax.annotate(
                f"{v:+,.1f}" if diff else f"{v:,.1f}",
                (rect.get_x() + rect.get_width() / 2, 0),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize="x-small",
                color="white" if abs(v) > 0.12 * span else "#333333",
            )
    hop_ticks(ax, x)
    ax.set_xticklabels(
        scenarios,
        rotation=15 if len(scenarios) > 3 else 0,
        ha="right" if len(scenarios) > 3 else "center",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    pretty = measure.replace("_", " ")
    ax.set_xlabel("scenario")
    ci = ci_words(table_level(table))
    ax.set_ylabel(
        f"change in {pretty} vs {scenarios[0]} ({ci})"
        if diff
        else f"{pretty}, mean per trial ({ci})"
    )
    default_title(ax, f"Scenarios compared: {pretty}")
    return ax
