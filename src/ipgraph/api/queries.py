"""``/queries``: the files of ``queries/`` as an API — a list with titles and parameters, and one endpoint per query.

``GET /queries/{name}?param=value`` runs a canned query with its parameters bound as RDF terms (never pasted
into the text), answering in any SPARQL results format by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ipgraph.api.deps import CannedQueriesDep, QueryServiceDep, SettingsDep, StoreDep
from ipgraph.api.format_parameters import choose_format
from ipgraph.api.public_urls import public_root
from ipgraph.api.query_responses import outcome_response
from ipgraph.api.question_page import download_stem, question_page
from ipgraph.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, accepts_html, negotiate
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.publish.result_view import TABLE_PARAMETERS, download_extension
from ipgraph.queries import CannedQuery, get_canned_query
from ipgraph.store.base import QueryRequest

router = APIRouter(tags=["canned queries"])

#: Query-string names that steer the response instead of binding a parameter: the format, and for the question's
#: page its language and the table's sorting and paging.
RESERVED_PARAMETERS = frozenset({"format", "lang"}) | TABLE_PARAMETERS


def describe_query(query: CannedQuery, request: Request) -> dict[str, Any]:
    """A JSON-ready description of one canned query, with the URL that runs it."""
    path = request.app.url_path_for("run_canned_query", name=query.name)
    return {
        "name": query.name,
        "title": dict(query.titles),
        "description": dict(query.descriptions),
        "form": query.form,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "help": p.help} for p in query.parameters
        ],
        "url": public_root(request, request.app.state.settings) + path.lstrip("/"),
        "text": query.text,
    }


@router.get("/queries", summary="List the canned queries", response_model=None)
def list_canned_queries(request: Request, queries: CannedQueriesDep) -> dict[str, Any] | Response:
    """Every canned query with its titles (vi, en), description, parameters and the URL that runs it; a browser
    asking for HTML gets the list of question pages."""
    if accepts_html(request.headers.get("accept")):
        lang = request_language(request)
        listed = [(name, query.title(lang), query.descriptions.get(lang, "")) for name, query in queries.items()]
        return render_page(request, "questions.html", {"questions": listed}, headers={"Vary": "Accept"})
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
    name: str,
    request: Request,
    queries: CannedQueriesDep,
    service: QueryServiceDep,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    """Run a canned query; every query-string item except ``format`` binds the parameter of that name.

    A browser asking for HTML (without ``?format=``) gets the question's page instead: the answer as a table, a
    form to change the parameters, and the downloads. With ``?format=`` the answer is named for saving
    (``list_targets-2030.csv``).
    """
    query = get_canned_query(queries, name)
    values = {key: value for key, value in request.query_params.items() if key not in RESERVED_PARAMETERS}
    if not request.query_params.get("format") and accepts_html(request.headers.get("accept")):
        return question_page(request, service, query, values)
    bindings = query.bind(values)
    offers = RESULT_FORMATS if query.form in ("SELECT", "ASK") else GRAPH_FORMATS
    answer_format = choose_canned_format(request, offers)
    outcome = store.execute(
        QueryRequest(
            query=query.text,
            media_type=answer_format.media_type,
            bindings=bindings,
            timeout=settings.query_timeout,
            row_limit=settings.row_limit,
        )
    )
    response = outcome_response(outcome)
    extension = download_extension(answer_format.name)
    if request.query_params.get("format") and extension is not None:
        filename = download_stem(query, query.bind(values)) + extension
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def choose_canned_format(request: Request, offers: tuple[Format, ...]) -> Format:
    """As on ``/sparql`` (``?format=`` first, then ``Accept``, 406 when nothing fits), except that a browser
    following a link, which asks for HTML, gets the first offer instead of a 406."""
    accept = request.headers.get("accept")
    if not request.query_params.get("format") and accepts_html(accept) and negotiate(accept, offers) is None:
        return offers[0]
    return choose_format(request.query_params.get("format"), accept, offers)
