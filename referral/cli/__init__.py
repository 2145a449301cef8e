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
    poster; writes ``ambassadors`` and ``everyone`` tables (``everyone`` is
    :func:`referral.reach_of_everyone`'s table plus ``can_be_asked``, false
    for the people the options exclude).
``referral fit``
    Fit activity and transmission to a referral log on a known network;
    writes ``params``, ``check`` and a fitted ``people`` table.
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

The package holds the parser and help texts (``referral.cli._parser``), the
commands (``referral.cli._commands``) and their shared pieces
(``referral.cli._common``).
"""

from __future__ import annotations

import os
import sys

from referral.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_EXISTS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CLIError,
)
from referral.cli._parser import build_parser

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_ERROR", "EXIT_BAD_INPUT"]


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
