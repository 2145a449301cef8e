"""Analysis on the 100,000-person synthetic population.

Times ``gatekeepers(top=20)`` and ``other_people_cost`` with a 10-point
activity curve, each against a baseline measured in the same run: one plain
``spread`` with the same trials (the unit of work both are built from).
Target (issue 5): each under a minute on this machine.

Run: ``python benchmarks/bench_analysis.py [--trials N] [--n-jobs J]``.
Writes a markdown table to stdout and ``benchmarks/results/analysis.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from referral import gatekeepers, other_people_cost, spread
from referral.network._populations import community_population


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    net = community_population(args.people, seed=1)
    spread(net, trials=2, seed=0)  # compile outside the timings
    base, base_s = timed(
        lambda: spread(net, trials=args.trials, seed=1, n_jobs=args.n_jobs)
    )
    reach_s = timed(
        lambda: spread(
            net, trials=args.trials, seed=1, n_jobs=args.n_jobs, record="reach"
        )
    )[1]
    gate, gate_s = timed(lambda: gatekeepers(net, base, top=20, n_jobs=args.n_jobs))
    cost, cost_s = timed(
        lambda: other_people_cost(net, trials=args.trials, seed=1, n_jobs=args.n_jobs)
    )
    lines = [
        f"{args.people:,} people, {net.n_ties:,} ties, {args.trials} trials, "
        f"n_jobs={args.n_jobs}; mean reach today "
        f"{cost.as_is['people_reached_estimate']:,.0f} people",
        "",
        "| step | seconds | ratio vs one full spread |",
        "|---|---:|---:|",
        f"| baseline: spread, record='full' | {base_s:.2f} | 1.0 |",
        f"| spread, record='reach' | {reach_s:.2f} | {reach_s / base_s:.1f} |",
        f"| gatekeepers(top=20, shortlist 30) | {gate_s:.2f} | {gate_s / base_s:.1f} |",
        f"| other_people_cost ({len(cost.curve)}-point curve + everyone acting) "
        f"| {cost_s:.2f} | "
        f"{cost_s / base_s:.1f} |",
        "",
        f"Analytic critical multiplier {cost.critical_multiplier_analytic:.3f}, "
        f"simulated {cost.critical_multiplier_simulated:.3f}.",
        f"Top gatekeeper: person {gate['person'].iloc[0]} (loss "
        f"{gate['estimate'].iloc[0]:.2f} candidates per opening, 95% CI "
        f"{gate['ci_low'].iloc[0]:.2f} to {gate['ci_high'].iloc[0]:.2f}).",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).with_name("results") / "analysis.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")


if __name__ == "__main__":
    main()
