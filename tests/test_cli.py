"""End-to-end tests of the ``referral`` command line on bundled data."""

from __future__ import annotations

import gzip
import subprocess
import sys
from importlib import resources
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from referral.cli import main


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setenv("REFERRAL_QUICK", "1")


@pytest.fixture(scope="module")
def email(tmp_path_factory):
    """The bundled e-mail network as a CSV edge list and a people CSV."""
    folder = tmp_path_factory.mktemp("email")
    data = resources.files("referral.datasets") / "data"
    with resources.as_file(data / "email-Eu-core.txt.gz") as path:
        with gzip.open(path, "rt") as handle:
            pairs = [line.split() for line in handle if line.strip()]
    ties = pd.DataFrame(pairs, columns=["from", "to"]).astype(int)
    ties = ties[ties["from"] != ties["to"]]
    ties.to_csv(folder / "ties.csv", index=False)
    with resources.as_file(data / "email-Eu-core-department-labels.txt.gz") as path:
        people = pd.read_csv(
            path, sep=r"\s+", names=["person", "department"], dtype=int
        )
    people = people[
        people["person"].isin(ties["from"]) | people["person"].isin(ties["to"])
    ]  # 19 people have no ties
    people["recruiter"] = people["person"] == 160
    people["candidate"] = people["person"] % 5 == 0
    people["activity"] = 0.3
    people.to_csv(folder / "people.csv", index=False)
    return folder


def files(folder: Path) -> list[str]:
    """The files of an output folder, without its marker (.referral-output)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.rglob("*") if p.name != ".referral-output")


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ end to end
def test_spread_end_to_end(email, tmp_path, capsys):
    out = tmp_path / "spread"
    code, stdout, err = run(
        [
            "spread",
            email / "ties.csv",
            "--source-column",
            "from",
            "--target-column",
            "to",
            "--directed",
            "--people",
            email / "people.csv",
            "--trials",
            50,
            "--seed",
            1,
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    assert "people and" in stdout
    assert files(out) == [
        "by_hop.csv",
        "chains.csv",
        "people.csv",
        "summary.csv",
        "trials.csv",
    ]
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 50
    people = pd.read_csv(out / "people.csv")
    assert len(people) == 986
    # refuses to overwrite, and --force does
    code, _, err = run(
        [
            "spread",
            email / "ties.csv",
            "--source-column",
            "from",
            "--target-column",
            "to",
            "--people",
            email / "people.csv",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 3 and "already exists; pass --force" in err
    code, _, _ = run(
        [
            "spread",
            email / "ties.csv",
            "--source-column",
            "from",
            "--target-column",
            "to",
            "--people",
            email / "people.csv",
            "--trials",
            5,
            "--out",
            out,
            "--force",
        ],
        capsys,
    )
    assert code == 0
    assert len(pd.read_csv(out / "trials.csv")) == 5


def test_spread_parquet_and_report_from_saved_results(email, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    out = tmp_path / "spread"
    code, _, err = run(
        [
            "spread",
            email / "ties.csv",
            "--source-column",
            "from",
            "--target-column",
            "to",
            "--directed",
            "--people",
            email / "people.csv",
            "--trials",
            30,
            "--seed",
            1,
            "--out",
            out,
            "--output-format",
            "parquet",
        ],
        capsys,
    )
    assert code == 0, err
    assert pd.read_parquet(out / "summary.parquet")["measure"][0] == "people_reached"
    code, stdout, err = run(["report", out, "--out", tmp_path / "rep"], capsys)
    assert code == 0, err
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "Reach: an opening reaches" in html
    assert "Most often on the chains that reached a candidate" in html


def test_search_end_to_end(email, tmp_path, capsys):
    out = tmp_path / "search"
    code, stdout, err = run(
        [
            "search",
            email / "ties.csv",
            "--source-column",
            "from",
            "--target-column",
            "to",
            "--directed",
            "--people",
            email / "people.csv",
            "--policy",
            "greedy",
            "--distance",
            "department",
            "--seed",
            2,
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    assert "completed" in stdout
    assert files(out) == ["by_step.csv", "chains.csv", "paths.csv", "summary.csv"]
    assert len(pd.read_csv(out / "chains.csv")) == len(
        pd.read_csv(email / "people.csv").query("candidate")
    )


def test_graphml_and_linkedin_inputs(tmp_path, capsys):
    G = nx.karate_club_graph()
    for *_, d in G.edges(data=True):
        d["strength"] = d.pop("weight") / 7
    G.nodes[0]["recruiter"] = True
    nx.write_graphml(G, tmp_path / "club.graphml")
    code, _, err = run(
        [
            "spread",
            tmp_path / "club.graphml",
            "--trials",
            20,
            "--seed",
            1,
            "--out",
            tmp_path / "g",
        ],
        capsys,
    )
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "g" / "people.csv")) == 34

    notes = 'Notes:\n"Connections exported"\n\n'
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    (tmp_path / "ann.csv").write_text(
        notes + header + "Bob,B,https://in/bob,,Acme,Eng,12 Mar 2021\n"
        "Cy,C,https://in/cy,,Acme,Eng,1 Jan 2020\n"
    )
    (tmp_path / "bob.csv").write_text(
        header + "Dee,D,https://in/dee,,Beta,PM,2 Feb 2022\n"
    )
    code, _, err = run(
        [
            "spread",
            f"https://in/ann={tmp_path / 'ann.csv'}",
            f"https://in/bob={tmp_path / 'bob.csv'}",
            "--recruiter",
            "https://in/ann",
            "--trials",
            10,
            "--seed",
            1,
            "--out",
            tmp_path / "li",
        ],
        capsys,
    )
    assert code == 0, err
    people = pd.read_csv(tmp_path / "li" / "people.csv")
    assert set(people["person"]) == {
        "https://in/ann",
        "https://in/bob",
        "https://in/cy",
        "https://in/dee",
    }


GRID_TOML = """\
[network]
builder = "community_population"
n_people = 150
n_recruiters = 2

[grid]
strong_contacts = [4, 6]
activity_scale = [0.5, 1.0]

[simulate]
kind = "spread"
trials = 20
seed = 3
max_hops = 5
"""


def test_sweep_from_toml_and_resume(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID_TOML)
    out = tmp_path / "sweep.csv"
    parts = tmp_path / "parts"
    code, stdout, err = run(
        ["sweep", grid, "--out", out, "--results-dir", parts], capsys
    )
    assert code == 0, err
    table = pd.read_csv(out)
    assert len(table) == 4
    assert table[["strong_contacts", "activity_scale"]].to_numpy().tolist() == [
        [4, 0.5],
        [4, 1.0],
        [6, 0.5],
        [6, 1.0],
    ]
    assert (table["depth_estimate"] <= 5).all()
    mtimes = {p: p.stat().st_mtime_ns for p in parts.glob("part-*")}
    assert len(mtimes) == 4
    code, _, err = run(["sweep", grid, "--out", out], capsys)
    assert code == 3 and "--force" in err
    code, _, err = run(
        ["sweep", grid, "--out", out, "--results-dir", parts, "--force"], capsys
    )
    assert code == 0
    assert {p: p.stat().st_mtime_ns for p in parts.glob("part-*")} == mtimes
    pd.testing.assert_frame_equal(pd.read_csv(out), table)


@pytest.mark.slow
def test_demo_writes_report_and_refuses_overwrite(tmp_path, capsys):
    out = tmp_path / "report"
    code, stdout, err = run(["demo", "--out", out, "--no-progress"], capsys)
    assert code == 0, err
    assert "Reach: an opening reaches" in stdout
    assert "Best intervention" in stdout
    assert (out / "index.html").exists()
    assert {"dropoff.png", "threshold.png", "gatekeepers.csv", "compare.csv"} <= set(
        files(out)
    )
    before = (out / "index.html").stat().st_mtime_ns
    code, _, err = run(["demo", "--out", out], capsys)
    assert code == 3
    assert err.count("\n") == 1 and "already exists; pass --force" in err
    assert (out / "index.html").stat().st_mtime_ns == before


@pytest.mark.slow
def test_python_dash_m_and_help(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "referral", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "Exit codes" in done.stdout


# ------------------------------------------------------------------ bad input
def _bad_cases(email, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[grid]\nstrong_contacts = [4, 6]\nseed = "x\n')
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[grid]\nbogus = [1, 2]\n")
    empty_grid = tmp_path / "empty.toml"
    empty_grid.write_text("[network]\nn_people = 10\n")
    strangers = tmp_path / "strangers.csv"
    strangers.write_text("person,activity\n0,0.5\nnobody,0.2\n")
    bad_activity = tmp_path / "bad_activity.csv"
    bad_activity.write_text("person,activity\n0,0.5\n1,lots\n")
    bad_xml = tmp_path / "bad.graphml"
    bad_xml.write_text("<graphml><graph>")
    ties = ["--source-column", "from", "--target-column", "to"]
    return [
        (["spread", tmp_path / "missing.csv"], 2, "No such file: '.*missing.csv'"),
        (
            ["spread", email / "ties.csv"],
            2,
            r"lacks the column\(s\) \['source', 'target'\]",
        ),
        (
            [
                "spread",
                email / "ties.csv",
                "--source-column",
                "sender",
                "--target-column",
                "to",
            ],
            2,
            r"lacks the column\(s\) \['sender'\]",
        ),
        (["spread", email / "ties.csv", *ties, "--people", strangers], 2, "nobody"),
        (
            ["spread", email / "ties.csv", *ties, "--people", bad_activity],
            2,
            "line 3: column 'activity' must be a number. Got 'lots'",
        ),
        (["spread", email / "ties.csv", *ties], 2, "no sources: pass --sources"),
        (["spread", email / "ties.csv", *ties, "--sources", "99999"], 2, "99999"),
        (["spread", bad_xml], 2, "is not valid GraphML"),
        (
            ["spread", email / "ties.csv", *ties, "--trials", "0"],
            2,
            "--trials: must be an int >= 1. Got '0'",
        ),
        (
            [
                "spread",
                email / "ties.csv",
                *ties,
                "--sources",
                "160",
                "--out",
                tmp_path / "x",
                "--output-format",
                "xlsx",
            ],
            2,
            "invalid choice: 'xlsx'",
        ),
        (["sweep", broken], 2, r"not valid TOML: .*line 3"),
        (["sweep", unknown], 2, "'bogus' is not a parameter of community_population"),
        (["sweep", empty_grid], 2, r"needs a non-empty \[grid\]"),
        (["sweep", tmp_path / "nope.toml"], 2, "No such file"),
        (["report", tmp_path / "no-results"], 2, "No such results folder"),
        (["report", email], 2, "holds no results a report can use"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    ]


def test_bad_inputs_one_line_message_exit_code_no_partial_file(email, tmp_path, capsys):
    import re

    for argv, expected_code, pattern in _bad_cases(email, tmp_path):
        out = tmp_path / "out"
        argv = [*argv]
        if argv[0] in ("spread", "search", "report") and "--out" not in argv:
            argv += ["--out", out]
        if argv[0] == "sweep":
            argv += ["--out", out / "sweep.csv"]
        code, _, err = run(argv, capsys)
        assert code == expected_code, (argv, err)
        last = err.strip().splitlines()[-1]
        assert re.search(pattern, last), (argv, err)
        assert "Traceback" not in err
        assert last.startswith("referral")
        assert files(out) == [], argv


@pytest.mark.parametrize("command", ["spread", "search"])
def test_existing_output_is_refused_before_any_work(email, tmp_path, capsys, command):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("keep")
    # a missing people file would fail later; refusing first proves the order
    code, stdout, err = run(
        [
            command,
            email / "ties.csv",
            "--people",
            tmp_path / "missing.csv",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 3
    assert "out' already exists; pass --force" in err
    assert (out / "summary.csv").read_text() == "keep"
    assert sorted(p.name for p in out.iterdir()) == ["summary.csv"]


# ------------------------------------------------------------- ambassadors
def _broker_csv(tmp_path):
    edges = tmp_path / "ties.csv"
    rows = ["source,target,strength"]
    rows += [f"hub,x{i},1.0" for i in range(6)]
    rows += [f"broker,t{i},1.0" for i in range(3)] + ["hub,broker,1.0"]
    edges.write_text("\n".join(rows) + "\n")
    people = tmp_path / "people.csv"
    lines = ["person,candidate,department"]
    lines += [f"x{i},0,1" for i in range(6)] + [f"t{i},1,2" for i in range(3)]
    lines += ["hub,0,1", "broker,0,2"]
    people.write_text("\n".join(lines) + "\n")
    return edges, people


def test_cli_ambassadors_writes_tables(tmp_path, capsys):
    import pandas as pd

    edges, people = _broker_csv(tmp_path)
    out = tmp_path / "who"
    code = main(
        [
            "ambassadors",
            str(edges),
            "--people",
            str(people),
            "-k",
            "1",
            "--activity",
            "0",
            "--seed",
            "3",
            "--check-trials",
            "50",
            "--samples",
            "2000",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "ambassadors.csv")
    everyone = pd.read_csv(out / "everyone.csv")
    assert table["person"].tolist() == ["broker"]
    assert table["degree_person"].tolist() == ["hub"]
    assert everyone["person"].iloc[0] == "broker"
    assert len(everyone) == 11
    printed = capsys.readouterr().out
    from referral.wording import who_to_ask_sentences

    assert "Ask broker: expected to reach all 3 targets (95% CI" in printed
    for line in who_to_ask_sentences(table):  # the saved table words the same
        assert line in printed
    # targets by attribute: department 1 (the hub's side)
    out2 = tmp_path / "who2"
    code = main(
        [
            "ambassadors",
            str(edges),
            "--people",
            str(people),
            "-k",
            "1",
            "--activity",
            "0",
            "--seed",
            "3",
            "--check-trials",
            "0",
            "--samples",
            "2000",
            "--target-attribute",
            "department=1",
            "--out",
            str(out2),
            "--no-progress",
        ]
    )
    assert code == 0
    assert pd.read_csv(out2 / "ambassadors.csv")["person"].tolist() == ["hub"]


def test_cli_ambassadors_per_world_is_the_librarys(tmp_path):
    """``--per-world B`` gives the everyone table of ``reach_of_everyone(...,
    per_world=B)`` on the same network with the same seed."""
    import numpy as np
    import pandas as pd

    from referral import io
    from referral.whom_to_ask._ambassadors import reach_of_everyone

    edges, people = _broker_csv(tmp_path)
    out = tmp_path / "worlds"
    common = ["--seed", "5", "--samples", "400", "--check-trials", "0"]
    code = main(
        ["ambassadors", str(edges), "--people", str(people), "-k", "1", *common]
        + ["--activity", "0.5", "--per-world", "20", "--out", str(out)]
        + ["--no-progress"]
    )
    assert code == 0
    network = io.read_edgelist(edges, activity=0.5)
    network = io.apply_people(
        network, io.read_people(people, dtype={"person": str}), default_activity=0.5
    )
    expected = reach_of_everyone(network, samples=400, per_world=20, seed=5)
    independent = reach_of_everyone(network, samples=400, seed=5)
    got = pd.read_csv(out / "everyone.csv").set_index("person")
    want = expected.set_index("person").loc[got.index]
    np.testing.assert_allclose(got["reach_estimate"], want["reach_estimate"])
    np.testing.assert_allclose(got["reach_se"], want["reach_se"])
    other = independent.set_index("person").loc[got.index]
    assert not np.allclose(got["reach_se"], other["reach_se"])
    assert main(["ambassadors", str(edges), "--per-world", "0"]) == 2


def test_cli_ambassadors_bad_input(tmp_path, capsys):
    edges, people = _broker_csv(tmp_path)
    base = [
        "ambassadors",
        str(edges),
        "--people",
        str(people),
        "--out",
        str(tmp_path / "o"),
        "--no-progress",
    ]
    assert main([*base, "-k", "40"]) == 2
    assert "-k 40 is more than the 11 people who can be asked." in (
        capsys.readouterr().err
    )
    assert main([*base, "--candidates-only", "--exclude-candidates"]) == 2
    assert (
        "nobody can be asked: --candidates-only, --exclude, --exclude-candidates "
        "and --exclude-recruiters leave no one." in capsys.readouterr().err
    )
    assert main([*base, "--exclude", "nobody"]) == 2
    assert "'exclude' parameter names people who are not in the network" in (
        capsys.readouterr().err
    )
    assert main([*base, "--epsilon", "1.5"]) == 2
    assert "must be in (0, 1). Got '1.5'" in capsys.readouterr().err
    assert main([*base, "--target-attribute", "department=9"]) == 2
    assert (
        "--target-attribute department=9 selects nobody: department takes the "
        "values 1, 2." in capsys.readouterr().err
    )
    assert main(["ambassadors", str(edges), "--out", str(tmp_path / "o")]) == 2
    assert "the network has no candidates to reach: name the targets with " in (
        capsys.readouterr().err
    )


def test_cli_ambassadors_exclude_candidates(tmp_path, capsys):
    import pandas as pd

    edges, people = _broker_csv(tmp_path)
    out = tmp_path / "who"
    args = ["ambassadors", str(edges), "--people", str(people), "-k", "3"]
    args += ["--activity", "0", "--seed", "3", "--check-trials", "0"]
    args += ["--samples", "500", "--no-progress", "--exclude-candidates"]
    assert main([*args, "--exclude-recruiters", "--out", str(out)]) == 0
    chosen = pd.read_csv(out / "ambassadors.csv")
    assert not set(chosen["person"]) & {"t0", "t1", "t2"}
    everyone = pd.read_csv(out / "everyone.csv").set_index("person")
    assert not everyone.loc[["t0", "t1", "t2"], "can_be_asked"].any()
    assert everyone.drop(["t0", "t1", "t2"])["can_be_asked"].all()
    assert chosen["n_eligible"].iloc[0] == 11 - 3
    printed = capsys.readouterr()
    assert "--exclude-recruiters excludes nobody: the network has no recruiters" in (
        printed.err
    )
    assert "The 3 highest-degree people who could be asked (" in printed.out


def test_cli_people_file_errors_name_the_file(tmp_path, capsys):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\na,b\n")
    people = tmp_path / "people.csv"
    people.write_text("person,activity\na,0.5\nb,lots\n")
    code = main(
        ["spread", str(ties), "--people", str(people), "--out", str(tmp_path / "o")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert (
        f"{str(people)!r}, line 3: column 'activity' must be a number. Got 'lots'."
        in err
    )
    assert not (tmp_path / "o").exists()
