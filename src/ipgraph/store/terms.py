"""The one place where rdflib terms become pyoxigraph terms and back.

The rest of ipgraph speaks rdflib; the embedded engine speaks pyoxigraph. Every crossing goes through these
functions so both sides agree on blank nodes, plain literals and language tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ipgraph.errors import InputError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
OxGraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def to_ox(term: Node) -> OxTerm:
    """An rdflib IRI, blank node or literal as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot use {term!r} as an RDF term (only IRIs, blank nodes and literals)")


def to_ox_named_node(term: Node) -> ox.NamedNode:
    """An rdflib IRI as a pyoxigraph named node (predicates and graph names)."""
    if not isinstance(term, URIRef):
        raise InputError(f"{term!r} must be an IRI")
    return ox.NamedNode(str(term))


def to_ox_graph_name(name: URIRef | None) -> OxGraphName:
    """A graph IRI, or ``None`` for the default graph."""
    return ox.DefaultGraph() if name is None else ox.NamedNode(str(name))


def from_ox(term: object) -> Identifier:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise InputError(f"ipgraph does not handle the RDF term {term!r} (RDF-star triple terms are not used)")


def substitutions(bindings: Mapping[str, Identifier] | None) -> dict[ox.Variable, OxTerm] | None:
    """Query bindings as pyoxigraph ``substitutions``: terms, never text, so a value cannot change the query."""
    if not bindings:
        return None
    return {ox.Variable(name.lstrip("?$")): to_ox(value) for name, value in bindings.items()}


def graph_to_quads(graph: Graph, name: URIRef | None) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as quads in the named graph ``name`` (``None``: the default graph)."""
    graph_name = to_ox_graph_name(name)
    for subject, predicate, obj in graph:
        yield ox.Quad(to_ox(subject), to_ox_named_node(predicate), to_ox(obj), graph_name)  # type: ignore[arg-type]


def triples_to_graph(triples: Iterable[ox.Triple | ox.Quad], graph: Graph | None = None) -> Graph:
    """Add pyoxigraph triples (or the triples of quads) to an rdflib graph."""
    target = Graph() if graph is None else graph
    for triple in triples:
        target.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return target
