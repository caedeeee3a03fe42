"""``ipgraph validate``: check an annual report file against the shapes and the plan, offline.

Exit 0 when the report conforms (warnings allowed), 1 when it does not, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK
from ipgraph.errors import InputError
from ipgraph.formats import format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.rendering import outcome_to_csv, outcome_to_json
from ipgraph.reports.upload import as_received
from ipgraph.reports.validation import Issue, ReportValidator, ValidationOutcome
from ipgraph.settings import Settings

_FORMAT_NAMES = {name: offer for offer in REPORT_FORMATS for name in (offer.name, *offer.names, offer.media_type)}


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate", help="check an annual report against the report shapes and the plan"
    )
    parser.add_argument(
        "file", type=Path, help="the report (Excel workbook .xlsx, Turtle, JSON-LD, RDF/XML or N-Triples)"
    )
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
    project_dir = args.project_dir or Settings.from_env().project_dir
    where: Callable[[Issue], str] | None = None
    if args.file.suffix.lower() == ".xlsx" and not args.format:
        read, where = _read_workbook(args.file, project_dir, args.lang)
    else:
        read = _read(args.file, args.format)
    # As the service's dry run judges it: the checks of receipt, received today (UTC) unless --today says.
    report = as_received(read)
    earlier = Graph()
    for path in args.earlier:
        earlier += _read(path, None)
    validator = ReportValidator.from_project(project_dir)
    today = args.today or datetime.datetime.now(datetime.UTC).date()
    outcome = validator.validate(report, earlier if args.earlier else None, today=today)
    if args.output == "json":
        print(json.dumps(outcome_to_json(outcome), ensure_ascii=False, indent=2))
    elif args.output == "csv":
        sys.stdout.write(outcome_to_csv(outcome))
    else:
        print(format_text(outcome, args.lang, where))
    return EXIT_OK if outcome.conforms else EXIT_NEGATIVE


def format_text(outcome: ValidationOutcome, lang: str = "en", where: Callable[[Issue], str] | None = None) -> str:
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
        if where is not None:
            lines.append(f"{number}. [{issue.severity}] {where(issue)}: {message}")
            continue
        place = ", ".join(part for part in (issue.focus and f"at {issue.focus}", issue.shape) if part)
        lines.append(f"{number}. [{issue.severity}] {message}" + (f"  ({place})" if place else ""))
    return "\n".join(lines)


def _read_workbook(path: Path, project_dir: Path, lang: str) -> tuple[Graph, Callable[[Issue], str]]:
    """A filled workbook as the report graph, and where each finding's cell is (``Chỉ tiêu!D7 — label``)."""
    from ipgraph.reports.form_input import values_to_graph
    from ipgraph.reports.form_model import load_form_model
    from ipgraph.reports.form_view import field_title
    from ipgraph.reports.workbook_input import WorkbookError, read_workbook

    try:
        body = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file: {error.strerror}") from None
    model = load_form_model(project_dir)
    try:
        read = read_workbook(model, body)
    except WorkbookError as error:
        raise InputError(f"{path}: {error.message(lang)}") from None
    produced = values_to_graph(model, read.organisation, read.year, read.values)

    def where(issue: Issue) -> str:
        name = produced.locator.find(issue.focus, issue.path, issue.value)
        if name is None:
            return path.name
        title = field_title(model, name, read.values, lang)
        return f"{read.cells[name]} ({title})" if name in read.cells else title

    return produced.graph, where


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
