"""Whom to ask in addition to what the recruiters post: closed forms."""

from __future__ import annotations

import networkx as nx
import pytest

from referral import from_networkx
from referral.whom_to_ask._ambassadors import ambassadors
from referral.wording import who_to_ask_sentences


def two_hubs(m=10, t=0.5, a=0.5):
    """Recruiter hub R tied to hub B, who has ``m`` target leaves."""
    G = nx.Graph()
    G.add_edge("R", "B")
    G.add_edges_from(("B", f"L{i}") for i in range(m))
    return from_networkx(
        G,
        strength=1.0,
        transmission=t,
        activity=a,
        recruiters=["R"],
        candidates=[f"L{i}" for i in range(m)],
    )


def test_in_addition_matches_the_closed_form():
    m, t, a = 10, 0.5, 0.5
    net = two_hubs(m, t, a)
    table = ambassadors(net, 1, in_addition=True, seed=3, check_trials=4000)
    row = table.iloc[0]
    assert row["person"] == "B" and bool(row["in_addition"])
    # R alone: each leaf needs R->B, B acting, B->leaf
    posted = m * t * a * t
    assert abs(row["posted_reach_estimate"] - posted) < 4 * row["posted_reach_se"]
    # B posting adds each leaf that B reaches and R's posting does not
    added = m * t * (1 - a * t)
    assert abs(row["reach_estimate"] - added) < 4 * row["reach_se"]
    assert abs(row["spread_reach_estimate"] - added) < 4 * row["spread_reach_se"]
    lines = who_to_ask_sentences(table)
    assert lines[0].startswith("In addition to the ")
    assert "the recruiter reaches by posting" in lines[0]
    assert "ask B: expected to reach" in lines[0] and "more (95% CI" in lines[0]


def test_without_in_addition_the_same_person_counts_everything():
    m, t, a = 10, 0.5, 0.5
    table = ambassadors(two_hubs(m, t, a), 1, seed=3, check_trials=2000)
    row = table.iloc[0]
    assert row["person"] == "B" and not bool(row["in_addition"])
    assert abs(row["reach_estimate"] - m * t) < 4 * row["reach_se"]
    assert "recruiter" not in set(table["person"])


def test_in_addition_is_reproducible_and_needs_recruiters():
    net = two_hubs()
    a = ambassadors(net, 1, in_addition=True, seed=5, check_trials=50)
    b = ambassadors(net, 1, in_addition=True, seed=5, check_trials=50, n_jobs=2)
    assert a.equals(b)
    bare = from_networkx(nx.path_graph(4), strength=1.0, activity=0.5, candidates=[3])
    with pytest.raises(ValueError, match="in_addition=True needs recruiters"):
        ambassadors(bare, 1, in_addition=True)


def test_recruiters_are_asked_only_when_asked_for():
    net = two_hubs()
    table = ambassadors(net, 2, seed=1, check_trials=0)
    assert "R" not in set(table["person"]) and int(table["recruiters_left_out"][0]) == 1
    table = ambassadors(net, 2, ask_recruiters=True, seed=1, check_trials=0)
    assert int(table["recruiters_left_out"][0]) == 0
    assert int(table["n_eligible"][0]) == net.n_people
    only = from_networkx(
        nx.path_graph(2), strength=1.0, activity=0.5, recruiters=[0, 1], candidates=[1]
    )
    with pytest.raises(ValueError, match="pass ask_recruiters=True"):
        ambassadors(only, 1)


def test_cli_leaves_recruiters_out_and_runs_in_addition(tmp_path, capsys):
    import pandas as pd

    from referral.cli import main

    edges = tmp_path / "ties.csv"
    edges.write_text(
        "source,target\nR,B\n" + "".join(f"B,L{i}\n" for i in range(6)) + "R,x\n"
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "person,recruiter,candidate\nR,1,0\nB,0,0\nx,0,0\n"
        + "".join(f"L{i},0,1\n" for i in range(6))
    )
    common = [
        str(edges),
        "--people",
        str(people),
        "--strength",
        "1",
        "--activity",
        "0.5",
        "--seed",
        "1",
        "--check-trials",
        "20",
        "--samples",
        "500",
        "--no-progress",
    ]
    assert main(["ambassadors", *common, "-k", "1", "--out", str(tmp_path / "a")]) == 0
    table = pd.read_csv(tmp_path / "a" / "ambassadors.csv")
    assert table["person"].tolist() == ["B"]
    assert int(table["recruiters_left_out"][0]) == 1
    out = tmp_path / "b"
    assert (
        main(["ambassadors", *common, "-k", "1", "--in-addition", "--out", str(out)])
        == 0
    )
    table = pd.read_csv(out / "ambassadors.csv")
    assert bool(table["in_addition"][0]) and table["posted_reach_estimate"][0] >= 0
    assert "In addition to the " in capsys.readouterr().out
