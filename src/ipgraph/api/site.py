"""The site for people: the home page, search, the SPARQL query page, and the site's own static assets.

Pages are plain HTML forms and links, so they work without JavaScript; only the query page's editor uses a
script, bundled from npm packages into ``ipgraph/static`` (``make web``) and served from ``/static`` — no CDN.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from rdflib import URIRef
from rdflib.namespace import ORG, RDF
from starlette.responses import RedirectResponse, Response

from ipgraph.api.answers import Answer, answer_for_page, label_lookup
from ipgraph.api.deps import CannedQueriesDep, FreshnessDep, QueryServiceDep, SearchIndexDep, SettingsDep, StoreDep
from ipgraph.api.static_files import EDITOR_BUNDLE
from ipgraph.publish.catalogue import list_concepts, list_members
from ipgraph.publish.describe import fetch_values
from ipgraph.publish.i18n import Language
from ipgraph.publish.locations import browse_path, link_target
from ipgraph.publish.property_names import class_names
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.publish.result_view import (
    GRAPH_DOWNLOADS,
    TABLE_DOWNLOADS,
    ResultView,
    TableRequest,
    download_links,
    view_table,
)
from ipgraph.publish.results import GraphAnswer, QueryFailure, ResultTable
from ipgraph.queries import example_text
from ipgraph.query_service import QueryService
from ipgraph.store.base import Store
from ipgraph.vocab import IPG, IPR, PREFIXES

router = APIRouter(tags=["site"])

PLAN = IPR["plan-160-kh-ubnd-2021"]
#: Most hits a search counts (the index ranks them; a reader pages through them).
SEARCH_LIMIT = 1000
SEARCH_PAGE_SIZE = 20
#: The query page's own results format: a table on the page (the others are downloads from /sparql).
PAGE_FORMAT = "html"
#: What the query page's format menu offers besides the table: downloads from ``/sparql``.
QUERY_PAGE_FORMATS = tuple(
    (name, title, extension.lstrip(".")) for name, title, extension in TABLE_DOWNLOADS + GRAPH_DOWNLOADS
)


@router.get("/", include_in_schema=False)
def home(request: Request, settings: SettingsDep, store: StoreDep, queries: CannedQueriesDep) -> Response:
    """What the plan is and where to start."""
    lang = request_language(request)
    context = {
        "plan_href": browse_path(settings.base_iri, str(PLAN)),
        "organisations": list_members(store, ORG.Organization),
        "duties": list_members(store, IPG.Duty),
        "tasks": list_members(store, IPG.Task),
        "targets": list_members(store, IPG.Target),
        "ip_categories": list_concepts(store, IPR["ip-categories"]),
        "questions": [(name, query.title(lang), query.descriptions.get(lang, "")) for name, query in queries.items()],
        "href": lambda iri: link_target(settings.base_iri, str(iri)),
    }
    return render_page(request, "home.html", context)


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    freshness: FreshnessDep,
    search_index: SearchIndexDep,
    q: str = "",
    page: str | None = None,
) -> Response:
    """Resources whose labels or texts contain every word of ``q``, diacritics ignored: how many, a page of them
    at a time, each with its type."""
    hits = []
    if q.strip():
        state = freshness.observe(store)
        hits = search_index.get(store, state.digest).search(q, SEARCH_LIMIT)
    lang = request_language(request)
    pages = max(1, -(-len(hits) // SEARCH_PAGE_SIZE))
    number = min(TableRequest.from_query(None, None, page).page, pages)
    shown = hits[(number - 1) * SEARCH_PAGE_SIZE : number * SEARCH_PAGE_SIZE]
    context = {
        "search_query": q,
        "hits": shown,
        "total": len(hits),
        "capped": len(hits) >= SEARCH_LIMIT,
        "page": number,
        "pages": pages,
        "first": (number - 1) * SEARCH_PAGE_SIZE + 1,
        "page_href": lambda n: "/search?" + urlencode({"q": q, "page": n}),
        "types": hit_types(store, [hit.resource for hit in shown], lang),
        "href": lambda iri: link_target(settings.base_iri, str(iri)),
    }
    return render_page(request, "search.html", context)


def hit_types(store: Store, resources: list[URIRef], lang: Language) -> dict[URIRef, list[str]]:
    """The types of each resource, named in ``lang`` (ipgraph's own kinds first)."""
    if not resources:
        return {}
    typed: dict[URIRef, set[URIRef]] = {}
    for subject, _, kind in fetch_values(store, resources, (RDF.type,)):
        if isinstance(subject, URIRef) and isinstance(kind, URIRef):
            typed.setdefault(subject, set()).add(kind)
    names = label_lookup(store, {str(kind) for kinds in typed.values() for kind in kinds})
    found = {subject: class_names(map(str, kinds), names, lang) for subject, kinds in typed.items()}
    return found


@router.get("/query", include_in_schema=False)
def query_page(
    request: Request,
    settings: SettingsDep,
    queries: QueryServiceDep,
    examples: CannedQueriesDep,
    example: str = "",
    query: str | None = None,
    format: str = PAGE_FORMAT,
) -> Response:
    """The SPARQL editor, with the canned questions as examples; ``?example=name`` fills it without JavaScript.

    ``?query=`` runs the query and shows the answer as a table (any other ``format`` is a download, answered by
    ``/sparql``): the query lives in the URL, so a page can be shared, reloaded and switched to the other language.
    """
    if query is not None and format != PAGE_FORMAT:
        return RedirectResponse("/sparql?" + urlencode({"query": query, "format": format}), status_code=303)
    lang = request_language(request)
    chosen = examples.get(example)
    text = query if query is not None else example_text(chosen) if chosen is not None else default_query()
    context = {
        "examples": [(name, canned.title(lang)) for name, canned in examples.items()],
        "examples_json": {name: example_text(canned) for name, canned in examples.items()},
        "query_text": text,
        "chosen_example": example if chosen is not None else "",
        "prefixes": PREFIXES,
        "base_iri": settings.base_iri,
        "editor_built": EDITOR_BUNDLE.is_file(),
        "formats": QUERY_PAGE_FORMATS,
    }
    status = 200
    if query is not None:
        answer, view, links = query_answer(request, queries, query)
        context.update({"answer": answer, "view": view, "links": links})
        if isinstance(answer, QueryFailure):
            status = answer.status
    return render_page(request, "query.html", context, status_code=status)


@router.get("/query/answer", include_in_schema=False)
def query_answer_fragment(request: Request, queries: QueryServiceDep, query: str = "") -> Response:
    """The answer part of ``/query?query=…`` alone, for the editor to put on the page it is already showing."""
    answer, view, links = query_answer(request, queries, query)
    status = answer.status if isinstance(answer, QueryFailure) else 200
    return render_page(
        request, "query_answer.html", {"answer": answer, "view": view, "links": links}, status_code=status
    )


def query_answer(
    request: Request, queries: QueryService, text: str
) -> tuple[Answer, ResultView | None, tuple[tuple[str, str, str], ...]]:
    """Run ``text`` for the query page: the answer, the table's page of it, and its download links."""
    answer = answer_for_page(queries, text, request_language(request))
    query_items = [("query", text)]
    view = None
    if isinstance(answer, ResultTable) and answer.boolean is None:
        params = request.query_params
        table_request = TableRequest.from_query(params.get("sort"), params.get("desc"), params.get("page"))
        view = view_table(answer, table_request, "/query", query_items)
    links: tuple[tuple[str, str, str], ...] = ()
    if not isinstance(answer, QueryFailure):
        links = download_links(isinstance(answer, GraphAnswer), "/sparql", query_items, "ipgraph-query")
    return answer, view, links


def default_query() -> str:
    """The editor's first query: the plan's duties with their leads."""
    return (
        "PREFIX ipg: <https://w3id.org/ipgraph/def#>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX ipr: <https://w3id.org/ipgraph/id/>\n\n"
        "SELECT ?duty ?label ?lead WHERE {\n"
        "  ?duty a ipg:Duty ; rdfs:label ?label ;\n"
        "        prov:qualifiedAssociation [ prov:agent ?lead ; prov:hadRole ipr:role-lead ] .\n"
        '  FILTER(lang(?label) = "en")\n'
        "}\nORDER BY ?duty\nLIMIT 50\n"
    )
