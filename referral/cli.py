"""The ``referral`` command line.

Exit codes: 0 success, 1 runtime error, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2


def _demo(args) -> int:
    from referral.datasets import email_eu_core

    network = email_eu_core(seed=args.seed)
    print("referral demo: the e-mail network of a European research institution")
    print(network.summary().to_string())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="referral",
        description="Recruiter referral-chain analysis.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the main job on bundled data")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError, FileExistsError) as error:
        print(f"referral: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
