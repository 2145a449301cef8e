"""LinkedIn exports named by people, and HR rosters with people without ties."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

import referral
from referral.cli import main
from referral.io import linkedin_network

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
MARIA, ANA, BO = "https://x/in/maria-lopez", "https://x/in/ana", "https://x/in/bo"


def export(path, rows):
    path.write_text(HEADER + "".join(",".join(r) + ",1 Jan 2024\n" for r in rows))
    return path


@pytest.fixture
def exports(tmp_path):
    """Maria's and Ana's exports: each lists the other by URL, both know Bo."""
    maria = export(
        tmp_path / "maria.csv",
        [
            ("Ana", "Diaz", ANA, "", "Acme", "Engineer"),
            ("Bo", "Li", BO, "", "Acme", "Analyst"),
        ],
    )
    ana = export(
        tmp_path / "ana.csv",
        [
            ("Maria", "Lopez", MARIA, "", "Acme", "Recruiter"),
            ("Bo", "Li", BO, "", "Acme", "Analyst"),
        ],
    )
    return {"maria": maria, "ana": ana}


def test_named_exporters_are_one_person_with_their_url(exports):
    net = linkedin_network(exports, recruiters="maria")
    assert sorted(net.labels.tolist()) == sorted([MARIA, ANA, BO])
    assert net.n_ties == 3  # maria-ana (listed twice), maria-bo, ana-bo
    assert net.label_of(net.recruiters).tolist() == [MARIA]
    assert net.attributes["name"][net.ids(MARIA)[0]] == "Maria Lopez"
    # a full name, a URL and the URL's last part name the same person
    for key in ("Maria Lopez", MARIA, "maria-lopez"):
        same = linkedin_network({key: exports["maria"], "ana": exports["ana"]})
        assert same.n_people == 3


def test_recruiters_as_one_string_and_paths_as_a_list(exports):
    net = linkedin_network([exports["maria"], exports["ana"]], recruiters=MARIA)
    assert net.n_people == 3
    assert net.label_of(net.recruiters).tolist() == [MARIA]
    one = linkedin_network(exports["ana"], recruiters="ana")
    assert one.n_people == 3 and one.label_of(one.recruiters).tolist() == ["ana"]
    with pytest.raises(nx.NodeNotFound, match=r"not in the exports: 'https://z'\."):
        linkedin_network(exports, recruiters="https://z")
    with pytest.raises(TypeError, match="'exports' parameter of linkedin_network"):
        linkedin_network(3)


def test_ambiguous_exporter_name_is_an_error(tmp_path):
    mine = export(tmp_path / "bo.csv", [("Al", "Ho", "https://x/in/al", "", "", "")])
    other = export(
        tmp_path / "x.csv",
        [
            ("Bo", "Li", "https://x/in/bli", "", "", ""),
            ("Bo", "Ng", "https://x/in/bng", "", "", ""),
        ],
    )
    with pytest.raises(ValueError, match="'bo' of linkedin_network matches 2 people"):
        linkedin_network({"bo": mine, "x": other})


def test_candidates_marked_and_missing_candidates_warn(exports):
    net = linkedin_network(exports, recruiters="maria", candidates=["Bo Li"])
    assert net.label_of(net.candidates).tolist() == [BO]
    result = referral.spread(net, trials=20, seed=1)
    share = result.summary().set_index("measure").loc["candidate_share_reached"]
    assert 0 <= share["estimate"] <= 1
    bare = linkedin_network(exports, recruiters="maria")
    with pytest.warns(
        UserWarning,
        match="candidate_share_reached is NaN because the network has no candidates",
    ):
        table = referral.spread(bare, trials=5, seed=1).summary()
    assert table.set_index("measure")["estimate"].isna()["candidate_share_reached"]


def test_cli_named_exporters_recruiter_and_candidate(exports, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "spread",
            f"maria={exports['maria']}",
            f"ana={exports['ana']}",
            "--recruiter",
            "maria",
            "--candidate",
            BO,
            "--trials",
            "10",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    people = pd.read_csv(out / "people.csv")
    assert sorted(people["person"]) == sorted([MARIA, ANA, BO])
    assert people.set_index("person")["recruiter"].to_dict() == {
        MARIA: True,
        ANA: False,
        BO: False,
    }
    assert people.set_index("person")["candidate"][BO]


def test_cli_roster_keeps_people_without_ties(tmp_path, capsys):
    (tmp_path / "ties.csv").write_text("source,target\n1,2\n2,3\n")
    (tmp_path / "people.csv").write_text(
        "person,recruiter,candidate,department\n1,1,0,a\n3,0,1,b\n580,0,1,c\n633,0,0,c\n"
    )
    out = tmp_path / "out"
    code = main(
        [
            "spread",
            str(tmp_path / "ties.csv"),
            "--people",
            str(tmp_path / "people.csv"),
            "--trials",
            "10",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.strip() == (
        f"referral: note: 2 people of {tmp_path / 'people.csv'} without ties kept "
        f"as isolated people."
    )
    people = pd.read_csv(out / "people.csv").set_index("person")
    assert sorted(people.index) == [1, 2, 3, 580, 633]
    assert people.loc[580, "candidate"] and people.loc[580, "reach_probability"] == 0
    assert people.loc[3, "reach_probability"] > 0
