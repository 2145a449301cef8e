"""From hops to days: who hears of an opening by when, with a deadline.
=====================================================================

One recruiter on the bundled e-mail network (1,005 people) posts an opening.
People who pass it on take a while: here a lognormal delay with a median of
a day and a half, heavy-tailed like the forwarding times of tracked e-mail
campaigns. The opening closes after 14 days. The script writes two charts
and prints one sentence read off its table:

* ``reach_over_days.png``: people and candidates who have heard of it, day by
  day, with the 14-day deadline and without one (95% bands);
* ``time_to_candidate.png``: the share of openings that have reached their
  first candidate, and their fifth, by each day (Kaplan-Meier, with 95%
  bands; the curves stop at the deadline).

Without a deadline the same people are reached as in the hop model with the
same seed; the delays only decide when, and by whom.

Run ``python examples/reach_over_days.py OUTDIR``; set ``REFERRAL_QUICK=1``
for a fast run with fewer trials.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import referral  # noqa: E402
from referral import datasets, delays  # noqa: E402
from referral.plot import plot_reach_over_time, plot_time_to_candidate  # noqa: E402
from referral.wording import time_sentence  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, help="folder to write the PNGs to")
    parser.add_argument("--trials", type=int, default=100 if QUICK else 1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)

    net = datasets.email_eu_core()
    delay = delays.lognormal(median=1.5, sigma=1.0)
    free = referral.spread(net, trials=args.trials, seed=args.seed, delay=delay)
    closing = referral.spread(
        net, trials=args.trials, seed=args.seed, delay=delay, deadline="14 days"
    )
    days = np.linspace(0, 21, 85)
    table = free.reach_over_time([3, 14, np.inf])
    print(table.round(3).to_string(index=False))
    print(time_sentence(table, day=3, deadline=14))

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_reach_over_time(
        {
            "no deadline": free.reach_over_time(days),
            "14-day deadline": closing.reach_over_time(days),
        },
        ax=ax,
    )
    ax.axvline(14, color="grey", linestyle=":", linewidth=1)
    fig.savefig(args.outdir / "reach_over_days.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_time_to_candidate(
        {
            "first candidate": closing.time_to_candidates(k=1),
            "fifth candidate": closing.time_to_candidates(k=5),
        },
        ax=ax,
    )
    fig.savefig(args.outdir / "time_to_candidate.png", dpi=100)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    main()
