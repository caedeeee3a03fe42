"""The plan read as a document: its parts in the plan's own order (preamble, I–VI, closing, recipients), each part
with its number, title and words in the reader's language and a link to its own page.

Any legal resource with parts (``eli:is_part_of``) gets this outline — the plan itself, or one of its sections —
ordered by ``ipg:sequence`` as the plan is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ipgraph.publish.i18n import Language
from ipgraph.publish.locations import link_target
from ipgraph.publish.results import pick_label
from ipgraph.publish.views import natural_key
from ipgraph.store.base import Store
from ipgraph.vocab import sparql_prologue

#: How deep the outline goes below the resource shown (the plan's deepest items are four levels down).
MAX_DEPTH = 5

_PARTS = """
SELECT ?part ?parent ?sequence ?number ?label ?title ?text WHERE {
  GRAPH ?g { ?part eli:is_part_of+ ?root }
  GRAPH ?g2 { ?part eli:is_part_of ?parent }
  OPTIONAL { GRAPH ?g3 { ?part ipg:sequence ?sequence } }
  OPTIONAL { GRAPH ?g4 { ?part eli:number ?number } }
  OPTIONAL { GRAPH ?g5 { ?part rdfs:label ?label } }
  OPTIONAL { GRAPH ?g6 { ?part dcterms:title ?title } }
  OPTIONAL { GRAPH ?g7 { ?part ipg:text ?text } }
}
"""


@dataclass(frozen=True)
class DocumentPart:
    """One part of the document: its heading, its words, its page, and its own parts."""

    iri: str
    label: str
    title: str | None
    text: str | None
    text_lang: str | None
    href: str | None
    parts: tuple[DocumentPart, ...]


def document_outline(store: Store, root: URIRef, base_iri: str, lang: Language) -> tuple[DocumentPart, ...]:
    """The parts of ``root`` as a tree, in the plan's order; empty when ``root`` has no parts."""
    children: dict[str, set[str]] = defaultdict(set)
    order: dict[str, tuple[object, ...]] = {}
    words: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in store.select(sparql_prologue() + _PARTS, {"root": root}):
        part, parent = str(row["part"]), str(row["parent"])
        children[parent].add(part)
        sequence = row.get("sequence")
        order.setdefault(part, (int(sequence) if isinstance(sequence, Literal) and str(sequence).isdigit() else 0,))
        for key in ("label", "title", "text", "number"):
            value = row.get(key)
            if isinstance(value, Literal):
                words[part][key].setdefault(value.language or "", str(value))

    def build(iri: str, depth: int) -> DocumentPart:
        text_by_lang = words[iri]["text"]
        text = pick_label(text_by_lang, lang)
        text_lang = next((k for k, v in text_by_lang.items() if v == text), None) if text else None
        return DocumentPart(
            iri=iri,
            label=pick_label(words[iri]["label"], lang) or iri.rsplit("/", 1)[-1],
            title=pick_label(words[iri]["title"], lang),
            text=text,
            text_lang=text_lang or None,
            href=link_target(base_iri, iri),
            parts=tuple(build(child, depth + 1) for child in ordered(children[iri])) if depth < MAX_DEPTH else (),
        )

    def ordered(parts: set[str]) -> list[str]:
        return sorted(parts, key=lambda part: (*order.get(part, (0,)), natural_key(part)))

    return tuple(build(part, 1) for part in ordered(children[str(root)]))
