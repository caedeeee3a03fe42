"""The second wall: with the guard switched off (``fetch_guard=False``), SERVICE and LOAD reach the engine, and
still no connection is made, because query workers and the update thread run in network namespaces of their own
(``ipgraph.store.sandbox``). The caller gets a clear 400 and the store is unchanged."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from security_support import (
    ADMIN_TOKEN,
    SecureService,
    Trap,
    refused,
    seeded_service,
)
from security_support import service_settings as secure_settings

from ipgraph.errors import IpgraphError
from ipgraph.store import open_store
from ipgraph.store.base import QueryRequest
from ipgraph.store.sandbox import IsolatedThread

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SPARQL_JSON = "application/sparql-results+json"


@pytest.fixture
def unguarded_service(tmp_path: Path, running_service: Any) -> Iterator[SecureService]:
    """The service with its guard off, over a seeded embedded store with no allowed endpoints."""
    with seeded_service(secure_settings(tmp_path, fetch_guard=False), running_service, workers=1) as service:
        yield service


def test_this_machine_can_isolate_a_thread() -> None:
    """The wall needs unshare(CLONE_NEWNET) (root, as in CI) or a user namespace; say so plainly if neither."""
    thread = IsolatedThread(isolate=True)
    try:
        assert thread.isolation_failure is None, thread.isolation_failure
    finally:
        thread.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ # note\r SERVICE <{url}> {{ ?s ?p ?o }}\n}}",
    ],
    ids=["select", "ask", "comment-ended-by-cr"],
)
def test_service_past_the_guard_makes_no_connection(
    unguarded_service: SecureService, trap: Trap, template: str
) -> None:
    response = unguarded_service.client.get(
        f"{unguarded_service.url}/sparql",
        params={"query": template.format(url=trap.url)},
        headers={"Accept": "application/sparql-results+json"},
    )
    refused(response, 400, "without network access")
    assert trap.connections == 0


def test_service_silent_past_the_guard_answers_nothing_and_makes_no_connection(
    unguarded_service: SecureService, trap: Trap
) -> None:
    response = unguarded_service.query(f"SELECT * WHERE {{ SERVICE SILENT <{trap.url}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] in ([], [{}])
    assert trap.connections == 0


@pytest.mark.parametrize(
    "template",
    [
        "LOAD <{url}>",
        "INSERT {{ GRAPH <https://example.org/g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ],
    ids=["load", "insert-where-service"],
)
def test_update_past_the_guard_makes_no_connection_and_writes_nothing(
    unguarded_service: SecureService, trap: Trap, template: str
) -> None:
    before = unguarded_service.dump()
    response = unguarded_service.client.post(
        f"{unguarded_service.url}/sparql",
        content=template.format(url=trap.url).encode(),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    refused(response, 400, "without network access")
    assert trap.connections == 0
    assert unguarded_service.dump() == before


def test_updates_still_write_behind_the_wall(unguarded_service: SecureService) -> None:
    response = unguarded_service.client.post(
        f"{unguarded_service.url}/sparql",
        content=b"INSERT DATA { GRAPH <https://example.org/g> { <https://e/a> <https://e/b> 1 } }",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 204, response.text
    asked = unguarded_service.query("ASK { GRAPH <https://example.org/g> { <https://e/a> ?p 1 } }")
    assert asked.json()["boolean"] is True


def test_an_isolated_thread_cannot_connect(trap: Trap) -> None:
    """Namespaces are per thread: the wall holds on the engine's thread (the server's own threads, which answer
    every other test here, keep the loopback)."""

    def connect() -> str:
        with socket.socket() as client:
            try:
                client.connect(("127.0.0.1", trap.port))
            except OSError as error:
                return error.strerror or "refused"
            return "connected"

    thread = IsolatedThread(isolate=True)
    try:
        assert thread.run(connect) == "Network is unreachable"
    finally:
        thread.close()
    assert trap.connections == 0


@pytest.mark.parametrize("allowed", [False, True], ids=["no-endpoints-allowed", "trap-allowed"])
def test_the_settings_decide_whether_the_engine_may_use_the_network(tmp_path: Path, trap: Trap, allowed: bool) -> None:
    """``open_store`` isolates the engine unless the operator allowed endpoints (then it must reach them)."""
    settings = secure_settings(tmp_path, allowed_service_endpoints=(trap.url,) if allowed else ())
    store = open_store(settings, load_project=False)
    try:
        with pytest.raises(IpgraphError) as caught:
            store.execute(QueryRequest(f"SELECT * {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}", SPARQL_JSON))
    finally:
        store.close()
    if allowed:
        assert trap.connections >= 1  # the trap answers nothing, so the query fails after connecting
    else:
        assert "without network access" in str(caught.value)
        assert trap.connections == 0
