"""What a duty, task or target *is*, in words: the opening words of its clause beside its reference, and for a
target the figure a reader looks for first — the value or range, the unit, the year, the scope — with a link to
its card on the progress dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ipgraph.publish.i18n import Language
from ipgraph.publish.plan_document import document_outline
from ipgraph.publish.property_names import STANDARD_CLASSES, PropertyNames
from ipgraph.publish.results import format_number
from ipgraph.publish.views import ResourceView, Term, TermNamer, build_view
from ipgraph.store.base import Store
from ipgraph.vocab import IPG, PREFIXES

ELI_HAS_PART = URIRef("http://data.europa.eu/eli/ontology#has_part")
UNIT_MEASURE = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure")
#: Kinds of things whose title carries the opening words of their clause.
WORDED_KINDS = (IPG.Duty, IPG.Task, IPG.Target)
#: Words of the clause shown beside the reference.
TITLE_WORDS = 16
#: Where a target's card is on the dashboard (``/dashboard#target-II.2.2.b``).
DASHBOARD_CARD = "/dashboard#target-{reference}"


@dataclass(frozen=True)
class TargetSummary:
    """A target's figure and what it applies to."""

    value: str | None
    unit: Term | None
    year: str | None
    indicator: Term | None
    scope: str | None
    scope_lang: str | None
    dashboard_href: str


def opening_words(text: str | None, limit: int = TITLE_WORDS) -> str | None:
    """The first ``limit`` words of ``text``, with an ellipsis when there is more."""
    if not text:
        return None
    words = text.split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")


def is_worded(graph: Graph, iri: URIRef) -> bool:
    """Whether ``iri`` is a duty, task or target (titled by its reference and its words)."""
    return any((iri, RDF.type, kind) in graph for kind in WORDED_KINDS)


def target_summary(graph: Graph, namer: TermNamer, iri: URIRef, lang: Language) -> TargetSummary | None:
    """The summary of a target (``None`` for anything else)."""
    if (iri, RDF.type, IPG.Target) not in graph:
        return None
    exact, low, high = (_literal(graph, iri, prop) for prop in (IPG.exactValue, IPG.minimumValue, IPG.maximumValue))
    value = None
    if exact is not None:
        value = format_number(exact, lang)
    elif low is not None and high is not None:
        value = f"{format_number(low, lang)}–{format_number(high, lang)}"
    elif low is not None:
        value = "≥ " + format_number(low, lang)
    elif high is not None:
        value = "≤ " + format_number(high, lang)
    unit = next(iter(graph.objects(iri, UNIT_MEASURE)), None)
    indicator = next(iter(graph.objects(iri, IPG.indicator)), None)
    scope, scope_lang = _in_language(graph, iri, (SKOS.scopeNote, RDFS.comment), lang)
    reference = str(iri).rsplit("/", 1)[-1].removeprefix("target-")
    plan_prefix = PREFIXES.get("p160", "")
    if not str(iri).startswith(plan_prefix):
        reference = str(iri).rsplit("/", 1)[-1]
    return TargetSummary(
        value=value,
        unit=namer.term(unit) if unit is not None else None,
        year=_literal(graph, iri, IPG.targetYear),
        indicator=namer.term(indicator) if indicator is not None else None,
        scope=scope,
        scope_lang=scope_lang,
        dashboard_href=DASHBOARD_CARD.format(reference=reference),
    )


def _literal(graph: Graph, iri: URIRef, prop: URIRef) -> str | None:
    value = next((v for v in graph.objects(iri, prop) if isinstance(v, Literal)), None)
    return str(value) if value is not None else None


def _in_language(graph: Graph, iri: URIRef, props: tuple[URIRef, ...], lang: Language) -> tuple[str | None, str | None]:
    for prop in props:
        texts = {v.language or "": str(v) for v in graph.objects(iri, prop) if isinstance(v, Literal)}
        for choice in (lang, "en" if lang == "vi" else "vi", ""):
            if choice in texts:
                return texts[choice], choice or None
    return None, None


def resource_page(store: Store, graph: Graph, iri: URIRef, base_iri: str, lang: Language) -> ResourceView:
    """The resource page's model: :func:`~ipgraph.publish.views.build_view` with properties named in ``lang``, and
    for duties, tasks and targets their words and figure."""
    names = PropertyNames(store, {p for p in graph.predicates() if isinstance(p, URIRef)}, lang)

    def property_name(prop: URIRef, backward: bool) -> str | None:
        named = names.name(prop)
        if named is None:
            return None
        return named.backward if backward else named.forward

    view = build_view(store, graph, iri, base_iri, lang, property_name)
    namer = TermNamer(graph, base_iri, lang, property_name)
    subtitle = None
    if is_worded(graph, iri) and view.clause is not None:
        subtitle = opening_words(view.clause.texts.get(lang) or next(iter(view.clause.texts.values()), None))
    outline = document_outline(store, iri, base_iri, lang) if (iri, ELI_HAS_PART, None) in graph else ()
    index = 0 if lang == "vi" else 1
    renamed = [
        replace(kind, text=STANDARD_CLASSES[kind.text][index]) if kind.text in STANDARD_CLASSES else kind
        for kind in view.types
    ]
    # Two types named alike, or a label given twice (rdfs:label and skos:prefLabel), are shown once.
    first_types: dict[str, Term] = {}
    for kind in renamed:
        first_types.setdefault(kind.text, kind)
    first_labels: dict[tuple[str, str | None], Term] = {}
    for label in view.labels:
        first_labels.setdefault((label.text, label.lang), label)
    types, labels = tuple(first_types.values()), tuple(first_labels.values())
    return replace(
        view,
        types=types,
        labels=labels,
        subtitle=subtitle,
        target=target_summary(graph, namer, iri, lang),
        outline=outline,
    )
