"""The query deadline: a cartesian product is stopped with a clear 503 while another client's query answers.

No timing is asserted beyond order: the small query must come back, correct, before the slow one is answered
(stopped). Embedded mode stops the worker process running the query; remote mode abandons the request at the
deadline and the server's own timeout (``--timeout-s``, which an operator sets) stops its work.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

from .conftest import STORE_MODES, Service, make_settings, own_service, oxigraph_with_timeout

DEADLINE = 4.0  # generous: the small query must come back first even on a loaded two-core machine
EX = "http://example.org/"
#: 300⁴ = 8.1 × 10⁹ solutions to count: hours of work, far beyond any deadline.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = f"SELECT ?name WHERE {{ <{EX}item/7> <{EX}name> ?name }}"


@pytest.fixture(params=STORE_MODES)
def deadline_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A service with a short deadline, two query workers, and 300 triples to multiply."""
    settings = make_settings(tmp_path, query_timeout=DEADLINE, query_workers=2)
    store: Store
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "store", workers=2, query_timeout=DEADLINE, row_limit=1000)
        with own_service(settings, store) as service:
            _fill(store)
            yield service
        store.close()
        return
    with oxigraph_with_timeout(tmp_path / "oxigraph", seconds=int(DEADLINE) * 2) as server:
        store = RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=DEADLINE)
        with own_service(settings, store) as service:
            _fill(store)
            yield service


def _fill(store: Store) -> None:
    triples = "\n".join(f'<{EX}item/{n}> <{EX}name> "item {n}" .' for n in range(300))
    store.update(UpdateRequest(f"INSERT DATA {{ GRAPH <{EX}items> {{\n{triples}\n}} }}"))


def test_cartesian_product_is_stopped_while_another_client_is_answered(deadline_service: Service) -> None:
    slow_answer: list[httpx.Response] = []
    slow_done = threading.Event()

    def run_slow() -> None:
        with httpx.Client(base_url=deadline_service.url, timeout=60.0) as slow_client:
            slow_answer.append(slow_client.get("/sparql", params={"query": CARTESIAN}))
        slow_done.set()

    slow = threading.Thread(target=run_slow)
    slow.start()
    # Give the slow query time to reach the engine; this waits, it asserts nothing about time.
    slow_done.wait(0.3)
    small = deadline_service.client.get("/sparql", params={"query": SMALL})
    answered_while_slow_ran = not slow_done.is_set()
    slow.join()

    assert small.status_code == 200, small.text
    assert small.json()["results"]["bindings"] == [{"name": {"type": "literal", "value": "item 7"}}]
    assert answered_while_slow_ran, "the small query waited for the slow one"

    stopped = slow_answer[0]
    assert stopped.status_code == 503
    assert stopped.headers["retry-after"].isdigit()
    problem = stopped.json()
    assert problem["title"] == "Query deadline exceeded"
    assert problem["status"] == 503

    # The service goes on answering after the stop (a stopped worker is replaced).
    again = deadline_service.client.get("/sparql", params={"query": SMALL})
    assert again.status_code == 200
    assert again.json()["results"]["bindings"][0]["name"]["value"] == "item 7"
