"""Charts of a search: chain lengths and attrition by step."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._core.params import Interval, validate_params
from referral.plot._common import (
    axes_or_gca,
    color_cycle,
    default_title,
    percent_axis,
    result_tables,
    wilson_band,
    z_of_level,
)

__all__ = ["plot_chain_lengths", "plot_attrition"]

# ---------------------------------------------------------- chain lengths
_LENGTH_COLUMNS = [
    "length",
    "completed",
    "raw_share",
    "corrected_share",
    "attrition_rate",
    "corrected_median",
]


@validate_params({"rate": [Interval(float, 0, 1, closed="left"), None]})
def plot_chain_lengths(
    data,
    *,
    empirical=None,
    rate: float | None = None,
    ax=None,
    **kwargs,
):
    """Completed chain lengths against the attrition-corrected distribution.

    Completed chains look short because long chains die on the way.
    Bars show the raw share of completed chains by length and the share
    after reweighting each by ``(1 - r)^-length``
    (:meth:`referral.simulate._search.SearchResult.corrected_lengths`); dotted
    vertical lines mark the two medians.

    Parameters
    ----------
    data : DataFrame or SearchResult
        A :meth:`~referral.simulate._search.SearchResult.corrected_lengths` table
        (columns ``length``, ``completed``, ``raw_share``,
        ``corrected_share``, ``attrition_rate``, ``corrected_median``), or
        a search (its ``corrected_lengths(rate)`` is drawn).
    empirical : pandas.DataFrame or True, optional
        Real histograms to overlay as lines with markers, in the form of
        :func:`referral.datasets.empirical_chain_lengths` (``study``,
        ``intermediaries``, ``chains``), or ``True`` to load those. Their
        intermediaries are converted to lengths (``+ 1``) and each study is
        normalised to shares.
    rate : float, optional
        For a result only: the per-step attrition rate for the correction
        (default: estimated from the result). A table carries its own.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar` for both bar series.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``data`` is neither a table nor a result.
    ValueError
        If the table lacks a column named above, or ``rate`` is given with a
        table.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx, referral
    >>> from referral.simulate._search import search
    >>> net = referral.from_networkx(nx.path_graph(6), strength=1.0,
    ...                              activity=1.0)
    >>> res = search(net, starts=[0, 3], targets=[5], attrition=0.5,
    ...              trials=200, seed=2)
    >>> ax = plot_chain_lengths(res.corrected_lengths(), ax=ax)
    >>> len(ax.containers)  # raw and corrected bars
    2
    >>> ax.get_xlabel()
    'chain length (ties traversed; intermediaries + 1)'
    >>> plt.close(fig)
    """
    from referral.simulate import SearchResult

    if isinstance(data, Mapping):
        raise TypeError(
            "plot_chain_lengths draws one table or SearchResult. Got a "
            f"{type(data).__name__} instead."
        )
    if isinstance(data, pd.DataFrame) and rate is not None:
        raise ValueError(
            "The 'rate' parameter of plot_chain_lengths applies to a SearchResult; "
            "a corrected_lengths table carries its own attrition_rate. Got "
            f"rate={rate!r} with a table."
        )
    table = result_tables(
        data,
        SearchResult,
        lambda result: result.corrected_lengths(rate),
        "plot_chain_lengths",
        _LENGTH_COLUMNS,
    )[None]
    ax = axes_or_gca(ax)
    if len(table) == 0:
        ax.text(
            0.5,
            0.5,
            "no chain completed",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    lengths = table["length"].to_numpy()
    width = 0.4
    bar_kwargs = {"edgecolor": "white", "linewidth": 0.5, **kwargs}
    ax.bar(
        lengths - width / 2,
        table["raw_share"],
        width=width,
        color="#5b8fc7",
        label=f"completed chains (n = {int(table['completed'].sum())})",
        **bar_kwargs,
    )
    r = float(table["attrition_rate"].iloc[0]) if len(table) else np.nan
    ax.bar(
        lengths + width / 2,
        table["corrected_share"],
        width=width,
        color="#f2b06b",
        hatch="//",
        label=f"corrected for attrition (r = {r:.2f})",
        **bar_kwargs,
    )
    if len(table):
        raw_median = float(np.median(np.repeat(lengths, table["completed"])))
        ax.axvline(
            raw_median,
            color="#2b5d8c",
            linestyle=":",
            linewidth=1.5,
            label=f"median completed: {raw_median:g}",
        )
        median = float(table["corrected_median"].iloc[0])
        if np.isfinite(median):
            ax.axvline(
                median,
                color="#b36b00",
                linestyle=":",
                linewidth=1.5,
                label=f"corrected median: {median:g}",
            )
    if empirical is not None:
        if empirical is True:
            from referral.datasets import empirical_chain_lengths

            empirical = empirical_chain_lengths()
        names = {"milgram1967": "Milgram 1967", "dodds2003": "Dodds et al. 2003"}
        markers = ["o", "D", "^", "v"]
        colors = ["#333333", "#7b3294", "#008837", "#a6611a"]
        for k, (study, rows) in enumerate(empirical.groupby("study", sort=False)):
            rows = rows.sort_values("intermediaries")
            shares = rows["chains"] / rows["chains"].sum()
            ax.plot(
                rows["intermediaries"] + 1,
                shares,
                marker=markers[k % 4],
                color=colors[k % 4],
                linewidth=1.2,
                markersize=5,
                label=f"{names.get(study, study)} (n = {int(rows['chains'].sum())})",
            )
    ax.set_xlabel("chain length (ties traversed; intermediaries + 1)")
    ax.set_ylabel("share of chains")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(bottom=0)
    ax.legend(loc="best", fontsize="small")
    default_title(ax, "Completed chains look short: long ones die on the way")
    return ax


# -------------------------------------------------------------- attrition
@validate_params(
    {
        "completed": ["boolean"],
        "log": ["boolean"],
        "level": [Interval(float, 0, 1, closed="neither")],
    }
)
def plot_attrition(
    data,
    *,
    completed: bool = True,
    log: bool = True,
    level: float = 0.95,
    ax=None,
    **kwargs,
):
    """Plot the chains alive by step, as a share of the chains started.

    Parameters
    ----------
    data : DataFrame, SearchResult, or dict of str to either
        A :meth:`~referral.simulate._search.SearchResult.by_step` table (columns
        ``step``, ``alive``, ``completed``; ``alive`` at step 0 is the
        chains started), or a result (its ``by_step()`` is drawn); several
        by name to overlay.
    completed : bool, default True
        Also draw the share of chains completed by each step (dashed).
    log : bool, default True
        Logarithmic y axis: constant per-step attrition is a straight line.
    level : float, default 0.95
        Confidence level of the (Wilson) bands.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the "alive" lines.

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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx, referral
    >>> from referral.simulate._search import search
    >>> net = referral.from_networkx(nx.path_graph(6), strength=1.0,
    ...                              activity=1.0)
    >>> res = search(net, starts=[0], targets=[5], attrition=0.5,
    ...              trials=100, seed=2)
    >>> ax = plot_attrition(res.by_step(), log=False, ax=ax)
    >>> float(ax.lines[0].get_ydata()[0])  # every chain is alive at step 0
    1.0
    >>> plt.close(fig)
    """
    from referral.simulate import SearchResult

    items = result_tables(
        data,
        SearchResult,
        SearchResult.by_step,
        "plot_attrition",
        ["step", "alive", "completed"],
    )
    z = z_of_level(level)
    ax = axes_or_gca(ax)
    for (name, table), color in zip(
        items.items(), color_cycle(len(items)), strict=True
    ):
        table = table.sort_values("step")
        # every chain is alive at step 0: the first row counts them
        n = max(int(table["alive"].iloc[0]) if len(table) else 0, 1)
        steps = table["step"].to_numpy()
        alive = table["alive"].to_numpy() / n
        low, high = wilson_band(alive, n, z)
        prefix = "" if name is None else f"{name}: "
        line_kwargs = {"marker": "o", "markersize": 4, "color": color, **kwargs}
        (line,) = ax.plot(steps, alive, label=f"{prefix}alive", **line_kwargs)
        ax.fill_between(
            steps, low, high, color=line.get_color(), alpha=0.2, linewidth=0
        )
        if completed:
            done = np.cumsum(table["completed"].to_numpy()) / n
            shown = np.where(done > 0, done, np.nan) if log else done
            ax.plot(
                steps,
                shown,
                color=line.get_color(),
                linestyle="--",
                label=f"{prefix}completed so far",
            )
    if log:
        ax.set_yscale("log")
        ax.set_ylim(top=1.5)
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:g}%"))
    else:
        ax.set_ylim(0, 1.02)
        percent_axis(ax)
    ax.set_xlabel("step (forwards made)")
    ax.set_ylabel("share of chains started")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="best", fontsize="small")
    default_title(ax, "Search chains alive by step")
    return ax
