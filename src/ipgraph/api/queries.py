"""``/queries``: the files of ``queries/`` as an API — a list with titles and parameters, and one endpoint per query.

``GET /queries/{name}?param=value`` runs a canned query with its parameters bound as RDF terms (never pasted
into the text), answering in any SPARQL results format by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ipgraph.api.deps import SettingsDep, StoreDep
from ipgraph.formats import RESULT_FORMATS, Format, NotAcceptableError, format_by_name, negotiate
from ipgraph.queries import CannedQuery, get_canned_query
from ipgraph.store.base import QueryRequest

router = APIRouter(tags=["canned queries"])

#: Query-string names that steer the response instead of binding a parameter.
RESERVED_PARAMETERS = frozenset({"format"})


def get_canned_queries(request: Request) -> dict[str, CannedQuery]:
    """The canned queries read from ``queries/`` when the app was created."""
    queries: dict[str, CannedQuery] = request.app.state.canned_queries
    return queries


CannedQueriesDep = Annotated[dict[str, CannedQuery], Depends(get_canned_queries)]


def describe_query(query: CannedQuery, request: Request) -> dict[str, Any]:
    """A JSON-ready description of one canned query, with the URL that runs it."""
    return {
        "name": query.name,
        "title": dict(query.titles),
        "description": dict(query.descriptions),
        "form": query.form,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "help": p.help} for p in query.parameters
        ],
        "url": str(request.url_for("run_canned_query", name=query.name)),
        "text": query.text,
    }


@router.get("/queries", summary="List the canned queries")
def list_canned_queries(request: Request, queries: CannedQueriesDep) -> dict[str, Any]:
    """Every canned query with its titles (vi, en), description, parameters and the URL that runs it."""
    return {"queries": [describe_query(query, request) for query in queries.values()]}


@router.get("/queries/{name}/about", summary="Describe one canned query")
def describe_canned_query(name: str, request: Request, queries: CannedQueriesDep) -> dict[str, Any]:
    """One canned query's titles, description, parameters and text."""
    return describe_query(get_canned_query(queries, name), request)


@router.get(
    "/queries/{name}",
    summary="Run one canned query",
    responses={200: {"content": {fmt.media_type: {} for fmt in RESULT_FORMATS}}},
)
def run_canned_query(
    name: str, request: Request, queries: CannedQueriesDep, store: StoreDep, settings: SettingsDep
) -> Response:
    """Run a canned query; every query-string item except ``format`` binds the parameter of that name."""
    query = get_canned_query(queries, name)
    values = {key: value for key, value in request.query_params.items() if key not in RESERVED_PARAMETERS}
    bindings = query.bind(values)
    answer_format = choose_result_format(request)
    outcome = store.execute(
        QueryRequest(
            query=query.text,
            media_type=answer_format.media_type,
            bindings=bindings,
            timeout=settings.query_timeout,
            row_limit=settings.row_limit,
        )
    )
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-Ipgraph-Truncated"] = "true"
    return Response(outcome.body, media_type=outcome.media_type, headers=headers)


def choose_result_format(request: Request) -> Format:
    """``?format=`` wins over ``Accept``; a browser asking only for HTML gets SPARQL JSON."""
    requested = request.query_params.get("format")
    if requested is not None:
        chosen = format_by_name(requested, RESULT_FORMATS)
        if chosen is None:
            names = ", ".join(fmt.name for fmt in RESULT_FORMATS)
            raise NotAcceptableError(f"format {requested!r} is not a results format; use one of {names}")
        return chosen
    return negotiate(request.headers.get("accept"), (*RESULT_FORMATS,)) or RESULT_FORMATS[0]
