"""Read an uploaded report in the format its sender declared, through the safe parser of :mod:`ipgraph.rdf_input`.

Only triple formats are accepted (Turtle, JSON-LD, RDF/XML, N-Triples): a report is one graph, and the service
chooses the named graph it is stored in. Nothing is fetched: remote JSON-LD contexts and DOCTYPEs are refused
before rdflib sees the document, and owl:imports is never followed.
"""

from __future__ import annotations

from rdflib import Graph

from ipgraph.errors import UnsupportedMediaTypeError
from ipgraph.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Format, format_for_media_type, parse_media_type
from ipgraph.rdf_input import parse_graph

#: The formats a report may be uploaded in.
REPORT_FORMATS: tuple[Format, ...] = (TURTLE, JSON_LD, RDF_XML, N_TRIPLES)
#: Base IRI for relative references in uploads; the service mints the stored IRIs, so these never persist.
UPLOAD_BASE_IRI = "urn:ipgraph:upload:"


def parse_report(body: bytes, media_type: str) -> Graph:
    """Parse ``body`` as ``media_type`` into a new graph.

    Raises :class:`ipgraph.errors.RdfSyntaxError` (with line and column where known) for malformed input,
    :class:`ipgraph.errors.ForbiddenFetchError` for anything that would fetch, and
    :class:`ipgraph.errors.UnsupportedMediaTypeError` for a format that cannot carry a report.

    >>> graph = parse_report(b'<urn:r> a <https://w3id.org/ipgraph/def#AnnualReport> .', "text/turtle")
    >>> len(graph)
    1
    """
    chosen = format_for_media_type(parse_media_type(media_type)[0], REPORT_FORMATS)
    if chosen is None:
        names = ", ".join(offer.media_type for offer in REPORT_FORMATS)
        raise UnsupportedMediaTypeError(f"a report cannot be read from {media_type!r}; send one of: {names}")
    return parse_graph(body, media_type, base_iri=UPLOAD_BASE_IRI)
