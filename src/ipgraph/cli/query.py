"""``ipgraph query``: run SPARQL (text, file or canned query) on the local store or on any SPARQL endpoint.

The answer goes to stdout in the chosen format; exit 1 when an ASK answers false, so scripts can test it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib.term import Identifier

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK, through_service
from ipgraph.cli.output import write_stdout
from ipgraph.cli.running import RunningService, open_local_or_running
from ipgraph.errors import InputError
from ipgraph.formats import ALL_FORMATS, GRAPH_FORMATS, RESULT_FORMATS, SPARQL_TSV, TURTLE, Format, format_by_name
from ipgraph.queries import load_canned_queries
from ipgraph.settings import Settings
from ipgraph.sparql_guard import GuardPolicy, check_query
from ipgraph.store.base import QueryOutcome, QueryRequest
from ipgraph.store.sparql_text import query_form


def register(subparsers: Any) -> None:
    """Add the ``query`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "query",
        help="run a SPARQL query on the local store or a SPARQL endpoint",
        description="Give the query as text, --file or --canned NAME (a file of queries/, parameters with "
        "--param name=value). Exit codes: 0 answered, 1 an ASK answered false, 2 a usage or input error.",
    )
    parser.add_argument("text", nargs="?", help="the SPARQL query text")
    parser.add_argument("--file", type=Path, help="read the query from this file")
    parser.add_argument("--canned", metavar="NAME", help="run a canned query of queries/ by name")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a canned query's parameter (repeatable)"
    )
    parser.add_argument("--endpoint", metavar="URL", help="query this SPARQL endpoint instead of the local store")
    parser.add_argument(
        "--format",
        help="answer format: json, xml, csv, tsv (SELECT/ASK, default tsv); turtle, ntriples, jsonld, rdfxml, "
        "trig, nquads (CONSTRUCT/DESCRIBE, default turtle); or a media type",
    )
    parser.add_argument("--timeout", type=float, help="seconds before the query is stopped (IPGRAPH_QUERY_TIMEOUT)")
    parser.add_argument("--data-dir", type=Path, help="directory holding the local store (IPGRAPH_DATA_DIR)")
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class QueryInput:
    """The query to run, its form and the values bound to its parameters."""

    text: str
    form: str
    bindings: dict[str, Identifier]


def run(args: argparse.Namespace) -> int:
    """Run the query and write the answer to stdout."""
    settings = Settings.from_env(data_dir=args.data_dir, query_timeout=args.timeout)
    query = _read_query(args, settings)
    chosen = _choose_format(args.format, query.form)
    timeout = args.timeout if args.timeout is not None else settings.query_timeout
    request = QueryRequest(query.text, chosen.media_type, bindings=query.bindings, timeout=timeout)
    outcome = _run_remote(args.endpoint, request) if args.endpoint else _run_local(settings, request, query.form)
    write_stdout(outcome.body, end_line=True)  # a bare "true"/"false" still ends its line
    if outcome.truncated:
        print(
            f"ipgraph: the answer was cut at {settings.row_limit:,} rows (IPGRAPH_ROW_LIMIT); add a LIMIT or "
            "narrow the query",
            file=sys.stderr,
        )
    return EXIT_NEGATIVE if outcome.answer is False else EXIT_OK


def _read_query(args: argparse.Namespace, settings: Settings) -> QueryInput:
    sources = [name for name, given in (("text", args.text), ("--file", args.file), ("--canned", args.canned)) if given]
    if len(sources) != 1:
        raise InputError(
            "give exactly one query: as text, with --file PATH or with --canned NAME"
            + (f" (got {' and '.join(sources)})" if sources else "")
        )
    if args.param and not args.canned:
        raise InputError("--param only applies to --canned queries; write values into the query text instead")
    if args.canned:
        queries = load_canned_queries(settings.project_dir / "queries")
        canned = queries.get(args.canned)
        if canned is None:
            raise InputError(f"no canned query {args.canned!r}; choose one of: {', '.join(sorted(queries))}")
        return QueryInput(canned.text, canned.form, canned.bind(_parameters(args.param)))
    if args.file:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the query from {args.file}: {error}") from None
    else:
        text = args.text
    return QueryInput(text, query_form(text), {})


def _parameters(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InputError(f"--param {pair!r} must read NAME=VALUE")
        values[name.strip()] = value
    return values


def _choose_format(name: str | None, form: str) -> Format:
    offers = RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
    if name is None:
        return SPARQL_TSV if form in ("SELECT", "ASK") else TURTLE
    chosen = format_by_name(name, offers)
    if chosen is None:
        known = format_by_name(name, ALL_FORMATS) is not None
        reason = f"does not suit a {form} query" if known else "is not a format ipgraph knows"
        raise InputError(f"--format {name!r} {reason}; choose one of {', '.join(offer.name for offer in offers)}")
    return chosen


def _run_local(settings: Settings, request: QueryRequest, form: str) -> QueryOutcome:
    """On the local store, with the same guard as the service: nothing is fetched because a query names it.

    While ``ipgraph serve`` holds the store, the query goes to that service, which applies the same guard.
    """
    store = open_local_or_running(settings)
    if isinstance(store, RunningService):
        return through_service.query(store, request, form)
    try:
        policy = GuardPolicy(
            allowed_iris=frozenset(settings.allowed_service_endpoints),
            store_graphs=lambda: frozenset(str(name) for name in store.existing_graphs()),
        )
        check_query(request.query, policy)
        return store.execute(request)
    finally:
        store.close()


def _run_remote(endpoint: str, request: QueryRequest) -> QueryOutcome:
    """On another SPARQL server, through the remote store (SPARQLWrapper)."""
    from ipgraph.store.remote import RemoteStore

    if not endpoint.startswith(("http://", "https://")):
        raise InputError(f"--endpoint {endpoint!r} must be an http:// or https:// URL of a SPARQL query endpoint")
    return RemoteStore(endpoint).execute(request)
