"""One exact label path: the label findings of issue 11, one test each."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral.cli import main


@pytest.fixture
def mixed():
    G = nx.Graph([(3, "3"), ("3", "a"), ("a", 1), (1, (2, "x")), ((2, "x"), 3)])
    return referral.from_networkx(G, strength=1.0, activity=1.0, recruiters=[(2, "x")])


def test_search_many_starts_mixing_3_and_string_3(mixed):
    starts = [3] * 40 + ["3"] * 40  # more than 64 starts
    result = referral.search(mixed, starts, trials=1, seed=1, policy="random")
    chains = result.chains()
    assert chains["start"].map(type).tolist() == [int] * 40 + [str] * 40
    assert chains["start_id"].tolist() == [0] * 40 + [1] * 40


def test_search_many_starts_mixing_1_and_a(mixed):
    result = referral.search(mixed, [1] * 40 + ["a"] * 40, trials=1, seed=1)
    assert result.chains()["start"].tolist() == [1] * 40 + ["a"] * 40


def test_tuple_labels_are_people_not_shapes(mixed):
    result = referral.search(mixed, [(2, "x")] * 70, [3], trials=1, seed=1)
    assert set(result.chains()["start"]) == {(2, "x")}
    assert referral.spread(mixed, (2, "x"), trials=2, seed=1).sources.tolist() == [4]
    with pytest.raises(nx.NodeNotFound, match=r"\(9, 'x'\)"):
        referral.spread(mixed, [(9, "x")], trials=2)


@pytest.mark.parametrize("big", [2**63, 2**64, 2**64 + 1])
def test_from_networkx_big_int_labels(big):
    net = referral.from_networkx(
        nx.path_graph([big, 5, big + 2]), strength=1.0, activity=1.0, recruiters=[big]
    )
    assert net.labels.tolist() == [big, 5, big + 2]
    assert referral.spread(net, trials=2, seed=1).trials()["reached"].tolist() == [3, 3]
    assert net.ids(np.array([5])).tolist() == [1]


def test_cli_sources_and_people_file_with_ids_of_2_64_and_more(tmp_path, capsys):
    big = 2**64
    (tmp_path / "ties.csv").write_text(f"source,target\n{big},5\n5,{big + 1}\n")
    (tmp_path / "people.csv").write_text(
        f"person,recruiter,candidate\n{big},1,0\n{big + 1},0,1\n"
    )
    out = tmp_path / "a"
    code = main(
        [
            "spread",
            str(tmp_path / "ties.csv"),
            "--sources",
            str(big),
            "--activity",
            "1",
            "--trials",
            "3",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert pd.read_csv(out / "trials.csv")["reached"].tolist() == [3, 3, 3]
    out = tmp_path / "b"
    code = main(
        [
            "spread",
            str(tmp_path / "ties.csv"),
            "--people",
            str(tmp_path / "people.csv"),
            "--activity",
            "1",
            "--trials",
            "3",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    people = pd.read_csv(out / "people.csv", dtype={"person": str}).set_index("person")
    assert bool(people.loc[str(big), "recruiter"])
    assert bool(people.loc[str(big + 1), "candidate"])
    code = main(
        [
            "spread",
            str(tmp_path / "ties.csv"),
            "--sources",
            "7",
            "--out",
            str(tmp_path / "c"),
        ]
    )
    assert code == 2
    assert "names people who are not in the network: '7'" in capsys.readouterr().err


def test_positions_gives_minus_one_for_absent_people_and_ids_raise():
    import networkx as nx
    import pytest

    from referral.network import from_networkx

    G = nx.relabel_nodes(nx.path_graph(3), {0: "a", 1: 2, 2: (1, 2)})
    net = from_networkx(G, strength=1.0, activity=1.0)
    assert net.positions(["a", (1, 2), "zz", 2, "2"]).tolist() == [0, 2, -1, 1, -1]
    with pytest.raises(nx.NodeNotFound, match="zz"):
        net.ids(["a", "zz"])
