"""How much do activity and weak ties each matter? A sweep of both.
================================================================

Synthetic populations of 2,000 people in communities (strong ties inside,
weak ties mostly bridging to other communities) are built with 0, 2, 4 and 8
weak ties per person on average, and everyone's activity is scaled by a
multiplier. For each pair the script measures how many people a recruiter's
opening reaches.

It writes ``sweep.png``: mean people reached against the activity multiplier,
one line per weak-tie density, with 95% bands. With few weak ties the opening
stays in its community; with too little activity it dies whatever the ties.

Run ``python examples/activity_weak_ties_sweep.py OUTDIR``; set
``REFERRAL_QUICK=1`` for a fast run with fewer trials and grid points.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import referral  # noqa: E402
from referral.interventions import scale_activity  # noqa: E402
from referral.network import community_population  # noqa: E402

QUICK = os.environ.get("REFERRAL_QUICK") == "1"


def sweep(weak_contacts, multipliers, *, people, trials, seed):
    """One row per (weak-tie density, multiplier): mean reach and its se."""
    rows = []
    for weak in weak_contacts:
        net = community_population(
            people, weak_contacts=weak, n_recruiters=1, seed=seed
        )
        for m in multipliers:
            result = referral.spread(
                scale_activity(net, m, warn=False),
                trials=trials,
                record="reach",
                seed=seed,
            )
            s = result.summary().set_index("measure")
            rows.append(
                {
                    "weak_contacts": weak,
                    "multiplier": m,
                    "mean_activity": float(np.minimum(net.activity * m, 1).mean()),
                    "people_reached": s.loc["people_reached", "estimate"],
                    "se": s.loc["people_reached", "se"],
                }
            )
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("outdir", type=Path, help="folder to write the PNGs to")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--trials", type=int, default=60 if QUICK else 400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)

    multipliers = np.linspace(0.5, 3.0, 6 if QUICK else 11)
    table = sweep(
        [0, 2, 4, 8],
        multipliers,
        people=args.people,
        trials=args.trials,
        seed=args.seed,
    )
    print(table.round(2).to_string(index=False))

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    colors = plt.cm.viridis(np.linspace(0.05, 0.85, 4))
    for color, (weak, rows) in zip(colors, table.groupby("weak_contacts"), strict=True):
        x = rows["mean_activity"].to_numpy()
        y = rows["people_reached"].to_numpy()
        band = 1.96 * rows["se"].to_numpy()
        ax.plot(
            x,
            y,
            marker="o",
            markersize=4,
            color=color,
            label=f"{weak:g} weak ties per person",
        )
        ax.fill_between(x, y - band, y + band, color=color, alpha=0.2, linewidth=0)
    ax.axvline(0.29, color="#555555", linestyle=":", linewidth=1)
    ax.annotate(
        "typical activity\n(Beta(2, 5) mean)",
        (0.29, 0.95),
        xycoords=("data", "axes fraction"),
        xytext=(4, 0),
        textcoords="offset points",
        va="top",
        fontsize="small",
        color="#555555",
    )
    ax.set_xlabel("mean activity (chance a person passes the opening on)")
    ax.set_ylabel(f"people reached of {args.people:,} (mean per trial)")
    ax.set_ylim(bottom=0)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize="small",
        borderaxespad=0,
        title="bands: 95% CI",
        title_fontsize="small",
    )
    ax.set_title("Reach against activity, by weak-tie density")
    fig.savefig(args.outdir / "sweep.png", dpi=100)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    main()
