"""Fixtures for the hostile-input, access and fault tests (helpers live in ``security_support``).

- ``secure_service``: the app in a real uvicorn (``running_service``) over an embedded store in ``tmp_path`` holding
  :data:`SEED_TURTLE` in :data:`SEED_GRAPH`; writes need :data:`ADMIN_TOKEN`; small body limit and deadline so the
  limits are reached quickly; two query workers, so a light query always finds one free while a runaway query
  holds the other until its deadline (with one, the light query would race the killed worker's replacement).
- ``trap``: a TCP listener on 127.0.0.1 that counts every connection made to it (tests require none).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import URIRef
from security_support import (
    QUERY_TIMEOUT,
    QUERY_WORKERS,
    SEED_GRAPH,
    SEED_TURTLE,
    SecureService,
    Trap,
    seeded_service,
    serve_in_thread,
    service_settings,
)

from ipgraph.store.embedded import EmbeddedStore


@pytest.fixture
def secure_service(tmp_path: Path, running_service: Any) -> Iterator[SecureService]:
    """The service over a seeded embedded store; see the module docstring."""
    with seeded_service(service_settings(tmp_path), running_service) as service:
        yield service


@pytest.fixture(scope="module")
def shared_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureService]:
    """Like ``secure_service``, one per test module: for modules whose tests compare the store before and after
    themselves and do not depend on what earlier tests stored (starting a service and its worker costs ~1 s)."""
    tmp_path = tmp_path_factory.mktemp("shared-service")
    settings = service_settings(tmp_path)
    store = EmbeddedStore(
        settings.data_dir, workers=QUERY_WORKERS, query_timeout=QUERY_TIMEOUT, row_limit=settings.row_limit
    )
    seed = tmp_path / "seed.ttl"
    seed.write_text(SEED_TURTLE, encoding="utf-8")
    store.load_file(seed, URIRef(SEED_GRAPH))
    try:
        with serve_in_thread(settings, store) as url, httpx.Client(timeout=30.0) as client:
            yield SecureService(url, store, settings, client)
    finally:
        store.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    """A listener that records any connection the service makes (there must be none)."""
    listener = Trap()
    yield listener
    listener.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long runs (marker ``slow``) are left out unless a ``-m`` expression asks for them (``make prove``)."""
    if config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
