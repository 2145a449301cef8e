"""Bonus schemes and response models: payments along the chain, the recursive
scheme's geometric payout on a tree, the response curves, paired monotonicity
trial by trial, and bad input."""

from __future__ import annotations

import math
import os

import networkx as nx
import numpy as np
import pytest

from referral import InvalidParameterError, from_networkx
from referral.datasets import email_eu_core
from referral.interventions import Capped, Flat, Linear, Recursive, Saturating
from referral.simulate import funnel

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def test_payments_by_level():
    assert Flat(5).payments(3).tolist() == [5.0, 0.0, 0.0]
    assert Recursive(8, split=0.5).payments(4).tolist() == [8.0, 4.0, 2.0, 1.0]
    assert Recursive(8, split=0.5, levels=2).payments(4).tolist() == [8, 4, 0, 0]
    capped = Capped(Recursive(10, split=1.0, levels=4), cap=25)
    assert capped.payments(5).tolist() == [10.0, 10.0, 5.0, 0.0, 0.0]
    assert capped.stake() == 25.0
    assert Capped(Flat(10), cap=100).payments(2).tolist() == [10.0, 0.0]


def test_stakes_are_the_sum_of_the_payments():
    assert Flat(3).stake() == 3.0
    assert Recursive(10, split=0.5).stake() == pytest.approx(20.0)
    assert Recursive(10, split=0.5, levels=3).stake() == pytest.approx(17.5)
    assert Recursive(10, split=1.0, levels=3).stake() == 30.0
    for scheme in (Recursive(10, split=0.3, levels=5), Capped(Recursive(4), 6)):
        assert scheme.stake() == pytest.approx(scheme.payments(200).sum())


def test_scaled_multiplies_every_payment():
    for scheme in (Flat(3), Recursive(10, 0.4, 6), Capped(Recursive(10), cap=12)):
        assert np.allclose(scheme.scaled(2.5).payments(8), 2.5 * scheme.payments(8))
        assert scheme.scaled(2.5).stake() == pytest.approx(2.5 * scheme.stake())
    assert "recursive" in Recursive(1).describe()
    assert "at most" in Capped(Flat(1), 1).describe()


def test_saturating_is_the_halting_cascade_curve():
    curve = Saturating(beta=2.0, full=100.0)
    act = np.array([0.0, 0.3, 1.0])
    for stake in (0.0, 25.0, 50.0, 100.0, 400.0):
        x = min(stake / 100.0, 1.0)
        lift = (1 - math.exp(-2.0 * x)) / (1 - math.exp(-2.0))
        assert np.allclose(curve(act, stake), act + (1 - act) * lift)
    assert np.allclose(Saturating(beta=0.0, full=10.0)(act, 5.0), act + (1 - act) / 2)
    assert np.array_equal(curve(act, 0.0), act)
    assert np.array_equal(curve(act, 1e9), np.ones(3))
    values = [curve(np.array([0.2]), s)[0] for s in np.linspace(0, 150, 31)]
    assert np.all(np.diff(values) >= 0)


def test_linear_response_is_clipped_at_one():
    assert np.allclose(Linear(0.01)(np.array([0.2, 0.95]), 10.0), [0.3, 1.0])


def test_the_scheme_changes_activity_through_the_response():
    net = email_eu_core()
    curve = Saturating(beta=3.0, full=1000.0)
    result = funnel(
        net, [net.labels[0]], scheme=Recursive(250.0), response=curve, trials=5
    )
    assert np.allclose(result.activity, curve(net.activity, 500.0))
    unpaid = funnel(net, [net.labels[0]], scheme=Flat(250.0), trials=5)
    assert np.array_equal(unpaid.activity, net.activity)  # no response: pay only


def test_expected_recursive_payout_is_a_geometric_sum_on_a_tree():
    """A hire at depth d pays amount (1 - s^(d-1)) / (1 - s) up its chain; the
    expected payout sums it over the expected hires per depth."""
    k, depth, f, w, a, h = 2, 6, 0.9, 0.8, 0.3, 0.5
    amount, s = 60.0, 0.6
    net = from_networkx(
        nx.balanced_tree(k, depth), strength=1.0, transmission=w, activity=f,
        recruiters=[0], candidates=range(1, 2 ** (depth + 1) - 1),
    )  # fmt: skip
    result = funnel(
        net, apply=a, hire=h, scheme=Recursive(amount, split=s),
        trials=5000 if QUICK else 20000, seed=17,
    )  # fmt: skip
    truth = sum(
        k**d * w**d * f ** (d - 1) * a * h * amount * (1 - s ** (d - 1)) / (1 - s)
        for d in range(1, depth + 1)
    )
    row = result.summary().set_index("measure").loc["paid"]
    assert abs(row["estimate"] - truth) < 4.5 * row["se"], (row["estimate"], truth)


@pytest.mark.parametrize("applicants_stop", [False, True])
def test_paying_more_never_lowers_reach_or_hires_trial_by_trial(applicants_stop):
    """Common random numbers: with a response that never decreases, a larger
    bonus raises activities only, so every trial reaches a superset."""
    net = email_eu_core()
    curve = Saturating(beta=2.0, full=2000.0)
    previous = None
    for amount in (0.0, 100.0, 300.0, 1000.0):
        result = funnel(
            net,
            [net.labels[0], net.labels[5]],
            apply=0.3,
            hire=0.5,
            applicants_stop=applicants_stop,
            scheme=Recursive(amount),
            response=curve,
            trials=300,
            seed=31,
        )
        if previous is not None:
            for column in (0, 1, 2, 3):  # reached, candidates, applied, hired
                assert (result.counts[:, column] >= previous.counts[:, column]).all()
            assert result.counts[:, 0].sum() > previous.counts[:, 0].sum()
        previous = result


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Flat(-1), r"'amount' parameter of Flat .* Got -1"),
        (lambda: Flat("a"), r"'amount' parameter of Flat .* Got 'a'"),
        (lambda: Flat(math.inf), r"'amount' parameter of Flat .* Got inf"),
        (lambda: Recursive(-5), r"'amount' parameter of Recursive .* Got -5"),
        (lambda: Recursive(5, split=0), r"'split' .* \(0, 1\]\. Got 0"),
        (lambda: Recursive(5, split=1.5), r"'split' .* \(0, 1\]\. Got 1\.5"),
        (lambda: Recursive(5, split=1.0), r"'levels' .* split=1.* levels=None"),
        (lambda: Recursive(5, levels=0), r"'levels' .* Got 0"),
        (lambda: Capped(Flat(1), cap=-2), r"'cap' parameter of Capped .* Got -2"),
        (lambda: Capped(5, cap=2), r"'scheme' parameter of Capped .* Got 5"),
        (lambda: Saturating(beta=-1), r"'beta' parameter of Saturating .* Got -1"),
        (lambda: Saturating(beta=1, full=0), r"'full' .* Got 0"),
        (lambda: Linear(slope=-0.1), r"'slope' parameter of Linear .* Got -0\.1"),
    ],
)
def test_bad_schemes_name_the_parameter_and_the_value(build, match):
    with pytest.raises(InvalidParameterError, match=match):
        build()


def test_a_response_by_group_is_a_callable_over_the_network():
    net = email_eu_core()
    keen = np.asarray(net.attributes["department"]) == net.attributes["department"][0]
    soft, strong = Saturating(beta=3, full=5000), Saturating(beta=3, full=2500)

    def response(activity, stake):
        return np.where(keen, strong(activity, stake), soft(activity, stake))

    result = funnel(
        net, [net.labels[0]], scheme=Flat(1000.0), response=response, trials=5
    )
    assert np.allclose(result.activity[keen], strong(net.activity, 1000.0)[keen])
    assert np.allclose(result.activity[~keen], soft(net.activity, 1000.0)[~keen])
    assert (result.activity[keen] > soft(net.activity, 1000.0)[keen]).all()
