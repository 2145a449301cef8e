"""Who gets reached: each group's share of the reach against its pool share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.params import Interval, Options, validate_params
from referral._core.stats import ci_words, table_level
from referral._core.validation import require_columns
from referral.plot._common import (
    axes_or_gca,
    color_cycle,
    default_title,
    hop_ticks,
    percent_axis,
)

__all__ = ["plot_representation"]

_NEEDED = ["by", "among", "hop", "group", "pool_share", "measure", "estimate"]


def _check(data, among, kind):
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"plot_representation expects the table of referral.representation. "
            f"Got {type(data).__name__} instead."
        )
    require_columns(
        data,
        _NEEDED,
        f"plot_representation needs a table from referral.representation "
        f"with columns {_NEEDED}; it",
    )
    if kind not in ("groups", "hops"):
        raise ValueError(
            f"The 'kind' parameter of plot_representation must be 'groups' or "
            f"'hops'. Got {kind!r} instead."
        )
    rows = data[data["among"] == among]
    if rows.empty:
        raise ValueError(
            f"The 'among' parameter of plot_representation must be one of "
            f"{sorted(set(data['among']))}. Got {among!r} instead."
        )
    return rows


def _errors(rows):
    value = rows["estimate"].to_numpy(np.float64)
    if {"ci_low", "ci_high"} <= set(rows.columns):
        err = np.vstack(
            [
                value - rows["ci_low"].to_numpy(np.float64),
                rows["ci_high"].to_numpy(np.float64) - value,
            ]
        )
        return value, np.maximum(np.nan_to_num(err), 0.0)
    return value, None


@validate_params(
    {
        "kind": [Options(("groups", "hops"))],
        "among": [Options(("people", "candidates"))],
        "min_trials": [Interval(int, 1, None)],
    }
)
def plot_representation(
    data,
    *,
    kind: str = "groups",
    among: str = "people",
    groups=None,
    min_trials: int = 10,
    ax=None,
    **kwargs,
):
    """Each group's share of the reach against its share of the pool.

    ``kind="groups"``: one row per group, a dot with its interval for the
    share of the people reached and a bar mark for the group's share of the
    pool; a dot left of its mark is a group reached less than its share.
    ``kind="hops"``: the ratio (share reached / pool share) hop by hop, one
    line per group, with intervals and a line at 1 (a fair share).

    Parameters
    ----------
    data : pandas.DataFrame
        The table of :func:`referral.analysis.representation`.
    kind : {"groups", "hops"}, default "groups"
        The chart.
    among : {"people", "candidates"}, default "people"
        Which reach to draw.
    groups : list, optional
        The groups to draw (default all; for ``kind="hops"`` with many groups,
        pass a few).
    min_trials : int, default 10
        ``kind="hops"`` draws only the hops reached in at least this many of
        the kept trials (the ``trials_with_reach`` column), where the
        intervals can be trusted.
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.errorbar` (the shares reached
        or the ratios).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If ``data`` lacks a column of the representation table, or ``kind``
        or ``among`` is not one of its values.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> from referral import from_networkx, spread
    >>> from referral.analysis import representation
    >>> G = nx.star_graph(4)
    >>> nx.set_node_attributes(G, dict(enumerate(["x", "a", "a", "a", "b"])),
    ...                        "team")
    >>> net = from_networkx(G, strength=1.0, activity=1.0, transmission=0.5,
    ...                     recruiters=[0])
    >>> table = representation(spread(net, trials=50, seed=1), by="team")
    >>> fig, ax = plt.subplots()
    >>> ax = plot_representation(table, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b']
    >>> plt.close(fig)
    """
    rows = _check(data, among, kind)
    if groups is not None:
        wanted = [str(g) for g in groups]
        rows = rows[rows["group"].astype(str).isin(wanted)]
        if rows.empty:
            raise ValueError(
                f"The 'groups' parameter of plot_representation names no group "
                f"of the table: {list(groups)!r}."
            )
    by = rows["by"].iloc[0]
    ax = axes_or_gca(ax)
    noun = "people" if among == "people" else "candidates"
    if kind == "groups":
        share = rows[rows["hop"].isna() & (rows["measure"] == "share_reached")]
        y = np.arange(len(share))[::-1]
        value, err = _errors(share)
        ax.scatter(
            share["pool_share"].to_numpy(np.float64),
            y,
            marker="|",
            s=300,
            linewidths=2.5,
            color="#7f7f7f",
            label="share of the pool",
            zorder=2,
        )
        style = {"fmt": "o", "color": "C0", "capsize": 3, "zorder": 3, **kwargs}
        ax.errorbar(value, y, xerr=err, label=f"share of the {noun} reached", **style)
        ax.set_yticks(y)
        ax.set_yticklabels([str(g) for g in share["group"]])
        ax.set_ylabel(str(by))
        ax.set_xlabel(
            f"share (of the pool, of the {noun} reached; {ci_words(table_level(rows))})"
        )
        percent_axis(ax, axis="x")
        ax.set_xlim(left=0)
        ax.set_ylim(-0.6, len(share) - 0.4)
        # right of the Axes, clear of every row however many groups there are
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            frameon=False,
        )
        default_title(ax, f"Who gets reached, by {by}")
        return ax
    ratio = rows[rows["hop"].notna() & (rows["measure"] == "ratio")]
    if "trials_with_reach" in ratio.columns:
        ratio = ratio[ratio["trials_with_reach"] >= min_trials]
    if ratio.empty:
        raise ValueError(
            f"plot_representation(kind='hops'): no hop was reached in "
            f"min_trials={min_trials} or more of the kept trials; lower min_trials "
            f"or keep more chains (spread(..., keep_chains=...))."
        )
    names = list(pd.unique(ratio["group"]))
    colors = color_cycle(len(names))
    hops = sorted(int(h) for h in pd.unique(ratio["hop"]))
    for k, group in enumerate(names):
        one = ratio[ratio["group"] == group].sort_values("hop")
        value, err = _errors(one)
        style = {"fmt": "o-", "color": colors[k], "capsize": 3, **kwargs}
        ax.errorbar(
            one["hop"].to_numpy(np.float64),
            value,
            yerr=err,
            label=str(group),
            **style,
        )
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    hop_ticks(ax, np.asarray(hops))
    ax.set_xlabel("hop from the recruiter")
    ax.set_ylabel(f"share reached / share of the pool ({ci_words(table_level(rows))})")
    ax.legend(title=str(by), loc="best", fontsize="small")
    default_title(ax, f"Who gets reached at each hop, by {by}")
    return ax
