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
