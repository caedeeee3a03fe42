"""Refuse SPARQL that would make the service fetch a URL: SERVICE, LOAD, and FROM/USING of unknown graphs.

The fetch sites are read from the engine's own tokens (:mod:`ipgraph.sparql_reading`): comments, line ends,
escapes, case and prefixed names count exactly as oxigraph counts them, so no text the engine would send out
passes unread (``tests/security/test_guard_differential.py`` compares the two on thousands of texts). A query
costs one cached pass over its tokens, and a text without the letters ``service`` none at all; no full parse.

An IRI passes when an operator listed it in ``allowed_service_endpoints``; a FROM/FROM NAMED/USING IRI (and the
protocol's ``default-graph-uri`` and friends, which mean the same, SPARQL 1.1 Protocol §2.1.4/§2.2.3) also
passes when it names a graph the store holds, or, in an update, a graph that same update writes.
SERVICE and LOAD always need the allow-list: the store engines would really fetch them. Updates are also parsed
with rdflib's grammar, for the graphs they write and clear; a text it cannot read is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import rdflib.plugins.sparql
from pyparsing import ParseBaseException, col, lineno
from rdflib.plugins.sparql import parser as sparql_grammar
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue
from rdflib.term import URIRef, Variable

from ipgraph.errors import ForbiddenFetchError, InputError, QuerySyntaxError
from ipgraph.sparql_lexer import tokenize
from ipgraph.sparql_parser_lock import SPARQL_PARSER_LOCK
from ipgraph.sparql_reading import FetchSite, QueryForm, read_query, read_update
from ipgraph.store.sparql_text import position_in_caller_text

ALLOW_SETTING = "IPGRAPH_ALLOWED_SERVICE_ENDPOINTS"


@dataclass(frozen=True)
class GuardPolicy:
    """What may be named: the operator's allow-list, and a way to learn the store's graphs when needed."""

    allowed_iris: Collection[str] = ()
    store_graphs: Callable[[], Collection[str]] = frozenset
    #: ``False`` lets SERVICE and LOAD through to the engine: only for testing the wall behind the guard.
    refuse_fetches: bool = True


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard, with its form (it decides which result formats apply)."""

    form: QueryForm
    dataset_iris: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedUpdate:
    """An update that passed the guard; ``declares_dataset`` is true when it has USING or WITH clauses.

    ``cleared_graphs`` are the graphs of ``CLEAR GRAPH <iri>`` operations without SILENT (see
    :func:`tolerate_clear_of_empty_graphs`).
    """

    declares_dataset: bool
    written_graphs: tuple[str, ...] = ()
    cleared_graphs: tuple[str, ...] = ()


def check_query(
    text: str,
    policy: GuardPolicy,
    *,
    base_iri: str | None = None,
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> CheckedQuery:
    """Refuse ``text`` if it names something the service would have to fetch.

    Raises :class:`ForbiddenFetchError`; a text the engine cannot parse passes here and fails in the engine with
    its own line and column.
    """
    reading = read_query(text, base_iri)
    _refuse_fetches(reading.fetches, policy)
    dataset = [*reading.default_graphs, *reading.named_graphs]
    _require_known_graphs("FROM", dataset, policy, ())
    _require_known_graphs("default-graph-uri/named-graph-uri", [*default_graph_uris, *named_graph_uris], policy, ())
    return CheckedQuery(form=reading.form, dataset_iris=tuple(dataset))


def check_update(
    text: str,
    policy: GuardPolicy,
    *,
    base_iri: str | None = None,
    using_graph_uris: Sequence[str] = (),
    using_named_graph_uris: Sequence[str] = (),
) -> CheckedUpdate:
    """Parse an update and refuse LOAD, SERVICE and USING of graphs that are neither stored nor written here.

    SPARQL 1.1 Protocol §2.2.3: protocol ``using-graph-uri``/``using-named-graph-uri`` together with USING,
    USING NAMED or WITH in the update is an error.
    """
    _refuse_fetches(read_update(text, base_iri).fetches, policy)
    tree = _parse(parseUpdate, text)
    prologue: Prologue | None = None
    declares_dataset = False
    using: list[str] = []
    written: list[str] = []
    cleared: list[str] = []
    for raw_prologue, operation in zip(tree.prologue or (), tree.request or (), strict=False):
        prologue = _prologue(raw_prologue, base_iri, prologue)
        if operation.name == "Load" and policy.refuse_fetches:
            _refuse_unless_allowed("LOAD", str(_resolve(prologue, operation["iri"])), policy)
        if policy.refuse_fetches:
            _refuse_services(operation, prologue, policy)
        written.extend(_written_graphs(operation, prologue))
        cleared.extend(_cleared_graphs(operation, prologue))
        if dict.get(operation, "withClause") is not None:
            declares_dataset = True
        for clause in dict.get(operation, "using") or ():
            declares_dataset = True
            using.append(str(_resolve(prologue, _clause_iri(clause))))
    if declares_dataset and (using_graph_uris or using_named_graph_uris):
        raise InputError(
            "using-graph-uri/using-named-graph-uri cannot be combined with USING, USING NAMED or WITH in the "
            "update (SPARQL 1.1 Protocol §2.2.3); give the dataset in one place"
        )
    _require_known_graphs("USING", using, policy, written)
    _require_known_graphs(
        "using-graph-uri/using-named-graph-uri", [*using_graph_uris, *using_named_graph_uris], policy, written
    )
    return CheckedUpdate(
        declares_dataset=declares_dataset,
        written_graphs=tuple(dict.fromkeys(written)),
        cleared_graphs=tuple(dict.fromkeys(cleared)),
    )


#: Longest query whose syntax error is located again with rdflib's grammar (see :func:`locate_syntax_error`).
LOCATED_QUERY_LENGTH = 16_384


def locate_syntax_error(text: str, engine_error: QuerySyntaxError) -> QuerySyntaxError:
    """The syntax error of a query the engine refused, placed where a reader would look for it.

    The engine reports the furthest point its grammar reached (often the end of the text); rdflib's grammar
    stops at the token that went wrong. Only a refused query pays for this second parse, and only up to
    :data:`LOCATED_QUERY_LENGTH` characters; otherwise (or when rdflib accepts the text) the engine's own
    position is given, counted in the caller's lines (``engine_error`` comes from the text with the endpoint's
    BASE line in front).
    """
    if len(text) <= LOCATED_QUERY_LENGTH:
        try:
            _parse(parseQuery, text)
        except QuerySyntaxError as located:
            if located.line is not None:
                return located
    return position_in_caller_text(engine_error)


def tolerate_clear_of_empty_graphs(update: str, checked: CheckedUpdate) -> str:
    """Prefix ``update`` so that ``CLEAR GRAPH <g>`` succeeds when ``<g>`` holds nothing.

    ipgraph does not record empty graphs: a graph exists while it holds a triple. Clearing a graph that holds
    nothing therefore succeeds, as in stores that do not record empty graphs (SPARQL 1.1 Update §3.2.2; the
    W3C protocol test ``update_base_uri`` clears a graph no earlier request made). The engines record graphs
    and would fail, so each such graph is first created if absent, in the same atomic request.
    """
    if not checked.cleared_graphs:
        return update
    # The engines accept a prologue only at the start of a request, so the creations go after it.
    end = _prologue_end(update)
    creations = "".join(f"CREATE SILENT GRAPH <{iri}> ;\n" for iri in checked.cleared_graphs)
    return update[:end] + "\n" + creations + update[end:]


def _prologue_end(text: str) -> int:
    """Where the BASE and PREFIX declarations opening ``text`` end, read with the engine's tokens."""
    tokens = tokenize(text)
    end, index = 0, 0
    while index < len(tokens):
        keyword = tokens[index].keyword
        glued = keyword.startswith("PREFIX") and keyword.endswith(":") and len(keyword) > len("PREFIX")
        size = 2 if keyword == "BASE" or glued else 3 if keyword == "PREFIX" else 0
        last = index + size - 1
        if not size or last >= len(tokens) or tokens[last].kind != "iri":
            break
        end = tokens[last].start + len(tokens[last].text)
        index += size
    return end


def forbid_engine_fetching() -> None:
    """Stop rdflib's own SPARQL engine from loading FROM graphs off the web (it does by default).

    pyoxigraph and remote servers treat FROM as the name of a stored graph; rdflib would dereference it.
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


#: rdflib's grammar is one shared pyparsing object whose parse state is not thread-safe: two requests parsed at
#: once in the thread pool corrupt each other (spurious syntax errors). Parsing is quick; one at a time.
_PARSER_LOCK = SPARQL_PARSER_LOCK


def _parse(parser: Callable[[str], Any], text: str) -> Any:
    try:
        with _PARSER_LOCK:
            return parser(text)
    except ParseBaseException as error:
        message, location = error.msg, error.loc
        if parser is parseUpdate:
            message, location = _locate_update_error(text, error)
        line, column = lineno(location, text), col(location, text)
        raise QuerySyntaxError(
            f"SPARQL syntax error at line {line}, column {column}: {message}", line=line, column=column
        ) from None
    except (RecursionError, ValueError, TypeError) as error:
        raise QuerySyntaxError(f"SPARQL syntax error: {error}") from None


def _locate_update_error(text: str, error: ParseBaseException) -> tuple[str, int]:
    """Where an update really went wrong: the operation that failed to parse, not the end of what did parse.

    The grammar makes each operation optional, so a bad one ends the parse early with "Expected end of text" at
    its start; parsing that operation alone (after its ``;``) finds the token it stumbled on.
    """
    start = error.loc
    rest = text[start:].lstrip()
    if rest.startswith(";"):
        start = len(text) - len(rest) + 1
    try:
        with _PARSER_LOCK:
            _UPDATE_OPERATION.parse_string(text[start:], parse_all=False)
    except ParseBaseException as deeper:
        return deeper.msg, start + deeper.loc
    return error.msg, error.loc


#: One update operation with its prologue (SPARQL 1.1 grammar rules [29] and [30]).
_UPDATE_OPERATION = sparql_grammar.Prologue + sparql_grammar.Update1


def _prologue(raw: Any, base_iri: str | None, previous: Prologue | None = None) -> Prologue:
    try:
        return translatePrologue(raw, base_iri, None, previous)
    except Exception as error:  # rdflib raises bare Exception for an unknown prefix
        raise QuerySyntaxError(f"SPARQL error in the prologue: {error}") from None


def _resolve(prologue: Prologue, term: Any) -> URIRef | Variable:
    if isinstance(term, Variable):
        return term
    try:
        resolved = prologue.absolutize(term)
    except Exception as error:  # "Unknown namespace prefix" is a bare Exception in rdflib
        raise QuerySyntaxError(f"SPARQL error: {error}") from None
    if not isinstance(resolved, URIRef | Variable):  # pragma: no cover - grammar allows only IRIs here
        raise QuerySyntaxError(f"expected an IRI, found {resolved!r}")
    return resolved


def _nodes(root: Any) -> Iterator[CompValue]:
    """Every grammar node under ``root``, without recursion (a deep query must not overflow the stack)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _refuse_services(root: Any, prologue: Prologue, policy: GuardPolicy) -> None:
    for node in _nodes(root):
        if node.name == "ServiceGraphPattern":  # also read from tokens; kept as a second reading
            target = _resolve(prologue, node["term"])
            if isinstance(target, Variable):
                raise ForbiddenFetchError(
                    f"SERVICE {target.n3()} is refused: a SERVICE endpoint must be a fixed IRI listed in "
                    f"{ALLOW_SETTING}; ipgraph never fetches a URL because a query named it"
                )
            _refuse_unless_allowed("SERVICE", str(target), policy)


def _refuse_fetches(fetches: Sequence[FetchSite], policy: GuardPolicy) -> None:
    if not policy.refuse_fetches:
        return
    for site in fetches:
        where = f"at line {site.line}, column {site.column}"
        if site.iri is None:
            raise ForbiddenFetchError(
                f"{site.keyword} {where} is refused: {site.reason}. A {site.keyword} target must be a fixed IRI "
                f"listed in {ALLOW_SETTING}; ipgraph never fetches a URL because a query named it"
            )
        _refuse_unless_allowed(site.keyword, site.iri, policy)


def _refuse_unless_allowed(keyword: str, iri: str, policy: GuardPolicy) -> None:
    if iri not in policy.allowed_iris:
        raise ForbiddenFetchError(
            f"{keyword} <{iri}> is refused: ipgraph never fetches a URL because a query named it. "
            f"An operator can allow this IRI by adding it to {ALLOW_SETTING}."
        )


def _require_known_graphs(keyword: str, iris: Sequence[str], policy: GuardPolicy, written: Sequence[str]) -> None:
    pending = [iri for iri in iris if iri not in policy.allowed_iris and iri not in written]
    if not pending:
        return
    stored = set(policy.store_graphs())
    for iri in pending:
        if iri not in stored:
            raise ForbiddenFetchError(
                f"{keyword} <{iri}> names a graph this store does not hold, and ipgraph never fetches graphs "
                f"from the web. Use one of the named graphs listed in the service description (GET /sparql), "
                f"or ask an operator to add the IRI to {ALLOW_SETTING}."
            )


def _clause_iri(clause: CompValue) -> Any:
    """The IRI of a FROM/FROM NAMED/USING/USING NAMED clause."""
    return dict.get(clause, "default") or dict.get(clause, "named")


def _cleared_graphs(operation: CompValue, prologue: Prologue) -> Iterator[str]:
    """The graph of a ``CLEAR GRAPH <iri>`` without SILENT (CLEAR DEFAULT/NAMED/ALL never fail)."""
    if operation.name == "Clear" and not dict.get(operation, "silent"):
        target = dict.get(operation, "graphiri")
        if target not in (None, "DEFAULT", "NAMED", "ALL"):
            yield str(_resolve(prologue, target))


def _written_graphs(operation: CompValue, prologue: Prologue) -> Iterator[str]:
    """Graphs an update operation inserts into or creates, so later USING of them in the same request passes."""
    if operation.name == "Create":
        yield str(_resolve(prologue, operation["graphiri"]))
    if operation.name in ("Add", "Copy", "Move"):
        target = operation["graph"][-1]
        if target != "DEFAULT":
            yield str(_resolve(prologue, target))
    for node in _nodes(dict.get(operation, "insert") if operation.name == "Modify" else operation):
        if node.name == "QuadsNotTriples" and not isinstance(dict.get(node, "term"), Variable):
            yield str(_resolve(prologue, node["term"]))
        if node.name == "GraphOrDefault" and dict.get(node, "graphiri") is not None:
            yield str(_resolve(prologue, node["graphiri"]))
