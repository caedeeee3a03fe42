"""Running one query on a pyoxigraph store and shaping its answer; used in-process and by query workers.

Every function here takes an open ``pyoxigraph.Store`` and plain, picklable arguments, so the same code answers
a query in the server process and in a worker process that can be killed at the deadline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib.term import Identifier

from ipgraph.errors import InputError, QuerySyntaxError, StoreUnavailableError
from ipgraph.spreadsheet_cells import spreadsheet_safe_csv, spreadsheet_safe_tsv
from ipgraph.store.base import QueryOutcome, Row
from ipgraph.store.sandbox import refused_fetch
from ipgraph.store.sparql_text import bind_values, has_dataset_clause
from ipgraph.store.terms import from_ox, substitutions, triples_to_graph

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"

#: Media types for results when the request asks for one that does not fit the result's kind.
DEFAULT_MEDIA_TYPES = {"bindings": SPARQL_JSON, "boolean": SPARQL_JSON, "graph": "text/turtle"}


@dataclass(frozen=True)
class QueryTask:
    """One query for :func:`evaluate`, picklable so it can travel to a worker process.

    ``operation`` is ``execute`` (serialise for the protocol) or ``select``/``ask``/``construct`` (rdflib
    terms for internal callers). Empty ``default_graphs`` and ``named_graphs`` mean the union default graph.
    """

    operation: str
    query: str
    bindings: Mapping[str, Identifier] = field(default_factory=dict)
    media_type: str = SPARQL_JSON
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()
    row_limit: int | None = None


def evaluate(store: ox.Store, task: QueryTask) -> Any:
    """Run ``task``: a :class:`QueryOutcome` for ``execute``, rows, a bool or a Graph otherwise.

    The engine evaluates lazily, so a SERVICE call (and its failure behind the network wall) may come while the
    results are read, not when the query starts.
    """
    try:
        return _evaluate(store, task)
    except OSError as error:
        refusal = refused_fetch(error)
        if refusal is not None:
            raise refusal from None
        raise StoreUnavailableError(f"the store could not be read: {error}") from error


def _evaluate(store: ox.Store, task: QueryTask) -> Any:
    result = run_query(store, task.query, task.bindings, task.default_graphs, task.named_graphs)
    if task.operation == "execute":
        return serialise(result, task.media_type, task.row_limit)
    if task.operation == "select":
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        names = [variable.value for variable in result.variables]
        return [_row(names, solution) for solution in result]
    if task.operation == "ask":
        if not isinstance(result, ox.QueryBoolean):
            raise InputError("expected an ASK query")
        return bool(result)
    if task.operation == "construct":
        if not isinstance(result, ox.QueryTriples):
            raise InputError("expected a CONSTRUCT or DESCRIBE query")
        return triples_to_graph(result)
    raise ValueError(f"unknown operation {task.operation!r}")


def run_query(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, Identifier] | None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query over the union default graph, or over the protocol's dataset when one is named.

    Bindings go in as ``substitutions`` (SEP-0007); pyoxigraph only substitutes projected variables, so a
    query binding a variable it does not select gets the same terms as a VALUES block opening its WHERE group.
    """
    options: dict[str, Any] = {}
    if default_graphs or named_graphs:
        # SPARQL 1.1 Protocol §2.1.4: the request's dataset replaces any FROM/FROM NAMED of the query.
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    elif not has_dataset_clause(query):
        options["use_default_graph_as_union"] = True
    try:
        try:
            return store.query(query, substitutions=substitutions(bindings), **options)  # type: ignore[arg-type]
        except RuntimeError as error:
            if not bindings or "does not contains variable" not in str(error):
                raise
            return store.query(bind_values(query, bindings), **options)
    except SyntaxError as error:
        raise syntax_error(error) from None
    except OSError as error:
        refusal = refused_fetch(error)
        if refusal is not None:
            raise refusal from None
        raise StoreUnavailableError(f"the store could not be read: {error}") from error
    except (RuntimeError, ValueError) as error:
        raise InputError(f"the query failed: {error}") from None


def syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """pyoxigraph's ``error at LINE:COLUMN: …`` as a :class:`QuerySyntaxError` carrying the position."""
    message = str(error)
    match = re.match(r"error at (\d+):(\d+): ", message)
    if match is None:
        return QuerySyntaxError(f"SPARQL syntax error: {message}")
    line, column = int(match.group(1)), int(match.group(2))
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column} ({line}:{column}): {message[match.end() :]}",
        line=line,
        column=column,
    )


def serialise(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, media_type: str, row_limit: int | None
) -> QueryOutcome:
    """Serialise with the engine's own writers, cutting solutions or triples at ``row_limit``."""
    if isinstance(result, ox.QueryBoolean):
        media_type, results_format = _results_format(media_type, "boolean")
        body = _bytes(result.serialize(format=results_format))
        return QueryOutcome("boolean", media_type, body, answer=bool(result))
    if isinstance(result, ox.QuerySolutions):
        media_type, results_format = _results_format(media_type, "bindings")
        names = [variable.value for variable in result.variables]
        rows = list(result if row_limit is None else islice(result, row_limit + 1))
        truncated = row_limit is not None and len(rows) > row_limit
        kept = rows[:row_limit] if truncated else rows
        # A consumed iterator cannot be serialised again: write the kept rows as TSV (terms in their N-Triples
        # form) and let the engine re-read and write them in the requested format.
        header = "\t".join(f"?{name}" for name in names)
        lines = ["\t".join("" if term is None else str(term) for term in solution) for solution in kept]
        tsv = "\n".join([header, *lines]) + "\n"
        solutions = ox.parse_query_results(tsv.encode(), ox.QueryResultsFormat.TSV)
        body = _spreadsheet_safe(_bytes(solutions.serialize(format=results_format)), results_format)
        return QueryOutcome("bindings", media_type, body, truncated)
    triples = list(result if row_limit is None else islice(result, row_limit + 1))
    truncated = row_limit is not None and len(triples) > row_limit
    kept = triples[:row_limit] if truncated else triples
    return QueryOutcome("graph", *serialise_triples(kept, media_type), truncated)


def serialise_triples(triples: Sequence[ox.Triple], media_type: str) -> tuple[str, bytes]:
    """(media type actually written, body) for a list of triples; JSON-LD goes through rdflib."""
    if media_type.split(";")[0].strip() == JSON_LD:
        return JSON_LD, triples_to_graph(triples).serialize(format="json-ld").encode()
    rdf_format = _rdf_format(media_type)
    if rdf_format is None:
        media_type, rdf_format = DEFAULT_MEDIA_TYPES["graph"], ox.RdfFormat.TURTLE
    return media_type, _bytes(ox.serialize(triples, format=rdf_format))


def _spreadsheet_safe(body: bytes, results_format: ox.QueryResultsFormat) -> bytes:
    """CSV and TSV answers are opened in spreadsheets: no cell may start a formula (ipgraph.spreadsheet_cells)."""
    if results_format == ox.QueryResultsFormat.CSV:
        return spreadsheet_safe_csv(body)
    if results_format == ox.QueryResultsFormat.TSV:
        return spreadsheet_safe_tsv(body)
    return body


def _results_format(media_type: str, kind: str) -> tuple[str, ox.QueryResultsFormat]:
    found = _lookup(ox.QueryResultsFormat.from_media_type, media_type)
    if found is None:
        return DEFAULT_MEDIA_TYPES[kind], ox.QueryResultsFormat.JSON
    return media_type, found


def _rdf_format(media_type: str) -> ox.RdfFormat | None:
    found: ox.RdfFormat | None = _lookup(ox.RdfFormat.from_media_type, media_type)
    return found


def _bytes(body: bytes | None) -> bytes:
    """Serialisers return bytes when given no output stream."""
    assert body is not None  # noqa: S101 - pyoxigraph's contract, narrowed for the type checker
    return body


def _lookup(finder: Any, media_type: str) -> Any:
    try:
        return finder(media_type)
    except (ValueError, TypeError):
        return None


def _row(names: Sequence[str], solution: ox.QuerySolution) -> Row:
    row: Row = {}
    for name, term in zip(names, solution, strict=True):
        if term is not None:
            row[name] = from_ox(term)
    return row
