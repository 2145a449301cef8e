"""Plain-words findings built only from tidy tables.

Every sentence the library or the report prints about reach, drop-off and
the threshold is built here from the tables that
:func:`referral.analysis.other_people_cost`, :func:`referral.analysis.dropoff`,
:meth:`referral.SpreadResult.summary` and :meth:`referral.SearchResult.summary`
return, and that ``referral demo``/``spread``/``search`` write as CSV. The
report rebuilds the same sentences from the saved files, so a number in a
sentence is always a number in a table, formatted by :func:`fmt_number` or
:func:`fmt_share`.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd

from referral._core.renamed import upgrade_columns
from referral._core.stats import ci_words, table_level

__all__ = [
    "fmt_number",
    "fmt_share",
    "fmt_mean",
    "count_of",
    "threshold_sentence",
    "reach_sentence",
    "dropoff_sentence",
    "cost_sentence",
    "search_sentence",
    "time_sentence",
]

#: below this share of openings reaching a sizeable part, openings "die out"
FEW = 0.02
#: from this share on, openings "take off" (the typical opening is sizeable)
MOST = 0.5


def fmt_number(x) -> str:
    """A count or mean as a reader sees it: three significant figures.

    Parameters
    ----------
    x : float
        The number.

    Returns
    -------
    str
        Thousands separated from 1,000 on, three significant figures below,
        ``"n/a"`` for NaN.

    Examples
    --------
    >>> [fmt_number(x) for x in [0.7412, 3.05, 16.0, 136.4, 4535.2]]
    ['0.741', '3.05', '16', '136', '4,535']
    """
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3g}"
    if "e" in text:
        text = f"{x:.0f}"
    return text


def fmt_share(p) -> str:
    """A share as a percentage that never rounds to an impossible 0% or 100%.

    Parameters
    ----------
    p : float
        A share in [0, 1].

    Returns
    -------
    str
        The share as a percentage.

    Examples
    --------
    >>> [fmt_share(p) for p in [0.0, 0.004, 0.0833, 0.996, 1.0]]
    ['0%', '0.4%', '8%', '>99%', '100%']
    """
    p = float(p)
    if not math.isfinite(p):
        return "n/a"
    if p == 0 or p == 1:
        return f"{100 * p:.0f}%"
    if p < 0.01:
        return f"{100 * p:.1f}%" if p >= 0.001 else "<0.1%"
    if p > 0.99:
        return ">99%"
    return f"{100 * p:.0f}%"


def fmt_mean(x) -> str:
    """A mean count for a terminal line: one decimal, never a false 0.

    Parameters
    ----------
    x : float
        The mean.

    Returns
    -------
    str
        One decimal (thousands separated), ``"fewer than 0.1"`` for a
        positive mean that would print as 0.0, ``"n/a"`` for NaN.

    Examples
    --------
    >>> [fmt_mean(x) for x in [0.0, 0.002, 0.046, 0.05, 17.54, 1234.5]]
    ['0', 'fewer than 0.1', 'fewer than 0.1', '0.1', '17.5', '1,234.5']
    """
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    if 0 < x < 0.05:
        return "fewer than 0.1"
    return f"{x:,.1f}"


def count_of(x, singular: str = "person", plural: str = "people") -> str:
    """A number with its noun, singular only when the number reads "1".

    Parameters
    ----------
    x : float
        The number.
    singular, plural : str
        The noun's two forms.

    Returns
    -------
    str
        The number with its unit.

    Examples
    --------
    >>> count_of(1.0), count_of(0.74), count_of(2, "candidate", "candidates")
    ('1 person', '0.74 people', '2 candidates')
    """
    text = fmt_number(x)
    return f"{text} {singular if text == '1' else plural}"


def _row(table: pd.DataFrame, scenario: str) -> pd.Series:
    rows = table.loc[table["scenario"] == scenario]
    if len(rows) != 1:
        raise ValueError(
            f"The cost table needs exactly one row with scenario {scenario!r}; "
            f"got {len(rows)}."
        )
    return rows.iloc[0]


def _times(m: float) -> str:
    return f"{m:.2f} times"


def _activity(a) -> str:
    """An activity (a probability): two decimals, three below 0.1."""
    a = float(a)
    return f"{a:.3f}" if a < 0.1 else f"{a:.2f}"


def _optional(row: pd.Series, column: str) -> float:
    """A column that tables saved by older versions lack (NaN then)."""
    return float(row[column]) if column in row.index else float("nan")


def _today_branching(today: pd.Series, curve: pd.DataFrame) -> tuple:
    """The simulated branching at today's activity and its interval,
    from the cost table (or, for older tables, the curve's row at 1)."""
    names = ("branching_estimate", "branching_ci_low", "branching_ci_high")
    values = tuple(_optional(today, c) for c in names)
    if math.isfinite(values[0]):
        return values
    rows = curve.loc[curve["multiplier"] == 1.0]
    if len(rows) == 0:
        return (float("nan"),) * 3
    return tuple(float(rows.iloc[0][c]) for c in names)


def threshold_sentence(cost: pd.DataFrame, curve: pd.DataFrame) -> str:
    """Do openings travel far today: one verdict, then its supporting figures.

    Parameters
    ----------
    cost : pandas.DataFrame
        :meth:`referral.analysis.OtherPeopleCost.table` (``cost.csv`` in a
        report folder).
    curve : pandas.DataFrame
        ``OtherPeopleCost.curve`` (``cost_curve.csv``).

    Returns
    -------
    str
        The verdict comes first and is decided by today's simulated reach:
        the share of openings that travel far (reach at least
        ``sizeable_people``, which is always more than the sources and
        their direct contacts), with its interval (at the table's ``level``,
        95% when the column is absent), and the typical
        (median) reach. "Take off" means most openings travel far, "die out"
        that fewer than 2% do. Then the supporting figures: the simulated
        onward reaches per person at today's activity with its interval,
        the simulated tipping point with its interval, and the estimate of
        a formula for large networks, labelled as one. Where a supporting
        figure points the other way, the sentence says that it goes by the
        reach today and why. Networks with no tipping point get their own
        sentence: only the recruiter; openings that cannot leave the
        recruiter; everyone a direct contact of the recruiter; no one
        passing openings on (activity 0); no cycles (a tree).

    Raises
    ------
    ValueError
        If a table lacks a row or column the sentence needs.

    Examples
    --------
    >>> import networkx as nx
    >>> from referral import from_networkx, other_people_cost
    >>> net = from_networkx(nx.balanced_tree(3, 4), strength=1.0, activity=0.3,
    ...                     recruiters=[0])
    >>> cost = other_people_cost(net, trials=200, seed=1)
    >>> threshold_sentence(cost.table(), cost.curve).startswith(
    ...     "This network has no cycles")
    True
    """
    cost = upgrade_columns(cost, "other_people", where="threshold_sentence's cost")
    curve = upgrade_columns(curve, "other_people", where="threshold_sentence's curve")
    f = _threshold_facts(cost)
    text = _no_tipping_point(f, curve)
    if text is not None:
        return text
    verdict, text = _verdict(f)
    text += _ceiling(f)
    sim_side, supporting = _simulated_branching(f, curve)
    text += supporting + _simulated_tipping_point(f, cost, curve)
    ana_side, supporting = _formula_support(f, cost)
    text += supporting
    return text + _which_to_trust(f, verdict, sim_side, ana_side)


def _threshold_facts(cost):
    """The figures and phrases every part of :func:`threshold_sentence`
    uses, read from the cost table."""
    today = _row(cost, "as_is")
    everyone = _row(cost, "everyone_acts")
    level = table_level(cost)
    ci = ci_words(level)
    n_people = int(today["n_people"])
    k = int(today["sizeable_people"])
    trials = int(today["trials"])
    sources = int(today["sources"])
    one = sources == 1
    recruiter = "the recruiter" if one else "the recruiters"
    their = "their"
    direct = _optional(today, "direct_reach")
    share = float(today["sizeable_share_estimate"])
    a_today = float(today["mean_activity_estimate"])
    if math.isfinite(direct):
        contacts = int(direct) - sources
        beyond = (
            f", more than {recruiter} and {their} "
            f"{count_of(contacts, 'direct contact', 'direct contacts')}"
        )
    else:
        beyond = ""
    fraction = f"{fmt_share(k / n_people)} of the network{beyond}"

    def reach(row, verb="reaches"):
        return (
            f"the typical opening {verb} {fmt_number(row['people_reached_median'])} "
            f"of the {n_people:,} people (median over {trials:,} simulated "
            f"openings, {recruiter} included)"
        )

    def far(row, future=False, only=False):
        p = float(row["sizeable_share_estimate"])
        if p == 0:
            return (
                f"none of the {trials:,} simulated openings "
                f"{'would reach' if future else 'reached'} at least {count_of(k)} "
                f"({fraction})"
            )
        interval = (
            f" ({ci} {fmt_share(row['sizeable_share_ci_low'])} to "
            f"{fmt_share(row['sizeable_share_ci_high'])})"
        )
        return (
            f"{'only ' if only else ''}{fmt_share(p)} of openings{interval} "
            f"{'would reach' if future else 'reach'} at least {count_of(k)} "
            f"({fraction})"
        )

    return SimpleNamespace(
        today=today,
        everyone=everyone,
        level=level,
        ci=ci,
        n_people=n_people,
        k=k,
        trials=trials,
        sources=sources,
        one=one,
        recruiter=recruiter,
        direct=direct,
        share=share,
        a_today=a_today,
        reach=reach,
        far=far,
    )


def _no_tipping_point(f, curve):
    """The whole sentence where the network has no tipping point to speak
    of (no one to tell, no one acting, no cycles); ``None`` otherwise."""
    today, everyone, n_people, trials = f.today, f.everyone, f.n_people, f.trials
    sources, one, recruiter, direct = f.sources, f.one, f.recruiter, f.direct
    a_today, reach, far = f.a_today, f.reach, f.far
    # ------------------------------------------------ no tipping point
    if n_people <= sources:
        who = "the recruiter" if one else f"the {sources:,} recruiters"
        return f"This network holds only {who}: there is no one to pass an opening to."
    if float(everyone["people_reached_estimate"]) <= sources:
        return (
            f"Openings never leave {recruiter}: even if everyone always passed "
            f"them on, none of the {trials:,} simulated openings reached anyone "
            f"beyond {recruiter}."
        )
    if math.isfinite(direct) and direct >= n_people:
        return (
            f"Everyone in this network is a direct contact of {recruiter}, so "
            f"an opening has nowhere further to travel and there is no tipping "
            f"point: {reach(today)}; if everyone always passed it on (an upper "
            f"bound), {fmt_number(everyone['people_reached_median'])}."
        )
    if a_today == 0:
        return (
            f"No one passes openings on today (everyone's activity is 0), so an "
            f"opening reaches only {recruiter} and the people {recruiter} "
            f"{'tells' if one else 'tell'} directly: {reach(today)}. If everyone "
            f"always passed it on (an upper bound), the typical opening would "
            f"reach {count_of(everyone['people_reached_median'])}, and "
            f"{far(everyone, future=True)}."
        )
    if bool(today["acyclic"]):
        return _no_cycles(f, curve)
    return None


def _no_cycles(f, curve):
    """The whole sentence for a network without cycles: reach grows
    gradually, with no tipping point."""
    today, everyone, a_today, reach, far = (
        f.today,
        f.everyone,
        f.a_today,
        f.reach,
        f.far,
    )
    text = (
        f"This network has no cycles, so it has no tipping point: reach "
        f"grows gradually with activity. Today {reach(today)}, and "
        f"{far(today)}."
    )
    top = curve.loc[curve["multiplier"].idxmax()]
    if float(top["mean_activity_estimate"]) > a_today:
        text += (
            f" At {_times(float(top['multiplier']))} today's activity (mean "
            f"activity {_activity(top['mean_activity_estimate'])} instead of "
            f"{_activity(a_today)}) the typical opening would reach "
            f"{fmt_number(top['people_reached_median'])}"
        )
        text += (
            f"; if everyone always passed it on (an upper bound), "
            f"{fmt_number(everyone['people_reached_median'])}."
        )
    else:
        text += (
            f" If everyone always passed it on (an upper bound), the typical "
            f"opening would reach {fmt_number(everyone['people_reached_median'])}."
        )
    return text


def _verdict(f):
    """Whether openings take off today (``"above"``, ``"below"`` or ``None``
    for in between) and the sentence's opening that says so."""
    today, share, reach, far = f.today, f.share, f.reach, f.far
    # --------------------------------------------------- the verdict
    if share >= MOST:
        verdict = "above"
        text = f"Openings take off: {far(today)}, and {reach(today)}."
    elif share >= FEW:
        verdict = None
        lead = (
            "Most openings stay local; a few travel far"
            if share < 0.2
            else "Most openings stay local, but many travel far"
        )
        text = f"{lead}: {reach(today)}, and {far(today)}."
    else:
        verdict = "below"
        text = (
            f"Openings die out near their source: {reach(today)}, and "
            f"{far(today, only=share > 0)}."
        )
    return verdict, text


def _ceiling(f):
    """What everyone always passing it on would reach, where even that
    falls short of taking off."""
    everyone, far = f.everyone, f.far
    text = ""
    # ---------------------------------------------------------- ceiling
    if float(everyone["sizeable_share_estimate"]) < MOST:
        text += (
            f" Even if everyone always passed it on (an upper bound), the typical "
            f"opening would reach {count_of(everyone['people_reached_median'])}, "
            f"and {far(everyone, future=True)}."
        )
    return text


def _simulated_branching(f, curve):
    """How many new people each person reached passes it on to today, by
    simulation, and the side of 1 that is on."""
    today, ci = f.today, f.ci
    text = ""
    # ------------------------------------------- supporting: simulation
    b, b_low, b_high = _today_branching(today, curve)
    sim_side = None
    if math.isfinite(b):
        if math.isfinite(b_low) and math.isfinite(b_high):
            sim_side = "above" if b_low > 1 else "below" if b_high < 1 else None
            interval = f" ({ci} {fmt_number(b_low)} to {fmt_number(b_high)})"
        else:
            interval = ""
        text += (
            f" Supporting figures: by simulation at today's activity, each "
            f"person reached in the first hops passes the opening on to "
            f"{count_of(b, 'new person', 'new people')} on average{interval}; "
            f"above 1, openings multiply."
        )
    return sim_side, text


def _simulated_tipping_point(f, cost, curve):
    """Where openings start to multiply by simulation, and the side of it
    today is on."""
    level, recruiter, a_today = f.level, f.recruiter, f.a_today
    text = ""
    sim = _row(cost, "critical_simulated")
    m_sim = float(sim["multiplier"])
    if math.isfinite(m_sim):
        a_sim = float(sim["mean_activity_estimate"])
        low, high = (
            float(sim["mean_activity_ci_low"]),
            float(sim["mean_activity_ci_high"]),
        )
        m_low, m_high = (
            float(sim["multiplier_ci_low"]),
            float(sim["multiplier_ci_high"]),
        )
        interval = (
            f"{ci_words(level, 'interval')} {_activity(low)} to {_activity(high)}"
            if math.isfinite(low) and math.isfinite(high)
            else "its interval not resolved by the activities simulated"
        )
        if math.isfinite(m_low) and math.isfinite(m_high):
            where = (
                "today's network is above it"
                if m_high < 1
                else "today's network is below it"
                if m_low > 1
                else "today's network is within its uncertainty"
            )
        else:
            where = (
                "today's network is above it"
                if m_sim < 1
                else "today's network is below it"
            )
        text += (
            f" By simulation, openings from {recruiter} start to multiply at "
            f"{_times(m_sim)} today's activity: mean activity "
            f"{_activity(a_sim)} ({interval}; today {_activity(a_today)}), so {where}."
        )
    else:
        branching = curve["branching_estimate"].to_numpy(np.float64)
        lo_m = float(curve["multiplier"].min())
        hi_row = curve.loc[curve["multiplier"].idxmax()]
        if len(branching) and np.all(branching >= 1):
            text += (
                f" By simulation, openings multiply at every activity simulated, "
                f"down to {_times(lo_m)} today's."
            )
        else:
            text += (
                f" By simulation, openings do not multiply at any activity "
                f"simulated, up to {_times(float(hi_row['multiplier']))} today's "
                f"(mean activity {_activity(hi_row['mean_activity_estimate'])})."
            )
    return text


def _formula_support(f, cost):
    """The formula's tipping point, and the side of it today is on."""
    text = ""
    # ---------------------------------------------- supporting: formula
    ana = _row(cost, "critical_analytic")
    m_ana = float(ana["multiplier"])
    if math.isfinite(m_ana):
        ana_side = "above" if m_ana < 1 else "below"
        text += (
            f" A formula for large networks without short loops (optimistic on "
            f"clustered ones) puts the tipping point at mean activity "
            f"{_activity(ana['mean_activity_estimate'])}."
        )
    else:
        ana_side = "below"
        text += (
            " A formula for large networks without short loops says openings "
            "would not take off even if everyone always passed them on."
        )
    return ana_side, text


def _which_to_trust(f, verdict, sim_side, ana_side):
    """Which figures point against the verdict and why the reach today is
    the one to go by."""
    n_people = f.n_people
    text = ""
    # ------------------------------------------- which one to trust
    reasons, against = [], []
    if verdict is not None and sim_side is not None and sim_side != verdict:
        against.append("the simulated figures")
        if verdict == "above":
            reasons.append(
                f"the simulated figures are read from the first hops, and in a "
                f"network of {n_people:,} people openings run out of new people "
                f"to tell within a few hops"
            )
        else:
            reasons.append(
                "openings multiply in their first hops but stop before they "
                "travel far, in a tight-knit part of the network"
            )
    if verdict is not None and ana_side != verdict:
        against.append("the formula")
        reasons.append(
            "the formula assumes a large network without short loops, "
            "which this one is not"
        )
    if reasons:
        who = " and ".join(against)
        text += (
            f" {who[0].upper() + who[1:]} "
            f"{'point' if len(against) > 1 or who.endswith('s') else 'points'} the "
            f"other way; go by the reach today, which is simulated directly: "
            + "; ".join(reasons)
            + "."
        )
    elif verdict is None and sim_side is not None and sim_side != ana_side:
        text += (
            " The simulation and the formula disagree; go by the simulation: "
            "the formula assumes a large network without short loops."
        )
    return text


def _measure(table: pd.DataFrame, name: str, column: str) -> float:
    rows = table.loc[table["measure"] == name, column]
    return float(rows.iloc[0]) if len(rows) else float("nan")


def _ci_name(summary: pd.DataFrame, name: str) -> str:
    """``"95% CI"``, or the level the summary's ``level`` column records."""
    if "level" not in summary.columns:
        return "95% CI"  # tables saved before the column existed were 95%
    level = _measure(summary, name, "level")
    if not math.isfinite(level):
        return "95% CI"
    return f"{100 * level:.4g}% CI"


def reach_sentence(summary: pd.DataFrame) -> str:
    """How far an opening travels, from :meth:`referral.SpreadResult.summary`.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``measure``, ``estimate``, ``ci_low``, ``ci_high`` and,
        optionally, ``level`` (the intervals' confidence level, named in the
        sentence; 95% when the column is absent).

    Returns
    -------
    str
        The reach sentence, from the summary's numbers only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"measure": ["people_reached", "candidates_reached",
    ...                                   "candidate_share_reached", "depth"],
    ...                       "estimate": [3.05, 0.74, 0.25, 1.2],
    ...                       "ci_low": [2.9, 0.7, 0.23, 1.1],
    ...                       "ci_high": [3.2, 0.78, 0.26, 1.3]})
    >>> reach_sentence(table)  # doctest: +NORMALIZE_WHITESPACE
    'Reach: an opening reaches 3.05 people on average, the recruiter included
    (95% CI 2.9 to 3.2); 0.74 of them are candidates (95% CI 0.7 to 0.78), 25% of
    all candidates; it travels 1.2 hops deep on average.'
    """
    people = _measure(summary, "people_reached", "estimate")
    text = (
        f"Reach: an opening reaches {count_of(people)} on average, the recruiter "
        f"included ({_ci_name(summary, 'people_reached')} "
        f"{fmt_number(_measure(summary, 'people_reached', 'ci_low'))}"
        f" to {fmt_number(_measure(summary, 'people_reached', 'ci_high'))})"
    )
    candidates = _measure(summary, "candidates_reached", "estimate")
    share = _measure(summary, "candidate_share_reached", "estimate")
    if math.isfinite(candidates) and math.isfinite(share):
        text += (
            f"; {fmt_number(candidates)} of them "
            f"{'is a candidate' if fmt_number(candidates) == '1' else 'are candidates'}"
            f" ({_ci_name(summary, 'candidates_reached')} "
            f"{fmt_number(_measure(summary, 'candidates_reached', 'ci_low'))}"
            f" to {fmt_number(_measure(summary, 'candidates_reached', 'ci_high'))}), "
            f"{fmt_share(share)} of all candidates"
        )
    depth = _measure(summary, "depth", "estimate")
    if math.isfinite(depth):
        text += f"; it travels {fmt_number(depth)} hops deep on average"
    return text + "."


def dropoff_sentence(dropoff: pd.DataFrame, hops: int = 4) -> str:
    """The people funnel, hop by hop, from :func:`referral.analysis.dropoff`.

    Parameters
    ----------
    dropoff : pandas.DataFrame
        A spread drop-off table (``hop``, ``held``, ``passed_on``,
        ``newly_reached``).
    hops : int, default 4
        How many hops after the recruiter's to spell out.

    Returns
    -------
    str
        The funnel and the cost sentence, from the drop-off table only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"hop": [0, 1, 2], "held": [1.0, 4.0, 1.0],
    ...                       "passed_on": [1.0, 1.0, 0.0],
    ...                       "newly_reached": [4.0, 1.0, 0.0]})
    >>> dropoff_sentence(table)  # doctest: +NORMALIZE_WHITESPACE
    'The funnel, per opening (means over trials): the recruiter told 4 people;
    at hop 1, 1 of the 4 people holding it passed it on, reaching 1 new person;
    at hop 2, none of the 1 person holding it passed it on.'
    """
    frame = dropoff.sort_values("hop")
    first = frame.iloc[0]
    sources = (
        "the recruiter"
        if fmt_number(first["held"]) == "1"
        else (f"the {fmt_number(first['held'])} recruiters")
    )
    parts = [f"{sources} told {count_of(first['newly_reached'])}"]
    for _, row in frame.iloc[1 : hops + 1].iterrows():
        held = float(row["held"])
        if held == 0:
            break
        passed = float(row["passed_on"])
        head = f"at hop {int(row['hop'])}, "
        holding = f"the {count_of(held)} holding it"
        if passed == 0:
            parts.append(f"{head}none of {holding} passed it on")
        else:
            parts.append(
                f"{head}{fmt_number(passed)} of {holding} passed it on, reaching "
                f"{count_of(row['newly_reached'], 'new person', 'new people')}"
            )
    return "The funnel, per opening (means over trials): " + "; ".join(parts) + "."


def cost_sentence(dropoff: pd.DataFrame) -> str | None:
    """The people that the non-acting intermediaries cost, with its interval.

    Parameters
    ----------
    dropoff : pandas.DataFrame
        A spread drop-off table with the counterfactual columns
        (``everyone_acts_held``, ``cost_cumulative`` and its interval;
        optionally ``level``, named in the sentence, 95% when absent).

    Returns
    -------
    str or None
        None when the table has no counterfactual columns.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"hop": [0, 1], "held": [1.0, 2.0],
    ...                       "everyone_acts_held": [1.0, 5.0],
    ...                       "cost_cumulative": [0.0, 3.0],
    ...                       "cost_cumulative_ci_low": [0.0, 2.5],
    ...                       "cost_cumulative_ci_high": [0.0, 3.5]})
    >>> cost_sentence(table)  # doctest: +NORMALIZE_WHITESPACE
    'The "other people" cost: if everyone who held the opening had passed it on,
    it would reach 6 people instead of 3, the recruiter included; the people who
    did not pass it on cost 3 people per opening (95% CI 2.5 to 3.5), an upper
    bound on what encouraging them could win back, since not everyone will act.'
    """
    needed = {"everyone_acts_held", "cost_cumulative", "cost_cumulative_ci_low"}
    if not needed <= set(dropoff.columns):
        return None
    frame = dropoff.sort_values("hop")
    last = frame.iloc[-1]
    now = float(frame["held"].sum())
    everyone = float(frame["everyone_acts_held"].sum())
    text = (
        f'The "other people" cost: if everyone who held the opening had passed '
        f"it on, it would reach {count_of(everyone)} instead of "
        f"{fmt_number(now)}, the recruiter included; the people who did not "
        f"pass it on cost {count_of(last['cost_cumulative'])} per opening "
        f"({ci_words(table_level(frame))} "
        f"{fmt_number(last['cost_cumulative_ci_low'])} to "
        f"{fmt_number(last['cost_cumulative_ci_high'])}), an upper bound on "
        f"what encouraging them could win back, since not everyone will act."
    )
    if "cost" in frame.columns:
        fewer = frame.loc[frame["cost"] < 0]
        if len(fewer):
            row = fewer.loc[fewer["cost"].idxmin()]
            text += (
                f" At hop {int(row['hop'])} everyone passing it on would put "
                f"{count_of(-float(row['cost']))} fewer there, not because "
                f"they would be lost but because they would be reached at an "
                f"earlier hop."
            )
    return text


def search_sentence(summary: pd.DataFrame) -> str:
    """How search chains fare, from :meth:`referral.SearchResult.summary`.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``measure``, ``estimate``, ``ci_low``, ``ci_high``, ``n`` and,
        optionally, ``level`` (named in the sentence; 95% when absent).

    Returns
    -------
    str
        The search sentence, from the summary's numbers only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "measure": ["completion_rate", "dropped_rate", "median_length"],
    ...     "estimate": [0.25, 0.7, 4.0], "ci_low": [0.2, 0.65, 3.0],
    ...     "ci_high": [0.3, 0.75, 5.0], "n": [400, 400, 100]})
    >>> search_sentence(table)  # doctest: +NORMALIZE_WHITESPACE
    'Search: 25% of 400 chains reached their target (95% CI 20% to 30%); 70% ended
    because a holder did not pass the chain on; completed chains took a median
    of 4 steps (95% CI 3 to 5).'
    """
    rate = _measure(summary, "completion_rate", "estimate")
    n = int(_measure(summary, "completion_rate", "n"))
    text = (
        f"Search: {fmt_share(rate)} of {n:,} chains reached their target "
        f"({_ci_name(summary, 'completion_rate')} "
        f"{fmt_share(_measure(summary, 'completion_rate', 'ci_low'))} to "
        f"{fmt_share(_measure(summary, 'completion_rate', 'ci_high'))})"
    )
    dropped = _measure(summary, "dropped_rate", "estimate")
    if math.isfinite(dropped):
        text += (
            f"; {fmt_share(dropped)} ended because a holder did not pass the chain on"
        )
    median = _measure(summary, "median_length", "estimate")
    if math.isfinite(median):
        steps = "step" if fmt_number(median) == "1" else "steps"
        text += (
            f"; completed chains took a median of {fmt_number(median)} {steps} "
            f"({_ci_name(summary, 'median_length')} "
            f"{fmt_number(_measure(summary, 'median_length', 'ci_low'))} "
            f"to {fmt_number(_measure(summary, 'median_length', 'ci_high'))})"
        )
    return text + "."


def _days(x: float) -> str:
    return f"{x:g}"


def time_sentence(table: pd.DataFrame, day, deadline=None) -> str:
    """How soon candidates hear of an opening, from a reach-over-time table.

    Parameters
    ----------
    table : pandas.DataFrame
        A :meth:`referral.SpreadResult.reach_over_time` table (columns
        ``time``, ``measure``, ``estimate``, ``ci_low``, ``ci_high``,
        ``level``, ``deadline``) with rows at ``day`` (and ``deadline``).
    day : float
        The day to report.
    deadline : float, optional
        A closing day to report as well. From a run without a deadline this
        reads "if the opening closed then"; from a run with one, it must not
        be later than the run's deadline.

    Returns
    -------
    str
        One sentence: the share of the candidates the opening reaches in the
        end (ever, or by the run's deadline) who have heard of it by ``day``
        (and by ``deadline``), with intervals.

    Raises
    ------
    ValueError
        If the table has no ``candidate_share_of_final`` row at ``day`` or
        ``deadline``, or ``deadline`` is later than the run's deadline.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "time": [3.0, 14.0], "measure": ["candidate_share_of_final"] * 2,
    ...     "estimate": [0.52, 0.8], "ci_low": [0.48, 0.77],
    ...     "ci_high": [0.56, 0.83], "level": [0.95, 0.95],
    ...     "deadline": [float("nan")] * 2})
    >>> time_sentence(table, day=3, deadline=14)  # doctest: +NORMALIZE_WHITESPACE
    'By day 3, 52% of the candidates this opening will reach have heard of it
    (95% CI 48% to 56%); by a 14-day deadline, 80% (95% CI 77% to 83%).'
    """
    shares = table[table["measure"] == "candidate_share_of_final"]

    def row(t, name):
        hit = shares[np.isclose(shares["time"].to_numpy(dtype=float), float(t))]
        if hit.empty:
            raise ValueError(
                f"The '{name}' parameter of time_sentence must be a time the "
                f"table has (reach_over_time(times=[...]) with it). Got {t!r} "
                f"instead; the table has {sorted(set(shares['time'].tolist()))}."
            )
        return hit.iloc[0]

    first = row(day, "day")
    level = float(first["level"]) if "level" in shares.columns else 0.95
    run_deadline = float(first["deadline"]) if "deadline" in shares.columns else np.nan

    def ci(r):
        return f"({level:.0%} CI {fmt_share(r['ci_low'])} to {fmt_share(r['ci_high'])})"

    if not math.isfinite(float(first["estimate"])):
        return (
            "No candidate heard of the opening in these trials, so there is no "
            "timing to report."
        )
    if math.isfinite(run_deadline):
        whom = (
            f"the candidates this opening reaches by its {_days(run_deadline)}-day "
            f"deadline"
        )
    else:
        whom = "the candidates this opening will reach"
    text = (
        f"By day {_days(float(day))}, {fmt_share(first['estimate'])} of {whom} "
        f"have heard of it {ci(first)}"
    )
    if deadline is not None:
        if math.isfinite(run_deadline) and float(deadline) > run_deadline:
            raise ValueError(
                f"The 'deadline' parameter of time_sentence must not be later "
                f"than the run's deadline ({_days(run_deadline)} days). Got "
                f"{deadline!r} instead."
            )
        last = row(deadline, "deadline")
        text += (
            f"; by a {_days(float(deadline))}-day deadline, "
            f"{fmt_share(last['estimate'])} {ci(last)}"
        )
    return text + "."
