"""The hiring funnel in days (``funnel(..., delay=...)``): the hop funnel
reproduced by ``constant(1)``, closed forms for the time to fill on a star
and a path with constant and exponential delays, coverage of the reported
intervals, reproducibility across n_jobs and bad input."""

from __future__ import annotations

import math
import os

import networkx as nx
import numpy as np
import pytest
from scipy.stats import binom

from referral import InvalidParameterError, from_networkx
from referral.datasets import email_eu_core
from referral.interventions import Flat, Recursive, scale_activity
from referral.simulate import delays, funnel

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def star(k, *, w=1.0):
    """Recruiter 0 at the centre, k candidate leaves."""
    return from_networkx(
        nx.star_graph(k),
        strength=1.0,
        transmission=w,
        activity=1.0,
        recruiters=[0],
        candidates=range(1, k + 1),
    )


def path(length):
    """Recruiter 0 at one end, candidates 1..length along the path."""
    return from_networkx(
        nx.path_graph(length + 1),
        strength=1.0,
        transmission=1.0,
        activity=1.0,
        recruiters=[0],
        candidates=range(1, length + 1),
    )


def z_share(estimate, truth, n):
    return (estimate - truth) / math.sqrt(truth * (1 - truth) / n)


@pytest.mark.parametrize("positions", [None, 1, 3])
def test_constant_one_day_is_the_hop_funnel_number_for_number(positions):
    net = scale_activity(email_eu_core(), 0.3)
    kwargs = dict(
        apply=0.2,
        hire=0.3,
        positions=positions,
        scheme=Recursive(100, 0.5, levels=3),
        trials=60,
        seed=5,
    )
    hops = funnel(net, [net.labels[0]], **kwargs)
    days = funnel(net, [net.labels[0]], delay=delays.constant(1), **kwargs)
    np.testing.assert_array_equal(days.counts, hops.counts)
    np.testing.assert_array_equal(days.trial_hop, hops.trial_hop)
    np.testing.assert_array_equal(days.hop_sums, hops.hop_sums)
    np.testing.assert_allclose(days.paid, hops.paid)
    filled = days.filled()
    assert filled.any() and (~filled).any() or positions is None
    if positions is not None:  # one day per hop: filled on the fill hop's day
        np.testing.assert_array_equal(
            days.fill_time[filled], hops.counts[filled, 5].astype(float)
        )
    assert np.isnan(days.fill_time[~filled]).all()


def test_star_constant_delay_fills_on_day_d_when_it_fills():
    k, h, d = 5, 0.2, 2.5
    trials = 4000
    result = funnel(
        star(k), hire=h, positions=1, delay=delays.constant(d), trials=trials, seed=3
    )
    table = result.time_to_fill().set_index("measure")
    q = 1 - (1 - h) ** k  # P(filled)
    assert abs(z_share(table.loc["filled_share", "estimate"], q, trials)) < 4.5
    filled = ~np.isnan(result.fill_time)
    assert (result.fill_time[filled] == d).all()
    assert table.loc["mean_days_if_filled", "estimate"] == d
    assert table.loc["median_days", "estimate"] == d  # q > 1/2
    by = result.filled_by([0, d - 0.01, d, 10 * d]).set_index("day")["estimate"]
    assert by.iloc[0] == by.iloc[1] == 0.0
    assert by.iloc[2] == by.iloc[3] == filled.mean()


@pytest.mark.parametrize("per", ["person", "tie"])
def test_star_exponential_delays_share_filled_by_day_t(per):
    """per person: the centre tells everyone at one Exp(m) moment, so
    P(filled by t) = q (1 - e^{-t/m}); per tie: each leaf arrives at its own
    Exp(m) time, P(filled by t) = 1 - (1 - h (1 - e^{-t/m}))^k."""
    k, h, m = 4, 0.3, 2.0
    trials = 3000 if QUICK else 10000
    result = funnel(
        star(k), hire=h, delay=delays.exponential(m, per=per), trials=trials, seed=7
    )
    grid = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    table = result.filled_by(grid)
    q = 1 - (1 - h) ** k
    if per == "person":
        truth = q * (1 - np.exp(-grid / m))
    else:
        truth = 1 - (1 - h * (1 - np.exp(-grid / m))) ** k
    z = (table["estimate"] - truth) / np.sqrt(truth * (1 - truth) / trials)
    assert (np.abs(z) < 4.5).all(), z.tolist()
    # the mean time to fill of the filled openings
    j = np.arange(1, k + 1)
    p_j = binom.pmf(j, k, h)
    mean_if = m if per == "person" else float((p_j * m / j).sum() / q)
    row = result.time_to_fill().set_index("measure").loc["mean_days_if_filled"]
    assert abs(row["estimate"] - mean_if) < 4.5 * row["se"]
    assert row["n"] == (~np.isnan(result.fill_time)).sum()


def test_path_constant_delay_first_hire_is_geometric():
    """Along a path with delay d, node j is told on day j d; the first hire
    is at node j with probability (1 - h)^(j - 1) h."""
    length, h, d = 6, 0.25, 1.5
    trials = 4000 if QUICK else 12000
    result = funnel(
        path(length),
        hire=h,
        positions=1,
        delay=delays.constant(d),
        trials=trials,
        seed=2,
    )
    j = np.arange(1, length + 1)
    p = (1 - h) ** (j - 1) * h
    q = p.sum()
    days = result.fill_time[~np.isnan(result.fill_time)]
    counts = np.array([(days == jj * d).sum() for jj in j])
    assert counts.sum() == len(days)  # only days j d occur
    z = (counts / trials - p) / np.sqrt(p * (1 - p) / trials)
    assert (np.abs(z) < 4.5).all(), z.tolist()
    row = result.time_to_fill().set_index("measure").loc["mean_days_if_filled"]
    assert abs(row["estimate"] - d * (j * p).sum() / q) < 4.5 * row["se"]
    # the search stops on the day of the hire: nobody further along is told
    t = result.trials()
    done = t["filled"]
    np.testing.assert_array_equal(
        t.loc[done, "people_reached"], (t.loc[done, "days_to_fill"] / d + 1)
    )
    assert (t.loc[~done, "people_reached"] == length + 1).all()


def test_deadline_cuts_the_search():
    net = star(3)
    on_time = funnel(
        net, hire=1.0, delay=delays.constant(3), deadline=3, trials=20, seed=1
    )
    assert (on_time.fill_time == 3).all()
    late = funnel(
        net, hire=1.0, delay=delays.constant(3), deadline="2 days", trials=20, seed=1
    )
    assert np.isnan(late.fill_time).all()
    table = late.time_to_fill().set_index("measure")
    assert table.loc["filled_share", "estimate"] == 0.0
    assert np.isnan(table.loc["median_days", "estimate"])
    assert table.loc["mean_days_if_filled", "n"] == 0
    assert (late.trials()["people_reached"] == 1).all()


@pytest.mark.stat
def test_median_and_share_intervals_cover():
    """Star, exponential per person: T = Exp(m) when filled (prob q), never
    otherwise; the median of T is -m ln(1 - 1/(2q)), the share filled is q,
    the mean if filled is m and the share filled by day m is q (1 - 1/e)."""
    k, h, m = 4, 0.4, 2.0
    q = 1 - (1 - h) ** k
    median = -m * math.log(1 - 0.5 / q)
    reps, trials = (200, 100) if QUICK else (400, 200)
    hits = dict.fromkeys(
        ["filled_share", "median_days", "mean_days_if_filled", "filled_by_m"], 0
    )
    truth = {
        "filled_share": q,
        "median_days": median,
        "mean_days_if_filled": m,
        "filled_by_m": q * (1 - math.exp(-1)),
    }
    net = star(k)
    for seed in np.random.SeedSequence(2026).spawn(reps):
        result = funnel(
            net,
            hire=h,
            positions=1,
            delay=delays.exponential(m),
            trials=trials,
            seed=seed,
        )
        table = result.time_to_fill().set_index("measure")
        by = result.filled_by([m]).iloc[0]
        table.loc["filled_by_m"] = by[table.columns]
        for name in hits:
            low, high = table.loc[name, "ci_low"], table.loc[name, "ci_high"]
            high = np.inf if np.isnan(high) else high
            hits[name] += low <= truth[name] <= high
    band = binom.ppf([0.0005, 0.9995], reps, 0.95)
    for name, count in hits.items():
        assert band[0] <= count <= band[1], (name, count, band)


def test_same_seed_same_result_for_any_n_jobs():
    net = scale_activity(email_eu_core(), 0.3)
    kwargs = dict(
        apply=0.2,
        hire=0.3,
        positions=2,
        scheme=Flat(50),
        delay=delays.lognormal(2.0, 0.8, per="tie"),
        deadline=30,
        trials=40,
        seed=9,
    )
    one = funnel(net, [net.labels[0]], n_jobs=1, **kwargs)
    two = funnel(net, [net.labels[0]], n_jobs=2, **kwargs)
    np.testing.assert_array_equal(one.fill_time, two.fill_time)
    np.testing.assert_array_equal(one.counts, two.counts)
    np.testing.assert_array_equal(one.paid, two.paid)
    assert one.time_to_fill().equals(two.time_to_fill())


def test_bad_input_names_the_parameter():
    net = star(3)
    with pytest.raises(TypeError, match="'delay' parameter of funnel"):
        funnel(net, delay=[1, 2], trials=5)
    with pytest.raises(ValueError, match="'deadline' parameter of funnel needs"):
        funnel(net, deadline=3, trials=5)
    with pytest.raises(ValueError, match="deadline"):
        funnel(net, delay=1, deadline=-2, trials=5)
    with pytest.raises(InvalidParameterError, match="'applicants_stop' parameter"):
        funnel(net, delay=1, applicants_stop=True, trials=5)
    hops = funnel(net, trials=5, seed=1)
    with pytest.raises(ValueError, match="needs a funnel run with a 'delay'"):
        hops.time_to_fill()
    with pytest.raises(ValueError, match="needs a funnel run with a 'delay'"):
        hops.filled_by([1])
    days = funnel(net, delay=1, trials=5, seed=1)
    with pytest.raises(InvalidParameterError, match="'days' parameter.*-1"):
        days.filled_by([2, -1])
    with pytest.raises(InvalidParameterError, match="'days' parameter"):
        days.filled_by("soon")
    with pytest.raises(InvalidParameterError, match="level"):
        days.time_to_fill(level=1.5)
