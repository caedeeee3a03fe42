"""Where a published IRI is answered on this service, following W3C "Cool URIs for the Semantic Web".

Every published IRI lives under ``settings.base_iri``; the service answers the same path below its own root:

* ``{base}id/X`` (a thing) — ``GET /id/X`` redirects (303 See Other) to its document ``/doc/id/X``;
* ``{base}graph/X`` (a named graph) — ``GET /graph/X`` redirects to ``/doc/graph/X``;
* ``{base}def`` (the ontology, terms are ``{base}def#Term``) — ``GET /def`` is itself the document.

A document URL is ``/doc/`` plus the IRI's path below the base, so one rule serves things and graphs. A
document comes as HTML or RDF by ``Accept``; adding one of :data:`EXTENSIONS` picks a format explicitly
(``/doc/id/X.ttl``). IRIs may themselves hold dots (``p160:II.2.1.a``), so only these extensions are read
as a format.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from rdflib import URIRef

from ipgraph.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE

DOCUMENT_PREFIX = "doc/"
#: IRI path prefixes (below the base) that are published through ``/doc/``.
PUBLISHED_PREFIXES = ("id/", "graph/")

#: IRI schemes a page may turn into a clickable link; any other (``javascript:``, ``data:``, ``file:``, ``urn:``…)
#: is shown as text only, since a browser would run or open it rather than navigate to a web page.
LINKABLE_SCHEMES = frozenset({"http", "https", "mailto"})

#: Explicit document extensions → format name (``html`` or a name in :mod:`ipgraph.formats`).
EXTENSIONS: dict[str, str] = {
    ".html": "html",
    ".ttl": TURTLE.name,
    ".jsonld": JSON_LD.name,
    ".rdf": RDF_XML.name,
    ".nt": N_TRIPLES.name,
}


@dataclass(frozen=True)
class DocumentRequest:
    """A request for a document: the IRI it describes and the format named by its extension, if any."""

    iri: URIRef
    format_name: str | None


def iri_for_path(base_iri: str, path: str) -> URIRef:
    """The published IRI a request path (``id/X`` or ``graph/X``, without leading slash) stands for."""
    return URIRef(base_iri + quote(unquote(path), safe="/:@!$&'()*+,;=-._~"))


def document_request(base_iri: str, path: str) -> DocumentRequest:
    """Split a ``/doc/`` path (without the ``doc/`` prefix) into the described IRI and the explicit format."""
    for extension, format_name in EXTENSIONS.items():
        if path.endswith(extension):
            return DocumentRequest(iri_for_path(base_iri, path[: -len(extension)]), format_name)
    return DocumentRequest(iri_for_path(base_iri, path), None)


def local_path(base_iri: str, iri: str) -> str | None:
    """The path (``/id/X``, ``/graph/X``, ``/def#T``) answering ``iri`` on this service, or ``None`` if external."""
    if not iri.startswith(base_iri):
        return None
    rest = iri[len(base_iri) :]
    if rest.startswith(PUBLISHED_PREFIXES) or rest == "def" or rest.startswith("def#"):
        return "/" + rest
    return None


def document_path(base_iri: str, iri: str, extension: str = "") -> str | None:
    """The document URL for a published thing or graph (``/doc/id/X``), or ``None`` for other IRIs."""
    rest = iri[len(base_iri) :] if iri.startswith(base_iri) else None
    if rest is None or not rest.startswith(PUBLISHED_PREFIXES):
        return None
    return "/" + DOCUMENT_PREFIX + rest + extension


def browse_path(base_iri: str, iri: str) -> str | None:
    """The page a link to ``iri`` should open on this site: its document (skipping the 303), or the ontology
    documentation for ``def`` terms; ``None`` for IRIs published elsewhere."""
    document = document_path(base_iri, iri)
    if document is not None:
        return document
    return local_path(base_iri, iri)


def link_target(base_iri: str, iri: str) -> str | None:
    """Where a link shown for ``iri`` may point: its page on this site, the IRI itself when it is a web or mail
    address, or ``None`` when it must be shown as text only (every other scheme, e.g. ``javascript:``)."""
    local = browse_path(base_iri, iri)
    if local is not None:
        return local
    try:
        scheme = urlsplit(iri.strip()).scheme.lower()
    except ValueError:
        return None
    return iri if scheme in LINKABLE_SCHEMES else None
