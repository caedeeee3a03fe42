"""What a JSON-LD body must look like before rdflib's JSON-LD parser sees it.

rdflib's parser trusts its input: it fetches a ``@context`` given by URL, recurses once per nesting level, fails
with ``UnboundLocalError`` or ``TypeError`` on a bare string or a number where an object belongs, and stores
``"@id": 5`` as a blank node. So the decoded document is walked once, iteratively, and refused with the place of
the first problem: a remote context or ``@import`` (never fetched), nesting deeper than the limit, a document
that is not an object or an array of objects (JSON-LD 1.1 §9.1), or a keyword whose value has the wrong type
(JSON-LD 1.1 §9.2 to §9.15).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ipgraph.errors import ForbiddenFetchError, RdfSyntaxError

#: Characters an IRI (or a compact IRI, or a blank node identifier) never holds (RFC 3987 §2.2).
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')

#: What the depth scan looks at: strings (skipped whole, brackets inside them do not count) and brackets.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_STRING = "a string"
_IRI = 'an IRI (a string without spaces or <>"{}|\\^`)'


@dataclass(frozen=True)
class _Node:
    value: Any
    in_context: bool
    path: str
    is_context: bool = False
    #: The object member this value belongs to: (object, key, value).
    member: tuple[_Node, str, Any] | None = None


def check_json_ld(text: str, *, max_depth: int) -> None:
    """Refuse ``text`` unless it is a JSON-LD document ipgraph may hand to rdflib; see the module docstring."""
    _check_depth(text, max_depth)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise json_syntax_error(error) from None
    _check_document_shape(document)
    occurrences: dict[str, int] = {}
    for node, key, value in _walk(document):
        seen = occurrences[key] = occurrences.get(key, 0) + 1
        if key.startswith("@"):
            problem = _keyword_problem(key, value, node)
        elif node.is_context and value is not None and not isinstance(value, str | dict):
            problem = f"the term definition of {key!r} must be an IRI, an object or null, not {_kind(value)}"
        else:
            continue
        if problem is not None:
            line, column = _keyword_position(text, key, seen)
            raise RdfSyntaxError(
                f"JSON-LD error at line {line}, column {column} ({node.path}): {problem}", line=line, column=column
            )
        if key == "@context":
            _refuse_remote_context(value)
        if key == "@import" and node.in_context:
            raise ForbiddenFetchError(f"JSON-LD @import of {value!r} is refused: ipgraph fetches nothing")


def json_syntax_error(error: json.JSONDecodeError) -> RdfSyntaxError:
    """A JSON decoding failure as the 400 it becomes: where it is and what the decoder expected."""
    return RdfSyntaxError(
        f"JSON error at line {error.lineno}, column {error.colno}: {error.msg}", line=error.lineno, column=error.colno
    )


def _check_document_shape(document: Any) -> None:
    """JSON-LD 1.1 §9.1: a document is a node object or an array of them."""
    if isinstance(document, dict):
        return
    if isinstance(document, list):
        wrong = next(((index, item) for index, item in enumerate(document) if not isinstance(item, dict)), None)
        if wrong is None:
            return
        found = f"item {wrong[0]} of the array is {_kind(wrong[1])}"
    else:
        found = f"this one is {_kind(document)}"
    raise RdfSyntaxError(
        f"JSON-LD error at line 1, column 1: a JSON-LD document is an object or an array of objects; {found}",
        line=1,
        column=1,
    )


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse arrays and objects nested deeper than ``max_depth``, at the bracket that goes too deep (before
    decoding: Python's decoder recurses too)."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                before = text[: match.start()]
                line, column = before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
                raise RdfSyntaxError(
                    f"JSON-LD error at line {line}, column {column}: nested deeper than {max_depth} levels is refused",
                    line=line,
                    column=column,
                )
        elif bracket in "]}":
            depth -= 1


def _walk(document: Any) -> Iterator[tuple[_Node, str, Any]]:
    """Every member (object, key, value) of ``document`` in text order, without recursion."""
    stack: list[Iterator[_Node]] = [iter([_Node(document, False, "$")])]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        if isinstance(node.value, dict):
            stack.append(_members(node))
        elif isinstance(node.value, list):
            stack.append(_items(node))
        if node.member is not None:
            yield node.member


def _items(node: _Node) -> Iterator[_Node]:
    """The items of an array, in order."""
    for index, item in enumerate(node.value):
        yield _Node(item, node.in_context, f"{node.path}[{index}]", node.is_context)


def _members(node: _Node) -> Iterator[_Node]:
    """The values of an object's members, each carrying its member so the walk reports it in text order."""
    for key, value in node.value.items():
        in_context = node.in_context or key == "@context"
        yield _Node(value, in_context, f"{node.path}.{key}", key == "@context", (node, key, value))


def _keyword_problem(key: str, value: Any, node: _Node) -> str | None:
    """What is wrong with ``value`` as the value of the keyword ``key`` (None: nothing)."""
    if node.in_context:
        return _context_keyword_problem(key, value)
    if key == "@id":
        return _iri_problem(key, value)
    if key == "@type":
        if isinstance(value, list):
            return next((_iri_problem(key, item) for item in value if _iri_problem(key, item)), None)
        return _iri_problem(key, value)
    if key == "@value":
        if node.value.get("@type") == "@json" or value is None or isinstance(value, str | int | float | bool):
            return None
        return f"@value must be a string, number, boolean or null, not {_kind(value)}"
    if key in ("@language", "@index"):
        return None if isinstance(value, str) else f"{key} must be {_STRING}, not {_kind(value)}"
    if key == "@direction":
        return None if value in ("ltr", "rtl", None) else f"@direction must be 'ltr', 'rtl' or null, not {value!r}"
    if key in ("@graph", "@included", "@nest"):
        return None if isinstance(value, dict | list) else f"{key} must be an object or an array, not {_kind(value)}"
    if key == "@reverse":
        return None if isinstance(value, dict) else f"@reverse must be an object, not {_kind(value)}"
    if key == "@context":
        return _context_value_problem(value)
    return None


def _context_keyword_problem(key: str, value: Any) -> str | None:
    if key == "@context":
        return _context_value_problem(value)
    if key in ("@vocab", "@base", "@id", "@reverse"):
        return None if value is None else _iri_problem(key, value)
    if key in ("@language", "@type", "@direction") and value is not None and not isinstance(value, str):
        return f"{key} in a context must be {_STRING} or null, not {_kind(value)}"
    if key in ("@protected", "@propagate", "@prefix") and not isinstance(value, bool):
        return f"{key} must be true or false, not {_kind(value)}"
    if key == "@container" and value is not None and not isinstance(value, str | list):
        return f"@container must be a string or an array, not {_kind(value)}"
    if key == "@version" and value != 1.1:  # the only version JSON-LD 1.1 §9.15 defines
        return f"@version must be the number 1.1, not {value!r}"
    return None


def _context_value_problem(value: Any) -> str | None:
    for item in value if isinstance(value, list) else [value]:
        if item is not None and not isinstance(item, dict | str):
            return f"@context must be an object, an array of objects or null, not {_kind(item)}"
    return None


def _iri_problem(key: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{key} must be {_IRI}, not {_kind(value)}"
    if IRI_FORBIDDEN.search(value):
        return f"{key} {value!r} is not {_IRI}"
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _keyword_position(text: str, key: str, occurrence: int) -> tuple[int, int]:
    """Line and column of the ``occurrence``-th ``"key":`` in ``text`` (document order is text order)."""
    matches = list(re.finditer(r'"' + re.escape(key) + r'"\s*:', text))
    offset = matches[occurrence - 1].start() if len(matches) >= occurrence else 0
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _refuse_remote_context(value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            raise ForbiddenFetchError(
                f"JSON-LD @context {item!r} is refused: ipgraph never fetches a context; embed the context "
                "object in the document instead"
            )
