"""Dereferencing published IRIs (W3C "Cool URIs for the Semantic Web", 303 See Other for things).

``/id/X`` and ``/graph/X`` redirect to their documents ``/doc/id/X`` and ``/doc/graph/X``; ``/def`` (the ontology,
a document itself since its terms are hash IRIs) is answered in place. A document comes as
HTML for browsers and as Turtle, JSON-LD, RDF/XML or N-Triples by ``Accept`` or by an explicit extension
(:mod:`ipgraph.publish.locations`). Every answer says ``Vary: Accept`` and carries validators, so clients and
caches can revalidate with a conditional GET.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.responses import RedirectResponse, Response

from ipgraph.api.conditional import not_modified, validators
from ipgraph.api.deps import FreshnessDep, SettingsDep, StoreDep
from ipgraph.api.documents import (
    DOCUMENT_FORMATS,
    HTML,
    choose_document_format,
    not_acceptable,
    serialise_graph,
)
from ipgraph.api.problems import problem_response
from ipgraph.api.public_urls import dataset_links
from ipgraph.formats import negotiate
from ipgraph.publish.dataset import add_graph_description
from ipgraph.publish.describe import bind_prefixes, describe_resource, resource_exists
from ipgraph.publish.freshness import FreshnessTracker
from ipgraph.publish.locations import EXTENSIONS, document_path, document_request, iri_for_path
from ipgraph.publish.ontology_doc import document_ontology
from ipgraph.publish.rendering import HTML_VARY, render_page, request_language
from ipgraph.publish.summaries import resource_page
from ipgraph.settings import Settings
from ipgraph.store.base import Store

router = APIRouter(tags=["linked data"])

_EXTENSION_OF = {name: extension for extension, name in EXTENSIONS.items()}


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
def resource_document(
    path: str, request: Request, settings: SettingsDep, store: StoreDep, freshness: FreshnessDep
) -> Response:
    """The description of ``{base}{path}`` as HTML or RDF (``Accept`` or an extension: .html .ttl .jsonld .rdf .nt)."""
    wanted = document_request(settings.base_iri, path)
    fmt = choose_document_format(request, wanted.format_name, DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable()
    state = freshness.observe(store)
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
def ontology_document(request: Request, settings: SettingsDep, store: StoreDep, freshness: FreshnessDep) -> Response:
    """The ontology at its own IRI: documentation for browsers, the ontology graph for programs (``Accept``)."""
    return _ontology(request, settings, store, freshness, None)


@router.api_route("/def.{extension}", methods=["GET", "HEAD"], include_in_schema=False)
def ontology_file(
    extension: str, request: Request, settings: SettingsDep, store: StoreDep, freshness: FreshnessDep
) -> Response:
    """The ontology in the format its extension names (``/def.ttl``, ``/def.html`` …)."""
    name = EXTENSIONS.get("." + extension)
    if name is None:
        return not_found(request, settings.base_iri + "def." + extension)
    return _ontology(request, settings, store, freshness, name)


def _ontology(
    request: Request, settings: Settings, store: Store, freshness: FreshnessTracker, explicit: str | None
) -> Response:
    fmt = choose_document_format(request, explicit, DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable()
    ontology_iri = URIRef(settings.base_iri + "def")
    graph_name = URIRef(settings.base_iri + "graph/ontology")
    state = freshness.observe(store)
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
