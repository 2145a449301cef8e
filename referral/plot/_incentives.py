"""Chart of referral bonus schemes: hires against money paid."""

from __future__ import annotations

import numpy as np

from referral._core.params import validate_params
from referral._core.stats import ci_words, table_level
from referral._core.validation import require_columns
from referral.plot._common import axes_or_gca, color_cycle, default_title

__all__ = ["plot_incentives"]


@validate_params({"measure": [str]})
def plot_incentives(data, *, measure="hires", ax=None, **kwargs):
    """Plot hires (or another measure) against money paid, a point per scheme.

    Each scheme is a point at its mean money paid per opening (x) and mean
    hires per opening (y), with error bars for both intervals, labelled with
    its name.

    Parameters
    ----------
    data : pandas.DataFrame
        From :func:`referral.analysis.compare_incentives` (columns
        ``scheme``, ``measure``, ``estimate``, ``ci_low``, ``ci_high`` and
        optionally ``level``).
    measure : str, default "hires"
        The measure on the y axis (a ``measure`` of the table, such as
        ``"hires"``, ``"fill_probability"`` or ``"people_reached"``).
    ax : matplotlib.axes.Axes, optional
        The Axes to draw on; default the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.errorbar` for every scheme.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If the table lacks a column, or has no ``paid`` or ``measure`` rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "scheme": ["flat", "flat", "recursive", "recursive"],
    ...     "measure": ["hires", "paid"] * 2,
    ...     "estimate": [0.5, 200.0, 0.6, 210.0],
    ...     "ci_low": [0.45, 190.0, 0.55, 200.0],
    ...     "ci_high": [0.55, 210.0, 0.65, 220.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_incentives(table, ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['flat', 'recursive']
    >>> ax.get_xlabel()
    'money paid per opening (mean)'
    >>> plt.close(fig)
    """
    table = data
    require_columns(
        table,
        ["scheme", "measure", "estimate", "ci_low", "ci_high"],
        "plot_incentives needs a table from compare_incentives; it",
    )
    for needed in ("paid", measure):
        if not (table["measure"] == needed).any():
            raise ValueError(
                f"plot_incentives needs rows of measure {needed!r} in its table; "
                f"the table has {sorted(set(table['measure']))}."
            )
    ax = axes_or_gca(ax)
    schemes = list(dict.fromkeys(table["scheme"]))
    colors = color_cycle(len(schemes))
    for i, (scheme, color) in enumerate(zip(schemes, colors, strict=True)):
        rows = table[table["scheme"] == scheme].set_index("measure")
        x, y = rows.loc["paid"], rows.loc[measure]
        xerr = np.array([[x["estimate"] - x["ci_low"]], [x["ci_high"] - x["estimate"]]])
        yerr = np.array([[y["estimate"] - y["ci_low"]], [y["ci_high"] - y["estimate"]]])
        options = {"fmt": "o", "capsize": 3, "color": color, **kwargs}
        ax.errorbar([x["estimate"]], [y["estimate"]], xerr=xerr, yerr=yerr, **options)
        # a budget puts the schemes at one payout: labels alternate sides,
        # so two schemes with close hires do not write over each other
        # beyond the end of the scheme's own money interval
        side = 1 if i % 2 == 0 else -1
        end = x["ci_high"] if side > 0 else x["ci_low"]
        ax.annotate(
            str(scheme),
            (end if np.isfinite(end) else x["estimate"], y["estimate"]),
            textcoords="offset points",
            xytext=(4 * side, 4),
            ha="left" if side > 0 else "right",
        )
    ax.margins(x=0.15, y=0.1)  # room for the labels
    noun = str(measure).replace("_", " ")
    ax.set_xlabel("money paid per opening (mean)")
    ax.set_ylabel(f"{noun} per opening (mean)")
    default_title(
        ax,
        f"What each bonus buys ({ci_words(table_level(table), 'intervals')})",
    )
    return ax
