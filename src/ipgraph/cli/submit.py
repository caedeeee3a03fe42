"""``ipgraph submit FILE --token T [--url URL]``: send an annual report to a running service, or store it locally.

With ``--url`` the report is POSTed to ``URL/reports`` (the service validates and stores it); without it, the
report goes into the local store of ``--data-dir`` through the same workflow (the service must not be running
on that directory). Exit 0 when stored (the receipt is printed as JSON), 1 when the report does not conform
(its problems are printed), 2 for anything else (unreadable file, refused token, unreachable service).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK, EXIT_USAGE
from ipgraph.errors import AuthenticationError, InputError, ReportRejectedError
from ipgraph.formats import format_by_name, format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.rendering import outcome_to_json
from ipgraph.reports.submission import ReportService
from ipgraph.reports.token_graph import token_registry
from ipgraph.reports.workbook import XLSX_MEDIA_TYPE
from ipgraph.settings import Settings

#: Seconds to wait for the service's answer (validation of a large report takes a while).
HTTP_TIMEOUT = 120.0


def register(subparsers: Any) -> None:
    """Add the ``submit`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser("submit", help="submit an annual report")
    parser.add_argument(
        "file", type=Path, help="the report (Excel workbook .xlsx, Turtle, JSON-LD, RDF/XML or N-Triples)"
    )
    parser.add_argument("--token", help="the organisation's submission token")
    parser.add_argument("--token-file", type=Path, help="read the token from this file instead")
    parser.add_argument("--url", help="the service's base URL, e.g. https://ipgraph.example.org (default: local)")
    parser.add_argument("--format", help="the file's format name or media type (default: from its extension)")
    parser.add_argument("--data-dir", type=Path, help="local mode: the data directory (default: settings)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Submit ``args.file``; print the receipt (0) or the problems (1)."""
    token = _token(args)
    media_type = _media_type(args.file, args.format)
    try:
        body = args.file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {args.file}: {error.strerror}") from None
    if args.url:
        return submit_over_http(args.url, body, media_type, token)
    return submit_locally(body, media_type, token, args.data_dir)


def submit_over_http(url: str, body: bytes, media_type: str, token: str) -> int:
    """POST the report to ``url``/reports and report the answer."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"--url must be an http:// or https:// URL, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url.rstrip("/") + "/reports",
        data=body,
        method="POST",
        headers={"Content-Type": media_type, "Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            print(json.dumps(json.loads(response.read()), ensure_ascii=False, indent=2))
            return EXIT_OK
    except urllib.error.HTTPError as refusal:
        answer = _json_or_text(refusal.read())
        if refusal.code == 422 and isinstance(answer, dict):
            _print_problems(answer)
            return EXIT_NEGATIVE
        detail = answer.get("detail", answer) if isinstance(answer, dict) else answer
        print(f"ipgraph: error: the service refused the report ({refusal.code}): {detail}", file=sys.stderr)
        return EXIT_USAGE
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"ipgraph: error: cannot reach {url}: {error}", file=sys.stderr)
        return EXIT_USAGE


def submit_locally(body: bytes, media_type: str, token: str, data_dir: Path | None) -> int:
    """Store the report in the local store through the service's own workflow."""
    from ipgraph.store import open_store

    # One report, then the process ends: it is validated here, not in a worker process started for it alone.
    settings = Settings.from_env(data_dir=data_dir, validation_workers=0)
    organisation = token_registry(settings).authenticate(token)
    if organisation is None:
        raise AuthenticationError("the token is unknown or has been revoked")
    if media_type == XLSX_MEDIA_TYPE:
        body, media_type = workbook_turtle(settings.project_dir, body), "text/turtle"
    store = open_store(settings)
    service = ReportService.from_settings(settings, store)
    try:
        receipt = service.submit(body, media_type, organisation)
    except ReportRejectedError as rejected:
        _print_problems(outcome_to_json(rejected.outcome))
        return EXIT_NEGATIVE
    finally:
        service.close()
        store.close()
    print(json.dumps(receipt.to_json(), ensure_ascii=False, indent=2))
    return EXIT_OK


def workbook_turtle(project_dir: Path, body: bytes) -> bytes:
    """A filled report workbook as the report's Turtle, as the service converts it."""
    from ipgraph.reports.form_input import values_to_graph
    from ipgraph.reports.form_model import load_form_model
    from ipgraph.reports.workbook_input import read_workbook

    model = load_form_model(project_dir)
    read = read_workbook(model, body)
    return values_to_graph(model, read.organisation, read.year, read.values).turtle()


def _print_problems(answer: dict[str, Any]) -> None:
    print("the report does not conform; nothing was stored:", file=sys.stderr)
    for issue in answer.get("issues", []):
        where = f" [{issue['path']}]" if issue.get("path") else ""
        print(f"  {issue.get('severity')}{where}: {issue.get('message_en')}", file=sys.stderr)


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", errors="replace")


def _token(args: argparse.Namespace) -> str:
    if args.token_file:
        try:
            token: str = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InputError(f"cannot read {args.token_file}: {error.strerror}") from None
    else:
        token = (args.token or "").strip()
    if not token:
        raise InputError("give the organisation's token with --token or --token-file")
    return token


def _media_type(path: Path, name: str | None) -> str:
    if path.suffix.lower() == ".xlsx" and not name:
        return XLSX_MEDIA_TYPE
    chosen = format_by_name(name, REPORT_FORMATS) if name else format_for_path(path, REPORT_FORMATS)
    if chosen is None:
        names = ", ".join(offer.name for offer in REPORT_FORMATS)
        raise InputError(f"cannot tell the format of {path.name}; give --format ({names})")
    return chosen.media_type
