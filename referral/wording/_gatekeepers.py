"""The gatekeeper table of :func:`referral.gatekeepers` in plain words.

:func:`gatekeeper_sentence` builds its sentences only from the table's
columns, rounding every number to the first significant digit of its
standard error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from referral._core.names import join_names, names_column
from referral._core.renamed import upgrade_columns
from referral._core.stats import ci_words, table_level
from referral._core.validation import check_table

__all__ = ["gatekeeper_sentence"]

_SENTENCE_COLUMNS = (
    "person",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "in_top_group",
    "top_group_size",
    "compared",
    "measure",
)


_UNITS = {
    "candidates_reached": ("candidate", "candidates"),
    "people_reached": ("person", "people"),
}


def _approx(value: float, se: float) -> str:
    """``value`` rounded to the first significant digit of its standard
    error (no invented precision); exact values keep up to two decimals."""
    if not np.isfinite(value):
        return "an unknown number of"
    if np.isfinite(se) and se > 0:
        decimals = int(np.clip(-np.floor(np.log10(se)), -6, 3))
    else:
        decimals = 2
    rounded = round(float(value), decimals)
    text = f"{rounded:,.{max(decimals, 0)}f}"
    if se == 0 and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # "-0.0" is "0.0"
    return text


def _names(labels, more: int = 0, limit: int = 5) -> str:
    """The first ``limit`` labels and a count of the rest (see
    :func:`referral._core.names.join_names`)."""
    return join_names(labels, more=more, limit=limit)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def gatekeeper_sentence(table: pd.DataFrame) -> str:
    """The gatekeeper finding in one or two sentences, from the table.

    Names a top group when the data cannot separate its members, instead of
    a false order; names a single person only when the trials set them
    apart from everyone else compared; says so when no loss can be told
    apart from none. Numbers are rounded to the first significant digit of
    their standard error.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`gatekeepers` (its ``person``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``in_top_group``,
        ``top_group_size``, ``compared`` and ``measure`` columns; optionally
        ``loss_share``, ``rank`` and ``level``, the interval's level named in
        the sentence, 95% when absent).

    Returns
    -------
    str
        The sentence, built from the table's numbers only.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If a column is missing.

    See Also
    --------
    gatekeepers : The table.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx
    >>> G = nx.barbell_graph(5, 0)   # cliques 0-4 and 5-9 joined by 4-5
    >>> net = from_networkx(G, strength=1.0, activity=0.8, recruiters=[4],
    ...                     candidates=range(6, 10))
    >>> import textwrap
    >>> from referral import gatekeepers
    >>> table = gatekeepers(net, top=3, trials=200, seed=1)
    >>> print(textwrap.fill(gatekeeper_sentence(table), 72))
    The clear top gatekeeper is 5: if they did not pass openings on, an
    opening would reach about 3.2 fewer candidates on average (95% CI 3.0 to
    3.5; 100% of today's reach), and the trials set them apart from the
    other 8 people compared.
    """
    table = upgrade_columns(table, "gatekeepers", where="gatekeeper_sentence's table")
    check_table(
        table,
        _SENTENCE_COLUMNS,
        function="gatekeeper_sentence",
        source="referral.analysis.gatekeepers",
    )
    if len(table) == 0:
        return "No gatekeepers to name: no one besides the sources was compared."
    if "rank" in table.columns:
        table = table.sort_values("rank", kind="stable")
    table = table.assign(_shown=names_column(table))
    first = table.iloc[0]
    singular, plural = _UNITS.get(str(first["measure"]), ("unit of reach", "units"))
    compared = int(first["compared"])
    leader = str(first["_shown"])
    if "," in leader or ";" in leader:
        leader = join_names([leader])  # quoted
    loss, se = float(first["estimate"]), float(first["se"])

    def fewer(value, error, *, low=None):
        text = _approx(value, error)
        if low is not None:  # a range is plural: "0.5 to 1 fewer candidates"
            return f"{_approx(low, error)} to {text} fewer {plural}"
        return f"{text} fewer {singular if text == '1' else plural}"

    interval = (
        f"{ci_words(table_level(first))} {_approx(first['ci_low'], se)} to "
        f"{_approx(first['ci_high'], se)}"
    )
    if loss <= 0 and se == 0:
        return (
            f"No one compared is a gatekeeper: if any one of the "
            f"{_count(compared, 'person', 'people')} compared did not pass "
            f"openings on, the openings would reach no fewer {plural} on average."
        )
    if loss <= 0:
        return (
            f"No clear gatekeeper: none of the "
            f"{_count(compared, 'person', 'people')} compared has an estimated "
            f"loss above zero (the largest is {leader}'s, about "
            f"{_approx(loss, se)} {plural} per opening; {interval})."
        )
    if not first["ci_low"] > 0:
        return (
            f"No clear gatekeeper: the largest estimated loss, about "
            f"{fewer(loss, se)} per opening if {leader} did not pass openings on "
            f"({interval}), cannot be told apart from no loss among the "
            f"{_count(compared, 'person', 'people')} compared."
        )
    share = ""
    if "loss_share" in table.columns and np.isfinite(first["loss_share"]) and loss:
        share_se = se * float(first["loss_share"]) / loss
        percent = _approx(100 * first["loss_share"], 100 * share_se)
        share = f"; {percent}% of today's reach"
    if compared == 1:
        return (
            f"{leader} is the only person compared: if they did not pass openings "
            f"on, an opening would reach about {fewer(loss, se)} on average "
            f"({interval}{share})."
        )
    size = int(first["top_group_size"])
    others = compared - size
    rest = "person" if others == 1 else f"{others:,} people"
    apart = f"the trials set {{}} apart from the other {rest} compared"
    if size == 1:
        return (
            f"The clear top gatekeeper is {leader}: if they did not pass openings "
            f"on, an opening would reach about {fewer(loss, se)} on average "
            f"({interval}{share}), and " + apart.format("them") + "."
        )
    from referral._core.csv import flag_values

    group = table[flag_values(table["in_top_group"], "in_top_group")]
    shown = len(group)
    names = _names(group["_shown"], more=size - shown)
    coarse = float(group["se"].max())
    high = float(group["estimate"].max())
    low = float(group["estimate"].min())
    if _approx(low, coarse) == _approx(high, coarse):
        cost = f"about {fewer(high, coarse)}"
    else:
        cost = f"about {fewer(high, coarse, low=low)}"
    if shown == size:
        who = "any one of them"
        missing = ""
    else:
        # a table saved with fewer rows than the group: say so
        who = f"any one of the {shown:,} in the table"
        rest = "one was" if size - shown == 1 else f"{size - shown:,} were"
        missing = (
            f" (the table holds {shown:,} of the {size:,}; the other {rest} "
            f"compared but not kept: run gatekeepers again with top={size} to "
            f"see them all)"
        )
    if others == 0:
        opening = (
            f"The data cannot separate any of the "
            f"{_count(compared, 'person', 'people')} compared ({names}){missing}"
        )
        closing = "."
    else:
        group_of = f"the top {size:,} people" if size > 2 else "the top two"
        opening = f"The data cannot separate {group_of} ({names}){missing}"
        closing = "; " + apart.format("them") + "."
    return (
        f"{opening}: if {who} did not pass openings on, an opening would reach "
        f"{cost} on average{closing}"
    )
