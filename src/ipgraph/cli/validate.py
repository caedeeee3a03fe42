"""``ipgraph validate``: check an annual report file against the shapes and the plan, offline.

Exit 0 when the report conforms (warnings allowed), 1 when it does not, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
from pathlib import Path
from typing import Any

from rdflib import Graph

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK
from ipgraph.errors import InputError
from ipgraph.formats import format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.rendering import outcome_to_csv, outcome_to_json
from ipgraph.reports.upload import as_received
from ipgraph.reports.validation import ReportValidator, ValidationOutcome
from ipgraph.settings import Settings

_FORMAT_NAMES = {name: offer for offer in REPORT_FORMATS for name in (offer.name, *offer.names, offer.media_type)}


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate", help="check an annual report against the report shapes and the plan"
    )
    parser.add_argument("file", type=Path, help="the report (Turtle, JSON-LD, RDF/XML or N-Triples)")
    parser.add_argument(
        "--format", choices=sorted(_FORMAT_NAMES), help="the file's format (default: from its extension)"
    )
    parser.add_argument(
        "--earlier",
        type=Path,
        nargs="+",
        default=[],
        metavar="FILE",
        help="earlier reports of the same organisation, for plausibility across years",
    )
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        help="judge timeliness as if received on DATE (default: today, UTC, as the service does)",
    )
    parser.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the messages (default en)")
    parser.add_argument(
        "--output", choices=("text", "json", "csv"), default="text", help="output form (default: readable text)"
    )
    parser.add_argument("--project-dir", type=Path, help="checkout holding shapes/ and data/")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate ``args.file``; print the outcome; 0 conforms, 1 does not (unreadable input raises → 2)."""
    # rdflib logs a traceback for every ill-typed literal ("x"^^xsd:integer); the shapes report them instead.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    # As the service's dry run judges it: the checks of receipt, received today (UTC) unless --today says.
    report = as_received(_read(args.file, args.format))
    earlier = Graph()
    for path in args.earlier:
        earlier += _read(path, None)
    project_dir = args.project_dir or Settings.from_env().project_dir
    validator = ReportValidator.from_project(project_dir)
    today = args.today or datetime.datetime.now(datetime.UTC).date()
    outcome = validator.validate(report, earlier if args.earlier else None, today=today)
    if args.output == "json":
        print(json.dumps(outcome_to_json(outcome), ensure_ascii=False, indent=2))
    elif args.output == "csv":
        sys.stdout.write(outcome_to_csv(outcome))
    else:
        print(format_text(outcome, args.lang))
    return EXIT_OK if outcome.conforms else EXIT_NEGATIVE


def format_text(outcome: ValidationOutcome, lang: str = "en") -> str:
    """The outcome as readable lines: a verdict, then one numbered line per issue."""
    verdict = {
        ("en", True): "conforms",
        ("en", False): "does not conform",
        ("vi", True): "hợp lệ",
        ("vi", False): "không hợp lệ",
    }[(lang, outcome.conforms)]
    counts = ", ".join(f"{outcome.count(severity)} {severity}" for severity in ("violation", "warning", "info"))
    lines = [f"{verdict} ({counts})"]
    for number, issue in enumerate(outcome.issues, start=1):
        message = issue.message_vi if lang == "vi" else issue.message_en
        where = ", ".join(part for part in (issue.focus and f"at {issue.focus}", issue.shape) if part)
        lines.append(f"{number}. [{issue.severity}] {message}" + (f"  ({where})" if where else ""))
    return "\n".join(lines)


def _read(path: Path, format_name: str | None) -> Graph:
    chosen = _FORMAT_NAMES[format_name] if format_name else format_for_path(path, REPORT_FORMATS)
    if chosen is None:
        raise InputError(f"{path}: cannot tell the format from the extension; give --format")
    try:
        body = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file: {error.strerror}") from None
    try:
        return parse_report(body, chosen.media_type)
    except InputError as error:
        raise type(error)(f"{path}: {error}", line=error.line, column=error.column) from None
