"""``referral spread --by ATTRIBUTE``: who gets reached, from the command line."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from referral.cli import main
from referral.wording import representation_sentences


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setenv("REFERRAL_QUICK", "1")


@pytest.fixture
def two_blocks(tmp_path):
    G = nx.stochastic_block_model([40, 20], [[0.15, 0.02], [0.02, 0.3]], seed=1)
    pd.DataFrame(list(G.edges), columns=["source", "target"]).to_csv(
        tmp_path / "ties.csv", index=False
    )
    people = pd.DataFrame({"person": list(G)})
    people["team"] = ["big" if v < 40 else "small" for v in G]
    people.loc[5, "team"] = None  # a missing value: the "unknown" group
    people["recruiter"] = people["person"] == 0
    people["activity"] = 0.5
    people.to_csv(tmp_path / "people.csv", index=False)
    return tmp_path


def test_spread_by_writes_the_tables_and_says_them(two_blocks, capsys):
    out = two_blocks / "out"
    argv = [
        "spread",
        two_blocks / "ties.csv",
        "--people",
        two_blocks / "people.csv",
        "--trials",
        200,
        "--seed",
        1,
        "--by",
        "team",
        "--out",
        out,
    ]
    assert main([str(a) for a in argv]) == 0
    stdout = capsys.readouterr().out
    table = pd.read_csv(out / "representation.csv")
    assert set(table["group"]) == {"big", "small", "unknown"}
    homophily = pd.read_csv(out / "homophily.csv")
    assert "all" in set(homophily["group"])
    assert "Ties stay within the same team" in stdout
    assert "Of the 3 groups by team" in stdout
    # the saved table says the same as the run's (words rebuilt from the CSV)
    for line in representation_sentences(table, hops=False):
        assert line in stdout, line


def test_spread_by_a_missing_attribute_is_a_clear_error(two_blocks, capsys):
    argv = [
        "spread",
        two_blocks / "ties.csv",
        "--people",
        two_blocks / "people.csv",
        "--trials",
        20,
        "--seed",
        1,
        "--by",
        "dept",
        "--out",
        two_blocks / "o",
    ]
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "--by dept" in err and "no person attribute 'dept'" in err


def test_report_shows_who_gets_reached(two_blocks, capsys):
    out = two_blocks / "out"
    argv = [
        "spread",
        two_blocks / "ties.csv",
        "--people",
        two_blocks / "people.csv",
        "--trials",
        200,
        "--seed",
        1,
        "--by",
        "team",
        "--out",
        out,
    ]
    assert main([str(a) for a in argv]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--out", str(two_blocks / "rep")]) == 0
    html = (two_blocks / "rep" / "index.html").read_text()
    assert "Who gets reached: Ties stay within the same team" in html
    assert "Of the 3 groups by team" in html
    assert (two_blocks / "rep" / "representation.png").exists()
