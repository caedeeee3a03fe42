"""Every canned query answers on Virtuoso as on the embedded engine, through ipgraph's remote store.

The same data on both (the project's graphs and the progress report fixtures, loaded through the store
interface: Graph Store POSTs with HTTP Digest on Virtuoso), each canned query of ``queries/`` with its
parameters at their defaults, compared row by row as ``test_remote_query_forms`` compares ``oxigraph serve``.
Virtuoso's literals come back by value (``"05"`` as ``5``), so terms are compared by value where they are
numbers. Queries Virtuoso cannot compile are listed, with the reason, in ``tests/virtuoso_differences.toml``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from project_graphs import load_progress_fixtures
from rdflib import Literal
from rdflib.compare import isomorphic
from rdflib.term import Identifier
from servers import VirtuosoServer, remote_on_virtuoso

from ipgraph.store.base import Row, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

from .test_remote_query_forms import CANNED, canonical


@pytest.fixture(scope="module")
def stores(
    virtuoso_server: VirtuosoServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[EmbeddedStore, RemoteStore]]:
    """An embedded store and a remote one on the session's Virtuoso, both holding the same data."""
    embedded = EmbeddedStore(tmp_path_factory.mktemp("canned-embedded"), workers=1, query_timeout=60.0)
    remote = remote_on_virtuoso(virtuoso_server, query_timeout=60.0, row_limit=None)
    remote.update(UpdateRequest("DROP SILENT ALL"))  # the session's server is shared: start from nothing
    load_progress_fixtures(embedded)
    load_progress_fixtures(remote)
    yield embedded, remote
    embedded.close()


def by_value(rows: list[Row]) -> list[Row]:
    """Numeric literals in their canonical lexical form, as Virtuoso stores them."""
    return [{name: _canonical(term) for name, term in row.items()} for row in rows]


def _canonical(term: Identifier) -> Identifier:
    if isinstance(term, Literal) and isinstance(term.value, int | float) and not isinstance(term.value, bool):
        return Literal(term.value, datatype=term.datatype)
    return term


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_canned_query_answers_alike_on_virtuoso(name: str, stores: tuple[EmbeddedStore, RemoteStore]) -> None:
    query = CANNED[name]
    bindings = query.bind({})
    embedded, remote = stores
    if query.form == "SELECT":
        ordered = "ORDER BY" in query.text.upper()
        expected = canonical(by_value(embedded.select(query.text, bindings)), ordered, query.text)
        assert expected, f"{name} finds nothing on the test data, so the comparison would prove little"
        assert canonical(by_value(remote.select(query.text, bindings)), ordered, query.text) == expected
    elif query.form == "ASK":
        assert remote.ask(query.text, bindings) == embedded.ask(query.text, bindings)
    else:
        assert isomorphic(remote.construct(query.text, bindings), embedded.construct(query.text, bindings))
