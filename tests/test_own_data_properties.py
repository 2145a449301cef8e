"""Property tests for the readers of your own data and of results folders.

Readers: random rosters and tie lists with blank cells, leading zeros,
mapped column names and tie types in any case keep every id as written,
fill every blank from the default (and count them), and map every type.
Report folders edited as a user would in a spreadsheet (rows sorted or
shuffled, columns reordered, a cell made non-numeric, a column removed)
give the same headline, or an error that names the file and the column;
never a different verdict.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import referral
from referral import io
from referral.report import headline, read_results

TYPES = {"mentor": 0.9, "peer": 0.5, "alumni": 0.2, "manager": 1.0}


@st.composite
def hr_files(draw):
    n = draw(st.integers(2, 12))
    numbers = draw(st.lists(st.integers(0, 999), min_size=n, max_size=n, unique=True))
    width = draw(st.sampled_from([0, 3, 4]))  # 0: plain numbers
    ids = [f"{x:0{width}d}" if width else str(x) for x in numbers]
    activity = draw(
        st.lists(
            st.one_of(st.none(), st.floats(0, 1).map(lambda x: round(x, 3))),
            min_size=n,
            max_size=n,
        )
    )
    n_ties = draw(st.integers(1, 15))
    ends = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                lambda t: t[0] != t[1]
            ),
            min_size=1,
            max_size=n_ties,
            unique_by=lambda t: frozenset(t),  # a repeated pair is one tie
        )
    )
    n_ties = len(ends)
    kinds = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(TYPES)),
                st.sampled_from([str.lower, str.upper, str.title]),
                st.sampled_from(["", " "]),
            ),
            min_size=n_ties,
            max_size=n_ties,
        )
    )
    id_column = draw(st.sampled_from(["person", "employee_id", "EmpNo"]))
    score_column = draw(st.sampled_from(["activity", "score"]))
    default = draw(st.sampled_from([0.3, 0.1, 0.75]))
    return ids, activity, ends, kinds, id_column, score_column, default


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(hr_files())
def test_readers_keep_ids_fill_blanks_and_map_types(files):
    ids, activity, ends, kinds, id_column, score_column, default = files
    folder = Path(tempfile.mkdtemp())
    try:
        roster = [f"{id_column},{score_column},dept"]
        for label, value in zip(ids, activity, strict=True):
            roster.append(f"{label},{'' if value is None else value},d{label}")
        (folder / "roster.csv").write_text("\n".join(roster) + "\n")
        ties = ["a,b,relation"]
        for (u, v), (kind, case, pad) in zip(ends, kinds, strict=True):
            ties.append(f"{ids[u]},{ids[v]},{pad}{case(kind)}{pad}")
        (folder / "ties.csv").write_text("\n".join(ties) + "\n")

        net = io.read_edgelist(
            folder / "ties.csv",
            columns={"a": "source", "b": "target"},
            strength="relation",
            tie_types=TYPES,
            activity=default,
        )
        people = io.read_people(
            folder / "roster.csv",
            columns={id_column: "person", score_column: "activity"},
        )
        blanks = sum(value is None for value in activity)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            net = io.apply_people(net, people, default_activity=default)
        counted = [w for w in caught if "empty 'activity' cell" in str(w.message)]
        if blanks:
            assert len(counted) == 1
            assert f"{blanks} of {len(ids)} people" in str(counted[0].message)
        else:
            assert counted == []
        # every id reads as written; one with a leading zero is kept as text
        # (plain numbers may be ints: each file's ids are ints only when all
        # of them are plain numbers, and a roster matches them by their text)
        labels = net.labels.tolist()
        assert sorted(map(str, labels)) == sorted(ids)
        for label in labels:
            if not re.fullmatch(r"0|[1-9][0-9]*", str(label)):
                assert isinstance(label, str)
        position = {str(x): k for k, x in enumerate(labels)}
        for value, text in zip(activity, ids, strict=True):
            k = position[text]
            expected = default if value is None else value
            assert net.activity[k] == pytest.approx(expected)
            assert net.attributes["dept"][k] == f"d{text}"
        # every tie's strength is its type's
        src = np.repeat(np.arange(net.n_people), np.diff(net.indptr))
        found = {
            (net.labels[a], net.labels[b]): s
            for a, b, s in zip(src, net.indices, net.strength, strict=True)
        }
        found = {(str(a), str(b)): value for (a, b), value in found.items()}
        for (u, v), (kind, _, _) in zip(ends, kinds, strict=True):
            assert found[(ids[u], ids[v])] == TYPES[kind]
    finally:
        shutil.rmtree(folder)


# --------------------------------------------------------- report folders
@pytest.fixture(scope="module")
def report_folder(tmp_path_factory):
    net = referral.from_networkx(
        nx.karate_club_graph(),
        strength=0.6,
        activity=0.4,
        recruiters=[0],
        candidates=range(20, 34),
    )
    folder = tmp_path_factory.mktemp("rep") / "report"
    trials = {
        "spread": 200,
        "cost": 200,
        "gatekeepers": 40,
        "compare": 200,
        "ambassadors": 60,
    }
    referral.analyse(net, out=folder, trials=trials, top=4, seed=5)
    return folder, headline(read_results(folder))


#: the tables whose content the headline reads, with the columns a reader
#: requires (removing one must be named) and the numeric ones among them
EDITABLE = {
    "summary": ["estimate", "se", "ci_low", "ci_high"],
    "dropoff": ["held", "passed_on", "newly_reached"],
    "gatekeepers": ["estimate", "se", "ci_low", "compared"],
    "cost": ["multiplier", "people_reached_estimate"],
    "cost_curve": ["multiplier", "people_reached_estimate", "people_reached_median"],
    "compare": ["estimate", "diff", "diff_se", "diff_ci_low"],
    "ambassadors": ["rank", "reach_estimate", "reach_se", "gain_estimate"],
}

edits = st.tuples(
    st.sampled_from(sorted(EDITABLE)),
    st.sampled_from(["sort", "shuffle", "reverse", "columns", "cell", "drop"]),
    st.integers(0, 10_000),
)


@pytest.mark.stat
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(edits, min_size=1, max_size=3))
def test_edited_report_says_the_same_or_names_the_problem(report_folder, changes):
    original, before = report_folder
    work = Path(tempfile.mkdtemp()) / "edited"
    shutil.copytree(original, work)
    named = []  # (file, column) an error must name
    try:
        for name, kind, salt in changes:
            path = work / f"{name}.csv"
            frame = pd.read_csv(path)
            rng = np.random.default_rng(salt)
            if kind == "sort":
                column = frame.columns[salt % len(frame.columns)]
                frame = frame.sort_values(column, key=lambda s: s.astype(str))
            elif kind == "shuffle":
                frame = frame.iloc[rng.permutation(len(frame))]
            elif kind == "reverse":
                frame = frame.iloc[::-1]
            elif kind == "columns":
                frame = frame[list(rng.permutation(frame.columns))]
            elif EDITABLE[name][salt % len(EDITABLE[name])] not in frame.columns:
                continue  # already removed by an earlier edit
            elif kind == "cell":
                column = EDITABLE[name][salt % len(EDITABLE[name])]
                frame[column] = frame[column].astype(object)
                frame.iloc[salt % len(frame), frame.columns.get_loc(column)] = "abc"
                named.append((name, column))
            else:
                column = EDITABLE[name][salt % len(EDITABLE[name])]
                frame = frame.drop(columns=[column])
                named.append((name, column))
            frame.to_csv(path, index=False)
        try:
            after = headline(read_results(work))
        except ValueError as error:
            message = str(error)
            assert named, message  # only a broken table may be refused
            assert any(
                f"{file}.csv" in message
                and repr(column) in message
                or f"{file}.csv" in message
                and "no reference scenario" in message
                for file, column in named
            ), (message, named)
            return
        if named:
            # a drop or a bad cell the headline does not use: said the same
            assert after == before, (named, after)
        else:
            assert after == before
    finally:
        shutil.rmtree(work.parent)
