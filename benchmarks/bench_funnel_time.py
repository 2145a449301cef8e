"""Benchmark the hiring funnel with delays against the timed spread, per trial.

Run from the repository root::

    python benchmarks/bench_funnel_time.py --nodes 20000 --trials 20 --repeats 3

Workload: ``community_population(nodes, strong_contacts=12, weak_contacts=8,
seed=1)``, one source (person 0), one worker thread, exponential delays
(mean 2 days, per person). Medians of interleaved repeats, in one process:

* ``spread(delay=...)``: the baseline, the timed spread (``record="reach"``,
  no kept chains);
* ``funnel(delay=...)``: the funnel in days (the timed kernel with every
  trial's chains kept, then one pass over the arrivals for applications,
  hires, money and the time to fill);
* the same with ``Recursive(100)`` and with ``positions=1``.

The funnel in days is a post-processing of the timed spread's arrival
records, not a kernel of its own; this measures what that costs. The
markdown table goes to stdout and to ``benchmarks/results/funnel_time.md``.
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
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    from referral.interventions import Recursive
    from referral.network._populations import community_population
    from referral.simulate import delays, funnel
    from referral.simulate._spread import spread

    net = community_population(args.nodes, strong_contacts=12, weak_contacts=8, seed=1)
    source = [net.labels[0]]
    d = delays.exponential(2.0)
    variants = {
        "spread(delay=exponential(2))": lambda t: spread(
            net, source, trials=t, seed=1, delay=d, keep_chains=0
        ),
        "funnel(delay=exponential(2))": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, delay=d, trials=t, seed=1
        ),
        "funnel in days + Recursive(100)": lambda t: funnel(
            net,
            source,
            apply=0.1,
            hire=0.2,
            scheme=Recursive(100.0),
            delay=d,
            trials=t,
            seed=1,
        ),
        "funnel in days, positions=1": lambda t: funnel(
            net, source, apply=0.1, hire=0.2, positions=1, delay=d, trials=t, seed=1
        ),
    }
    for run in variants.values():  # compile and warm the caches
        run(2)
    times = {name: [] for name in variants}
    for repeat in range(args.repeats):
        order = list(variants.items())
        if repeat % 2:
            order.reverse()  # alternate the order, so order effects cancel
        for name, run in order:
            t0 = time.perf_counter()
            run(args.trials)
            times[name].append(time.perf_counter() - t0)
    base = np.median(times["spread(delay=exponential(2))"])
    rows = [
        f"# Funnel in days against the timed spread ({time.strftime('%Y-%m-%d')})",
        "",
        f"community_population({args.nodes:,}, strong_contacts=12, "
        f"weak_contacts=8, seed=1), source person 0, exponential(2) delays per "
        f"person, {args.trials} trials, medians of {args.repeats} interleaved "
        f"repeats, one thread; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "| variant | ms per trial | ratio to the timed spread |",
        "|---|---|---|",
    ]
    for name in variants:
        ms = 1e3 * np.median(times[name]) / args.trials
        rows.append(f"| {name} | {ms:.2f} | {np.median(times[name]) / base:.2f} |")
    text = "\n".join(rows) + "\n"
    print(text)
    if not args.no_write:
        (HERE / "results" / "funnel_time.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
