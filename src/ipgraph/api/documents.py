"""The formats a published document comes in (HTML for people, RDF for programs), chosen by an explicit
extension or by ``Accept``, and the answers shared by the routers that serve documents."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph
from starlette.requests import Request
from starlette.responses import Response

from ipgraph.api.problems import problem_response
from ipgraph.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format, format_by_name, negotiate

#: The HTML page of a document, offered first so browsers and ``Accept: */*`` get it.
HTML = Format("html", "text/html", "graph", (".html",))
#: What a document is offered as, the server's preference first.
DOCUMENT_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSON_LD, RDF_XML, N_TRIPLES)


def choose_document_format(request: Request, explicit: str | None, offers: Sequence[Format]) -> Format | None:
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
