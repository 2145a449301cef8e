"""``referral fit``: the folder it writes and its one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest

from referral.cli import main


@pytest.fixture
def files(tmp_path):
    (tmp_path / "ties.csv").write_text(
        "source,target,strength\na,b,1\nb,c,1\na,c,1\nc,d,0.5\n"
    )
    (tmp_path / "people.csv").write_text(
        "person,department,activity\na,x,0.3\nb,x,0.3\nc,y,0.3\nd,y,0.3\n"
    )
    (tmp_path / "log.csv").write_text(
        "opening,teller,told\n1,a,b\n1,b,c\n2,a,b\n2,c,d\n2,a,c\n"
    )
    return tmp_path


def test_fit_writes_params_check_and_people(files, capsys):
    out = files / "fit"
    code = main(
        [
            "fit",
            str(files / "log.csv"),
            "--network",
            str(files / "ties.csv"),
            "--people",
            str(files / "people.csv"),
            "--sources",
            "a",
            "--check-trials",
            "20",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".referral-output",
        "check.csv",
        "params.csv",
        "people.csv",
    ]
    params = pd.read_csv(out / "params.csv")
    people = pd.read_csv(out / "people.csv")
    act = params.loc[params.parameter == "activity", "estimate"].iloc[0]
    assert people["activity"].to_numpy() == pytest.approx([act] * 4)
    assert list(people.columns[:2]) == ["person", "activity"]
    printed = capsys.readouterr().out
    assert "passed it on" in printed and "wrote 3 tables" in printed
    # the fitted people file is accepted by 'referral spread --people'
    code = main(
        [
            "spread",
            str(files / "ties.csv"),
            "--people",
            str(out / "people.csv"),
            "--sources",
            "a",
            "--trials",
            "20",
            "--seed",
            "1",
            "--out",
            str(files / "spread"),
        ]
    )
    assert code == 0


def test_fit_refuses_an_existing_folder_and_names_bad_people(files, capsys):
    out = files / "fit"
    out.mkdir()
    (out / "params.csv").write_text("old\n")
    assert (
        main(
            [
                "fit",
                str(files / "log.csv"),
                "--network",
                str(files / "ties.csv"),
                "--out",
                str(out),
            ]
        )
        == 3
    )
    assert "already exists" in capsys.readouterr().err
    assert (
        main(
            [
                "fit",
                str(files / "log.csv"),
                "--network",
                str(files / "ties.csv"),
                "--sources",
                "zz",
                "--out",
                str(files / "f2"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "'zz'" in err and len(err.strip().splitlines()) == 1


def test_fit_keeps_the_promises_of_the_other_commands(capsys):
    import argparse

    from referral.cli._parser import build_parser

    assert main(["fit", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: referral fit")
    lines = text.strip().splitlines()
    assert text.count("example:") == 1 and lines[-2] == "example:"
    assert lines[-1].strip().startswith("referral fit")
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub = action.choices["fit"]
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, action.dest
        if action.option_strings:
            assert "default" in action.help, (action.dest, action.help)


def test_fit_option_values_are_checked(files, capsys):
    base = ["fit", str(files / "log.csv"), "--network", str(files / "ties.csv")]
    assert main([*base, "--level", "1.5", "--out", str(files / "a")]) == 2
    assert "--level" in capsys.readouterr().err
    assert main([*base, "--check-trials", "1", "--out", str(files / "b")]) == 2
    assert "must be 0 (no check) or an int >= 2" in capsys.readouterr().err


def test_fit_with_blank_tellers_and_a_hop_column(files):
    # opening 2: d's teller is blank; c held it at hop 1, so c told d
    (files / "hops.csv").write_text(
        "opening,teller,told,hop\n1,a,b,1\n1,b,c,2\n2,a,b,1\n2,,d,2\n2,a,c,1\n"
    )
    args = ["fit", str(files / "hops.csv"), "--network", str(files / "ties.csv")]
    args += ["--sources", "a", "--check-trials", "0", "--out"]
    assert main(args + [str(files / "a"), "--hop-column", "hop"]) == 0
    params = pd.read_csv(files / "a" / "params.csv")
    from referral.calibrate import referral_log
    from referral.io import read_edgelist

    net = read_edgelist(files / "ties.csv")
    log = pd.DataFrame(
        {
            "opening": [1, 1, 2, 2, 2],
            "told": ["b", "c", "b", "d", "c"],
            "hop": [1, 2, 1, 2, 1],
        }
    )
    fit = referral_log(net, log, sources="a", teller=None, hop="hop")
    assert params["estimate"].to_numpy() == pytest.approx(
        fit.params()["estimate"].to_numpy(), abs=1e-9
    )
    # without the hop column the blank teller is a one-line error
    assert main(args + [str(files / "b")]) != 0


def test_fit_by_strength_class(files):
    out = files / "byclass"
    args = ["fit", str(files / "log.csv"), "--network", str(files / "ties.csv")]
    args += ["--sources", "a", "--check-trials", "0", "--transmission", "by_class"]
    assert main(args + ["--out", str(out)]) == 0
    params = pd.read_csv(out / "params.csv")
    tx = params[params["parameter"] == "transmission"]
    assert tx["group"].tolist() == ["strength 0.5", "strength 1"]
