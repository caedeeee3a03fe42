"""The form on a question's page: one typed input per parameter declared in the query's header.

The choices come from the graph, so a reader picks a value by name instead of typing an IRI: a ``year`` is one
of the years the plan's targets name, an ``iri`` is one of the things of the same kind as the default (an
organisation among organisations, a section among the sections of the same part of the plan). Other types get
the matching HTML input (number, date, text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ipgraph.errors import InputError
from ipgraph.publish.i18n import Language
from ipgraph.publish.results import pick_label
from ipgraph.publish.views import natural_key, prefixed_name
from ipgraph.queries import CannedQuery, Parameter, expand_iri
from ipgraph.store.base import Store
from ipgraph.vocab import sparql_prologue

_YEARS = "SELECT DISTINCT ?year WHERE { GRAPH ?g { ?target ipg:targetYear ?year } }"
# Things having every type the default has and, when the default is part of something, the same parent.
_SIBLINGS = """
SELECT DISTINCT ?member ?label ?title WHERE {
  GRAPH ?g { ?default a ?kind }
  GRAPH ?g2 { ?member a ?kind }
  FILTER NOT EXISTS { GRAPH ?g3 { ?default a ?other } FILTER NOT EXISTS { GRAPH ?g4 { ?member a ?other } } }
  OPTIONAL { GRAPH ?g5 { ?default eli:is_part_of ?parent } }
  FILTER(!BOUND(?parent) || EXISTS { GRAPH ?g6 { ?member eli:is_part_of ?parent } })
  OPTIONAL { GRAPH ?g7 { ?member rdfs:label|skos:prefLabel ?label } }
  OPTIONAL { GRAPH ?g8 { ?member dcterms:title ?title } }
}
"""
#: A picker offers at most this many choices; a longer list is a text box.
MAX_CHOICES = 400


@dataclass(frozen=True)
class Choice:
    """One option of a picker: the value sent in the URL and the words shown."""

    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input of the form: ``control`` is ``select``, ``number``, ``date`` or ``text``."""

    name: str
    type: str
    control: str
    value: str
    choices: tuple[Choice, ...] = ()
    step: str = "1"


def current_values(query: CannedQuery, supplied: Mapping[str, str]) -> dict[str, str]:
    """Each parameter's value as the reader sent it, else its default (``""`` when it has none)."""
    return {p.name: supplied.get(p.name, p.default or "") for p in query.parameters}


def build_form(store: Store, query: CannedQuery, values: Mapping[str, str], lang: Language) -> tuple[FormField, ...]:
    """The form's fields, filled with ``values``."""
    return tuple(_field(store, parameter, values.get(parameter.name, ""), lang) for parameter in query.parameters)


def _field(store: Store, parameter: Parameter, value: str, lang: Language) -> FormField:
    if parameter.type == "year":
        years = sorted({str(row["year"]) for row in store.select(sparql_prologue() + _YEARS)} | {value} - {""})
        return FormField(parameter.name, parameter.type, "select", value, tuple(Choice(y, y) for y in years))
    if parameter.type == "iri" and parameter.default:
        choices = _iri_choices(store, parameter.default, lang)
        if len(choices) > 1 and (value == "" or any(c.value == value for c in choices)):
            return FormField(parameter.name, parameter.type, "select", value, choices)
    if parameter.type in ("integer", "decimal"):
        return FormField(
            parameter.name, parameter.type, "number", value, step="any" if parameter.type == "decimal" else "1"
        )
    if parameter.type == "date":
        return FormField(parameter.name, parameter.type, "date", value)
    return FormField(parameter.name, parameter.type, "text", value)


def _iri_choices(store: Store, default: str, lang: Language) -> tuple[Choice, ...]:
    try:
        iri = URIRef(expand_iri(default))
    except InputError:
        return ()
    labels: dict[str, dict[str, str]] = {}
    titles: dict[str, dict[str, str]] = {}
    for row in store.select(sparql_prologue() + _SIBLINGS, {"default": iri}):
        member = str(row["member"])
        labels.setdefault(member, {})
        titles.setdefault(member, {})
        for key, found in (("label", labels), ("title", titles)):
            value = row.get(key)
            if isinstance(value, Literal):
                found[member].setdefault(value.language or "", str(value))
    if len(labels) > MAX_CHOICES:
        return ()
    choices = []
    for member in labels:
        label = pick_label(labels[member], lang) or prefixed_name(member)
        title = pick_label(titles[member], lang)
        choices.append(Choice(prefixed_name(member), f"{label} — {title}" if title else label))
    parted = any(titles.values())
    if parted:
        choices.sort(key=lambda c: natural_key(c.value))
    else:
        choices.sort(key=lambda c: reading_key(c.label))
    return tuple(choices)


def reading_key(text: str) -> str:
    """A sort key for Vietnamese names: letters without their marks first (``Ủy`` among the U's, ``Đ`` with D)."""
    bare = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in bare if not unicodedata.combining(ch)) + "\x00" + text
