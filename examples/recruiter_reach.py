"""A recruiter's reach on the bundled e-mail network, and where it dies.
=====================================================================

One recruiter in a 1,005-person research institution (the SNAP email-Eu-core
network, shipped with ``referral``) posts an opening. The script simulates how
far it travels hop by hop and writes three charts:

* ``reach.png``: cumulative people and candidates reached by hop, today and
  if every intermediary were 30% less active, with 95% confidence bands;
* ``dropoff.png``: the people holding the opening at each hop, split into
  those who passed it on and those who did not (red), with the people who
  would also have held it had everyone passed it on (hatched): the cost of
  the people in between;
* ``neighbourhood.png``: the recruiter's neighbourhood, coloured by role,
  sized by chain credit, with one trial's chains highlighted.

Run ``python examples/recruiter_reach.py OUTDIR``; set ``REFERRAL_QUICK=1``
for a fast run with fewer trials.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402

import referral  # noqa: E402
from referral import datasets  # noqa: E402
from referral.interventions import scale_activity  # noqa: E402
from referral.plot import plot_dropoff, plot_network, plot_reach  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, help="folder to write the PNGs to")
    parser.add_argument("--trials", type=int, default=100 if QUICK else 1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)

    net = datasets.email_eu_core()
    today = referral.spread(net, trials=args.trials, seed=args.seed)
    quieter = referral.spread(
        scale_activity(net, 0.7), trials=args.trials, seed=args.seed
    )
    print(today.summary().round(2).to_string(index=False))

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_reach({"today": today, "30% less active": quieter}, ax=ax)
    fig.savefig(args.outdir / "reach.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_dropoff(today, ax=ax)
    fig.savefig(args.outdir / "dropoff.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
    plot_network(net, today, ax=ax)
    fig.savefig(args.outdir / "neighbourhood.png", dpi=100)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    main()
