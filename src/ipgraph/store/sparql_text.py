"""Just enough SPARQL lexing to bind values and place dataset clauses without a full parser.

A full parse costs tens of milliseconds per query in Python; these functions only need to know where the
top-level keywords and braces are. The tokens are the engine's own (comments end at CR or LF, strings and IRIs
with their escapes), so a value inside a literal, an IRI or a comment can never be mistaken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from rdflib.term import BNode, Identifier, Literal, URIRef

from ipgraph.errors import InputError, QuerySyntaxError
from ipgraph.sparql_lexer import iter_tokens

#: The engine's token kinds as this module names them.
_KINDS = {"name": "word", "langtag": "word", "string": "string", "iri": "iri", "variable": "variable"}


@dataclass(frozen=True)
class Token:
    """A lexical token with its position in the text and the brace depth it sits at."""

    kind: str
    text: str
    start: int
    depth: int


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of a query or update, split as the engine splits them (:mod:`ipgraph.sparql_lexer`)."""
    depth = 0
    for token in iter_tokens(text):
        kind = _KINDS.get(token.kind, "other")
        if token.text == "{":
            kind = "open"
        elif token.text == "}":
            kind = "close"
            depth -= 1
        yield Token(kind, token.text, token.start, depth)
        if kind == "open":
            depth += 1


def _keyword(token: Token) -> str:
    return token.text.upper() if token.kind == "word" else ""


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset with FROM or FROM NAMED (SPARQL 1.1 Query §13.2).

    Asked for every query a worker runs: a text without the letters ``from`` is answered without tokens, and
    the answer for recent texts is kept.
    """
    if _FROM.search(query) is None:
        return False
    return _has_dataset_clause(query)


_FROM = re.compile("from", re.IGNORECASE)


@lru_cache(maxsize=256)
def _has_dataset_clause(query: str) -> bool:
    return any(_keyword(token) == "FROM" and token.depth == 0 for token in tokens(query))


@dataclass(frozen=True)
class DatasetClauses:
    """The IRIs of a query's FROM and FROM NAMED clauses, prefixes and BASE resolved (SPARQL 1.1 Query §13.2)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def dataset_clauses(query: str) -> DatasetClauses:
    """Read the FROM/FROM NAMED clauses of a query; an IRI written with an undeclared prefix is left out."""
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    top = [token for token in tokens(query) if token.depth == 0]
    for index, token in enumerate(top):
        keyword = _keyword(token)
        following = top[index + 1 : index + 3]
        if keyword == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        elif keyword == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = urljoin(base, following[1].text[1:-1])
        elif keyword == "FROM" and following:
            target = named if _keyword(following[0]) == "NAMED" else default
            term = following[1] if target is named and len(following) == 2 else following[0]
            iri = _resolve_iri(term, prefixes, base)
            if iri is not None:
                target.append(iri)
    return DatasetClauses(tuple(default), tuple(named))


def _resolve_iri(token: Token, prefixes: Mapping[str, str], base: str) -> str | None:
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1])
    prefix, colon, local = token.text.partition(":")
    if token.kind == "word" and colon and prefix in prefixes:
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def iri_text(value: str) -> str:
    """An IRI in SPARQL syntax; characters IRIREF forbids are refused rather than escaped (§19.8 [139])."""
    if re.search(r'[<>"{}|^`\\\x00-\x20]', value):
        raise InputError(f"{value!r} is not a valid IRI")
    return f"<{value}>"


def term_text(term: Identifier) -> str:
    """An RDF term in SPARQL syntax, escaped so no value can end the term early (§19.7 string escapes)."""
    if isinstance(term, URIRef):
        return iri_text(str(term))
    if isinstance(term, Literal):
        quoted = '"' + "".join(_STRING_ESCAPES.get(char, char) for char in str(term)) + '"'
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise InputError(f"{term.language!r} is not a language tag")
            return f"{quoted}@{term.language}"
        if term.datatype is not None:
            return f"{quoted}^^{iri_text(str(term.datatype))}"
        return quoted
    if isinstance(term, BNode):
        raise InputError("a blank node cannot be bound as a query parameter; use an IRI")
    raise InputError(f"cannot bind {term!r}: only IRIs and literals are values")


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """``VALUES (?a ?b) { (term term) }``: one row, its shape fixed by the variable names alone."""
    names = []
    for name in bindings:
        bare = name.lstrip("?$")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", bare):
            raise InputError(f"{name!r} is not a usable variable name")
        names.append(f"?{bare}")
    row = " ".join(term_text(value) for value in bindings.values())
    return f"VALUES ({' '.join(names)}) {{ ({row}) }}"


def bind_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with its variables bound by a VALUES block opening the WHERE group.

    A VALUES block after the whole query would join after projection and so not constrain a variable the
    query does not select; inside the WHERE group it constrains the pattern itself (SPARQL 1.1 Query §10.2.1).
    """
    if not bindings:
        return query
    block = values_block(bindings)
    top = [token for token in tokens(query) if token.depth == 0]
    where = next((i for i, token in enumerate(top) if _keyword(token) == "WHERE"), None)
    candidates = top[where + 1 :] if where is not None else top
    if where is None and any(_keyword(token) == "CONSTRUCT" for token in top):
        candidates = []  # the first group of CONSTRUCT is its template, not its pattern
    brace = next((token for token in candidates if token.kind == "open"), None)
    if brace is None:
        return f"{query}\n{block}"
    cut = brace.start + 1
    return f"{query[:cut]} {block} {query[cut:]}"


def add_using_clauses(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to every DELETE/INSERT … WHERE.

    SPARQL 1.1 Protocol §2.2.3: the parameters act as USING/USING NAMED clauses; an update that has its own
    USING or WITH together with them is an error.
    """
    if not using and not using_named:
        return update
    top = [token for token in tokens(update) if token.depth == 0]
    if any(_keyword(token) in {"USING", "WITH"} for token in top):
        raise InputError("using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in the update")
    clauses = " ".join(
        [f"USING {iri_text(iri)}" for iri in using] + [f"USING NAMED {iri_text(iri)}" for iri in using_named]
    )
    cuts = []
    for previous, token in zip([None, *top], top, strict=False):
        if _keyword(token) == "WHERE" and (previous is None or _keyword(previous) != "DELETE"):
            cuts.append(token.start)
    for cut in reversed(cuts):
        update = f"{update[:cut]}{clauses} {update[cut:]}"
    return update


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first top-level query-form keyword (SELECT when none is found)."""
    for token in tokens(query):
        keyword = _keyword(token)
        if token.depth == 0 and keyword in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            return keyword
    return "SELECT"


def with_base(text: str, base_iri: str) -> str:
    """``text`` with ``BASE <base_iri>`` on a line of its own before it; a BASE in ``text`` comes later and wins.

    SPARQL 1.1 Protocol §2.1.1: the base for relative IRIs "MAY be the service endpoint".
    """
    return f"BASE <{base_iri}>\n{text}"


def position_in_caller_text(error: QuerySyntaxError, lines_before: int = 1) -> QuerySyntaxError:
    """A syntax error in a text the caller's text was put into, its line counted in the caller's text:
    ``lines_before`` lines came first (one for :func:`with_base`)."""
    if error.line is None or error.line <= lines_before:
        return error
    line, column = error.line - lines_before, error.column
    place = f"line {line}, column {column}"
    message, found = re.subn(rf"line {error.line}, column {column}\b", place, str(error))
    message, short = re.subn(rf"\b{error.line}:{column}\b", f"{line}:{column}", message)
    if not found and not short:
        message = f"{message} (at {place})"
    return QuerySyntaxError(message, line=line, column=column)
