"""The dataset for harvesters and downloaders: its VoID/DCAT description and the data dumps.

``/.well-known/void`` (VoID §7.2) answers with the description generated from the live store, as HTML for
browsers or RDF by ``Accept``/``?format=``; ``/dumps/`` lists the dumps and ``/dumps/{name}.{ttl,nq,trig}[.gz]``
serves them. Both carry ``ETag``/``Last-Modified`` and answer conditional requests with 304.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.responses import Response

from ipgraph.api.conditional import not_modified, validators
from ipgraph.api.deps import DumpCacheDep, FreshnessDep, SettingsDep, StoreDep
from ipgraph.api.documents import DOCUMENT_FORMATS, HTML, choose_document_format, not_acceptable, serialise_graph
from ipgraph.api.problems import problem_response
from ipgraph.api.public_urls import dataset_links
from ipgraph.formats import format_by_name
from ipgraph.publish.dataset import describe_dataset, graph_title
from ipgraph.publish.dumps import (
    DUMP_FORMATS,
    GZIP_MEDIA_TYPE,
    WHOLE_DATASET,
    dump_name,
    dump_url,
    parse_dump_path,
)
from ipgraph.publish.freshness import StoreState
from ipgraph.publish.rendering import HTML_VARY, render_page, request_language

router = APIRouter(tags=["dataset"])


@dataclass(frozen=True)
class GraphDumps:
    """A named graph as the dataset page lists it: IRI, short name, size and (label, URL) download links."""

    iri: str
    title: str
    triples: int
    dumps: tuple[tuple[str, str], ...]


def dump_listing(state: StoreState, base_iri: str) -> list[GraphDumps]:
    """The graphs with their triple counts and dump links, for the HTML pages."""
    rows = []
    for name, count in state.graph_counts:
        slug = dump_name(name, base_iri)
        if slug:
            rows.append(GraphDumps(name, graph_title(name, base_iri), count, _links(slug)))
    return rows


def _links(name: str) -> tuple[tuple[str, str], ...]:
    found = []
    for fmt in DUMP_FORMATS:
        if name == WHOLE_DATASET and fmt.kind != "dataset":
            continue
        label = fmt.w3c_name.replace("_", "/")
        found.append((label, dump_url(name, fmt)))
        found.append((label + " .gz", dump_url(name, fmt, compressed=True)))
    return tuple(found)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], summary="VoID and DCAT description of the dataset")
def void_description(
    request: Request, settings: SettingsDep, store: StoreDep, freshness: FreshnessDep, format: str | None = None
) -> Response:
    """The dataset's VoID/DCAT description: HTML for browsers, Turtle, JSON-LD, RDF/XML or N-Triples for programs."""
    if format is not None and format != HTML.name and format_by_name(format, DOCUMENT_FORMATS) is None:
        names = ", ".join(f.name for f in DOCUMENT_FORMATS)
        return problem_response(400, f"query parameter format={format!r} is not one of: {names}")
    fmt = choose_document_format(request, format, DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable()
    state = freshness.observe(store)
    variant = "void-" + fmt.name + ("-" + request_language(request) if fmt is HTML else "")
    headers = validators(state, variant)
    headers["Vary"] = HTML_VARY if fmt is HTML else "Accept"
    cached = not_modified(request, headers, state)
    if cached is not None:
        return cached
    links = dataset_links(request, settings)
    if fmt is HTML:
        context = {
            "graphs": dump_listing(state, settings.base_iri),
            "total": sum(count for _, count in state.graph_counts),
            "whole": _links(WHOLE_DATASET),
            "modified": state.last_modified,
            "sparql": str(links.sparql_endpoint),
        }
        return render_page(request, "dataset.html", context, headers=headers)
    description = describe_dataset(store, state, links)
    return Response(serialise_graph(description, fmt), media_type=fmt.content_type(), headers=headers)


@router.get("/dumps/", include_in_schema=False)
def dump_index(request: Request, settings: SettingsDep, store: StoreDep, freshness: FreshnessDep) -> Response:
    """The list of dumps (the same page as the dataset description)."""
    return void_description(request, settings, store, freshness, "html")


@router.api_route("/dumps/{path:path}", methods=["GET", "HEAD"], summary="A dump of one graph or of the dataset")
def dump_file(
    path: str,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    freshness: FreshnessDep,
    dumps: DumpCacheDep,
) -> Response:
    """``{graph}.ttl|.nq|.trig`` with optional ``.gz``; ``all.nq``/``all.trig`` hold every graph."""
    wanted = parse_dump_path(path)
    if wanted is None:
        return problem_response(
            404,
            f"no dump {path!r}: a dump is {{graph}}.ttl, .nq or .trig, optionally .gz; "
            "all.nq and all.trig hold every graph",
        )
    state = freshness.observe(store)
    graph = None if wanted.name == WHOLE_DATASET else URIRef(settings.base_iri + "graph/" + wanted.name)
    if graph is not None and str(graph) not in dict(state.graph_counts):
        return problem_response(404, f"no graph <{graph}> in the store")
    headers = validators(state, wanted.variant)
    headers["Content-Disposition"] = f'attachment; filename="{wanted.file_name}"'
    cached = not_modified(request, headers, state)
    if cached is not None:
        return cached
    data = dumps.get(store, state.digest, wanted, graph)
    media_type = GZIP_MEDIA_TYPE if wanted.compressed else wanted.fmt.content_type()
    return Response(data, media_type=media_type, headers=headers)
