"""A canned question as a page for people: its title and description in the page's language, a form with one
typed input per parameter, the answer already run, the downloads, a permalink and a way into the editor.

The answer comes through :func:`ipgraph.api.answers.answer_for_page` with the parameters bound as RDF terms, as
``/queries/{name}`` binds them for programs, so the page shows exactly what a program would get.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from rdflib import URIRef
from rdflib.term import Identifier
from starlette.requests import Request
from starlette.responses import Response

from ipgraph.api.answers import answer_for_page, failure
from ipgraph.errors import InputError
from ipgraph.publish.question_form import build_form, current_values
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.publish.result_view import TableRequest, download_links, view_table
from ipgraph.publish.results import GraphAnswer, QueryFailure, ResultTable
from ipgraph.queries import CannedQuery, example_text
from ipgraph.query_service import QueryService

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def question_page(request: Request, queries: QueryService, query: CannedQuery, supplied: Mapping[str, str]) -> Response:
    """The page of ``query`` run with ``supplied`` parameter values (defaults for the rest)."""
    lang = request_language(request)
    values = current_values(query, supplied)
    path = f"/queries/{query.name}"
    params = [(name, value) for name, value in values.items() if value]
    bindings: dict[str, Identifier] | None = None
    try:
        bindings = query.bind(supplied)
    except InputError as error:
        answer: ResultTable | GraphAnswer | QueryFailure = failure(error, "")
    if bindings is not None:
        answer = answer_for_page(queries, query.text, lang, bindings=bindings)
    view = None
    if isinstance(answer, ResultTable) and answer.boolean is None:
        query_params = request.query_params
        table_request = TableRequest.from_query(
            query_params.get("sort"), query_params.get("desc"), query_params.get("page")
        )
        view = view_table(answer, table_request, path, params)
    links: tuple[tuple[str, str, str], ...] = ()
    if bindings is not None and not isinstance(answer, QueryFailure):
        links = download_links(isinstance(answer, GraphAnswer), path, params, download_stem(query, bindings))
    context = {
        "question": query,
        "question_title": query.title(lang),
        "question_description": query.description(lang) if lang in query.descriptions else "",
        "fields": build_form(queries.store, query, values, lang),
        "answer": answer,
        "view": view,
        "links": links,
        "permalink": path + "?" + urlencode([*params, ("lang", lang)]),
        "editor_link": "/query?" + urlencode({"query": bound_text(query, bindings or {})}),
    }
    status = answer.status if isinstance(answer, QueryFailure) else 200
    return render_page(request, "question.html", context, status_code=status, headers={"Vary": "Accept"})


def bound_text(query: CannedQuery, bindings: Mapping[str, Identifier]) -> str:
    """The query as the editor runs it by hand: the chosen values in a trailing ``VALUES`` block."""
    if not bindings:
        return example_text(query)
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    return query.text.rstrip() + f"\nVALUES ({names}) {{ ({values}) }}\n"


def download_stem(query: CannedQuery, bindings: Mapping[str, Identifier]) -> str:
    """A file name for the answer: the query's name and its parameter values (``list_targets-2030``)."""
    parts = [query.name]
    for term in bindings.values():
        text = str(term)
        if isinstance(term, URIRef):
            text = re.split(r"[/#]", text.rstrip("/#"))[-1]
        cleaned = _UNSAFE_FILENAME.sub("_", text).strip("._")
        if cleaned:
            parts.append(cleaned[:60])
    return "-".join(parts)
