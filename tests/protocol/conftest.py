"""Fixtures for the protocol tests: the ipgraph service in a real uvicorn on 127.0.0.1, on either store engine.

``service`` is parametrised over three engines, so every protocol test runs against the embedded store
(pyoxigraph on disk in ``tmp_path``), a real ``oxigraph serve`` process behind the remote store (``remote``) and a
real Virtuoso Open Source behind the remote store (``virtuoso``). Cases Virtuoso cannot pass are listed, with
the reason, in ``tests/virtuoso_differences.toml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from servers import OxigraphServer, VirtuosoServer, remote_on_virtuoso, run_oxigraph, serve_app

from ipgraph.settings import Settings
from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

#: The bearer token the services under test accept for writes.
ADMIN_TOKEN = "protocol-test-token-1f9c"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
STORE_MODES = ("embedded", "remote")
#: The engines every test of ``service`` runs on: the two store modes, and remote mode on Virtuoso.
ENGINES = (*STORE_MODES, "virtuoso")


@dataclass(frozen=True)
class Service:
    """A running ipgraph service, the store behind it and an HTTP client bound to its root URL."""

    url: str
    mode: str
    store: Store
    settings: Settings
    client: httpx.Client

    def load(self, update: str) -> None:
        """Put test data in the store directly (not through the endpoint under test)."""
        self.store.update(UpdateRequest(update))


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test service: a private data directory, the test token, short deadlines."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "admin_token": ADMIN_TOKEN,
        "query_timeout": 10.0,
        "row_limit": 1000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def open_test_store(mode: str, directory: Path, server: OxigraphServer | VirtuosoServer | None) -> Store:
    """An empty store of ``mode``: pyoxigraph in ``directory``, or the remote store on the server given."""
    store: Store
    if mode == "embedded":
        store = EmbeddedStore(directory, workers=2, query_timeout=10.0, row_limit=1000)
    elif isinstance(server, VirtuosoServer):
        store = remote_on_virtuoso(server, query_timeout=10.0, row_limit=1000)
    else:
        oxigraph = server
        assert oxigraph is not None
        store = RemoteStore(
            oxigraph.query_url, oxigraph.update_url, oxigraph.store_url, query_timeout=10.0, row_limit=1000
        )
    store.update(UpdateRequest("DROP SILENT ALL"))
    return store


#: The session fixture giving the server behind each remote engine.
SERVERS = {"remote": "oxigraph_server", "virtuoso": "virtuoso_server"}


@pytest.fixture(scope="module", params=ENGINES)
def module_service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service per test module and engine (starting a service per test would cost seconds each)."""
    mode: str = request.param
    server = request.getfixturevalue(SERVERS[mode]) if mode in SERVERS else None
    directory = tmp_path_factory.mktemp(f"protocol-{mode}")
    store = open_test_store(mode, directory / "store", server)
    settings = make_settings(directory)
    try:
        with serve_app(settings, store) as url, httpx.Client(base_url=url, timeout=60.0) as client:
            yield Service(url, mode, store, settings, client)
    finally:
        store.close()


@pytest.fixture
def service(module_service: Service) -> Service:
    """The module's service on an emptied store, writable with :data:`ADMIN_TOKEN`."""
    module_service.load("DROP SILENT ALL")
    return module_service


@contextmanager
def own_service(settings: Settings, store: Store) -> Iterator[Service]:
    """A service of its own for a test that needs other settings (deadline, read-only, allow-list)."""
    with serve_app(settings, store) as url, httpx.Client(base_url=url, timeout=60.0) as client:
        yield Service(url, "remote" if isinstance(store, RemoteStore) else "embedded", store, settings, client)


@contextmanager
def oxigraph_with_timeout(location: Path, seconds: int) -> Iterator[OxigraphServer]:
    """A private ``oxigraph serve`` that stops any query after ``seconds`` (its ``--timeout-s``); killed on exit.

    The session's server has no timeout, and a runaway query there would slow every later test.
    """
    with run_oxigraph(location, options=("--timeout-s", str(seconds))) as server:
        yield server
