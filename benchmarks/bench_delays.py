"""Benchmark ``spread(delay=...)``: its cost, and that ``delay=None`` costs nothing.

Run from the repository root::

    python benchmarks/bench_delays.py --trials 200 --repeats 5

Workload: ``networkx.barabasi_albert_graph(100_000, 5, seed=1)``, source
node 0, activity 1, uniform transmission 0.05 and 0.15 (the workload of
``bench_spread.py``), one worker thread.

Two questions, each answered by ratios of medians of interleaved repeats
measured in the same run (the machine is shared, so single timings are
noisy):

1. ``delay=None`` before and after: the hop model of a base commit (default
   ``c34a2a2``, the commit this work started from, exported with ``git
   archive``) against this tree's, both ``record="full"`` and
   ``record="reach"``, each in its own long-lived subprocess, asked in turn
   (who goes first alternates between repeats).
   The hop kernel's code is unchanged, so the ratio should be noise (the
   results are also checked bit for bit).
2. Delays against the hop model, per trial, in one process: ``spread(
   delay=lognormal(median=2, sigma=1))`` (per person, and per tie) against
   ``spread(record="reach")`` (what a timed run records) and
   ``spread(record="full")`` (the default).

The markdown table goes to stdout and to ``benchmarks/results/delays.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

WORKER = r"""
import hashlib, json, sys, time
import numpy as np
import networkx as nx
from referral.network import from_arrays
from referral.simulate._spread import spread

nodes = int(sys.argv[1])
G = nx.barabasi_albert_graph(nodes, 5, seed=1)
edges = np.array(G.edges(), dtype=np.int64)
nets = {}
for p in (0.05, 0.15):
    nets[p] = from_arrays(np.arange(nodes), edges[:, 0], edges[:, 1],
                          transmission=p, strength=0.5, activity=1.0,
                          recruiters=[0])
for net in nets.values():  # compile and warm the caches
    spread(net, trials=2, seed=0)
    spread(net, trials=2, seed=0, record="reach")
print("READY", flush=True)
for line in sys.stdin:
    p, record, trials = line.split()
    t0 = time.perf_counter()
    r = spread(nets[float(p)], trials=int(trials), seed=1, record=record)
    elapsed = time.perf_counter() - t0
    h = hashlib.sha256()
    for name in ("hop_sums", "trial_hop", "trial_stats", "trial_loss",
                 "person_reached", "person_credit", "tie_credit"):
        h.update(np.ascontiguousarray(getattr(r, name)).tobytes())
    print(json.dumps({"seconds": elapsed, "digest": h.hexdigest()[:16],
                      "reach": float(r.trial_stats[:, 0].mean())}), flush=True)
"""


def export_base(commit: str, where: Path) -> Path:
    """The package at ``commit``, extracted under ``where``."""
    archive = where / "base.tar"
    with open(archive, "wb") as out:
        subprocess.run(
            ["git", "archive", commit, "referral"], cwd=ROOT, stdout=out, check=True
        )
    with tarfile.open(archive) as tar:
        tar.extractall(where, filter="data")
    return where


def start_worker(path: Path, nodes: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(path), "NUMBA_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(nodes)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    assert proc.stdout.readline().strip() == "READY"
    return proc


def ask(proc, p, record, trials):
    proc.stdin.write(f"{p} {record} {trials}\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def before_after(args, rows):
    with tempfile.TemporaryDirectory() as tmp:
        base = export_base(args.base, Path(tmp))
        workers = {
            "base": start_worker(base, args.nodes),
            "this": start_worker(ROOT, args.nodes),
        }
        try:
            for p in (0.05, 0.15):
                for record in ("full", "reach"):
                    times = {"base": [], "this": []}
                    digests = {"base": set(), "this": set()}
                    for repeat in range(args.repeats):
                        # alternate who goes first, so order effects cancel
                        order = list(workers.items())
                        if repeat % 2:
                            order.reverse()
                        for name, proc in order:
                            out = ask(proc, p, record, args.trials)
                            times[name].append(out["seconds"])
                            digests[name].add(out["digest"])
                    same = (
                        digests["base"] == digests["this"] and len(digests["base"]) == 1
                    )
                    base_ms = 1e3 * np.median(times["base"]) / args.trials
                    this_ms = 1e3 * np.median(times["this"]) / args.trials
                    rows.append(
                        f"| delay=None, {record} | {p} | {base_ms:.3f} | {this_ms:.3f} "
                        f"| {this_ms / base_ms:.3f} | "
                        f"{'identical' if same else 'DIFFERENT'} |"
                    )
                    print(rows[-1], flush=True)
        finally:
            for proc in workers.values():
                proc.stdin.close()
                proc.wait()


def delays_vs_hops(args, rows):
    import networkx as nx

    from referral import delays
    from referral.network import from_arrays
    from referral.simulate._spread import spread

    G = nx.barabasi_albert_graph(args.nodes, 5, seed=1)
    edges = np.array(G.edges(), dtype=np.int64)
    variants = {
        "hops, record=reach": {"record": "reach"},
        "hops, record=full": {},
        "lognormal per person": {"delay": delays.lognormal(median=2, sigma=1)},
        "lognormal per tie": {"delay": delays.lognormal(median=2, sigma=1, per="tie")},
    }
    for p in (0.05, 0.15):
        net = from_arrays(
            np.arange(args.nodes),
            edges[:, 0],
            edges[:, 1],
            transmission=p,
            strength=0.5,
            activity=1.0,
            recruiters=[0],
        )
        for options in variants.values():
            spread(net, trials=2, seed=0, **options)
        times = {name: [] for name in variants}
        reach = {}
        for _ in range(args.repeats):
            for name, options in variants.items():
                t0 = time.perf_counter()
                r = spread(net, trials=args.trials, seed=1, **options)
                times[name].append(time.perf_counter() - t0)
                reach[name] = float(r.trial_stats[:, 0].mean())
        base = np.median(times["hops, record=reach"])
        for name in variants:
            ms = 1e3 * np.median(times[name]) / args.trials
            rows.append(
                f"| {name} | {p} | {ms:.3f} | {np.median(times[name]) / base:.2f} "
                f"| {reach[name]:,.0f} |"
            )
            print(rows[-1], flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--base", default="c34a2a2")
    parser.add_argument("--skip-before-after", action="store_true")
    parser.add_argument("--skip-delays", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")

    first, second = [], []
    if not args.skip_before_after:
        before_after(args, first)
    if not args.skip_delays:
        delays_vs_hops(args, second)

    text = [
        "# Delays: benchmark",
        "",
        f"`python benchmarks/bench_delays.py --nodes {args.nodes} --trials "
        f"{args.trials} --repeats {args.repeats}` on {platform.node()} "
        f"({os.cpu_count()} cores, shared), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        f"BA({args.nodes:,}, 5), source 0, activity 1, one worker thread; medians "
        f"of {args.repeats} interleaved repeats.",
        "",
    ]
    if first:
        text += [
            f"## `delay=None` before ({args.base}) and after",
            "",
            "| run | transmission | base ms/trial | this ms/trial | ratio | results |",
            "|---|---|---|---|---|---|",
            *first,
            "",
        ]
    if second:
        text += [
            "## Delays against the hop model",
            "",
            "| run | transmission | ms/trial | ratio to hops (reach) | mean reach |",
            "|---|---|---|---|---|",
            *second,
            "",
        ]
    out = "\n".join(text)
    print(out)
    (HERE / "results" / "delays.md").write_text(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
