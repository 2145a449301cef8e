"""The reverse-reachable engine: one sampler for single samples and worlds."""

import networkx as nx
import numpy as np
import pytest

from referral._engine.rr_kernel import rr_count_block
from referral._engine.rr_world import hub_order, world_count_block
from referral.network import from_networkx
from referral.whom_to_ask._rr_samples import engine_args


def _mixed_network():
    """Rows drawn tie by tie and rows drawn by geometric skips with thinning."""
    g = nx.barabasi_albert_graph(400, 3, seed=5)
    rng = np.random.default_rng(5)
    for u, v in g.edges:
        g.edges[u, v]["strength"] = rng.uniform(0.05, 1.0)
    return from_networkx(
        g,
        activity=0.7,
        candidates=list(range(0, 400, 3)),
        recruiters=[0],
        transmission=lambda u, v, d: 0.15 * d["strength"] if (u + v) % 3 else 0.6,
    )


@pytest.mark.parametrize("hubs", [False, True])
def test_one_sample_worlds_equal_the_plain_sampler_sample_for_sample(hubs):
    net = _mixed_network()
    rr = engine_args(net, np.arange(0, 400, 3, dtype=np.int32))
    assert (rr.log_q < 0).any() and (rr.log_q == 0).any()  # both kinds of row
    hub_ids = hub_order(rr.t_indptr) if hubs else np.zeros(0, dtype=np.int32)
    cancel = np.zeros(1, dtype=np.uint8)
    key = np.uint64(12345)
    sizes = []
    for t in range(60):
        plain = np.zeros(net.n_people, dtype=np.int64)
        rr_count_block(rr, key, t, t + 1, plain, cancel)
        sum_c = np.zeros(net.n_people, dtype=np.int64)
        sum_c2 = np.zeros(net.n_people, dtype=np.int64)
        holding = np.zeros(net.n_people, dtype=np.int64)
        world_count_block(rr, hub_ids, 1, key, t, t + 1, sum_c, sum_c2, holding, cancel)
        np.testing.assert_array_equal(holding, plain > 0)
        np.testing.assert_array_equal(sum_c, plain)
        np.testing.assert_array_equal(sum_c2, plain)  # 0 or 1 per person
        sizes.append(int(plain.sum()))
    # the samples are not all trivial: some reach past their root
    assert max(sizes) > 1 and min(sizes) >= 1
