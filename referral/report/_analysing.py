"""The report's tables: the :class:`Results` bundle and the saved folders.

:func:`read_results` reads a saved folder back and checks each table has the
columns the report needs; :func:`with_attributes` and :func:`with_names`
carry the roster into per-person tables. The standard analysis itself
(:func:`referral.report.analyse`) lives in ``_pipeline``, above both this
room and the rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from referral._core.renamed import upgrade_columns
from referral._core.stats import with_ambassadors_intervals

__all__ = ["TABLES", "Results", "read_results", "with_attributes", "with_names"]

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
    "reach_over_time",
    "time_to_candidates",
    "incentives",
    "fit",
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


# --------------------------------------------------------------- reading back
def _required():
    from referral.analysis._common import (
        BY_HOP_PEOPLE,
        BY_STEP,
        COST_COLUMNS,
        CURVE_COLUMNS,
    )
    from referral.analysis._representation import REPRESENTATION_COLUMNS

    return {
        "dropoff": ["hop", "held", "passed_on", "did_not_pass_on", "newly_reached"],
        "tie_offers": ["hop", "offered", "arrived", "lost_did_not_act"],
        "by_hop": BY_HOP_PEOPLE,
        "by_step": BY_STEP,
        "gatekeepers": ["person", "estimate", "ci_low", "ci_high"],
        "cost": COST_COLUMNS,
        "cost_curve": CURVE_COLUMNS,
        "weak_ties": ["scope", "hop", "chains", "via_weak", "estimate"],
        "compare": [
            "scenario",
            "measure",
            "estimate",
            "diff",
            "diff_se",
            "diff_ci_low",
            "diff_ci_high",
        ],
        "people": ["person", "chain_share"],
        "representation": REPRESENTATION_COLUMNS,
        "homophily": ["by", "group", "within_share", "random_share", "times_random"],
        "ambassadors": list(_ambassador_columns()),
        "reach_over_time": ["time", "measure", "estimate", "ci_low", "ci_high"],
        "time_to_candidates": ["k", "time", "estimate", "ci_low", "ci_high"],
        "incentives": [
            "scheme",
            "measure",
            "estimate",
            "ci_low",
            "ci_high",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
        ],
    }


def _ambassador_columns():
    from referral.wording._who_to_ask import _COLUMNS

    return _COLUMNS


# both kinds of summary have the same columns; the measures tell them apart
_SUMMARY = {
    "spread": ["measure", "estimate", "se", "ci_low", "ci_high"],
    "search": ["measure", "estimate", "se", "ci_low", "ci_high", "n"],
}


#: results-folder table -> the table whose old column names it may hold
_RENAMED_TABLES = {
    "compare": "compare",
    "gatekeepers": "gatekeepers",
    "ambassadors": "ambassadors",
    "cost": "other_people",
    "cost_curve": "other_people",
    "weak_ties": "weak_tie_share",
}


def _with_new_names(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A table written by an earlier release, with today's column names."""
    table = _RENAMED_TABLES.get(path.stem)
    if table is None:
        return frame
    frame = upgrade_columns(frame, table, where=repr(str(path)))
    if table == "ambassadors" and isinstance(frame, pd.DataFrame):
        # saved before the table had its intervals: the same formulas
        frame = with_ambassadors_intervals(frame)
    return frame


def _check_columns(path: Path, frame: pd.DataFrame, columns) -> None:
    from referral._core.validation import require_columns

    require_columns(frame, columns, f"The report's {str(path)!r}")


#: columns that hold text, never numbers
_TEXT = {
    "measure",
    "scenario",
    "scheme",
    "detail",
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
    "reach_over_time": ["measure", "time"],
    "time_to_candidates": ["k", "time"],
}


def _typed(path: Path, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table with number columns as numbers and flag columns as
    booleans, sorted by its key columns; a cell that is neither is an error
    naming the file, the column and the line."""
    from referral._core.csv import flag_values

    frame = frame.copy()
    where = repr(str(path))
    from referral.wording._gatekeepers import _SENTENCE_COLUMNS

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
        tables[path.stem] = _with_new_names(frame, path)
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
        from referral.wording._gatekeepers import _SENTENCE_COLUMNS

        have = set(tables["gatekeepers"].columns)
        if have & {"in_top_group", "top_group_size", "compared", "se"}:
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
