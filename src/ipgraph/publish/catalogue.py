"""Start points for visitors: the resources of a class with their labels, in the plan's reading order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ipgraph.publish.views import natural_key
from ipgraph.store.base import Store

_MEMBERS = """
SELECT DISTINCT ?item ?label WHERE {
  GRAPH ?g { ?item ?link ?class }
  OPTIONAL { GRAPH ?g2 { ?item ?labelProperty ?label } }
}
"""


@dataclass(frozen=True)
class ListedResource:
    """A resource to link to, with its labels by language."""

    iri: URIRef
    labels: dict[str, str]

    def label(self, lang: str) -> str:
        """The label in ``lang``, else any label, else the IRI."""
        return self.labels.get(lang) or next(iter(self.labels.values()), str(self.iri))


def list_members(store: Store, target: URIRef, link: URIRef = RDF.type) -> list[ListedResource]:
    """Every IRI linked to ``target`` by ``link`` (``rdf:type`` by default: the instances of a class), labelled
    with ``rdfs:label`` and ordered by IRI as the plan numbers them (``V.2`` before ``V.10``)."""
    labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
    for row in store.select(_MEMBERS, {"class": target, "link": link, "labelProperty": RDFS.label}):
        item, label = row.get("item"), row.get("label")
        if not isinstance(item, URIRef):
            continue
        labels.setdefault(item, {})
        if isinstance(label, Literal):
            labels[item].setdefault(label.language or "", str(label))
    return [ListedResource(iri, labels[iri]) for iri in sorted(labels, key=lambda iri: natural_key(str(iri)))]


def list_concepts(store: Store, scheme: URIRef) -> list[ListedResource]:
    """The concepts of a SKOS scheme (``skos:inScheme``), in IRI order."""
    return list_members(store, scheme, SKOS.inScheme)
