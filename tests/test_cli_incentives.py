"""``referral incentives``: the table it writes is compare_incentives' table,
its sentence is the table's, and bad scheme specs fail in one line naming the
option and the value."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from referral.cli import main
from referral.interventions import Flat, Recursive, Saturating
from referral.wording import incentive_sentence


@pytest.fixture
def tree_files(tmp_path):
    G = nx.balanced_tree(3, 4)
    ties = pd.DataFrame(list(G.edges()), columns=["source", "target"])
    ties.to_csv(tmp_path / "ties.csv", index=False)
    people = pd.DataFrame({"person": list(G.nodes())})
    people["recruiter"] = people["person"] == 0
    people["candidate"] = people["person"] != 0
    people["activity"] = 0.4
    people.to_csv(tmp_path / "people.csv", index=False)
    return tmp_path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_incentives_writes_the_table_and_says_it(tree_files, tmp_path, capsys):
    out = tmp_path / "out"
    argv = [
        "incentives", tree_files / "ties.csv", "--people", tree_files / "people.csv",
        "--scheme", "flat:100", "--scheme", "rec=recursive:100,split=0.5",
        "--scheme", "none", "--budget", "20", "--response",
        "saturating:beta=2,full=500", "--apply", "0.5", "--hire", "0.5",
        "--positions", "2", "--trials", "200", "--seed", "3", "--out", out,
        "--no-progress",
    ]  # fmt: skip
    code, stdout, err = run(argv, capsys)
    assert code == 0, err
    table = pd.read_csv(out / "incentives.csv")
    assert list(dict.fromkeys(table["scheme"])) == ["flat", "rec", "no bonus"]
    paid = table[table["measure"] == "paid"].set_index("scheme")["estimate"]
    assert paid["flat"] == pytest.approx(20, rel=2e-3)
    assert paid["rec"] == pytest.approx(20, rel=2e-3)
    assert incentive_sentence(table) in stdout
    # the library gives the same numbers for the same seed
    from referral import from_networkx
    from referral.analysis import compare_incentives

    G = nx.balanced_tree(3, 4)
    net = from_networkx(
        G, strength=1.0, activity=0.4, recruiters=[0],
        candidates=[n for n in G if n != 0],
    )  # fmt: skip
    same = compare_incentives(
        net,
        {"flat": Flat(100), "rec": Recursive(100), "no bonus": None},
        budget=20,
        response=Saturating(beta=2, full=500),
        apply=0.5,
        hire=0.5,
        positions=2,
        trials=200,
        seed=3,
    )
    assert same["estimate"].to_numpy() == pytest.approx(table["estimate"].to_numpy())


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("bonus:100", r"--scheme bonus:100: the kind must be flat, recursive"),
        ("flat:lots", r"--scheme flat:lots: the amount must be a number"),
        ("flat:-5", r"--scheme flat:-5: .*'amount'.* Got -5"),
        ("recursive:10,split=2", r"'split' .* Got 2\.0"),
        ("flat:10,split=0.5", r"flat takes the options \['cap'\]"),
    ],
)
def test_bad_scheme_specs_fail_in_one_line(tree_files, tmp_path, capsys, spec, match):
    argv = [
        "incentives", tree_files / "ties.csv", "--people", tree_files / "people.csv",
        "--scheme", spec, "--trials", "10", "--out", tmp_path / "bad",
    ]  # fmt: skip
    code, _, err = run(argv, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    import re

    assert re.search(match, err), err
    assert not (tmp_path / "bad").exists()


def test_bad_response_and_probability(tree_files, tmp_path, capsys):
    base = [
        "incentives", tree_files / "ties.csv", "--people", tree_files / "people.csv",
        "--trials", "10", "--out", tmp_path / "bad",
    ]  # fmt: skip
    code, _, err = run([*base, "--response", "cubic:beta=2"], capsys)
    assert code == 2 and "--response cubic:beta=2" in err
    code, _, err = run([*base, "--apply", "1.5"], capsys)
    assert code == 2 and "1.5" in err


def test_report_of_an_incentives_folder_says_the_tables_sentence(
    tree_files, tmp_path, capsys
):
    out = tmp_path / "out"
    argv = [
        "incentives", tree_files / "ties.csv", "--people", tree_files / "people.csv",
        "--scheme", "flat:100", "--scheme", "recursive:100", "--apply", "0.5",
        "--hire", "0.5", "--trials", "100", "--seed", "2", "--out", out,
        "--no-progress",
    ]  # fmt: skip
    code, _, err = run(argv, capsys)
    assert code == 0, err
    code, _, err = run(["report", out, "--out", tmp_path / "report"], capsys)
    assert code == 0, err
    html = (tmp_path / "report" / "index.html").read_text()
    import html as html_lib

    text = html_lib.unescape(html)
    sentence = incentive_sentence(pd.read_csv(out / "incentives.csv"))
    assert "What a referral bonus buys" in text
    assert sentence in " ".join(text.split())
    assert (tmp_path / "report" / "incentives.png").exists()
