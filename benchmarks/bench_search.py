"""Benchmark: 100,000 greedy search chains on a 100,000-person population.

Routing is greedy by true graph distance, precomputed by one multi-source
breadth-first search from the recruiters. Reports the distance-precomputation
time, the wall time of :func:`referral.search` (which includes it) and chains
per second for ``n_jobs`` 1 and 2, once with the population's own activity
(Beta(2, 5): most chains die in a step or two) and once with everybody
forwarding (activity 1: every chain routes all the way, the kernel's worst
case here). The baseline, measured in the same run, is the same greedy chain
run through ``search``'s plain-Python policy path (a callable policy) on a
subset of the chains.

Run: ``python benchmarks/bench_search.py``. Writes a markdown table to stdout
and to ``benchmarks/results/search.md``.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

from referral.network._populations import community_population
from referral.simulate import search
from referral.simulate._search_inputs import graph_distance

N_PEOPLE = 100_000
N_CHAINS = 100_000
BASELINE_CHAINS = 2_000
REPEATS = 3


def best_of(fn, repeats=REPEATS):
    """Smallest wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> str:
    start = time.perf_counter()
    net = community_population(N_PEOPLE, seed=1)
    build = time.perf_counter() - start
    everybody = net.replace(activity=np.ones(net.n_people))
    starts = np.resize(net.candidates, N_CHAINS)

    # compile (cached on disk after the first run) outside the timings
    search(net, starts[:10], seed=0)

    bfs, dist = best_of(lambda: graph_distance(net, net.recruiters))
    rows = []
    results = {}
    for label, network in [("activity Beta(2, 5)", net), ("activity 1", everybody)]:
        for jobs in (1, 2):
            seconds, res = best_of(
                lambda network=network, jobs=jobs: search(
                    network, starts, seed=1, n_jobs=jobs
                )
            )
            results[(label, jobs)] = res
            done = res.chain_outcome == 0
            rows.append(
                (
                    f"greedy, {label}, n_jobs={jobs}",
                    N_CHAINS,
                    seconds,
                    N_CHAINS / seconds,
                    float(res.chain_length.mean()),
                    float(done.mean()),
                )
            )
    for label in ("activity Beta(2, 5)", "activity 1"):
        a, b = results[(label, 1)], results[(label, 2)]
        assert np.array_equal(a.chain_length, b.chain_length)
        assert np.array_equal(a.chain_outcome, b.chain_outcome)

    def python_greedy(holder, contacts, network):
        # the same greedy choice (smallest distance; first among ties)
        ids = network.ids(contacts)
        return contacts[int(np.argmin(dist[ids]))]

    base_seconds, base = best_of(
        lambda: search(
            everybody, starts[:BASELINE_CHAINS], policy=python_greedy, seed=1
        ),
        repeats=1,
    )
    base_rate = BASELINE_CHAINS / base_seconds
    rows.append(
        (
            "greedy, activity 1, plain-Python policy (baseline)",
            BASELINE_CHAINS,
            base_seconds,
            base_rate,
            float(base.chain_length.mean()),
            float((base.chain_outcome == 0).mean()),
        )
    )
    compiled_rate = rows[3][3]

    views, _ = best_of(
        lambda: (
            results[("activity 1", 2)].chains(),
            results[("activity 1", 2)].by_step(),
            results[("activity 1", 2)].summary(),
            results[("activity 1", 2)].people(),
        )
    )

    lines = [
        "# Search benchmark",
        "",
        f"`community_population({N_PEOPLE:_}, seed=1)`: {net.n_people:_} people, "
        f"{net.n_ties:_} ties, {int(net.is_recruiter.sum())} recruiters (targets); "
        f"{N_CHAINS:_} chains from the candidates, greedy by graph distance "
        f"(max_steps=100). Best of {REPEATS}. Machine: {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, numba "
        f"{numba.__version__}.",
        "",
        f"- Population build (not counted): {build:.2f} s",
        f"- Distance precomputation (multi-source BFS from the recruiters): "
        f"{bfs * 1e3:.1f} ms ({int(np.isfinite(dist).sum()):_} people reachable)",
        f"- Result views (chains, by_step, summary, people) on "
        f"{N_CHAINS:_} chains: {views * 1e3:.0f} ms",
        "",
        "| run | chains | wall s (incl. distance) | chains/s | mean length "
        "| completed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, chains, seconds, rate, mean_length, completed in rows:
        lines.append(
            f"| {name} | {chains:_} | {seconds:.3f} | {rate:,.0f} | "
            f"{mean_length:.2f} | {completed:.4f} |"
        )
    lines += [
        "",
        f"Compiled kernel (activity 1, n_jobs=2) vs the plain-Python policy path: "
        f"**{compiled_rate / base_rate:,.0f}x** chains per second. "
        f"n_jobs=2 vs 1 (activity 1): {rows[2][2] / rows[3][2]:.2f}x. "
        f"Results are identical for n_jobs 1 and 2 (checked).",
        "",
    ]
    text = "\n".join(lines)
    out = Path(__file__).parent / "results" / "search.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main()
