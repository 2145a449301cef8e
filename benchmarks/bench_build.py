"""Building a ReferralNetwork of 1,000,000 people and 10,000,000 ties.

Measures ``referral.from_arrays`` (validation, duplicate merge, CSR in both
directions) against a baseline measured in the same run: scipy's
``coo_matrix(...).tocsr()`` on the same symmetric tie list (CSR only, no
validation). Also measures the synthetic population generator at 1M people.
Peak memory is traced with ``tracemalloc`` (numpy reports its buffers).

Run: ``python benchmarks/bench_build.py [--people N] [--ties M]``.
Writes a markdown table to stdout and ``benchmarks/results/build.md``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from referral.network import from_arrays
from referral.network._populations import community_population


def unique_ties(n, m, rng):
    draws = int(m * 1.02) + 10
    src = rng.integers(0, n, draws)
    dst = rng.integers(0, n, draws)
    key = np.unique(np.minimum(src, dst) * n + np.maximum(src, dst))
    key = key[(key // n) != (key % n)]
    key = rng.permutation(key)[:m]
    return key // n, key % n


def measure(fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**30


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--ties", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(1)
    src, dst = unique_ties(args.people, args.ties, rng)
    strength = rng.uniform(0.05, 1.0, len(src))
    activity = rng.beta(2, 5, args.people)

    def baseline():
        rows = np.concatenate([src, dst])
        cols = np.concatenate([dst, src])
        data = np.concatenate([strength, strength])
        return sp.coo_matrix((data, (rows, cols)), shape=(args.people,) * 2).tocsr()

    _, base_s, base_mem = measure(baseline)
    net, ours_s, ours_mem = measure(
        lambda: from_arrays(args.people, src, dst, strength=strength, activity=activity)
    )
    pop, pop_s, pop_mem = measure(
        lambda: community_population(
            args.people, strong_contacts=12, weak_contacts=8, seed=1
        )
    )
    array_bytes = sum(
        getattr(net, a).nbytes
        for a in [
            "indptr",
            "indices",
            "strength",
            "transmission",
            "weak",
            "activity",
            "is_recruiter",
            "is_candidate",
        ]
    )
    lines = [
        f"people = {args.people:,}, ties = {net.n_ties:,} (undirected, "
        f"{len(net.indices):,} CSR entries)",
        "",
        "| step | seconds | ratio vs baseline | peak traced GiB |",
        "|---|---:|---:|---:|",
        f"| baseline: scipy coo->csr | {base_s:.2f} | 1.00 | {base_mem:.2f} |",
        f"| referral.from_arrays | {ours_s:.2f} | {ours_s / base_s:.2f} | "
        f"{ours_mem:.2f} |",
        f"| community_population ({pop.n_ties:,} ties) | {pop_s:.2f} | "
        f"{pop_s / base_s:.2f} | {pop_mem:.2f} |",
        "",
        f"Resident network arrays: {array_bytes / 2**30:.2f} GiB.",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).with_name("results") / "build.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")


if __name__ == "__main__":
    main()
