"""The `hotline` command (`python -m app`): one subcommand module per area under `app.commands`."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

# Each module defines `register(subparsers)`, adding its subcommand with a `handler`
# default that takes the parsed namespace and returns an exit code.
COMMAND_MODULES = (
    "app.commands.start",
    "app.commands.chat",
    "app.commands.bot",
    "app.commands.serve",
    "app.commands.worker",
    "app.commands.nlu",
    "app.commands.content",
    "app.commands.db",
    "app.commands.cases",
    "app.commands.operators",
    "app.commands.voice",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline", description="Hotline 189 assistant for labour migrants"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # an area not built yet adds no subcommand
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
