"""Resource descriptions: what a published IRI's document says about it.

A description is the resource's Concise Bounded Description (its own triples, following blank nodes such as
PROV qualified associations), the triples pointing to it (following a blank-node subject one step back to the
resource that holds it, so an organisation's description shows the duties it is associated with), and the
labels of every IRI it mentions, so a reader or a program needs no second request to name things.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from ipgraph.store.base import Store
from ipgraph.vocab import PREFIXES, sparql_prologue

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)

_OWN_TRIPLES = """
CONSTRUCT { ?resource ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 }
WHERE {
  GRAPH ?g { ?resource ?p ?o }
  OPTIONAL {
    GRAPH ?g2 { ?o ?p2 ?o2 } FILTER(isBlank(?o))
    OPTIONAL { GRAPH ?g3 { ?o2 ?p3 ?o3 } FILTER(isBlank(?o2)) }
  }
}
"""

_INCOMING_TRIPLES = """
CONSTRUCT { ?s ?p ?resource . ?holder ?q ?s . ?s ?sp ?so }
WHERE {
  GRAPH ?g { ?s ?p ?resource }
  OPTIONAL { GRAPH ?g2 { ?holder ?q ?s } FILTER(isBlank(?s)) }
  OPTIONAL { GRAPH ?g3 { ?s ?sp ?so } FILTER(isBlank(?s)) }
}
"""

_EXISTS = "ASK { { GRAPH ?g { ?resource ?p ?o } } UNION { GRAPH ?g { ?s ?p ?resource } } }"

# Characters that may not appear in a SPARQL IRIREF (SPARQL 1.1 Query §19.8, production [139]).
_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def resource_exists(store: Store, iri: URIRef) -> bool:
    """Whether any triple in any graph has ``iri`` as subject or object (a 404 otherwise)."""
    return store.ask(_EXISTS, {"resource": iri})


def describe_resource(store: Store, iri: URIRef) -> Graph:
    """The description of ``iri``: its CBD, the triples pointing to it and labels of every IRI named.

    An empty graph means the store knows nothing about ``iri``.
    """
    description = bind_prefixes(Graph())
    for query in (_OWN_TRIPLES, _INCOMING_TRIPLES):
        for triple in store.construct(query, {"resource": iri}):
            description.add(triple)
    if len(description) == 0:
        return description
    for triple in fetch_values(store, mentioned_iris(description) - {iri}, LABEL_PROPERTIES):
        description.add(triple)
    return description


def mentioned_iris(graph: Graph) -> set[URIRef]:
    """Every IRI used as subject or object in ``graph`` (predicates and classes are vocabulary, not named)."""
    found: set[URIRef] = set()
    for subject, _predicate, obj in graph:
        for term in (subject, obj):
            if isinstance(term, URIRef):
                found.add(term)
    return found


def fetch_values(
    store: Store, subjects: Iterable[URIRef], properties: Iterable[URIRef]
) -> list[tuple[Node, Node, Node]]:
    """The triples ``(s, p, o)`` in the store for every given subject and property, in one query.

    The subjects come from the store itself and are written as IRI terms; any that could not be written as
    an IRIREF are left out rather than pasted into the query.
    """
    values = " ".join(f"<{iri}>" for iri in sorted(subjects) if not _UNSAFE_IRI.search(iri))
    if not values:
        return []
    predicates = " ".join(f"<{p}>" for p in properties)
    query = (
        sparql_prologue({})
        + f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {predicates} }} "
        + "GRAPH ?g { ?s ?p ?o } }"
    )
    return [(row["s"], row["p"], row["o"]) for row in store.select(query)]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind ipgraph's prefixes (``ipgraph.vocab``) so serialisations and pages use the same short names."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
