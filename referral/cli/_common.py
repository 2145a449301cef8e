"""Shared pieces of the command line: exit codes, errors, loading and tables.

The exit codes, :class:`CLIError`, loading a network from the command-line
options (edge list, GraphML or LinkedIn exports plus a people CSV), turning
labels given as text into the network's labels, and writing tables into an
output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from referral._core.defaults import DEFAULT_ACTIVITY

__all__ = [
    "open_unit",
    "EXIT_OK",
    "EXIT_ERROR",
    "EXIT_BAD_INPUT",
    "EXIT_EXISTS",
    "EXIT_INTERRUPTED",
    "DEMO_TRIALS",
    "QUICK_TRIALS",
    "CLIError",
    "show_progress",
    "to_labels",
    "load_network",
    "SPREAD_TABLES",
    "SEARCH_TABLES",
    "refuse_existing",
    "input_paths",
    "activity_line",
    "write_tables",
    "plain_frame",
]

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
def show_progress(args) -> bool:
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


def to_labels(network, values):
    """Command-line labels (text) as the network's labels, exactly.

    A text that is a label is that label; otherwise, if it reads as an int
    (of any size) that is a label, that int. Anything else stays text, and
    the network's one label path (:meth:`ReferralNetwork.ids`) names it as
    missing.
    """
    texts = [str(v) for v in values]
    found = network.positions(texts) >= 0
    labels = list(texts)
    numbers = {}
    for k, text in enumerate(texts):
        if not found[k]:
            try:
                numbers[k] = int(text.strip())
            except ValueError:
                continue
    if numbers:
        hits = network.positions(list(numbers.values())) >= 0
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
        tie_types = _pairs(args.tie_types, "--tie-types", number=True)
        strength = _number_or_name(args.strength)
        if tie_types and args.strength is None:
            strength = "type"
        network = io.read_edgelist(
            paths[0],
            source=args.source_column,
            target=args.target_column,
            strength=strength,
            directed=args.directed,
            activity=args.activity,
            columns=_pairs(args.tie_columns, "--tie-columns") or None,
            tie_types=tie_types or None,
            rescale=args.rescale_strength,
            sep=args.sep,
        )
    args.own_activity = 0
    if args.people is not None:
        people = io.read_people(
            args.people,
            person=args.person_column,
            columns=_pairs(args.people_columns, "--people-columns") or None,
        )
        if "activity" in people.columns:
            column = people["activity"].astype(object)
            args.own_activity = int(
                (column.notna() & (column.astype(str).str.strip() != "")).sum()
            )
        people.index = pd.Index(
            _people_labels(network, people.index), dtype=object, tupleize_cols=False
        )
        before = network.n_people
        people.attrs["where"] = repr(str(args.people))
        network = io.apply_people(network, people, default_activity=args.activity)
        added = network.n_people - before
        if added:
            print(
                f"referral: note: {added} {'person' if added == 1 else 'people'} "
                f"of {args.people} without ties kept as isolated people.",
                file=sys.stderr,
            )
    return network


def activity_line(network, args) -> str:
    """The summary line that states the activity used: how many people got
    the default (``--activity``) and how many their own value."""
    n = network.n_people
    own = int(getattr(args, "own_activity", 0))
    default = n - own
    if default == 0:
        words = f"activity: everyone's own from {args.people} ({n:,} people)"
        return words + f"; mean {network.activity.mean():.2f}."
    words = f"activity {args.activity:g} for {default:,} of {n:,} people"
    if args.activity == DEFAULT_ACTIVITY:
        words += " (the default; --activity to change it)"
    if own:
        words += f"; {own:,} their own from {args.people}"
    return words + f"; mean {network.activity.mean():.2f}."


def _people_labels(network, texts):
    """People-file labels: as on the command line; people without ties keep
    the label type of the network (ints if its labels are ints)."""
    labels = to_labels(network, texts)
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

            from referral.network._labels import describe_labels

            raise nx.NodeNotFound(
                f"The people file names people who are not in the network and "
                f"are not ints like its labels: {describe_labels(odd)}."
            )
    return labels


def _pairs(text, option, *, number=False) -> dict:
    """``A=B,C=D`` as ``{"A": "B", "C": "D"}`` (values as numbers if asked)."""
    if not text:
        return {}
    out = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise CLIError(
                f"{option} takes NAME=VALUE pairs joined by commas. Got {text!r}."
            )
        if number:
            try:
                value = float(value)
            except ValueError:
                raise CLIError(
                    f"{option}: the strength of {key!r} must be a number. "
                    f"Got {value!r}."
                ) from None
        out[key] = value
    return out


def _number_or_name(value, default="strength"):
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        return value


SPREAD_TABLES = ("summary", "by_hop", "people", "trials", "chains")
SEARCH_TABLES = ("summary", "chains", "by_step", "paths")


def input_paths(args) -> list[str]:
    """The files a command reads (its network files and people file), which
    its output may never replace."""
    paths = [item.rpartition("=")[2] for item in getattr(args, "network", None) or []]
    if getattr(args, "people", None):
        paths.append(args.people)
    return paths


def refuse_existing(folder, *, force: bool, kind=None, reading=()) -> None:
    """Refuse before any work if the output exists (the write re-checks);
    with ``force``, refuse anything but an earlier output of ``kind`` and any
    folder holding what the run reads."""
    from referral.io import check_target

    check_target(folder, force=force, kind=kind, reading=reading)
    folder = Path(folder)
    if folder.is_file() and not folder.is_symlink():
        raise CLIError(
            f"Refusing to replace the file {str(folder)!r} with an output folder. "
            f"Choose another output folder."
        )


def write_tables(
    tables: dict, folder, *, fmt: str, force: bool, kind="output", reading=()
) -> list[Path]:
    """Write ``{name: DataFrame}`` as ``folder/name.csv`` (or .parquet).

    The folder is written as a whole: staged beside ``folder`` and renamed
    into place once (:func:`referral.io.staged_folder`), marked as an output
    of ``kind``.
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
    with staged_folder(folder, force=force, kind=kind, reading=reading) as stage:
        for name, frame in tables.items():
            write_table(plain_frame(frame), stage / f"{name}.{fmt}", force=True)
    return [folder / f"{name}.{fmt}" for name in tables]


def plain_frame(frame):
    """Object columns of mixed labels written as text (CSV/Parquet-safe)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column]
            if not values.map(lambda v: v is None or isinstance(v, str)).all():
                frame[column] = values.map(lambda v: v if v is None else str(v))
    return frame


def open_unit(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number. Got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1). Got {text!r}")
    return value
