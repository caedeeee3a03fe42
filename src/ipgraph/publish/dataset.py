"""The dataset's own description, in VoID and DCAT, generated from the live store on every request.

Harvesters (data portals, VoID crawlers) read it at ``/.well-known/void`` (VoID §7.2, "Discovery via
well-known URI"). One graph says both: the dataset is a ``void:Dataset`` and a ``dcat:Dataset``; each named
graph is a ``void:subset`` named by the graph's own IRI, with its triple count and dumps; a ``dcat:Catalog``
lists the dataset and the SPARQL endpoint as a ``dcat:DataService``. Figures (triples, subjects, vocabularies)
are counted in the store, so the description never drifts from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from ipgraph.formats import Format
from ipgraph.publish.describe import bind_prefixes
from ipgraph.publish.dumps import DUMP_FORMATS, WHOLE_DATASET, dump_name, dump_url
from ipgraph.publish.freshness import StoreState
from ipgraph.publish.i18n import LANGUAGES, message
from ipgraph.store.base import Store
from ipgraph.vocab import CANONICAL_BASE, DCAT, PREFIXES, SD, VOID

#: The licence of the graph (the plan itself, an administrative document, is not protected by copyright:
#: Vietnamese IP Law, Art. 15).
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
GZIP = URIRef(IANA_MEDIA_TYPES + "application/gzip")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
WELL_KNOWN_PATH = "/.well-known/void"

PUBLISHER_NAME = "ipgraph project"

_DISTINCT_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_USED_TERMS = """
SELECT DISTINCT ?term WHERE {
  { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } }
}
"""


@dataclass(frozen=True)
class DatasetLinks:
    """Where the description's documents and services are reached: the service's public root and the base."""

    public_root: str
    base_iri: str

    @property
    def document(self) -> str:
        """The VoID document's own URL (its fragments name the dataset, catalogue and service)."""
        return self.public_root.rstrip("/") + WELL_KNOWN_PATH

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.document + "#dataset")

    @property
    def catalogue(self) -> URIRef:
        return URIRef(self.document + "#catalogue")

    @property
    def service(self) -> URIRef:
        return URIRef(self.document + "#sparql-service")

    @property
    def publisher(self) -> URIRef:
        return URIRef(self.document + "#publisher")

    @property
    def sparql_endpoint(self) -> URIRef:
        return URIRef(self.public_root.rstrip("/") + "/sparql")

    def root(self, path: str = "/") -> URIRef:
        return URIRef(self.public_root.rstrip("/") + path)


def example_resources(base_iri: str) -> tuple[URIRef, ...]:
    """A few resources that show what the dataset holds: the plan, one duty, one organisation, one IP category."""
    return tuple(
        URIRef(base_iri + path)
        for path in (
            "id/plan-160-kh-ubnd-2021",
            "id/plan-160-kh-ubnd-2021/duty-V.6",
            "id/org-so-khoa-hoc-va-cong-nghe",
            "id/ip-geographical-indication",
        )
    )


def used_vocabularies(store: Store, base_iri: str) -> list[URIRef]:
    """The namespaces of ``PREFIXES`` whose terms the store uses as predicates or classes (``void:vocabulary``)."""
    namespaces = sorted({_published(namespace, base_iri) for namespace in PREFIXES.values()}, key=len, reverse=True)
    found: set[str] = set()
    for row in store.select(_USED_TERMS):
        term = str(row.get("term", ""))
        match = next((namespace for namespace in namespaces if term.startswith(namespace)), None)
        if match is not None:
            found.add(match)
    instance_spaces = {base_iri + "id/", base_iri + "graph/"}
    return [URIRef(ns) for ns in sorted(found) if not any(ns.startswith(space) for space in instance_spaces)]


def describe_dataset(store: Store, state: StoreState, links: DatasetLinks) -> Graph:
    """The VoID and DCAT description of everything in ``store`` in the observed ``state``."""
    graph = bind_prefixes(Graph())
    graph.bind("void", VOID, override=True)
    graph.bind("dcat", DCAT, override=True)
    dataset = links.dataset
    modified = _modified(state)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    for lang in LANGUAGES:
        graph.add((dataset, DCTERMS.title, Literal(message("dataset_title", lang), lang=lang)))
        graph.add((dataset, DCTERMS.description, Literal(message("dataset_description", lang), lang=lang)))
        for keyword in message("dataset_keywords", lang).split("; "):
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang=lang)))
    graph.add((dataset, DCTERMS.license, LICENCE))
    graph.add((dataset, DCTERMS.publisher, links.publisher))
    graph.add((dataset, DCTERMS.modified, modified))
    graph.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/vi")))
    graph.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")))
    graph.add((dataset, DCTERMS.source, URIRef(links.base_iri + "id/plan-160-kh-ubnd-2021")))
    graph.add((dataset, DCAT.landingPage, links.root("/")))
    graph.add((dataset, VOID.sparqlEndpoint, links.sparql_endpoint))
    graph.add((dataset, VOID.uriSpace, Literal(links.base_iri + "id/")))
    graph.add((dataset, VOID.rootResource, URIRef(links.base_iri + "id/plan-160-kh-ubnd-2021")))
    for resource in example_resources(links.base_iri):
        graph.add((dataset, VOID.exampleResource, resource))
    for vocabulary in used_vocabularies(store, links.base_iri):
        graph.add((dataset, VOID.vocabulary, vocabulary))
    graph.add((dataset, VOID.triples, Literal(sum(count for _, count in state.graph_counts))))
    subjects = store.select(_DISTINCT_SUBJECTS)
    if subjects and "n" in subjects[0]:
        graph.add((dataset, VOID.distinctSubjects, Literal(int(subjects[0]["n"]))))
    _add_dumps(graph, dataset, links, WHOLE_DATASET, dataset_dump=True)
    for name, _count in state.graph_counts:
        graph.add((dataset, VOID.subset, URIRef(name)))
        add_graph_description(graph, state, links, URIRef(name))
    _add_publisher(graph, links)
    _add_catalogue(graph, links)
    return graph


def add_graph_description(graph: Graph, state: StoreState, links: DatasetLinks, name: URIRef) -> None:
    """Describe one named graph in ``graph``: a VoID subset named by the graph's IRI, its size and its dumps."""
    counts = dict(state.graph_counts)
    if str(name) not in counts:
        return
    graph.add((name, RDF.type, VOID.Dataset))
    graph.add((name, RDF.type, SD.NamedGraph))
    graph.add((name, SD.name, name))
    graph.add((name, VOID.triples, Literal(counts[str(name)])))
    graph.add((name, DCTERMS.title, Literal(graph_title(str(name), links.base_iri))))
    graph.add((name, DCTERMS.modified, _modified(state)))
    graph.add((name, DCTERMS.isPartOf, links.dataset))
    slug = dump_name(str(name), links.base_iri)
    if slug:
        _add_dumps(graph, name, links, slug, dataset_dump=False)


def _modified(state: StoreState) -> Literal:
    return Literal(state.seen_at.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


def graph_title(name: str, base_iri: str) -> str:
    """A short title for a named graph: its IRI below ``{base}graph/`` (``plan``, ``reports/…/v1``)."""
    for base in (base_iri, CANONICAL_BASE):
        if name.startswith(base + "graph/"):
            return name[len(base + "graph/") :]
    return name


def _add_dumps(graph: Graph, dataset: URIRef, links: DatasetLinks, name: str, *, dataset_dump: bool) -> None:
    for fmt in DUMP_FORMATS:
        if dataset_dump and fmt.kind != "dataset":
            continue
        for compressed in (False, True):
            url = links.root(dump_url(name, fmt, compressed=compressed))
            graph.add((dataset, VOID.dataDump, url))
            distribution = BNode()
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCAT.downloadURL, url))
            graph.add((distribution, DCAT.accessURL, url))
            graph.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + fmt.media_type)))
            graph.add((distribution, DCTERMS.format, URIRef(fmt.w3c_iri)))
            graph.add((distribution, DCTERMS.license, LICENCE))
            if compressed:
                graph.add((distribution, DCAT.compressFormat, GZIP))
            graph.add((distribution, DCTERMS.title, Literal(_distribution_title(name, fmt, compressed))))


def _distribution_title(name: str, fmt: Format, compressed: bool) -> str:
    return f"{name} ({fmt.w3c_name.replace('_', '/')}{', gzip' if compressed else ''})"


def _add_publisher(graph: Graph, links: DatasetLinks) -> None:
    graph.add((links.publisher, RDF.type, FOAF.Organization))
    graph.add((links.publisher, FOAF.name, Literal(PUBLISHER_NAME)))
    graph.add((links.publisher, FOAF.homepage, links.root("/")))


def _add_catalogue(graph: Graph, links: DatasetLinks) -> None:
    catalogue, service = links.catalogue, links.service
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    for lang in LANGUAGES:
        graph.add((catalogue, DCTERMS.title, Literal(message("dataset_title", lang), lang=lang)))
    graph.add((catalogue, DCTERMS.publisher, links.publisher))
    graph.add((catalogue, DCTERMS.license, LICENCE))
    graph.add((catalogue, DCAT.dataset, links.dataset))
    graph.add((catalogue, DCAT.service, service))
    graph.add((catalogue, FOAF.homepage, links.root("/")))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("SPARQL 1.1", lang="en")))
    graph.add((service, DCAT.endpointURL, links.sparql_endpoint))
    graph.add((service, DCAT.endpointDescription, links.sparql_endpoint))
    graph.add((service, DCAT.servesDataset, links.dataset))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((links.dataset, RDFS.seeAlso, links.root("/def")))


def _published(namespace: str, base_iri: str) -> str:
    # The store holds IRIs under base_iri when the operator chose another base than the canonical one.
    return base_iri + namespace[len(CANONICAL_BASE) :] if namespace.startswith(CANONICAL_BASE) else namespace
