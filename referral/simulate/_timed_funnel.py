"""The driver of :func:`referral.simulate.funnel` with delays (private).

Runs the timed spread's kernel with chains kept for every trial, then
:func:`referral._engine.funnel_timed.funnel_in_time` on its arrival
records (the funnel's own streams; see that module for the rules), block by
block: blocks of at most 64 trials, whose records are dropped once read.
"""

from __future__ import annotations

import numpy as np

from referral._core.parallel import (
    block_count,
    new_cancel_flag,
    run_blocks,
    trial_blocks,
)
from referral._engine.funnel_timed import funnel_in_time
from referral._engine.timed_kernel import timed_block
from referral.simulate._timed_spread import delay_run

__all__ = ["run_timed_funnel"]


def run_timed_funnel(
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
    apply,
    hire,
    pay,
    positions,
):
    """``(counts, paid, fill_time, trial_hop, hop_sums)`` of the timed funnel."""
    timing = delay_run(delay, deadline, network, function="funnel")
    run = run._replace(keep_until=trials)  # the chains, for the payments
    n_blocks = block_count(workers, progress)
    blocks = trial_blocks(trials, max(n_blocks, -(-trials // 64)))
    cancel = new_cancel_flag()

    def work(start, stop):
        # each block's arrival records are read and dropped here, so memory
        # stays that of one block's arrivals, not of every trial's
        counts, person, time, hop, parent, _ = timed_block(
            net, sampler, run, timing, start, stop, cancel
        )
        offsets = np.zeros(stop - start + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        width = int(hop.max()) + 1 if len(hop) else 1
        return funnel_in_time(
            run.key,
            start,
            offsets,
            person,
            time,
            hop,
            parent,
            network.is_candidate,
            apply,
            hire,
            pay,
            -1 if positions is None else positions,
            width,
        )

    outputs = run_blocks(
        work, blocks, workers, cancel=cancel, progress=progress, description="funnel"
    )
    table = np.concatenate([out[0] for out in outputs])
    paid = np.concatenate([out[1] for out in outputs])
    fill_time = np.concatenate([out[2] for out in outputs])
    # hops up to the deepest one counted (the search stops at the fill)
    n_hops = int(table[:, 4].max()) + 1 if trials else 1
    trial_hop = np.zeros((trials, n_hops), np.int32)
    hop_sums = np.zeros((n_hops, 4), np.int64)
    for (start, stop), out in zip(blocks, outputs, strict=True):
        cols = min(n_hops, out[3].shape[1])
        trial_hop[start:stop, :cols] = out[3][:, :cols]
        hop_sums[:cols] += out[4][:cols]
    return table, paid, fill_time, trial_hop, hop_sums
