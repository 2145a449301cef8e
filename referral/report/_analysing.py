"""The report's computations: the standard analysis and the saved tables.

:func:`analyse` runs the standard analysis of a network (spread, drop-off,
the "other people" cost, gatekeepers, weak ties, interventions) and returns a
:class:`Results` bundle of tidy tables; :func:`demo_results` does it for the
bundled demo network; :func:`read_results` reads a saved folder back and
checks each table has the columns the report needs.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from referral._params import Interval, validate_params

__all__ = ["TABLES", "Results", "analyse", "demo_results", "read_results"]

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
    "representation",
    "homophily",
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
    source : pathlib.Path or None
        The folder the tables were read from (:func:`read_results`); a
        report is never written over it.
    """

    title: str
    tables: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    source: Path | None = None


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
        "name": [str, None],
        "interventions": [Mapping, None],
        "force": ["boolean"],
    }
)
def analyse(
    network,
    sources=None,
    *,
    out=None,
    force: bool = False,
    name: str | None = None,
    interventions=None,
    title: str = "Referral report",
    description: str | None = None,
    trials=None,
    top: int = 10,
    seed=0,
    n_jobs=None,
    progress: bool = False,
) -> Results:
    """Run the whole analysis of a network, and write the report if asked.

    The spread of one opening, where it stops (drop-off), what the people
    who do not pass it on cost and where the network sits relative to its
    threshold, the gatekeepers, whom to ask to share it, the weak ties on
    the chains that reached candidates, and a default set of interventions
    against today's network, all with one seed. This is also
    :func:`referral.analyse` and ``referral analyse TIES --people ROSTER``.

    Parameters
    ----------
    network : ReferralNetwork
        The network, e.g. from :func:`referral.io.read_edgelist` and
        :func:`referral.io.apply_people`.
    sources : labels, optional
        Who posts the opening (default: the recruiters).
    out : str or path, optional
        Write the report folder here (:func:`write_report`); an earlier
        report there is replaced only with ``force``.
    force : bool, default False
        Replace an earlier report at ``out``.
    name : str, optional
        A person attribute with display names (e.g. a roster's ``name``
        column): added as a ``name`` column next to ``person`` in the people,
        gatekeepers and ambassadors tables, and used in their sentences.
        Every person attribute (e.g. ``department``) is carried into the
        people table in any case.
    interventions : mapping of str to ReferralNetwork, optional
        More scenarios to compare with today's network, besides the default
        ones (train the top gatekeepers, a referral bonus of +0.1); each must
        have the same people, as :mod:`referral.interventions` returns.
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
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. One
        seed for every step.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. It follows the main
        spread.

    Returns
    -------
    Results
        The tables, headline facts and results, ready for the report.

    Raises
    ------
    FileExistsError
        If ``out`` holds an earlier output and ``force`` is false (checked
        before any simulation).
    ValueError
        If ``name`` is not a person attribute, or an intervention's people
        differ from the network's.

    Examples
    --------
    >>> import networkx as nx, tempfile
    >>> from referral import from_networkx
    >>> net = from_networkx(nx.karate_club_graph(), strength=0.5, activity=0.3,
    ...                     recruiters=[0], candidates=range(20, 34))
    >>> quick = dict(spread=100, cost=100, gatekeepers=20, compare=100,
    ...              ambassadors=50)
    >>> results = analyse(net, trials=quick, top=3,
    ...                   out=tempfile.mkdtemp() + "/report")
    >>> sorted(results.tables)[:4]
    ['ambassadors', 'compare', 'cost', 'cost_curve']
    """
    from referral import analysis
    from referral import interventions as changes
    from referral._random import resolve_entropy

    if out is not None:
        from referral.report._rendering import check_writable

        check_writable(out, force=force)
    if name is not None and name not in network.attributes:
        raise ValueError(
            f"analyse: name={name!r} is not a person attribute; the attributes "
            f"are {sorted(network.attributes)}."
        )
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
            changes.boost_activity(network, trained, to=0.9)
        ),
        "referral bonus +0.1": changes.referral_bonus(network, 0.1),
    }
    for label, changed in (interventions or {}).items():
        if str(label) in scenarios:
            raise ValueError(
                f"analyse: the intervention {label!r} has the name of a default "
                f"scenario; choose another."
            )
        scenarios[str(label)] = changed
    compared = analysis.compare(
        scenarios,
        trials=steps["compare"],
        seed=entropy,
        n_jobs=n_jobs,
        sources=sources,
    )
    asked = None
    # ask neither the recruiters posting nor the candidates: the candidates
    # are the audience (a candidate who posts counts as reached, so an
    # isolated one would be picked for reaching only themselves)
    not_asked = set(result.sources.tolist()) | set(network.candidates.tolist())
    can_ask = network.n_people - len(not_asked)
    if network.is_candidate.any() and steps.get("ambassadors", 0) > 0 and can_ask:
        from referral.ambassadors import ambassadors

        asked = ambassadors(
            network,
            min(5, can_ask),
            exclude=list(network.labels[sorted(not_asked)]),
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
        "baseline": "as is",
        "trials": str(result.n_trials),
        "seed": str(entropy),
        "gatekeeper_measure": str(keepers["measure"].iloc[0]) if len(keepers) else "",
        "interventions": (
            f"train top {len(trained)} gatekeepers: their activity raised to 0.9; "
            f"referral bonus +0.1: everyone's activity raised by 0.1"
            + "".join(f"; {label}: your own" for label in interventions or {})
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
        "people": with_attributes(result.people(), network),
    }
    if asked is not None:
        tables["ambassadors"] = asked
    if name is not None:
        for key in ("gatekeepers", "ambassadors"):
            if key in tables:
                tables[key] = with_names(tables[key], network, name)
    results = Results(title=title, tables=tables, facts=facts)
    if out is not None:
        from referral.report._rendering import write_report

        write_report(results, out, force=force)
    return results


def with_attributes(table: pd.DataFrame, network, columns=None) -> pd.DataFrame:
    """A per-person table (one row per id, in id order, a ``person`` column)
    with the network's person attributes inserted after ``person``: a
    roster's names and departments reach ``people.csv``."""
    table = table.copy()
    if "person" not in table.columns:
        return table
    at = list(table.columns).index("person") + 1
    names = [c for c in (columns or network.attributes) if c not in table.columns]
    for offset, column in enumerate(names):
        table.insert(at + offset, column, list(network.attributes[column]))
    return table


def with_names(table: pd.DataFrame, network, name: str) -> pd.DataFrame:
    """``table`` with a ``name`` column after ``person`` (and
    ``degree_person_name`` after ``degree_person``) from the person attribute
    ``name``."""
    table = table.copy()
    values = np.asarray(network.attributes[name], dtype=object)

    def lookup(labels):
        ids = network.positions(list(labels))
        return [values[i] if i >= 0 else None for i in ids]

    for column, new in (("person", "name"), ("degree_person", "degree_person_name")):
        if column in table.columns and new not in table.columns:
            at = list(table.columns).index(column) + 1
            table.insert(at, new, lookup(table[column]))
    return table


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
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random numbers; the same seed gives the same result. It
        seeds the population draw and every simulation.
    trials : dict, optional
        As in :func:`analyse`.
    n_jobs : int, optional
        Worker threads (``None``: 1, ``-1``: all cores); the result is the same
        for any ``n_jobs``.
    progress : bool, default False
        Show a ``tqdm`` progress bar; it changes no number. It follows the main
        spread.

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
    from referral._representation import REPRESENTATION_COLUMNS

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
            "diff_se",
            "diff_ci_low",
            "diff_ci_high",
        ],
        "people": ["person", "chain_share"],
        "representation": REPRESENTATION_COLUMNS,
        "homophily": ["by", "group", "within_share", "random_share", "times_random"],
        "ambassadors": list(_ambassador_columns()),
    }


def _ambassador_columns():
    from referral._who_to_ask import _COLUMNS

    return _COLUMNS


# both kinds of summary have the same columns; the measures tell them apart
_SUMMARY = {
    "spread": ["measure", "estimate", "se", "ci_low", "ci_high"],
    "search": ["measure", "estimate", "se", "ci_low", "ci_high", "n"],
}


def _check_columns(path: Path, frame: pd.DataFrame, columns) -> None:
    from referral._validation import require_columns

    require_columns(frame, columns, f"The report's {str(path)!r}")


#: columns that hold text, never numbers
_TEXT = {
    "measure",
    "scenario",
    "method",
    "scope",
    "person",
    "name",
    "degree_person",
    "degree_person_name",
    "tier",
    "no_guarantee_because",
    "key",
    "value",
    "by",
    "pool",
    "among",
    "group",
}
#: yes/no columns, read by the one flag reader
_FLAGS = {"acyclic", "in_top_group", "target", "candidate", "recruiter"}
#: the columns that key each table's rows: a table sorted in a spreadsheet
#: reads the same
_KEYS = {
    "dropoff": ["hop"],
    "tie_offers": ["hop"],
    "by_hop": ["hop"],
    "by_step": ["step"],
    "cost_curve": ["multiplier"],
    "gatekeepers": ["rank"],
    "ambassadors": ["rank"],
    "weak_ties": ["scope", "hop"],
}


def _typed(path: Path, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table with number columns as numbers and flag columns as
    booleans, sorted by its key columns; a cell that is neither is an error
    naming the file, the column and the line."""
    from referral._csv import flag_values

    frame = frame.copy()
    where = repr(str(path))
    from referral.gatekeeper_words import _SENTENCE_COLUMNS

    needed = set(_required().get(name, ())) | set(_SUMMARY["search"])
    if name == "gatekeepers":
        needed |= set(_SENTENCE_COLUMNS)
    for column in frame.columns:
        if column in _TEXT:
            continue
        values = frame[column]
        if column in _FLAGS:
            frame[column] = flag_values(values, column, where, 2)
            continue
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna() & values.notna()
        if not bad.any():
            frame[column] = numbers
        elif column in needed or (
            name != "people" and bad.sum() < values.notna().sum()
        ):
            # a number column with a cell that is not a number
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{where}, line {row + 2}: column {column!r} must be a number. "
                f"Got {values.iloc[row]!r}."
            )
    keys = [k for k in _KEYS.get(name, ()) if k in frame.columns]
    if keys:
        frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return frame


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
    if "gatekeepers" in tables:
        # a table written with the top-group columns (referral.gatekeepers)
        # must keep all of them: the sentence reads them, and one removed in
        # a spreadsheet is named rather than the finding silently dropped
        from referral.gatekeeper_words import _SENTENCE_COLUMNS

        have = set(tables["gatekeepers"].columns)
        if have & {"in_top_group", "top_group_size", "compared", "loss_se"}:
            required["gatekeepers"] = list(
                dict.fromkeys([*required["gatekeepers"], *_SENTENCE_COLUMNS])
            )
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
    for name in list(tables):
        tables[name] = _typed(paths[name], tables[name], name)
    title = facts.get("title") or f"Referral report: {folder.name}"
    return Results(title=title, tables=tables, facts=facts, source=folder)
