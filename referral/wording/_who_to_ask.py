"""Plain-language findings of an :func:`referral.whom_to_ask.ambassadors` table.

Every sentence is built from the table's columns (see the functions).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from referral._core.csv import flag_values
from referral._core.names import join_names, names_column
from referral._core.renamed import upgrade_columns
from referral._core.stats import (
    ci_words,
    missed_by_samples,
    rule_of_three,
    table_level,
    with_ambassadors_intervals,
    z_for,
)
from referral._core.validation import check_table
from referral.wording._sentences import fmt_share

__all__ = ["guarantee_sentence", "percent", "who_to_ask_sentences"]


def _chance(probability: float) -> str:
    """``1 - probability`` as "1 in N" (N rounded to 2 significant figures
    from 100 on, so no false precision), or "none" for probability 1."""
    fail = 1.0 - float(probability)
    if not fail > 0:
        return "none"
    n = 1.0 / fail
    if n >= 100:
        n = float(f"{n:.2g}")
    return f"about 1 in {n:,.0f}"


def _share_floor(ratio: float) -> str:
    """A guaranteed share in words, rounded down to a tenth: "half", "40%"."""
    tenth = math.floor(round(10 * ratio, 9)) / 10
    return "half" if tenth == 0.5 else f"{100 * tenth:.0f}%"


def _by_deadline(table: pd.DataFrame) -> str:
    """`` by the 14-day deadline`` for a table with a ``deadline`` column
    (an :func:`ambassadors` run with a deadline), else ``""``."""
    if "deadline" not in table.columns:
        return ""
    days = float(table["deadline"].iloc[-1])
    if not np.isfinite(days):
        return ""
    return f" by the {days:g}-day deadline"


def guarantee_sentence(table: pd.DataFrame) -> str:
    """What the selection method guarantees for an :func:`ambassadors` table.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors` (its ``rank``,
        ``guarantee_ratio``, ``guarantee_probability``, ``n_targets`` and,
        without a guarantee, ``no_guarantee_because`` columns are used; with
        a ``deadline`` column, the guarantee is said for targets reached by
        the deadline: it holds there as without one, since reaching targets
        by a deadline is still a matter of covering samples).

    Returns
    -------
    str
        The guarantee in plain words, from the table's last row: the share
        of the best possible reach, rounded down to a tenth (so "at least"
        stays true), and the chance that it fails as "about 1 in N".

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"rank": [1, 2], "guarantee_ratio": [0.532] * 2,
    ...                       "guarantee_probability": [0.999] * 2,
    ...                       "n_targets": [40, 40]})
    >>> import textwrap
    >>> print(textwrap.fill(guarantee_sentence(table), 70))
    The method guarantees that these 2 people reach at least half as many
    targets as the best possible 2 people would (the chance that this
    fails is about 1 in 1,000); in practice its choice is usually at or
    near the best.
    """
    k = int(table["rank"].max())
    ratio = float(table["guarantee_ratio"].iloc[-1])
    probability = float(table["guarantee_probability"].iloc[-1])
    who = "this person" if k == 1 else f"these {k} people"
    best = "best possible person" if k == 1 else f"best possible {k} people"
    if not np.isfinite(ratio):
        reasons = str(table["no_guarantee_because"].iloc[-1]).split(", ")
        caps = [r for r in reasons if r in ("max_samples", "max_members")]
        why = []
        if caps:
            why.append(
                f"the run reached its size limit ({' and '.join(caps)}) before "
                f"the method could vouch for its choice"
            )
        if "no lower bound" in reasons:
            why.append(
                "no one who could be asked is a target, and the run found too "
                "few targets reached to vouch for its choice"
            )
        if "balance" in reasons:
            why.append(
                "the choice keeps each group's reach in balance, and IMM's bound "
                "does not cover a choice made under that rule"
            )
        if not why:
            why.append("the run stopped before the method could vouch for its choice")
        return (
            f"No guarantee: {' and '.join(why)}, so {who} may fall short of the {best}."
        )
    added = "in_addition" in table.columns and bool(table["in_addition"].iloc[-1])
    deadline = _by_deadline(table)
    return (
        f"The method guarantees that {who} "
        f"{'reaches' if k == 1 else 'reach'} at least {_share_floor(ratio)} as "
        f"many {'more ' if added else ''}targets{deadline} as the {best} would"
        f"{' by then' if deadline else ''} (the "
        f"chance that this fails is "
        f"{_chance(probability)}); in practice its choice is usually at or near "
        f"the best."
    )


#: the columns the sentences read
_COLUMNS = (
    "rank",
    "person",
    "degree",
    "target",
    "gain_estimate",
    "gain_se",
    "reach_estimate",
    "reach_se",
    "degree_person",
    "degree_person_degree",
    "degree_tied",
    "degree_reach_estimate",
    "difference_estimate",
    "difference_se",
    "spread_reach_estimate",
    "spread_reach_se",
    "n_targets",
    "check_samples",
    "check_trials",
    "n_eligible",
    "n_people",
    "guarantee_ratio",
    "guarantee_probability",
    "no_guarantee_because",
)


def _check_table(table) -> None:
    check_table(
        table, _COLUMNS, function="who_to_ask_sentences", source="referral.ambassadors"
    )
    if len(table) == 0:
        raise ValueError("who_to_ask_sentences needs at least one row. Got none.")


def _decimals(half: float, low: float | None = None) -> int:
    """Decimals that show an interval of half-width ``half`` to its first
    significant digit (at least one), and enough that a positive lower bound
    ``low`` does not print as 0."""
    digits = 1
    if np.isfinite(half) and half > 0:
        digits = int(np.clip(-np.floor(np.log10(half)), 1, 4))
    if low is not None and np.isfinite(low) and low > 0:
        while round(low, digits) == 0 and digits < 6:
            digits += 1
    return digits


class _Level:
    """A table's confidence level: its normal quantile, its rule-of-three
    constant (3 at 95%, ``-ln(1 - level)`` otherwise) and its words."""

    def __init__(self, level: float):
        self.level = level
        self.z = z_for(level, function="who_to_ask_sentences")
        self.three = rule_of_three(level)
        self.ci = ci_words(level)


_L95 = _Level(0.95)


def _digits(value: float, se: float, low: float, at: _Level = _L95) -> int:
    """Decimals of a value with standard error ``se`` and lower bound
    ``low``: see :func:`_decimals`."""
    return _decimals(at.z * se, low if value > 0 else None)


def _estimate(
    value: float,
    se: float,
    low: float,
    high: float,
    sign: str = "",
    *,
    at: _Level = _L95,
) -> tuple[str, str]:
    """``value`` and its interval ``[low, high]`` (the table's, at ``at``),
    printed to the same decimals: the first significant digit of the
    half-width ``z se``, and enough that a positive lower bound does not
    print as 0."""
    digits = _digits(value, se, low, at)
    return (
        f"{value:{sign}.{digits}f}",
        f"{at.ci} {low:{sign}.{digits}f} to {high:{sign}.{digits}f}",
    )


def _up(x: float, digits: int) -> float:
    return math.ceil(round(x * 10**digits, 9)) / 10**digits


def _bound_text(low: float, high: float, digits: int, at: _Level = _L95) -> str:
    """A rule-of-three interval, rounded outwards so the printed bounds stay
    bounds."""
    low = math.floor(round(low * 10**digits, 9)) / 10**digits
    return f"{at.ci} {low:.{digits}f} to {_up(high, digits):.{digits}f}"


def _separated(size: float, se: float, low: float, at: _Level = _L95) -> bool:
    """A direction is claimed only when the interval of the difference's
    size (``low`` its lower end) excludes 0 as printed."""
    if se == 0:
        return size > 0
    if low <= 0:
        return False
    digits = _decimals(at.z * se, low)
    return round(low, digits) > 0


def _names(labels) -> str:
    return join_names(labels)


def _who_adds_what(table: pd.DataFrame, at: _Level = _L95) -> list[str]:
    """Who among the chosen adds nothing measurable, and which targets
    among them add, as far as the samples show, only themselves."""
    lines = []
    later = table.iloc[1:]
    shown = pd.Series(names_column(table), index=table.index)
    idle_rows = later["gain_ci_low"] <= 0
    idle = shown[later.index[idle_rows]]
    if len(idle):
        verb = "adds" if len(idle) == 1 else "add"
        lines.append(
            f"The check does not show that {_names(idle)} {verb} anyone to the "
            f"people picked before (they may add no one): asking fewer people "
            f"may do as well."
        )
    # targets among the chosen who add, as far as the samples show, only
    # themselves (a target who posts counts as reached). ``gain_estimate`` is what a
    # person adds to the people picked before, not their own reach, so only
    # a person with no one to tell is said to reach no one else.
    is_idle = pd.Series(False, index=table.index)
    is_idle[idle.index] = True
    chosen_target = flag_values(table["target"], "target") & ~is_idle
    self_only = chosen_target & (table["gain_ci_low"] <= 1.0)
    alone = shown[self_only & (table["degree"] == 0)]
    others = shown[self_only & (table["degree"] > 0)]
    if len(alone):
        one = len(alone) == 1
        lines.append(
            f"{_names(alone)} {'is a target' if one else 'are targets'} with no "
            f"one to tell: posting counts "
            f"{'that person' if one else 'them'} as reached and reaches no one "
            f"else."
        )
    if len(others):
        one = len(others) == 1
        lines.append(
            f"{_names(others)} {'is a target' if one else 'are targets'} who "
            f"{'adds' if one else 'add'} no one measurable beyond "
            f"{'themselves' if not one else 'that person'} to the people "
            f"picked before (a target who posts counts as reached)."
        )
    return lines


def _tie_note(table: pd.DataFrame) -> str:
    """When people of equal degree were cut by id to make the group."""
    last = table.iloc[-1]
    degree = int(last["degree_person_degree"])
    inside = int((table["degree_person_degree"] == degree).sum())
    tied = int(last["degree_tied"])
    if tied <= inside:
        return ""
    return (
        f"; {inside} of the {tied} people with {degree} "
        f"{'contact' if degree == 1 else 'contacts'}, taken in the network's order"
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

    Every number comes from the table: the last row (all ``k`` people
    asked), and the rows of the people who add nothing measurable or who are
    targets themselves. Intervals are normal intervals from the table's
    standard errors at its ``level`` (95% for tables without the column),
    printed to the first significant digit of their half-width (and never
    so coarsely that a positive bound prints as 0).
    The comparison with the highest-degree people says the evidence does not
    separate the two choices when the paired difference's interval holds 0,
    and says when people of equal degree were cut by id to make that group.
    Where the samples show no spread at all (every fresh sample holds a
    chosen person, or none tells the two groups apart), the standard error
    is 0 and the interval is the rule of three's bound on what
    ``check_samples`` samples could miss (``-ln(1 - level)`` in place of
    3 at levels other than 95%), not a zero-width one.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`ambassadors`.

    Returns
    -------
    list of str
        The headline; who among the chosen adds nothing measurable (gain
        interval holding 0) and who is a target themselves, if any; the
        comparison with the highest-degree people; the forward check (if
        run); the guarantee.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral.whom_to_ask._ambassadors import ambassadors
    >>> from referral.network import from_networkx
    >>> net = from_networkx(nx.star_graph(4), strength=1.0, activity=1.0,
    ...                     candidates=range(1, 5))
    >>> import textwrap
    >>> for line in who_to_ask_sentences(ambassadors(net, 1, seed=1,
    ...                                              check_trials=20)):
    ...     print(textwrap.fill(line, 70))
    Ask 0: expected to reach all 4 targets (95% CI 3.993 to 4.000).
    The highest-degree person (0) is the same person.
    A forward simulation of 0 posting gives 4.0 targets (95% CI 3.4 to
    4.0).
    The method guarantees that this person reaches at least half as many
    targets as the best possible person would (the chance that this fails
    is about 1 in 5); in practice its choice is usually at or near the
    best.
    """
    table = upgrade_columns(table, "ambassadors", where="who_to_ask_sentences' table")
    _check_table(table)
    table = with_ambassadors_intervals(table)
    # rows keyed on rank, not on their order (a table sorted in a
    # spreadsheet reads the same); display names where the table has them
    table = table.sort_values("rank", kind="stable")
    at = _Level(table_level(table))
    last = table.iloc[-1]
    k = int(last["rank"])
    n_targets = int(last["n_targets"])
    names = join_names(names_column(table))
    degree_names = join_names(names_column(table, "degree_person"))
    unit = "target" if n_targets == 1 else "targets"

    reach, reach_se = float(last["reach_estimate"]), float(last["reach_se"])
    low, high = float(last["reach_ci_low"]), float(last["reach_ci_high"])
    samples = int(last["check_samples"])
    # no spread between samples (every one, or none, holds a chosen person):
    # the interval is the rule of three's bound on what the samples could
    # have missed
    missed = missed_by_samples(n_targets, samples, at.level)
    if reach_se == 0 and reach in (0.0, float(n_targets)):
        digits = _decimals(missed)
        interval = _bound_text(low, high, digits, at)
        shown = f"{reach:.{digits}f}"
    else:
        shown, interval = _estimate(reach, reach_se, low, high, at=at)
    added = bool(last["in_addition"]) if "in_addition" in last else False
    more = " more" if added else ""
    deadline = _by_deadline(table)
    if added:
        posted, posted_interval = _estimate(
            float(last["posted_reach_estimate"]),
            float(last["posted_reach_se"]),
            float(last["posted_reach_ci_low"]),
            float(last["posted_reach_ci_high"]),
            at=at,
        )
        one = int(last["recruiters_left_out"]) <= 1
        lines = [
            f"In addition to the {posted} of {n_targets:,} {unit} "
            f"{'the recruiter reaches' if one else 'the recruiters reach'} by "
            f"posting ({posted_interval}), ask {names}: expected to reach "
            f"{shown} more{deadline} ({interval})."
        ]
    elif float(shown) == n_targets:
        amount = f"all {n_targets:,} {unit}" if n_targets > 1 else "the target"
        lines = [f"Ask {names}: expected to reach {amount}{deadline} ({interval})."]
    else:
        lines = [
            f"Ask {names}: expected to reach {shown} of {n_targets:,} {unit}"
            f"{deadline} ({fmt_share(reach / n_targets)}; {interval})."
        ]
    left_out = int(last["recruiters_left_out"]) if "recruiters_left_out" in last else 0
    if left_out and not added:
        lines[0] += (
            " The recruiter was not considered: they post already."
            if left_out == 1
            else f" The {left_out:,} recruiters were not considered: they post already."
        )
    lines += _who_adds_what(table, at)
    group = "The highest-degree person" if k == 1 else f"The {k} highest-degree people"
    if int(last["n_eligible"]) < int(last["n_people"]):
        group += " who could be asked"
    if set(table["person"]) == set(table["degree_person"]):
        same = "is the same person" if k == 1 else "are the same people"
        lines.append(f"{group} ({degree_names}) {same}.")
    else:
        diff, se = float(last["difference_estimate"]), float(last["difference_se"])
        low, high = float(last["difference_ci_low"]), float(last["difference_ci_high"])
        # the interval of the difference's size |diff|
        size_low, size_high = (low, high) if diff > 0 else (-high, -low)
        verb = "reaches" if k == 1 else "reach"
        value = float(last["degree_reach_estimate"])
        # to the decimals of the difference, the comparison it stands beside
        degree_reach = f"{value:.{_digits(value, se, value - at.z * se, at)}f}"
        base = (
            f"{group} ({degree_names}{_tie_note(table)}) {verb} {degree_reach}{more}"
            f"{deadline}"
        )
        if se == 0 and diff == 0:
            lines.append(
                f"{base}; none of the {samples:,} checks tells the two choices "
                f"apart, so the difference is below about "
                f"{_up(missed, _decimals(missed)):.{_decimals(missed)}f} targets "
                f"and could be 0."
            )
        elif not _separated(abs(diff), se, size_low, at):
            shown, interval = _estimate(diff, se, low, high, "+", at=at)
            lines.append(
                f"{base}; the evidence does not separate the two choices "
                f"(difference {shown}, {interval}; positive favours the people "
                f"chosen)."
            )
        else:
            word = "fewer" if diff > 0 else "more"
            shown, interval = _estimate(abs(diff), se, size_low, size_high, at=at)
            if se == 0:  # every sample separates them: the rule of three
                digits = _decimals(missed)
                shown = f"{abs(diff):.{digits}f}"
                interval = _bound_text(size_low, size_high, digits, at)
            lines.append(f"{base}: {shown} {word} than the people chosen ({interval}).")
    if np.isfinite(last["spread_reach_estimate"]):
        value = float(last["spread_reach_estimate"])
        spread_se = float(last["spread_reach_se"])
        low = float(last["spread_reach_ci_low"])
        high = float(last["spread_reach_ci_high"])
        trials = int(last["check_trials"])
        if spread_se == 0 and trials > 0:
            # every trial reached the same number c: the interval is the rule
            # of three's (a trial differs with probability at most 3 / trials
            # at 95%, by at most c below or n_targets - c above)
            digits = _decimals(max(high - low, 1e-12) / 2)
            shown = f"{value:.{digits}f}"
            interval = _bound_text(low, high, digits, at)
        else:
            shown, interval = _estimate(value, spread_se, low, high, at=at)
        posters = (
            "the recruiter"
            if int(last["recruiters_left_out"]) <= 1
            else "the recruiters"
        )
        who = f"{posters} and {names}" if added else names
        lines.append(
            f"A forward simulation of {who} posting gives {shown}{more} "
            f"{'target' if shown == '1' else 'targets'}"
            f"{f' than {posters} alone' if added else ''}{deadline} ({interval})."
        )
    lines.append(guarantee_sentence(table))
    return lines
