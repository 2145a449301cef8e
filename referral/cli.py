"""The ``referral`` command line.

Commands
--------
``referral demo``
    The main job on the bundled e-mail network: spread, drop-off,
    gatekeepers, the "other people" cost and an intervention; prints a short
    summary and writes a report folder (default ``./referral-report/``).
``referral spread`` / ``referral search``
    Simulate on your own network (CSV edge list, GraphML or LinkedIn
    exports, plus an optional people CSV) and write tidy CSV or Parquet
    tables into a folder.
``referral ambassadors``
    Choose the k people to ask to share an opening (IMM), compare them with
    the highest-degree people, and estimate everyone's reach as a lone
    poster; writes ``ambassadors`` and ``everyone`` tables.
``referral sweep``
    Run a parameter grid read from a TOML file, optionally on a Dask cluster.
``referral report``
    Build the HTML report from a folder of saved results.

Exit codes
----------
0
    Success.
1
    Unexpected internal error (a one-line message; set ``REFERRAL_DEBUG=1``
    for the traceback).
2
    Bad usage or bad input, in one line (argparse's own errors included): a
    missing or malformed file, a bad column, a person not in the network, a
    malformed TOML file (the line is named), an invalid option value, a run
    too large for this machine's memory (e.g. ``--trials 1000000000000``;
    the estimate is named).
3
    An output already exists (a file, or a folder that is not empty, at
    ``--out`` or ``--results-dir``); pass ``--force`` to replace it.
130
    Interrupted (Ctrl-C): ``referral: interrupted``; no output is left
    behind.

Every output folder is written as a whole: staged in a hidden folder beside
the target and renamed into place once, so a crash or a kill leaves no
folder or a complete one; a staging folder of a dead run is removed by the
next run. Single files go through a temporary file and a rename. Nothing is
replaced without ``--force``. Warnings are printed as one line each.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_ERROR", "EXIT_BAD_INPUT"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_EXISTS = 3
EXIT_INTERRUPTED = 130

#: trial counts of ``referral demo`` (``REFERRAL_QUICK=1`` shrinks them)
DEMO_TRIALS = {
    "spread": 2000,
    "cost": 2000,
    "gatekeepers": 300,
    "compare": 2000,
    "ambassadors": 1000,
}
QUICK_TRIALS = {
    "spread": 300,
    "cost": 300,
    "gatekeepers": 60,
    "compare": 300,
    "ambassadors": 200,
}


class CLIError(Exception):
    """A bad input detected by the command line itself (exit code 2)."""


# ------------------------------------------------------------------ helpers
def _progress(args) -> bool:
    """Progress bars on terminals only, unless ``--no-progress``."""
    return not getattr(args, "no_progress", False) and sys.stderr.isatty()


def _sniff_linkedin(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            head = [next(handle, "") for _ in range(6)]
    except OSError:
        return False
    return any(line.startswith("First Name") for line in head) or (
        head[0].startswith("Notes:")
    )


def _input_format(args, paths) -> str:
    if args.input_format != "auto":
        return args.input_format
    first = Path(paths[0].split("=", 1)[-1])
    if first.suffix.lower() in (".graphml", ".xml"):
        return "graphml"
    if len(paths) > 1 or "=" in paths[0] or _sniff_linkedin(first):
        return "linkedin"
    return "csv"


def _labels(network, values):
    """Command-line labels (text) as the network's labels, exactly.

    A text that is a label is that label; otherwise, if it reads as an int
    (of any size) that is a label, that int. Anything else stays text, and
    the network's one label path (:meth:`ReferralNetwork.ids`) names it as
    missing.
    """
    texts = [str(v) for v in values]
    found = network._positions(texts) >= 0
    labels = list(texts)
    numbers = {}
    for k, text in enumerate(texts):
        if not found[k]:
            try:
                numbers[k] = int(text.strip())
            except ValueError:
                continue
    if numbers:
        hits = network._positions(list(numbers.values())) >= 0
        for (k, number), hit in zip(numbers.items(), hits, strict=True):
            if hit:
                labels[k] = number
    return labels


def load_network(args):
    """The network described by the input options of ``spread``/``search``."""
    import pandas as pd

    from referral import io

    paths = args.network
    kind = _input_format(args, paths)
    if kind == "graphml":
        if len(paths) != 1:
            raise CLIError("GraphML input takes exactly one file.")
        strength = _number_or_name(args.strength)
        network = io.read_graphml(paths[0], strength=strength, activity=args.activity)
    elif kind == "linkedin":
        exports = {}
        for item in paths:
            name, _, path = item.rpartition("=")
            name = name or Path(path).stem
            if name in exports:
                raise CLIError(f"LinkedIn exporter {name!r} is given twice.")
            exports[name] = path
        network = io.linkedin_network(
            exports,
            strength=float(_number_or_name(args.strength, default=0.3)),
            activity=args.activity,
            recruiters=args.recruiter or [],
            candidates=args.candidate or [],
        )
    else:
        if len(paths) != 1:
            raise CLIError(
                "A CSV edge list is one file; several files are read as LinkedIn "
                "exports only with --input-format linkedin."
            )
        network = io.read_edgelist(
            paths[0],
            source=args.source_column,
            target=args.target_column,
            strength=_number_or_name(args.strength),
            directed=args.directed,
            activity=args.activity,
            sep=args.sep,
        )
    if args.people is not None:
        people = io.read_people(
            args.people, person=args.person_column, dtype={args.person_column: str}
        )
        people.index = pd.Index(
            _people_labels(network, people.index), dtype=object, tupleize_cols=False
        )
        before = network.n_people
        network = io.apply_people(network, people, default_activity=args.activity)
        added = network.n_people - before
        if added:
            print(
                f"referral: note: {added} {'person' if added == 1 else 'people'} "
                f"of {args.people} without ties kept as isolated people.",
                file=sys.stderr,
            )
    return network


def _people_labels(network, texts):
    """People-file labels: as on the command line; people without ties keep
    the label type of the network (ints if its labels are ints)."""
    labels = _labels(network, texts)
    ints = network.labels.dtype.kind in "iu" or (
        network.labels.dtype == object
        and any(type(v) is int for v in network.labels[:1000].tolist())
    )
    if ints:
        odd = []
        for k, label in enumerate(labels):
            if isinstance(label, str):
                try:
                    labels[k] = int(label.strip())
                except ValueError:
                    odd.append(label)
        if odd:
            import networkx as nx

            from referral._labels import describe_labels

            raise nx.NodeNotFound(
                f"The people file names people who are not in the network and "
                f"are not ints like its labels: {describe_labels(odd)}."
            )
    return labels


def _number_or_name(value, default="strength"):
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        return value


SPREAD_TABLES = ("summary", "by_hop", "people", "trials", "chains")
SEARCH_TABLES = ("summary", "chains", "by_step", "paths")


def _refuse_existing(folder, *, force: bool) -> None:
    """Refuse before any work if the output exists (the write re-checks)."""
    from referral.io import check_target

    check_target(folder, force=force)


def write_tables(tables: dict, folder, *, fmt: str, force: bool) -> list[Path]:
    """Write ``{name: DataFrame}`` as ``folder/name.csv`` (or .parquet).

    The folder is written as a whole: staged beside ``folder`` and renamed
    into place once (:func:`referral.io.staged_folder`).
    """
    from referral.io import staged_folder, write_table

    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise CLIError(
                "--output-format parquet needs pyarrow: pip install "
                "'referral[parquet]'."
            ) from None
    folder = Path(folder)
    with staged_folder(folder, force=force) as stage:
        for name, frame in tables.items():
            write_table(_plain_frame(frame), stage / f"{name}.{fmt}", force=True)
    return [folder / f"{name}.{fmt}" for name in tables]


def _plain_frame(frame):
    """Object columns of mixed labels written as text (CSV/Parquet-safe)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column]
            if not values.map(lambda v: v is None or isinstance(v, str)).all():
                frame[column] = values.map(lambda v: v if v is None else str(v))
    return frame


# ------------------------------------------------------------------ spread
def _spread(args) -> int:
    from referral.spread import spread

    _refuse_existing(args.out, force=args.force)
    network = load_network(args)
    sources = _sources(network, args.sources)
    t0 = time.perf_counter()
    result = spread(
        network,
        sources,
        trials=args.trials,
        max_hops=args.max_hops,
        fanout=args.fanout,
        keep_chains=args.keep_chains,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=_progress(args),
    )
    tables = {name: getattr(result, name)() for name in SPREAD_TABLES}
    written = write_tables(tables, args.out, fmt=args.output_format, force=args.force)
    summary = tables["summary"].set_index("measure")["estimate"]
    print(
        f"referral spread: {result.n_trials} trials in "
        f"{time.perf_counter() - t0:.1f} s; on average "
        f"{summary['people_reached']:,.1f} people and "
        f"{summary['candidates_reached']:,.1f} candidates reached "
        f"(seed {result.seed_entropy})."
    )
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


def _sources(network, given):
    if given:
        return _labels(network, given)
    if len(network.recruiters) == 0:
        raise CLIError(
            "no sources: pass --sources LABEL ... or mark recruiters in a --people "
            "file (a truthy 'recruiter' column)."
        )
    return None


# ------------------------------------------------------------------ search
def _search(args) -> int:
    from referral.search import search

    _refuse_existing(args.out, force=args.force)
    network = load_network(args)
    starts = _labels(network, args.starts) if args.starts else None
    targets = _labels(network, args.targets) if args.targets else None
    if targets is None and len(network.recruiters) == 0:
        raise CLIError(
            "no targets: pass --targets LABEL ... or mark recruiters in a --people "
            "file (a truthy 'recruiter' column)."
        )
    if starts is None and len(network.candidates) == 0:
        raise CLIError(
            "no starts: pass --starts LABEL ... or mark candidates in a --people "
            "file (a truthy 'candidate' column)."
        )
    attrition = args.attrition
    if attrition != "person":
        try:
            attrition = float(attrition)
        except ValueError:
            raise CLIError(
                f"--attrition must be 'person' or a number in [0, 1]. Got "
                f"{attrition!r}."
            ) from None
    distance = args.distance
    if distance not in ("graph", None) and "," in distance:
        distance = tuple(distance.split(","))
    result = search(
        network,
        starts,
        targets,
        policy=args.policy,
        distance=distance,
        attrition=attrition,
        max_steps=args.max_steps,
        trials=args.trials,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=_progress(args),
    )
    tables = {name: getattr(result, name)() for name in SEARCH_TABLES}
    written = write_tables(tables, args.out, fmt=args.output_format, force=args.force)
    s = tables["summary"].set_index("measure")["estimate"]
    print(
        f"referral search: {result.n_chains} chains; {100 * s['completion_rate']:.1f}%"
        f" completed (seed {result.seed_entropy})."
    )
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


# ------------------------------------------------------------------- sweep
# The TOML sweep specification (read_sweep_spec, toml_build) lives in
# referral.sweep.


def _sweep(args) -> int:
    import functools

    import joblib

    from referral.io import write_table
    from referral.search import search
    from referral.spread import spread
    from referral.sweep import read_sweep_spec, sweep, toml_build

    spec = read_sweep_spec(args.grid)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise CLIError(f"--out must end in .csv or .parquet. Got {str(out)!r}.")
    if out.exists() and not args.force:
        raise FileExistsError(
            f"{str(out)!r} already exists; pass --force to overwrite it."
        )
    if args.results_dir is not None:
        parts = Path(args.results_dir)
        if parts.exists() and not parts.is_dir():
            if not args.force:
                raise FileExistsError(
                    f"--results-dir {str(parts)!r} is a file, not a folder; pass "
                    f"--force to replace it."
                )
            parts.unlink()
    build = functools.partial(toml_build, spec["builder"], spec["fixed"])
    kwargs = dict(
        simulate=spread if spec["kind"] == "spread" else search,
        trials=spec["trials"],
        seed=spec["seed"],
        n_jobs=args.n_jobs,
        progress=_progress(args),
        per_trial=args.per_trial,
        results_dir=args.results_dir,
        interventions=spec["interventions"],
        **spec["simulate_kwargs"],
    )
    t0 = time.perf_counter()
    if args.dask_scheduler:
        try:
            from dask.distributed import Client
        except ImportError:
            raise CLIError(
                "--dask-scheduler needs dask.distributed: pip install 'referral[dask]'."
            ) from None
        with Client(args.dask_scheduler), joblib.parallel_config(backend="dask"):
            table = sweep(build, spec["grid"], **kwargs)
    else:
        table = sweep(build, spec["grid"], **kwargs)
    for key in spec["grid"]:
        if table[key].map(lambda v: isinstance(v, list | tuple)).any():
            table[key] = table[key].map(str)
    write_table(_plain_frame(table), out, force=args.force)
    print(
        f"referral sweep: {table['config'].nunique()} configurations x "
        f"{spec['trials']} trials in {time.perf_counter() - t0:.1f} s; wrote {out}"
    )
    return EXIT_OK


# ------------------------------------------------------------ demo, report
def _demo(args) -> int:
    from referral import report

    quick = os.environ.get("REFERRAL_QUICK") == "1" or args.quick
    trials = dict(QUICK_TRIALS if quick else DEMO_TRIALS)
    if args.trials is not None:
        trials = {
            k: max(20, args.trials * v // DEMO_TRIALS["spread"])
            for k, v in DEMO_TRIALS.items()
        }
        trials["spread"] = args.trials
    out = Path(args.out)
    _refuse_existing(out, force=args.force)
    t0 = time.perf_counter()
    results = report.demo_results(
        seed=args.seed, trials=trials, n_jobs=args.n_jobs, progress=_progress(args)
    )
    path = report.write_report(results, out, force=args.force)
    print(report.plain_summary(results))
    print(f"\nreport: {path}  ({time.perf_counter() - t0:.1f} s)")
    return EXIT_OK


def _report(args) -> int:
    from referral import report

    out = Path(args.out)
    _refuse_existing(out, force=args.force)
    results = report.read_results(args.results)
    path = report.write_report(results, out, force=args.force)
    print(f"report: {path}")
    return EXIT_OK


# ------------------------------------------------------------------ ambassadors


def _target_spec(network, args):
    """``--targets`` labels or ``--target-attribute NAME=VALUE`` (or None)."""
    import numpy as np

    if args.targets and args.target_attribute:
        raise CLIError("pass either --targets or --target-attribute, not both.")
    if args.targets:
        return _labels(network, args.targets)
    if args.target_attribute:
        name, sep, value = args.target_attribute.partition("=")
        if not sep or not name:
            raise CLIError(
                f"--target-attribute must be NAME=VALUE. Got {args.target_attribute!r}."
            )
        values = network.attributes.get(name)
        if values is not None:
            # compare as text, so that 3, 3.0 and "3" read from files all match
            text = [str(v) for v in values]
            numeric = np.asarray(values).dtype.kind in "iuf"
            if numeric:
                try:
                    number = float(value)
                    text = [str(float(v)) for v in values]
                    value = str(number)
                except ValueError:
                    pass
            return np.array([t == value for t in text], dtype=bool)
        return {name: value}
    return None


def _ambassadors(args) -> int:
    from referral.ambassadors import (
        ambassadors,
        reach_of_everyone,
        who_to_ask_sentences,
    )

    _refuse_existing(args.out, force=args.force)
    network = load_network(args)
    targets = _target_spec(network, args)
    exclude = _labels(network, args.exclude) if args.exclude else []
    if args.exclude_recruiters:
        exclude += list(network.labels[network.recruiters])
    t0 = time.perf_counter()
    table = ambassadors(
        network,
        args.k,
        targets=targets,
        exclude=exclude or None,
        candidates_only=args.candidates_only,
        epsilon=args.epsilon,
        delta=args.delta,
        check_trials=args.check_trials,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=_progress(args),
    )
    everyone = reach_of_everyone(
        network,
        targets=targets,
        samples=args.samples,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=_progress(args),
    ).sort_values(["reach", "id"], ascending=[False, True], kind="stable")
    tables = {"ambassadors": table, "everyone": everyone}
    written = write_tables(tables, args.out, fmt=args.output_format, force=args.force)
    print(f"referral ambassadors: {time.perf_counter() - t0:.1f} s")
    for line in who_to_ask_sentences(table):
        print(line)
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


def _open_unit(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number. Got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1). Got {text!r}")
    return value


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
        help="do not ask the recruiters themselves",
    )
    parser.add_argument(
        "--candidates-only", action="store_true", help="ask candidates only"
    )
    parser.add_argument(
        "--epsilon",
        type=_open_unit,
        default=0.1,
        help="approximation slack in (0, 1) (0.1)",
    )
    parser.add_argument(
        "--delta",
        type=_open_unit,
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
    parser.add_argument("--seed", type=_seed, default=None)
    parser.add_argument("--n-jobs", type=int, default=None, metavar="N")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar on terminals"
    )
    _add_output_options(parser, "referral-ambassadors")
    parser.set_defaults(run=_ambassadors)


# ------------------------------------------------------------------ parser
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


def _add_network_options(parser):
    group = parser.add_argument_group("network input")
    group.add_argument(
        "network",
        nargs="+",
        metavar="NETWORK",
        help="a CSV edge list, a GraphML file, or LinkedIn Connections.csv "
        "exports (NAME=PATH or PATH, one per exporter)",
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
        default=0.3,
        help="probability in [0, 1] that a person passes a referral on, for "
        "everyone the people file does not set (default: 0.3)",
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
    demo.set_defaults(run=_demo)

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
    _add_run_options(spread, trials=1000)
    _add_output_options(spread, "referral-spread")
    spread.set_defaults(run=_spread)

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
    search.set_defaults(run=_search)

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
    sweep.set_defaults(run=_sweep)

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
    report.set_defaults(run=_report)

    _add_ambassadors_parser(commands)
    return parser


SWEEP_HELP = """\
Run every combination of a parameter grid read from a TOML file:

  [network]
  builder = "community_population"   # or email_eu_core, facebook_ego, edgelist
  n_people = 2000                    # fixed arguments of the builder
  # builder = "edgelist" reads path = "ties.csv" (relative to this file)
  # with read_edgelist's options (source, target, strength, activity, ...)

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


def _one_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, KeyError) and error.args:
        text = str(error.args[0])
    return " ".join(text.split())


def main(argv=None) -> int:
    """Run the command line and return its exit code (see the module docstring).

    Parameters
    ----------
    argv : list of str, optional
        The arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code.
    """
    import warnings

    def one_line(message, category, filename, lineno, file=None, line=None):
        print(f"referral: warning: {_one_line(message)}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line
            return _main(argv)
    except KeyboardInterrupt:
        print("referral: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv) -> int:
    import networkx as nx

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("referral: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except FileExistsError as error:
        print(f"referral: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_EXISTS
    except (
        CLIError,
        ValueError,
        TypeError,
        OSError,
        nx.NodeNotFound,
        nx.NetworkXError,
    ) as error:
        if os.environ.get("REFERRAL_DEBUG") == "1":
            raise
        print(f"referral: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # noqa: BLE001 - the promise is: no traceback
        if os.environ.get("REFERRAL_DEBUG") == "1":
            raise
        print(
            f"referral: internal error: {type(error).__name__}: {_one_line(error)} "
            f"(set REFERRAL_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
