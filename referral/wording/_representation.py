"""Who gets reached, in plain words, built only from the tables.

:func:`representation_sentences` reads the table of
:func:`referral.analysis.representation`; :func:`homophily_sentence` reads
the table of :func:`referral.analysis.homophily`. Every number in a sentence
is a number of that table (shares as percentages, ratios to two decimals),
and a group whose interval holds its pool share is said to be one the trials
cannot tell apart from its fair share, never ranked.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from referral._core.validation import require_columns
from referral.analysis._representation import REPRESENTATION_COLUMNS, UNKNOWN_GROUP

__all__ = [
    "representation_sentences",
    "homophily_sentence",
    "fmt_percent",
    "verdict",
]

#: hops reached in fewer kept trials than this are left out of the hop sentence
MIN_TRIALS = 10

_POOL_WORDS = {
    "network": "the whole network",
    "candidates": "the candidates",
    "given": "the pool",
}


def fmt_percent(p) -> str:
    """A share as a percentage: one decimal from 1% on, two figures below.

    Parameters
    ----------
    p : float
        A share.

    Returns
    -------
    str
        ``"12.3%"``; ``"0.45%"`` or ``"0.0091%"`` below 1%; ``">99.9%"``
        just below 100%; ``"n/a"`` for NaN. Never an impossible 0% or 100%.

    Examples
    --------
    >>> [fmt_percent(p) for p in [0.0, 0.000091, 0.0045, 0.1234, 0.9996, 1.0]]
    ['0.0%', '0.0091%', '0.45%', '12.3%', '>99.9%', '100.0%']
    """
    p = float(p)
    if not math.isfinite(p):
        return "n/a"
    if 0 < p < 0.01:
        return f"{100 * p:.2g}%"
    if 0.9995 < p < 1:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def verdict(ratio_row) -> str:
    """``"less"``, ``"more"`` or ``"unclear"``: the ratio's interval against 1.

    Parameters
    ----------
    ratio_row : Mapping
        A ``measure == "ratio"`` row of the representation table.

    Returns
    -------
    str
        ``"less"`` if the whole interval is below 1, ``"more"`` if above,
        ``"never"`` if the group was not reached in any trial, ``"none"`` if
        nobody in the pool was, else ``"unclear"``.

    Examples
    --------
    >>> verdict({"estimate": 0.5, "se": 0.1, "ci_low": 0.3, "ci_high": 0.7})
    'less'
    """
    est, lo, hi = ratio_row["estimate"], ratio_row["ci_low"], ratio_row["ci_high"]
    if not math.isfinite(est):
        return "none"
    if est == 0 and ratio_row["se"] == 0:
        return "never"
    if hi < 1:
        return "less"
    if lo > 1:
        return "more"
    return "unclear"


def _name(by, group) -> str:
    if isinstance(group, str) and group == UNKNOWN_GROUP:
        return f"people with no {by} recorded"
    return f"{by} {group}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clip(x: float) -> float:
    return min(max(float(x), 0.0), 1.0)


def representation_sentences(
    table: pd.DataFrame, *, among: str = "people", hops: bool = True
) -> list[str]:
    """Say who the opening reaches, group by group, from the table.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`referral.analysis.representation`.
    among : {"people", "candidates"}, default "people"
        Which reach to speak of.
    hops : bool, default True
        Add, for each group reached less than its share, the first hop at
        which the trials show it behind (among the hops reached in at least
        10 of the kept trials).

    Returns
    -------
    list of str
        A headline counting the groups reached less than their share, more,
        and those the trials cannot tell from a fair share; then one sentence
        per group, lowest ratio first. Shares come from the
        ``share_reached`` rows (intervals clipped to 0-100%), ratios from
        the ``ratio`` rows.

    Raises
    ------
    ValueError
        If the table lacks a column of the representation table, or has no
        rows for ``among``.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx, spread
    >>> from referral.analysis import representation
    >>> G = nx.star_graph(4)
    >>> nx.set_node_attributes(G, dict(enumerate(["x", "a", "a", "a", "b"])),
    ...                        "team")
    >>> net = from_networkx(G, strength=1.0, activity=1.0, transmission=1.0,
    ...                     recruiters=[0])
    >>> table = representation(spread(net, trials=20, seed=1), by="team")
    >>> for s in representation_sentences(table):
    ...     print(s)
    Of the 2 groups by team, 0 are reached less than their share of the whole network, 0 more, and for 2 the trials cannot tell.
    The trials cannot tell team a's share of the people reached, 75.0% (likely between 75.0% and 75.0%), from its share of the whole network, 75.0%.
    The trials cannot tell team b's share of the people reached, 25.0% (likely between 25.0% and 25.0%), from its share of the whole network, 25.0%.
    """  # noqa: E501
    require_columns(
        table,
        REPRESENTATION_COLUMNS,
        "representation_sentences needs a table from referral.analysis."
        "representation; it",
    )
    overall = table[table["hop"].isna() & (table["among"] == among)]
    if overall.empty:
        raise ValueError(
            f"representation_sentences: the table has no rows for among={among!r}; "
            f"it has {sorted(set(table['among']))}."
        )
    by = overall["by"].iloc[0]
    pool = _POOL_WORDS.get(overall["pool"].iloc[0], "the pool")
    noun = "the people reached" if among == "people" else "the candidates reached"
    share = overall[overall["measure"] == "share_reached"].set_index("group")
    ratio = overall[overall["measure"] == "ratio"].set_index("group")
    verdicts = {g: verdict(ratio.loc[g]) for g in ratio.index}
    counts = {v: sum(1 for x in verdicts.values() if x == v) for v in verdicts.values()}
    less = counts.get("less", 0) + counts.get("never", 0)
    more = counts.get("more", 0)
    unclear = counts.get("unclear", 0)
    sentences = []
    if counts.get("none", 0):
        n = int(ratio["n"].iloc[0])
        return [f"Nobody in {pool} was reached in {n} trials, so there are no shares."]
    verb, whose = ("is", "its") if less == 1 else ("are", "their")
    sentences.append(
        f"Of the {len(ratio)} groups by {by}, {less} {verb} reached less than "
        f"{whose} share of {pool}, {more} more, and for {unclear} the trials "
        f"cannot tell."
    )
    by_hop = table[table["hop"].notna() & (table["among"] == among)]
    order = ratio["estimate"].sort_values(kind="stable").index
    for group in order:
        s, r, v = share.loc[group], ratio.loc[group], verdicts[group]
        name = _name(by, group)
        est, lo, hi = (
            fmt_percent(s["estimate"]),
            fmt_percent(_clip(s["ci_low"])),
            fmt_percent(_clip(s["ci_high"])),
        )
        p = fmt_percent(s["pool_share"])
        if v == "never":
            sentences.append(
                f"{_cap(name)} was never reached in {int(s['n'])} trials, against "
                f"{p} of {pool}."
            )
            continue
        if v == "unclear":
            sentences.append(
                f"The trials cannot tell {name}'s share of {noun}, {est} (likely "
                f"between {lo} and {hi}), from its share of {pool}, {p}."
            )
            continue
        word = "less" if v == "less" else "more"
        sentences.append(
            f"{_cap(name)} is reached {word} than its share: {est} of {noun} "
            f"(likely between {lo} and {hi}) against {p} of {pool}, about "
            f"{r['estimate']:.2f} times its share."
        )
        if hops and v == "less" and not by_hop.empty:
            rows = by_hop[(by_hop["group"] == group) & (by_hop["measure"] == "ratio")]
            rows = rows[rows["trials_with_reach"] >= MIN_TRIALS]
            behind = rows[rows["ci_high"] < 1].sort_values("hop")
            if not behind.empty:
                first = behind.iloc[0]
                h = int(first["hop"])
                at = by_hop[
                    (by_hop["group"] == group)
                    & (by_hop["measure"] == "share_reached")
                    & (by_hop["hop"] == h)
                ].iloc[0]
                if at["estimate"] == 0 and at["se"] == 0:
                    sentences.append(
                        f"No one in it was reached at hop {h} in the "
                        f"{int(at['n'])} trials looked at hop by hop."
                    )
                else:
                    sentences.append(
                        f"It first falls behind at hop {h}: "
                        f"{fmt_percent(at['estimate'])} of those reached at that "
                        f"hop against {p}."
                    )
    return sentences


def homophily_sentence(table: pd.DataFrame) -> str:
    """Say how much ties stay within groups, from :func:`homophily`'s table.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`referral.analysis.homophily`.

    Returns
    -------
    str
        The share of ties within the same group against random mixing, from
        the ``"all"`` row.

    Raises
    ------
    ValueError
        If the table lacks a column, or its ``"all"`` row.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> from referral.analysis import homophily
    >>> G = nx.Graph([(0, 1), (2, 3), (1, 2)])
    >>> nx.set_node_attributes(G, dict(enumerate("aabb")), "team")
    >>> net = from_networkx(G, strength=1.0, activity=0.5)
    >>> homophily_sentence(homophily(net, "team"))
    'Ties stay within the same team 66.7% of the time, against 50.0% if people mixed at random (1.33 times as often).'
    """  # noqa: E501
    require_columns(
        table,
        ["by", "group", "within_share", "random_share", "times_random"],
        "homophily_sentence needs a table from referral.analysis.homophily; it",
    )
    rows = table[table["group"].astype(str) == "all"]
    if rows.empty:
        raise ValueError("homophily_sentence: the table has no 'all' row.")
    row = rows.iloc[-1]
    times = row["times_random"]
    tail = f" ({times:.2f} times as often)" if np.isfinite(times) else ""
    return (
        f"Ties stay within the same {row['by']} {fmt_percent(row['within_share'])} "
        f"of the time, against {fmt_percent(row['random_share'])} if people mixed "
        f"at random{tail}."
    )
