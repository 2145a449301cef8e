"""Rich display in Jupyter: ``_repr_html_`` for the main objects.

Every display is built from the object's own tidy table (``summary()`` or
``table()``): the HTML shows those numbers, formatted by :func:`fmt`, with their
intervals, the object's verdict sentence where it has one, and the calls that
usually come next. Nothing here computes a number the table does not hold.

A new result type gets a display with :func:`result_html`, e.g.::

    def _repr_html_(self):
        from referral._core.html import result_html
        return result_html("Ambassadors", rows, next_calls=[...])
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import pandas as pd

from referral._core.stats import ci_words, table_level

__all__ = [
    "fmt",
    "interval",
    "result_html",
    "network_html",
    "spread_html",
    "search_html",
    "cost_html",
]

_STYLE = (
    "<style>"
    ".referral-repr table{border-collapse:collapse;margin:0.3em 0;}"
    ".referral-repr th,.referral-repr td{padding:0.15em 0.7em;text-align:right;"
    "border-bottom:1px solid #ddd;}"
    ".referral-repr th:first-child,.referral-repr td:first-child{text-align:left;}"
    ".referral-repr .referral-verdict{max-width:46em;margin:0.4em 0;}"
    ".referral-repr .referral-next{color:#555;font-size:0.9em;}"
    "</style>"
)


def fmt(value) -> str:
    """Format one number the way the displays show it.

    Whole numbers of any size get thousands separators; others get three
    significant digits (four from 1,000 up). Missing values show as an en dash.

    Examples
    --------
    >>> fmt(1234.0), fmt(0.28571), fmt(3), fmt(float("nan")), fmt(True)
    ('1,234', '0.286', '3', '–', 'yes')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == round(x) and abs(x) < 1e15:
        return f"{x:,.0f}"
    if abs(x) >= 1000:
        return f"{x:,.1f}"
    return f"{x:.3g}"


def interval(low, high) -> str:
    """Format a confidence interval, or an en dash when it is missing.

    Examples
    --------
    >>> interval(1.5, 2.25), interval(float("nan"), 1.0)
    ('1.5 – 2.25', '–')
    """
    if low is None or high is None:
        return "–"
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "–"
    return f"{fmt(low)} – {fmt(high)}"


def result_html(
    title: str,
    rows: Sequence[Sequence],
    *,
    header: Sequence[str],
    caption: str | None = None,
    sentence: str | None = None,
    next_calls: Iterable[str] = (),
) -> str:
    """Render a compact summary table, a verdict and the calls to make next.

    Parameters
    ----------
    title : str
        The object's name, shown in bold above the table.
    rows : sequence of sequences
        Table rows; numbers are formatted with :func:`fmt`.
    header : sequence of str
        Column headings.
    caption : str, optional
        A short line under the title (for example the number of trials).
    sentence : str, optional
        The object's verdict sentence, shown under the table.
    next_calls : iterable of str
        Calls that usually come next, shown as code.

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> out = result_html("Demo", [("reach", 3.0)], header=["measure", "mean"])
    >>> "<td>3</td>" in out
    True
    """
    esc = html.escape
    parts = [_STYLE, '<div class="referral-repr">', f"<strong>{esc(title)}</strong>"]
    if caption:
        parts.append(f" <span>{esc(caption)}</span>")
    parts.append("<table><thead><tr>")
    parts += [f"<th>{esc(str(h))}</th>" for h in header]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{esc(fmt(v))}</td>" for v in row) + "</tr>")
    parts.append("</tbody></table>")
    if sentence:
        parts.append(f'<p class="referral-verdict">{esc(sentence)}</p>')
    calls = list(next_calls)
    if calls:
        codes = ", ".join(f"<code>{esc(c)}</code>" for c in calls)
        parts.append(f'<p class="referral-next">Next: {codes}</p>')
    parts.append("</div>")
    return "".join(parts)


def network_html(network) -> str:
    """The display of a :class:`~referral.ReferralNetwork`: its ``summary()``."""
    summary: pd.Series = network.summary()
    rows = [(name, value) for name, value in summary.items()]
    return result_html(
        "ReferralNetwork",
        rows,
        header=["", "value"],
        next_calls=[
            "referral.spread(net, trials=1000, seed=1)",
            "referral.search(net, trials=10, seed=1)",
            "referral.other_people_cost(net, seed=1)",
            "net.people_table()",
            "net.tie_table()",
        ],
    )


def spread_html(result) -> str:
    """The display of a :class:`~referral.SpreadResult`: its ``summary()``."""
    table = result.summary()
    rows = [
        (r.measure, r.estimate, r.se, interval(r.ci_low, r.ci_high))
        for r in table.itertuples(index=False)
    ]
    caption = f"{result.n_trials:,} trials from {len(result.sources):,} source(s)"
    return result_html(
        "SpreadResult",
        rows,
        header=["measure", "mean", "se", "95% interval"],
        caption=caption,
        next_calls=[
            "result.by_hop()",
            "referral.dropoff(result)",
            "referral.gatekeepers(net, result)",
            "referral.weak_tie_share(result)",
            "referral.plot.plot_reach(result)",
        ],
    )


def search_html(result) -> str:
    """The display of a :class:`~referral.SearchResult`: its ``summary()``."""
    table = result.summary()
    rows = [
        (r.measure, r.estimate, r.se, interval(r.ci_low, r.ci_high), r.n)
        for r in table.itertuples(index=False)
    ]
    caption = f"{result.n_chains:,} chains, {result.n_completed:,} completed"
    return result_html(
        "SearchResult",
        rows,
        header=["measure", "estimate", "se", "95% interval", "n"],
        caption=caption,
        next_calls=[
            "result.corrected_lengths()",
            "result.chains()",
            "result.by_step()",
            "referral.plot.plot_chain_lengths(result)",
            "referral.plot.plot_attrition(result)",
        ],
    )


def cost_html(cost) -> str:
    """The display of an :class:`~referral.OtherPeopleCost`: its ``table()``."""
    table = cost.table()
    rows = [
        (
            r.scenario,
            r.multiplier,
            r.mean_activity_estimate,
            r.people_reached_estimate,
            interval(r.people_reached_ci_low, r.people_reached_ci_high),
            r.candidates_reached_estimate,
        )
        for r in table.itertuples(index=False)
    ]
    return result_html(
        "OtherPeopleCost",
        rows,
        header=[
            "scenario",
            "activity multiplier",
            "mean activity",
            "people reached",
            ci_words(table_level(table), "interval"),
            "candidates reached",
        ],
        sentence=cost.sentence(),
        next_calls=[
            "cost.table()",
            "cost.curve",
            "referral.plot.plot_threshold(cost)",
        ],
    )
