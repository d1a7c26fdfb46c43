"""The `phonehome` command line: one subcommand per module in `phonehome.commands`."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from . import __version__

# Order is the order shown by --help. Each module exposes `register(subparsers)`, which adds its
# parser and sets `func=run` where `run(args) -> int` is the exit status.
COMMANDS = (
    "demo",
    "replay",
    "report",
    "compare",
    "study",
    "watch",
    "mark",
    "orgs",
    "hooks",
    "session",
    "doctor",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phonehome",
        description="Show what a mobile app really sends off the phone, to whom, and which personal data it carries.",
    )
    parser.add_argument("--version", action="version", version=f"phonehome {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"phonehome.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"phonehome.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
