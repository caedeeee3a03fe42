"""Fixtures for the HTTP API tests: the service in a real uvicorn on 127.0.0.1, on a store holding the project."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from servers import serve_app

from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.base import Store


@dataclass(frozen=True)
class PlanService:
    """The running service, the store behind it and a client bound to its root URL."""

    url: str
    store: Store
    client: httpx.Client


@pytest.fixture(scope="module")
def plan_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanService]:
    """The service on an embedded store loaded from the project's files, as on a first start."""
    directory: Path = tmp_path_factory.mktemp("api")
    settings = Settings(data_dir=directory, query_timeout=10.0, row_limit=1000)
    store = open_store(settings)
    try:
        with serve_app(settings, store) as url, httpx.Client(base_url=url, timeout=60.0) as client:
            yield PlanService(url, store, client)
    finally:
        store.close()
