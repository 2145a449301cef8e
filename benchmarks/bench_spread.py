"""Benchmark :func:`referral.spread` against other independent-cascade codes.

Run from the repository root, in an environment with the ``bench`` extra::

    python -m venv /work/venv-bench
    /work/venv-bench/bin/pip install -e '.[bench]'
    /work/venv-bench/bin/python benchmarks/bench_spread.py

Workload (issue 3): ``networkx.barabasi_albert_graph(100_000, 5, seed=1)``,
source node 0, activity 1, uniform transmission 0.05 and 0.15. Every code
simulates the same process, so each trial's expected work is the same: the
*edge-visits* of a trial are the ties of the people reached (each reached
person looks at all their ties once). We measure that number exactly with
``spread(record="full")`` (``offered`` summed over hops) and divide each code's
``trials * edge_visits_per_trial`` by its wall time. Edge-visits count the ties
of people who were reached but did not act, so the table also gives the
honest figure, *acting ties* per second: the ties of the people who acted
(``offered - did_not_act - hop_limit``); at activity 1 the two agree. Ratios
are against cynetdiff, measured in the same run, as medians of ``--repeats``
interleaved repeats (the machine is shared, so single timings are noisy).
``--ba-nodes 1000000`` adds BA(1M, 5) for the fast codes only.

Mean reach must agree: the table gives the z-score of each code's mean reach
against ``spread``'s (difference over the combined standard error).

A second part times 1,000 trials on
``referral.network._populations.community_population(1_000_000, strong_contacts=12,
weak_contacts=8, seed=1)`` in a fresh subprocess and reports its peak RSS,
against a *bare* one-trial-at-a-time numba cascade in the same process (a
sequential RNG, no bookkeeping, no parents, the same threads): the floor of
any per-trial design.

The markdown table goes to stdout and to ``benchmarks/results/spread.md``.
"""

from __future__ import annotations

import argparse
import array
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections import deque
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np

from referral.network import from_arrays
from referral.simulate._spread import spread

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------- competitors
#: process CPU seconds of the last timed call of run_spread / run_cynetdiff
#: (on a loaded machine the 1-core ratios are steadier in CPU time than wall)
CPU_SECONDS: list[float] = []


def run_cynetdiff(net, p, trials, seed):
    from cynetdiff.models import IndependentCascadeModel

    starts = array.array("I", net.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", net.indices.astype(np.uint32).tobytes())
    model = IndependentCascadeModel(starts, edges, activation_prob=p, rng=seed)
    model.set_seeds([0])
    sizes = np.empty(trials)
    cpu = time.process_time()
    start = time.perf_counter()
    for t in range(trials):
        model.reset_model()
        model.advance_until_completion()
        sizes[t] = model.get_num_activated_nodes()
    elapsed = time.perf_counter() - start
    CPU_SECONDS.append(time.process_time() - cpu)
    return elapsed, sizes


def run_ndlib(G, p, trials, seed):
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    model = ep.IndependentCascadesModel(G, seed=seed)
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", [0])
    # NDlib silently falls back to 1/degree unless *every* edge is configured
    for edge in G.edges():
        config.add_edge_configuration("threshold", edge, p)
    model.set_initial_status(config)
    sizes = np.empty(trials)
    start = time.perf_counter()
    for t in range(trials):
        if t:
            model.reset()
        while True:
            out = model.iteration(node_status=False)
            if out["node_count"][1] == 0 and out["iteration"] > 0:
                break
        sizes[t] = out["node_count"][2]
    return time.perf_counter() - start, sizes


def run_eon(G, p, trials, seed):
    import EoN

    rng = np.random.default_rng(seed)
    sizes = np.empty(trials)
    start = time.perf_counter()
    for t in range(trials):
        _, _, _, R = EoN.basic_discrete_SIR(G, p, initial_infecteds=0, rng=rng)
        sizes[t] = R[-1]
    return time.perf_counter() - start, sizes


def run_python(G, p, trials, seed):
    adjacency = {u: list(G.adj[u]) for u in G}
    rng = random.Random(seed)
    sizes = np.empty(trials)
    start = time.perf_counter()
    for t in range(trials):
        reached = {0}
        queue = deque([0])
        while queue:
            u = queue.popleft()
            for v in adjacency[u]:
                if v not in reached and rng.random() < p:
                    reached.add(v)
                    queue.append(v)
        sizes[t] = len(reached)
    return time.perf_counter() - start, sizes


def run_bare(net, trials, seed, n_jobs):
    """Time :func:`bare_cascades` on ``n_jobs`` threads; return (s, sizes)."""
    from concurrent.futures import ThreadPoolExecutor

    sources = np.ascontiguousarray(net.recruiters, dtype=np.int32)
    if len(sources) == 0:
        sources = np.zeros(1, dtype=np.int32)
    sizes = np.zeros(trials, dtype=np.int64)
    bounds = [trials * k // n_jobs for k in range(n_jobs + 1)]
    args = (net.indptr, net.indices, net.transmission, net.activity, sources)
    bare_cascades(*args, 0, 1, seed, sizes)  # compile
    start = time.perf_counter()
    with ThreadPoolExecutor(n_jobs) as pool:
        list(
            pool.map(
                lambda k: bare_cascades(*args, bounds[k], bounds[k + 1], seed, sizes),
                range(n_jobs),
            )
        )
    return time.perf_counter() - start, sizes.astype(np.float64)


def _bare_kernel():
    import numba

    @numba.njit(nogil=True)
    def bare(indptr, indices, transmission, activity, sources, t0, t1, seed, sizes):
        """Plain BFS cascades, one trial at a time, xorshift64* RNG."""
        n = activity.shape[0]
        stamp = np.zeros(n, np.int32)
        queue = np.empty(n, np.int32)
        state = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(t0 + 1)
        for t in range(t0, t1):
            mark = t + 1
            end = 0
            for s in sources:
                if stamp[s] != mark:
                    stamp[s] = mark
                    queue[end] = s
                    end += 1
            head = 0
            n_src = end
            while head < end:
                u = queue[head]
                head += 1
                if head > n_src:
                    state ^= state >> np.uint64(12)
                    state ^= state << np.uint64(25)
                    state ^= state >> np.uint64(27)
                    x = (state * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)
                    if np.float64(x) * 2.0**-53 >= activity[u]:
                        continue
                for e in range(indptr[u], indptr[u + 1]):
                    v = indices[e]
                    if stamp[v] == mark:
                        continue
                    state ^= state >> np.uint64(12)
                    state ^= state << np.uint64(25)
                    state ^= state >> np.uint64(27)
                    x = (state * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(11)
                    if np.float64(x) * 2.0**-53 < transmission[e]:
                        stamp[v] = mark
                        queue[end] = v
                        end += 1
            sizes[t] = end

    return bare


_BARE = None


def bare_cascades(*args):
    """The bare per-trial cascade kernel (compiled on first use)."""
    global _BARE
    if _BARE is None:
        _BARE = _bare_kernel()
    return _BARE(*args)


def acting_ties(result):
    """Ties of acting people per trial: offered minus did-not-act, hop limit."""
    sums = result.hop_sums.sum(axis=0)
    return (sums[2] - sums[4] - sums[7]) / result.n_trials


def run_spread(net, p, trials, seed, *, record, n_jobs, exact_losses=False):
    cpu = time.process_time()
    start = time.perf_counter()
    result = spread(
        net,
        [0],
        trials=trials,
        record=record,
        n_jobs=n_jobs,
        keep_chains=0,
        seed=seed,
        exact_losses=exact_losses,
    )
    elapsed = time.perf_counter() - start
    CPU_SECONDS.append(time.process_time() - cpu)
    return elapsed, result.trial_stats[:, 0].astype(np.float64)


# ------------------------------------------------------------------- helpers
def z_score(a, b):
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return (a.mean() - b.mean()) / se if se > 0 else float("nan")


def parallel_capacity():
    """How much faster 2 threads run a compute-bound nogil loop than 1.

    On a shared or throttled machine this is below 2; it bounds any 2-thread
    speed-up measured here.
    """
    import numba

    @numba.njit(nogil=True)
    def spin(n):
        s = np.uint64(1)
        for _ in range(n):
            s = s * np.uint64(6364136223846793005) + np.uint64(1442695040888963407)
            s ^= s >> np.uint64(17)
        return s

    from concurrent.futures import ThreadPoolExecutor

    spin(10)
    n = 100_000_000
    one = min(_timed(lambda: spin(n)) for _ in range(3))
    with ThreadPoolExecutor(2) as pool:
        two = min(_timed(lambda: list(pool.map(spin, [n, n]))) for _ in range(3))
    return 2 * one / two


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def population_run(trials, n_jobs, repeats=1):
    """Time ``trials`` trials on the 1M-people population (run in a child).

    The population is supercritical (about 0.9 million people reached per
    trial, about 18 million edge-visits), so one mode is timed: full
    bookkeeping with ``n_jobs`` threads.
    """
    from referral.network._populations import community_population

    start = time.perf_counter()
    net = community_population(1_000_000, strong_contacts=12, weak_contacts=8, seed=1)
    build = time.perf_counter() - start
    out = {
        "people": net.n_people,
        "ties": net.n_ties,
        "build_s": build,
        "build_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }
    spread(net, trials=2, seed=0)  # load the compiled kernel
    spread_s, bare_s = [], []
    for rep in range(repeats):  # interleaved
        elapsed, bare_sizes = run_bare(net, trials, 1 + rep, n_jobs)
        bare_s.append(elapsed)
        start = time.perf_counter()
        result = spread(net, trials=trials, seed=1, n_jobs=n_jobs)
        spread_s.append(time.perf_counter() - start)
    out["seconds"] = float(np.median(spread_s))
    out["bare_seconds"] = float(np.median(bare_s))
    out["all_seconds"] = spread_s
    out["all_bare_seconds"] = bare_s
    out["edge_visits"] = int(result.hop_sums[:, 2].sum())
    out["acting_ties"] = float(acting_ties(result) * trials)
    out["mean_reached"] = float(result.trial_stats[:, 0].mean())
    out["bare_mean_reached"] = float(bare_sizes.mean())
    out["mean_candidates"] = float(result.trial_stats[:, 1].mean())
    out["kept_chain_entries"] = int(len(result.chain_trial))
    out["kept_chains"] = int(result.keep_chains)
    out["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def bench_ba(args, n_nodes, lines):
    """Time every code on BA(n_nodes, 5) at p = 0.05 and 0.15; add rows."""
    G = nx.barabasi_albert_graph(n_nodes, 5, seed=1)
    edges = np.asarray(G.edges(), dtype=np.int64)
    slow_codes = n_nodes <= 100_000 and not args.skip_slow
    small = {0.05: 1.0, 0.15: 0.1}  # share of --trials for the slow codes
    for p in [0.05, 0.15]:
        net = from_arrays(
            n_nodes,
            edges[:, 0],
            edges[:, 1],
            strength=1.0,
            transmission=p,
            activity=1.0,
        )
        spread(net, [0], trials=2, seed=0)
        spread(net, [0], trials=2, seed=0, record="reach")
        trials = max(20, args.trials * 100_000 // n_nodes)  # fewer when large
        check = spread(net, [0], trials=trials, seed=99)
        visits = check.hop_sums[:, 2].sum() / trials
        acting = acting_ties(check)
        fast = {
            "spread (a) hops+parents, 1 core": partial(
                run_spread, net, p, record="reach", n_jobs=1
            ),
            "spread (b) hops+parents, n_jobs=2": partial(
                run_spread, net, p, record="reach", n_jobs=2
            ),
            "spread (c) full bookkeeping, 1 core": partial(
                run_spread, net, p, record="full", n_jobs=1
            ),
            "spread (d) full, exact loss split, 1 core": partial(
                run_spread, net, p, record="full", n_jobs=1, exact_losses=True
            ),
            "cynetdiff IC": partial(run_cynetdiff, net, p),
        }
        times = {}
        cpu_times = {}
        sizes = {}
        for rep in range(args.repeats):
            for name, fn in fast.items():
                elapsed, got = fn(trials, 1000 + rep)
                times.setdefault(name, []).append(elapsed)
                cpu_times.setdefault(name, []).append(CPU_SECONDS[-1])
                sizes.setdefault(name, []).append(got)
        slow = {}
        if slow_codes:
            slow = {
                "EoN basic_discrete_SIR": run_eon,
                "plain Python BFS": run_python,
                "NDlib IndependentCascadesModel": run_ndlib,
            }
        slow_trials = max(3, int(trials * small[p] / 4))
        for name, fn in slow.items():
            n_trials = slow_trials if "NDlib" not in name else max(3, slow_trials // 3)
            elapsed, got = fn(G, p, n_trials, 7)
            times[name] = [elapsed]
            sizes[name] = [got]
        reference = np.concatenate(sizes["spread (a) hops+parents, 1 core"])
        median = {name: float(np.median(t)) for name, t in times.items()}
        cpu = {name: float(np.median(t)) for name, t in cpu_times.items()}
        rate_cyn = len(sizes["cynetdiff IC"][0]) * visits / median["cynetdiff IC"]
        for name in list(fast) + list(slow):
            got = np.concatenate(sizes[name])
            per_run = len(sizes[name][0])
            rate = per_run * visits / median[name]
            honest = per_run * acting / median[name]
            z_text = (
                "ref"
                if name.startswith("spread (a)")
                else (f"{z_score(got, reference):+.2f}")
            )
            cpu_text = "-"
            if name in cpu and "n_jobs=2" not in name:
                cpu_text = f"{cpu['cynetdiff IC'] / cpu[name]:.2f}x"
            lines.append(
                f"| {n_nodes:,} | {p} | {name} | {per_run} | {median[name]:.3f} "
                f"| {got.mean():.0f} | {rate / 1e6:.1f} | {honest / 1e6:.1f} "
                f"| {rate / rate_cyn:.2f}x | {cpu_text} | {z_text} |"
            )
        print(f"done n={n_nodes} p={p}", file=sys.stderr)


# ---------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--trials",
        type=int,
        default=200,
        help="trials for spread and cynetdiff on BA(100k, 5); "
        "scaled down in proportion on larger graphs (min 20)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--population-trials", type=int, default=1000)
    parser.add_argument("--population-jobs", type=int, default=2)
    parser.add_argument("--population-repeats", type=int, default=1)
    parser.add_argument(
        "--ba-nodes",
        type=int,
        nargs="+",
        default=[100_000],
        help="BA sizes; the slow codes run on 100,000 only",
    )
    parser.add_argument(
        "--skip-slow", action="store_true", help="skip EoN, NDlib and plain Python"
    )
    parser.add_argument("--skip-population", action="store_true")
    parser.add_argument(
        "--population-child", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.population_child:
        print(
            json.dumps(
                population_run(
                    args.population_trials,
                    args.population_jobs,
                    args.population_repeats,
                )
            )
        )
        return 0

    lines = [
        "# spread benchmark",
        "",
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, Python {platform.python_version()}.",
    ]
    capacity = parallel_capacity()
    lines.append(
        f"Parallel capacity (2 threads vs 1 on a compute-bound nogil loop): "
        f"{capacity:.2f}x."
    )
    lines += [
        "",
        "BA(n, 5), source 0, activity 1. Edge-visits/s = trials x mean ties "
        "of the reached people / wall time; acting ties/s counts only the "
        "ties of people who acted (equal here, activity 1). Time: median of "
        f"{args.repeats} interleaved repeats (shared machine: medians, not "
        "best); ratio vs cynetdiff in the same run; z = mean-reach difference "
        "vs spread (a) over the combined standard error. CPU ratio: median "
        "process CPU seconds of cynetdiff over the code's (1-core codes only; "
        "steadier than wall time when the machine is loaded).",
        "",
        "| n | p | code | trials | median time (s) | mean reach "
        "| M edge-visits/s | M acting ties/s | vs cynetdiff | vs cynetdiff (CPU) "
        "| z |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n_nodes in args.ba_nodes:
        bench_ba(args, n_nodes, lines)
    if not args.skip_population:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--population-child",
                "--population-trials",
                str(args.population_trials),
                "--population-jobs",
                str(args.population_jobs),
                "--population-repeats",
                str(args.population_repeats),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        pop = json.loads(child.stdout.strip().splitlines()[-1])
        seconds, bare = pop["seconds"], pop["bare_seconds"]
        lines += [
            "",
            f"community_population(1_000_000, strong_contacts=12, "
            f"weak_contacts=8, seed=1): {pop['people']:,} people, "
            f"{pop['ties']:,} ties, built in {pop['build_s']:.1f} s "
            f"(peak RSS after the build {pop['build_rss_gib']:.2f} GiB); "
            f"{args.population_trials} trials from its recruiters, "
            f"n_jobs={args.population_jobs}, median of "
            f"{args.population_repeats} interleaved repeats; mean reached "
            f"{pop['mean_reached']:.0f} (bare kernel {pop['bare_mean_reached']:.0f}), "
            f"mean candidates reached {pop['mean_candidates']:.0f}. Ties per "
            f"trial: {pop['edge_visits'] / args.population_trials / 1e6:.2f} M "
            f"edge-visits (ties of every reached person), "
            f"{pop['acting_ties'] / args.population_trials / 1e6:.2f} M ties of "
            f"acting people.",
            "",
            "| code | time (s) | M edge-visits/s | M acting ties/s | vs bare kernel |",
            "|---|---|---|---|---|",
            f"| spread, full bookkeeping | {seconds:.1f} "
            f"| {pop['edge_visits'] / seconds / 1e6:.1f} "
            f"| {pop['acting_ties'] / seconds / 1e6:.1f} | {bare / seconds:.2f}x |",
            f"| bare one-trial-at-a-time kernel (no bookkeeping, no parents) "
            f"| {bare:.1f} | {pop['edge_visits'] / bare / 1e6:.1f} "
            f"| {pop['acting_ties'] / bare / 1e6:.1f} | 1.00x |",
            "",
            f"All timings (s): spread {pop['all_seconds']}, bare "
            f"{pop['all_bare_seconds']}. Kept chains: {pop['kept_chains']} trials, "
            f"{pop['kept_chain_entries']:,} entries. Peak RSS of that process "
            f"(network build included): {pop['peak_rss_gib']:.2f} GiB.",
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / "spread.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
