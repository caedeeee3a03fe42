"""Parse RDF that arrives from outside (Graph Store bodies, report uploads) without trusting it.

The format comes only from the declared ``Content-Type``, never from sniffing. Turtle, TriG, N-Triples and
N-Quads are read by the engine's own parser (:mod:`ipgraph.store.syntax`: iterative, so nesting cannot exhaust
the stack, and strict about IRIs). Before rdflib sees a JSON-LD or RDF/XML document, the hazards its parsers
would act on are refused: a JSON-LD ``@context`` or ``@import`` given by URL (rdflib would fetch it), JSON
nested deeper than :attr:`ParseLimits.max_json_depth`, JSON-LD keywords with values of the wrong type
(:mod:`ipgraph.jsonld_checks`), and any DOCTYPE in RDF/XML (the door to external entities and "billion laughs"
expansion); what rdflib reads is then checked for IRIs the store could not hold. Every error says where it is.
Literals are stored in Unicode NFC, so Vietnamese typed in decomposed form matches the plan's text.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
import xml.parsers.expat
from dataclasses import dataclass
from typing import Any
from xml.sax import SAXParseException

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from ipgraph.errors import ForbiddenFetchError, InputError, RdfSyntaxError, UnsupportedMediaTypeError
from ipgraph.formats import (
    GRAPH_FORMATS,
    INPUT_FORMATS,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    TRIG,
    TURTLE,
    Format,
    format_for_media_type,
    parse_media_type,
)
from ipgraph.jsonld_checks import IRI_FORBIDDEN, check_json_ld, json_syntax_error
from ipgraph.nesting import check_turtle_nesting, check_xml_nesting
from ipgraph.store.syntax import engine_reads, parse_statements

# What rdflib's parsers raise on malformed input (its JSON-LD parser: NameError for a bare scalar); anything else
# is a bug and should surface as one.
_PARSER_FAILURES = (SyntaxError, ValueError, TypeError, KeyError, IndexError, AttributeError, NameError, ParserError)


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on hostile structure (body size is enforced where the bytes are read)."""

    max_json_depth: int = 64
    #: Turtle and TriG ``[ ]``, ``( )`` and ``{ }`` groups inside one another (:mod:`ipgraph.nesting`).
    max_nesting: int = 64
    #: RDF/XML elements inside one another (a nested node costs two: its property and its description).
    max_xml_depth: int = 130


def parse_graph(data: bytes, content_type: str | None, *, base_iri: str, limits: ParseLimits = ParseLimits()) -> Graph:
    """Parse a document in a triple format (Turtle, N-Triples, JSON-LD, RDF/XML) into a new graph."""
    chosen = _format(content_type, GRAPH_FORMATS[:4])
    graph = Graph()
    _parse_into(graph, data, chosen, base_iri, limits)
    return _normalised(graph)


def parse_dataset(
    data: bytes, content_type: str | None, *, base_iri: str, limits: ParseLimits = ParseLimits()
) -> Dataset:
    """Parse a document in any input format; triple formats land in the dataset's default graph."""
    chosen = _format(content_type, INPUT_FORMATS)
    dataset = Dataset()
    target: Graph = dataset if chosen.kind == "dataset" else dataset.default_context
    _parse_into(target, data, chosen, base_iri, limits)
    for graph in list(dataset.contexts()):
        _normalise_in_place(graph)
    return dataset


def _format(content_type: str | None, offers: tuple[Format, ...]) -> Format:
    media_type, params = parse_media_type(content_type)
    names = ", ".join(offer.media_type for offer in offers)
    if not media_type:
        raise UnsupportedMediaTypeError(f"the request has no Content-Type; send the RDF as one of: {names}")
    chosen = format_for_media_type(media_type, offers)
    if chosen is None:
        raise UnsupportedMediaTypeError(f"cannot read RDF from {media_type!r}; send one of: {names}")
    charset = params.get("charset")
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        raise InputError(f"charset {charset!r} is not supported; RDF bodies must be UTF-8")
    return chosen


def _parse_into(graph: Graph, data: bytes, chosen: Format, base_iri: str, limits: ParseLimits) -> None:
    if chosen is RDF_XML:
        _refuse_xml_declarations(data)
        check_xml_nesting(data, limits.max_xml_depth)
        source: str | bytes = data
    else:
        source = _decode(data)
    if isinstance(source, str) and engine_reads(chosen.media_type):
        if chosen in (TURTLE, TRIG):
            check_turtle_nesting(source, chosen.media_type, limits.max_nesting)
        _add_statements(graph, source, chosen, base_iri)
        return
    if chosen is JSON_LD:
        check_json_ld(source if isinstance(source, str) else "", max_depth=limits.max_json_depth)
    _parse_with_rdflib(graph, source, chosen, base_iri)
    _check_terms(graph, source, chosen, base_iri)


def _add_statements(graph: Graph, text: str, chosen: Format, base_iri: str) -> None:
    """Read ``text`` with the engine's parser; a triple format's statements all land in ``graph`` itself."""
    for subject, predicate, value, name in parse_statements(text, chosen.media_type, base_iri=base_iri):
        if name is None or not isinstance(graph, Dataset):
            graph.add((subject, predicate, value))
        else:
            graph.graph(name).add((subject, predicate, value))


def _parse_with_rdflib(graph: Graph, source: str | bytes, chosen: Format, base_iri: str) -> None:
    try:
        with warnings.catch_warnings():
            # rdflib's JSON-LD parser wraps a plain graph in a ConjunctiveGraph and warns about its own choice.
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            graph.parse(data=source, format=chosen.rdflib_name, publicID=base_iri)
    except BadSyntax as error:
        line, column = _position(error._str, error._i)  # rdflib keeps the offset only here
        raise RdfSyntaxError(
            f"{chosen.media_type} syntax error at line {line}, column {column}: {error._why}",
            line=line,
            column=column,
        ) from None
    except SAXParseException as error:
        raise RdfSyntaxError(
            f"RDF/XML error at line {error.getLineNumber()}, column {error.getColumnNumber()}: {error.getMessage()}",
            line=error.getLineNumber(),
            column=error.getColumnNumber(),
        ) from None
    except json.JSONDecodeError as error:
        raise json_syntax_error(error) from None
    except RecursionError:
        raise RdfSyntaxError(
            f"{chosen.media_type} error at line 1, column 1: the document nests too deeply to read", line=1, column=1
        ) from None
    except _PARSER_FAILURES as error:
        bad_line = _failing_line(source, chosen) if chosen in (N_TRIPLES, N_QUADS) else None
        where = f" at line {bad_line}, column 1" if bad_line else " at line 1, column 1"
        raise RdfSyntaxError(f"{chosen.media_type} error{where}: {error}", line=bad_line or 1, column=1) from None


def _check_terms(graph: Graph, source: str | bytes, chosen: Format, base_iri: str) -> None:
    """Refuse what the store could not hold: an IRI with characters IRIs cannot have (rdflib's RDF/XML and JSON-LD
    parsers keep ``<a b>`` as it is), and a statement whose subject is a literal (rdflib's JSON-LD parser makes one
    of a ``@reverse`` property whose value is not a node, which RDF does not allow)."""
    contexts = graph.contexts() if isinstance(graph, Dataset) else [graph]
    for context in contexts:
        for triple in context:
            if isinstance(triple[0], Literal):
                line, column = _locate(source, str(triple[0]), base_iri)
                raise RdfSyntaxError(
                    f"{chosen.media_type} error at line {line}, column {column}: the literal {str(triple[0])!r} "
                    f"would be the subject of a statement about <{triple[1]}>; in RDF only an IRI or a blank node "
                    "can be (in JSON-LD, the values of a @reverse property must be nodes)",
                    line=line,
                    column=column,
                )
            for term in triple:
                if isinstance(term, URIRef) and IRI_FORBIDDEN.search(term):
                    line, column = _locate(source, str(term), base_iri)
                    raise RdfSyntaxError(
                        f"{chosen.media_type} error at line {line}, column {column}: {str(term)!r} is not a valid "
                        'IRI (no spaces, control characters or <>"{}|\\^`)',
                        line=line,
                        column=column,
                    )


def _locate(source: str | bytes, iri: str, base_iri: str) -> tuple[int, int]:
    """Where ``iri`` (or its part after the base, when written relative) first appears in the document."""
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    for written in (iri, iri.removeprefix(base_iri), iri.rsplit("/", 1)[-1]):
        offset = text.find(written) if written else -1
        if offset >= 0:
            return _position(text, offset)
    return 1, 1


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise RdfSyntaxError(
            f"the body is not valid UTF-8 (line {line}, column {column})", line=line, column=column
        ) from None


def _position(text: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    newline: Any = b"\n" if isinstance(text, bytes) else "\n"
    before = text[:offset]
    return before.count(newline) + 1, offset - (before.rfind(newline) + 1) + 1


def _failing_line(text: str | bytes, chosen: Format) -> int | None:
    """N-Triples/N-Quads errors carry no position; find the first bad line by halving (lines are independent)."""
    lines = (text.decode() if isinstance(text, bytes) else text).splitlines()

    def parses(first: int, last: int) -> bool:
        target = Dataset() if chosen is N_QUADS else Graph()
        try:
            target.parse(data="\n".join(lines[first:last]) + "\n", format=chosen.rdflib_name)
        except _PARSER_FAILURES:
            return False
        return True

    first, last = 0, len(lines)
    if parses(first, last):
        return None
    while last - first > 1:
        middle = (first + last) // 2
        if not parses(first, middle):
            last = middle
        else:
            first = middle
    return first + 1


class _DoctypeRefusedError(Exception):
    pass


def _refuse_xml_declarations(data: bytes) -> None:
    """Refuse any DOCTYPE: it is the only way to declare entities (XXE, entity expansion)."""

    def refuse(*_: object) -> None:
        raise _DoctypeRefusedError

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _DoctypeRefusedError:
        raise ForbiddenFetchError(
            f"RDF/XML with a DOCTYPE is refused (line {parser.CurrentLineNumber}): document type declarations "
            "can define entities that fetch files or expand without bound; remove the DOCTYPE",
            line=parser.CurrentLineNumber,
            column=parser.CurrentColumnNumber + 1,
        ) from None
    except xml.parsers.expat.ExpatError as error:
        raise RdfSyntaxError(
            f"RDF/XML error at line {error.lineno}, column {error.offset + 1}: "
            f"{xml.parsers.expat.ErrorString(error.code)}",
            line=error.lineno,
            column=error.offset + 1,
        ) from None


def _nfc(literal: Literal) -> Literal:
    text = str(literal)
    if unicodedata.is_normalized("NFC", text):
        return literal
    return Literal(unicodedata.normalize("NFC", text), lang=literal.language, datatype=literal.datatype)


def _normalise_in_place(graph: Graph) -> None:
    changed = [
        (subject, predicate, value)
        for subject, predicate, value in graph
        if isinstance(value, Literal) and _nfc(value) is not value
    ]
    for subject, predicate, value in changed:
        graph.remove((subject, predicate, value))
        graph.add((subject, predicate, _nfc(value)))


def _normalised(graph: Graph) -> Graph:
    _normalise_in_place(graph)
    return graph
