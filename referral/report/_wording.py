"""The report's words: sections, headline and plain summary, from tables alone.

:func:`sections` builds each :class:`Section` (sentences, charts, notes) from
the tables of a :class:`Results` bundle only; :func:`headline` and
:func:`plain_summary` gather their sentences. The sentences themselves come
from :mod:`referral.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from referral._core.params import validate_params
from referral._core.stats import ci_words, table_level
from referral.report._analysing import Results

__all__ = ["Section", "sections", "headline", "plain_summary"]


@dataclass
class Section:
    """One part of the report: sentences, charts and notes, from tables.

    Attributes
    ----------
    name : str
        Heading.
    sentences : list of str
        Findings; they also make the headline.
    charts : list of tuple
        ``(file stem, caption, draw(ax))``.
    notes : list of str
        What was left out and why.
    details : list of str
        How the numbers were computed (technical detail kept out of the
        sentences).
    """

    name: str
    sentences: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    details: list = field(default_factory=list)


# ------------------------------------------------------------------ sections
def _spread_dropoff(t):
    """The people funnel: saved, or from by_hop by the library's function."""
    from referral.analysis import dropoff

    if t.get("dropoff") is not None:
        return t["dropoff"]
    by_hop = t.get("by_hop")
    if by_hop is not None:
        acted = by_hop.get("acted_mean")
        if acted is not None and not acted.notna().any():
            return None  # a run without per-hop losses (record='reach', delays)
        return dropoff(by_hop)
    return None


def _reach_section(results) -> Section:
    from referral.wording import reach_sentence, search_sentence

    t = results.tables
    section = Section("Reach")
    summary = t.get("summary")
    kind = results.facts.get("kind")
    if summary is None:
        section.notes.append(
            "No summary table (summary.csv): the reach figures are left out."
        )
    elif kind == "search":
        section.name = "Search chains"
        section.sentences.append(search_sentence(summary))
    else:
        section.sentences.append(reach_sentence(summary))
    return section


def _dropoff_section(results) -> Section:
    from referral import plot
    from referral.analysis import dropoff
    from referral.wording import cost_sentence, dropoff_sentence

    t = results.tables
    section = Section("Where it stops")
    if results.facts.get("kind") == "search":
        if t.get("by_step") is None:
            section.notes.append(
                "No by_step table (by_step.csv): the chain drop-off is left out."
            )
            return section
        steps = dropoff(t["by_step"])
        section.charts.append(
            (
                "dropoff",
                "Where search chains stop, step by step: chains alive, by what "
                "became of them. Red: the holder did not pass the chain on.",
                lambda ax: plot.plot_dropoff(steps, ax=ax),
            )
        )
        return section
    table = _spread_dropoff(t)
    if table is None:
        section.notes.append(
            "No dropoff table, and no by_hop table with per-hop losses (a run "
            "with record='reach' or with delays keeps none): the drop-off "
            "section is left out."
        )
        return section
    section.sentences.append(dropoff_sentence(table))
    cost = cost_sentence(table)
    if cost is None:
        section.notes.append(
            "The people that non-acting intermediaries cost need a second "
            "simulation in which everyone passes the opening on (dropoff.csv "
            "from referral demo or referral.dropoff); this folder has only "
            "by_hop.csv, so that figure and its chart segment are left out."
        )
    else:
        section.sentences.append(cost)
    section.charts.append(
        (
            "dropoff",
            "Where the opening stops, in people: at each hop (0 = the recruiter), "
            "the people who held it, blue if they passed it on, red if not"
            + (
                "; hatched: the extra people who would have held it at that hop "
                f"had everyone passed it on ({ci_words(table_level(table))}; "
                "a hop where everyone passing "
                "it on would put fewer people, because they would be reached at "
                "an earlier hop, shows none; see cost_more_at_hop and "
                "cost_reached_earlier in dropoff.csv)."
                if cost
                else "."
            ),
            lambda ax: plot.plot_dropoff(table, ax=ax),
        )
    )
    return section


def _threshold_section(results) -> Section:
    from referral import plot
    from referral.analysis import OtherPeopleCost

    t = results.tables
    section = Section("The threshold")
    if t.get("cost") is None or t.get("cost_curve") is None:
        section.notes.append(
            "No cost.csv and cost_curve.csv (referral.other_people_cost): the "
            "threshold section is left out."
        )
        return section
    cost = OtherPeopleCost.from_tables(
        {"cost": t["cost"], "cost_curve": t["cost_curve"]}
    )
    section.sentences.append("The threshold: " + cost.sentence())
    m = cost.critical_multiplier_simulated
    logx = bool(np.isfinite(m) and 0 < m < 0.3)
    section.charts.append(
        (
            "threshold",
            f"The threshold: mean (band: {ci_words(table_level(cost.curve))}) "
            "and median reach against a "
            "multiplier on everyone's activity (1 = today); each marker is a "
            "simulated activity, placed densely where reach changes fastest.",
            lambda ax: plot.plot_threshold(cost, ax=ax, logx=logx),
        )
    )
    return section


def _gatekeeper_section(results) -> Section:
    from referral import plot
    from referral.wording import fmt_share

    t = results.tables
    section = Section("Gatekeepers")
    keepers = t.get("gatekeepers")
    if keepers is not None and len(keepers):
        from referral.wording import gatekeeper_sentence

        try:
            section.sentences.append("Gatekeepers: " + gatekeeper_sentence(keepers))
        except ValueError:
            section.notes.append(
                "gatekeepers.csv lacks the top-group columns of "
                "referral.gatekeepers, so the gatekeepers are not put in words; "
                "only the chart is shown."
            )
        section.charts.append(
            (
                "gatekeepers",
                "Gatekeepers: the drop in reach if this person did not act "
                f"({ci_words(table_level(keepers))}; "
                "each compared with today on the same simulated openings).",
                lambda ax: plot.plot_gatekeepers(keepers, ax=ax),
            )
        )
    elif t.get("people") is not None and len(t["people"]):
        people = (
            t["people"]
            .sort_values(
                ["chain_share", "person"],
                ascending=[False, True],
                key=lambda s: s if s.name == "chain_share" else s.astype(str),
            )
            .head(3)
        )
        names = ", ".join(
            f"{p} ({fmt_share(s)} of chains)"
            for p, s in zip(people["person"], people["chain_share"], strict=True)
        )
        section.sentences.append(
            f"Most often on the chains that reached a candidate: {names}."
        )
        section.notes.append(
            "No gatekeepers table (referral.gatekeepers): only chain credit "
            "from people.csv is shown, and no counterfactual chart."
        )
    elif results.facts.get("kind") != "search":
        section.notes.append(
            "No gatekeepers or people table: the gatekeeper section is left out."
        )
    return section


def _who_to_ask_section(results) -> Section | None:
    """The "Who to ask" section, from the ``ambassadors`` table alone.

    Its sentences are :func:`referral.wording.who_to_ask_sentences` of
    the table, in one paragraph; the chart is
    :func:`referral.plot.plot_ambassadors` of the same table. None when the
    folder holds no such table.
    """
    from referral import plot
    from referral.wording import who_to_ask_sentences

    table = results.tables.get("ambassadors")
    if table is None or not len(table):
        return None
    section = Section("Who to ask")
    section.sentences.append("Who to ask: " + " ".join(who_to_ask_sentences(table)))
    section.charts.append(
        (
            "ambassadors",
            "Candidates reached as more people are asked to share the opening: the "
            "people chosen against the same number of highest-degree people (bands: "
            f"{ci_words(table_level(table), 'intervals')}; crosses: forward "
            "simulation).",
            lambda ax: plot.plot_ambassadors(table, ax=ax),
        )
    )
    return section


def _representation_section(results) -> Section | None:
    """The "Who gets reached" section, from the ``representation`` table.

    Its sentences are :func:`referral.wording.homophily_sentence` of the
    ``homophily`` table (when present) and the headline of
    :func:`referral.wording.representation_sentences`, in one paragraph;
    the chart is :func:`referral.plot.plot_representation` of the same
    table. None when the folder holds no such table.
    """
    from referral import plot
    from referral.wording import homophily_sentence, representation_sentences

    table = results.tables.get("representation")
    if table is None or not len(table):
        return None
    section = Section("Who gets reached")
    words = representation_sentences(table, hops=False)
    mixing = results.tables.get("homophily")
    if mixing is not None and len(mixing):
        words.insert(0, homophily_sentence(mixing))
    section.sentences.append("Who gets reached: " + " ".join(words))
    by = str(table["by"].iloc[0])
    section.charts.append(
        (
            "representation",
            f"Each {by}'s share of the people reached (dots, "
            f"{ci_words(table_level(table), 'intervals')}) "
            f"against its share of the pool (bars).",
            lambda ax: plot.plot_representation(table, ax=ax),
        )
    )
    return section


def _time_section(results) -> Section | None:
    """The "How fast it travels" section, from the ``reach_over_time`` table
    (a spread run with delays).

    The sentence is :func:`referral.wording.time_sentence` at the first day
    of the table by which half of the candidates the opening reaches in the
    end (or by the run's deadline) have heard of it (the last day if never);
    the chart is
    :func:`referral.plot.plot_reach_over_time` of the same table. None when
    the folder holds no such table.
    """
    from referral import plot
    from referral.wording import time_sentence

    table = results.tables.get("reach_over_time")
    if table is None or not len(table):
        return None
    shares = table[table["measure"] == "candidate_share_of_final"]
    shares = shares[np.isfinite(shares["estimate"].to_numpy(dtype=float))]
    section = Section("How fast it travels")
    if shares.empty:
        section.sentences.append(time_sentence(table, day=table["time"].iloc[0]))
    else:
        times = shares["time"].to_numpy(dtype=float)
        half = np.flatnonzero(shares["estimate"].to_numpy(dtype=float) >= 0.5)
        day = float(times[half[0]] if len(half) else times[-1])
        # with a deadline, the shares are of the candidates reached by it, so
        # the share at the deadline is 100% by definition: not worth saying
        section.sentences.append(time_sentence(table, day=day))
    section.charts.append(
        (
            "reach_over_time",
            f"People and candidates who have heard of the opening, day by day "
            f"({ci_words(table_level(table), 'bands')}).",
            lambda ax: plot.plot_reach_over_time(table, ax=ax),
        )
    )
    return section


def _incentives_section(results) -> Section | None:
    """ "What a referral bonus buys", from the ``incentives`` table
    (:func:`referral.analysis.compare_incentives`, ``referral incentives``):
    its sentence and the hires-against-money chart. None without the table.
    """
    from referral import plot
    from referral.wording import incentive_sentence

    table = results.tables.get("incentives")
    if table is None or not len(table):
        return None
    section = Section("What a referral bonus buys")
    section.sentences.append(incentive_sentence(table))
    section.charts.append(
        (
            "incentives",
            f"Hires against money paid per opening, one point per bonus scheme "
            f"({ci_words(table_level(table), 'intervals')}; every scheme on the "
            f"same simulated openings).",
            lambda ax: plot.plot_incentives(table, ax=ax),
        )
    )
    return section


def _weak_tie_section(results) -> Section:
    from referral import plot

    t = results.tables
    section = Section("Weak ties")
    if t.get("weak_ties") is not None:
        section.charts.append(
            (
                "weak_ties",
                "Strong and weak ties in the chains that reached candidates.",
                lambda ax: plot.plot_weak_ties(t["weak_ties"], ax=ax),
            )
        )
    elif results.facts.get("kind") != "search":
        section.notes.append(
            "No weak_ties table (referral.weak_tie_share): the weak-tie chart is "
            "left out."
        )
    return section


def _compare_section(results) -> Section:
    from referral import plot

    t = results.tables
    section = Section("Interventions")
    compare = t.get("compare")
    if compare is None:
        if results.facts.get("kind") != "search":
            section.notes.append(
                "No compare table (referral.compare): the interventions are left out."
            )
        return section
    best = _best_intervention(compare)
    if best:
        section.sentences.append(best)
    measure = _main_measure(compare)
    section.charts.append(
        (
            "compare",
            f"Interventions against today's network (difference, "
            f"{ci_words(table_level(compare))}; each "
            "compared with today on the same simulated openings).",
            lambda ax: plot.plot_compare(compare, measure=measure, diff=True, ax=ax),
        )
    )
    return section


def _main_measure(compare) -> str:
    """The measure the interventions are judged on, whatever the row order."""
    measures = set(compare["measure"].astype(str))
    for preferred in ("candidates_reached", "people_reached"):
        if preferred in measures:
            return preferred
    return sorted(measures)[0]


def _best_intervention(compare) -> str | None:
    from referral.wording import fmt_number

    if len(compare) == 0:
        return None
    measure = _main_measure(compare)
    rows = compare[compare["measure"] == measure]
    # the reference is the scenario compared with itself (diff and its SE
    # exactly 0), found by its numbers, never by its row; scenarios tied on
    # their difference are taken by name, so sorting the rows changes nothing
    reference = rows[(rows["diff"] == 0) & (rows["diff_se"] == 0)]
    if len(rows) < 2:
        return None
    if len(reference) == 0:
        raise ValueError(
            "compare.csv has no reference scenario (a row whose diff and "
            "diff_se are both 0), so the interventions cannot be compared."
        )
    baseline = reference.sort_values("scenario", key=lambda s: s.astype(str)).iloc[0]
    others = rows[rows["scenario"] != baseline["scenario"]]
    if len(others) == 0:
        return None
    best = others.sort_values(
        ["diff", "scenario"], ascending=[False, True], kind="stable"
    ).iloc[0]
    word = measure.replace("_", " ")
    if best["diff"] <= 0 or best["diff_ci_low"] <= 0:
        return (
            f"Best intervention: none of the tried interventions raised {word} "
            f"clearly (best: {best['scenario']}, {best['diff']:+.3g})."
        )
    return (
        f"Best intervention: {best['scenario']} raises {word} from "
        f"{fmt_number(baseline['estimate'])} to {fmt_number(best['estimate'])} "
        f"({best['diff']:+.3g}, {ci_words(table_level(best))} "
        f"{best['diff_ci_low']:+.3g} to "
        f"{best['diff_ci_high']:+.3g})."
    )


@validate_params({"results": [Results]})
def _fit_section(results):
    """What your data says, or None when the results carry no fit."""
    from referral.calibrate._words import params_sentence
    from referral.report._fit_section import DETAIL, NAME

    table = results.tables.get("fit")
    if table is None:
        return None
    section = Section(NAME)
    section.sentences.append(params_sentence(table))
    section.details.append(DETAIL)
    return section


def sections(results: Results) -> list[Section]:
    """The report's sections, each built from the tables alone.

    Parameters
    ----------
    results : Results
        Tables and facts.

    Returns
    -------
    list of Section
        In order: what your data says (when the results carry a fit), reach,
        drop-off, threshold, gatekeepers, who to ask, who gets reached, how
        fast it travels and what a referral bonus buys (when available), weak
        ties,
        interventions, and how this was computed.
    """
    fitted = _fit_section(results)
    built = [] if fitted is None else [fitted]
    built += [
        _reach_section(results),
        _dropoff_section(results),
    ]
    if results.facts.get("kind") != "search":
        built.append(_threshold_section(results))
    built.append(_gatekeeper_section(results))
    who = _who_to_ask_section(results)
    if who is not None:
        built.append(who)
    reached = _representation_section(results)
    if reached is not None:
        built.append(reached)
    timed = _time_section(results)
    if timed is not None:
        built.append(timed)
    bonus = _incentives_section(results)
    if bonus is not None:
        built.append(bonus)
    built += [_weak_tie_section(results), _compare_section(results)]
    built.append(_method_section(results))
    return built


def _method_section(results) -> Section:
    """How this was computed: the technical detail the sentences leave out."""
    t = results.tables
    section = Section("How this was computed")
    section.details.append(
        "Every figure comes from simulated openings: each person who holds an "
        "opening passes it on with their activity as the probability, and each "
        "tie carries it with its transmission probability. Intervals are 95% "
        "intervals over the simulated openings."
    )
    section.details.append(
        "Comparisons (everyone passing it on, a gatekeeper not acting, an "
        "intervention) rerun the same simulated openings with one thing "
        "changed (common random numbers), so a difference is the change, not "
        "noise."
    )
    if t.get("cost") is not None:
        section.details.append(
            "The threshold verdict goes by today's simulated reach: an opening "
            "travels far when it reaches more people than the recruiter and "
            "their direct contacts, and at least 10% of the network. The "
            "supporting branching figure is people reached at hops 2-3 over "
            "people reached at hops 1-2; the simulated tipping point is where "
            "it crosses 1 on the activity curve. The formula's tipping point is "
            "the inverse of the spectral radius of the activity- and "
            "transmission-weighted non-backtracking matrix (Karrer, Newman and "
            "Zdeborova 2014), exact on large networks without short loops and "
            "optimistic on clustered ones."
        )
    if t.get("ambassadors") is not None:
        section.details.append(
            "Who to ask is chosen by IMM (Tang, Shi and Xiao 2015) on "
            "reverse-reachable samples and measured on fresh samples; where no "
            "fresh sample tells two choices apart, the bound on the difference "
            "is the rule of three (3 / samples)."
        )
    return section


@validate_params({"results": [Results]})
def headline(results: Results) -> list[str]:
    """The headline findings in plain words, one sentence per item.

    Parameters
    ----------
    results : Results
        Tables and facts.

    Returns
    -------
    list of str
        The headline sentences, in the order of the report's sections.
    """
    return [s for section in sections(results) for s in section.sentences]


@validate_params({"results": [Results]})
def plain_summary(results: Results) -> str:
    """The headline as plain text for a terminal.

    Parameters
    ----------
    results : Results
        Tables and facts.

    Returns
    -------
    str
        The title, the network and the headline, one sentence per line.
    """
    lines = [results.title, ""]
    if results.facts.get("network"):
        lines += [f"Network: {results.facts['network']}.", ""]
    for sentence in headline(results):
        lines.append(f"* {sentence}")
    return "\n".join(lines)
