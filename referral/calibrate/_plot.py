"""Draw a fit's predictive check: observed against fitted, with bands."""

from __future__ import annotations

import numpy as np

from referral._core.validation import check_table
from referral.plot._common import axes_or_gca, default_title

__all__ = ["plot_fit"]


def plot_fit(data, ax=None, **kwargs):
    """Observed people told at each hop against the fitted model's range.

    Parameters
    ----------
    data : pandas.DataFrame
        The table of :meth:`Fit.check`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: the current Axes).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the observed points.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: a band for the simulated range at the table's
        ``level``, a line for the simulated mean and points for the log.

    Raises
    ------
    ValueError
        If ``data`` lacks the columns of :meth:`Fit.check`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> table = pd.DataFrame({"measure": ["people_told_at_hop"] * 2,
    ...                       "hop": [1, 2], "observed": [9.0, 3.0],
    ...                       "expected": [8.0, 4.0], "ci_low": [5.0, 1.0],
    ...                       "ci_high": [12.0, 8.0], "level": [0.95, 0.95],
    ...                       "p_value": [0.6, 0.7]})
    >>> ax = plot_fit(table)
    >>> ax.get_xlabel()
    'hop from the posters'
    """
    check_table(
        data,
        ["measure", "hop", "observed", "expected", "ci_low", "ci_high", "level"],
        function="plot_fit",
        source="Fit.check()",
    )
    rows = data[data["measure"] == "people_told_at_hop"].sort_values("hop")
    ax = axes_or_gca(ax)
    hop = rows["hop"].to_numpy()
    level = float(rows["level"].iloc[0]) if len(rows) else 0.95
    ax.fill_between(
        hop,
        rows["ci_low"],
        rows["ci_high"],
        color="#5b8fc7",
        alpha=0.25,
        label=f"fitted model, {level:.0%} of simulations",
    )
    ax.plot(hop, rows["expected"], color="#5b8fc7", label="fitted model, mean")
    kwargs.setdefault("color", "black")
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("linestyle", "none")
    ax.plot(hop, rows["observed"], label="your log", **kwargs)
    ax.set_xlabel("hop from the posters")
    ax.set_ylabel("people told (all openings)")
    if len(hop):
        ax.set_xticks(np.asarray(hop, dtype=int))
    ax.legend()
    default_title(ax, "Your log against the fitted model")
    return ax
