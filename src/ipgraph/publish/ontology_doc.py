"""The ontology's HTML documentation, generated from the ontology graph itself (``ontology/*.ttl`` as loaded).

Only the terms ipgraph mints (``ipg:``) are documented one by one, grouped by OWL kind, each with its labels in
both languages, its comment, domain, range, super-terms and the editorial note saying why it is new; the standard
terms the ontology declares locally are listed with links to their own documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ipgraph.publish.i18n import Language
from ipgraph.publish.locations import link_target
from ipgraph.publish.views import Term, TermNamer, natural_key, prefixed_name

#: OWL kinds in the order the documentation shows them, with the interface text key of each heading.
KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.Class, "classes"),
    (OWL.ObjectProperty, "object_properties"),
    (OWL.DatatypeProperty, "datatype_properties"),
    (OWL.AnnotationProperty, "other_properties"),
)


@dataclass(frozen=True)
class TermDoc:
    """One minted term as documented."""

    iri: str
    anchor: str
    name: str
    labels: dict[str, str]
    comments: dict[str, str]
    domains: tuple[Term, ...]
    ranges: tuple[Term, ...]
    parents: tuple[Term, ...]
    why_new: str | None
    why_new_lang: str = ""


@dataclass(frozen=True)
class OntologyDoc:
    """The documentation page: the ontology's header and its terms by kind."""

    iri: str
    title: str
    description: str
    description_lang: str
    version: str
    licence: str | None
    #: Where the licence links to: ``None`` when its IRI is not a web address (shown as text).
    licence_href: str | None
    sections: tuple[tuple[str, tuple[TermDoc, ...]], ...]
    reused: tuple[Term, ...]


def ontology_namespace(ontology_iri: str) -> str:
    """The namespace of the ontology's terms: its IRI plus ``#`` (``{base}def`` → ``{base}def#``)."""
    return ontology_iri + "#"


def document_ontology(graph: Graph, ontology_iri: URIRef, base_iri: str, lang: Language) -> OntologyDoc:
    """The documentation of the ontology ``ontology_iri`` in ``graph`` for a reader of ``lang``."""
    namer = TermNamer(graph, base_iri, lang)
    namespace = ontology_namespace(str(ontology_iri))
    sections = []
    documented: set[Node] = set()
    for kind, key in KINDS:
        terms = sorted(
            (s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(namespace)),
            key=lambda iri: natural_key(str(iri)),
        )
        documented.update(terms)
        sections.append((key, tuple(_term_doc(graph, namer, term, namespace, lang) for term in terms)))
    reused = sorted(
        {
            s
            for kind, _ in KINDS
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and s not in documented and not str(s).startswith(namespace)
        },
        key=lambda iri: prefixed_name(str(iri)),
    )
    licence = str(graph.value(ontology_iri, DCTERMS.license) or "") or None
    return OntologyDoc(
        iri=str(ontology_iri),
        title=_text(graph, ontology_iri, DCTERMS.title, lang) or prefixed_name(str(ontology_iri)),
        description=_text(graph, ontology_iri, DCTERMS.description, lang) or "",
        description_lang=_text_language(graph, ontology_iri, DCTERMS.description, lang),
        version=str(graph.value(ontology_iri, OWL.versionInfo) or ""),
        licence=licence,
        licence_href=link_target(base_iri, licence) if licence else None,
        sections=tuple(sections),
        reused=tuple(
            Term(text=prefixed_name(str(iri)), href=link_target(base_iri, str(iri)), iri=str(iri)) for iri in reused
        ),
    )


def _term_doc(graph: Graph, namer: TermNamer, term: URIRef, namespace: str, lang: Language) -> TermDoc:
    anchor = str(term)[len(namespace) :]
    return TermDoc(
        iri=str(term),
        anchor=anchor,
        name=prefixed_name(str(term)),
        labels=_by_language(graph, term, RDFS.label),
        comments=_by_language(graph, term, RDFS.comment),
        domains=_links(graph, namer, term, RDFS.domain),
        ranges=_links(graph, namer, term, RDFS.range),
        parents=_links(graph, namer, term, RDFS.subClassOf) + _links(graph, namer, term, RDFS.subPropertyOf),
        why_new=_text(graph, term, SKOS.editorialNote, lang),
        why_new_lang=_text_language(graph, term, SKOS.editorialNote, lang),
    )


def _links(graph: Graph, namer: TermNamer, term: URIRef, prop: URIRef) -> tuple[Term, ...]:
    values = sorted((v for v in graph.objects(term, prop) if isinstance(v, URIRef)), key=str)
    return tuple(namer.predicate(v) for v in values)


def _by_language(graph: Graph, term: Node, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(term, prop):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return dict(sorted(found.items()))


def _text(graph: Graph, term: Node, prop: URIRef, lang: Language) -> str | None:
    texts = _by_language(graph, term, prop)
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), None)


def _text_language(graph: Graph, term: Node, prop: URIRef, lang: Language) -> str:
    """The language of the text :func:`_text` picks (the page marks text that is not in its own language)."""
    texts = _by_language(graph, term, prop)
    for choice in (lang, "en", *texts):
        if texts.get(choice):
            return choice
    return ""
