"""Charts for results: reach, drop-off, chain lengths, thresholds and more.

Every function here is *axes-level*, in the style of seaborn: it draws on
``ax`` (default: the current Axes, :func:`matplotlib.pyplot.gca`), returns
that Axes, never creates a figure, never calls ``show`` or ``savefig``, and
forwards extra keyword arguments to exactly one Axes method, named in its
docstring. Each sets a title when the Axes has none, labels both axes, and
shows uncertainty as bands or error bars (95% normal intervals unless
stated otherwise).

``matplotlib.pyplot`` is imported lazily, so ``import referral`` stays fast.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> import networkx as nx
>>> from referral import from_networkx
>>> from referral.spread import spread
>>> from referral.plot import plot_reach
>>> net = from_networkx(nx.balanced_tree(2, 4), strength=0.8, activity=0.7,
...                     recruiters=[0], candidates=range(15, 31))
>>> fig, ax = plt.subplots()
>>> ax = plot_reach(spread(net, trials=200, seed=1), ax=ax)
>>> ax.get_xlabel()
'hop from the recruiter'
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from referral._params import Interval, Options, validate_params
from referral._stats import Z95, normal_interval, wilson_interval, z_for
from referral.analysis import SEARCH_LOSS_COLUMNS, SPREAD_LOSS_COLUMNS

__all__ = [
    "plot_reach",
    "plot_dropoff",
    "plot_chain_lengths",
    "plot_attrition",
    "plot_threshold",
    "plot_gatekeepers",
    "plot_weak_ties",
    "plot_network",
    "plot_compare",
    "plot_ambassadors",
    "LOSS_COLORS",
    "ROLE_COLORS",
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
"""Colours of the drop-off outcomes; "did not act" is the one red."""

ROLE_COLORS = {
    "recruiter": "#d62728",
    "candidate": "#1f77b4",
    "other": "#b0b0b0",
}
"""Node colours by role in :func:`plot_network`."""

_LOSS_LABELS = {
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
def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _axes(ax):
    return _pyplot().gca() if ax is None else ax


def _title(ax, text):
    if not ax.get_title():
        ax.set_title(text)


def _z(level):
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise ValueError(
            f"The 'level' parameter must be a float in the range (0, 1). "
            f"Got {level!r} instead."
        )
    return z_for(level)


def _colors(n):
    cycle = _pyplot().rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    return [cycle[k % len(cycle)] for k in range(n)]


def _wilson_band(p, n, z):
    """Wilson score interval of proportions ``p`` out of ``n``."""
    low, high = wilson_interval(np.atleast_1d(p), n, z)
    return low, high


def _percent(ax, axis="y"):
    from matplotlib.ticker import PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=0))


# ------------------------------------------------------------------ reach
_REACH_COLUMNS = ["hop", "people_mean", "people_se", "candidates_mean", "candidates_se"]


def _tables(data, kind, view, function, columns):
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
        missing = [c for c in columns if c not in value.columns]
        if missing:
            raise ValueError(
                f"{function} needs a table with columns {columns}; the table"
                f"{what} lacks {missing}."
            )
        out[name] = value
    return out


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
        A :meth:`~referral.spread.SpreadResult.reach_curve` table (columns
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
    >>> from referral.spread import spread
    >>> net = from_networkx(nx.balanced_tree(2, 3), strength=1.0, activity=1.0,
    ...                     recruiters=[0], candidates=range(7, 15))
    >>> ax = plot_reach(spread(net, trials=20, seed=1).reach_curve(), ax=ax)
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 3.0, 7.0, 15.0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['people reached', 'candidates reached']
    >>> plt.close(fig)
    """
    from referral.spread import SpreadResult

    items = _tables(
        data, SpreadResult, SpreadResult.reach_curve, "plot_reach", _REACH_COLUMNS
    )
    z = _z(level)
    ax = _axes(ax)
    colors = _colors(len(items))
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
    _title(ax, "How far the opening travels")
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


def _hop_ticks(ax, x):
    """One tick per hop while they fit, else integer ticks chosen by the axis."""
    if len(x) <= 15:
        ax.set_xticks(x)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


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
    _hop_ticks(ax, x)
    ax.set_xlabel("hop from the recruiter (0 = the recruiter)")
    if share:
        ax.set_ylabel("share of the people holding it")
        _percent(ax)
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
    _title(ax, "Where the opening stops, in people")
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
    >>> from referral.spread import spread
    >>> net = from_networkx(nx.balanced_tree(3, 3), strength=0.9, activity=0.5,
    ...                     recruiters=[0])
    >>> ax = plot_dropoff(spread(net, trials=50, seed=1), ax=ax)
    >>> "did not pass it on" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    >>> plt.close(fig)
    """
    frame = _dropoff_frame(data)
    kind = _dropoff_kind(frame)
    ax = _axes(ax)
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
    labels = dict(_LOSS_LABELS)
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
    _hop_ticks(ax, x)
    ax.set_xlabel(
        "hop from the recruiter" if kind == "offers" else "step (forwards made)"
    )
    if share:
        ax.set_ylabel("share of tie-offers" if kind == "offers" else "share of chains")
        _percent(ax)
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
        _title(ax, "Every tie of every holder, by what became of it")
    else:
        lost = float(frame["lost_total"].sum())
        overall = float(frame["lost_did_not_act"].sum()) / lost if lost else np.nan
        label = ""
        if np.isfinite(overall):
            label = f" ({overall:.0%} of lost chains: holder did not act)"
        _title(ax, f"Where the search dies{label}")
    return ax


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
    (:meth:`referral.search.SearchResult.corrected_lengths`); dotted
    vertical lines mark the two medians.

    Parameters
    ----------
    data : DataFrame or SearchResult
        A :meth:`~referral.search.SearchResult.corrected_lengths` table
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
    >>> from referral.search import search
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
    from referral.search import SearchResult

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
    table = _tables(
        data,
        SearchResult,
        lambda result: result.corrected_lengths(rate),
        "plot_chain_lengths",
        _LENGTH_COLUMNS,
    )[None]
    ax = _axes(ax)
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
    _title(ax, "Completed chains look short: long ones die on the way")
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
        A :meth:`~referral.search.SearchResult.by_step` table (columns
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
    >>> from referral.search import search
    >>> net = referral.from_networkx(nx.path_graph(6), strength=1.0,
    ...                              activity=1.0)
    >>> res = search(net, starts=[0], targets=[5], attrition=0.5,
    ...              trials=100, seed=2)
    >>> ax = plot_attrition(res.by_step(), log=False, ax=ax)
    >>> float(ax.lines[0].get_ydata()[0])  # every chain is alive at step 0
    1.0
    >>> plt.close(fig)
    """
    from referral.search import SearchResult

    items = _tables(
        data,
        SearchResult,
        SearchResult.by_step,
        "plot_attrition",
        ["step", "alive", "completed"],
    )
    z = _z(level)
    ax = _axes(ax)
    for (name, table), color in zip(items.items(), _colors(len(items)), strict=True):
        table = table.sort_values("step")
        # every chain is alive at step 0: the first row counts them
        n = max(int(table["alive"].iloc[0]) if len(table) else 0, 1)
        steps = table["step"].to_numpy()
        alive = table["alive"].to_numpy() / n
        low, high = _wilson_band(alive, n, z)
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
        _percent(ax)
    ax.set_xlabel("step (forwards made)")
    ax.set_ylabel("share of chains started")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="best", fontsize="small")
    _title(ax, "Search chains alive by step")
    return ax


# -------------------------------------------------------------- threshold
@validate_params({"show_candidates": ["boolean"], "logx": ["boolean"]})
def plot_threshold(
    cost, *, show_candidates: bool = False, logx: bool = False, ax=None, **kwargs
):
    """Reach against a multiplier on everyone's activity, around the threshold.

    Below the critical multiplier the opening fizzles whatever the
    network's size; above it, it takes off. The chart marks today's network
    (multiplier 1), the simulated critical point with its 95% interval, the
    analytic estimate (from the non-backtracking spectral radius), and
    shows reach if everyone acted as a horizontal reference. The median
    reach (dashed) shows the typical opening beside the mean.

    Parameters
    ----------
    cost : referral.analysis.OtherPeopleCost or dict of DataFrame
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
    y = curve[f"{column}_mean"].to_numpy(dtype=np.float64)
    if f"{column}_ci_low" in curve.columns:
        low = curve[f"{column}_ci_low"].to_numpy(dtype=np.float64)
        high = curve[f"{column}_ci_high"].to_numpy(dtype=np.float64)
    else:
        se = curve[f"{column}_se"].to_numpy(dtype=np.float64)
        low, high = normal_interval(y, se, Z95)
    ax = _axes(ax)
    line_kwargs = {"marker": "o", "markersize": 4, "color": "#1f77b4", **kwargs}
    (line,) = ax.plot(x, y, label="reach (mean, 95% CI band)", **line_kwargs)
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

    everyone = float(cost.everyone_acts.get(f"{column}_mean", np.nan))
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
            label=f"critical point, analytic estimate: ×{analytic:.2f}",
        )
    if simulated is not None and np.isfinite(simulated):
        ax.axvline(
            simulated,
            color="#ff7f0e",
            linestyle=":",
            linewidth=1.5,
            label=f"critical point, simulated: ×{simulated:.2f}",
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
                    label="simulated critical point, 95% interval",
                )
    today = float(cost.today)
    as_is = float(cost.as_is.get(f"{column}_mean", np.nan))
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
    _title(ax, "The threshold: reach against how active people are")
    return ax


# ------------------------------------------------------------ gatekeepers
_TOP_GROUP_COLOR = "#d62728"
_OTHER_TIER_COLOR = "#8c9bab"


@validate_params({"top": [Interval(int, 1, None), None]})
def plot_gatekeepers(table, *, top: int | None = None, ax=None, **kwargs):
    """The people whose inaction costs the most, with their top group.

    Bars are the counterfactual losses with 95% interval whiskers. When the
    table has tiers (from :func:`referral.analysis.gatekeepers`), the top
    group is shaded and coloured and named in the legend: when it holds
    several people the data cannot order them, and the legend says so;
    dashed lines separate the tiers below it.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`referral.analysis.gatekeepers`: ``person``,
        ``counterfactual_loss`` and ``loss_ci_low``/``loss_ci_high`` (or
        ``loss_se``); optionally ``rank``, ``tier``, ``top_group_size``,
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
        If ``person`` or ``counterfactual_loss`` is missing.

    See Also
    --------
    referral.analysis.gatekeepers : The table.
    referral.analysis.gatekeeper_sentence : The same finding in words.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2, 3], "person": ["ana", "bo", "cy"],
    ...                       "counterfactual_loss": [30.0, 27.0, 12.0],
    ...                       "loss_ci_low": [25.0, 22.0, 8.0],
    ...                       "loss_ci_high": [35.0, 32.0, 16.0],
    ...                       "tier": [1, 1, 2], "top_group_size": [2, 2, 2],
    ...                       "compared": [3, 3, 3]})
    >>> ax = plot_gatekeepers(table, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['ana', 'bo', 'cy']
    >>> ax.get_legend().get_texts()[0].get_text()
    'top group: the data cannot order these 2'
    >>> plt.close(fig)
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"The 'table' parameter of plot_gatekeepers must be a DataFrame from "
            f"referral.analysis.gatekeepers. Got {type(table).__name__} instead."
        )
    for name in ("person", "counterfactual_loss"):
        if name not in table.columns:
            raise ValueError(
                f"plot_gatekeepers needs a table from referral.analysis."
                f"gatekeepers with a {name!r} column. Got columns "
                f"{list(table.columns)}."
            )
    frame = table.sort_values("rank", kind="stable") if "rank" in table else table
    frame = frame.head(top) if top is not None else frame
    loss = frame["counterfactual_loss"].to_numpy(dtype=np.float64)
    if {"loss_ci_low", "loss_ci_high"} <= set(frame.columns):
        low = loss - frame["loss_ci_low"].to_numpy(dtype=np.float64)
        high = frame["loss_ci_high"].to_numpy(dtype=np.float64) - loss
    elif "loss_se" in frame.columns:
        low = high = Z95 * frame["loss_se"].to_numpy(dtype=np.float64)
    else:
        low = high = np.zeros_like(loss)
    tiers = frame["tier"].to_numpy(dtype=np.int64) if "tier" in frame else None
    y = np.arange(len(frame))
    ax = _axes(ax)
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
        f"trial; whiskers: 95% CI"
        + (f"; text: {text})" if "chain_share" in frame.columns else ")")
    )
    ax.set_ylabel("person (by estimated loss)")
    _title(ax, "Gatekeepers: whose inaction costs the most")
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


# ------------------------------------------------------------- weak ties
def plot_weak_ties(table, *, ax=None, **kwargs):
    """Strong against weak ties in the successful chains, hop by hop.

    Each bar is the successful chains at that hop: for a spread, chains to
    candidates reached at that hop (mean per trial); for a search, completed
    chains of that length. It is split into chains that used at least one
    weak tie and chains that used strong ties only; with at most 12 bars
    the share via weak ties is written above each bar with its standard
    error (more labels would collide).

    Parameters
    ----------
    table : pandas.DataFrame, SpreadResult or SearchResult
        From :func:`referral.analysis.weak_tie_share` (``scope``, ``hop``,
        ``chains``, ``via_weak``, ``share``, ``share_se``, ``kind``), or a
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
    ...     "share": [0.5, 0.25, 0.667], "share_se": [0.1, 0.2, 0.2]})
    >>> ax = plot_weak_ties(table, ax=ax)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['strong ties only', 'used a weak tie']
    >>> plt.close(fig)
    """
    from referral.search import SearchResult
    from referral.spread import SpreadResult

    if isinstance(table, SpreadResult | SearchResult):
        from referral.analysis import weak_tie_share

        table = weak_tie_share(table)
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
    ax = _axes(ax)
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
    shares = by_hop["share"].to_numpy(dtype=np.float64)
    ses = (
        by_hop["share_se"].to_numpy(dtype=np.float64)
        if "share_se" in by_hop.columns
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
    if len(overall) and np.isfinite(overall["share"].iloc[0]):
        title += f": {overall['share'].iloc[0]:.0%} used one"
    _title(ax, title)
    return ax


# ---------------------------------------------------------------- compare
@validate_params({"measure": [str, None], "diff": ["boolean"]})
def plot_compare(
    table,
    *,
    measure: str | None = None,
    diff: bool = False,
    ax=None,
    **kwargs,
):
    """Plot scenarios side by side with their confidence intervals.

    Parameters
    ----------
    table : pandas.DataFrame
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
    ...     "mean": [10.0, 14.0], "se": [1.0, 1.0], "ci_low": [8.0, 12.0],
    ...     "ci_high": [12.0, 16.0], "diff": [0.0, 4.0], "diff_se": [0.0, 0.5],
    ...     "diff_ci_low": [0.0, 3.0], "diff_ci_high": [0.0, 5.0]})
    >>> ax = plot_compare(table, ax=ax)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['today', 'bonus']
    >>> plt.close(fig)
    """
    for name in ("scenario", "measure", "mean"):
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
        value = rows["mean"].to_numpy(dtype=np.float64)
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
    ax = _axes(ax)
    colors = ["#9e9e9e"] + _colors(max(len(rows) - 1, 0))
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
    _hop_ticks(ax, x)
    ax.set_xticklabels(
        scenarios,
        rotation=15 if len(scenarios) > 3 else 0,
        ha="right" if len(scenarios) > 3 else "center",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    pretty = measure.replace("_", " ")
    ax.set_xlabel("scenario")
    ax.set_ylabel(
        f"change in {pretty} vs {scenarios[0]} (95% CI)"
        if diff
        else f"{pretty}, mean per trial (95% CI)"
    )
    _title(ax, f"Scenarios compared: {pretty}")
    return ax


# ---------------------------------------------------------------- network
def _subset(network, centre, radius, max_people, must, rng):
    """People to draw: everyone if few; else ``centre``'s neighbourhood."""
    n = network.n_people
    if n <= max_people:
        return np.arange(n)
    indptr, indices = network.indptr, network.indices
    # undirected neighbourhood (ties either way)
    src = network.tie_sources
    chosen = list(dict.fromkeys(int(c) for c in centre))
    seen = set(chosen)
    frontier = np.asarray(chosen, dtype=np.int64)
    must = set(int(m) for m in must)
    for _ in range(radius):
        if len(seen) >= max_people or len(frontier) == 0:
            break
        out = np.concatenate([indices[indptr[u] : indptr[u + 1]] for u in frontier])
        inn = src[np.isin(indices, frontier)]
        layer = np.setdiff1d(np.concatenate([out, inn]), np.fromiter(seen, np.int64))
        room = max_people - len(seen)
        if len(layer) > room:
            preferred = np.asarray([u for u in layer if u in must], dtype=np.int64)
            others = np.setdiff1d(layer, preferred)
            if len(preferred) >= room:
                layer = rng.choice(preferred, size=room, replace=False)
            else:
                layer = np.concatenate(
                    [
                        preferred,
                        rng.choice(others, size=room - len(preferred), replace=False),
                    ]
                )
        chosen.extend(int(u) for u in layer)
        seen.update(int(u) for u in layer)
        frontier = np.asarray(layer, dtype=np.int64)
    return np.asarray(sorted(seen), dtype=np.int64)


@validate_params(
    {
        "network": ["network"],
        "radius": [Interval(int, 0, None)],
        "max_people": [Interval(int, 1, None)],
        "trial": [Interval(int, 0, None), None],
        "layout": [Options(("spring", "kamada_kawai", "circular")), Mapping],
        "seed": ["seed"],
    }
)
def plot_network(
    network,
    result=None,
    *,
    centre=None,
    radius: int = 1,
    max_people: int = 120,
    trial: int | None = None,
    layout: str = "spring",
    seed=0,
    ax=None,
    **kwargs,
):
    """Draw a small network or a person's neighbourhood, with roles and chains.

    Node colour shows the role (recruiter, candidate, other), node size the
    chain credit from ``result``, weak ties are dashed and strong ties
    solid, and the chains of one trial (spread) or one chain (search) are
    drawn thick in orange. A network with more than ``max_people`` people is
    not drawn whole: only ``centre``'s neighbourhood within ``radius`` ties
    (either direction), sampled down to ``max_people`` if needed, preferring
    people on the highlighted chains.

    Parameters
    ----------
    network : ReferralNetwork
        The people and ties.
    result : SpreadResult or SearchResult, optional
        For node sizes (``chain_credit``, or ``times_as_intermediary`` for
        a search) and the highlighted chains.
    centre : person label or iterable of labels, optional
        Whose neighbourhood to draw when the network is large. Default:
        the result's sources (spread) or the start of the highlighted chain
        (search), else the recruiters, else the best-connected person.
    radius : int, default 1
        Ties from ``centre`` to include.
    max_people : int, default 120
        Most people drawn.
    trial : int, optional
        The spread trial (default 0, must be among the kept chains) or the
        search chain (default: the first kept chain that completed) to
        highlight.
    layout : {"spring", "kamada_kawai", "circular"} or dict, default "spring"
        A networkx layout name, or positions ``{label: (x, y)}``.
    seed : int, default 0
        For the layout and the sampling, so a drawing can be repeated.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` for the people.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections`` holds the strong ties, the weak ties, the
        highlighted chains (each a ``LineCollection``) and then the people
        (a ``PathCollection``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.spread import spread
    >>> G = nx.karate_club_graph()
    >>> net = from_networkx(G, strength=lambda u, v, d: d["weight"] / 7,
    ...                     activity=0.5, recruiters=[0],
    ...                     candidates=[23, 33])
    >>> ax = plot_network(net, spread(net, trials=50, seed=1), ax=ax)
    >>> len(ax.collections[-1].get_offsets())  # all 34 people drawn
    34
    >>> plt.close(fig)
    """
    import networkx as nx
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from referral.network import ReferralNetwork
    from referral.search import SearchResult
    from referral.spread import SpreadResult

    if not isinstance(network, ReferralNetwork):
        raise TypeError(
            f"plot_network expects a ReferralNetwork. Got "
            f"{type(network).__name__} instead."
        )
    if result is not None and not isinstance(result, SpreadResult | SearchResult):
        raise TypeError(
            f"The 'result' parameter of plot_network must be a SpreadResult or "
            f"SearchResult. Got {type(result).__name__} instead."
        )
    rng = np.random.default_rng(seed)

    # highlighted chain edges (parent id -> child id)
    chain_edges = np.empty((0, 2), dtype=np.int64)
    chain_start = None
    if isinstance(result, SpreadResult) and len(result.chain_trial):
        kept = np.unique(result.chain_trial)
        t = int(kept[0]) if trial is None else int(trial)
        if t not in kept:
            raise ValueError(
                f"The 'trial' parameter of plot_network must be a trial whose "
                f"chains were kept (0..{int(kept.max())}). Got {trial!r} instead."
            )
        mask = (result.chain_trial == t) & (result.chain_parent >= 0)
        chain_edges = np.column_stack(
            [result.chain_parent[mask], result.chain_person[mask]]
        ).astype(np.int64)
    elif isinstance(result, SearchResult) and result.path_ids.size:
        paths = result.path_ids
        if trial is None:
            from referral.search import OUTCOMES

            # chain_outcome indexes the public OUTCOMES
            completed = OUTCOMES.index("completed")
            done = np.flatnonzero(result.chain_outcome[: len(paths)] == completed)
            c = int(done[0]) if len(done) else 0
        else:
            c = int(trial)
            if not 0 <= c < len(paths):
                raise ValueError(
                    f"The 'trial' parameter of plot_network must be a kept chain "
                    f"(0..{len(paths) - 1}). Got {trial!r} instead."
                )
        path = paths[c][paths[c] >= 0].astype(np.int64)
        chain_edges = np.column_stack([path[:-1], path[1:]])
        chain_start = int(path[0]) if len(path) else None

    if centre is not None:
        centre_ids = network.ids(centre, parameter="centre")
    elif isinstance(result, SpreadResult):
        centre_ids = result.sources
    elif chain_start is not None:
        centre_ids = np.asarray([chain_start])
    elif len(network.recruiters):
        centre_ids = network.recruiters[:1]
    else:
        centre_ids = np.asarray([int(np.argmax(network.degree))])
    must = np.unique(chain_edges) if chain_edges.size else []
    people = _subset(network, centre_ids, radius, max_people, must, rng)
    inside = np.zeros(network.n_people, dtype=bool)
    inside[people] = True

    ties = network.tie_table()
    src = ties["source_id"].to_numpy(np.int64)
    dst = ties["target_id"].to_numpy(np.int64)
    keep = inside[src] & inside[dst]
    src, dst, weak = src[keep], dst[keep], ties["weak"].to_numpy(bool)[keep]

    if isinstance(layout, Mapping):
        pos = {int(i): layout[network.labels[i]] for i in people}
    else:
        G = nx.Graph()
        G.add_nodes_from(people.tolist())
        G.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        if layout == "spring":
            pos = nx.spring_layout(
                G, seed=int(rng.integers(2**31)), k=1.5 / np.sqrt(max(len(people), 1))
            )
        elif layout == "kamada_kawai":
            pos = nx.kamada_kawai_layout(G)
        elif layout == "circular":
            pos = nx.circular_layout(G)
        else:
            raise ValueError(
                "The 'layout' parameter of plot_network must be 'spring', "
                f"'kamada_kawai', 'circular' or a dict of positions. Got "
                f"{layout!r} instead."
            )
    xy = np.asarray([pos[int(i)] for i in people], dtype=np.float64)
    where = {int(p): k for k, p in enumerate(people)}

    def segments(a, b):
        return [
            (xy[where[int(u)]], xy[where[int(v)]]) for u, v in zip(a, b, strict=True)
        ]

    ax = _axes(ax)
    ax.add_collection(
        LineCollection(
            segments(src[~weak], dst[~weak]),
            colors="#777777",
            linewidths=0.8,
            alpha=0.6,
            linestyles="solid",
            zorder=1,
        )
    )
    ax.add_collection(
        LineCollection(
            segments(src[weak], dst[weak]),
            colors="#999999",
            linewidths=0.7,
            alpha=0.6,
            linestyles=(0, (3, 3)),
            zorder=1,
        )
    )
    if chain_edges.size:
        on = inside[chain_edges[:, 0]] & inside[chain_edges[:, 1]]
        shown = chain_edges[on]
    else:
        shown = np.empty((0, 2), dtype=np.int64)
    ax.add_collection(
        LineCollection(
            segments(shown[:, 0], shown[:, 1]),
            colors="#ff7f0e",
            linewidths=2.6,
            alpha=0.9,
            zorder=2,
        )
    )

    role = np.where(
        network.is_recruiter[people],
        "recruiter",
        np.where(network.is_candidate[people], "candidate", "other"),
    )
    colors = [ROLE_COLORS[r] for r in role]
    credit = np.zeros(len(people))
    if isinstance(result, SpreadResult) and result.record == "full":
        credit = result.people()["chain_credit"].to_numpy(np.float64)[people]
    elif isinstance(result, SearchResult):
        credit = result.people()["times_as_intermediary"].to_numpy(np.float64)[people]
    top = credit.max() if len(credit) and credit.max() > 0 else 1.0
    sizes = 25 + 400 * credit / top
    sizes[role == "recruiter"] = np.maximum(sizes[role == "recruiter"], 160)
    scatter_kwargs = {"edgecolors": "white", "linewidths": 0.6, "zorder": 3, **kwargs}
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colors, **scatter_kwargs)

    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            color=ROLE_COLORS[r],
            markersize=7,
            label=r,
        )
        for r in ("recruiter", "candidate", "other")
    ]
    handles += [
        Line2D([], [], color="#777777", label="strong tie"),
        Line2D([], [], color="#999999", linestyle=(0, (3, 3)), label="weak tie"),
    ]
    if result is not None:
        handles.append(
            Line2D(
                [],
                [],
                color="#ff7f0e",
                linewidth=2.6,
                label="one trial's chains"
                if isinstance(result, SpreadResult)
                else "one search chain",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize="small",
        borderaxespad=0.0,
        frameon=False,
    )
    size_note = "size = chain credit" if result is not None else ""
    ax.set_xlabel(
        ", ".join(
            x
            for x in [
                f"{len(people)} of {network.n_people} people",
                size_note,
            ]
            if x
        )
    )
    whole = len(people) == network.n_people
    _title(ax, "The network" if whole else "A neighbourhood of the network")
    return ax


# ------------------------------------------------------------- ambassadors
@validate_params({"gains": ["boolean"]})
def plot_ambassadors(table, *, gains: bool = True, ax=None, **kwargs):
    """Reach against the number of people asked, chosen against highest-degree.

    Draws the expected targets reached by the first ``k`` people of the pick
    order (line, with a 95% band), the same for the ``k`` highest-degree
    people (grey line and band), the forward :func:`referral.spread` check of
    the chosen people (markers with 95% error bars, if the table has it) and,
    on a second y axis at the right, each person's marginal gain (bars with
    95% error bars).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`referral.ambassadors.ambassadors`: ``rank``, ``reach``,
        ``reach_se``, ``degree_reach``, ``degree_reach_se``, ``gain``,
        ``gain_se`` and optionally ``spread_reach``, ``spread_se``.
    gains : bool, default True
        Draw the marginal gains on a twin axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the chosen people's
        line.

    Returns
    -------
    matplotlib.axes.Axes
        The main Axes (the gains' twin axis is ``ax`` 's sibling).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2], "reach": [10.0, 14.0],
    ...                       "reach_se": [0.5, 0.6], "gain": [10.0, 4.0],
    ...                       "gain_se": [0.5, 0.3], "degree_reach": [8.0, 9.0],
    ...                       "degree_reach_se": [0.5, 0.5]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_ambassadors(table, ax=ax)
    >>> ax.lines[0].get_xydata().tolist()
    [[1.0, 10.0], [2.0, 14.0]]
    >>> plt.close(fig)
    """
    needed = ("rank", "reach", "reach_se", "degree_reach", "degree_reach_se")
    missing = [name for name in needed if name not in table.columns]
    if missing:
        raise ValueError(
            f"plot_ambassadors needs a table from referral.ambassadors with "
            f"columns {list(needed)}; {missing} are missing. Got columns "
            f"{list(table.columns)}."
        )
    frame = table.sort_values("rank")
    k = frame["rank"].to_numpy(dtype=np.float64)
    ax = _axes(ax)
    if gains and {"gain", "gain_se"} <= set(frame.columns):
        twin = ax.twinx()
        twin.bar(
            k,
            frame["gain"],
            width=0.6,
            color="#f2b06b",
            alpha=0.45,
            yerr=Z95 * frame["gain_se"].to_numpy(dtype=np.float64),
            error_kw={"ecolor": "#8c6d31", "capsize": 2, "linewidth": 0.8},
            label="added by this person",
        )
        twin.set_ylabel("targets added by this person (bars)", color="#8c6d31")
        twin.tick_params(axis="y", colors="#8c6d31")
        twin.set_ylim(bottom=0)
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
    reach = frame["reach"].to_numpy(dtype=np.float64)
    se = frame["reach_se"].to_numpy(dtype=np.float64)
    line_kwargs = {
        "color": "#1f77b4",
        "marker": "o",
        "markersize": 4,
        "label": "people chosen (IMM)",
        **kwargs,
    }
    (line,) = ax.plot(k, reach, **line_kwargs)
    ax.fill_between(
        k,
        *normal_interval(reach, se, Z95),
        color=line.get_color(),
        alpha=0.2,
        linewidth=0,
    )
    degree = frame["degree_reach"].to_numpy(dtype=np.float64)
    degree_se = frame["degree_reach_se"].to_numpy(dtype=np.float64)
    ax.plot(
        k,
        degree,
        color="#7f7f7f",
        marker="s",
        markersize=3,
        linestyle="--",
        label="highest-degree people",
    )
    ax.fill_between(
        k,
        *normal_interval(degree, degree_se, Z95),
        color="#7f7f7f",
        alpha=0.2,
        linewidth=0,
    )
    if "spread_reach" in frame.columns and frame["spread_reach"].notna().any():
        check = frame["spread_reach"].to_numpy(dtype=np.float64)
        check_se = frame["spread_se"].to_numpy(dtype=np.float64)
        ax.errorbar(
            k + 0.15,
            check,
            yerr=Z95 * check_se,
            fmt="x",
            color="#d62728",
            markersize=5,
            capsize=2,
            linewidth=0.8,
            label="forward spread check",
        )
    ax.set_xlabel("number of people asked")
    ax.set_ylabel("targets reached (expected; bands: 95% CI)")
    if len(k) <= 20:
        ax.set_xticks(k)
    ax.legend(loc="lower right", fontsize="small")
    _title(ax, "Whom to ask: reach of the people chosen vs the best-connected")
    return ax
