"""The one source of ipgraph's namespaces, prefixes and named-graph IRIs (see docs/model.md)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

IPG = Namespace("https://w3id.org/ipgraph/def#")
IPR = Namespace("https://w3id.org/ipgraph/id/")
P160 = Namespace("https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/")
GRAPH = Namespace("https://w3id.org/ipgraph/graph/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
CPOV = Namespace("http://data.europa.eu/m8g/")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

#: The canonical base under which every published ipgraph IRI lives.
CANONICAL_BASE = "https://w3id.org/ipgraph/"

#: Prefix → namespace, in the order they are declared in Turtle output and query headers.
PREFIXES: dict[str, str] = {
    "ipg": str(IPG),
    "ipr": str(IPR),
    "p160": str(P160),
    "ipgraph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "time": str(TIME),
    "eli": str(ELI),
    "cpov": str(CPOV),
    "qb": str(QB),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sh": str(SH),
    "sd": str(SD),
    "void": str(VOID),
    "dcat": str(DCAT),
}

#: Data file stem (ontology/*.ttl all go to "ontology") → named graph IRI.
ONTOLOGY_GRAPH = GRAPH["ontology"]
PLAN_GRAPH = GRAPH["plan"]
ORGANISATIONS_GRAPH = GRAPH["organisations"]
ORGANISATION_CHANGES_GRAPH = GRAPH["organisation-changes"]
IP_CATEGORIES_GRAPH = GRAPH["ip-categories"]
CODE_LISTS_GRAPH = GRAPH["code-lists"]
SHAPES_GRAPH = GRAPH["shapes"]
INFERRED_GRAPH = GRAPH["inferred"]
EXAMPLES_GRAPH = GRAPH["examples"]
REPORTS_GRAPH_BASE = GRAPH["reports/"]


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """Return PREFIX declarations for a SPARQL query, so no module spells a namespace twice."""
    chosen = PREFIXES if prefixes is None else prefixes
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in chosen.items())
