"""The commands of the command line: spread, search, sweep, demo, report, ambassadors.

Each ``*_command(args)`` runs one subcommand from its parsed arguments and
returns the exit code.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from referral.cli._common import (
    DEMO_TRIALS,
    EXIT_OK,
    QUICK_TRIALS,
    SEARCH_TABLES,
    SPREAD_TABLES,
    CLIError,
    activity_line,
    input_paths,
    load_network,
    plain_frame,
    refuse_existing,
    show_progress,
    to_labels,
    write_tables,
)
from referral.report._analysing import with_attributes

__all__ = [
    "spread_command",
    "search_command",
    "sweep_command",
    "demo_command",
    "report_command",
    "ambassadors_command",
    "analyse_command",
]


# ------------------------------------------------------------------ spread
def spread_command(args) -> int:
    from referral.simulate import spread

    reading = input_paths(args)
    refuse_existing(args.out, force=args.force, kind="spread", reading=reading)
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
        progress=show_progress(args),
        **_timing(args),
    )
    if result.delay is None:
        tables = {name: getattr(result, name)() for name in SPREAD_TABLES}
    else:  # no per-person tallies with delays; the time tables instead
        tables = {
            name: getattr(result, name)() for name in SPREAD_TABLES if name != "people"
        }
        tables["reach_over_time"] = result.reach_over_time()
        tables["time_to_candidates"] = result.time_to_candidates()
    words = _by_tables(result, getattr(args, "by", None), tables)
    if "people" in tables:
        tables["people"] = with_attributes(tables["people"], network)
    written = write_tables(
        tables,
        args.out,
        fmt=args.output_format,
        force=args.force,
        kind="spread",
        reading=reading,
    )
    from referral.wording import fmt_mean

    summary = tables["summary"].set_index("measure")["estimate"]
    print(
        f"referral spread: {result.n_trials} trials in "
        f"{time.perf_counter() - t0:.1f} s; on average "
        f"{fmt_mean(summary['people_reached'])} people and "
        f"{fmt_mean(summary['candidates_reached'])} candidates reached "
        f"(seed {result.seed_entropy})."
    )
    for line in words:
        print(line)
    print(activity_line(network, args))
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


def _by_tables(result, by, tables):
    """``--by``: add the representation and homophily tables; their words."""
    if by is None:
        return []
    from referral.analysis import homophily, representation
    from referral.wording import homophily_sentence, representation_sentences

    try:
        table = representation(result, by=by)
    except (KeyError, ValueError) as error:
        raise CLIError(f"--by {by}: {error.args[0]}") from None
    tables["representation"] = table
    tables["homophily"] = homophily(result.network, by=by)
    lines = representation_sentences(table, hops=False)
    return [homophily_sentence(tables["homophily"]), *lines[:6]]


def _timing(args) -> dict:
    """``delay``/``deadline`` for spread, from --delay/--deadline."""
    delay = getattr(args, "delay", None)
    deadline = getattr(args, "deadline", None)
    if deadline is not None and delay is None:
        raise CLIError("--deadline needs --delay (for example --delay '1 day').")
    if delay is None:
        return {}
    return {"delay": delay, "deadline": deadline}


def _sources(network, given):
    if given:
        return to_labels(network, given)
    if len(network.recruiters) == 0:
        raise CLIError(
            "no sources: pass --sources LABEL ... or mark recruiters in a --people "
            "file (a truthy 'recruiter' column)."
        )
    return None


# ------------------------------------------------------------------ search
def search_command(args) -> int:
    from referral.simulate import search

    reading = input_paths(args)
    refuse_existing(args.out, force=args.force, kind="search", reading=reading)
    network = load_network(args)
    starts = to_labels(network, args.starts) if args.starts else None
    targets = to_labels(network, args.targets) if args.targets else None
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
        progress=show_progress(args),
    )
    tables = {name: getattr(result, name)() for name in SEARCH_TABLES}
    written = write_tables(
        tables,
        args.out,
        fmt=args.output_format,
        force=args.force,
        kind="search",
        reading=reading,
    )
    from referral.wording import fmt_share

    s = tables["summary"].set_index("measure")["estimate"]
    print(
        f"referral search: {result.n_chains:,} chains; "
        f"{fmt_share(s['completion_rate'])} completed (seed {result.seed_entropy})."
    )
    print(activity_line(network, args))
    print(f"wrote {len(written)} tables to {args.out}")
    return EXIT_OK


# ------------------------------------------------------------------- sweep
# The TOML sweep specification (read_sweep_spec, toml_build) lives in
# referral.sweep.


def sweep_command(args) -> int:
    import functools

    import joblib

    from referral.io import write_table
    from referral.simulate import search, spread
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
        progress=show_progress(args),
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
    write_table(plain_frame(table), out, force=args.force)
    print(
        f"referral sweep: {table['config'].nunique()} configurations x "
        f"{spec['trials']} trials in {time.perf_counter() - t0:.1f} s; wrote {out}"
    )
    return EXIT_OK


# ------------------------------------------------------------ demo, report
def demo_command(args) -> int:
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
    refuse_existing(out, force=args.force, kind="report")
    t0 = time.perf_counter()
    results = report.demo_results(
        seed=args.seed, trials=trials, n_jobs=args.n_jobs, progress=show_progress(args)
    )
    path = report.write_report(results, out, force=args.force)
    print(report.plain_summary(results))
    print(f"\nreport: {path}  ({time.perf_counter() - t0:.1f} s)")
    return EXIT_OK


def report_command(args) -> int:
    from referral import report

    out = Path(args.out)
    refuse_existing(out, force=args.force, kind="report", reading=[args.results])
    results = report.read_results(args.results)
    path = report.write_report(results, out, force=args.force)
    print(f"report: {path}")
    return EXIT_OK


# ------------------------------------------------------------------ analyse
def analyse_command(args) -> int:
    """``referral analyse``: the whole analysis of your own data, one report."""
    from referral import report

    reading = input_paths(args)
    out = Path(args.out)
    refuse_existing(out, force=args.force, kind="report", reading=reading)
    network = load_network(args)
    fit = None
    if getattr(args, "fit", None) is not None:
        from referral.cli._fit import read_fit_folder

        network, fit = read_fit_folder(args.fit, network)
    sources = _sources(network, args.sources)
    if args.name_column is not None and args.name_column not in network.attributes:
        raise CLIError(
            f"--name-column {args.name_column!r} is not a column of the people "
            f"file; its columns are {sorted(network.attributes)}."
        )
    quick = os.environ.get("REFERRAL_QUICK") == "1" or args.quick
    trials = dict(QUICK_TRIALS if quick else DEMO_TRIALS)
    if args.trials is not None:
        trials = {
            k: max(20, args.trials * v // DEMO_TRIALS["spread"])
            for k, v in DEMO_TRIALS.items()
        }
        trials["spread"] = args.trials
    t0 = time.perf_counter()
    results = report.analyse(
        network,
        sources,
        out=out,
        force=args.force,
        name=args.name_column,
        title=args.title,
        description=_describe(network, args),
        trials=trials,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=show_progress(args),
        fit=fit,
    )
    print(report.plain_summary(results))
    if fit is None:
        print(activity_line(network, args))
    else:
        print(f"activity and transmission: fitted, from {args.fit}")
    print(f"\nreport: {out / 'index.html'}  ({time.perf_counter() - t0:.1f} s)")
    return EXIT_OK


def _describe(network, args) -> str:
    files = " + ".join(Path(p).name for p in input_paths(args))
    return (
        f"{files}: {network.n_people:,} people, {network.n_ties:,} ties; "
        f"{len(network.recruiters)} recruiters, {len(network.candidates)} "
        f"candidates; mean activity {network.activity.mean():.2f}"
    )


# ------------------------------------------------------------------ ambassadors


def _target_spec(network, args):
    """``--targets`` labels or ``--target-attribute NAME=VALUE`` (or None)."""
    import numpy as np

    if args.targets and args.target_attribute:
        raise CLIError("pass either --targets or --target-attribute, not both.")
    if args.targets:
        return to_labels(network, args.targets)
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
            mask = np.array([t == value for t in text], dtype=bool)
            if not mask.any():
                found = sorted(set(map(str, values)), key=_natural)
                shown = ", ".join(found[:10]) + (", ..." if len(found) > 10 else "")
                raise CLIError(
                    f"--target-attribute {args.target_attribute} selects nobody: "
                    f"{name} takes the values {shown}."
                )
            return mask
        return {name: value}
    if not np.asarray(network.is_candidate).any():
        raise CLIError(
            "the network has no candidates to reach: name the targets with "
            "--targets LABEL ... or --target-attribute NAME=VALUE (or mark "
            "candidates in a --people file)."
        )
    return None


def _natural(text):
    """Numbers in numeric order, then text."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def ambassadors_command(args) -> int:
    import numpy as np

    from referral.whom_to_ask import ambassadors, reach_of_everyone
    from referral.whom_to_ask._targets import eligible_mask
    from referral.wording import who_to_ask_sentences

    reading = input_paths(args)
    refuse_existing(args.out, force=args.force, kind="ambassadors", reading=reading)
    network = load_network(args)
    targets = _target_spec(network, args)
    exclude = to_labels(network, args.exclude) if args.exclude else []
    if args.exclude_recruiters:
        if len(network.recruiters) == 0:
            print(
                "referral ambassadors: note: --exclude-recruiters excludes nobody: "
                "the network has no recruiters.",
                file=sys.stderr,
            )
        exclude += list(network.labels[network.recruiters])
    if args.exclude_candidates:
        exclude += list(network.labels[network.candidates])
    # who this run can ask (--exclude, --exclude-*, --candidates-only)
    can_ask = eligible_mask(network, exclude or None, args.candidates_only)
    if args.in_addition or not (args.ask_recruiters and not args.exclude_recruiters):
        can_ask &= ~np.asarray(network.is_recruiter, dtype=bool)
    if not can_ask.any():
        raise CLIError(
            "nobody can be asked: --candidates-only, --exclude, "
            "--exclude-candidates and --exclude-recruiters leave no one."
        )
    if args.k > can_ask.sum():
        raise CLIError(
            f"-k {args.k} is more than the {int(can_ask.sum())} people who can be "
            f"asked."
        )
    t0 = time.perf_counter()
    table = ambassadors(
        network,
        args.k,
        targets=targets,
        exclude=exclude or None,
        candidates_only=args.candidates_only,
        ask_recruiters=args.ask_recruiters and not args.exclude_recruiters,
        in_addition=args.in_addition,
        epsilon=args.epsilon,
        delta=args.delta,
        check_trials=args.check_trials,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=show_progress(args),
    )
    everyone = reach_of_everyone(
        network,
        targets=targets,
        samples=args.samples,
        per_world=args.per_world,
        seed=args.seed,
        n_jobs=args.n_jobs,
        progress=show_progress(args),
    )
    everyone["can_be_asked"] = can_ask
    everyone = with_attributes(everyone, network)
    everyone = everyone.sort_values(
        ["reach_estimate", "id"], ascending=[False, True], kind="stable"
    )
    tables = {"ambassadors": table, "everyone": everyone}
    written = write_tables(
        tables,
        args.out,
        fmt=args.output_format,
        force=args.force,
        kind="ambassadors",
        reading=reading,
    )
    for line in who_to_ask_sentences(table):
        print(line)
    print(activity_line(network, args))
    print(
        f"wrote {len(written)} tables to {args.out} ({time.perf_counter() - t0:.1f} s)"
    )
    return EXIT_OK
