"""Who gets reached: a referral campaign's reach by group, and what changes it.
============================================================================

Referral hiring reaches people like the referrers: ties mostly stay within a
group, so a group that is scarce among those who post stays scarce among
those reached. This script measures it and tries two remedies.

* A population of two communities of unequal size (400 and 100 people) with
  ties mostly inside each: the recruiter posts from the larger one.
  :func:`referral.representation` gives each community's share of the
  people reached against its share of the population, with intervals, over
  all hops and hop by hop; :func:`referral.analysis.homophily` says how much
  the ties stay inside; the sentences say it in words.
* Two remedies, compared with common random numbers
  (:func:`referral.compare` with ``by=``): a channel (a meetup both
  communities join, :func:`referral.interventions.add_channel`), and asking
  three people chosen to keep each community's reach at least 80% of its
  share (:func:`referral.ambassadors` with ``balance=0.8``) against the
  three chosen for reach alone.
* The bundled e-mail network's 42 departments: who a single recruiter's
  opening reaches, department by department.

It writes ``representation.png`` (share reached against share of the
population), ``by_hop.png`` (where the smaller community falls behind) and
``departments.png``, and prints the tables and sentences.

Run ``python examples/who_gets_reached.py OUTDIR`` (or ``--out OUTDIR``); set
``REFERRAL_QUICK=1`` for a fast run.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

import referral  # noqa: E402
from referral import datasets  # noqa: E402
from referral.analysis import homophily
from referral.interventions import add_channel  # noqa: E402
from referral.network import draw_activity  # noqa: E402
from referral.plot import plot_representation  # noqa: E402
from referral.wording import homophily_sentence  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def two_communities(seed):
    """400 + 100 people; ties inside a community are close, across are weak."""
    G = nx.stochastic_block_model([400, 100], [[0.02, 0.001], [0.001, 0.06]], seed=seed)
    community = {v: "larger" if v < 400 else "smaller" for v in G}
    nx.set_node_attributes(G, community, "community")
    activity = draw_activity(len(G), seed=seed)
    nx.set_node_attributes(G, dict(enumerate(activity.tolist())), "activity")
    for u, v in G.edges:
        G.edges[u, v]["strength"] = 0.9 if community[u] == community[v] else 0.3
    rng = np.random.default_rng(seed)
    candidates = [v for v in G if v != 0 and rng.random() < 0.2]
    return referral.from_networkx(
        G,
        strength="strength",
        activity="activity",
        recruiters=[0],
        candidates=candidates,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, nargs="?", help="folder for the PNGs")
    parser.add_argument("--out", type=Path, default=None, help="same as OUTDIR")
    parser.add_argument(
        "--trials", type=int, default=200 if QUICK else 2000, help="spread trials"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outdir = args.out or args.outdir or Path("who-gets-reached")
    outdir.mkdir(parents=True, exist_ok=True)
    keep = min(args.trials, 500)

    net = two_communities(args.seed)
    result = referral.spread(net, trials=args.trials, keep_chains=keep, seed=args.seed)
    table = referral.representation(result, by="community")
    overall = table[table["hop"].isna() & (table["among"] == "people")]
    print(overall.round(3).to_string(index=False))
    print(homophily_sentence(homophily(net, "community")))
    for line in referral.representation_sentences(table):
        print(line)

    fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    plot_representation(table, ax=ax)
    fig.savefig(outdir / "representation.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    plot_representation(table, kind="hops", ax=ax)
    fig.savefig(outdir / "by_hop.png", dpi=100)
    plt.close(fig)

    # remedy 1: a meetup 20 people of each community join
    rng = np.random.default_rng(args.seed)
    members = [
        *rng.choice(400, 20, replace=False),
        *(400 + rng.choice(100, 20, replace=False)),
    ]
    scenarios = {"today": net, "meetup": add_channel(net, members, seed=args.seed)}
    compared = referral.compare(
        scenarios, by="community", trials=args.trials, keep_chains=keep, seed=args.seed
    )
    ratio = compared[compared["measure"] == "ratio"]
    print(ratio.round(3).to_string(index=False))

    # remedy 2: ask three people, chosen for reach alone or kept in balance
    epsilon = 0.3 if QUICK else 0.1
    common = {"epsilon": epsilon, "check_trials": 0, "seed": args.seed}
    plain = referral.ambassadors(net, 3, **common)
    fair = referral.ambassadors(net, 3, by="community", balance=0.8, **common)
    for name, picks in (("reach alone", plain), ("balance 0.8", fair)):
        posted = referral.spread(
            net,
            sources=picks["person"],
            trials=args.trials,
            keep_chains=keep,
            seed=args.seed,
        )
        shares = referral.representation(posted, by="community", pool="candidates")
        row = shares[
            shares["hop"].isna()
            & (shares["measure"] == "ratio")
            & (shares["group"] == "smaller")
        ].iloc[0]
        print(
            f"{name}: asks {picks['person'].tolist()}; the smaller community gets "
            f"{row['estimate']:.2f} times its share of the candidates "
            f"({row['ci_low']:.2f} to {row['ci_high']:.2f})"
        )

    # the e-mail network's departments
    email = datasets.email_eu_core()
    reached = referral.spread(
        email, trials=args.trials, keep_chains=keep, seed=args.seed
    )
    departments = referral.representation(reached, by="department")
    sentences = referral.representation_sentences(departments, hops=False)
    print("\n".join(sentences[:4]))
    fig, ax = plt.subplots(figsize=(7, 9), layout="constrained")
    plot_representation(departments, ax=ax)
    fig.savefig(outdir / "departments.png", dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
