"""Parse RDF that arrives from outside (Graph Store bodies, report uploads) without trusting it.

The format comes only from the declared ``Content-Type``, never from sniffing. Before rdflib sees a document,
the hazards its parsers would act on are refused: a JSON-LD ``@context`` or ``@import`` given by URL (rdflib
would fetch it), JSON nested deeper than :attr:`ParseLimits.max_json_depth`, and any DOCTYPE in RDF/XML (the
door to external entities and "billion laughs" expansion). Syntax errors say where they are. Literals are
stored in Unicode NFC, so Vietnamese typed in decomposed form matches the plan's text.
"""

from __future__ import annotations

import json
import unicodedata
import warnings
import xml.parsers.expat
from dataclasses import dataclass
from typing import Any
from xml.sax import SAXParseException

from rdflib import Dataset, Graph, Literal
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from ipgraph.errors import ForbiddenFetchError, InputError, RdfSyntaxError, UnsupportedMediaTypeError
from ipgraph.formats import (
    GRAPH_FORMATS,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    Format,
    format_for_media_type,
    parse_media_type,
)

# What rdflib's parsers raise on malformed input; anything else is a bug and should surface as one.
_PARSER_FAILURES = (SyntaxError, ValueError, TypeError, KeyError, IndexError, AttributeError, ParserError)


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on hostile structure (body size is enforced where the bytes are read)."""

    max_json_depth: int = 64


def parse_graph(data: bytes, content_type: str | None, *, base_iri: str, limits: ParseLimits = ParseLimits()) -> Graph:
    """Parse a document in a triple format (Turtle, N-Triples, JSON-LD, RDF/XML) into a new graph."""
    chosen = _format(content_type, GRAPH_FORMATS[:4])
    graph = Graph()
    _parse_into(graph, data, chosen, base_iri, limits)
    return _normalised(graph)


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
        source: str | bytes = data
    else:
        source = _decode(data)
    if chosen is JSON_LD:
        _check_json_ld(source if isinstance(source, str) else "", limits)
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
            f"RDF/XML error at line {error.getLineNumber()}, column {error.getColumnNumber()}: "
            f"{error.getMessage()}",
            line=error.getLineNumber(),
            column=error.getColumnNumber(),
        ) from None
    except json.JSONDecodeError as error:
        raise _json_syntax_error(error) from None
    except _PARSER_FAILURES as error:
        bad_line = _failing_line(source, chosen) if chosen in (N_TRIPLES, N_QUADS) else None
        where = f" at line {bad_line}" if bad_line else ""
        raise RdfSyntaxError(f"{chosen.media_type} error{where}: {error}", line=bad_line) from None


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


def _check_json_ld(text: str, limits: ParseLimits) -> None:
    try:
        document = json.loads(text)
    except RecursionError:
        raise RdfSyntaxError(f"JSON-LD nested deeper than {limits.max_json_depth} levels is refused") from None
    except json.JSONDecodeError as error:
        raise _json_syntax_error(error) from None
    stack: list[tuple[Any, int, bool]] = [(document, 1, False)]
    while stack:
        node, depth, in_context = stack.pop()
        if depth > limits.max_json_depth:
            raise RdfSyntaxError(f"JSON-LD nested deeper than {limits.max_json_depth} levels is refused")
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _refuse_remote_context(value)
                if key == "@import" and in_context:
                    raise ForbiddenFetchError(f"JSON-LD @import of {value!r} is refused: ipgraph fetches nothing")
                stack.append((value, depth + 1, in_context or key == "@context"))
        elif isinstance(node, list):
            stack.extend((item, depth + 1, in_context) for item in node)


def _refuse_remote_context(value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            raise ForbiddenFetchError(
                f"JSON-LD @context {item!r} is refused: ipgraph never fetches a context; embed the context "
                "object in the document instead"
            )


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


def _json_syntax_error(error: json.JSONDecodeError) -> RdfSyntaxError:
    """A JSON decoding failure as the 400 it becomes: where it is and what the decoder expected."""
    return RdfSyntaxError(
        f"JSON error at line {error.lineno}, column {error.colno}: {error.msg}", line=error.lineno, column=error.colno
    )
