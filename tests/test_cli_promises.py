"""The command line keeps the promises of its help and the README.

One line for every bad value (argparse's own errors included), the
documented exit codes, huge runs refused up front, an ``--out`` that names a
file, and help text with a default for every option and one example.
"""

from __future__ import annotations

import argparse
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral._core import validation as _validation
from referral.cli import build_parser, main

COMMANDS = ("demo", "spread", "search", "sweep", "report", "incentives")


@pytest.fixture
def ties(tmp_path):
    """A small ring with chords as a CSV edge list, and a people file."""
    G = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=1)
    pd.DataFrame(list(G.edges()), columns=["source", "target"]).to_csv(
        tmp_path / "ties.csv", index=False
    )
    pd.DataFrame(
        {
            "person": range(60),
            "recruiter": [p == 0 for p in range(60)],
            "candidate": [p % 4 == 0 for p in range(60)],
        }
    ).to_csv(tmp_path / "people.csv", index=False)
    return tmp_path / "ties.csv"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv, text",
    [
        (["spread", "ties.csv", "--trials", "0"], "--trials: must be an int >= 1"),
        (["spread", "ties.csv", "--seed", "abc"], "--seed: must be an int >= 0"),
        (["spread", "ties.csv", "--activity", "1.5"], "must be in [0, 1]"),
        (["spread", "ties.csv", "--n-jobs", "0"], "must be a non-zero int"),
        (["spread", "ties.csv", "--max-hops", "-1"], "must be an int >= 0"),
        (["spread", "ties.csv", "--fanout", "x"], "must be an int >= 1"),
        (["search", "ties.csv", "--policy", "best"], "invalid choice: 'best'"),
        (["spread"], "the following arguments are required: NETWORK"),
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: command"),
        (["demo", "--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_every_argparse_error_is_one_line(argv, text, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("referral")
    assert text in lines[0]
    assert "--help" in lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_full_names_defaults_and_ends_with_one_example(command, capsys):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: referral " + command)
    assert text.count("example:") == 1
    last = text.strip().splitlines()
    assert last[-2] == "example:"
    assert last[-1].strip().startswith(f"referral {command}")


def _subparsers(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_with_its_default(command):
    sub = _subparsers(build_parser())[command]
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, action.dest
        if action.option_strings:
            assert "default" in action.help, (command, action.dest, action.help)


def test_huge_trials_refused_up_front_with_the_estimate(ties, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run(
        [
            "spread",
            ties,
            "--people",
            tmp_path / "people.csv",
            "--trials",
            "1000000000000",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "spread would need about" in lines[0] and "TiB" in lines[0]
    assert "Pass fewer trials" in lines[0]
    assert not out.exists()
    code, _, err = run(
        [
            "search",
            ties,
            "--people",
            tmp_path / "people.csv",
            "--trials",
            "1000000000000",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 2 and "search would need about" in err
    assert "Pass fewer trials" in err and not out.exists()


def test_library_refuses_huge_runs_and_warns_about_large_ones(monkeypatch):
    net = referral.from_networkx(
        nx.path_graph(30), strength=1.0, activity=0.5, recruiters=[0], candidates=[29]
    )
    with pytest.raises(
        ValueError,
        match=r"spread would need about .* for the "
        r"per-trial records of 1,000,000,000,000 trials",
    ):
        referral.spread(net, trials=10**12)
    with pytest.raises(ValueError, match="search would need about"):
        referral.search(net, trials=10**12)
    monkeypatch.setattr(_validation, "WARN_BYTES", 10_000)
    with pytest.warns(
        referral.LargeRunWarning,
        match=r"spread will hold about "
        r"[\d.,]+ KiB for the per-trial records of 1,000 trials\. "
        r"Pass fewer trials",
    ):
        referral.spread(net, trials=1000, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        referral.spread(net, trials=10, seed=1)  # small: no warning


def test_kept_chains_are_bounded_in_entries():
    net = referral.from_networkx(
        nx.complete_graph(200), strength=1.0, activity=1.0, recruiters=[0]
    )
    result = referral.spread(
        net, trials=50, keep_chains=40, seed=1, max_chain_entries=1000
    )
    assert result.keep_chains == 5 and result.max_chain_entries == 1000
    chains = result.chains()
    assert len(chains) <= 1000
    assert set(chains["trial"]) == set(range(5))
    default = referral.spread(net, trials=3, seed=1)
    assert default.max_chain_entries == 10_000_000 and default.keep_chains == 100
    with pytest.raises(ValueError, match="'max_chain_entries' parameter of spread"):
        referral.spread(net, trials=3, max_chain_entries=-1)


@pytest.mark.parametrize("command", ["spread", "search"])
def test_out_naming_a_regular_file(command, ties, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("keep me")
    argv = [
        command,
        ties,
        "--people",
        tmp_path / "people.csv",
        "--out",
        target,
        "--trials",
        "20",
        "--seed",
        "1",
    ]
    code, _, err = run(argv, capsys)
    assert code == 3
    assert err.strip() == (
        f"referral: error: '{target}' already exists; pass --force (force=True) "
        f"to replace it."
    )
    assert target.read_text() == "keep me"
    # a file is not an earlier output folder: --force keeps it too
    code, _, err = run([*argv, "--force"], capsys)
    assert code == 2, err
    assert "Refusing to replace the file" in err
    assert target.read_text() == "keep me"


def test_sweep_results_dir_naming_a_regular_file(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(
        '[network]\nbuilder = "community_population"\nn_people = 100\n'
        "[grid]\nstrong_contacts = [4]\n[simulate]\ntrials = 5\nseed = 1\n"
    )
    parts = tmp_path / "parts"
    parts.write_text("not a folder")
    argv = ["sweep", grid, "--out", tmp_path / "s.csv", "--results-dir", parts]
    code, _, err = run(argv, capsys)
    assert code == 3 and "is a file, not a folder; pass --force" in err
    assert parts.read_text() == "not a folder"
    code, _, err = run([*argv, "--force"], capsys)
    assert code == 0, err
    assert parts.is_dir() and len(list(parts.glob("part-*"))) == 1
    table = pd.read_csv(tmp_path / "s.csv")
    assert np.array_equal(table["strong_contacts"], [4])


def test_warnings_are_one_line(ties, tmp_path, capsys):
    code, _, err = run(
        [
            "spread",
            ties,
            "--sources",
            "0",
            "--trials",
            "5",
            "--seed",
            "1",
            "--out",
            tmp_path / "o",
        ],
        capsys,
    )
    assert code == 0
    assert err.strip().splitlines() == [
        "referral: warning: SpreadResult.summary: candidate_share_reached is NaN "
        "because the network has no candidates; mark them (candidates=... when "
        "building the network, or a people file's 'candidate' column)."
    ]


@pytest.mark.parametrize("command", ["demo", "report"])
def test_demo_and_report_check_the_whole_target_before_any_work(
    command, tmp_path, capsys
):
    folder = tmp_path / "partial"
    folder.mkdir()
    (folder / "summary.csv").write_text("a partial folder from an older version")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    # the report's input does not exist: refusing first proves the order
    extra = [tmp_path / "missing-results"] if command == "report" else []
    for target in (folder, a_file):
        code, out, err = run([command, *extra, "--out", target], capsys)
        assert code == 3 and out == ""
        assert err.strip() == (
            f"referral: error: '{target}' already exists; pass --force "
            f"(force=True) to replace it."
        )
    assert a_file.read_text() == "x"
    assert [p.name for p in folder.iterdir()] == ["summary.csv"]
