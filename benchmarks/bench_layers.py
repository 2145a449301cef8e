"""The Python layers around the kernels, against another checkout of referral.

Times a fixed set of public calls whose cost is mostly the library's own
Python (argument rules, result objects, tables, summaries) rather than long
kernel runs, in this checkout and in another one (``--against PATH``, for
example a worktree of the commit before a refactor), interleaved: repeat 1
of every call here, then repeat 1 there, and so on. Each call runs in a child
process per checkout that imports that checkout's ``referral`` first on
``sys.path``; the child compiles the kernels before its clock starts.

Run: ``python benchmarks/bench_layers.py --against /path/to/old/checkout
[--repeats 5]``. Prints a markdown table of median seconds per call in each
checkout and their ratio (this / other) and writes it to
``benchmarks/results/layers.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    import networkx as nx
    import referral
    from referral.network import from_networkx

    assert referral.__file__.startswith(sys.argv[1]), referral.__file__
    G = nx.connected_watts_strogatz_graph(2000, 8, 0.1, seed=1)
    net = from_networkx(G, strength=0.3, activity=0.6, recruiters=[0],
                        candidates=range(1000, 2000))
    referral.spread(net, trials=2, seed=0)
    referral.search(net, starts=[5], targets=[1500], trials=2, seed=0)

    def many_small_spreads():
        for seed in range(200):
            referral.spread(net, trials=5, seed=seed, keep_chains=0,
                            record="reach")

    def spread_and_tables():
        result = referral.spread(net, trials=300, seed=1)
        result.summary(); result.by_hop(); result.people()
        referral.dropoff(result)

    def search_and_tables():
        result = referral.search(net, starts=list(range(100, 140)),
                                 targets=[1500], trials=20, seed=1)
        result.summary(); result.by_step(); result.corrected_lengths()

    def gatekeepers():
        base = referral.spread(net, trials=100, seed=1)
        referral.gatekeepers(net, base, top=5, n_jobs=1)

    calls = {
        "200 spreads of 5 trials": many_small_spreads,
        "spread 300 trials + tables": spread_and_tables,
        "search 800 chains + tables": search_and_tables,
        "gatekeepers(top=5)": gatekeepers,
    }
    name = sys.argv[2]
    start = time.perf_counter()
    calls[name]()
    print(json.dumps(time.perf_counter() - start))
    """
)

NAMES = [
    "200 spreads of 5 trials",
    "spread 300 trials + tables",
    "search 800 chains + tables",
    "gatekeepers(top=5)",
]


def run(root: Path, name: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), name],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    roots = {"this": HERE, "other": args.against.resolve()}
    times = {(who, name): [] for who in roots for name in NAMES}
    for _ in range(args.repeats):
        for name in NAMES:
            for who, root in roots.items():
                times[(who, name)].append(run(root, name))
    lines = [
        f"This checkout ({HERE}) against {roots['other']}; medians of "
        f"{args.repeats} interleaved repeats, one child process per call.",
        "",
        "| call | this (s) | other (s) | this / other |",
        "|---|---:|---:|---:|",
    ]
    for name in NAMES:
        this = statistics.median(times[("this", name)])
        other = statistics.median(times[("other", name)])
        lines.append(f"| {name} | {this:.3f} | {other:.3f} | {this / other:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "benchmarks" / "results" / "layers.md"
    out.write_text("# The Python layers before and after a change\n\n" + text)


if __name__ == "__main__":
    main()
