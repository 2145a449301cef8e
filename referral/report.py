"""A shareable report: one self-contained HTML file plus CSVs and PNGs.

:func:`analyse` runs the standard analysis of a network (spread, drop-off,
the "other people" cost, gatekeepers, weak ties, interventions) and returns
a :class:`Results` bundle of tidy tables. :func:`write_report` turns a bundle
into a folder::

    referral-report/
      index.html        one file; charts embedded as base64 PNG, no network
      summary.csv, dropoff.csv, gatekeepers.csv, ...   the tables
      reach.png, dropoff.png, ...                      the charts
      facts.csv         the headline numbers and sentences

Such a folder is itself a set of saved results: :func:`read_results` reads
it back (or the folder written by ``referral spread`` or ``referral
search``), so a report can be rebuilt without rerunning the simulations.
Every sentence and chart is built by :func:`sections` from the tables alone
(the wording lives in :mod:`referral.wording`), so a report rebuilt from
the files says exactly what the original said. A section whose tables are
missing is left out with a one-line note; a malformed table is an error
naming the file and the column.

Every file is staged in a temporary folder and renamed into place, and an
existing report is never overwritten without ``force``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html
import io as _io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from referral._params import Interval, Options, validate_params

__all__ = [
    "Results",
    "Section",
    "analyse",
    "sections",
    "demo_results",
    "read_results",
    "write_report",
    "headline",
    "plain_summary",
    "check_writable",
    "staged_outputs",
]

#: tables a report folder may hold, in the report's order
TABLES = [
    "summary",
    "dropoff",
    "tie_offers",
    "by_hop",
    "by_step",
    "gatekeepers",
    "cost",
    "cost_curve",
    "weak_ties",
    "compare",
    "people",
    "ambassadors",
]


@dataclass
class Results:
    """Everything a report shows, as tidy tables and a few facts.

    Attributes
    ----------
    title : str
        The report's title.
    tables : dict of str to pandas.DataFrame
        Any of ``summary`` (:meth:`SpreadResult.summary` or
        :meth:`SearchResult.summary`), ``dropoff``
        (:func:`referral.analysis.dropoff`), ``tie_offers``, ``by_hop``,
        ``by_step``, ``gatekeepers``, ``cost`` and ``cost_curve``
        (:meth:`OtherPeopleCost.tables`), ``weak_ties``, ``compare`` and
        ``people``. A section whose tables are missing is left out with a
        note.
    facts : dict of str to str
        Descriptive facts (``title``, ``kind``, ``network``, ``trials``,
        ``seed``, ``interventions``, ...); no finding lives here, every
        finding is rebuilt from the tables.
    """

    title: str
    tables: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)


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
    """

    name: str
    sentences: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    notes: list = field(default_factory=list)


# ------------------------------------------------------------------ analysis
@validate_params(
    {
        "network": ["network"],
        "title": [str],
        "description": [str, None],
        "trials": [Mapping, None],
        "top": [Interval(int, 1, None)],
        "seed": ["seed"],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
    }
)
def analyse(
    network,
    sources=None,
    *,
    title: str = "Referral report",
    description: str | None = None,
    trials=None,
    top: int = 10,
    seed=0,
    n_jobs=None,
    progress: bool = False,
) -> Results:
    """Run the standard analysis of a network and bundle the tables.

    Parameters
    ----------
    network : ReferralNetwork
        The network.
    sources : labels, optional
        Who posts the opening (default: the recruiters).
    title, description : str
        The report's title and a sentence describing the network.
    trials : dict, optional
        Trials per step: ``spread``, ``cost``, ``gatekeepers``, ``compare``,
        ``ambassadors`` (defaults 2000, 2000, 300, 2000, 1000; the same trials
        for the spread, the cost and the comparison keep their "as is" figures
        identical; ``ambassadors`` is the forward check of the five people to
        ask, chosen by :func:`referral.ambassadors` with ``epsilon=0.2``, and 0
        leaves the "Who to ask" section out).
    top : int, default 10
        Gatekeepers to rank; the first intervention trains them.
    seed : int, default 0
        One seed for every step.
    n_jobs : int, optional
        Parallel workers.
    progress : bool, default False
        Progress bar for the main spread.

    Returns
    -------
    Results
        The tables, headline facts and results, ready for the report.
    """
    from referral import analysis, interventions
    from referral._random import resolve_entropy
    from referral.spread import spread

    steps = {
        "spread": 2000,
        "cost": 2000,
        "gatekeepers": 300,
        "compare": 2000,
        "ambassadors": 1000,
    }
    steps.update(trials or {})
    entropy = resolve_entropy(seed, function="analyse")
    result = spread(
        network,
        sources,
        trials=steps["spread"],
        seed=entropy,
        n_jobs=n_jobs,
        progress=progress,
    )
    cost = analysis.other_people_cost(
        network, sources, trials=steps["cost"], seed=entropy, n_jobs=n_jobs
    )
    keepers = analysis.gatekeepers(
        network,
        result,
        sources=sources,
        top=top,
        trials=steps["gatekeepers"],
        seed=entropy,
        n_jobs=n_jobs,
    )
    trained = keepers["person"].tolist()
    mean_activity = float(network.activity.mean())
    scenarios = {
        "as is": network,
        f"train top {len(trained)} gatekeepers": (
            interventions.boost_activity(network, trained, to=0.9)
        ),
        "referral bonus +0.1": interventions.referral_bonus(network, 0.1),
    }
    compared = analysis.compare(
        scenarios,
        trials=steps["compare"],
        seed=entropy,
        n_jobs=n_jobs,
        sources=sources,
    )
    asked = None
    if network.is_candidate.any() and steps.get("ambassadors", 0) > 0:
        from referral.ambassadors import ambassadors

        posters = network.labels[result.sources]  # the recruiters posting
        asked = ambassadors(
            network,
            min(5, network.n_people - len(posters)),
            exclude=list(posters),
            epsilon=0.2,
            check_trials=steps["ambassadors"],
            seed=entropy,
            n_jobs=n_jobs,
        )
    facts = {
        "title": title,
        "kind": "spread",
        "network": description or repr(network),
        "people": str(network.n_people),
        "ties": str(network.n_ties),
        "candidates": str(int(network.is_candidate.sum())),
        "mean_activity": f"{mean_activity:.3f}",
        "trials": str(result.n_trials),
        "seed": str(entropy),
        "gatekeeper_measure": str(keepers["measure"].iloc[0]) if len(keepers) else "",
        "interventions": (
            f"train top {len(trained)} gatekeepers: their activity raised to 0.9; "
            f"referral bonus +0.1: everyone's activity raised by 0.1"
        ),
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
    }
    tables = {
        "summary": result.summary(),
        "dropoff": analysis.dropoff(result, n_jobs=n_jobs),
        "tie_offers": analysis.tie_offers(result),
        "gatekeepers": keepers,
        **cost.tables(),
        "weak_ties": analysis.weak_tie_share(result),
        "compare": compared,
        "people": result.people(),
    }
    if asked is not None:
        tables["ambassadors"] = asked
    return Results(title=title, tables=tables, facts=facts)


@validate_params(
    {
        "seed": ["seed"],
        "trials": [Mapping, None],
        "n_jobs": ["n_jobs"],
        "progress": ["boolean"],
    }
)
def demo_results(*, seed=0, trials=None, n_jobs=None, progress=False) -> Results:
    """The default scenario on the bundled e-mail network (``referral demo``).

    One recruiter posts an opening in the e-mail network of a European
    research institution (1,005 people); activity is drawn from Beta(2, 5),
    so most people are poor networkers, and a fifth are open to the job.

    Parameters
    ----------
    seed : int, default 0
        Seed of the population draw and of every simulation.
    trials : dict, optional
        As in :func:`analyse`.
    n_jobs : int, optional
        Parallel workers.
    progress : bool, default False
        Progress bar for the main spread.

    Returns
    -------
    Results
        The tables and facts of the demo, ready for :func:`write_report`.
    """
    from referral.datasets import email_eu_core

    network = email_eu_core(seed=seed)
    description = (
        f"the e-mail network of a European research institution (SNAP "
        f"email-Eu-core): {network.n_people:,} people, {network.n_ties:,} "
        f"one-way ties; one recruiter; {int(network.is_candidate.sum())} "
        f"candidates; activity drawn from Beta(2, 5), mean "
        f"{network.activity.mean():.2f}"
    )
    return analyse(
        network,
        title="Referral demo: how far does one opening travel?",
        description=description,
        trials=trials,
        seed=seed,
        n_jobs=n_jobs,
        progress=progress,
    )


# --------------------------------------------------------------- reading back
def _required():
    from referral._analysis_common import (
        BY_HOP_PEOPLE,
        BY_STEP,
        COST_COLUMNS,
        CURVE_COLUMNS,
    )

    return {
        "dropoff": ["hop", "held", "passed_on", "did_not_pass_on", "newly_reached"],
        "tie_offers": ["hop", "offered", "arrived", "lost_did_not_act"],
        "by_hop": BY_HOP_PEOPLE,
        "by_step": BY_STEP,
        "gatekeepers": ["person", "counterfactual_loss", "loss_ci_low", "loss_ci_high"],
        "cost": COST_COLUMNS,
        "cost_curve": CURVE_COLUMNS,
        "weak_ties": ["scope", "hop", "chains", "via_weak", "share"],
        "compare": [
            "scenario",
            "measure",
            "mean",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
        ],
        "people": ["person", "chain_share"],
    }


# both kinds of summary have the same columns; the measures tell them apart
_SUMMARY = {
    "spread": ["measure", "estimate", "se", "ci_low", "ci_high"],
    "search": ["measure", "estimate", "se", "ci_low", "ci_high", "n"],
}


def _check_columns(path: Path, frame: pd.DataFrame, columns) -> None:
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"{str(path)!r} lacks the column {column!r} the report needs; "
                f"its columns are {list(frame.columns)}."
            )


def read_results(folder) -> Results:
    """Read saved tables: a report folder, or ``referral spread``/``search`` output.

    Parameters
    ----------
    folder : str or path
        The folder to read.

    Returns
    -------
    Results
        The tables found, ready for :func:`write_report`.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist.
    ValueError
        If a table the report uses is malformed (the message names the file
        and the column), or the folder holds none of them.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"No such results folder: {str(folder)!r}.")
    tables, paths = {}, {}
    wanted = {*TABLES, "facts"}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.stem not in wanted:
            continue
        if path.suffix == ".csv":
            try:
                frame = pd.read_csv(path)
            except (
                pd.errors.ParserError,
                pd.errors.EmptyDataError,
                UnicodeDecodeError,
            ) as error:
                raise ValueError(
                    f"{str(path)!r} is not a readable CSV table: "
                    f"{' '.join(str(error).split())}"
                ) from None
        elif path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            continue
        tables[path.stem] = frame
        paths[path.stem] = path
    facts = {}
    if "facts" in tables:
        frame = tables.pop("facts")
        _check_columns(paths["facts"], frame, ["key", "value"])
        facts = {
            str(k): "" if pd.isna(v) else str(v)
            for k, v in zip(frame["key"], frame["value"], strict=True)
        }
    required = dict(_required())
    if "summary" in tables:
        summary = tables["summary"]
        if "estimate" not in summary.columns and "mean" in summary.columns:
            # a spread summary written before the estimate column was named so
            tables["summary"] = summary = summary.rename(columns={"mean": "estimate"})
        measures = set(summary["measure"]) if "measure" in summary.columns else set()
        kind = facts.get("kind") or (
            "search" if "completion_rate" in measures else "spread"
        )
        if kind not in _SUMMARY:
            raise ValueError(
                f"{str(paths.get('facts'))!r} gives kind {kind!r}; expected "
                f"'spread' or 'search'."
            )
        facts["kind"] = kind
        required["summary"] = _SUMMARY[kind]
    problems = []
    for name, columns in required.items():
        if name in tables:
            try:
                _check_columns(paths[name], tables[name], columns)
            except ValueError as error:
                problems.append(str(error))
    if not tables or len(problems) == len(tables):
        found = f" ({problems[0]})" if problems else ""
        raise ValueError(
            f"{str(folder)!r} holds no results a report can use: expected some of "
            f"{[f'{t}.csv' for t in TABLES]}{found}."
        )
    if problems:
        raise ValueError(problems[0])
    title = facts.get("title") or f"Referral report: {folder.name}"
    return Results(title=title, tables=tables, facts=facts)


# ------------------------------------------------------------------ sections
def _spread_dropoff(t):
    """The people funnel: saved, or from by_hop by the library's function."""
    from referral.analysis import dropoff

    if t.get("dropoff") is not None:
        return t["dropoff"]
    if t.get("by_hop") is not None:
        return dropoff(t["by_hop"])
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
            "No dropoff or by_hop table: the drop-off section is left out."
        )
        return section
    section.sentences.append(dropoff_sentence(table))
    cost = cost_sentence(table)
    if cost is None:
        section.notes.append(
            "The people that non-acting intermediaries cost need the paired "
            "everyone-acts run (dropoff.csv from referral demo or "
            "referral.dropoff); this folder has only by_hop.csv, so that "
            "figure and its chart segment are left out."
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
                "had everyone passed it on (95% CI, common random numbers; a hop "
                "where the everyone-acts run has fewer people, because it reached "
                "them earlier, shows none; see the cost columns of dropoff.csv)."
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
            "The threshold: mean (band: 95% CI) and median reach against a "
            "multiplier on everyone's activity.",
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
        from referral.analysis import gatekeeper_sentence

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
                "Gatekeepers: the drop in reach if this person did not act (95% CI, "
                "common random numbers).",
                lambda ax: plot.plot_gatekeepers(keepers, ax=ax),
            )
        )
    elif t.get("people") is not None and len(t["people"]):
        people = t["people"].sort_values("chain_share", ascending=False).head(3)
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

    Its sentences are :func:`referral.ambassadors.who_to_ask_sentences` of
    the table, in one paragraph; the chart is
    :func:`referral.plot.plot_ambassadors` of the same table. None when the
    folder holds no such table.
    """
    from referral import plot
    from referral.ambassadors import who_to_ask_sentences

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
            "95% intervals; crosses: forward simulation).",
            lambda ax: plot.plot_ambassadors(table, ax=ax),
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
    measure = (
        "candidates_reached"
        if (compare["measure"] == "candidates_reached").any()
        else str(compare["measure"].iloc[0])
    )
    section.charts.append(
        (
            "compare",
            "Interventions against today's network (difference, 95% CI, common "
            "random numbers).",
            lambda ax: plot.plot_compare(compare, measure=measure, diff=True, ax=ax),
        )
    )
    return section


def _best_intervention(compare) -> str | None:
    from referral.wording import fmt_number

    if len(compare) == 0:
        return None
    measure = (
        "candidates_reached"
        if (compare["measure"] == "candidates_reached").any()
        else compare["measure"].iloc[0]
    )
    rows = compare[compare["measure"] == measure].reset_index(drop=True)
    if len(rows) < 2:
        return None
    others = rows.iloc[1:]
    best = others.loc[others["diff"].idxmax()]
    word = measure.replace("_", " ")
    if best["diff"] <= 0 or best["diff_ci_low"] <= 0:
        return (
            f"Best intervention: none of the tried interventions raised {word} "
            f"clearly (best: {best['scenario']}, {best['diff']:+.3g})."
        )
    return (
        f"Best intervention: {best['scenario']} raises {word} from "
        f"{fmt_number(rows['mean'].iloc[0])} to {fmt_number(best['mean'])} "
        f"({best['diff']:+.3g}, 95% CI {best['diff_ci_low']:+.3g} to "
        f"{best['diff_ci_high']:+.3g}, common random numbers)."
    )


@validate_params({"results": [Results]})
def sections(results: Results) -> list[Section]:
    """The report's sections, each built from the tables alone.

    Parameters
    ----------
    results : Results
        Tables and facts.

    Returns
    -------
    list of Section
        In order: reach, drop-off, threshold, gatekeepers, who to ask (when
        available), weak ties, interventions.
    """
    built = [
        _reach_section(results),
        _dropoff_section(results),
    ]
    if results.facts.get("kind") != "search":
        built.append(_threshold_section(results))
    built.append(_gatekeeper_section(results))
    who = _who_to_ask_section(results)
    if who is not None:
        built.append(who)
    built += [_weak_tie_section(results), _compare_section(results)]
    return built


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


def _render(draw) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 4.2), dpi=100, layout="constrained")
    ax = figure.subplots()
    draw(ax)
    buffer = _io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------- HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1d2430;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:1.7em;margin:0 0 .2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}
.meta{color:#5a6270;font-size:.9em}
ul.headline{font-size:1.08em;line-height:1.5;background:#f3f6fb;padding:14px 14px 14px
34px;border-left:4px solid #2f6db5}
ul.headline li{margin:.35em 0}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #e3e3e3}
figcaption{color:#5a6270;font-size:.92em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
.note{color:#5a6270;font-size:.85em}.scroll{overflow-x:auto}
"""


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.4g}"


def _table_html(name: str, frame: pd.DataFrame, fmt: str, rows: int = 25) -> str:
    shown = frame.head(rows)
    body = shown.to_html(
        index=False,
        border=0,
        float_format=_number,
        na_rep="",
        classes="data",
    )
    more = f" Showing {rows} of {len(frame):,} rows." if len(frame) > rows else ""
    return (
        f'<h3 id="table-{name}">{html.escape(name)}</h3>'
        f'<div class="scroll">{body}</div>'
        f'<p class="note">Full table: <a href="{name}.{fmt}">{name}.{fmt}</a>.'
        f"{more}</p>"
    )


def _html(results, built, images, fmt) -> str:
    e = html.escape
    facts = results.facts
    meta = []
    if facts.get("network"):
        meta.append(f"Network: {e(facts['network'])}.")
    if facts.get("trials"):
        meta.append(f"{e(facts['trials'])} trials, seed {e(facts.get('seed', '?'))}.")
    if facts.get("interventions"):
        meta.append(f"Interventions tried: {e(facts['interventions'])}.")
    meta.append(f"Made by referral on {_dt.date.today().isoformat()}.")
    items = "".join(f"<li>{e(s)}</li>" for section in built for s in section.sentences)
    body = []
    for section in built:
        if not (section.charts or section.notes):
            continue
        parts = [f"<h2>{e(section.name)}</h2>"]
        for name, caption, _ in section.charts:
            png = images[name]
            parts.append(
                f'<figure id="chart-{name}"><img alt="{e(caption)}" '
                f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
                f'<figcaption>{e(caption)} (<a href="{name}.png">{name}.png</a>)'
                f"</figcaption></figure>"
            )
        for note in section.notes:
            parts.append(f'<p class="note">Left out: {e(note)}</p>')
        body.append("".join(parts))
    tables = "".join(
        _table_html(name, results.tables[name], fmt)
        for name in TABLES
        if name in results.tables
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(results.title)}</title>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{e(results.title)}</h1>"
        f'<p class="meta">{" ".join(meta)}</p>'
        f'<h2>Headline</h2><ul class="headline">{items}</ul>'
        f"{''.join(body)}"
        f"<h2>Tables</h2>{tables}"
        "</main></body></html>\n"
    )


# ------------------------------------------------------------------ writing
@validate_params({"force": ["boolean"]})
def check_writable(out, *, force: bool = False) -> None:
    """Refuse early if a report already exists in ``out`` (without force).

    Parameters
    ----------
    out : str or path
        The report folder.
    force : bool, default False
        Allow overwriting.

    Raises
    ------
    FileExistsError
    """
    index = Path(out) / "index.html"
    if index.exists() and not force:
        raise FileExistsError(
            f"{str(index)!r} already exists; pass --force (force=True) to "
            f"overwrite the report."
        )


@contextlib.contextmanager
@validate_params({"force": ["boolean"]})
def staged_outputs(paths, *, force: bool = False):
    """Stage the files of one output folder beside it, then rename it once.

    All ``paths`` must lie in one folder. Refuses before anything is written
    if the folder exists (a file, or a non-empty folder) and ``force`` is
    false. Yields ``staged(path) -> path in the staging folder``; the whole
    folder is then renamed into place by :func:`referral.io.staged_folder`,
    so it is absent or complete whenever the process stops.

    Parameters
    ----------
    paths : iterable of str or path
        The final outputs.
    force : bool, default False
        Allow overwriting.

    Yields
    ------
    callable
        ``staged(path) -> temporary path`` to write each output to.

    Raises
    ------
    FileExistsError
    """
    from referral.io import staged_folder

    paths = [Path(p) for p in paths]
    parents = {p.parent for p in paths}
    if len(parents) != 1:
        raise ValueError(
            f"staged_outputs writes one folder; got files in {len(parents)}."
        )
    (out,) = parents
    with staged_folder(out, force=force) as stage:
        yield lambda path: stage / Path(path).name


@validate_params(
    {
        "results": [Results],
        "force": ["boolean"],
        "table_format": [Options(("csv", "parquet"))],
    }
)
def write_report(
    results: Results, out, *, force: bool = False, table_format: str = "csv"
) -> Path:
    """Write the report folder: ``index.html``, the tables and the charts.

    Parameters
    ----------
    results : Results
        The tables to write.
    out : str or path
        The folder (created if needed).
    force : bool, default False
        Overwrite an existing report.
    table_format : {"csv", "parquet"}

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Raises
    ------
    FileExistsError
        If the report (or one of its files) exists and ``force`` is false.
    """
    from referral.io import write_table

    out = Path(out)
    check_writable(out, force=force)
    built = sections(results)
    images = {
        name: _render(draw) for section in built for name, _, draw in section.charts
    }
    tables = {name: results.tables[name] for name in TABLES if name in results.tables}
    fact_items = {"title": results.title, **results.facts}
    facts = pd.DataFrame(
        {
            "key": list(fact_items),
            "value": [str(v) for v in fact_items.values()],
        },
        dtype=object,
    )
    files = {out / f"{name}.{table_format}": frame for name, frame in tables.items()}
    files[out / f"facts.{table_format}"] = facts
    pngs = {out / f"{name}.png": png for name, png in images.items()}
    index = out / "index.html"
    page = _html(results, built, images, table_format)
    with staged_outputs([*files, *pngs, index], force=force) as staged:
        for path, frame in files.items():
            write_table(_text_labels(frame), staged(path), force=True)
        for path, png in pngs.items():
            staged(path).write_bytes(png)
        staged(index).write_text(page, encoding="utf-8")
    return index


def _text_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v if v is None else str(v))
    return frame
