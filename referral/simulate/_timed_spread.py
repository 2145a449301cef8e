"""The driver of :func:`referral.spread` with delays (private).

:func:`referral.spread` hands over here when ``delay`` is given; the hop
model's code path is not touched. The kernel is
:func:`referral._engine.timed_kernel.timed_block`; this module runs its
blocks in threads and turns the per-trial arrival records into a
:class:`referral.SpreadResult` (a ``record="reach"`` result with arrival
times).
"""

from __future__ import annotations

import numpy as np

from referral._core.parallel import (
    block_count,
    new_cancel_flag,
    run_blocks,
    trial_blocks,
)
from referral._engine.spread_kernel import N_HOP, N_TRIAL, TRIAL_COLUMNS
from referral._engine.timed_kernel import DelayRun, timed_block
from referral.simulate._spread_result import SpreadResult
from referral.simulate.delays import Delay, person_delays

__all__ = ["delay_run", "run_timed"]

_NEW_CANDIDATES = 9  # HOP_COLUMNS.index("new_candidates")


def delay_run(delay: Delay, deadline, network, *, function: str = "spread"):
    """The kernel's :class:`DelayRun` for ``delay`` and ``deadline`` (days)."""
    p1, p2 = delay._kernel_params()
    return DelayRun(
        delay._code,
        float(p1),
        float(p2),
        # always a writable copy: empirical() keeps its samples read-only and
        # the other families an empty writable array, and numba compiles the
        # timed kernels once per flag (twice in every fresh cache) otherwise
        np.array(delay.samples, dtype=np.float64),
        person_delays(delay, network, function=function),
        delay.per == "tie",
        np.inf if deadline is None else float(deadline),
    )


def run_timed(
    *,
    network,
    net,
    sampler,
    run,
    delay,
    deadline,
    trials,
    workers,
    progress,
    entropy,
    max_hops,
    fanout,
    source_activity,
    keep_chains,
    max_chain_entries,
    exact_losses,
):
    """Run the timed trials and build the result (see :func:`referral.spread`)."""
    timing = delay_run(delay, deadline, network)
    n_blocks = block_count(workers, progress)
    blocks = trial_blocks(trials, n_blocks)
    cancel = new_cancel_flag()

    def work(start, stop):
        return timed_block(net, sampler, run, timing, start, stop, cancel)

    outputs = run_blocks(
        work, blocks, workers, cancel=cancel, progress=progress, description="spread"
    )
    counts = np.concatenate([out[0] for out in outputs])
    person = np.concatenate([out[1] for out in outputs])
    time = np.concatenate([out[2] for out in outputs])
    hop = np.concatenate([out[3] for out in outputs])
    chain_parent = np.concatenate([out[4] for out in outputs])
    chain_weak = np.concatenate([out[5] for out in outputs])
    offsets = np.zeros(trials + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    trial_of = np.repeat(np.arange(trials, dtype=np.int64), counts)

    n_hops = int(hop.max()) + 1 if len(hop) else 1
    trial_hop = (
        np.bincount(trial_of * n_hops + hop, minlength=trials * n_hops)
        .reshape(trials, n_hops)
        .astype(np.int32)
    )
    candidate = network.is_candidate[person]
    hop_sums = np.zeros((n_hops, N_HOP), dtype=np.int64)
    hop_sums[:, 0] = trial_hop.sum(axis=0)
    hop_sums[:, _NEW_CANDIDATES] = np.bincount(hop[candidate], minlength=n_hops)
    trial_stats = np.zeros((trials, N_TRIAL), dtype=np.int64)
    trial_stats[:, TRIAL_COLUMNS.index("reached")] = counts
    trial_stats[:, TRIAL_COLUMNS.index("candidates_reached")] = np.bincount(
        trial_of[candidate], minlength=trials
    )
    # the deepest hop per trial: the last nonzero column of trial_hop
    reached_hops = trial_hop > 0
    depth = n_hops - 1 - np.argmax(reached_hops[:, ::-1], axis=1)
    trial_stats[:, TRIAL_COLUMNS.index("depth")] = depth

    n_chain = len(chain_parent)
    n = network.n_people
    return SpreadResult(
        network=network,
        sources=run.sources,
        n_trials=trials,
        max_hops=max_hops,
        fanout=fanout,
        source_activity=source_activity,
        keep_chains=keep_chains,
        record="reach",
        seed_entropy=entropy,
        hop_sums=hop_sums,
        trial_hop=trial_hop,
        trial_stats=trial_stats,
        trial_loss=np.zeros((0, n_hops, 5), dtype=np.int32),
        exact_losses=exact_losses,
        person_reached=np.zeros(n, dtype=np.int64),
        person_hop_sum=np.zeros(n, dtype=np.int64),
        person_hop_sq=np.zeros(n, dtype=np.int64),
        person_credit=np.zeros(n, dtype=np.int64),
        tie_credit=np.zeros(len(network.indices), dtype=np.int64),
        chain_trial=trial_of[:n_chain].astype(np.int32),
        chain_person=person[:n_chain],
        chain_hop=hop[:n_chain],
        chain_parent=chain_parent,
        chain_weak=chain_weak,
        max_chain_entries=max_chain_entries,
        delay=delay,
        deadline=deadline,
        arrival_offsets=offsets,
        arrival_person=person,
        arrival_time=time,
        arrival_hop=hop,
    )
