"""Benchmark the hiring funnel against the plain spread, per trial.

Run from the repository root::

    python benchmarks/bench_funnel.py --trials 50 --repeats 5

Workload: ``referral.network._populations.community_population(100_000,
strong_contacts=12, weak_contacts=8, seed=1)`` (the 100,000-person
population), one source (person 0), one worker thread. Timed per trial, in
one process, as medians of interleaved repeats (each repeat runs every
variant once, in turn; the machine is shared, so single timings are noisy):

* ``spread(record="reach")``: the baseline (the funnel records reach, not
  losses, so this is the like-for-like cascade);
* ``spread(record="full")``: the default spread, for scale;
* ``funnel(apply=0.1, hire=0.2)``: the funnel (every chain kept, read once
  for applications and hires);
* the same with ``Recursive(100)`` (payments walked up every hire's chain),
  with ``applicants_stop=True`` (the halting kernel) and with
  ``positions=1`` (the search stops at the first hire).

The issue's promise: the funnel costs at most 1.3 times the plain spread per
trial. The markdown table goes to stdout and to
``benchmarks/results/funnel.md``.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    from referral.interventions import Recursive
    from referral.network._populations import community_population
    from referral.simulate import funnel
    from referral.simulate._spread import spread

    net = community_population(args.nodes, strong_contacts=12, weak_contacts=8, seed=1)
    source = [net.labels[0]]
    variants = {
        'spread(record="reach")': lambda t: spread(
            net, source, trials=t, seed=1, record="reach", keep_chains=0
        ),
        'spread(record="full")': lambda t: spread(
            net, source, trials=t, seed=1, keep_chains=0
        ),
        "funnel(apply=0.1, hire=0.2)": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, trials=t, seed=1
        ),
        "funnel + Recursive(100)": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, scheme=Recursive(100.0), trials=t, seed=1
        ),
        "funnel, applicants_stop": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, applicants_stop=True, trials=t, seed=1
        ),
        "funnel, positions=1": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, positions=1, trials=t, seed=1
        ),
    }
    for run in variants.values():  # compile and warm the caches
        run(2)
    times = {name: [] for name in variants}
    reach = {}
    for repeat in range(args.repeats):
        order = list(variants.items())
        if repeat % 2:
            order.reverse()  # alternate the order, so order effects cancel
        for name, run in order:
            t0 = time.perf_counter()
            result = run(args.trials)
            times[name].append(time.perf_counter() - t0)
            if hasattr(result, "counts"):
                reach[name] = float(result.counts[:, 0].mean())
            else:
                reach[name] = float(result.trial_stats[:, 0].mean())
    base = np.median(times['spread(record="reach")'])
    rows = [
        f"# Funnel against spread ({time.strftime('%Y-%m-%d')})",
        "",
        f"community_population({args.nodes:,}, strong_contacts=12, "
        f"weak_contacts=8, seed=1), source person 0, {args.trials} trials, "
        f"medians of {args.repeats} interleaved repeats, one thread; "
        f"{platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}.",
        "",
        '| variant | ms per trial | ratio to spread(record="reach") | '
        "people reached (mean) |",
        "|---|---|---|---|",
    ]
    for name in variants:
        ms = 1e3 * np.median(times[name]) / args.trials
        rows.append(
            f"| {name} | {ms:.2f} | {np.median(times[name]) / base:.2f} "
            f"| {reach[name]:,.0f} |"
        )
    text = "\n".join(rows) + "\n"
    print(text)
    if not args.no_write:
        (HERE / "results" / "funnel.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
