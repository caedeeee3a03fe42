"""The SPARQL 1.1 Service Description of the endpoint (answered on ``GET /sparql`` without a query).

It tells clients what the endpoint speaks (query, and update unless read-only), the result formats, that the
default graph is the union of the named graphs (``sd:UnionDefaultGraph``), and which named graphs the store
holds, so a client can find graphs to name in FROM without guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ipgraph.formats import GRAPH_FORMATS, RESULT_FORMATS
from ipgraph.vocab import PREFIXES, SD

#: Simple entailment: answers come from the stored triples (the inferred graph is stored, not computed).
SIMPLE_ENTAILMENT = URIRef("http://www.w3.org/ns/entailment/Simple")


def describe_service(
    endpoint: str,
    graph_names: Sequence[URIRef],
    *,
    supports_update: bool,
    title: str = "ipgraph SPARQL endpoint",
) -> Graph:
    """The ``sd:Service`` description of ``endpoint`` with a default dataset naming ``graph_names``.

    >>> description = describe_service("http://127.0.0.1:8000/sparql", [], supports_update=False)
    >>> (None, SD.endpoint, URIRef("http://127.0.0.1:8000/sparql")) in description
    True
    """
    graph = Graph()
    for prefix in ("sd", "dcterms", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    service = URIRef(endpoint + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, DCTERMS.title, Literal(title, lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if supports_update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for result_format in (*RESULT_FORMATS, *GRAPH_FORMATS):
        graph.add((service, SD.resultFormat, URIRef(result_format.w3c_iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, SIMPLE_ENTAILMENT))

    dataset = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    for name in graph_names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, name))
    return graph
