"""``referral fit``: fit activity and transmission to a referral log.

Kept in its own room so the command can be added to the parser with one
call (:func:`add_fit_parser`).
"""

from __future__ import annotations

import time

from referral.cli._common import (
    EXIT_OK,
    CLIError,
    load_network,
    open_unit,
    refuse_existing,
)

__all__ = ["add_fit_parser", "fit_command", "read_fit_folder"]


def read_fit_folder(folder, network):
    """The network with a ``referral fit`` folder's values, and its params.

    Activity comes from the folder's ``people.csv`` (by person), one constant
    transmission from its ``params.csv``. Used by ``referral analyse --fit``.
    """
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from referral.cli._common import to_labels
    from referral.report._fit_section import fit_table

    folder = Path(folder)
    paths = {name: folder / f"{name}.csv" for name in ("params", "people")}
    for name, path in paths.items():
        if not path.is_file():
            raise CLIError(
                f"--fit {str(folder)!r} has no {name}.csv; give the folder that "
                f"'referral fit' writes."
            )
    params = pd.read_csv(paths["params"], dtype={"group": str})
    try:
        params = fit_table(params)
    except ValueError as error:
        raise CLIError(f"--fit {str(folder)!r}: {error}") from None
    tx = params[params["parameter"] == "transmission"]
    if len(tx) != 1 or not np.isfinite(tx["estimate"].iloc[0]):
        raise CLIError(
            f"--fit {str(folder)!r} has {len(tx)} transmission rows; analyse uses "
            f"fits with one constant transmission (referral fit --transmission "
            f"constant)."
        )
    people = pd.read_csv(paths["people"], dtype={"person": str}, keep_default_na=False)
    if "person" not in people.columns or "activity" not in people.columns:
        raise CLIError(
            f"--fit {str(folder)!r}: people.csv needs the columns 'person' and "
            f"'activity'; it has {list(people.columns)}."
        )
    ids = network.positions(to_labels(network, people["person"]))
    if (ids < 0).any():
        missing = people["person"][ids < 0].tolist()
        raise CLIError(
            f"--fit {str(folder)!r}: people.csv names {len(missing)} people who are "
            f"not in the network, e.g. {missing[:5]}."
        )
    activity = np.asarray(network.activity, dtype=float).copy()
    activity[ids] = pd.to_numeric(people["activity"]).to_numpy(dtype=float)
    w = float(tx["estimate"].iloc[0])
    fitted = network.replace(
        activity=activity, transmission=np.full(len(network.indices), w)
    )
    return fitted, params


def fit_command(args) -> int:
    import pandas as pd

    from referral.calibrate import referral_log
    from referral.cli._common import to_labels, write_tables

    refuse_existing(args.out, force=args.force)
    network = load_network(args)
    try:
        log = pd.read_csv(args.log, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise CLIError(f"The log file {args.log!r} does not exist.") from None
    except pd.errors.EmptyDataError:
        raise CLIError(f"The log file {args.log!r} is empty.") from None
    for column in (args.teller_column, args.told_column):
        if column in log.columns:
            named = log[column].str.strip() != ""
            converted = pd.Series(
                to_labels(network, log.loc[named, column]), index=log.index[named]
            )
            log[column] = log[column].astype(object)
            log.loc[named, column] = converted
    sources = None
    if args.sources:
        sources = to_labels(network, args.sources)
    t0 = time.perf_counter()
    fit = referral_log(
        network,
        log,
        sources=sources,
        by=args.by,
        transmission=args.transmission,
        tellers=args.tellers,
        opening=args.opening_column,
        teller=args.teller_column,
        told=args.told_column,
        time=args.time_column,
        hop=args.hop_column,
        level=args.level,
        seed=args.seed,
    )
    fitted = fit.network()
    people = fitted.people_table().drop(columns=["id", "degree"])
    people = people.rename(columns={"recruiter": "recruiter", "candidate": "candidate"})
    tables = {"params": fit.params(), "people": people}
    if args.check_trials > 0:
        tables["check"] = fit.check(trials=args.check_trials, seed=args.seed)
    written = write_tables(tables, args.out, fmt="csv", force=args.force)
    print(f"referral fit: {time.perf_counter() - t0:.1f} s. {fit.sentence()}")
    if not fit.identifiable:
        print(f"referral fit: note: not every parameter is pinned down: {fit.reason}.")
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


def _check_trials(text):
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value != 0 and value < 2:
        raise argparse.ArgumentTypeError(
            f"must be 0 (no check) or an int >= 2, got {text!r}"
        )
    return value


def add_fit_parser(commands, *, add_network_options, formatter, example, seed_type):
    parser = commands.add_parser(
        "fit",
        epilog=example(
            "referral fit log.csv --network ties.csv --people people.csv "
            "--by department --out fit"
        ),
        formatter_class=formatter,
        help="fit activity and transmission to a referral log",
        description="Fit the spread model to a log of who told whom about which "
        "opening, on a known network; writes params (estimates with intervals), "
        "check (the log against simulations of the fit) and people (the fitted "
        "activity, a people file 'referral spread --people' accepts).",
    )
    parser.add_argument(
        "log", metavar="LOG", help="CSV of tellings: opening, teller, told columns"
    )
    add_network_options(parser, positional=False)
    parser.add_argument(
        "--sources",
        nargs="+",
        metavar="LABEL",
        help="the posters of every opening (default: in each opening, the "
        "tellers nobody told)",
    )
    parser.add_argument(
        "--by",
        metavar="ATTRIBUTE",
        help="fit one activity per value of a "
        "people-file column, pooled toward each other (default: one for all)",
    )
    parser.add_argument(
        "--transmission",
        choices=["constant", "by_strength", "by_class"],
        default="constant",
        help="one chance for every tie, logistic in tie strength, or one per "
        "distinct tie strength (at most 12) (default: constant)",
    )
    parser.add_argument(
        "--tellers",
        choices=["all", "first", "unknown"],
        default="all",
        help="the log lists every telling, one teller per person told, or "
        "tellers that only place people at their hop (fit over the possible "
        "tellers; also used for blank tellers or --hop-column) (default: all)",
    )
    parser.add_argument(
        "--hop-column",
        default=None,
        metavar="NAME",
        help="the log's column giving the hop at which each person was told; "
        "the fit then runs over the possible tellers (default: none)",
    )
    parser.add_argument(
        "--opening-column",
        default="opening",
        metavar="NAME",
        help="the log's column naming the opening (default: opening)",
    )
    parser.add_argument(
        "--teller-column",
        default="teller",
        metavar="NAME",
        help="the log's column naming who told (default: teller)",
    )
    parser.add_argument(
        "--told-column",
        default="told",
        metavar="NAME",
        help="the log's column naming who was told (default: told)",
    )
    parser.add_argument(
        "--time-column",
        default=None,
        metavar="NAME",
        help="a column of times: rows read in time order (default: none, row order)",
    )
    parser.add_argument(
        "--level", type=open_unit, default=0.95, help="interval level (default: 0.95)"
    )
    parser.add_argument(
        "--check-trials",
        type=_check_trials,
        default=200,
        metavar="N",
        help="simulations of the whole log for check.csv; 0 skips it (default: 200)",
    )
    parser.add_argument(
        "--seed",
        type=seed_type,
        default=None,
        metavar="INT",
        help=(
            "random seed of the check, and of the fit over tellers where it "
            "samples who acted, an int >= 0 (default: fresh entropy)"
        ),
    )
    parser.add_argument(
        "--out",
        default="referral-fit",
        metavar="DIR",
        help="output folder, written as a whole (default: referral-fit)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output folder (default: off, refuse)",
    )
    parser.set_defaults(run=fit_command)
    return parser
