"""Read Turtle, TriG, N-Triples and N-Quads with the engine's own parser, into rdflib terms.

rdflib's Turtle parser recurses once per nested ``[ … ]`` or ``( … )`` and fails with a RecursionError a few
hundred levels down; it also accepts IRIs the engine refuses (a space, an escaped ``>``) and stores text that
cannot be written back. pyoxigraph's parser is iterative, checks every IRI, and says where the text went wrong,
so the documents the store will hold are read exactly as the store reads them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Identifier

from ipgraph.errors import InputError, RdfSyntaxError
from ipgraph.store.terms import from_ox

#: The engine's name for each media type it reads here.
_ENGINE_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}

#: A parsed statement: subject, predicate, object and graph name (``None`` for the default graph).
Statement = tuple[Identifier, URIRef, Identifier, Identifier | None]


def engine_reads(media_type: str) -> bool:
    """Whether :func:`parse_statements` reads ``media_type``."""
    return media_type in _ENGINE_FORMATS


def parse_statements(text: str, media_type: str, *, base_iri: str) -> Iterator[Statement]:
    """The statements of ``text`` in rdflib terms; blank nodes get fresh labels (documents never share one).

    Raises :class:`RdfSyntaxError` naming line and column for malformed text or an invalid IRI.

    >>> [str(term) for term in next(parse_statements('<a> <p> "x" .', "text/turtle", base_iri="https://e/"))[:3]]
    ['https://e/a', 'https://e/p', 'x']
    """
    try:
        for quad in ox.parse(text, _ENGINE_FORMATS[media_type], base_iri=base_iri, rename_blank_nodes=True):
            graph = quad.graph_name
            name = None if isinstance(graph, ox.DefaultGraph) else from_ox(graph)
            predicate = from_ox(quad.predicate)
            assert isinstance(predicate, URIRef)  # noqa: S101 - the parser only gives IRIs as predicates
            yield from_ox(quad.subject), predicate, from_ox(quad.object), name
    except SyntaxError as error:
        raise _located(error, media_type) from None
    except InputError as error:  # RDF 1.2 triple terms: ipgraph stores none
        raise RdfSyntaxError(f"{media_type} error: {error}") from None


def _located(error: SyntaxError, media_type: str) -> RdfSyntaxError:
    line, column = error.lineno, error.offset
    message = str(error.msg or error)
    if line is None or column is None:
        return RdfSyntaxError(f"{media_type} syntax error: {message}")
    # pyoxigraph words it "Parser error at line L column C: why"; keep the why, say the place once, our way.
    why = message.split(": ", 1)[1] if message.startswith("Parser error at line") and ": " in message else message
    return RdfSyntaxError(f"{media_type} syntax error at line {line}, column {column}: {why}", line=line, column=column)
