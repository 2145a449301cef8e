"""Your own data, end to end, and nothing lost (issue 23).

A roster and a tie list as HR exports them go to the full report with one
command and one function; outputs never replace anything but an earlier
output of the same kind; readers of results folders key on columns; flags
read one way; one default activity everywhere.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral import io
from referral.cli import main
from referral.io import DEFAULT_ACTIVITY
from referral.report import read_results, sections, write_report

QUICK = {"spread": 200, "cost": 200, "gatekeepers": 40, "compare": 200}
QUICK_ALL = {**QUICK, "ambassadors": 60}


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setenv("REFERRAL_QUICK", "1")


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def hr(tmp_path_factory):
    """A tie list and a roster as an HR system exports them: its own column
    names, ids with leading zeros, text tie types, blank cells, names."""
    folder = tmp_path_factory.mktemp("hr")
    G = nx.karate_club_graph()
    kinds = ["mentor", "Peer", " peer ", "alumni"]
    rows = [(f"{u:03d}", f"{v:03d}", kinds[(u + v) % 4]) for u, v in sorted(G.edges())]
    pd.DataFrame(rows, columns=["emp_a", "emp_b", "relation"]).to_csv(
        folder / "ties.csv", index=False
    )
    lines = ["employee_id,full_name,dept,is_recruiter,candidate,activity"]
    for u in G.nodes:
        activity = "" if u % 3 == 0 else f"{0.2 + 0.02 * (u % 10):.2f}"
        recruiter = "yes" if u == 0 else ("" if u % 2 else "no")
        candidate = "1" if u >= 24 else ""
        lines.append(
            f"{u:03d},Person {u},{G.nodes[u]['club']},{recruiter},{candidate},"
            f"{activity}"
        )
    lines.append("900,Newcomer,Mr. Hi,no,1,0.5")  # on the roster, no ties yet
    (folder / "roster.csv").write_text("\n".join(lines) + "\n")
    return folder


HR_OPTIONS = [
    "--people-columns",
    "employee_id=person,is_recruiter=recruiter",
    "--tie-columns",
    "emp_a=source,emp_b=target",
    "--strength",
    "relation",
    "--tie-types",
    "mentor=0.9,peer=0.5,alumni=0.2",
    "--name-column",
    "full_name",
]


def _hr_network(folder):
    net = io.read_edgelist(
        folder / "ties.csv",
        columns={"emp_a": "source", "emp_b": "target"},
        strength="relation",
        tie_types={"mentor": 0.9, "peer": 0.5, "alumni": 0.2},
    )
    people = io.read_people(
        folder / "roster.csv",
        columns={"employee_id": "person", "is_recruiter": "recruiter"},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return io.apply_people(net, people)


# ------------------------------------------------------------ one command
def test_analyse_command_writes_the_full_report(hr, tmp_path, capsys):
    out = tmp_path / "report"
    code, stdout, err = run(
        [
            "analyse",
            hr / "ties.csv",
            "--people",
            hr / "roster.csv",
            *HR_OPTIONS,
            "--trials",
            200,
            "--out",
            out,
            "--no-progress",
        ],
        capsys,
    )
    assert code == 0, err
    # every section is there: nothing "left out"
    names = {p.name for p in out.iterdir()}
    for table in ["cost", "cost_curve", "gatekeepers", "weak_ties", "compare"]:
        assert f"{table}.csv" in names
    assert "ambassadors.csv" in names and "index.html" in names
    html = (out / "index.html").read_text()
    assert "Left out:" not in html
    # blank activity cells counted in one warning (every third of 34 people)
    assert "12 of 35 people have an empty 'activity' cell" in err
    assert "default activity 0.3" in err
    # the activity is stated in the summary
    assert "activity 0.3 for 12 of 35 people (the default" in stdout
    # ids kept as written, names and departments carried into people.csv
    people = pd.read_csv(out / "people.csv", dtype={"person": str})
    assert people["person"].iloc[0] == "000" and "900" in set(people["person"])
    assert list(people.columns[:3]) == ["person", "full_name", "dept"]
    assert people.set_index("person").loc["033", "full_name"] == "Person 33"
    # the display name is in the gatekeepers table and in its sentence
    keepers = pd.read_csv(out / "gatekeepers.csv", dtype={"person": str})
    assert "name" in keepers.columns
    first = keepers.sort_values("rank").iloc[0]
    # sentences name people by their display name (issue 22), not by id
    assert f"{first['name']}" in stdout


@pytest.mark.slow
def test_analyse_function_is_the_same_path(hr, tmp_path):
    net = _hr_network(hr)
    assert net.labels[0] == "000" and "900" in net.labels.tolist()
    results = referral.analyse(
        net, out=tmp_path / "r", name="full_name", trials=QUICK_ALL, seed=3
    )
    assert referral.analyse is referral.report.analyse
    assert (tmp_path / "r" / "index.html").exists()
    assert {"cost", "gatekeepers", "weak_ties", "compare", "ambassadors"} <= set(
        results.tables
    )
    assert results.tables["people"]["dept"].notna().sum() == 35
    # the same seed gives the same tables
    again = referral.analyse(net, name="full_name", trials=QUICK_ALL, seed=3)
    pd.testing.assert_frame_equal(
        results.tables["compare"], again.tables["compare"], check_like=True
    )


def test_analyse_refuses_before_work(hr, tmp_path):
    net = _hr_network(hr)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(FileExistsError, match="already exists"):
        referral.analyse(net, out=tmp_path / "mine", trials=QUICK_ALL)
    with pytest.raises(ValueError, match="not a folder written by referral"):
        referral.analyse(net, out=tmp_path / "mine", force=True, trials=QUICK_ALL)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"
    with pytest.raises(ValueError, match="name='nope' is not a person attribute"):
        referral.analyse(net, name="nope", trials=QUICK_ALL)


# ---------------------------------------------------------- default activity
def test_one_default_activity(tmp_path, capsys):
    import inspect

    from referral.cli._parser import build_parser

    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\na,b\nb,c\n")
    assert DEFAULT_ACTIVITY == 0.3
    assert set(io.read_edgelist(ties).activity) == {DEFAULT_ACTIVITY}
    linkedin = inspect.signature(io.linkedin_network).parameters["activity"]
    assert linkedin.default == DEFAULT_ACTIVITY
    args = build_parser().parse_args(["spread", str(ties), "--sources", "a"])
    assert args.activity == DEFAULT_ACTIVITY
    # the same file reaches the same people from Python and the CLI
    net = io.read_edgelist(ties)
    python = referral.spread(net, ["a"], trials=300, seed=1).summary()
    code, stdout, err = run(
        [
            "spread",
            ties,
            "--sources",
            "a",
            "--trials",
            300,
            "--seed",
            1,
            "--out",
            tmp_path / "s",
        ],
        capsys,
    )
    assert code == 0, err
    cli = pd.read_csv(tmp_path / "s" / "summary.csv")
    assert cli["estimate"].iloc[0] == pytest.approx(python["estimate"].iloc[0])
    assert "activity 0.3 for 3 of 3 people (the default" in stdout


# ------------------------------------------------------------ rosters, ties
def test_roster_reading(tmp_path):
    roster = tmp_path / "hr.csv"
    roster.write_text("employee_id,score,boss\n007,,yes\n010,0.8,\n011,,no\n")
    people = io.read_people(
        roster,
        columns={"employee_id": "person", "score": "activity", "boss": "recruiter"},
    )
    assert people.index.tolist() == ["007", "010", "011"]
    net = io.read_edgelist(pd.DataFrame({"source": ["007"], "target": ["010"]}))
    with pytest.warns(UserWarning, match=r"2 of 3 people have an empty 'activity'"):
        net = io.apply_people(net, people, default_activity=0.25)
    assert net.activity.tolist() == [0.25, 0.8, 0.25]
    assert net.is_recruiter.tolist() == [True, False, False]
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['nope'\]"):
        io.read_people(roster, columns={"nope": "person"})
    roster.write_text("person,activity\na,high\n")
    with pytest.raises(ValueError, match=r"hr.csv', line 2: column 'activity' must"):
        io.apply_people(net, io.read_people(roster))
    roster.write_text("person,candidate\na,maybe\n")
    with pytest.raises(ValueError, match=r"line 2: column 'candidate' must be yes/no"):
        io.apply_people(net, io.read_people(roster))


def test_tie_types_and_rescale(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("a,b,kind,calls\n1,2,Mentor,40\n2,3,peer,10\n3,4,stranger,5\n")
    common = {"columns": {"a": "source", "b": "target"}}
    with pytest.raises(
        ValueError,
        match=r"line 4: column 'kind' holds the tie type "
        r"'stranger', which tie_types does not map",
    ):
        io.read_edgelist(
            ties, strength="kind", tie_types={"mentor": 1, "peer": 0.4}, **common
        )
    net = io.read_edgelist(ties, strength="calls", rescale=True, **common)
    assert sorted(set(net.strength.tolist())) == [0.125, 0.25, 1.0]
    assert net.labels.tolist() == [1, 2, 3, 4]  # plain whole numbers stay ints
    with pytest.raises(ValueError, match="tie_types needs strength=COLUMN"):
        io.read_edgelist(ties, strength=1.0, tie_types={"a": 1}, **common)


def test_weak_column_reads_yes_no_and_empty(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target,weak\na,b,no\nb,c,\nc,d,yes\nd,e,0\ne,f,TRUE\n")
    net = io.read_edgelist(ties, weak="weak")
    frame = pd.DataFrame(
        {
            "s": net.labels[np.repeat(np.arange(net.n_people), np.diff(net.indptr))],
            "t": net.labels[net.indices],
            "weak": net.weak,
        }
    )
    weak = set(map(tuple, frame.loc[frame["weak"], ["s", "t"]].to_numpy()))
    assert weak == {("c", "d"), ("d", "c"), ("e", "f"), ("f", "e")}
    ties.write_text("source,target,weak\na,b,perhaps\n")
    with pytest.raises(ValueError, match=r"line 2: column 'weak' must be yes/no"):
        io.read_edgelist(ties, weak="weak")


def test_acyclic_as_one_zero_keeps_a_trees_verdict():
    G = nx.balanced_tree(2, 4)
    net = referral.from_networkx(G, strength=1.0, activity=0.5, recruiters=[0])
    cost = referral.other_people_cost(net, trials=100, seed=1)
    tables = {k: v.copy() for k, v in cost.tables().items()}
    assert bool(tables["cost"]["acyclic"].iloc[0])
    tables["cost"]["acyclic"] = tables["cost"]["acyclic"].astype(int)
    tables["cost_curve"] = tables["cost_curve"].iloc[::-1]
    again = referral.OtherPeopleCost.from_tables(tables)
    assert again.sentence() == cost.sentence()
    assert "no cycles" in again.sentence()


# ------------------------------------------------------------- nothing lost
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
    referral.analyse(net, out=folder, trials=QUICK_ALL, top=4, seed=2)
    return folder


def _headline(folder):
    from referral.report import headline

    return headline(read_results(folder))


@pytest.mark.slow
def test_report_over_its_own_input_is_refused(report_folder, tmp_path, capsys):
    work = tmp_path / "work"
    shutil.copytree(report_folder, work / "results")
    before = sorted(p.name for p in (work / "results").iterdir())
    for out in [work / "results", work]:
        code, _, err = run(
            ["report", work / "results", "--out", out, "--force"], capsys
        )
        assert code == 2, err
        assert "which this run reads" in err
        assert sorted(p.name for p in (work / "results").iterdir()) == before
    # the Python route too
    with pytest.raises(ValueError, match="which this run reads"):
        write_report(read_results(work / "results"), work, force=True)
    # an earlier report is replaced; a spread folder or a plain folder is not
    code, _, err = run(["report", work / "results", "--out", tmp_path / "r2"], capsys)
    assert code == 0, err
    code, _, err = run(
        ["report", work / "results", "--out", tmp_path / "r2", "--force"], capsys
    )
    assert code == 0, err
    spread_out = tmp_path / "s"
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\na,b\n")
    assert (
        run(
            ["spread", ties, "--sources", "a", "--trials", 20, "--out", spread_out],
            capsys,
        )[0]
        == 0
    )
    code, _, err = run(
        ["report", work / "results", "--out", spread_out, "--force"], capsys
    )
    assert code == 2 and "holds a spread output, not a report" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "x.txt").write_text("mine")
    code, _, err = run(["report", work / "results", "--out", plain, "--force"], capsys)
    assert code == 2 and "not a folder written by referral" in err
    assert (plain / "x.txt").read_text() == "mine"


def test_internal_error_exits_nonzero(monkeypatch, tmp_path, capsys):
    from referral.cli import _commands

    def boom(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(_commands, "report_command", boom)
    from referral.cli import _parser

    monkeypatch.setattr(_parser, "report_command", boom)
    code, _, err = run(["report", tmp_path], capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        "referral: internal error: RuntimeError: boom (set REFERRAL_DEBUG=1 for "
        "the traceback)"
    ]


def test_sorted_tables_say_the_same(report_folder, tmp_path):
    work = tmp_path / "edited"
    shutil.copytree(report_folder, work)
    before = _headline(work)
    for name in [
        "compare",
        "ambassadors",
        "gatekeepers",
        "dropoff",
        "cost_curve",
        "people",
        "weak_ties",
        "tie_offers",
        "cost",
    ]:
        frame = pd.read_csv(work / f"{name}.csv")
        frame = frame.iloc[::-1]
        frame = frame[list(frame.columns[::-1])]
        frame.to_csv(work / f"{name}.csv", index=False)
    assert _headline(work) == before


def test_malformed_cell_named(report_folder, tmp_path):
    work = tmp_path / "bad"
    shutil.copytree(report_folder, work)
    frame = pd.read_csv(work / "compare.csv")
    frame["diff"] = frame["diff"].astype(object)
    frame.loc[2, "diff"] = "abc"
    frame.to_csv(work / "compare.csv", index=False)
    with pytest.raises(
        ValueError,
        match=r"compare.csv', line 4: column 'diff' must be a number\. "
        r"Got 'abc'",
    ):
        read_results(work)


def test_no_reference_scenario_named(report_folder, tmp_path):
    work = tmp_path / "noref"
    shutil.copytree(report_folder, work)
    frame = pd.read_csv(work / "compare.csv")
    frame = frame[frame["scenario"] != "as is"]
    frame.to_csv(work / "compare.csv", index=False)
    with pytest.raises(ValueError, match="no reference scenario"):
        sections(read_results(work))


def test_toml_builder_list_is_a_clear_error(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('[network]\nbuilder = ["edgelist"]\n[grid]\nreferral_bonus=[0.0]\n')
    code, _, err = run(["sweep", grid, "--out", tmp_path / "s.csv"], capsys)
    assert code == 2
    assert "builder must be one name" in err and "unhashable" not in err


def test_toml_sweep_takes_a_people_file(hr, tmp_path):
    from referral.sweep import read_sweep_spec, toml_build

    grid = tmp_path / "grid.toml"
    grid.write_text(
        f'[network]\nbuilder = "edgelist"\npath = "{hr / "ties.csv"}"\n'
        'columns = { emp_a = "source", emp_b = "target" }\nstrength = 0.5\n'
        f'people = "{hr / "roster.csv"}"\n'
        'people_columns = { employee_id = "person", is_recruiter = "recruiter" }\n'
        "[grid]\nreferral_bonus = [0.0, 0.1]\n"
    )
    spec = read_sweep_spec(grid)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = toml_build(spec["builder"], spec["fixed"], referral_bonus=0.0)
    assert net.recruiters.tolist() == [0] and net.n_people == 35
    assert net.attributes["full_name"][0] == "Person 0"


# ----------------------------------------------------- degenerate networks
def _degenerate():
    from referral.network import from_arrays

    empty = np.array([], dtype=int)
    return {
        "no ties": from_arrays(
            ["a", "b", "c"],
            empty,
            empty,
            strength=1.0,
            activity=0.5,
            recruiters=[0],
            candidates=[1],
        ),
        "one person": from_arrays(
            ["a"],
            empty,
            empty,
            strength=1.0,
            activity=0.5,
            recruiters=[0],
            candidates=[0],
        ),
        "all recruiters": from_arrays(
            ["a", "b"],
            [0],
            [1],
            strength=1.0,
            activity=0.5,
            recruiters=[0, 1],
            candidates=[1],
        ),
    }


@pytest.mark.parametrize("name", list(_degenerate()))
def test_degenerate_networks_give_results(name, tmp_path):
    net = _degenerate()[name]
    first = net.labels[0]
    result = referral.spread(net, [first], trials=20, seed=1)
    assert result.summary()["estimate"].iloc[0] >= 1
    assert len(referral.dropoff(result)) >= 1
    assert len(referral.dropoff(result.by_hop())) >= 1
    assert referral.search(net, [first], [first], trials=3, seed=1).n_chains >= 1
    referral.gatekeepers(net, result, sources=[first], trials=10, seed=1)
    results = referral.analyse(net, [first], trials=QUICK_ALL, out=tmp_path / "r")
    assert "summary" in results.tables and (tmp_path / "r" / "index.html").exists()


# ------------------------------------------------------- a clean checkout
def test_default_outputs_are_ignored_in_a_checkout():
    """``referral demo`` (or any command with its default --out) run in a
    checkout leaves nothing untracked and un-ignored."""
    import argparse

    from referral.cli._parser import build_parser

    root = Path(__file__).resolve().parents[1]
    ignored = {
        line.strip().strip("/")
        for line in (root / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    parser = build_parser()
    (commands,) = [
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ]
    defaults = {
        sub.get_default("out")
        for sub in commands.choices.values()
        if sub.get_default("out") is not None
    } | {
        action.default
        for sub in commands.choices.values()
        for action in sub._actions
        if action.dest == "out" and action.default
    }
    assert "referral-report" in defaults
    assert defaults <= ignored, defaults - ignored
