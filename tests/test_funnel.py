"""The hiring funnel: closed forms on k-ary trees, coverage of every interval,
the halting cascade against the plain spread, positions, reproducibility and
bad input."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest
from scipy.stats import binom

from referral import InvalidParameterError, from_networkx, spread
from referral.datasets import email_eu_core
from referral.interventions import Capped, Flat, Linear, Recursive
from referral.simulate import funnel

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def tree(k, depth, *, f, w, candidates=True):
    """A k-ary tree, recruiter at the root, everyone else a candidate."""
    G = nx.balanced_tree(k, depth)
    return from_networkx(
        G,
        strength=1.0,
        transmission=w,
        activity=f,
        recruiters=[0],
        candidates=range(1, G.number_of_nodes()) if candidates else [],
    )


def closed_form(k, depth, *, f, w, a, h, halting, pay=()):
    """Per hop d = 0..depth: expected people reached, applications, hires,
    and the expected money paid and P(at least one hire).

    A depth-d person is reached when every tie on its path carries and every
    person between acts (and, halting, did not apply): w^d (f s)^(d - 1)
    with s = 1 - a under halting, else 1.
    """
    s = (1.0 - a) if halting else 1.0
    reach = np.array(
        [1.0] + [k**d * w**d * (f * s) ** (d - 1) for d in range(1, depth + 1)]
    )
    applications = reach * a
    applications[0] = 0.0
    hires = applications * h
    pay = np.asarray(pay, dtype=float)
    per_hire = np.array([pay[: max(d - 1, 0)].sum() for d in range(depth + 1)])
    paid = float((hires * per_hire).sum())
    # P(no hire in the subtree of a reached person at depth d), leaves up
    q = 1.0 - a * h
    if halting:
        q = a * (1.0 - h) + (1.0 - a)
    for _ in range(depth - 1, 0, -1):
        g = (1.0 - w + w * q) ** k
        if halting:
            q = a * (1.0 - h) + (1.0 - a) * ((1.0 - f) + f * g)
        else:
            q = (1.0 - a * h) * ((1.0 - f) + f * g)
    no_hire = (1.0 - w + w * q) ** k
    return reach, applications, hires, paid, 1.0 - no_hire


CASES = [
    dict(k=3, depth=4, f=0.7, w=0.6, a=0.5, h=0.4, halting=False),
    dict(k=3, depth=4, f=0.9, w=0.7, a=0.3, h=0.6, halting=True),
    dict(k=2, depth=6, f=0.8, w=0.8, a=0.2, h=0.5, halting=True),
]


def z_score(estimate, truth, se):
    return abs(estimate - truth) / se


@pytest.mark.parametrize("case", CASES)
def test_closed_forms_on_a_k_ary_tree(case):
    c = dict(case)
    net = tree(c["k"], c["depth"], f=c["f"], w=c["w"])
    pay = [100.0, 50.0, 25.0]
    result = funnel(
        net,
        apply=c["a"],
        hire=c["h"],
        applicants_stop=c["halting"],
        scheme=Recursive(100.0, split=0.5, levels=3),
        trials=4000 if QUICK else 20000,
        seed=11,
    )
    reach, applications, hires, paid, filled = closed_form(
        c["k"], c["depth"], f=c["f"], w=c["w"], a=c["a"], h=c["h"],
        halting=c["halting"], pay=pay,
    )  # fmt: skip
    by_hop = result.by_hop()
    for measure, truth in (
        ("people_reached", reach),
        ("applications", applications),
        ("hires", hires),
    ):
        rows = by_hop[by_hop["measure"] == measure].set_index("hop")
        for d in range(1, c["depth"] + 1):
            est, se = rows.loc[d, "estimate"], rows.loc[d, "se"]
            assert z_score(est, truth[d], se) < 4.5, (measure, d, est, truth[d])
    summary = result.summary().set_index("measure")
    for measure, truth in (
        ("people_reached", reach.sum()),
        ("candidates_reached", reach[1:].sum()),
        ("applications", applications.sum()),
        ("hires", hires.sum()),
        ("paid", paid),
        ("fill_probability", filled),
        ("cost_per_hire", paid / hires.sum()),
    ):
        est, se = summary.loc[measure, "estimate"], summary.loc[measure, "se"]
        assert z_score(est, truth, se) < 4.5, (measure, est, truth)


def test_probability_a_depth_d_candidate_is_hired():
    """P(hired) of one depth-d person is w^d f^(d-1) a h (no halting) and
    w^d (f (1 - a))^(d-1) a h (halting); the per-person rate is the per-hop
    mean over the k^d people of that hop."""
    k, depth, f, w, a, h = 2, 5, 0.8, 0.7, 0.6, 0.5
    net = tree(k, depth, f=f, w=w)
    trials = 5000 if QUICK else 20000
    for halting in (False, True):
        result = funnel(
            net, apply=a, hire=h, applicants_stop=halting, trials=trials, seed=5
        )
        rows = result.by_hop().query("measure == 'hires'").set_index("hop")
        s = (1 - a) if halting else 1.0
        for d in range(1, depth + 1):
            truth = w**d * (f * s) ** (d - 1) * a * h
            est = rows.loc[d, "estimate"] / k**d
            se = rows.loc[d, "se"] / k**d
            assert z_score(est, truth, se) < 4.5, (halting, d, est, truth)


def _in_band(covered: int, reps: int, level: float = 0.95) -> bool:
    low, high = binom.ppf(0.0005, reps, level), binom.ppf(0.9995, reps, level)
    return low <= covered <= high


@pytest.mark.stat
def test_every_interval_covers_at_its_level():
    """300 replications of 400 trials on a tree with a closed form: every
    summary interval and every by-hop interval covers its truth in ~95% of
    replications (inside a 99.9% binomial acceptance band)."""
    k, depth, f, w, a, h = 3, 3, 0.7, 0.6, 0.5, 0.6
    net = tree(k, depth, f=f, w=w)
    pay = [10.0, 5.0]
    reach, applications, hires, paid, filled = closed_form(
        k, depth, f=f, w=w, a=a, h=h, halting=True, pay=pay
    )
    truths = {
        "people_reached": reach.sum(),
        "candidates_reached": reach[1:].sum(),
        "applications": applications.sum(),
        "hires": hires.sum(),
        "paid": paid,
        "fill_probability": filled,
        "cost_per_hire": paid / hires.sum(),
    }
    hop_truths = {"people_reached": reach, "applications": applications}
    hop_truths["hires"] = hires
    reps = 300
    covered = dict.fromkeys(truths, 0)
    hop_covered = {(m, d): 0 for m in hop_truths for d in range(1, depth + 1)}
    for rep in range(reps):
        result = funnel(
            net,
            apply=a,
            hire=h,
            applicants_stop=True,
            scheme=Recursive(10.0, split=0.5, levels=2),
            trials=400,
            seed=1000 + rep,
        )
        summary = result.summary().set_index("measure")
        for measure, truth in truths.items():
            row = summary.loc[measure]
            covered[measure] += bool(row["ci_low"] <= truth <= row["ci_high"])
        by_hop = result.by_hop().set_index(["measure", "hop"])
        for (measure, d), _ in hop_covered.items():
            row = by_hop.loc[(measure, d)]
            truth = hop_truths[measure][d]
            hop_covered[(measure, d)] += bool(row["ci_low"] <= truth <= row["ci_high"])
    bad = {m: c for m, c in {**covered, **hop_covered}.items() if not _in_band(c, reps)}
    assert not bad, f"coverage out of band over {reps} replications: {bad}"


def test_without_halting_every_trial_reaches_what_spread_reaches():
    net = email_eu_core()
    sources = [net.labels[0]]
    plain = spread(net, sources, trials=200, seed=4, record="reach")
    result = funnel(net, sources, apply=0.5, hire=0.2, trials=200, seed=4)
    assert np.array_equal(
        result.trials()["people_reached"].to_numpy(), plain.trials()["reached"]
    )
    assert np.array_equal(
        result.trials()["candidates_reached"].to_numpy(),
        plain.trials()["candidates_reached"],
    )


def test_halting_with_apply_zero_is_the_plain_spread_bit_for_bit():
    net = email_eu_core()
    sources = [net.labels[0], net.labels[7]]
    for kwargs in ({}, {"max_hops": 2}, {"fanout": 3}):
        plain = spread(net, sources, trials=300, seed=9, record="reach", **kwargs)
        halted = funnel(
            net, sources, apply=0.0, applicants_stop=True, trials=300, seed=9,
            **kwargs,
        )  # fmt: skip
        width = plain.trial_hop.shape[1]
        assert np.array_equal(halted.trial_hop[:, :width], plain.trial_hop)
        assert not halted.trial_hop[:, width:].any()
        assert np.array_equal(halted.counts[:, 0], plain.trials()["reached"])
        assert halted.counts[:, 2].sum() == 0  # nobody applied
    # and halting with apply > 0 does change the cascade
    halted = funnel(net, sources, apply=0.9, applicants_stop=True, trials=300, seed=9)
    plain = spread(net, sources, trials=300, seed=9, record="reach")
    assert halted.counts[:, 0].mean() < plain.trials()["reached"].mean()


def test_one_position_never_reports_two_hires():
    net = email_eu_core()
    sources = [net.labels[0]]
    result = funnel(net, sources, apply=0.8, hire=1.0, positions=1, trials=500, seed=2)
    table = result.trials()
    assert table["hires"].max() == 1
    hires_by_hop = result.by_hop().query("measure == 'hires'")["estimate"].sum()
    assert hires_by_hop == pytest.approx(table["hires"].mean())
    filled = table[table["filled"]]
    assert len(filled) > 0 and (filled["fill_hop"] >= 1).all()
    # the search stops at the end of the hop that filled it
    assert (filled["depth"] == filled["fill_hop"]).all()
    # and reaches no more than the unlimited funnel, trial by trial
    unlimited = funnel(net, sources, apply=0.8, hire=1.0, trials=500, seed=2)
    assert (table["people_reached"] <= unlimited.trials()["people_reached"]).all()
    three = funnel(net, sources, apply=0.8, hire=1.0, positions=3, trials=500, seed=2)
    assert three.trials()["hires"].max() == 3


def test_one_position_fill_probability_matches_the_tree_recursion():
    k, depth, f, w, a, h = 3, 4, 0.7, 0.6, 0.5, 0.4
    net = tree(k, depth, f=f, w=w)
    *_, filled = closed_form(k, depth, f=f, w=w, a=a, h=h, halting=False)
    result = funnel(net, apply=a, hire=h, positions=1, trials=4000, seed=8)
    row = result.summary().set_index("measure").loc["fill_probability"]
    assert z_score(row["estimate"], filled, row["se"]) < 4.5
    # with one position, hires per opening is the fill probability
    hires = result.summary().set_index("measure").loc["hires", "estimate"]
    assert hires == row["estimate"]


def test_same_seed_same_result_for_any_n_jobs():
    net = email_eu_core()
    kwargs = dict(
        apply=0.4, hire=0.5, positions=2, applicants_stop=True,
        scheme=Recursive(10.0), response=Linear(0.01), trials=300, seed=21,
    )  # fmt: skip
    one = funnel(net, [net.labels[3]], n_jobs=1, **kwargs)
    two = funnel(net, [net.labels[3]], n_jobs=2, **kwargs)
    for name in ("counts", "paid", "trial_hop", "hop_sums"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name
    other = funnel(net, [net.labels[3]], **{**kwargs, "seed": 22})
    assert not np.array_equal(one.counts, other.counts)


def test_apply_and_hire_per_person_from_an_attribute_or_a_callable():
    net = tree(2, 3, f=1.0, w=1.0)
    rate = np.zeros(net.n_people)
    rate[1] = 1.0  # only person 1 ever applies
    result = funnel(net, apply=lambda network: rate, hire=1.0, trials=50, seed=1)
    assert (result.trials()["hires"] == 1).all()
    hires = result.by_hop().query("measure == 'hires'").set_index("hop")
    assert hires.loc[1, "estimate"] == 1.0 and hires.loc[1, "se"] == 0.0
    labelled = net.replace(attributes={"keen": rate})
    again = funnel(labelled, apply="keen", hire=1.0, trials=50, seed=1)
    assert np.array_equal(again.counts, result.counts)


def test_a_flat_bonus_pays_the_teller_of_each_hire():
    net = tree(2, 3, f=1.0, w=1.0)  # everyone reached, every trial
    result = funnel(net, apply=1.0, hire=1.0, scheme=Flat(7.0), trials=5, seed=1)
    # 14 hires; the 2 at hop 1 were told by the recruiter (not paid)
    assert (result.trials()["hires"] == 14).all()
    assert (result.paid == 7.0 * 12).all()
    recursive = funnel(
        net, apply=1.0, hire=1.0, scheme=Recursive(8.0), trials=5, seed=1
    )
    # hop 2: 4 hires x 8; hop 3: 8 hires x (8 + 4)
    assert (recursive.paid == 4 * 8.0 + 8 * 12.0).all()
    capped = funnel(
        net,
        apply=1.0,
        hire=1.0,
        scheme=Capped(Recursive(10.0, split=1.0, levels=3), cap=15.0),
        trials=5,
        seed=1,
    )
    # hop 2: one level above (10); hop 3: 10 + 10 capped at 15
    assert (capped.paid == 4 * 10.0 + 8 * 15.0).all()
    assert (capped.summary().set_index("measure").loc["cost_per_hire", "se"]) == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"apply": 1.5}, r"'apply' parameter of funnel .* \[0, 1\]\. Got 1\.5"),
        ({"hire": -0.1}, r"'hire' parameter of funnel .* Got -0\.1"),
        ({"apply": "keenness"}, r"'apply' parameter of funnel .*'keenness'"),
        ({"apply": lambda net: np.full(net.n_people, 2.0)}, r"'apply'.* 2\.0"),
        ({"positions": 0}, r"'positions' parameter of funnel .* Got 0"),
        ({"scheme": 100}, r"'scheme' parameter of funnel .* Got 100"),
        ({"trials": 0}, r"'trials' parameter of funnel .* Got 0"),
    ],
)
def test_bad_input_names_the_parameter_and_the_value(kwargs, match):
    net = tree(2, 2, f=0.5, w=0.5)
    with pytest.raises(InvalidParameterError, match=match):
        funnel(net, **{"trials": 10, **kwargs})


def test_a_response_outside_zero_one_is_refused():
    net = tree(2, 2, f=0.5, w=0.5)
    with pytest.raises(InvalidParameterError, match=r"'response' .* \[0, 1\]"):
        funnel(
            net, scheme=Flat(1.0), response=lambda act, stake: act + stake,
            trials=10,
        )  # fmt: skip


def test_huge_trials_are_refused_up_front():
    net = tree(2, 2, f=0.5, w=0.5)
    with pytest.raises(ValueError, match=r"funnel would need about .* Pass fewer"):
        funnel(net, trials=10**15)
