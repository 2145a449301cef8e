"""Tests for referral.sweep: tidy tables, reproducibility across backends, resume."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from referral.network._populations import community_population
from referral.simulate._search import search
from referral.simulate._spread import spread
from referral.sweep import collect, make_tasks, run_task, sweep

GRID = {"n_people": [120, 200], "activity_beta": [(2.0, 5.0), (5.0, 2.0)]}


def build(n_people, activity_beta, seed):
    """A small community population; picklable (module level)."""
    return community_population(
        n_people,
        n_communities=4,
        activity_beta=activity_beta,
        n_recruiters=2,
        seed=seed,
    )


def build_logged(n_people, activity_beta, seed, *, log_dir):
    """``build`` that leaves one file per call; fails on 200 people while a
    ``crash`` file exists in ``log_dir``."""
    log = Path(log_dir)
    count = len(list(log.glob("call-*")))
    (log / f"call-{count:04d}-{n_people}-{activity_beta[0]}-{os.getpid()}").touch()
    if n_people == 200 and (log / "crash").exists():
        raise RuntimeError("simulated crash")
    return build(n_people, activity_beta, seed)


def calls(log_dir) -> int:
    return len(list(Path(log_dir).glob("call-*")))


@pytest.fixture(scope="module")
def serial():
    return sweep(build, GRID, trials=30, seed=11)


def test_one_row_per_configuration_with_parameters_as_columns(serial):
    assert len(serial) == 4
    assert list(serial.columns[:5]) == [
        "config",
        "n_people",
        "activity_beta",
        "trials",
        "seed",
    ]
    assert serial["config"].tolist() == [0, 1, 2, 3]
    assert serial["n_people"].tolist() == [120, 120, 200, 200]
    assert serial["activity_beta"].tolist() == [(2.0, 5.0), (5.0, 2.0)] * 2
    for column in ("people_reached_estimate", "people_reached_se", "depth_ci_high"):
        assert serial[column].dtype == np.float64
    # more active people reach more
    assert (
        serial["people_reached_estimate"][1::2].to_numpy()
        > serial["people_reached_estimate"][0::2].to_numpy()
    ).all()
    assert serial.attrs["seed_entropy"] == 11


def test_same_seed_same_table_and_replay(serial):
    again = sweep(build, GRID, trials=30, seed=11)
    pd.testing.assert_frame_equal(serial, again)
    other = sweep(build, GRID, trials=30, seed=12)
    assert not other["people_reached_estimate"].equals(
        serial["people_reached_estimate"]
    )
    # a row can be replayed from its seed
    tasks = make_tasks(build, GRID, trials=30, seed=11)
    row = serial.iloc[2]
    network = build(**tasks[2].params, seed=tasks[2].build_seed)
    replay = spread(network, trials=int(row["trials"]), seed=row["seed"])
    assert replay.summary()["estimate"][0] == row["people_reached_estimate"]


def test_seed_none_records_entropy():
    table = sweep(build, {"n_people": [100], "activity_beta": [(2, 5)]}, trials=5)
    entropy = table.attrs["seed_entropy"]
    again = sweep(
        build, {"n_people": [100], "activity_beta": [(2, 5)]}, trials=5, seed=entropy
    )
    pd.testing.assert_frame_equal(table, again)


def test_loky_processes_equal_serial(serial):
    with joblib.parallel_config(backend="loky"):
        parallel = sweep(build, GRID, trials=30, seed=11, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_threads_and_any_order_of_parts_equal_serial(serial):
    with joblib.parallel_config(backend="threading", n_jobs=2):
        threaded = sweep(build, GRID, trials=30, seed=11)
    pd.testing.assert_frame_equal(serial, threaded)
    tasks = make_tasks(build, GRID, trials=30, seed=11)
    parts = [run_task(t) for t in reversed(tasks)]
    pd.testing.assert_frame_equal(serial, collect(parts))


def test_real_dask_cluster_equals_serial(serial):
    distributed = pytest.importorskip("dask.distributed")
    import cloudpickle

    # the workers cannot import this test module, so ship its functions by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            with joblib.parallel_config(backend="dask"):
                on_dask = sweep(build, GRID, trials=30, seed=11)
            tasks = make_tasks(build, GRID, trials=30, seed=11)
            futures = client.map(run_task, tasks)
            mapped = collect(client.gather(futures))
            pids = set(client.run(os.getpid).values())
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert len(pids) == 2 and os.getpid() not in pids
    pd.testing.assert_frame_equal(serial, on_dask)
    pd.testing.assert_frame_equal(serial, mapped)


def test_resume_recomputes_nothing_finished(tmp_path, serial):
    log = tmp_path / "log"
    log.mkdir()
    out = tmp_path / "parts"
    logged = functools.partial(build_logged, log_dir=str(log))
    (log / "crash").touch()
    with pytest.raises(RuntimeError, match="simulated crash"):
        sweep(logged, GRID, trials=30, seed=11, results_dir=out)
    # configs 0 and 1 finished and were saved; config 2 crashed
    assert calls(log) == 3
    parts = sorted(out.glob("part-*.pkl"))
    assert [p.name[:11] for p in parts] == ["part-000000", "part-000001"]
    mtimes = {p: p.stat().st_mtime_ns for p in parts}
    assert not list(out.glob(".*.tmp"))

    (log / "crash").unlink()
    resumed = sweep(logged, GRID, trials=30, seed=11, results_dir=out)
    assert calls(log) == 3 + 2  # only configs 2 and 3 were built
    assert {p: p.stat().st_mtime_ns for p in parts} == mtimes
    pd.testing.assert_frame_equal(serial, resumed)

    # a full rerun builds nothing
    again = sweep(logged, GRID, trials=30, seed=11, results_dir=out)
    assert calls(log) == 5
    pd.testing.assert_frame_equal(serial, again)
    # other settings never reuse those parts
    sweep(logged, GRID, trials=31, seed=11, results_dir=out)
    assert calls(log) == 9


def test_resume_with_seed_none_reuses_stored_entropy(tmp_path):
    grid = {"n_people": [100, 150], "activity_beta": [(2, 5)]}
    first = sweep(build, grid, trials=5, results_dir=tmp_path)
    log = tmp_path / "log"
    log.mkdir()
    second = sweep(
        functools.partial(build_logged, log_dir=str(log)),
        grid,
        trials=5,
        results_dir=tmp_path,
    )
    assert second.attrs["seed_entropy"] == first.attrs["seed_entropy"]
    assert second["people_reached_estimate"].equals(first["people_reached_estimate"])


def test_per_trial_rows_and_kwargs():
    table = sweep(
        build,
        {"n_people": [100], "activity_beta": [(2, 5), (5, 2)]},
        trials=7,
        seed=1,
        per_trial=True,
        max_hops=2,
    )
    assert len(table) == 14
    assert table["trial"].tolist() == list(range(7)) * 2
    assert (table["depth"] <= 2).all()
    assert {"config", "n_people", "activity_beta", "reached"} <= set(table.columns)


def test_search_and_custom_simulate():
    table = sweep(
        build,
        {"n_people": [100], "activity_beta": [(2, 5)]},
        simulate=search,
        trials=3,
        seed=2,
    )
    assert "completion_rate_estimate" in table.columns

    def reach_only(network, *, trials, seed):
        return {
            "mean": spread(network, trials=trials, seed=seed, record="reach")
            .trials()["reached"]
            .mean()
        }

    custom = sweep(
        build,
        {"n_people": [100], "activity_beta": [(2, 5)]},
        simulate=reach_only,
        trials=4,
        seed=2,
    )
    assert custom.columns.tolist()[-1] == "mean"


def test_common_random_numbers_share_seeds():
    table = sweep(build, GRID, trials=5, seed=3, common_random_numbers=True)
    assert set(table["seed"]) == {table["seed"][0]}


def test_progress_bar(capsys):
    sweep(
        build,
        {"n_people": [100], "activity_beta": [(2, 5)]},
        trials=3,
        seed=1,
        progress=True,
    )
    assert "sweep" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("grid", "kwargs", "error", "match"),
    [
        ({}, {}, ValueError, "non-empty mapping"),
        ({"n_people": []}, {}, ValueError, "no values for 'n_people'"),
        (
            {"n_people": [10]},
            {"trials": 0},
            ValueError,
            r"'trials' .* \[1, inf\). Got 0",
        ),
        ({"n_people": [10]}, {"trials": 1.5}, TypeError, "'trials' .* int"),
    ],
)
def test_bad_input(grid, kwargs, error, match):
    with pytest.raises(error, match=match):
        sweep(build, grid, **kwargs)


def test_build_not_callable():
    with pytest.raises(TypeError, match="'build' parameter of sweep"):
        sweep("nope", {"a": [1]})
