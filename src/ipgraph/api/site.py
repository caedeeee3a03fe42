"""The site for people: the home page, search, the SPARQL query page, and the site's own static assets.

Pages are plain HTML forms and links, so they work without JavaScript; only the query page's editor uses a
script, bundled from npm packages into ``ipgraph/static`` (``make web``) and served from ``/static`` — no CDN.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from rdflib.namespace import ORG
from starlette.responses import RedirectResponse, Response

from ipgraph.api.deps import SettingsDep, StoreDep
from ipgraph.api.problems import error_response
from ipgraph.api.public_urls import relative_iri_base
from ipgraph.api.resources import store_state
from ipgraph.api.sparql import guard_policy
from ipgraph.errors import IpgraphError
from ipgraph.formats import SPARQL_JSON, TURTLE
from ipgraph.publish.catalogue import list_concepts, list_members
from ipgraph.publish.locations import browse_path, link_target
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.publish.results import QueryFailure, ResultTable, failure_excerpt, result_table
from ipgraph.queries import CannedQuery
from ipgraph.search import SearchIndexCache
from ipgraph.settings import Settings
from ipgraph.sparql_guard import check_query
from ipgraph.store.base import QueryRequest, Store
from ipgraph.vocab import IPG, IPR, PREFIXES

router = APIRouter(tags=["site"])

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: The query editor, bundled by ``make web`` from ``web/`` (a build artefact, not in git).
EDITOR_BUNDLE = STATIC_DIR / "query-editor.js"
PLAN = IPR["plan-160-kh-ubnd-2021"]
_SEARCH_LOCK = threading.Lock()
SEARCH_LIMIT = 50
#: The query page's own results format: a table on the page (the others are downloads from /sparql).
PAGE_FORMAT = "html"


def mount_static(app: FastAPI, settings: Settings) -> None:
    """Serve ``ipgraph/static`` (style sheets and the editor bundle) at ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.get("/", include_in_schema=False)
def home(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """What the plan is and where to start."""
    lang = request_language(request)
    context = {
        "plan_href": browse_path(settings.base_iri, str(PLAN)),
        "organisations": list_members(store, ORG.Organization),
        "duties": list_members(store, IPG.Duty),
        "tasks": list_members(store, IPG.Task),
        "targets": list_members(store, IPG.Target),
        "ip_categories": list_concepts(store, IPR["ip-categories"]),
        "questions": [(name, query.title(lang)) for name, query in request.app.state.canned_queries.items()],
        "href": lambda iri: link_target(settings.base_iri, str(iri)),
    }
    return render_page(request, "home.html", context)


@router.get("/search", include_in_schema=False)
def search_page(request: Request, settings: SettingsDep, store: StoreDep, q: str = "") -> Response:
    """Resources whose labels or texts contain every word of ``q``, diacritics ignored."""
    hits = []
    if q.strip():
        state = store_state(request, store)
        with _SEARCH_LOCK:
            cache: SearchIndexCache | None = getattr(request.app.state, "search_index", None)
            if cache is None:
                cache = SearchIndexCache()
                request.app.state.search_index = cache
        hits = cache.get(store, state.digest).search(q, SEARCH_LIMIT)
    context = {
        "search_query": q,
        "hits": hits,
        "href": lambda iri: link_target(settings.base_iri, str(iri)),
    }
    return render_page(request, "search.html", context)


@router.get("/query", include_in_schema=False)
def query_page(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    example: str = "",
    query: str | None = None,
    format: str = PAGE_FORMAT,
) -> Response:
    """The SPARQL editor, with the canned questions as examples; ``?example=name`` fills it without JavaScript.

    Without a script the form comes back here: ``?query=`` runs the query and shows the answer as a table (any
    other ``format`` is a download, answered by ``/sparql``), so the page works as a plain HTML form too.
    """
    if query is not None and format != PAGE_FORMAT:
        return RedirectResponse("/sparql?" + urlencode({"query": query, "format": format}), status_code=303)
    lang = request_language(request)
    examples: dict[str, CannedQuery] = request.app.state.canned_queries
    chosen = examples.get(example)
    text = query if query is not None else example_text(chosen) if chosen is not None else default_query()
    outcome = run_for_page(request, settings, store, query) if query is not None else None
    context = {
        "examples": [(name, canned.title(lang), example_text(canned)) for name, canned in examples.items()],
        "examples_json": {name: example_text(canned) for name, canned in examples.items()},
        "query_text": text,
        "chosen_example": example if chosen is not None else "",
        "prefixes": PREFIXES,
        "base_iri": settings.base_iri,
        "editor_built": EDITOR_BUNDLE.is_file(),
        "result": outcome if isinstance(outcome, ResultTable) else None,
        "graph_text": outcome if isinstance(outcome, str) else None,
        "failure": outcome if isinstance(outcome, QueryFailure) else None,
        "download_query": urlencode({"query": query}) if query is not None else "",
    }
    status = 200
    if isinstance(outcome, QueryFailure):
        status = outcome.status
    return render_page(request, "query.html", context, status_code=status)


def run_for_page(
    request: Request, settings: Settings, store: Store, text: str
) -> ResultTable | str | QueryFailure:
    """Run ``text`` as the SPARQL endpoint would (same guard, deadline and row limit): a table for SELECT/ASK,
    Turtle text for CONSTRUCT/DESCRIBE, or the reason it was refused."""
    endpoint = relative_iri_base(settings)
    try:
        checked = check_query(text, guard_policy(settings, store), base_iri=endpoint)
        tabular = checked.form in ("SELECT", "ASK")
        outcome = store.execute(
            QueryRequest(
                query=f"BASE <{endpoint}>\n{text}",
                media_type=SPARQL_JSON.media_type if tabular else TURTLE.media_type,
                timeout=settings.query_timeout,
                row_limit=settings.row_limit,
            )
        )
    except IpgraphError as error:
        problem = json.loads(bytes(error_response(error).body))
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        return QueryFailure(
            problem["title"], problem["detail"], line, column, failure_excerpt(text, line), problem["status"]
        )
    if tabular:
        return result_table(outcome.body, settings.base_iri, truncated=outcome.truncated)
    return outcome.body.decode("utf-8")


def example_text(query: CannedQuery) -> str:
    """A canned query as it runs by hand: its parameters' defaults bound in a trailing ``VALUES`` block."""
    bound = [(p.name, p.parse(p.default)) for p in query.parameters if p.default is not None]
    if not bound:
        return query.text
    names = " ".join(f"?{name}" for name, _ in bound)
    values = " ".join(term.n3() for _, term in bound)
    return query.text.rstrip() + f"\nVALUES ({names}) {{ ({values}) }}\n"


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
