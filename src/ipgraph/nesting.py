"""How deeply a Turtle, TriG or RDF/XML document nests, refused past a limit with the place it is passed.

Deep nesting is valid RDF, but every later step that walks it recursively fails on it: rdflib's Turtle
serialiser (Graph Store GET, report pages), its Turtle parser, pySHACL's paths. The engine's parser reads any
depth, so the limit is checked here, before anything else sees the document, by a scan that knows just enough
of the syntax to skip IRIs, strings and comments (Turtle 1.1 §6.5 grammar, terminals IRIREF, STRING_*, comments).
"""

from __future__ import annotations

import re
import xml.parsers.expat

from ipgraph.errors import RdfSyntaxError

_OPENING = frozenset("[({")
_CLOSING = frozenset("])}")
# What the scan steps over whole: an IRI, a long or short string (with escapes), a comment.
_SKIPPED = re.compile(
    r'<[^>\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|#[^\n\r]*',
    re.DOTALL,
)
_INTERESTING = re.compile(r'[\[\](){}<"\'#]')


def check_turtle_nesting(text: str, media_type: str, max_depth: int) -> None:
    """Refuse ``text`` when its ``[ ]``, ``( )`` or ``{ }`` groups nest deeper than ``max_depth``."""
    depth = 0
    position = 0
    while match := _INTERESTING.search(text, position):
        start = match.start()
        skipped = _SKIPPED.match(text, start)
        if skipped is not None:
            position = skipped.end()
            continue
        character = text[start]
        if character in _OPENING:
            depth += 1
            if depth > max_depth:
                line, column = _position(text, start)
                raise RdfSyntaxError(
                    f"{media_type} error at line {line}, column {column}: blank nodes, lists or graphs nested "
                    f"deeper than {max_depth} levels are refused",
                    line=line,
                    column=column,
                )
        elif character in _CLOSING:
            depth = max(0, depth - 1)
        position = start + 1


def check_xml_nesting(data: bytes, max_depth: int) -> None:
    """Refuse an RDF/XML document whose elements nest deeper than ``max_depth`` (syntax errors are left to the
    parser that reads it)."""
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def opened(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            raise _TooDeepError

    def closed(*_: object) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = opened
    parser.EndElementHandler = closed
    try:
        parser.Parse(data, True)
    except _TooDeepError:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise RdfSyntaxError(
            f"RDF/XML error at line {line}, column {column}: elements nested deeper than {max_depth} levels are "
            "refused",
            line=line,
            column=column,
        ) from None
    except xml.parsers.expat.ExpatError:
        return


class _TooDeepError(Exception):
    pass


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
