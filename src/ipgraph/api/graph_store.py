"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol.

Graphs are named indirectly, ``/store?graph=IRI`` or ``/store?default`` (§4.2), or directly, ``/store/some/path``
naming the graph whose IRI is that URL (§4.1); a POST to ``/store`` itself creates a graph with a fresh IRI of
that direct form and answers 201 with its ``Location`` (§5.5). GET and HEAD negotiate the format (§5.2, §5.3);
PUT replaces (201 when the graph is new, 204 otherwise, §5.4); POST merges (§5.5), also from
``multipart/form-data``; DELETE drops (204, or 404 for a missing graph, §5.6). Bodies are read within
``max_body_bytes`` and parsed by :mod:`ipgraph.rdf_input` in their declared format; each write reaches the store
through one store method (``replace_graph``, ``add_to_graph``, ``drop_graph``, ``clear_default_graph``), each
one transaction, so nothing is half-stored; the SPARQL Update text they need is the store's business.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from fastapi import APIRouter, Request
from rdflib import Graph, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.auth import check_request_write_access
from ipgraph.api.body import has_body, read_body
from ipgraph.api.format_parameters import choose_format
from ipgraph.api.public_urls import own_root
from ipgraph.errors import InputError, NotFoundError
from ipgraph.formats import GRAPH_FORMATS, MULTIPART_FORM_MEDIA_TYPE, parse_media_type
from ipgraph.rdf_input import parse_graph
from ipgraph.settings import Settings
from ipgraph.store.base import Store

router = APIRouter(tags=["graph store"])

#: A graph travels in a triple format; the dataset formats would add nothing for one graph.
GRAPH_STORE_FORMATS = tuple(offer for offer in GRAPH_FORMATS if offer.kind == "graph")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_STORE_PATHS = ("/store", "/store/")
_DIRECT_PATH = "/store/{path:path}"
_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


@dataclass(frozen=True)
class GraphTarget:
    """The graph a request names: ``name`` is ``None`` for the default graph."""

    name: URIRef | None


async def graph_store(request: Request) -> Response:
    """Dispatch one Graph Store request by method (the route list registers it for every path form)."""
    settings: Settings = request.app.state.settings
    target = _target(request, settings)
    if request.method in ("GET", "HEAD"):
        if has_body(request):
            raise InputError(f"a {request.method} request must not carry a body")
        return await run_in_threadpool(_read, request, target)
    check_request_write_access(request)
    if request.method == "DELETE":
        return await run_in_threadpool(_delete, request, target)
    body = await read_body(request, settings.max_body_bytes)
    return await run_in_threadpool(_write, request, target, body)


for _path in (*_STORE_PATHS, _DIRECT_PATH):
    router.add_api_route(_path, graph_store, methods=_METHODS, include_in_schema=_path == "/store")


def store_url(settings: Settings) -> str:
    """The Graph Store's own URL, the prefix of directly identified and created graphs: from settings only, so a
    graph's IRI never depends on the Host header a client sent (see :mod:`ipgraph.api.public_urls`)."""
    return own_root(settings) + "store"


def _target(request: Request, settings: Settings) -> GraphTarget | None:
    params = request.query_params
    graphs = params.getlist("graph")
    path = request.path_params.get("path")
    if path:
        if graphs or "default" in params:
            raise InputError("a directly identified graph takes no 'graph' or 'default' parameter")
        direct = f"{store_url(settings)}/{path}"
        if not _ABSOLUTE_IRI.match(direct):
            raise InputError(f"the path {path!r} does not make a valid graph IRI (no spaces, quotes or <>{{}}|\\^`)")
        return GraphTarget(URIRef(direct))
    if len(graphs) > 1:
        raise InputError("give the 'graph' parameter once")
    if graphs and "default" in params:
        raise InputError("give either 'graph' or 'default', not both (Graph Store Protocol §4.2)")
    if "default" in params:
        return GraphTarget(None)
    if graphs:
        if not _ABSOLUTE_IRI.match(graphs[0]):
            raise InputError(f"the graph parameter must be an absolute IRI, not {graphs[0]!r}")
        return GraphTarget(URIRef(graphs[0]))
    return None


def _require(target: GraphTarget | None, method: str) -> GraphTarget:
    if target is None:
        raise InputError(f"{method} needs a graph: /store?graph=<IRI>, /store?default or /store/<path>")
    return target


def _read(request: Request, target: GraphTarget | None) -> Response:
    store: Store = request.app.state.store
    chosen_target = _require(target, request.method)
    chosen = choose_format(request.query_params.get("format"), request.headers.get("accept"), GRAPH_STORE_FORMATS)
    if chosen_target.name is not None and not graph_exists(store, chosen_target.name):
        raise NotFoundError(f"the store holds no graph <{chosen_target.name}>")
    graph = store.read_graph(chosen_target.name)
    body = graph.serialize(format=chosen.rdflib_name or "turtle", encoding="utf-8")
    headers = {"Vary": "Accept"}
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, media_type=chosen.content_type(), headers=headers)
    return Response(body, media_type=chosen.content_type(), headers=headers)


def _delete(request: Request, target: GraphTarget | None) -> Response:
    store: Store = request.app.state.store
    name = _require(target, "DELETE").name
    if name is None:
        store.clear_default_graph()
        return Response(status_code=204)
    with store.transaction_lock():
        if not graph_exists(store, name):
            raise NotFoundError(f"the store holds no graph <{name}>")
        store.drop_graph(name)
    return Response(status_code=204)


def _write(request: Request, target: GraphTarget | None, body: bytes) -> Response:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    replace = request.method == "PUT"
    location: str | None = None
    if target is None:
        if replace:
            _require(target, "PUT")
        location = f"{store_url(settings)}/{uuid.uuid4().hex}"
        target = GraphTarget(URIRef(location))
    data = _parse_body(request, body, str(target.name or store_url(settings)))
    with store.transaction_lock():
        existed = _exists(store, target)
        if replace:
            store.replace_graph(target.name, data)
        else:
            store.add_to_graph(target.name, data)
    if existed:
        return Response(status_code=204)
    headers = {"Location": location} if location else {}
    return Response(status_code=201, headers=headers)


def _parse_body(request: Request, body: bytes, base_iri: str) -> Graph:
    content_type = request.headers.get("content-type")
    media_type, _ = parse_media_type(content_type)
    if media_type != MULTIPART_FORM_MEDIA_TYPE or request.method != "POST":
        return parse_graph(body, content_type, base_iri=base_iri)
    # Graph Store Protocol §5.5: each part of a multipart/form-data POST is merged into the graph.
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + (content_type or "").encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise InputError("the multipart/form-data body has no parts (is the boundary right?)")
    merged = Graph()
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        merged += parse_graph(
            payload if isinstance(payload, bytes) else b"", part.get("content-type"), base_iri=base_iri
        )
    return merged


def _exists(store: Store, target: GraphTarget) -> bool:
    if target.name is None:
        return len(store.read_graph(None)) > 0
    return graph_exists(store, target.name)


def graph_exists(store: Store, name: URIRef) -> bool:
    """Whether the store holds the graph ``name``, empty or not (an empty PUT creates a graph, §5.4)."""
    return name in store.existing_graphs()
