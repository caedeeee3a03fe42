"""One way to run a read query: the fetch guard, then the engine, with the service's base IRI in front.

``/sparql``, the query and question pages and ``ipgraph query`` on a local store all run queries through
:class:`QueryService`, so they refuse the same requests and give the same syntax error positions. The caller
chooses the answer format (it depends on the query form the guard reports) and the limits.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ipgraph.errors import QuerySyntaxError
from ipgraph.settings import Settings
from ipgraph.sparql_guard import CheckedQuery, GuardPolicy, check_query, locate_syntax_error
from ipgraph.sparql_reading import CACHED_TEXT_LENGTH
from ipgraph.store.base import QueryOutcome, QueryRequest, Store

#: A query naming graphs (FROM, FROM NAMED) makes the guard list the store's graphs, which reads the store.
_NAMES_GRAPHS = re.compile("from", re.IGNORECASE)


@dataclass(frozen=True)
class QueryService:
    """Queries on ``store`` as ``settings`` allow; relative IRIs resolve against ``base_iri`` when it is given."""

    store: Store
    settings: Settings
    #: The base of relative IRIs (SPARQL 1.1 Protocol §2.1.1 lets it be the service endpoint); ``None`` leaves
    #: them to the engine, as ``ipgraph query`` on a local store does.
    base_iri: str | None = None

    def policy(self) -> GuardPolicy:
        """The guard's view of this service: the operator's allow-list and the store's named graphs."""
        store = self.store
        return GuardPolicy(
            allowed_iris=frozenset(self.settings.allowed_service_endpoints),
            store_graphs=lambda: frozenset(str(name) for name in store.existing_graphs()),
            refuse_fetches=self.settings.fetch_guard,
        )

    def check(
        self, text: str, *, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()
    ) -> CheckedQuery:
        """Refuse ``text`` if it names something to fetch or a graph the store does not hold; else its form."""
        return check_query(
            text,
            self.policy(),
            base_iri=self.base_iri,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
        )

    def check_is_quick(
        self, text: str, *, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()
    ) -> bool:
        """Whether :meth:`check` costs microseconds, so an event-loop caller may run it in place: the text is
        short enough for the guard's cache (one pass over its tokens at most) and names no graph the guard would
        look up in the store."""
        return (
            len(text) <= CACHED_TEXT_LENGTH
            and not default_graph_uris
            and not named_graph_uris
            and _NAMES_GRAPHS.search(text) is None
        )

    def execute(self, request: QueryRequest) -> QueryOutcome:
        """Run a checked query; the engine's syntax errors point into the text the caller sent."""
        if self.base_iri is None:
            return self.store.execute(request)
        try:
            return self.store.execute(replace(request, query=with_base(request.query, self.base_iri)))
        except QuerySyntaxError as error:  # the guard does not parse: the engine's error, in the caller's lines
            raise locate_syntax_error(request.query, error) from None

    async def execute_async(self, request: QueryRequest) -> QueryOutcome:
        """:meth:`execute` for a caller on the event loop (locating a syntax error parses again: on a thread)."""
        if self.base_iri is None:
            return await self.store.execute_async(request)
        try:
            return await self.store.execute_async(replace(request, query=with_base(request.query, self.base_iri)))
        except QuerySyntaxError as error:
            raise await asyncio.to_thread(locate_syntax_error, request.query, error) from None


def with_base(text: str, base_iri: str) -> str:
    """``text`` with ``BASE <base_iri>`` in front; a BASE in the text itself comes later and wins. It takes one
    line of its own, which :func:`~ipgraph.store.sparql_text.position_in_caller_text` takes off the engine's
    error positions."""
    return f"BASE <{base_iri}>\n{text}"
