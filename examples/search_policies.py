"""Candidates searching for a recruiter, with different forwarding policies.
=========================================================================

Every candidate in the bundled e-mail network starts chains toward the
recruiter. Each holder forwards with their own activity (most people are poor
networkers) to one contact picked by a policy: ``greedy`` (the contact
closest to the recruiter: an optimistic bound, since real people do not know
graph distances), ``random``, ``strongest`` tie, or ``weak-first`` (bridges).

It writes ``attrition.png`` (the share of chains still alive at each step,
per policy) and ``chain_lengths.png`` (completed lengths under greedy routing
against the attrition-corrected distribution, with the Milgram and Dodds et
al. histograms overlaid).

Run ``python examples/search_policies.py OUTDIR``; set ``REFERRAL_QUICK=1``
for a fast run with fewer chains.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402

import referral  # noqa: E402
from referral import datasets  # noqa: E402
from referral.plot import plot_attrition, plot_chain_lengths  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"
POLICIES = ["greedy", "random", "strongest", "weak-first"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, help="folder to write the PNGs to")
    parser.add_argument(
        "--trials", type=int, default=10 if QUICK else 100, help="chains per candidate"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)

    net = datasets.email_eu_core()
    results = {
        policy: referral.search(net, policy=policy, trials=args.trials, seed=args.seed)
        for policy in POLICIES
    }
    for policy, result in results.items():
        s = result.summary().set_index("measure")["estimate"]
        print(
            f"{policy:>10}: completion {s['completion_rate']:.3f}, "
            f"mean length {s['mean_length']:.2f}"
        )

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_attrition(results, completed=False, ax=ax)
    fig.savefig(args.outdir / "attrition.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_chain_lengths(results["greedy"], empirical=True, ax=ax)
    fig.savefig(args.outdir / "chain_lengths.png", dpi=100)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    main()
