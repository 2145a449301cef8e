"""Benchmark :func:`referral.ambassadors` and :func:`referral.reach_of_everyone`.

Run from the repository root, in an environment with the ``bench`` extra::

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -e '.[bench]'
    OMP_NUM_THREADS=1 .venv-bench/bin/python benchmarks/bench_ambassadors.py

Workloads (issue 12):

1. ``networkx.barabasi_albert_graph(100_000, 5, seed=1)``, uniform transmission
   0.05, activity 1 (a pure independent cascade, the peers' model), every
   person a target, k = 50, epsilon = 0.1: ``ambassadors`` (one thread,
   ``check_trials=0``) against pynetim's C++ ``IMMAlgorithm`` (epsilon 0.1,
   l = 1, i.e. delta = 1/n; single-threaded). Times are medians of
   ``--repeats`` interleaved runs with different seeds. The chosen sets are
   then scored by one ``spread`` run each with the same seed (common random
   numbers), ``--score-trials`` trials; the table gives both means, their
   standard errors and the paired difference.
2. ``barabasi_albert_graph(10_000, 5, seed=1)``, the same model, k = 20:
   ``ambassadors`` against a CELF greedy on cynetdiff's
   ``compute_marginal_gains`` (``--celf-trials`` trials per evaluation).
3. ``reach_of_everyone`` on the 100k graph (``--samples`` samples) against
   1,000 forward ``spread`` trials from one person (person 0).
4. ``referral.network._populations.community_population(1_000_000, strong_contacts=12,
   weak_contacts=8, seed=1)`` with its heterogeneous (Beta) activity and
   candidates, ``ambassadors`` with k = 50 in a child process: wall time and
   peak RSS (skip with ``--skip-population``).

The machine these numbers were taken on has 2 cores shared with other jobs,
so timings are noisy; ratios are against baselines timed in the same run,
interleaved. The markdown table goes to stdout and to
``benchmarks/results/ambassadors.md``.
"""

from __future__ import annotations

import argparse
import array
import heapq
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

from referral.network import from_arrays
from referral.simulate._spread import spread
from referral.whom_to_ask._ambassadors import ambassadors, reach_of_everyone

HERE = Path(__file__).resolve().parent


def ba_network(n, m, w):
    G = nx.barabasi_albert_graph(n, m, seed=1)
    edges = np.array(G.edges(), dtype=np.int64)
    net = from_arrays(
        n, edges[:, 0], edges[:, 1], strength=w, activity=1.0, candidates=np.arange(n)
    )
    return net, edges


def paired(diff):
    return f"{diff.mean():+.1f} ± {diff.std(ddof=1) / np.sqrt(len(diff)):.1f}"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def timed_cpu(function, *args, **kwargs):
    """``(wall seconds, process CPU seconds, value)``: on a shared machine the
    CPU time of a one-thread run is the fairer figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, value


def score(net, groups, trials, seed=1):
    """Mean reach of each group by spread, same seed; paired differences."""
    rows = {}
    per_trial = {}
    for name, group in groups.items():
        result = spread(
            net, list(group), trials=trials, seed=seed, record="reach", keep_chains=0
        )
        reached = result.trials()["candidates_reached"].to_numpy(dtype=float)
        per_trial[name] = reached
        rows[name] = (reached.mean(), reached.std(ddof=1) / np.sqrt(trials))
    return rows, per_trial


def run_pynetim(edges, w, k, epsilon, seed):
    from pynetim import IMGraph
    from pynetim.algorithms import IMMAlgorithm

    # both directions as directed edges (pynetim's IC on directed=False raises
    # "Edge (u, v) does not exist")
    pairs = [(int(u), int(v)) for u, v in edges] + [(int(v), int(u)) for u, v in edges]
    graph = IMGraph(pairs, weights=w, directed=True, renumber=False)
    algorithm = IMMAlgorithm(graph, "IC", epsilon=epsilon, l=1, random_seed=seed)
    return sorted(algorithm.run(k))


def pynetim_child(n, seed):
    """Run in a child process: pynetim's IMM on the BA graph; print the set."""
    _, edges = ba_network(n, 5, 0.05)
    wall, cpu, chosen = timed_cpu(run_pynetim, edges, 0.05, 50, 0.1, seed)
    print(json.dumps({"seconds": wall, "cpu": cpu, "set": chosen}))


def pynetim_timed(n, seed, timeout):
    """pynetim in a child process: ``(wall, cpu, set)``, or ``(wall, nan,
    None)`` if it was stopped after ``timeout`` seconds of wall time (its
    graph build included)."""
    start = time.perf_counter()
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--n", str(n), "--pynetim-child", str(seed)],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        ).stdout
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, float("nan"), None
    facts = json.loads(out.strip().splitlines()[-1])
    return facts["seconds"], facts["cpu"], facts["set"]


def celf_cynetdiff(net, k, trials, seed):
    """CELF greedy with cynetdiff's marginal gains (the peer's intended use)."""
    from cynetdiff.models import IndependentCascadeModel

    starts = array.array("I", net.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", net.indices.astype(np.uint32).tobytes())
    model = IndependentCascadeModel(
        starts, edges, activation_prob=float(net.transmission[0]), rng=seed
    )
    heap = []
    for v in range(net.n_people):
        gain = model.compute_marginal_gains([v], [], trials)[0]
        heap.append((-gain, v, 0))
    heapq.heapify(heap)
    chosen = []
    while len(chosen) < k:
        neg, v, round_ = heapq.heappop(heap)
        if round_ == len(chosen):
            chosen.append(v)
            continue
        gain = model.compute_marginal_gains(chosen, [v], trials)[1]
        heapq.heappush(heap, (-gain, v, len(chosen)))
    return chosen


def population_child(k):
    """Run in a child process: ambassadors on the 1M population."""
    from referral.network._populations import community_population

    start = time.perf_counter()
    net = community_population(1_000_000, strong_contacts=12, weak_contacts=8, seed=1)
    built = time.perf_counter() - start
    elapsed, cpu, table = timed_cpu(
        ambassadors, net, k, epsilon=0.1, check_trials=0, seed=1
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        json.dumps(
            {
                "build_s": built,
                "ambassadors_s": elapsed,
                "ambassadors_cpu_s": cpu,
                "peak_gib": peak,
                "people": net.n_people,
                "ties": net.n_ties,
                "targets": int(table["n_targets"].iloc[0]),
                "samples": int(table["samples"].iloc[0]),
                "reach": float(table["reach_estimate"].iloc[-1]),
                "reach_se": float(table["reach_se"].iloc[-1]),
                "degree_reach": float(table["degree_reach_estimate"].iloc[-1]),
                "difference": float(table["difference_estimate"].iloc[-1]),
                "difference_se": float(table["difference_se"].iloc[-1]),
            }
        )
    )


def population_part(say, output=None):
    """Part 4 in a child process (its peak RSS is the run's); ``output`` is
    the saved stdout of an earlier ``--population-child`` run."""
    if output is None:
        output = subprocess.run(
            [sys.executable, __file__, "--population-child"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    facts = json.loads(output.strip().splitlines()[-1])
    say(
        "## 4. community_population(1_000_000, strong_contacts=12, "
        "weak_contacts=8, seed=1), Beta(2, 5) activity, k = 50"
    )
    say()
    say(
        "| people | ties | targets | selection samples | ambassadors wall (s) "
        "| CPU (s) | peak RSS (GiB) | reach (± se) | highest-degree reach "
        "| difference |"
    )
    say("|---|---|---|---|---|---|---|---|---|---|")
    say(
        f"| {facts['people']:,} | {facts['ties']:,} | {facts['targets']:,} | "
        f"{facts['samples']:,} | {facts['ambassadors_s']:.1f} | "
        f"{facts.get('ambassadors_cpu_s', float('nan')):.1f} | "
        f"{facts['peak_gib']:.2f} | {facts['reach']:.1f} ± "
        f"{facts['reach_se']:.1f} | {facts['degree_reach']:.1f} | "
        f"{facts['difference']:+.1f} ± {facts['difference_se']:.1f} |"
    )
    say()
    say(
        f"Building the population took {facts['build_s']:.1f} s (not "
        f"included); peak RSS is the child process's, network included."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--n",
        type=int,
        default=100_000,
        help="people in part 1's BA graph (part 3 always uses 100,000)",
    )
    parser.add_argument("--score-trials", type=int, default=2000)
    parser.add_argument("--celf-trials", type=int, default=100)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument(
        "--parts", default="1,2,3,4", help="which parts to run (default 1,2,3,4)"
    )
    parser.add_argument(
        "--pynetim-timeout",
        type=float,
        default=None,
        help="seconds after which a pynetim run (in a child process) is stopped",
    )
    parser.add_argument("--per-world", type=int, default=1000)
    parser.add_argument(
        "--output",
        type=Path,
        default=HERE / "results" / "ambassadors.md",
        help="where the markdown goes (default benchmarks/results/ambassadors.md)",
    )
    parser.add_argument("--skip-population", action="store_true")
    parser.add_argument("--skip-pynetim", action="store_true")
    parser.add_argument(
        "--only-population",
        action="store_true",
        help="run part 4 alone and append it to the results file",
    )
    parser.add_argument(
        "--population-output",
        type=Path,
        default=None,
        help="with --only-population: the saved output of a "
        "--population-child run, instead of running it",
    )
    parser.add_argument(
        "--population-child", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--pynetim-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if args.skip_population:
        parts.discard("4")
    if args.pynetim_child:
        pynetim_child(args.n, args.pynetim_child)
        return
    if args.population_child:
        population_child(50)
        return

    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    say("# ambassadors and reach_of_everyone")
    say()
    say(
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared "
        f"with other jobs: timings are noisy), {time.strftime('%Y-%m-%d %H:%M')}."
    )
    say()

    if args.only_population:
        lines.clear()
        saved = args.population_output
        population_part(say, saved.read_text() if saved else None)
        out = HERE / "results" / "ambassadors.md"
        with out.open("a") as handle:
            handle.write("\n" + "\n".join(lines) + "\n")
        return

    # warm up the compiled kernels
    small, _ = ba_network(500, 3, 0.1)
    ambassadors(small, 3, check_trials=10, seed=0)
    reach_of_everyone(small, samples=100, seed=0)
    reach_of_everyone(small, samples=100, per_world=10, seed=0)
    spread(small, [0], trials=10, seed=0, record="reach")

    k, epsilon, w = 50, 0.1, 0.05
    net, edges = ba_network(args.n, 5, w)
    if "1" in parts:
        part_imm(args, say, net, edges, k, epsilon, w)
    if "2" in parts:
        part_celf(args, say, epsilon, w)
    if "3" in parts:
        if args.n != 100_000:
            net, edges = ba_network(100_000, 5, w)
        part_everyone(args, say, net)
    if "4" in parts:
        population_part(say)

    args.output.write_text("\n".join(lines) + "\n")


def part_imm(args, say, net, edges, k, epsilon, w):
    """1. IMM against pynetim on the 100k graph."""
    ours_t, theirs_t = [], []
    ours_set = theirs_set = None
    table = None
    for r in range(args.repeats):
        elapsed, cpu, table = timed_cpu(
            ambassadors, net, k, epsilon=epsilon, check_trials=0, seed=r + 1, n_jobs=1
        )
        ours_t.append(cpu)
        ours_set = sorted(table["id"].tolist())
        say(
            f"- repeat {r}: ambassadors {cpu:.1f} s CPU, {elapsed:.1f} s wall "
            f"({table['samples'].iloc[0]:,} selection samples)"
        )
        if not args.skip_pynetim:
            if args.pynetim_timeout:
                elapsed, cpu, got = pynetim_timed(args.n, r + 1, args.pynetim_timeout)
            else:
                elapsed, cpu, got = timed_cpu(run_pynetim, edges, w, k, epsilon, r + 1)
            if got is None:
                say(
                    f"- repeat {r}: pynetim IMM stopped unfinished after "
                    f"{elapsed:.1f} s wall"
                )
            else:
                theirs_set = got
                theirs_t.append(cpu)
                say(f"- repeat {r}: pynetim IMM {cpu:.1f} s CPU, {elapsed:.1f} s wall")
    groups = {"ambassadors": ours_set}
    if theirs_set is not None:
        groups["pynetim IMM"] = theirs_set
    top = np.argsort(-net.degree, kind="stable")[:k]
    groups["highest degree"] = sorted(top.tolist())
    rows, per_trial = score(net, groups, args.score_trials)
    say()
    say(
        f"## 1. IMM on barabasi_albert_graph({args.n:_}, 5), w = {w}, activity 1, "
        f"k = {k}, epsilon = {epsilon}, one thread"
    )
    say()
    say(
        "| code | median CPU time (s) | runs (s) | CPU time ratio vs pynetim | "
        "spread reach (mean ± se) | paired difference vs ambassadors |"
    )
    say("|---|---|---|---|---|---|")
    base = statistics.median(theirs_t) if theirs_t else float("nan")
    for name, times in [
        ("ambassadors", ours_t),
        ("pynetim IMM", theirs_t),
        ("highest degree", []),
    ]:
        if name not in rows:
            continue
        mean, se = rows[name]
        diff = per_trial[name] - per_trial["ambassadors"]
        diff_text = "" if name == "ambassadors" else paired(diff)
        median = statistics.median(times) if times else float("nan")
        runs = ", ".join(f"{t:.1f}" for t in times)
        ratio = base / median if times and theirs_t else float("nan")
        say(
            f"| {name} | {median:.1f} | {runs} | {ratio:.2f}x | "
            f"{mean:.1f} ± {se:.1f} | {diff_text} |"
        )
    say()
    say(
        f"Reach scored by `spread` with seed 1, {args.score_trials} trials, the "
        f"same trials for every set (common random numbers). The last "
        f"ambassadors run's own estimate: "
        f"{table['reach_estimate'].iloc[-1]:.1f} ± "
        f"{table['reach_se'].iloc[-1]:.1f}. `ambassadors` draws fresh samples "
        f"for its final pick (Chen 2018) and measures the pick on a third "
        f"independent set; pynetim reuses its first-phase samples and does not "
        f"measure."
    )
    say()


def part_celf(args, say, epsilon, w):
    """2. Against cynetdiff's CELF greedy on 10k."""
    k2 = 20
    net10, _ = ba_network(10_000, 5, w)
    ours10, celf10 = [], []
    for r in range(args.repeats):
        elapsed, t10 = timed(
            ambassadors,
            net10,
            k2,
            epsilon=epsilon,
            check_trials=0,
            seed=r + 1,
            n_jobs=1,
        )
        ours10.append(elapsed)
        try:
            elapsed, chosen = timed(celf_cynetdiff, net10, k2, args.celf_trials, r + 1)
            celf10.append(elapsed)
        except ImportError:
            chosen = None
        say(
            f"- repeat {r}: ambassadors {ours10[-1]:.1f} s, cynetdiff CELF "
            f"{celf10[-1] if celf10 else float('nan'):.1f} s"
        )
    groups = {"ambassadors": t10["id"].tolist()}
    if chosen is not None:
        groups["cynetdiff CELF"] = chosen
    rows, per_trial = score(net10, groups, args.score_trials)
    say()
    say(f"## 2. Greedy on barabasi_albert_graph(10_000, 5), w = {w}, k = {k2}")
    say()
    say(
        "| code | median time (s) | time ratio vs cynetdiff CELF | spread reach "
        "(mean ± se) | paired difference vs ambassadors |"
    )
    say("|---|---|---|---|---|")
    base = statistics.median(celf10) if celf10 else float("nan")
    for name, times in [("ambassadors", ours10), ("cynetdiff CELF", celf10)]:
        if name not in rows:
            continue
        mean, se = rows[name]
        diff = per_trial[name] - per_trial["ambassadors"]
        diff_text = "" if name == "ambassadors" else paired(diff)
        median = statistics.median(times)
        say(
            f"| {name} | {median:.1f} | {base / median:.2f}x | {mean:.1f} ± "
            f"{se:.1f} | {diff_text} |"
        )
    say()
    say(
        f"CELF evaluates each marginal gain with {args.celf_trials} cynetdiff "
        f"trials (no guarantee; the Monte Carlo error of each gain is about "
        f"1/sqrt({args.celf_trials}) of its spread)."
    )
    say()


def part_everyone(args, say, net):
    """3. reach_of_everyone against 1,000 forward trials from one person."""
    variants = [
        (f"independent samples, {args.samples:,}", args.samples, 1),
        (f"independent samples, {args.samples // 10:,}", args.samples // 10, 1),
        (
            f"{args.per_world:,} samples per world, {args.samples:,}",
            args.samples,
            args.per_world,
        ),
    ]
    times = {name: [] for name, _, _ in variants}
    forward_t = []
    results = {}
    for _ in range(args.repeats):
        elapsed, one = timed(
            spread,
            net,
            [0],
            trials=1000,
            seed=1,
            record="reach",
            keep_chains=0,
            n_jobs=1,
        )
        forward_t.append(elapsed)
        for name, samples, per_world in variants:
            elapsed, results[name] = timed(
                reach_of_everyone,
                net,
                samples=samples,
                per_world=per_world,
                seed=1,
                n_jobs=1,
            )
            times[name].append(elapsed)
    forward = one.summary().set_index("measure").loc["candidates_reached"]
    base = statistics.median(forward_t)
    top = np.argsort(-net.degree, kind="stable")[:100]
    say("## 3. Everyone's reach at once, 100k graph")
    say()
    say(
        "| what | median time (s) | runs (s) | time / forward time | person 0's "
        "reach (mean ± se) | median reach_se | median reach_se, top 100 by degree |"
    )
    say("|---|---|---|---|---|---|---|")
    say(
        f"| spread, 1,000 trials from person 0 | {base:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in forward_t)} | 1.00 | "
        f"{forward['estimate']:.1f} ± {forward['se']:.1f} | | |"
    )
    for name, _, _ in variants:
        table = results[name]
        median = statistics.median(times[name])
        say(
            f"| reach_of_everyone, {name} (all 100,000 people) | {median:.2f} | "
            f"{', '.join(f'{t:.2f}' for t in times[name])} | {median / base:.2f} | "
            f"{table['reach_estimate'].iloc[0]:.1f} ± "
            f"{table['reach_se'].iloc[0]:.1f} | "
            f"{table['reach_se'].median():.1f} | "
            f"{table['reach_se'].iloc[top].median():.1f} |"
        )
    say()


if __name__ == "__main__":
    main()
