"""The batched prototype (benchmarks/proto_batched.py, issue 15) keeps today's draws.

With today's per-trial draws, a batch of 64 trials traversed together must
give every trial exactly the current kernel's outcome, and the word-level
full bookkeeping the current kernel's integer sums.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from referral._random import base_key
from referral.populations import community_population

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "proto_batched.py"


@pytest.fixture(scope="module")
def proto():
    spec = importlib.util.spec_from_file_location("proto_batched", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_batched_equals_current_kernel_on_ba(proto):
    network = proto.ba_network(1500, 0.15, seed=3)
    # 130 trials: two full batches and a partial one
    assert proto.check_network(network, [0], seed=11, trials=130) == []


def test_batched_equals_current_kernel_on_community_population(proto):
    # heterogeneous activity, mixed skip and tie-by-tie rows, 10 sources
    network = community_population(1500, seed=4)
    assert proto.check_network(network, network.recruiters, seed=5, trials=70) == []


def test_check_detects_other_draws(proto):
    """The comparison is not vacuous: another run key changes the trials."""
    network = proto.ba_network(1500, 0.15, seed=3)
    net, sampler = proto._tables(network)
    sources = np.zeros(1, np.int32)
    stats = proto.current_block(net, sampler, sources, base_key(11), 64, True)[2]
    same = proto.run_batched(net, sampler, sources, base_key(11), 64, True, False)[2]
    other = proto.run_batched(net, sampler, sources, base_key(12), 64, True, False)[2]
    assert np.array_equal(same[:, 0], stats[:, 0])
    assert not np.array_equal(other[:, 0], stats[:, 0])


def test_complete_full_mode_is_exact_on_a_forced_tree(proto):
    """On a tree from one source every person has one possible teller, so
    parents, chain flags and chain credit must equal the current kernel's."""
    network = proto.tree_network(3000, seed=1)
    # one batch (parents checked against the kept chains) and three
    assert proto.check_full(network, [0], seed=3, trials=64, forced=True) == []
    assert proto.check_full(network, [0], seed=3, trials=150, forced=True) == []


def test_complete_full_mode_keeps_the_trials_and_credit_sums(proto):
    # the parent draw differs here: exact are the trials, loss sums, tallies,
    # the credit totals and the validity of every parent (one batch)
    network = community_population(1500, strong_contacts=12, weak_contacts=8, seed=3)
    for trials in (64, 70):
        assert proto.check_full(network, network.recruiters, 5, trials) == []


def test_complete_full_mode_credit_in_expectation(proto):
    """Per-tie and per-person credit and the chain-flag counts agree with the
    current kernel's in expectation (independent trials, 16 x 64 each)."""
    network = community_population(1500, strong_contacts=12, weak_contacts=8, seed=3)
    z_tie, z_person, z_weak, z_cross = proto.credit_z(
        network, network.recruiters, 9, 16
    )
    assert len(z_tie) > 1000 and len(z_person) > 500
    assert 0.8 < np.mean(z_tie**2) < 1.25
    assert 0.8 < np.mean(z_person**2) < 1.25
    assert np.mean(np.abs(z_tie) > 3) < 0.01
    assert abs(z_weak) < 4 and abs(z_cross) < 4


def test_forced_tree_check_detects_a_wrong_credit(proto):
    """The forced-tree comparison is not vacuous: trees differ between run
    keys, and the credit of the two kernels under one key is nonzero."""
    network = proto.tree_network(3000, seed=1)
    net, sampler = proto._tables(network)
    sources = np.zeros(1, np.int32)
    ref = proto.current_full(net, sampler, sources, base_key(3), 0, 150)
    same = proto.run_full(net, sampler, sources, base_key(3), 0, 150)
    other = proto.run_full(net, sampler, sources, base_key(4), 0, 150)
    assert ref[4].sum() > 0 and ref[3][:, 3].sum() > 0
    assert ref[2][:, 2].sum() > 0 and ref[2][:, 3].sum() > 0
    assert np.array_equal(same[4], ref[4])
    assert not np.array_equal(other[4], ref[4])
