"""Plain-language findings of an :func:`referral.ambassadors.ambassadors` table.

Every sentence is built from the table's columns (see the functions).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from referral._stats import Z95

__all__ = ["guarantee_sentence", "percent", "who_to_ask_sentences"]


def guarantee_sentence(table: pd.DataFrame) -> str:
    """What the IMM guarantee of an :func:`ambassadors` table means, in words.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors` (its ``rank``,
        ``guarantee_ratio``, ``guarantee_probability`` and ``n_targets``
        columns are used).

    Returns
    -------
    str
        The guarantee in words, from the table's last row.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2], "guarantee_ratio": [0.532] * 2,
    ...                       "guarantee_probability": [0.999] * 2,
    ...                       "n_targets": [40, 40]})
    >>> import textwrap
    >>> print(textwrap.fill(guarantee_sentence(table), 70))
    With probability at least 99.9%, these 2 people reach, in expectation,
    at least 53% of the targets that the best possible 2 people would
    reach.
    """
    k = int(table["rank"].max())
    ratio = float(table["guarantee_ratio"].iloc[-1])
    probability = float(table["guarantee_probability"].iloc[-1])
    who = "this person reaches" if k == 1 else f"these {k} people reach"
    best = "best possible person" if k == 1 else f"best possible {k} people"
    if not np.isfinite(ratio):
        return (
            f"No guarantee: the sample cap was reached before IMM's bound was "
            f"met, so {who.split(' reach')[0]} may fall short of the {best}."
        )
    return (
        f"With probability at least {percent(probability)}, {who}, in "
        f"expectation, at least {ratio:.0%} of the targets that the {best} "
        f"would reach."
    )


def percent(p):
    """``p`` as a percentage, rounded down (so "at least" stays true), with
    enough decimals to tell it from 100%."""
    gap = round(100.0 * (1.0 - p), 9)
    digits = 0 if gap >= 1 or gap <= 0 else min(4, math.ceil(-math.log10(gap)))
    value = math.floor(100 * p * 10**digits + 1e-9) / 10**digits
    return f"{value:.{digits}f}%"


def who_to_ask_sentences(table: pd.DataFrame) -> list[str]:
    """Plain-language findings of an :func:`ambassadors` table.

    Every number comes from the table's last row (all ``k`` people asked).
    Intervals are 95% normal intervals from the table's standard errors. The
    comparison with the highest-degree people says the evidence does not
    separate the two choices when the paired difference's interval holds 0.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors`.

    Returns
    -------
    list of str
        The headline, the comparison with the highest-degree people, the
        forward check (if run) and the guarantee.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.ambassadors import ambassadors
    >>> from referral.network import from_networkx
    >>> net = from_networkx(nx.star_graph(4), strength=1.0, activity=1.0,
    ...                     candidates=range(1, 5))
    >>> import textwrap
    >>> for line in who_to_ask_sentences(ambassadors(net, 1, seed=1,
    ...                                              check_trials=20)):
    ...     print(textwrap.fill(line, 70))
    Ask 0: expected to reach 4.0 of 4 targets (100%; 95% CI 4.0 to 4.0).
    The highest-degree person (0) is the same person.
    A forward simulation of 0 posting gives 4.0 targets (95% CI 4.0 to 4.0).
    With probability at least 80%, this person reaches, in expectation, at
    least 53% of the targets that the best possible person would reach.
    """
    last = table.iloc[-1]
    k = int(last["rank"])
    n_targets = int(last["n_targets"])
    names = ", ".join(str(x) for x in table["person"])
    degree_names = ", ".join(str(x) for x in table["degree_person"])
    unit = "target" if n_targets == 1 else "targets"

    def interval(value, se, sign=""):
        low, high = value - Z95 * se, value + Z95 * se
        return f"95% CI {low:{sign}.1f} to {high:{sign}.1f}"

    reach, reach_se = float(last["reach"]), float(last["reach_se"])
    lines = [
        f"Ask {names}: expected to reach {reach:.1f} of {n_targets} {unit} "
        f"({reach / n_targets:.0%}; {interval(reach, reach_se)})."
    ]
    group = "The highest-degree person" if k == 1 else f"The {k} highest-degree people"
    if set(table["person"]) == set(table["degree_person"]):
        same = "is the same person" if k == 1 else "are the same people"
        lines.append(f"{group} ({degree_names}) {same}.")
    else:
        diff, se = float(last["difference"]), float(last["difference_se"])
        verb = "reaches" if k == 1 else "reach"
        base = f"{group} ({degree_names}) {verb} {last['degree_reach']:.1f}"
        # a direction only when the interval as printed excludes 0 ("0.0 to
        # 2.8" does not)
        if round(abs(diff) - Z95 * se, 1) <= 0:
            lines.append(
                f"{base}; the evidence does not separate the two choices "
                f"(difference {diff:+.1f}, {interval(diff, se, '+')})."
            )
        elif diff > 0:
            lines.append(
                f"{base}: {diff:.1f} fewer than the people chosen "
                f"({interval(diff, se)})."
            )
        else:
            lines.append(
                f"{base}: {-diff:.1f} more than the people chosen "
                f"({interval(-diff, se)})."
            )
    if np.isfinite(last["spread_reach"]):
        value, se = float(last["spread_reach"]), float(last["spread_se"])
        lines.append(
            f"A forward simulation of {names} posting gives {value:.1f} "
            f"{unit} ({interval(value, se)})."
        )
    lines.append(guarantee_sentence(table))
    return lines
