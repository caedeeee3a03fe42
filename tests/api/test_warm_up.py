"""`ipgraph serve` prepares report validation at start-up, in the background, without delaying the service."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from fastapi import FastAPI
from servers import PROJECT, serve

from ipgraph.api import create_app
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

WAIT_SECONDS = 120.0


def _prepared(app: FastAPI) -> bool:
    service = getattr(app.state, "report_service", None)
    return service is not None and service._validator is not None


def _answers(url: str) -> bool:
    return httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_warm_up_builds_the_report_validator_once_the_store_is_open(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    app = create_app(Settings(data_dir=tmp_path, project_dir=PROJECT), store, warm_up=True)
    try:
        with serve(app) as url:
            assert _answers(url)
            deadline = time.monotonic() + WAIT_SECONDS
            while not _prepared(app) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _prepared(app), "the validator was not built after start-up"
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
