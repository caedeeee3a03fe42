"""The ``ipgraph`` command: one module per group of subcommands, each with a ``register`` function.

Exit codes: 0 success, 1 a negative answer (ASK false, validation failed), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from ipgraph import __version__
from ipgraph.errors import IpgraphError

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_USAGE = 2

#: Modules under ipgraph.cli that add subcommands; each defines ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = (
    "serve",
    "load",
    "query",
    "export",
    "reasoning",
    "settings",
    "validate",
    "tokens",
    "submit",
    "revalidate",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="ipgraph", description="Plan 160/KH-UBND as a knowledge graph.")
    parser.add_argument("--version", action="version", version=f"ipgraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        import_module(f"ipgraph.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; ipgraph errors become a message and exit code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except IpgraphError as error:
        print(f"ipgraph: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of a pipe stopped early (``ipgraph export | head``): it has what it wanted.
        from ipgraph.cli.output import quiet_closed_stdout

        quiet_closed_stdout()
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
