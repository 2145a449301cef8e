"""Paired sweeps, replay from a row, resume keyed by content, and the TOML
``edgelist`` builder."""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from referral.cli import main
from referral.interventions import referral_bonus
from referral.network import from_networkx
from referral.network._populations import community_population
from referral.simulate._spread import spread
from referral.sweep import make_tasks, read_sweep_spec, sweep

README = Path(__file__).resolve().parents[1] / "README.md"


def build_with_bonus(n_people, bonus, seed):
    """A seeded population, then a referral bonus (an intervention)."""
    net = community_population(n_people, n_communities=3, n_recruiters=2, seed=seed)
    return referral_bonus(net, bonus)


# ------------------------------------------------------------------- pairing
def test_interventions_share_population_and_trials():
    grid = {"n_people": [150, 200], "bonus": [0.0, 1e-9, 0.15]}
    paired = sweep(build_with_bonus, grid, trials=40, seed=5, interventions=["bonus"])
    for n_people, group in paired.groupby("n_people"):
        assert len(set(group["seed"])) == 1, n_people
        assert len(set(group["build_seed"])) == 1, n_people
        base, tiny, bonus = (group.iloc[i] for i in range(3))
        # a negligible change gives (nearly) the same row
        for column in (
            "people_reached_estimate",
            "candidates_reached_estimate",
            "depth_estimate",
        ):
            assert abs(tiny[column] - base[column]) <= 1e-6 * max(base[column], 1)
        # a real bonus only adds reach, trial by trial (common random numbers)
        assert bonus["people_reached_estimate"] >= base["people_reached_estimate"]
    # different populations get different draws
    assert paired["seed"].nunique() == 2
    # without declaring the intervention, each configuration has its own draw,
    # and the negligible change is lost in the noise
    unpaired = sweep(build_with_bonus, grid, trials=40, seed=5)
    assert unpaired["seed"].nunique() == 6
    first = unpaired[unpaired["n_people"] == 150]
    assert (
        first["people_reached_estimate"].iloc[0]
        != first["people_reached_estimate"].iloc[1]
    )


def test_paired_rows_trial_by_trial():
    grid = {"n_people": [150], "bonus": [0.0, 0.2]}
    table = sweep(
        build_with_bonus,
        grid,
        trials=60,
        seed=2,
        per_trial=True,
        interventions=["bonus"],
    )
    base = table[table["bonus"] == 0.0]["reached"].to_numpy()
    more = table[table["bonus"] == 0.2]["reached"].to_numpy()
    # raising everyone's activity with the same coins never loses anyone
    assert (more >= base).all() and (more > base).any()


def test_seeds_keyed_by_content_not_position():
    grid = {"n_people": [150, 200], "bonus": [0.0, 0.1]}
    table = sweep(build_with_bonus, grid, trials=20, seed=4)
    reordered = sweep(
        build_with_bonus,
        {"bonus": [0.1, 0.0], "n_people": [200, 150]},
        trials=20,
        seed=4,
    )
    columns = ["n_people", "bonus", "seed", "build_seed", "people_reached_estimate"]
    left = table[columns].sort_values(["n_people", "bonus"]).reset_index(drop=True)
    right = reordered[columns].sort_values(["n_people", "bonus"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


def test_interventions_bad_input():
    grid = {"n_people": [150], "bonus": [0.0]}
    with pytest.raises(
        ValueError,
        match=r"'interventions' parameter of sweep must "
        r"name grid parameters .* Got 'bonsu'",
    ):
        sweep(build_with_bonus, grid, trials=2, seed=1, interventions=["bonsu"])
    with pytest.raises(TypeError, match="'interventions' parameter of sweep"):
        sweep(build_with_bonus, grid, trials=2, seed=1, interventions=3)


# -------------------------------------------------------------------- replay
def test_every_row_replays():
    grid = {"n_people": [150], "bonus": [0.0, 0.1]}
    table = sweep(
        build_with_bonus, grid, trials=25, seed=8, max_hops=4, interventions=["bonus"]
    )
    assert table.attrs["simulate_kwargs"] == {"max_hops": 4}
    for row in table.itertuples():
        params = {"n_people": row.n_people, "bonus": row.bonus}
        again = spread(
            build_with_bonus(**params, seed=row.build_seed),
            trials=row.trials,
            seed=row.seed,
            **table.attrs["simulate_kwargs"],
        )
        s = again.summary().set_index("measure")
        assert s.loc["people_reached", "estimate"] == row.people_reached_estimate
        assert s.loc["depth", "se"] == row.depth_se


def _readme_recipe() -> str:
    text = README.read_text()
    match = re.search(r"`(spread\(build\(\*\*params[^`]*)`", text)
    assert match, "the README's replay recipe is gone"
    return match.group(1)


def test_readme_replay_recipe():
    # the README's own build and call, smaller
    def build(n_people, strong_contacts, seed):
        return community_population(
            n_people, strong_contacts=strong_contacts, seed=seed
        )

    table = sweep(
        build,
        {"n_people": [300], "strong_contacts": [4, 6]},
        trials=30,
        seed=1,
        max_hops=6,
    )
    recipe = _readme_recipe()
    for row in table.itertuples():
        params = {"n_people": row.n_people, "strong_contacts": row.strong_contacts}
        result = eval(
            recipe, {"spread": spread, "build": build, "params": params, "row": row}
        )
        assert result.summary()["estimate"][0] == row.people_reached_estimate


# ------------------------------------------------------- resume by content
def build_from_activity(activity, seed=None):
    """A path whose activities are the given array."""
    return from_networkx(
        nx.path_graph(len(activity)),
        strength=1.0,
        activity=dict(enumerate(np.asarray(activity).tolist())),
        recruiters=[0],
    )


def test_resume_tells_long_arrays_apart(tmp_path):
    ones = np.ones(2000)
    holed = ones.copy()
    holed[5] = 0.0  # same repr as `ones` once numpy shortens it
    assert repr(ones) == repr(holed)
    first = sweep(
        build_from_activity,
        {"activity": [ones]},
        trials=3,
        seed=1,
        results_dir=tmp_path,
        record="reach",
    )
    second = sweep(
        build_from_activity,
        {"activity": [holed]},
        trials=3,
        seed=1,
        results_dir=tmp_path,
        record="reach",
    )
    assert first["people_reached_estimate"][0] == 2000
    assert second["people_reached_estimate"][0] == 6  # people 0..5
    assert len(list(Path(tmp_path).glob("part-*.pkl"))) == 2


def test_resume_notices_a_changed_build_function(tmp_path, monkeypatch):
    module = tmp_path / "sweep_build_module.py"
    source = textwrap.dedent("""\
        import networkx as nx
        from referral.network import from_networkx

        def build(n):
            return from_networkx(nx.path_graph(n), strength=1.0, activity=1.0,
                                 recruiters=[0])
        """)
    module.write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("sweep_build_module")
    parts = tmp_path / "parts"
    first = sweep(mod.build, {"n": [10]}, trials=2, seed=1, results_dir=parts)
    assert first["people_reached_estimate"][0] == 10
    # same name, same module, new body: no one acts but the recruiter
    module.write_text(source.replace("activity=1.0", "activity=0.0"))
    mod = importlib.reload(mod)
    second = sweep(mod.build, {"n": [10]}, trials=2, seed=1, results_dir=parts)
    assert second["people_reached_estimate"][0] == 2
    # unchanged code resumes from its part
    third = sweep(mod.build, {"n": [10]}, trials=2, seed=1, results_dir=parts)
    pd.testing.assert_frame_equal(second, third)
    assert len(list(parts.glob("part-*.pkl"))) == 2
    sys.modules.pop("sweep_build_module", None)


def test_task_fingerprint_covers_partial_arguments_by_content():
    import functools

    a = np.zeros(3000)
    b = a.copy()
    b[-1] = 1.0
    ta = make_tasks(
        functools.partial(build_from_activity, a), {"seed": [1]}, trials=1, seed=1
    )
    tb = make_tasks(
        functools.partial(build_from_activity, b), {"seed": [1]}, trials=1, seed=1
    )
    assert ta[0].fingerprint != tb[0].fingerprint


# ------------------------------------------------------------------ the TOML
PAIRED_TOML = """\
[network]
builder = "community_population"
n_people = 150
n_recruiters = 2

[grid]
strong_contacts = [4]
referral_bonus = [0.0, 1e-9, 0.2]

[simulate]
trials = 30
seed = 3
"""


def test_toml_sweep_is_paired(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(PAIRED_TOML)
    out = tmp_path / "sweep.csv"
    assert main(["sweep", str(grid), "--out", str(out), "--no-progress"]) == 0
    table = pd.read_csv(out)
    assert len(set(table["seed"])) == 1 and len(set(table["build_seed"])) == 1
    base, tiny, bonus = (table.iloc[i] for i in range(3))
    assert tiny["people_reached_estimate"] == pytest.approx(
        base["people_reached_estimate"], rel=1e-6
    )
    assert bonus["people_reached_estimate"] > base["people_reached_estimate"]
    assert read_sweep_spec(grid)["interventions"] == ["referral_bonus"]


EDGES = """\
source,target,strength
ana,bo,0.9
bo,cy,0.9
cy,dee,0.3
dee,ed,0.9
ana,cy,0.2
"""

EDGELIST_TOML = """\
[network]
builder = "edgelist"
path = "ties.csv"
activity = 0.6

[grid]
referral_bonus = [0.0, 0.4]

[simulate]
trials = 50
seed = 1
sources = ["ana"]
"""


def test_toml_edgelist_builder_through_the_cli(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ties.csv").write_text(EDGES)
    grid = tmp_path / "data" / "grid.toml"
    grid.write_text(EDGELIST_TOML)
    out = tmp_path / "sweep.csv"
    parts = tmp_path / "parts"
    code = main(
        [
            "sweep",
            str(grid),
            "--out",
            str(out),
            "--results-dir",
            str(parts),
            "--no-progress",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0, err
    table = pd.read_csv(out)
    assert table["referral_bonus"].tolist() == [0.0, 0.4]
    assert (table["people_reached_estimate"] >= 1).all()
    assert table["people_reached_estimate"][1] > table["people_reached_estimate"][0]
    # a changed edge list is never served the old parts
    (tmp_path / "data" / "ties.csv").write_text("source,target,strength\nana,bo,0.9\n")
    code = main(
        [
            "sweep",
            str(grid),
            "--out",
            str(out),
            "--results-dir",
            str(parts),
            "--force",
            "--no-progress",
        ]
    )
    assert code == 0
    assert pd.read_csv(out)["people_reached_estimate"].max() <= 2
    assert len(list(parts.glob("part-*.pkl"))) == 4


def test_toml_edgelist_needs_a_path(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(EDGELIST_TOML.replace('path = "ties.csv"\n', ""))
    code = main(["sweep", str(grid), "--out", str(tmp_path / "s.csv")])
    _, err = capsys.readouterr()
    assert code == 2
    assert "builder 'edgelist' needs path" in err
    grid.write_text(EDGELIST_TOML)
    code = main(["sweep", str(grid), "--out", str(tmp_path / "s.csv")])
    _, err = capsys.readouterr()
    assert code == 2 and "path names no file" in err and "ties.csv" in err


def test_sweep_help_documents_edgelist_path(capsys):
    assert main(["sweep", "--help"]) == 0
    out, _ = capsys.readouterr()
    assert 'path = "ties.csv"' in out and "edgelist" in out
    assert "referral_bonus" in out and "add_weak_ties" in out


def build_with_transmission(transmission, seed=None):
    return from_networkx(
        nx.path_graph(6),
        strength=0.5,
        transmission=transmission,
        activity=1.0,
        recruiters=[0],
    )


def test_functions_as_grid_values_are_keyed_by_code():
    grid = {"transmission": [lambda u, v, d: 1.0, lambda u, v, d: 0.0]}  # one line
    table = sweep(build_with_transmission, grid, trials=3, seed=1)
    assert table["people_reached_estimate"].tolist() == [6.0, 1.0]
    # two lambdas on one line differ in their constants: different keys
    assert table["seed"].iloc[0] != table["seed"].iloc[1]
    again = sweep(build_with_transmission, grid, trials=3, seed=1)
    pd.testing.assert_frame_equal(table, again)
    with pytest.raises(TypeError, match="needs picklable parameter values"):
        import threading

        sweep(
            build_with_transmission,
            {"transmission": [threading.Lock()]},
            trials=1,
            seed=1,
        )


BOOST_TOML = """\
[network]
builder = "edgelist"
path = "ties.csv"
activity = 0.3
boost_people = ["bo", "cy"]

[grid]
boost_to = [0.3, 0.9]
add_weak_ties = [0, 2]

[simulate]
trials = 200
seed = 4
sources = ["ana"]
"""


def test_toml_boosts_and_added_ties_are_paired(tmp_path, capsys):
    (tmp_path / "ties.csv").write_text(EDGES)
    grid = tmp_path / "grid.toml"
    grid.write_text(BOOST_TOML)
    spec = read_sweep_spec(grid)
    assert spec["interventions"] == ["boost_to", "add_weak_ties"]
    out = tmp_path / "sweep.csv"
    assert (
        main(["sweep", str(grid), "--out", str(out), "--no-progress", "--per-trial"])
        == 0
    )
    table = pd.read_csv(out)
    assert len(set(table["seed"])) == 1
    # boost_to 0.3 changes nobody (they are at 0.3 already): identical trials
    same = table[table["boost_to"] == 0.3]
    base = table[(table["boost_to"] == 0.3) & (table["add_weak_ties"] == 0)]
    assert same.groupby("add_weak_ties")["reached"].sum().is_monotonic_increasing
    boosted = table[(table["boost_to"] == 0.9) & (table["add_weak_ties"] == 0)]
    # training people with the same coins never loses anyone
    assert (boosted["reached"].to_numpy() >= base["reached"].to_numpy()).all()
    assert boosted["reached"].sum() > base["reached"].sum()


def test_toml_boost_needs_people(tmp_path, capsys):
    (tmp_path / "ties.csv").write_text(EDGES)
    grid = tmp_path / "grid.toml"
    grid.write_text(BOOST_TOML.replace('boost_people = ["bo", "cy"]\n', ""))
    code = main(["sweep", str(grid), "--out", str(tmp_path / "s.csv")])
    _, err = capsys.readouterr()
    assert code == 2 and "boost_to needs boost_people" in err
