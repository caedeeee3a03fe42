"""Clients that send a query and go away before the answer (ipgraph.store.worker.QueryPool.run_async): a worker
busy with an abandoned query is stopped at the deadline as any other, an abandoned answer is never handed to the
next request, and the pool is whole again afterwards."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlencode, urlsplit

from security_support import QUERY_TIMEOUT, SecureService

#: Runs until the deadline stops it (the seed store's triples, ten times over).
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r . "
    "?s ?t ?u . ?v ?w ?x . ?y ?z ?aa . ?ab ?ac ?ad }"
)


def send_and_leave(url: str, query: str) -> None:
    """POST ``query`` to ``/sparql`` over a raw connection and close it without reading a byte of the answer."""
    address = urlsplit(url)
    body = urlencode({"query": query}).encode("ascii")
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {address.hostname}:{address.port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/sparql-results+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii")
    assert address.hostname is not None and address.port is not None
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(head + body)


def own_answer(service: SecureService, number: int) -> str:
    response = service.client.post(
        f"{service.url}/sparql",
        data={"query": f"SELECT ?n WHERE {{ BIND({number} AS ?n) }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text[:300]
    (row,) = response.json()["results"]["bindings"]
    return str(row["n"]["value"])


def test_clients_that_leave_take_no_answer_and_no_worker_with_them(secure_service: SecureService) -> None:
    send_and_leave(secure_service.url, RUNAWAY)  # holds one of the two workers until the deadline
    for number in range(20):
        send_and_leave(secure_service.url, f"SELECT ?n WHERE {{ BIND({1000 + number} AS ?n) }}")
        assert own_answer(secure_service, number) == str(number)
    pool = secure_service.store.pool
    deadline = time.monotonic() + QUERY_TIMEOUT * 15
    while pool.alive_count() < pool.size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.alive_count() == pool.size
    for number in range(20, 30):
        assert own_answer(secure_service, number) == str(number)
