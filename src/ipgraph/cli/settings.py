"""``ipgraph settings``: every setting's effective value and where it comes from, or the README's table."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ipgraph.cli import EXIT_OK, EXIT_USAGE
from ipgraph.settings import effective_settings, settings_table


def register(subparsers: Any) -> None:
    """Add the ``settings`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "settings",
        help="show every setting's effective value and its source",
        description="Each IPGRAPH_* variable with the value this environment gives it (default or environment); "
        "secrets show only whether they are set. Exit 2 when a value is invalid.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the README's settings table (the defaults)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the effective settings (exit 2 naming each invalid one), or the defaults as a Markdown table."""
    if args.markdown:
        print("| variable | default | meaning |")
        print("|---|---|---|")
        for name, default, meaning in settings_table():
            print(f"| `{name}` | `{default}` | {meaning} |")
        return EXIT_OK
    rows, problems = effective_settings()
    for row in rows:
        mark = "  INVALID" if row.problem else ""
        print(f"{row.variable}={row.value}  ({row.source}){mark}\n    {row.meaning}")
    for problem in problems:
        print(f"ipgraph: error: {problem}", file=sys.stderr)
    return EXIT_USAGE if problems else EXIT_OK
