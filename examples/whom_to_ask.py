"""Whom to ask to share an opening on the bundled e-mail network.
===============================================================

A recruiter in a 1,005-person research institution (the SNAP email-Eu-core
network, shipped with ``referral``) wants the opening to reach as many
candidates as possible, and can ask ``k`` colleagues to share it. The script

* estimates every person's reach as a lone poster at once
  (:func:`referral.reach_of_everyone`) and compares it with their number of
  contacts;
* picks the ``k`` people to ask (:func:`referral.ambassadors`, IMM), not
  counting candidates themselves (they are the audience, not the
  messengers), and compares them with the ``k`` highest-degree people, on
  fresh samples and by a forward simulation;
* does the same with everyone in the largest department as the targets
  (a pool: a team we need to reach), asking neither candidates nor the
  department's own members.

It writes ``ambassadors.png`` (reach against the number of people asked),
``everyone.png`` (each person's reach against their contacts) and
``department.png`` (the same choice for one department), and prints the
tables and the plain-language findings.

Run ``python examples/whom_to_ask.py OUTDIR`` (or ``--out OUTDIR``); set
``REFERRAL_QUICK=1`` for a fast run.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import referral  # noqa: E402
from referral import datasets  # noqa: E402
from referral.plot import plot_ambassadors  # noqa: E402
from referral.wording import who_to_ask_sentences  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, nargs="?", help="folder for the PNGs")
    parser.add_argument("--out", type=Path, default=None, help="same as OUTDIR")
    parser.add_argument(
        "-k", type=int, default=3 if QUICK else 10, help="how many people to ask"
    )
    parser.add_argument(
        "--trials",
        type=int,
        default=100 if QUICK else 1000,
        help="forward spread trials per checked group",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=5000 if QUICK else 100_000,
        help="reverse-reachable samples for everyone's reach",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outdir = args.out or args.outdir or Path("whom-to-ask")
    outdir.mkdir(parents=True, exist_ok=True)
    epsilon = 0.3 if QUICK else 0.1

    net = datasets.email_eu_core()
    candidates = list(net.labels[net.candidates])

    everyone = referral.reach_of_everyone(net, samples=args.samples, seed=args.seed)
    print(
        everyone.sort_values("reach_estimate", ascending=False)
        .head(10)
        .round(2)
        .to_string(index=False)
    )

    table = referral.ambassadors(
        net,
        args.k,
        exclude=candidates,
        epsilon=epsilon,
        check_trials=args.trials,
        seed=args.seed,
    )
    columns = [
        "rank",
        "person",
        "degree",
        "gain_estimate",
        "reach_estimate",
        "reach_ci_low",
        "reach_ci_high",
        "degree_person",
        "degree_reach_estimate",
        "difference_estimate",
        "difference_ci_low",
        "difference_ci_high",
        "spread_reach_estimate",
        "spread_reach_ci_low",
        "spread_reach_ci_high",
    ]
    print(table[columns].round(2).to_string(index=False))
    for line in who_to_ask_sentences(table):
        print(line)

    fig, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
    plot_ambassadors(table, ax=ax)
    fig.savefig(outdir / "ambassadors.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    chosen = everyone["person"].isin(table["person"])
    ax.scatter(
        everyone["degree"] + 1,
        everyone["reach_estimate"],
        s=8,
        alpha=0.5,
        color="#7f7f7f",
        label="everyone (posting alone)",
    )
    ax.scatter(
        everyone.loc[chosen, "degree"] + 1,
        everyone.loc[chosen, "reach_estimate"],
        s=30,
        color="#1f77b4",
        label="people chosen",
    )
    ax.set_xscale("log")
    ax.set_xlabel("contacts + 1 (log scale)")
    ax.set_ylabel("candidates reached posting alone (expected)")
    ax.set_title("Reach of every possible poster against their contacts")
    ax.legend(loc="lower right")
    fig.savefig(outdir / "everyone.png", dpi=100)
    plt.close(fig)

    # a pool: everyone in the largest department. Its members are the
    # audience, not the messengers (a member who posts counts as reached,
    # even one with no one to tell), so they are not asked
    pool = int(np.argmax(np.bincount(net.community.astype(int))))
    members = list(net.labels[net.community == pool])
    targeted = referral.ambassadors(
        net,
        args.k,
        targets={"community": pool},
        exclude=sorted(set(candidates) | set(members)),
        epsilon=epsilon,
        check_trials=args.trials,
        seed=args.seed,
    )
    print(f"department {pool}: {targeted['n_targets'].iloc[0]} people")
    for line in who_to_ask_sentences(targeted):
        print(line)
    fig, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
    plot_ambassadors(targeted, ax=ax)
    ax.set_title(f"Whom to ask to reach department {pool}")
    fig.savefig(outdir / "department.png", dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
