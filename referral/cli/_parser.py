"""The argument parser of the command line and its help texts.

:func:`build_parser` builds the ``referral`` parser with one subparser per
command; option types check their values and name the rule.
"""

from __future__ import annotations

import argparse
import sys

from referral._core.defaults import DEFAULT_ACTIVITY
from referral.cli._commands import (
    ambassadors_command,
    analyse_command,
    demo_command,
    report_command,
    search_command,
    spread_command,
    sweep_command,
)
from referral.cli._common import DEMO_TRIALS, EXIT_BAD_INPUT, QUICK_TRIALS, open_unit
from referral.cli._fit import add_fit_parser
from referral.cli._incentives import add_incentives_parser

__all__ = ["build_parser", "SWEEP_HELP"]


def _add_ambassadors_parser(commands):
    parser = commands.add_parser(
        "ambassadors",
        help="choose the k people to ask to share an opening",
        description="Choose the k people to ask to share an opening so that it "
        "reaches the most targets (IMM, with its 1 - 1/e - epsilon guarantee), "
        "compare them with the k highest-degree people, and estimate every "
        "person's reach as a lone poster; writes ambassadors and everyone "
        "tables.",
        epilog="example: referral ambassadors ties.csv -k 10 --exclude-recruiters "
        "--out who-to-ask",
    )
    _add_network_options(parser)
    parser.add_argument(
        "-k", type=_positive_int, default=10, help="how many people to ask (10)"
    )
    parser.add_argument(
        "--targets",
        nargs="+",
        metavar="LABEL",
        help="whom the opening is for (default: the candidates)",
    )
    parser.add_argument(
        "--target-attribute",
        metavar="NAME=VALUE",
        help="target the people whose attribute NAME equals VALUE (e.g. department=3)",
    )
    parser.add_argument(
        "--exclude", nargs="+", metavar="LABEL", help="people who must not be asked"
    )
    parser.add_argument(
        "--exclude-recruiters",
        action="store_true",
        help="do not ask the recruiters themselves (the default; kept for scripts)",
    )
    parser.add_argument(
        "--ask-recruiters",
        action="store_true",
        help="let the recruiters be asked too (default: they post already, so "
        "they are left out)",
    )
    parser.add_argument(
        "--in-addition",
        action="store_true",
        help="choose the people who add most in addition to what the recruiters' "
        "own posting reaches",
    )
    parser.add_argument(
        "--exclude-candidates",
        action="store_true",
        help="do not ask candidates (they are the audience, not the messengers)",
    )
    parser.add_argument(
        "--candidates-only", action="store_true", help="ask candidates only"
    )
    parser.add_argument(
        "--epsilon",
        type=open_unit,
        default=0.1,
        help="approximation slack in (0, 1) (0.1)",
    )
    parser.add_argument(
        "--delta",
        type=open_unit,
        default=None,
        help="failure probability in (0, 1) (1 / people)",
    )
    parser.add_argument(
        "--check-trials",
        type=_int_at_least(0),
        default=1000,
        help="forward spread trials per checked group (1000; 0 skips the check)",
    )
    parser.add_argument(
        "--samples",
        type=_positive_int,
        default=100_000,
        help="reverse-reachable samples for everyone's reach (100000)",
    )
    parser.add_argument(
        "--per-world",
        type=_positive_int,
        default=1,
        metavar="B",
        help="samples drawn from each random world for everyone's reach (1: "
        "independent samples; more is faster on large networks, with the "
        "standard error taken between worlds)",
    )
    parser.add_argument("--seed", type=_seed, default=None)
    parser.add_argument("--n-jobs", type=int, default=None, metavar="N")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar on terminals"
    )
    _add_output_options(parser, "referral-ambassadors")
    parser.set_defaults(run=ambassadors_command)


# ------------------------------------------------------------------ parser
def _delay(text):
    from referral.simulate.delays import constant, from_text

    try:
        days = float(text)  # a plain number is days, as for --deadline
    except ValueError:
        days = None
    try:
        return from_text(text) if days is None else constant(days)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _deadline(text):
    from referral.simulate.delays import as_days

    try:
        value = float(text)
    except ValueError:
        value = text
    try:
        return as_days(value, parameter="deadline", function="spread", positive=True)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _int_at_least(minimum):
    """An argparse type: an int >= ``minimum``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be an int >= {minimum}. Got {text!r}"
            )
        return value

    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


def _n_jobs(text):
    """An argparse type: a non-zero int (joblib's convention)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be a non-zero int. Got {text!r}")
    return value


def _probability(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number. Got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1]. Got {text!r}")
    return value


def _add_network_options(parser, *, positional=True):
    group = parser.add_argument_group("network input")
    # 'referral fit' takes its LOG as the positional argument and the
    # network as --network
    name = {} if positional else {"dest": "network", "required": True}
    group.add_argument(
        "network" if positional else "--network",
        **name,
        nargs="+",
        metavar="NETWORK",
        help="a CSV edge list, a GraphML file, or LinkedIn Connections.csv "
        "exports (NAME=PATH or PATH, one per exporter)"
        + ("" if positional else "; required (default: none)"),
    )
    group.add_argument(
        "--input-format",
        choices=["auto", "csv", "graphml", "linkedin"],
        default="auto",
        help="how to read NETWORK (default: auto, from the suffix and the header)",
    )
    group.add_argument(
        "--source-column",
        default="source",
        metavar="NAME",
        help="CSV column of the first person of each tie (default: source)",
    )
    group.add_argument(
        "--target-column",
        default="target",
        metavar="NAME",
        help="CSV column of the second person of each tie (default: target)",
    )
    group.add_argument(
        "--strength",
        default=None,
        metavar="NAME|VALUE",
        help="tie strength in (0, 1]: a column/attribute name or a constant "
        "(default: column 'strength' if present, else 1; 0.3 for LinkedIn)",
    )
    group.add_argument(
        "--directed",
        action="store_true",
        help="ties are one-way, source to target (default: off, ties go both ways)",
    )
    group.add_argument(
        "--sep", default=",", help="CSV field separator, one character (default: ,)"
    )
    group.add_argument(
        "--activity",
        type=_probability,
        default=DEFAULT_ACTIVITY,
        help="probability in [0, 1] that a person passes a referral on, for "
        "everyone the people file does not set (blank cells included); the "
        f"summary states it (default: {DEFAULT_ACTIVITY}, the one default of "
        "every reader)",
    )
    group.add_argument(
        "--people",
        metavar="CSV",
        help="per-person CSV: a person column plus activity, recruiter, candidate "
        "and other attributes (e.g. department); people without ties are kept "
        "as isolated people (default: none)",
    )
    group.add_argument(
        "--person-column",
        default="person",
        metavar="NAME",
        help="the people file's column of person labels (default: person)",
    )
    group.add_argument(
        "--recruiter",
        action="append",
        metavar="EXPORTER",
        help="(LinkedIn) an exporter who is a recruiter, by the NAME of "
        "NAME=PATH or the file's stem; repeatable (default: none)",
    )
    group.add_argument(
        "--candidate",
        action="append",
        metavar="PERSON",
        help="(LinkedIn) a person open to the job, by profile URL or name; "
        "repeatable; or a people file's candidate column (default: none)",
    )
    _add_roster_options(group)


def _add_roster_options(group):
    """Options for rosters and tie lists as HR systems export them."""
    group.add_argument(
        "--people-columns",
        metavar="FILE=OURS,...",
        help="rename the people file's columns, e.g. employee_id=person,"
        "score=activity,is_recruiter=recruiter (default: none)",
    )
    group.add_argument(
        "--tie-columns",
        metavar="FILE=OURS,...",
        help="rename the tie list's columns, e.g. emp_a=source,emp_b=target,"
        "type=strength (default: none)",
    )
    group.add_argument(
        "--tie-types",
        metavar="TYPE=STRENGTH,...",
        help="the strength column (--strength NAME, default 'type') holds tie "
        "types; their strengths, e.g. mentor=0.9,peer=0.5,alumni=0.2 "
        "(default: none, strengths are numbers)",
    )
    group.add_argument(
        "--rescale-strength",
        action="store_true",
        help="divide the strengths by the largest, so weights such as message "
        "counts become strengths in (0, 1] (default: off)",
    )


def _add_run_options(parser, *, trials):
    unit = "trials" if trials > 1 else "chains per start"
    parser.add_argument(
        "--trials",
        type=_positive_int,
        default=trials,
        metavar="N",
        help=f"number of Monte Carlo {unit}, an int >= 1 (default: {trials})",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="INT",
        help="random seed, an int >= 0; the same seed gives the same tables "
        "(default: fresh entropy, printed)",
    )
    parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="worker threads; -1 all cores; results do not depend on it (default: 1)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (default: a bar when stderr is a terminal)",
    )


def _add_output_options(parser, default):
    parser.add_argument(
        "--out",
        default=default,
        metavar="DIR",
        help=f"output folder, written as a whole (default: {default})",
    )
    parser.add_argument(
        "--output-format",
        choices=["csv", "parquet"],
        default="csv",
        help="table format; parquet needs pyarrow (default: csv)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output file or folder (default: off, refuse)",
    )


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line (``--help`` stays full)."""

    def error(self, message):
        message = " ".join(str(message).split())
        print(
            f"{self.prog}: error: {message} (see '{self.prog} --help')",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_BAD_INPUT)


class _Formatter(argparse.HelpFormatter):
    """Wraps one-paragraph descriptions; keeps examples and layouts as written."""

    def _fill_text(self, text, width, indent):
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _example(*lines: str) -> str:
    return "example:\n" + "\n".join(f"  {line}" for line in lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``referral`` command.

    Returns
    -------
    argparse.ArgumentParser
        The parser, with one subcommand per command.
    """
    parser = _Parser(
        prog="referral",
        description="Recruiter referral-chain analysis: how openings spread and "
        "where they die.",
        epilog="Exit codes: 0 ok, 1 internal error, 2 bad input or usage, "
        "3 output exists (use --force), 130 interrupted.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )

    _add_analyse_parser(commands)
    _add_demo_parser(commands)
    _add_spread_parser(commands)
    _add_search_parser(commands)
    _add_sweep_parser(commands)
    _add_report_parser(commands)
    _add_ambassadors_parser(commands)
    add_fit_parser(
        commands,
        add_network_options=_add_network_options,
        formatter=_Formatter,
        example=_example,
        seed_type=_seed,
    )
    add_incentives_parser(
        commands,
        add_network_options=_add_network_options,
        add_run_options=_add_run_options,
        add_output_options=_add_output_options,
        formatter=_Formatter,
        example=_example,
        probability=_probability,
        positive_int=_positive_int,
        open_unit=open_unit,
    )
    return parser


def _add_demo_parser(commands):
    """The ``demo`` subcommand: the main job on the bundled e-mail network."""
    demo = commands.add_parser(
        "demo",
        epilog=_example("referral demo --out my-report --quick"),
        formatter_class=_Formatter,
        help="the main job on the bundled e-mail network; writes a report",
        description="Spread, drop-off, gatekeepers, the 'other people' cost and "
        "interventions on the bundled e-mail network; prints a summary and writes "
        "an HTML report with CSVs and PNGs.",
    )
    demo.add_argument(
        "--out",
        default="referral-report",
        metavar="DIR",
        help="report folder, written as a whole (default: referral-report)",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace an existing report file or folder (default: off, refuse)",
    )
    demo.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="INT",
        help="random seed, an int >= 0 (default: 0)",
    )
    demo.add_argument(
        "--trials",
        type=_positive_int,
        default=None,
        metavar="N",
        help="spread trials, an int >= 1; the other runs scale with it "
        f"(default: {DEMO_TRIALS['spread']}, {QUICK_TRIALS['spread']} with "
        "--quick)",
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="few trials, a smoke run; also REFERRAL_QUICK=1 (default: off)",
    )
    demo.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="worker threads; -1 all cores (default: 1)",
    )
    demo.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (default: a bar when stderr is a terminal)",
    )
    demo.set_defaults(run=demo_command)


def _add_spread_parser(commands):
    """The ``spread`` subcommand: an opening spreading from recruiters."""
    spread = commands.add_parser(
        "spread",
        epilog=_example(
            "referral spread ties.csv --people people.csv --trials 2000 --seed 1 "
            "--out results"
        ),
        formatter_class=_Formatter,
        help="simulate an opening spreading from recruiters",
        description="Simulate how an opening posted by the sources spreads; "
        "writes summary, by_hop, people, trials and chains tables.",
    )
    _add_network_options(spread)
    spread.add_argument(
        "--sources",
        nargs="+",
        metavar="LABEL",
        help="labels of the people who post the opening (default: the "
        "recruiters of the people file)",
    )
    spread.add_argument(
        "--max-hops",
        type=_int_at_least(0),
        default=None,
        metavar="HOPS",
        help="people reached at this hop do not pass it on, an int >= 0 "
        "(default: no limit)",
    )
    spread.add_argument(
        "--fanout",
        type=_positive_int,
        default=None,
        metavar="K",
        help="an acting person tells at most K contacts, an int >= 1 "
        "(default: no limit)",
    )
    spread.add_argument(
        "--keep-chains",
        type=_int_at_least(0),
        default=100,
        metavar="TRIALS",
        help="keep the full chains of the first TRIALS trials, at most "
        "10,000,000 chain entries in all (default: 100)",
    )
    spread.add_argument(
        "--by",
        default=None,
        metavar="ATTRIBUTE",
        help="also write who gets reached by the groups of this person "
        "attribute (representation and homophily tables) and say it in words "
        "(default: off)",
    )
    spread.add_argument(
        "--delay",
        type=_delay,
        default=None,
        metavar="SPEC",
        help="days before an acting person passes it on: a number of days, a "
        "duration ('36 hours') or FAMILY:NAME=VALUE,... such as "
        "'lognormal:median=2,sigma=1', 'exponential:mean=2', "
        "'weibull:shape=0.7,scale=3' or 'gamma:shape=2,scale=1' (add "
        "',per=tie' for a delay per tie); also writes reach_over_time and "
        "time_to_candidates (default: hops only)",
    )
    spread.add_argument(
        "--deadline",
        type=_deadline,
        default=None,
        metavar="DAYS",
        help="the opening closes this long after posting: days or a duration "
        "such as '2 weeks'; needs --delay (default: none)",
    )
    _add_run_options(spread, trials=1000)
    _add_output_options(spread, "referral-spread")
    spread.set_defaults(run=spread_command)


def _add_search_parser(commands):
    """The ``search`` subcommand: candidates searching toward recruiters."""
    search = commands.add_parser(
        "search",
        epilog=_example(
            "referral search ties.csv --people people.csv --policy greedy "
            "--distance department --out chains"
        ),
        formatter_class=_Formatter,
        help="simulate candidates searching toward recruiters",
        description="Simulate search chains from candidates toward recruiters; "
        "writes summary, chains, by_step and paths tables.",
    )
    _add_network_options(search)
    search.add_argument(
        "--starts",
        nargs="+",
        metavar="LABEL",
        help="labels of the people who start a chain (default: the candidates "
        "of the people file)",
    )
    search.add_argument(
        "--targets",
        nargs="+",
        metavar="LABEL",
        help="labels of the people a chain tries to reach (default: the "
        "recruiters of the people file)",
    )
    search.add_argument(
        "--policy",
        choices=["greedy", "random", "strongest", "weak-first"],
        default="greedy",
        help="how a holder picks the next contact (default: greedy)",
    )
    search.add_argument(
        "--distance",
        default="graph",
        help="for greedy: 'graph' (hops to the nearest target), a person "
        "attribute (e.g. department) or attributes joined by commas (lattice "
        "coordinates) (default: graph)",
    )
    search.add_argument(
        "--attrition",
        default="person",
        help="'person' (each holder drops the chain with 1 - activity) or a "
        "drop rate per step in [0, 1] (default: person)",
    )
    search.add_argument(
        "--max-steps",
        type=_positive_int,
        default=100,
        metavar="STEPS",
        help="a chain stops after this many forwards, an int >= 1 (default: 100)",
    )
    _add_run_options(search, trials=1)
    _add_output_options(search, "referral-search")
    search.set_defaults(run=search_command)


def _add_sweep_parser(commands):
    """The ``sweep`` subcommand: a parameter grid from a TOML file."""
    sweep = commands.add_parser(
        "sweep",
        epilog=_example(
            "referral sweep grid.toml --out sweep.csv --results-dir sweep-parts "
            "--n-jobs -1"
        ),
        help="run a parameter grid from a TOML file",
        formatter_class=_Formatter,
        description=SWEEP_HELP,
    )
    sweep.add_argument(
        "grid", metavar="GRID.toml", help="the sweep's TOML file (format above)"
    )
    sweep.add_argument(
        "--out",
        default="referral-sweep.csv",
        metavar="FILE",
        help="a .csv or .parquet table (default: referral-sweep.csv)",
    )
    sweep.add_argument(
        "--results-dir",
        metavar="DIR",
        help="keep finished configurations here; a rerun resumes (default: "
        "none, no resume)",
    )
    sweep.add_argument(
        "--per-trial",
        action="store_true",
        help="one row per trial (default: off, one row per configuration)",
    )
    sweep.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="joblib workers; -1 all cores (default: 1)",
    )
    sweep.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run on this Dask scheduler, e.g. tcp://host:8786 (default: local)",
    )
    sweep.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --out file (default: off, refuse)",
    )
    sweep.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (default: a bar when stderr is a terminal)",
    )
    sweep.set_defaults(run=sweep_command)


def _add_report_parser(commands):
    """The ``report`` subcommand: the HTML report from saved results."""
    report = commands.add_parser(
        "report",
        epilog=_example("referral report results --out results-report"),
        formatter_class=_Formatter,
        help="build the HTML report from saved results",
        description="Build the HTML report from a folder of saved tables (a "
        "previous report folder, or the output of 'referral spread' or "
        "'referral search'). A section whose tables are missing is left out "
        "with a note.",
    )
    report.add_argument(
        "results",
        metavar="RESULTS_DIR",
        help="a folder written by 'referral spread' or a previous report",
    )
    report.add_argument(
        "--out",
        default="referral-report",
        metavar="DIR",
        help="report folder, written as a whole (default: referral-report)",
    )
    report.add_argument(
        "--force",
        action="store_true",
        help="replace an existing report file or folder (default: off, refuse)",
    )
    report.set_defaults(run=report_command)


def _add_analyse_parser(commands):
    """``referral analyse``: the whole analysis of your own data."""
    parser = commands.add_parser(
        "analyse",
        aliases=["analyze"],
        epilog=_example(
            "referral analyse ties.csv --people roster.csv --out report",
            "referral analyse ties.csv --people hr.csv --people-columns "
            "employee_id=person --name-column name --out report",
        ),
        formatter_class=_Formatter,
        help="the whole analysis of your own network; writes the full report",
        description="Spread, drop-off, the 'other people' cost and the "
        "threshold, gatekeepers, whom to ask, weak ties and a default set of "
        "interventions on your own tie list (plus a people file: roles, "
        "activity, names, departments); prints the headline and writes the "
        "HTML report with every table (referral.analyse in Python).",
    )
    _add_network_options(parser)
    parser.add_argument(
        "--sources",
        nargs="+",
        metavar="LABEL",
        help="who posts the opening (default: the recruiters of the people file)",
    )
    parser.add_argument(
        "--name-column",
        metavar="NAME",
        help="a people-file column of display names, shown next to the ids in "
        "the tables and sentences (default: none; every column of the people "
        "file is kept in people.csv anyway)",
    )
    parser.add_argument(
        "--fit",
        metavar="DIR",
        help="a folder written by 'referral fit': simulate with its fitted activity "
        "and transmission and open the report with 'What your data says' "
        "(default: none)",
    )
    parser.add_argument("--title", default="Referral report", help="the report's title")
    parser.add_argument(
        "--trials",
        type=_positive_int,
        default=None,
        metavar="N",
        help="spread trials, an int >= 1; the other runs scale with it "
        f"(default: {DEMO_TRIALS['spread']}, {QUICK_TRIALS['spread']} with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few trials, a smoke run; also REFERRAL_QUICK=1 (default: off)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="INT",
        help="random seed, an int >= 0 (default: 0)",
    )
    parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="worker threads; -1 all cores; results do not depend on it (default: 1)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (default: a bar when stderr is a terminal)",
    )
    parser.add_argument(
        "--out",
        default="referral-report",
        metavar="DIR",
        help="report folder, written as a whole (default: referral-report)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an earlier report at --out (default: off, refuse)",
    )
    parser.set_defaults(run=analyse_command)


SWEEP_HELP = """\
Run every combination of a parameter grid read from a TOML file:

  [network]
  builder = "community_population"   # or email_eu_core, facebook_ego, edgelist
  n_people = 2000                    # fixed arguments of the builder
  # builder = "edgelist" reads path = "ties.csv" (relative to this file)
  # with read_edgelist's options (source, target, strength, activity, ...)
  # and people = "roster.csv" (roles, activity, attributes), with
  # people_columns = { employee_id = "person" } to rename its columns

  [grid]                             # lists of values; every combination runs
  strong_contacts = [4, 6, 8]
  activity_scale = [0.5, 1.0, 2.0]   # interventions: activity_scale,
                                     # referral_bonus, add_weak_ties, boost_to
                                     # (with boost_people = [...] in [network])

  [simulate]
  kind = "spread"                    # or "search"
  trials = 200
  seed = 1
  max_hops = 6                       # any other option of spread/search,
                                     # e.g. sources = ["ana"] for an edge list

Configurations that differ only in interventions share the population and
every trial's random numbers (paired); each row has the seed and build_seed
that replay it. With --results-dir, finished configurations are kept under
a hash of their content and reused by a rerun.
"""
