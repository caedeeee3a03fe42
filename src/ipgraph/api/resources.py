"""Dereferencing published IRIs (W3C "Cool URIs for the Semantic Web", 303 See Other for things).

``/id/X`` and ``/graph/X`` redirect to their documents ``/doc/id/X`` and ``/doc/graph/X``; ``/def`` (the ontology,
a document itself since its terms are hash IRIs) is answered in place. A document comes as
HTML for browsers and as Turtle, JSON-LD, RDF/XML or N-Triples by ``Accept`` or by an explicit extension
(:mod:`ipgraph.publish.locations`). Every answer says ``Vary: Accept`` and carries validators, so clients and
caches can revalidate with a conditional GET.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from fastapi import APIRouter, Request
from rdflib import Graph, URIRef
from starlette.responses import RedirectResponse, Response

from ipgraph.api.deps import SettingsDep, StoreDep
from ipgraph.api.problems import problem_response
from ipgraph.api.public_urls import public_root
from ipgraph.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format, format_by_name, negotiate
from ipgraph.publish.dataset import DatasetLinks, add_graph_description
from ipgraph.publish.describe import bind_prefixes, describe_resource, resource_exists
from ipgraph.publish.freshness import FreshnessTracker, StoreState, is_not_modified
from ipgraph.publish.locations import EXTENSIONS, document_path, document_request, iri_for_path
from ipgraph.publish.ontology_doc import document_ontology
from ipgraph.publish.rendering import HTML_VARY, render_page, request_language
from ipgraph.publish.summaries import resource_page
from ipgraph.settings import Settings
from ipgraph.store.base import Store

router = APIRouter(tags=["linked data"])

#: The HTML page of a document, offered first so browsers and ``Accept: */*`` get it.
HTML = Format("html", "text/html", "graph", (".html",))
#: What a document is offered as, the server's preference first.
DOCUMENT_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSON_LD, RDF_XML, N_TRIPLES)
_EXTENSION_OF = {name: extension for extension, name in EXTENSIONS.items()}
_TRACKER_LOCK = threading.Lock()


def dataset_links(request: Request, settings: Settings) -> DatasetLinks:
    """Links to this service's own pages and dumps: ``public_url`` when set, else the request's root."""
    return DatasetLinks(public_root(request, settings), settings.base_iri)


def store_state(request: Request, store: Store) -> StoreState:
    """The store's current state, observed through the application's one :class:`FreshnessTracker`."""
    with _TRACKER_LOCK:
        tracker: FreshnessTracker | None = getattr(request.app.state, "freshness", None)
        if tracker is None:
            tracker = FreshnessTracker()
            request.app.state.freshness = tracker
    return tracker.observe(store)


def validators(state: StoreState, variant: str) -> dict[str, str]:
    """``ETag`` and ``Last-Modified`` headers for one representation in ``state``."""
    return {"ETag": state.etag(variant), "Last-Modified": state.last_modified}


def not_modified(request: Request, headers: dict[str, str], state: StoreState) -> Response | None:
    """A 304 answer when the request's validators still match (RFC 9110 §15.4.5), else ``None``."""
    if is_not_modified(
        state, headers["ETag"], request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    ):
        return Response(status_code=304, headers=headers)
    return None


def choose_format(request: Request, explicit: str | None, offers: Sequence[Format]) -> Format | None:
    """The extension's format when given, else the negotiated one (``None``: 406)."""
    if explicit is not None:
        return format_by_name(explicit, offers) or (HTML if explicit == "html" else None)
    return negotiate(request.headers.get("accept"), offers)


def serialise_graph(graph: Graph, fmt: Format) -> bytes:
    """``graph`` in an RDF format, as bytes."""
    data = graph.serialize(format=fmt.rdflib_name or fmt.name, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()


def not_acceptable() -> Response:
    """406 as problem details, listing what a document can be had as (RFC 9110 §15.5.7)."""
    offered = ", ".join(f.media_type for f in DOCUMENT_FORMATS)
    return problem_response(406, f"this document is offered as {offered}", headers={"Vary": "Accept"})


def not_found(request: Request, iri: str) -> Response:
    """404: an HTML page for browsers, problem details for programs."""
    if negotiate(request.headers.get("accept"), DOCUMENT_FORMATS) is HTML:
        return render_page(request, "not_found.html", {"iri": iri}, status_code=404, headers={"Vary": "Accept"})
    return problem_response(404, f"the graph holds no triples about <{iri}>", headers={"Vary": "Accept"})


def see_other(request: Request, store: Store, iri: URIRef, base_iri: str) -> Response:
    """303 See Other from a thing's IRI to its document, or 404 when the store knows nothing about it."""
    if not resource_exists(store, iri):
        return not_found(request, str(iri))
    target = document_path(base_iri, str(iri))
    assert target is not None  # noqa: S101 - iri was built under the base from an /id/ or /graph/ path
    return RedirectResponse(with_query(request, target), status_code=303, headers={"Vary": "Accept"})


def with_query(request: Request, target: str) -> str:
    """``target`` with the request's query string kept (``?lang=en`` survives the redirect)."""
    query = request.url.query
    return f"{target}?{query}" if query else target


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def dereference_thing(path: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """A thing's IRI: 303 to its document."""
    return see_other(request, store, iri_for_path(settings.base_iri, "id/" + path), settings.base_iri)


@router.api_route("/graph/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def dereference_graph(path: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """A named graph's IRI: 303 to its document."""
    iri = iri_for_path(settings.base_iri, "graph/" + path)
    if iri in store.graph_names():
        return RedirectResponse(
            with_query(request, document_path(settings.base_iri, str(iri)) or "/"),
            status_code=303,
            headers={"Vary": "Accept"},
        )
    return see_other(request, store, iri, settings.base_iri)


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"], summary="The document describing a published IRI")
def resource_document(path: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """The description of ``{base}{path}`` as HTML or RDF (``Accept`` or an extension: .html .ttl .jsonld .rdf .nt)."""
    wanted = document_request(settings.base_iri, path)
    fmt = choose_format(request, wanted.format_name, DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable()
    state = store_state(request, store)
    variant = fmt.name + ("-" + request_language(request) if fmt is HTML else "")
    headers = validators(state, variant)
    headers["Vary"] = HTML_VARY if fmt is HTML else "Accept"
    canonical = document_path(settings.base_iri, str(wanted.iri)) or request.url.path
    headers["Content-Location"] = canonical + _EXTENSION_OF.get(fmt.name, "")
    headers["Link"] = ", ".join(
        f'<{canonical}{_EXTENSION_OF[alt.name]}>; rel="alternate"; type="{alt.media_type}"'
        for alt in DOCUMENT_FORMATS
        if alt.name in _EXTENSION_OF
    )
    cached = not_modified(request, headers, state)
    if cached is not None:
        return cached
    description = describe_resource(store, wanted.iri)
    if wanted.iri in store.graph_names():
        # A named graph's document says what the graph is: a VoID subset with its size and dumps.
        add_graph_description(description, state, dataset_links(request, settings), wanted.iri)
    if len(description) == 0:
        return not_found(request, str(wanted.iri))
    if fmt is HTML:
        view = resource_page(store, description, wanted.iri, settings.base_iri, request_language(request))
        return render_page(request, "resource.html", {"view": view, "canonical": canonical}, headers=headers)
    return Response(serialise_graph(description, fmt), media_type=fmt.content_type(), headers=headers)


@router.api_route("/def", methods=["GET", "HEAD"], summary="The ontology: HTML documentation or RDF")
def ontology_document(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """The ontology at its own IRI: documentation for browsers, the ontology graph for programs (``Accept``)."""
    return _ontology(request, settings, store, None)


@router.api_route("/def.{extension}", methods=["GET", "HEAD"], include_in_schema=False)
def ontology_file(extension: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """The ontology in the format its extension names (``/def.ttl``, ``/def.html`` …)."""
    name = EXTENSIONS.get("." + extension)
    if name is None:
        return not_found(request, settings.base_iri + "def." + extension)
    return _ontology(request, settings, store, name)


def _ontology(request: Request, settings: Settings, store: Store, explicit: str | None) -> Response:
    fmt = choose_format(request, explicit, DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable()
    ontology_iri = URIRef(settings.base_iri + "def")
    graph_name = URIRef(settings.base_iri + "graph/ontology")
    state = store_state(request, store)
    variant = "def-" + fmt.name + ("-" + request_language(request) if fmt is HTML else "")
    headers = validators(state, variant)
    headers["Vary"] = HTML_VARY if fmt is HTML else "Accept"
    headers["Link"] = ", ".join(
        f'</def{_EXTENSION_OF[alt.name]}>; rel="alternate"; type="{alt.media_type}"'
        for alt in DOCUMENT_FORMATS
        if alt.name in _EXTENSION_OF
    )
    cached = not_modified(request, headers, state)
    if cached is not None:
        return cached
    graph = bind_prefixes(store.read_graph(graph_name))
    if len(graph) == 0:
        return not_found(request, str(ontology_iri))
    if fmt is HTML:
        doc = document_ontology(graph, ontology_iri, settings.base_iri, request_language(request))
        return render_page(request, "ontology.html", {"doc": doc}, headers=headers)
    return Response(serialise_graph(graph, fmt), media_type=fmt.content_type(), headers=headers)
