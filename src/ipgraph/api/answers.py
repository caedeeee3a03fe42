"""Answers for pages: a query run as the SPARQL endpoint runs it (same guard, deadline and row limit), read into
what the results table shows, or the reason it was refused.

The query page (free text) and the question pages (a canned query with bound parameters) both come through
:func:`answer_for_page`, so a question's page and ``/sparql`` can never disagree about an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import URIRef
from rdflib.term import Identifier

from ipgraph.errors import (
    ForbiddenFetchError,
    InputError,
    IpgraphError,
    NotFoundError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreUnavailableError,
)
from ipgraph.formats import SPARQL_JSON, TURTLE
from ipgraph.publish.describe import LABEL_PROPERTIES, fetch_values
from ipgraph.publish.i18n import Language
from ipgraph.publish.results import (
    GraphAnswer,
    QueryFailure,
    ResultTable,
    failure_excerpt,
    graph_answer,
    labels_from_triples,
    result_table,
)
from ipgraph.settings import Settings
from ipgraph.sparql_guard import GuardPolicy, check_query, locate_syntax_error
from ipgraph.store.base import QueryRequest, Store

Answer = ResultTable | GraphAnswer | QueryFailure

#: Which failure a page names, most specific first (the wording is in :mod:`ipgraph.publish.i18n`).
_FAILURE_KINDS: tuple[tuple[type[IpgraphError], str, int], ...] = (
    (QuerySyntaxError, "syntax", 400),
    (ForbiddenFetchError, "refused", 400),
    (InputError, "input", 400),
    (NotFoundError, "missing", 404),
    (QueryTimeoutError, "timeout", 503),
    (StoreUnavailableError, "unavailable", 503),
)


def answer_for_page(
    store: Store,
    settings: Settings,
    policy: GuardPolicy,
    text: str,
    lang: Language,
    *,
    endpoint: str,
    bindings: Mapping[str, Identifier] | None = None,
) -> Answer:
    """Run ``text`` (with ``bindings``) for a page in ``lang``: a table, a graph, or why it was refused."""
    try:
        checked = check_query(text, policy, base_iri=endpoint)
        tabular = checked.form in ("SELECT", "ASK")
        try:
            outcome = store.execute(
                QueryRequest(
                    query=f"BASE <{endpoint}>\n{text}",
                    media_type=SPARQL_JSON.media_type if tabular else TURTLE.media_type,
                    bindings=dict(bindings or {}),
                    timeout=settings.query_timeout,
                    row_limit=settings.row_limit,
                )
            )
        except QuerySyntaxError as error:
            # The guard does not parse: the engine's error, placed in the reader's lines (not the BASE line's).
            raise locate_syntax_error(text, error) from None
        if not tabular:
            return graph_answer(outcome.body, truncated=outcome.truncated)
        return result_table(
            outcome.body,
            settings.base_iri,
            lang,
            lambda iris: label_lookup(store, iris),
            truncated=outcome.truncated,
            row_limit=settings.row_limit,
        )
    except IpgraphError as error:
        return failure(error, text)


def failure(error: IpgraphError, text: str) -> QueryFailure:
    """A refusal as the page shows it (the guard parses the text as written, so its position is the reader's)."""
    kind, status = next(((k, s) for cls, k, s in _FAILURE_KINDS if isinstance(error, cls)), ("other", 500))
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    return QueryFailure(kind, str(error), line, column, failure_excerpt(text, line), status)


def label_lookup(store: Store, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """Every label of ``iris`` in the store, by IRI and language."""
    return labels_from_triples(fetch_values(store, (URIRef(iri) for iri in iris), LABEL_PROPERTIES))
