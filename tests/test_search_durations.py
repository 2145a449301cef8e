"""search(..., delay=...): chain durations."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import referral
from referral import delays, search
from referral._core.rng import base_key
from referral._engine.timed_kernel import draw_delays
from referral.simulate._timed_spread import delay_run


@pytest.fixture(scope="module")
def small_world():
    G = nx.connected_watts_strogatz_graph(200, 6, 0.1, seed=2)
    return referral.from_networkx(G, strength=0.5, activity=0.8)


def test_constant_delay_of_one_is_the_length(small_world):
    result = search(
        small_world,
        starts=range(0, 200, 10),
        targets=[100, 150],
        trials=20,
        seed=3,
        delay=1,
    )
    chains = result.chains()
    assert chains["duration"].dtype == np.float64
    assert (chains["duration"] == chains["length"]).all()
    summary = result.summary().set_index("measure")
    assert summary.loc["mean_duration", "estimate"] == pytest.approx(
        summary.loc["mean_length", "estimate"]
    )
    assert summary.loc["median_duration", "estimate"] == pytest.approx(
        summary.loc["median_length", "estimate"]
    )


def test_delay_leaves_the_chains_alone(small_world):
    kw = {"starts": range(0, 200, 7), "targets": [5, 99], "trials": 10, "seed": 4}
    plain = search(small_world, **kw)
    timed = search(small_world, delay=delays.lognormal(2, 1), n_jobs=2, **kw)
    pd.testing.assert_frame_equal(
        plain.chains(), timed.chains().drop(columns="duration")
    )
    pd.testing.assert_frame_equal(plain.paths(), timed.paths())
    assert "duration" not in plain.chains()
    assert not plain.summary()["measure"].str.contains("duration").any()
    rows = timed.summary()
    pd.testing.assert_frame_equal(
        plain.summary(),
        rows[~rows["measure"].str.contains("duration")].reset_index(drop=True),
    )
    again = search(small_world, delay=delays.lognormal(2, 1), n_jobs=1, **kw)
    pd.testing.assert_frame_equal(timed.chains(), again.chains())


def test_lognormal_durations_mean_is_length_times_mean_delay(small_world):
    median, sigma = 2.0, 0.8
    mean_delay = median * math.exp(sigma**2 / 2)
    result = search(
        small_world,
        starts=range(0, 200, 4),
        targets=[100],
        trials=40,
        seed=5,
        delay=delays.lognormal(median, sigma),
    )
    chains = result.chains()
    checked = 0
    for length, group in chains[chains["length"] > 0].groupby("length"):
        if len(group) < 30:
            continue
        se = group["duration"].std(ddof=1) / math.sqrt(len(group))
        z = (group["duration"].mean() - length * mean_delay) / se
        assert abs(z) < 4, (length, z)
        checked += 1
    assert checked >= 3
    # the completed chains' mean duration, against their mean length
    done = chains[chains["outcome"] == "completed"]
    row = result.summary().set_index("measure").loc["mean_duration"]
    assert row["n"] == len(done)
    assert row["estimate"] == pytest.approx(done["duration"].mean())
    z = (row["estimate"] - done["length"].mean() * mean_delay) / row["se"]
    assert abs(z) < 4


def test_durations_are_the_holders_spread_delays():
    # on a path the chain from 0 is 0 -> 1 -> 2 ...: its duration is the sum
    # of the holders' delays, the draws spread makes for them in trial c
    net = referral.from_networkx(nx.path_graph(5), strength=1.0, activity=0.7)
    delay = delays.exponential(1.5)
    result = search(net, starts=[0], targets=[4], trials=50, seed=6, delay=delay)
    timing = delay_run(delay, None, net)
    key = base_key(result.seed_entropy)
    # spread's delay of person h in trials 0 .. 49
    drawn = [draw_delays(key, timing, 50, h) for h in range(5)]
    chains = result.chains()
    assert chains["length"].nunique() >= 3
    for row in chains.itertuples():
        expected = sum(drawn[h][row.chain] for h in range(row.length))
        assert row.duration == pytest.approx(expected, rel=1e-12)
    # the Python-policy path draws the same delays
    slow = search(
        net,
        starts=[0],
        targets=[4],
        trials=50,
        seed=6,
        delay=delay,
        policy=lambda holder, contacts, network: contacts[0],
    )
    pd.testing.assert_series_equal(
        slow.chains()["duration"], result.chains()["duration"]
    )


def test_bad_delay_names_the_parameter(small_world):
    with pytest.raises(ValueError, match=r"'delay' parameter of search.*-1"):
        search(small_world, starts=[0], targets=[5], delay=-1)
    with pytest.raises(ValueError, match=r"'delay'.*unit"):
        search(small_world, starts=[0], targets=[5], delay="3")
    with pytest.raises(TypeError, match=r"'delay' parameter of search"):
        search(small_world, starts=[0], targets=[5], delay=[1, 2])
