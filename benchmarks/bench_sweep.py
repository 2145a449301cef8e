"""Sweep overhead per configuration: serial vs joblib's loky vs a local Dask cluster.

Every configuration is tiny (a path of people, a handful of trials), so the
time per configuration is almost all scheduling overhead: pickling the task,
shipping it to a worker, running it, shipping the row back. Each backend is
warmed up once (worker start-up and first imports are reported separately)
and then timed on the same sweep, whose tables must be identical to the
serial one.

Run:  python benchmarks/bench_sweep.py [--configs 64] [--workers 2]
Writes a markdown table to stdout and to benchmarks/results/sweep.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import joblib
import networkx as nx
import pandas as pd

from referral import from_networkx
from referral.sweep import collect, make_tasks, run_task, sweep


def build(length, activity):
    """A tiny network, so the timings measure sweep overhead."""
    return from_networkx(
        nx.path_graph(length), strength=1.0, activity=activity, recruiters=[0]
    )


def grid(configs):
    lengths = list(range(10, 10 + max(1, configs // 4)))
    return {"length": lengths, "activity": [0.2, 0.4, 0.6, 0.8]}


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def _markdown(table: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(table.columns) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (table.shape[1] - 1)) + "|")
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=64)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=Path(__file__).parent / "results" / "sweep.md")
    args = parser.parse_args(argv)
    g = grid(args.configs)
    n = len(g["length"]) * len(g["activity"])
    kw = {"trials": args.trials, "seed": 1}

    rows = []
    sweep(build, g, **kw)  # warm: imports and compiled kernels in this process
    t_serial, serial = timed(lambda: sweep(build, g, **kw))
    rows.append(("serial (n_jobs=None)", 0.0, t_serial, True))

    with joblib.parallel_config(backend="loky", n_jobs=args.workers):
        t_start, _ = timed(lambda: sweep(build, g, **kw))  # starts the workers
        t_loky, loky = timed(lambda: sweep(build, g, **kw))
    rows.append(
        (
            f"joblib loky, {args.workers} processes",
            t_start - t_loky,
            t_loky,
            loky.equals(serial),
        )
    )

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("referral.spread"))
        with joblib.parallel_config(backend="dask"):
            sweep(build, g, **kw)
            t_cluster = time.perf_counter() - t0
            t_dask, on_dask = timed(lambda: sweep(build, g, **kw))
        rows.append(
            (
                f"joblib dask backend, LocalCluster {args.workers} workers",
                t_cluster - t_dask,
                t_dask,
                on_dask.equals(serial),
            )
        )
        tasks = make_tasks(build, g, **kw)
        t_map, mapped = timed(
            lambda: collect(client.gather(client.map(run_task, tasks, pure=False)))
        )
        rows.append(
            (
                f"Client.map(run_task), LocalCluster {args.workers} workers",
                0.0,
                t_map,
                mapped.equals(serial),
            )
        )

    table = pd.DataFrame(
        [
            {
                "backend": name,
                "start-up + first run overhead (s)": f"{startup:.2f}",
                f"sweep of {n} configs (s)": f"{total:.3f}",
                "per config (ms)": f"{1000 * total / n:.2f}",
                "overhead vs serial per config (ms)": (
                    f"{1000 * (total - t_serial) / n:+.2f}"
                ),
                "identical to serial": "yes" if same else "NO",
            }
            for name, startup, total, same in rows
        ]
    )
    header = (
        f"# Sweep overhead per configuration\n\n"
        f"{n} tiny configurations (path graphs of 10-{9 + len(g['length'])} people, "
        f"{args.trials} trials each), so the time is mostly scheduling. "
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python "
        f"{platform.python_version()}, joblib {joblib.__version__}. Command: "
        f"`python benchmarks/bench_sweep.py --configs {args.configs} --workers "
        f"{args.workers}`.\n\n"
    )
    text = header + _markdown(table) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
