"""``referral incentives``: referral bonus schemes side by side.

Kept in its own room so the command is added to the parser with one call
(:func:`add_incentives_parser`).
"""

from __future__ import annotations

import time

from referral.cli._common import (
    EXIT_OK,
    CLIError,
    input_paths,
    load_network,
    refuse_existing,
    show_progress,
    to_labels,
    write_tables,
)

__all__ = ["add_incentives_parser", "incentives_command", "parse_scheme"]

#: the schemes when no --scheme is given
DEFAULT_SCHEMES = ["flat:1000", "recursive:1000"]

_SCHEME_HELP = (
    "a bonus scheme, [NAME=]KIND:AMOUNT[,OPTION=VALUE...]: KIND is flat (whoever "
    "told the hire gets AMOUNT) or recursive (AMOUNT, then split=0.5 of it per "
    "level up the chain, for levels=N levels); cap=C pays at most C per hire; "
    "'none' is no bonus. Repeat for several; the first is the reference "
    "(default: flat:1000 and recursive:1000)"
)


def _number(text, option, what):
    try:
        return float(text)
    except ValueError:
        raise CLIError(f"{option}: {what} must be a number. Got {text!r}.") from None


def parse_scheme(text: str):
    """``(name, scheme)`` from a ``--scheme`` value (``scheme`` None: no bonus)."""
    from referral.interventions import Capped, Flat, Recursive

    option = f"--scheme {text}"
    spec = text.strip()
    name = None
    head, colon, rest = spec.partition(":")
    if "=" in head:
        name, _, head = head.partition("=")
        name = name.strip()
    kind = head.strip().lower()
    if kind == "none" and not colon:
        return (name or "no bonus"), None
    if kind not in {"flat", "recursive"} or not colon:
        raise CLIError(
            f"{option}: the kind must be flat, recursive or none, written "
            f"KIND:AMOUNT (for example flat:1000). Got {text!r}."
        )
    amount_text, *options = [part.strip() for part in rest.split(",")]
    amount = _number(amount_text, option, "the amount")
    values = {}
    for item in options:
        key, sep, value = item.partition("=")
        allowed = {"split", "levels", "cap"} if kind == "recursive" else {"cap"}
        if not sep or key.strip() not in allowed:
            raise CLIError(
                f"{option}: {kind} takes the options {sorted(allowed)} as "
                f"OPTION=VALUE. Got {item!r}."
            )
        values[key.strip()] = value.strip()
    try:
        if kind == "flat":
            scheme = Flat(amount)
        else:
            levels = values.get("levels")
            if levels is not None:
                try:
                    levels = int(levels)
                except ValueError:
                    raise CLIError(
                        f"{option}: levels must be an int >= 1. Got {levels!r}."
                    ) from None
            split = _number(values.get("split", "0.5"), option, "split")
            scheme = Recursive(amount, split=split, levels=levels)
        if "cap" in values:
            scheme = Capped(scheme, _number(values["cap"], option, "cap"))
    except ValueError as error:
        raise CLIError(f"{option}: {error}") from None
    return (name or kind), scheme


def _response(text):
    """``saturating:beta=B,full=F``, ``linear:slope=S`` or ``none``."""
    from referral.interventions import Linear, Saturating

    option = f"--response {text}"
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind == "none":
        return None
    fields = {"saturating": {"beta", "full"}, "linear": {"slope"}}
    if kind not in fields:
        raise CLIError(
            f"{option}: the response must be saturating:beta=B,full=F, "
            f"linear:slope=S or none. Got {text!r}."
        )
    values = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in fields[kind]:
            raise CLIError(
                f"{option}: {kind} takes {sorted(fields[kind])} as NAME=VALUE. "
                f"Got {item!r}."
            )
        values[key.strip()] = _number(value, option, key.strip())
    try:
        return Saturating(**values) if kind == "saturating" else Linear(**values)
    except (TypeError, ValueError) as error:
        raise CLIError(f"{option}: {error}") from None


def incentives_command(args) -> int:
    from referral.analysis import compare_incentives
    from referral.wording import incentive_sentence

    reading = input_paths(args)
    refuse_existing(args.out, force=args.force, kind="incentives", reading=reading)
    given = args.scheme or list(DEFAULT_SCHEMES)
    schemes = dict(parse_scheme(text) for text in given)
    if len(schemes) < len(given):
        raise CLIError("--scheme: give every scheme its own NAME= (names repeat).")
    response = _response(args.response)
    network = load_network(args)
    sources = to_labels(network, args.sources) if args.sources else None
    t0 = time.perf_counter()
    table = compare_incentives(
        network,
        schemes,
        budget=args.budget,
        response=response,
        apply=args.apply,
        hire=args.hire,
        positions=args.positions,
        applicants_stop=args.applicants_stop,
        sources=sources,
        trials=args.trials,
        seed=args.seed,
        n_jobs=args.n_jobs,
        level=args.level,
        progress=show_progress(args),
    )
    written = write_tables(
        {"incentives": table},
        args.out,
        fmt=args.output_format,
        force=args.force,
        kind="incentives",
        reading=reading,
    )
    print(
        f"referral incentives: {len(schemes)} schemes x {args.trials} trials in "
        f"{time.perf_counter() - t0:.1f} s (seed {table.attrs['seed_entropy']})."
    )
    print(incentive_sentence(table))
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


def add_incentives_parser(
    commands,
    *,
    add_network_options,
    add_run_options,
    add_output_options,
    formatter,
    example,
    probability,
    positive_int,
    open_unit,
):
    parser = commands.add_parser(
        "incentives",
        epilog=example(
            "referral incentives ties.csv --people people.csv --scheme flat:1000 "
            "--scheme recursive:1000,split=0.5 --budget 300 "
            "--response saturating:beta=3,full=5000 --apply 0.1 --hire 0.2 "
            "--positions 1 --seed 1"
        ),
        formatter_class=formatter,
        help="compare referral bonus schemes: reach, hires, money paid",
        description="Post one opening with each bonus scheme on the same random "
        "numbers and compare people reached, applications, hires, the chance of "
        "filling the opening, money paid and cost per hire, each with the "
        "trial-by-trial difference from the first scheme; writes the incentives "
        "table and says in words which scheme brings more hires, or that the "
        "evidence does not separate them.",
    )
    add_network_options(parser)
    parser.add_argument(
        "--scheme",
        action="append",
        default=None,
        metavar="SPEC",
        help=_SCHEME_HELP,
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="MONEY",
        help="scale every scheme to pay this much per opening on average "
        "(default: the amounts as given)",
    )
    parser.add_argument(
        "--response",
        default="saturating:beta=3,full=5000",
        metavar="SPEC",
        help="how money changes activity: saturating:beta=B,full=F (everyone "
        "acts from a stake of F), linear:slope=S or none (default: "
        "saturating:beta=3,full=5000)",
    )
    parser.add_argument(
        "--apply",
        type=probability,
        default=0.1,
        metavar="P",
        help="chance a reached candidate applies, in [0, 1] (default: 0.1)",
    )
    parser.add_argument(
        "--hire",
        type=probability,
        default=0.2,
        metavar="P",
        help="chance an applicant is hired, in [0, 1] (default: 0.2)",
    )
    parser.add_argument(
        "--positions",
        type=positive_int,
        default=1,
        metavar="N",
        help="openings to fill; the search stops when they are (default: 1)",
    )
    parser.add_argument(
        "--applicants-stop",
        action="store_true",
        help="people who apply do not pass the opening on (default: off)",
    )
    parser.add_argument(
        "--sources",
        nargs="+",
        metavar="LABEL",
        help="labels of the people who post the opening (default: the "
        "recruiters of the people file)",
    )
    parser.add_argument(
        "--level", type=open_unit, default=0.95, help="interval level (default: 0.95)"
    )
    add_run_options(parser, trials=1000)
    add_output_options(parser, "referral-incentives")
    parser.set_defaults(run=incentives_command)
    return parser
