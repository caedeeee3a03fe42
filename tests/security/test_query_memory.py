"""The memory ceiling of a query worker (issue 9, item 5): a query whose string doubles 26 times (671 million
characters, 1.9 GB of worker memory without a ceiling) is stopped at ``IPGRAPH_QUERY_MEMORY_MB`` with a 503 that
names the limit, its worker is replaced, and other queries are answered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from security_support import SecureService, refused
from security_support import service_settings as secure_settings

from ipgraph.store.embedded import EmbeddedStore

CEILING_MB = 256
WORKERS = 2
DOUBLINGS = 26
HEAVY = (
    'SELECT (STRLEN(?s26) AS ?n) WHERE { BIND("ab" AS ?s0) '
    + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(DOUBLINGS))
    + " }"
)
LIGHT = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 1 2 3 } }"
#: Long enough that only the ceiling can stop the heavy query, even on a loaded machine.
DEADLINE = 60.0


@pytest.fixture
def ceiling_service(tmp_path: Path, running_service: Any) -> Iterator[SecureService]:
    settings = secure_settings(tmp_path, query_memory_mb=CEILING_MB, query_workers=WORKERS, query_timeout=DEADLINE)
    store = EmbeddedStore(
        settings.data_dir,
        workers=WORKERS,
        query_timeout=DEADLINE,
        row_limit=settings.row_limit,
        query_memory_mb=settings.query_memory_mb,
    )
    try:
        url = running_service(settings, store)
        with httpx.Client(timeout=30.0) as client:
            yield SecureService(url, store, settings, client)
    finally:
        store.close()


def _light_answers(service: SecureService) -> int:
    response = service.query(LIGHT)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_query_past_the_memory_ceiling_gets_503_naming_the_limit(ceiling_service: SecureService) -> None:
    answers: list[int] = []
    stop = threading.Event()

    def others() -> None:
        while not stop.is_set():
            answers.append(_light_answers(ceiling_service))

    other = threading.Thread(target=others, name="other-client")
    other.start()
    try:
        problem = refused(ceiling_service.query(HEAVY), 503, f"{CEILING_MB} MB", "IPGRAPH_QUERY_MEMORY_MB")
    finally:
        stop.set()
        other.join(timeout=60)
    assert problem["title"] == "Query memory limit exceeded"
    assert set(answers) <= {3}
    # The stopped worker is replaced and the service answers as before.
    assert _light_answers(ceiling_service) == 3
    pool = ceiling_service.store.pool  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while pool.alive_count() < WORKERS and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.alive_count() == WORKERS
    assert _light_answers(ceiling_service) == 3


def test_the_ceiling_does_not_touch_ordinary_queries(ceiling_service: SecureService) -> None:
    response = ceiling_service.query(
        'SELECT (STRLEN(?s10) AS ?n) WHERE { BIND("ab" AS ?s0) '
        + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(10))
        + " }"
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(2 * 2**10)
