"""Benchmark: fit a 100,000-telling referral log on a 100,000-person network.

The network is :func:`referral.network._populations.community_population` (100,000
people, about 2,000 communities); 50 "teams" group the communities. The log
is made by :func:`referral.spread` itself: one trial per opening from a
random poster, its kept chain (one teller per person told) appended until
the log holds ``N_TELLINGS`` tellings, with activity 0.25 in even teams and
0.45 in odd ones and every tie carrying with 0.12.

Timed (medians of interleaved repeats, one thread):

* ``read``: reading the log against the network (hops, untold contacts);
* ``fit, one activity``: :func:`referral.calibrate.referral_log` with
  ``by=None`` (the MLE and both profile intervals);
* ``fit, 50 teams``: ``by="team"``, ``pooling="none"`` (51 profile
  intervals);
* the baseline is one evaluation of the log-likelihood and its gradient at
  the truth, so the ratios say how many likelihood evaluations a fit costs.

Run: ``python benchmarks/bench_calibrate.py [n_people] [n_tellings]``.
Writes a markdown table to stdout and to ``benchmarks/results/calibrate.md``
when run at full size.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from referral.calibrate import referral_log
from referral.calibrate._log import read_log
from referral.calibrate._spread_model import LogModel
from referral.network._populations import community_population
from referral.simulate._spread import spread

N_PEOPLE = 100_000
N_TELLINGS = 100_000
N_TEAMS = 50
PER_CALL = 50
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))


def make_log(net, n_tellings, seed=0):
    rng = np.random.default_rng(seed)
    frames, total, opening, sources = [], 0, 0, {}
    eligible = np.flatnonzero(net.degree > 0)
    while total < n_tellings:
        # one spread call gives PER_CALL openings from one poster
        poster = int(rng.choice(eligible))
        chains = spread(
            net,
            [poster],
            trials=PER_CALL,
            keep_chains=PER_CALL,
            record="reach",
            seed=opening,
        ).chains()
        told = chains[chains["parent_id"] >= 0]
        frames.append(
            pd.DataFrame(
                {
                    "opening": told["trial"].to_numpy() + opening,
                    "teller": told["parent_id"].to_numpy(),
                    "told": told["id"].to_numpy(),
                }
            )
        )
        for t in range(PER_CALL):
            sources[opening + t] = poster
        total += len(told)
        opening += PER_CALL
    log = pd.concat(frames, ignore_index=True)
    # every opening keeps its poster, also those where the poster told nobody
    return log, sources, opening


def median_time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(n_people=N_PEOPLE, n_tellings=N_TELLINGS) -> str:
    t0 = time.perf_counter()
    base = community_population(n_people, seed=1)
    team = np.asarray(base.community, dtype=np.int64) % N_TEAMS
    net = base.replace(
        activity=np.where(team % 2 == 0, 0.25, 0.45),
        transmission=np.full(len(base.indices), 0.12),
        attributes={**base.attributes, "team": team},
    )
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    log, sources, openings = make_log(net, n_tellings)
    make = time.perf_counter() - t0
    kw = dict(sources=sources, tellers="first")

    def read():
        return read_log(
            net,
            log,
            opening="opening",
            teller="teller",
            told="told",
            time=None,
            tellers="first",
            function="bench",
            sources=sources,
        )

    data = read()
    model = LogModel(
        data, net, np.zeros(net.n_people, dtype=np.int64), 1, "constant", 1.0
    )
    x_true = np.array([0.35, 0.12])

    def one_eval():
        for _ in range(100):
            model.nll(x_true)

    def fit_one():
        return referral_log(net, log, **kw)

    def fit_teams():
        return referral_log(net, log, by="team", pooling="none", **kw)

    jobs = {
        "likelihood + gradient, x100": one_eval,
        "read the log": read,
        "fit, one activity": fit_one,
        f"fit, {N_TEAMS} teams": fit_teams,
    }
    times = {name: [] for name in jobs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_one()  # warm caches
        for _ in range(REPEATS):  # interleaved
            for name, fn in jobs.items():
                times[name].append(median_time(fn))
        one, teams = fit_one(), fit_teams()
    baseline = np.median(times["likelihood + gradient, x100"]) / 100
    lines = [
        "# Benchmark: calibrate.referral_log",
        "",
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores (shared); Python {platform.python_version()}.",
        f"Network: community_population({n_people:,}), {net.n_ties:,} ties, "
        f"built in {build:.1f} s. Log: {len(log):,} tellings over {openings:,} "
        f"openings made by spread in {make:.1f} s; {len(data.k):,} holders with "
        f"an untold contact.",
        f"Medians of {REPEATS} interleaved repeats, one thread.",
        "",
        "| step | median s | / one likelihood evaluation |",
        "|---|---:|---:|",
    ]
    for name, values in times.items():
        med = float(np.median(values))
        per = med / 100 if name.startswith("likelihood") else med
        lines.append(f"| {name} | {med:.3f} | {per / baseline:,.0f} |")
    p = one.params()
    lines += [
        "",
        "One activity (truth: a mix of 0.25 and 0.45; transmission 0.12):",
        "",
        "```\n" + p.round(4).to_string(index=False) + "\n```",
        "",
        f"50 teams: {int((teams.params()['n'] > 0).sum())} rows with data.",
    ]
    text = "\n".join(lines)
    return text


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    out = main(*args)
    print(out)
    if not args or args[0] >= N_PEOPLE:
        path = Path(__file__).parent / "results" / "calibrate.md"
        path.write_text(out + "\n")
