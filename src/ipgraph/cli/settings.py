"""``ipgraph settings``: every setting with its environment variable, default and meaning."""

from __future__ import annotations

import argparse
from typing import Any

from ipgraph.cli import EXIT_OK
from ipgraph.settings import settings_table


def register(subparsers: Any) -> None:
    """Add the ``settings`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser("settings", help="list every setting")
    parser.add_argument("--markdown", action="store_true", help="print the README's settings table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the settings as a Markdown table or as plain lines."""
    rows = settings_table()
    if args.markdown:
        print("| variable | default | meaning |")
        print("|---|---|---|")
        for name, default, meaning in rows:
            print(f"| `{name}` | `{default}` | {meaning} |")
    else:
        for name, default, meaning in rows:
            print(f"{name}={default}\n    {meaning}")
    return EXIT_OK
