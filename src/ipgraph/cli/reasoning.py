"""``ipgraph reason``: check the ontology and plan with HermiT and write the inferred graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK
from ipgraph.reasoning import INFERRED_FILE, reason_over_project, write_inferred
from ipgraph.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``reason`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reason", help="check consistency with HermiT and write data/inferred.ttl"
    )
    parser.add_argument("--project-dir", type=Path, help="checkout holding ontology/ and data/")
    parser.add_argument("--output", type=Path, help=f"where to write the inferred graph (default data/{INFERRED_FILE})")
    parser.add_argument("--check", action="store_true", help="only check consistency; write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when consistent (and the inferred graph was written), 1 when HermiT finds a contradiction."""
    project_dir = args.project_dir or Settings.from_env().project_dir
    result = reason_over_project(project_dir)
    print(result.message, file=sys.stderr)
    if not result.consistent:
        return EXIT_NEGATIVE
    if not args.check:
        output = args.output or project_dir / "data" / INFERRED_FILE
        write_inferred(result, output)
        print(f"wrote {len(result.inferred)} triples to {output}", file=sys.stderr)
    return EXIT_OK
