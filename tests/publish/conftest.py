"""Fixtures for the publication tests: a real on-disk store loaded with the project's own files, and the app
serving it through a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from project_graphs import load_project
from publishing import PROJECT, Service

from ipgraph.api import create_app
from ipgraph.settings import Settings
from ipgraph.store.base import Store
from ipgraph.store.embedded import EmbeddedStore


@pytest.fixture(scope="session")
def plan_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """An embedded store on disk holding the ontology and the plan data."""
    store = EmbeddedStore(tmp_path_factory.mktemp("plan-store"), workers=1)
    load_project(store)
    yield store
    store.close()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve_in_thread(settings: Settings, store: Store | None, port: int | None = None) -> Iterator[Service]:
    """Run the app under uvicorn on ``port`` (a free one by default) until the generator is closed; with no
    ``store`` the app opens its own from ``settings``, loading the project files as ``ipgraph serve`` does."""
    port = port or free_port()
    config = uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Service(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture(scope="session")
def plan_service(plan_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The app on a real uvicorn, serving ``plan_store`` with the default published base."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("plan-data"), project_dir=PROJECT)
    yield from serve_in_thread(settings, plan_store)


@pytest.fixture(scope="session")
def own_base_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The app published under its own URL (``base_iri = http://127.0.0.1:PORT/``): the project files are loaded
    with their IRIs rewritten to that base, so every IRI in the store is answered by this very service."""
    port = free_port()
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("own-base"),
        project_dir=PROJECT,
        base_iri=f"http://127.0.0.1:{port}/",
        query_workers=1,
    )
    yield from serve_in_thread(settings, None, port)
