"""The store contract runs on every engine: ``store`` is an embedded store, then a remote one on ``oxigraph serve``,
then a remote one on Virtuoso Open Source.

``private_oxigraph`` is a server of the test's own (data in ``tmp_path``), for tests that stop it or leave it
busy: the session's shared server must stay quick for every other test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from servers import OxigraphServer, run_oxigraph

from ipgraph.store.base import Store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

STORE_MODES = ("embedded", "remote")
#: The engines the store contract runs on, and the fixture giving an empty store of each.
ENGINES = {"embedded": "embedded_store", "remote": "remote_store", "virtuoso": "virtuoso_store"}


@pytest.fixture(params=sorted(ENGINES))
def store(request: pytest.FixtureRequest) -> Store:
    """An empty store of each engine, with a 10 s default deadline and a 1000-row cap."""
    chosen: Store = request.getfixturevalue(ENGINES[request.param])
    return chosen


@pytest.fixture
def private_oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An ``oxigraph serve`` for this test alone, killed when it ends."""
    with run_oxigraph(tmp_path / "oxigraph") as server:
        yield server


def remote_on(server: OxigraphServer, *, query_timeout: float | None = 10.0) -> RemoteStore:
    """A remote store on ``server``'s query, update and Graph Store endpoints."""
    return RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=query_timeout)


@pytest.fixture(params=STORE_MODES)
def busy_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store a runaway query may be left running on: embedded, or remote on a private server."""
    with ExitStack() as stack:
        if request.param == "embedded":
            embedded = EmbeddedStore(tmp_path / "embedded", workers=1)
            stack.callback(embedded.close)
            yield embedded
        else:
            server = stack.enter_context(run_oxigraph(tmp_path / "oxigraph"))
            yield remote_on(server)
