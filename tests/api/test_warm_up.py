"""`ipgraph serve` prepares report validation at start-up, in the background, without delaying the service: it
starts a validation worker, or, validating in the server process, builds the validator there."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from servers import PROJECT, serve

from ipgraph.api import create_app
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

WAIT_SECONDS = 120.0


def _prepared(app: FastAPI) -> bool:
    service = getattr(app.state, "report_service", None)
    if service is None:
        return False
    if service.pool is not None:
        return bool(service.pool.worker_pids())
    return service._validator is not None


def _answers(url: str) -> bool:
    return httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


@pytest.mark.parametrize("validation_workers", [-1, 0], ids=["a validation worker", "in the server process"])
def test_warm_up_prepares_report_validation_once_the_store_is_open(tmp_path: Path, validation_workers: int) -> None:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    settings = Settings(data_dir=tmp_path, project_dir=PROJECT, validation_workers=validation_workers)
    app = create_app(settings, store, warm_up=True)
    try:
        with serve(app) as url:
            assert _answers(url)
            deadline = time.monotonic() + WAIT_SECONDS
            while not _prepared(app) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _prepared(app), "validation was not prepared after start-up"
    finally:
        store.close()


def test_without_warm_up_nothing_is_prepared_before_the_first_report(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    app = create_app(Settings(data_dir=tmp_path, project_dir=PROJECT), store)
    try:
        with serve(app) as url:
            assert _answers(url)
            assert not _prepared(app)
    finally:
        store.close()
