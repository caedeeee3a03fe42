"""The HTML view of a resource description: terms turned into links and labelled text, and for duties, tasks
and organisations the summary a reader looks for first (who leads, who coordinates, the source clause, who
carries the work today).

Everything is derived from the description graph plus two small look-ups (the agents' successors, the source
clause's wording); nothing here knows about HTTP.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS
from rdflib.term import Node

from ipgraph.publish.describe import LABEL_PROPERTIES, fetch_values
from ipgraph.publish.i18n import Language
from ipgraph.publish.locations import link_target
from ipgraph.store.base import Store
from ipgraph.vocab import IPG, IPR, PREFIXES

ROLE_KEYS: dict[URIRef, str] = {
    IPR["role-lead"]: "lead",
    IPR["role-partner"]: "partner",
    IPR["role-requested"]: "requested",
    IPR["role-advisee"]: "advisee",
}


@dataclass(frozen=True)
class Term:
    """An RDF term as shown: text, an optional link, its language and datatype, nested rows for a blank node."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None
    nested: tuple[PropertyRow, ...] = ()


@dataclass(frozen=True)
class PropertyRow:
    """One property and its values (or, for incoming links, the resources that use it to point here)."""

    predicate: Term
    values: tuple[Term, ...]


@dataclass(frozen=True)
class Participation:
    """An agent's role in a duty or task, with the organisation carrying it today where it changed."""

    role_key: str
    role: Term
    agent: Term
    successor: Term | None = None
    successor_note: str | None = None


@dataclass(frozen=True)
class Responsibility:
    """Something an organisation is associated with, in a given role."""

    role_key: str
    role: Term
    item: Term


@dataclass(frozen=True)
class Clause:
    """The clause of the plan a duty, task or target comes from, with its wording."""

    link: Term
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceView:
    """Everything the resource page shows."""

    iri: str
    title: str
    labels: tuple[Term, ...]
    types: tuple[Term, ...]
    texts: tuple[Term, ...]
    properties: tuple[PropertyRow, ...]
    incoming: tuple[PropertyRow, ...]
    participations: tuple[Participation, ...]
    targets: tuple[Term, ...]
    subjects: tuple[Term, ...]
    clause: Clause | None
    responsibilities: tuple[Responsibility, ...]
    successors: tuple[Term, ...]
    #: The opening words of a duty's, task's or target's clause, shown beside its reference.
    subtitle: str | None = None
    #: A target's figure (:class:`ipgraph.publish.summaries.TargetSummary`).
    target: object | None = None
    #: The parts of a legal resource in the plan's order (:mod:`ipgraph.publish.plan_document`).
    outline: tuple[object, ...] = ()


class TermNamer:
    """Names terms for one page: labels in the reader's language, else prefixed names, and links to this site.

    ``property_name`` (when given) names properties in the reader's language, forwards or read backwards; the
    prefixed name stays in the link's title for SPARQL writers.
    """

    def __init__(
        self,
        graph: Graph,
        base_iri: str,
        lang: Language,
        property_name: Callable[[URIRef, bool], str | None] | None = None,
    ) -> None:
        self.graph = graph
        self.base_iri = base_iri
        self.lang = lang
        self.property_name = property_name

    def label(self, iri: Node) -> tuple[str, str] | None:
        """The best label of ``iri`` as (text, language): the reader's language, then the other, then any."""
        found: dict[str, str] = {}
        for prop in LABEL_PROPERTIES:
            for value in self.graph.objects(iri, prop):
                if isinstance(value, Literal):
                    found.setdefault(value.language or "", str(value))
        for choice in (self.lang, "en" if self.lang == "vi" else "vi", ""):
            if choice in found:
                return found[choice], choice
        return None

    def term(self, node: Node, *, depth: int = 0) -> Term:
        """``node`` as shown on the page (blank nodes expanded into their own rows, two levels deep)."""
        if isinstance(node, Literal):
            datatype = None
            if node.datatype is not None and node.datatype != RDF.langString:
                datatype = prefixed_name(str(node.datatype))
            return Term(text=str(node), lang=node.language, datatype=datatype)
        if isinstance(node, BNode):
            rows = self.rows(node, depth=depth + 1) if depth < 2 else ()
            return Term(text="[…]", nested=rows)
        iri = str(node)
        href = link_target(self.base_iri, iri)
        label = self.label(node)
        if label is not None:
            return Term(text=label[0], href=href, lang=label[1] or None, iri=iri)
        return Term(text=prefixed_name(iri), href=href, iri=iri)

    def predicate(self, iri: Node, *, backward: bool = False) -> Term:
        """A property by its name in the reader's language when it has one, else its prefixed name."""
        named = self.property_name(iri, backward) if self.property_name and isinstance(iri, URIRef) else None
        return Term(text=named or prefixed_name(str(iri)), href=link_target(self.base_iri, str(iri)), iri=str(iri))

    def rows(self, subject: Node, *, depth: int = 0, skip: Iterable[URIRef] = ()) -> tuple[PropertyRow, ...]:
        """The properties of ``subject`` in the graph, grouped, in prefixed-name order (``skip``: shown elsewhere)."""
        skipped = set(skip)
        grouped: dict[Node, list[Node]] = defaultdict(list)
        for predicate, obj in self.graph.predicate_objects(subject):
            if predicate not in skipped:
                grouped[predicate].append(obj)
        return tuple(
            PropertyRow(self.predicate(p), tuple(self.term(v, depth=depth) for v in sorted_terms(values)))
            for p, values in sorted(grouped.items(), key=lambda item: prefixed_name(str(item[0])))
        )


def build_view(
    store: Store,
    graph: Graph,
    iri: URIRef,
    base_iri: str,
    lang: Language,
    property_name: Callable[[URIRef, bool], str | None] | None = None,
) -> ResourceView:
    """The page model of ``iri`` from its description ``graph`` (see :func:`describe_resource`)."""
    namer = TermNamer(graph, base_iri, lang, property_name)
    participations = _participations(store, graph, namer, iri)
    clause = _clause(store, graph, namer, iri)
    title = namer.label(iri)
    return ResourceView(
        iri=str(iri),
        title=title[0] if title else prefixed_name(str(iri)),
        labels=tuple(namer.term(v) for p in LABEL_PROPERTIES for v in sorted_terms(graph.objects(iri, p))),
        types=tuple(namer.term(v) for v in sorted_terms(graph.objects(iri, RDF.type))),
        texts=tuple(namer.term(v) for v in sorted_terms(graph.objects(iri, IPG.text))),
        # Labels, types and texts have their own places on the page: each is shown once.
        properties=namer.rows(iri, skip=(*LABEL_PROPERTIES, RDF.type, IPG.text)),
        incoming=_incoming(graph, namer, iri),
        participations=participations,
        targets=tuple(namer.term(v) for v in sorted_terms(graph.objects(iri, IPG.servesTarget))),
        subjects=tuple(namer.term(v) for v in sorted_terms(graph.objects(iri, DCTERMS.subject))),
        clause=clause,
        responsibilities=_responsibilities(graph, namer, iri),
        successors=tuple(namer.term(v) for v in sorted_terms(graph.objects(iri, IPG.successor))),
    )


def _incoming(graph: Graph, namer: TermNamer, iri: URIRef) -> tuple[PropertyRow, ...]:
    grouped: dict[Node, list[Node]] = defaultdict(list)
    for subject, predicate in graph.subject_predicates(iri):
        if isinstance(subject, BNode):
            # A qualified association or similar: show the resource that holds the blank node.
            for holder in graph.subjects(None, subject):
                grouped[predicate].append(holder)
        else:
            grouped[predicate].append(subject)
    return tuple(
        PropertyRow(namer.predicate(p, backward=True), tuple(namer.term(v) for v in sorted_terms(set(values))))
        for p, values in sorted(grouped.items(), key=lambda item: prefixed_name(str(item[0])))
    )


def _participations(store: Store, graph: Graph, namer: TermNamer, iri: URIRef) -> tuple[Participation, ...]:
    pairs: list[tuple[URIRef, URIRef]] = []
    for association in graph.objects(iri, PROV.qualifiedAssociation):
        for agent in graph.objects(association, PROV.agent):
            for role in graph.objects(association, PROV.hadRole):
                if isinstance(agent, URIRef) and isinstance(role, URIRef):
                    pairs.append((role, agent))
    if not pairs:
        return ()
    agents = {agent for _, agent in pairs}
    extra = Graph()
    for triple in fetch_values(store, agents, (IPG.successor, SKOS.editorialNote)):
        extra.add(triple)
    successors = {o for o in extra.objects(None, IPG.successor) if isinstance(o, URIRef)}
    for triple in fetch_values(store, successors, LABEL_PROPERTIES):
        extra.add(triple)
    lookup = TermNamer(graph + extra, namer.base_iri, namer.lang, namer.property_name)
    result = []
    for role, agent in sorted(pairs, key=lambda pair: (_role_order(pair[0]), natural_key(str(pair[1])))):
        successor = next(iter(extra.objects(agent, IPG.successor)), None)
        note = next(iter(extra.objects(agent, SKOS.editorialNote)), None)
        result.append(
            Participation(
                role_key=ROLE_KEYS.get(role, "other_roles"),
                role=lookup.term(role),
                agent=lookup.term(agent),
                successor=lookup.term(successor) if successor is not None else None,
                successor_note=_in_language(extra.objects(agent, SKOS.editorialNote), namer.lang)
                if note is not None and successor is None
                else None,
            )
        )
    return tuple(result)


def _clause(store: Store, graph: Graph, namer: TermNamer, iri: URIRef) -> Clause | None:
    sources = [s for s in graph.objects(iri, DCTERMS.source) if isinstance(s, URIRef)]
    for source in sorted(sources):
        texts: dict[str, str] = {}
        for _s, _p, text in fetch_values(store, [source], (IPG.text,)):
            if isinstance(text, Literal) and text.language:
                texts[text.language] = str(text)
        if texts:
            return Clause(link=namer.term(source), texts=texts)
    return None


def _responsibilities(graph: Graph, namer: TermNamer, iri: URIRef) -> tuple[Responsibility, ...]:
    found: set[tuple[URIRef, Node]] = set()
    for association in graph.subjects(PROV.agent, iri):
        if not isinstance(association, BNode):
            continue
        for role in graph.objects(association, PROV.hadRole):
            for holder in graph.subjects(PROV.qualifiedAssociation, association):
                if isinstance(role, URIRef):
                    found.add((role, holder))
    return tuple(
        Responsibility(ROLE_KEYS.get(role, "other_roles"), namer.term(role), namer.term(holder))
        for role, holder in sorted(found, key=lambda pair: (_role_order(pair[0]), natural_key(str(pair[1]))))
    )


def _role_order(role: URIRef) -> int:
    order = list(ROLE_KEYS)
    return order.index(role) if role in order else len(order)


def _in_language(values: Iterable[Node], lang: str) -> str | None:
    literals = [v for v in values if isinstance(v, Literal)]
    for value in literals:
        if value.language == lang:
            return str(value)
    return str(literals[0]) if literals else None


def prefixed_name(iri: str) -> str:
    """``ipg:Duty`` for a known namespace (the longest match wins: ``p160:`` before ``ipr:``), else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def natural_key(text: str) -> tuple[object, ...]:
    """A sort key that puts ``V.2`` before ``V.10`` (the plan's numbering sorts as people read it)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def sorted_terms(values: Iterable[Node]) -> list[Node]:
    """Terms in a stable reading order: IRIs naturally sorted, literals by language then text."""

    def key(node: Node) -> tuple[object, ...]:
        if isinstance(node, Literal):
            return (1, node.language or "", str(node))
        return (0, *natural_key(str(node)))

    return sorted(values, key=key)
