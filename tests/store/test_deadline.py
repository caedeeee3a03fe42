"""A query past its deadline is stopped with :class:`QueryTimeoutError`, and the store answers the next one."""

from __future__ import annotations

import pytest
from rdflib import Literal

from ipgraph.errors import QueryTimeoutError
from ipgraph.store.base import QueryRequest, Store, UpdateRequest

#: Ten triples joined with themselves eight times: 10^8 rows to count, minutes of work for any engine.
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
TEN_TRIPLES = (
    "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "
    + ", ".join(str(number) for number in range(10))
    + " } }"
)


def test_runaway_query_is_stopped_at_the_deadline_and_the_store_keeps_answering(busy_store: Store) -> None:
    busy_store.update(UpdateRequest(TEN_TRIPLES))
    with pytest.raises(QueryTimeoutError, match="1 s"):
        busy_store.select(CARTESIAN_COUNT, timeout=1.0)
    count = busy_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=10.0)
    assert count == [{"n": Literal(10)}]


def test_protocol_query_uses_the_request_deadline(busy_store: Store) -> None:
    busy_store.update(UpdateRequest(TEN_TRIPLES))
    with pytest.raises(QueryTimeoutError):
        busy_store.execute(QueryRequest(CARTESIAN_COUNT, "application/sparql-results+json", timeout=1.0))
    assert busy_store.ask("ASK { ?s ?p 9 }", timeout=10.0) is True
