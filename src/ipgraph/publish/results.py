"""SPARQL answers as people read them: the one table the query page, the question pages and search share.

A SELECT answer (SPARQL 1.1 Query Results JSON Format §3) becomes rows of :class:`Cell`: an IRI shows its label in
the page's language and links to its page (only through :func:`~ipgraph.publish.locations.link_target`), a number
is written the way the page's language writes numbers (``8,5`` in Vietnamese) and kept sortable by its value, and
the datatype or language tag travels along for readers who ask for it. An ASK answer is a truth value; a
CONSTRUCT or DESCRIBE answer is a graph shown as Turtle with the site's prefixes and its triple count.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Graph, Literal, URIRef

from ipgraph.publish.describe import LABEL_PROPERTIES, bind_prefixes
from ipgraph.publish.i18n import Language, message
from ipgraph.publish.locations import link_target
from ipgraph.publish.views import prefixed_name

_XSD = "http://www.w3.org/2001/XMLSchema#"
#: XSD datatypes whose values are numbers: right-aligned, written per language, sorted by value.
NUMERIC_DATATYPES = frozenset(
    _XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
#: Characters from which a value is read as running text.
LONG_TEXT = 60
_BOOLEAN = _XSD + "boolean"
#: Labels looked up for at most this many IRIs of one answer (a page shows far fewer).
LABEL_LOOKUP_LIMIT = 2000

LabelLookup = Callable[[Iterable[str]], dict[str, dict[str, str]]]


@dataclass(frozen=True)
class Cell:
    """One value as shown: ``text`` (a label, a formatted number, the literal), an optional link, the language
    and prefixed datatype shown on demand, the full IRI, and ``number`` (its value, when it is one) for sorting."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None
    number: Decimal | None = None

    @property
    def long(self) -> bool:
        """Text long enough to need a readable column width (the table scrolls rather than squeezes it)."""
        return len(self.text) > LONG_TEXT


@dataclass(frozen=True)
class ResultTable:
    """A SELECT answer as a table, or an ASK answer as ``boolean``; ``truncated`` when the row limit cut it."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell | None, ...], ...]
    boolean: bool | None = None
    truncated: bool = False
    row_limit: int | None = None

    def numeric_columns(self) -> frozenset[int]:
        """The columns whose every bound value is a number (drawn right-aligned)."""
        found = set()
        for index in range(len(self.columns)):
            cells = [row[index] for row in self.rows if row[index] is not None]
            if cells and all(cell.number is not None for cell in cells if cell is not None):
                found.add(index)
        return frozenset(found)


@dataclass(frozen=True)
class GraphAnswer:
    """A CONSTRUCT or DESCRIBE answer: Turtle with the site's prefixes, and how many triples it holds."""

    turtle: str
    triples: int
    truncated: bool = False


@dataclass(frozen=True)
class QueryFailure:
    """Why a query was refused, with the position of a syntax error (1-based) when there is one.

    ``kind`` names the failure for the page's own wording (``syntax``, ``timeout``, ``refused``, ``input``…);
    ``detail`` is the engine's message, shown as it was given.
    """

    kind: str
    detail: str
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None
    status: int = 400


def result_table(
    body: bytes,
    base_iri: str,
    lang: Language,
    labels: LabelLookup,
    *,
    truncated: bool = False,
    row_limit: int | None = None,
) -> ResultTable:
    """Read a SPARQL JSON results document into a :class:`ResultTable`, IRIs named by ``labels``."""
    document: dict[str, Any] = json.loads(body)
    if "boolean" in document:
        return ResultTable((), (), boolean=bool(document["boolean"]), truncated=truncated)
    columns = tuple(str(name) for name in document.get("head", {}).get("vars", []))
    bindings: list[dict[str, Any]] = document.get("results", {}).get("bindings", [])
    iris = {
        value["value"]
        for binding in bindings
        for value in binding.values()
        if isinstance(value, dict) and value.get("type") == "uri"
    }
    names = labels(sorted(iris)[:LABEL_LOOKUP_LIMIT]) if iris else {}
    rows = tuple(tuple(_cell(binding.get(name), base_iri, lang, names) for name in columns) for binding in bindings)
    cut = truncated or bool(document.get("truncated"))
    return ResultTable(columns, rows, truncated=cut, row_limit=row_limit if cut else None)


def graph_answer(turtle: bytes, *, truncated: bool = False) -> GraphAnswer:
    """A graph answer re-written with the site's prefixes, so it reads as the queries do."""
    graph = bind_prefixes(Graph())
    graph.parse(data=turtle, format="turtle")
    text = graph.serialize(format="turtle")
    return GraphAnswer(text if isinstance(text, str) else text.decode("utf-8"), len(graph), truncated)


def pick_label(found: dict[str, str], lang: Language) -> str | None:
    """The label in ``lang``, then in the other language, then one without a tag."""
    for choice in (lang, "en" if lang == "vi" else "vi", ""):
        if choice in found:
            return found[choice]
    return None


def format_number(lexical: str, lang: Language) -> str:
    """``6497`` → ``6.497`` (vi) or ``6,497`` (en); ``8.5`` → ``8,5`` (vi). Digits are kept as given: a figure
    from the plan is shown exactly, never rounded."""
    text = lexical.strip()
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("+-")
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return lexical
    grouped = f"{int(whole):,}"
    thousands, decimal_mark = (".", ",") if lang == "vi" else (",", ".")
    grouped = grouped.replace(",", thousands)
    return sign + grouped + (decimal_mark + fraction if fraction else "")


def _cell(value: dict[str, str] | None, base_iri: str, lang: Language, names: dict[str, dict[str, str]]) -> Cell | None:
    if value is None:
        return None
    text = value.get("value", "")
    kind = value.get("type")
    if kind == "uri":
        label = pick_label(names.get(text, {}), lang)
        return Cell(text=label or prefixed_name(text), href=link_target(base_iri, text), iri=text)
    if kind == "bnode":
        return Cell(text=f"_:{text}")
    datatype = value.get("datatype")
    if datatype == _BOOLEAN and text in ("true", "false", "1", "0"):
        shown = message("yes" if text in ("true", "1") else "no", lang)
        return Cell(text=shown, datatype=prefixed_name(datatype))
    if datatype in NUMERIC_DATATYPES:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            shown = format_number(text, lang) if "e" not in text.lower() else text
            return Cell(text=shown, datatype=prefixed_name(datatype), number=number)
    return Cell(text=text, lang=value.get("xml:lang"), datatype=prefixed_name(datatype) if datatype else None)


def labels_from_triples(triples: Iterable[tuple[object, object, object]]) -> dict[str, dict[str, str]]:
    """``{iri: {lang: label}}`` from ``(s, p, o)`` label triples; ``rdfs:label`` wins over ``skos:prefLabel``."""
    found: dict[str, dict[str, str]] = {}
    ordered = sorted(triples, key=lambda t: LABEL_PROPERTIES.index(t[1]) if t[1] in LABEL_PROPERTIES else 9)
    for subject, _, obj in ordered:
        if isinstance(subject, URIRef) and isinstance(obj, Literal):
            found.setdefault(str(subject), {}).setdefault(obj.language or "", str(obj))
    return found


def failure_excerpt(query: str, line: int | None) -> str | None:
    """The line of ``query`` holding the error (the page marks the column with a caret below it)."""
    lines = query.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1]
