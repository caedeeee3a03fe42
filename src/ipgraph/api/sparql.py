"""``/sparql``: the SPARQL 1.1 Protocol endpoint for queries and updates, and the Service Description.

- query: ``GET ?query=``, ``POST`` form-encoded, ``POST application/sparql-query`` (§2.1.1–§2.1.3), with
  ``default-graph-uri``/``named-graph-uri`` (§2.1.4);
- update: ``POST`` form-encoded or ``application/sparql-update`` (§2.2.1–§2.2.2) with
  ``using-graph-uri``/``using-named-graph-uri`` (§2.2.3); needs a bearer token;
- ``GET`` without a query: the Service Description (SPARQL 1.1 Service Description §3);
- results in the format chosen by ``Accept`` (q-values honoured) or by ``?format=`` for browsers.

A result cut by the row limit is marked with the header ``X-Ipgraph-Truncated: true``; SPARQL JSON answers also
carry a top-level ``"truncated": true`` member (clients that do not know it ignore it).

A query is answered without a thread: the guard's cached check runs in the handler when it takes microseconds,
and the query worker's answer is awaited on the event loop (:meth:`ipgraph.store.base.Store.execute_async`), so a
slow query never blocks the loop and a fast one pays no thread hops. Longer guard checks, updates and the Service
Description run in the thread pool.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.auth import check_request_write_access
from ipgraph.api.body import decode_utf8, has_body, read_body
from ipgraph.api.deps import QueryServiceDep
from ipgraph.api.format_parameters import choose_answer_format, format_values
from ipgraph.api.public_urls import endpoint_url, relative_iri_base
from ipgraph.api.query_responses import outcome_response
from ipgraph.errors import HttpStatusError, InputError, QuerySyntaxError
from ipgraph.formats import (
    ASK_FORMATS,
    DESCRIPTION_FORMATS,
    FORM_MEDIA_TYPE,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    SPARQL_QUERY_MEDIA_TYPE,
    SPARQL_UPDATE_MEDIA_TYPE,
    parse_media_type,
)
from ipgraph.query_service import QueryService, with_base
from ipgraph.service_description import describe_service
from ipgraph.settings import Settings
from ipgraph.sparql_guard import (
    check_update,
    tolerate_clear_of_empty_graphs,
)
from ipgraph.store.base import QueryRequest, Store, UpdateRequest
from ipgraph.store.sparql_text import position_in_caller_text

router = APIRouter(tags=["sparql"])

#: Longest query or update accepted. The fetch guard parses the whole text with rdflib's grammar, at about
#: 15 µs per character on one core, uninterruptibly: this bounds that to a couple of seconds per request.
MAX_REQUEST_CHARACTERS = 128 * 1024

#: Form-encoded bodies up to this length keep their decoded fields in a small cache.
CACHED_FORM_CHARACTERS = 16 * 1024

Operation = Literal["query", "update", "describe"]


@dataclass(frozen=True)
class ProtocolRequest:
    """One request to ``/sparql`` once its parameters are gathered from the URL and the body."""

    operation: Operation
    text: str = ""
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    using_graph_uris: tuple[str, ...] = ()
    using_named_graph_uris: tuple[str, ...] = ()
    format_values: tuple[str, ...] = ()


@router.get("/sparql")
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request, queries: QueryServiceDep) -> Response:
    """Run a query given in the URL, or describe the service when there is none (§2.1.1)."""
    if has_body(request):
        raise InputError("a GET request must not carry a body; POST the query instead (SPARQL 1.1 Protocol §2.1)")
    params = _multi(request.query_params.multi_items())
    if "update" in params:
        raise InputError("updates must be sent with POST (SPARQL 1.1 Protocol §2.2), never with GET")
    if "query" not in params:
        _single(params, "version")
        return await run_in_threadpool(_describe, request, tuple(format_values(params)))
    return await _answer(request, queries, _protocol_request(params, "query"))


@router.post("/sparql")
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request, queries: QueryServiceDep) -> Response:
    """Run a query or an update sent in the body, form-encoded or direct (§2.1.2, §2.1.3, §2.2.1, §2.2.2)."""
    settings: Settings = request.app.state.settings
    content_type = request.headers.get("content-type")
    media_type, _ = parse_media_type(content_type)
    params = _multi(request.query_params.multi_items())
    if media_type == SPARQL_UPDATE_MEDIA_TYPE:
        check_request_write_access(request)
    if media_type == FORM_MEDIA_TYPE:
        in_url = [name for name in ("query", "update") if name in params]
        if in_url:
            raise InputError(
                f"a form-encoded POST carries its {in_url[0]} in the body, not in the URL "
                "(SPARQL 1.1 Protocol §2.1.2, §2.2.1)"
            )
        text = decode_utf8(await read_body(request, settings.max_body_bytes), content_type)
        for name, values in _multi(_form_fields(text)).items():
            params.setdefault(name, []).extend(values)
        if "query" in params and "update" in params:
            raise InputError("a request carries either a query or an update, not both")
        if "update" in params:
            check_request_write_access(request)
            return await run_in_threadpool(_apply, request, queries, _protocol_request(params, "update"))
        if "query" not in params:
            raise InputError("a form-encoded POST needs a 'query' or an 'update' parameter")
        return await _answer(request, queries, _protocol_request(params, "query"))
    if media_type in (SPARQL_QUERY_MEDIA_TYPE, SPARQL_UPDATE_MEDIA_TYPE):
        operation: Operation = "query" if media_type == SPARQL_QUERY_MEDIA_TYPE else "update"
        if "query" in params or "update" in params:
            raise InputError(f"with {media_type} the {operation} is the body; do not also give it in the URL")
        text = decode_utf8(await read_body(request, settings.max_body_bytes), content_type)
        params[operation] = [text]
        if operation == "query":
            return await _answer(request, queries, _protocol_request(params, operation))
        return await run_in_threadpool(_apply, request, queries, _protocol_request(params, operation))
    accepted = f"{FORM_MEDIA_TYPE}, {SPARQL_QUERY_MEDIA_TYPE} or {SPARQL_UPDATE_MEDIA_TYPE}"
    if not media_type:
        raise HttpStatusError(415, f"a POST to /sparql needs a Content-Type: {accepted}")
    raise HttpStatusError(415, f"cannot read a SPARQL request from {media_type!r}; send {accepted}")


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
@router.api_route("/sparql/", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other_method(request: Request) -> Response:
    """Refuse other methods with a 405 whose ``Allow`` names both GET and POST (RFC 9110 §15.5.6)."""
    raise HttpStatusError(
        405,
        f"{request.method} is not a SPARQL protocol method: send a query with GET or POST, an update with POST "
        "(SPARQL 1.1 Protocol §2.1, §2.2)",
        headers={"Allow": "GET, POST"},
    )


def _form_fields(body: str) -> tuple[tuple[str, str], ...]:
    """The fields of a form-encoded body; short bodies are remembered (see :func:`_cached_form_fields`)."""
    if len(body) <= CACHED_FORM_CHARACTERS:
        return _cached_form_fields(body)
    return tuple(parse_qsl(body, keep_blank_values=True))


@lru_cache(maxsize=256)
def _cached_form_fields(body: str) -> tuple[tuple[str, str], ...]:
    # Percent-decoding is pure Python, about 150 µs for a 1 KB query in Vietnamese (every letter with a
    # diacritic is two or three %XX escapes); the same canned and dashboard queries come again and again.
    return tuple(parse_qsl(body, keep_blank_values=True))


def _multi(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise InputError(f"the parameter {name!r} was given {len(values)} times; give it once")
    return values[0] if values else None


def _protocol_request(params: Mapping[str, list[str]], operation: Operation) -> ProtocolRequest:
    # ipgraph holds text in Unicode NFC (docs/model.md, "Text"): a query or update typed in decomposed form
    # (NFD, or mixed) is normalised here, so its literals match the stored text and its inserts store NFC.
    text = unicodedata.normalize("NFC", _single(params, operation) or "")
    if not text.strip():
        raise InputError(f"the {operation} is empty")
    if len(text) > MAX_REQUEST_CHARACTERS:
        raise HttpStatusError(
            413,
            f"the {operation} is {len(text):,} characters long; /sparql takes at most {MAX_REQUEST_CHARACTERS:,} "
            "(checking a request for remote fetches costs CPU time in proportion to its length). Send bulk data "
            "to the Graph Store (/store), or split a long VALUES block over several queries",
        )
    _single(params, "version")  # SPARQL 1.2 Protocol: at most one version per request
    return ProtocolRequest(
        operation=operation,
        text=text,
        default_graph_uris=tuple(params.get("default-graph-uri", ())),
        named_graph_uris=tuple(params.get("named-graph-uri", ())),
        using_graph_uris=tuple(params.get("using-graph-uri", ())),
        using_named_graph_uris=tuple(params.get("using-named-graph-uri", ())),
        format_values=tuple(format_values(params)),
    )


async def _answer(request: Request, queries: QueryService, protocol: ProtocolRequest) -> Response:
    """Guard, run and serialise a query; only steps of microseconds run on the loop, any longer one on a thread."""
    settings = queries.settings
    graphs = {"default_graph_uris": protocol.default_graph_uris, "named_graph_uris": protocol.named_graph_uris}
    if queries.check_is_quick(protocol.text, **graphs):
        checked = queries.check(protocol.text, **graphs)
    else:
        checked = await run_in_threadpool(partial(queries.check, protocol.text, **graphs))
    offers = {"SELECT": RESULT_FORMATS, "ASK": ASK_FORMATS}.get(checked.form, GRAPH_FORMATS)
    chosen = choose_answer_format(protocol.format_values, request.headers.get("accept"), offers)
    outcome = await queries.execute_async(
        QueryRequest(
            query=protocol.text,
            media_type=chosen.media_type,
            default_graph_uris=protocol.default_graph_uris,
            named_graph_uris=protocol.named_graph_uris,
            timeout=settings.query_timeout,
            row_limit=settings.row_limit,
        )
    )
    if outcome.truncated:  # the truncation mark may rewrite a large JSON body
        return await run_in_threadpool(outcome_response, outcome)
    return outcome_response(outcome)


def _apply(request: Request, queries: QueryService, protocol: ProtocolRequest) -> Response:
    settings = queries.settings
    endpoint = relative_iri_base(settings)
    checked = check_update(
        protocol.text,
        queries.policy(),
        base_iri=endpoint,
        using_graph_uris=protocol.using_graph_uris,
        using_named_graph_uris=protocol.using_named_graph_uris,
    )
    update = tolerate_clear_of_empty_graphs(protocol.text, checked)
    try:
        queries.store.update(
            UpdateRequest(
                update=with_base(update, endpoint),
                using_graph_uris=protocol.using_graph_uris,
                using_named_graph_uris=protocol.using_named_graph_uris,
                timeout=settings.query_timeout,
            )
        )
    except QuerySyntaxError as error:  # counted in the client's lines (the guard may have put lines in front)
        raise position_in_caller_text(error, lines_before=1 + update.count("\n") - protocol.text.count("\n")) from None
    return Response(status_code=204)


def _describe(request: Request, format_names: tuple[str, ...]) -> Response:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    accept = request.headers.get("accept")
    chosen = choose_answer_format(format_names, accept, DESCRIPTION_FORMATS)
    description = describe_service(
        endpoint_url(request, settings), store.graph_names(), supports_update=not settings.read_only
    )
    body = description.serialize(format=chosen.rdflib_name or "turtle", encoding="utf-8")
    return Response(body, media_type=chosen.content_type(), headers={"Vary": "Accept"})
