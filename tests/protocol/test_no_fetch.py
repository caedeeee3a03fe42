"""SERVICE, LOAD and FROM/FROM NAMED/USING of a URL make the service connect nowhere, unless allow-listed.

A trap HTTP server on 127.0.0.1 records every TCP connection made to it. Each hostile request names the trap;
the test requires a clear 400 that names the refused IRI and zero connections. With the trap allow-listed
(``allowed_service_endpoints``), SERVICE reaches it (so the trap would have seen a leak) and uses its answer.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from socket import socket
from typing import Any

import httpx
import pytest

from ipgraph.store.embedded import EmbeddedStore

from .conftest import AUTH, Service, make_settings, own_service

ANSWER = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "from the trap"}}]}}


@dataclass
class Trap:
    """The trap's URL and the peers of every connection it accepted."""

    url: str
    connections: list[Any] = field(default_factory=list)


class _TrapServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    trap: Trap

    def verify_request(self, request: socket | tuple[bytes, socket], client_address: Any) -> bool:
        self.trap.connections.append(client_address)
        return True


class _TrapHandler(http.server.BaseHTTPRequestHandler):
    """Answers any request like a SPARQL endpoint with one fixed solution."""

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer  # noqa: N815 - the name http.server dispatches to
    do_POST = _answer  # noqa: N815 - the name http.server dispatches to

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def trap() -> Iterator[Trap]:
    server = _TrapServer(("127.0.0.1", 0), _TrapHandler)
    server.trap = Trap(f"http://127.0.0.1:{server.server_address[1]}/sparql")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.trap
    finally:
        server.shutdown()
        server.server_close()


#: (id, operation, form parameters, URL parameters); ``TRAP`` stands for the trap's URL, ``ROOT`` for its root.
HOSTILE: tuple[tuple[str, str, dict[str, str], dict[str, str]], ...] = (
    ("service", "query", {"query": "SELECT * WHERE { SERVICE <TRAP> { ?s ?p ?o } }"}, {}),
    ("service-silent", "query", {"query": "SELECT * WHERE { SERVICE SILENT <TRAP> { ?s ?p ?o } }"}, {}),
    ("service-prefixed", "query", {"query": "PREFIX t: <ROOT>\nSELECT * { SERVICE t:sparql { ?s ?p ?o } }"}, {}),
    ("service-relative", "query", {"query": "BASE <ROOT>\nSELECT * { SERVICE <sparql> { ?s ?p ?o } }"}, {}),
    ("service-variable", "query", {"query": "SELECT * { VALUES ?e { <TRAP> } SERVICE ?e { ?s ?p ?o } }"}, {}),
    ("service-in-exists", "query", {"query": "ASK { FILTER EXISTS { SERVICE <TRAP> { ?s ?p ?o } } }"}, {}),
    ("from", "query", {"query": "SELECT * FROM <TRAP> WHERE { ?s ?p ?o }"}, {}),
    ("from-named", "query", {"query": "SELECT * FROM NAMED <TRAP> WHERE { GRAPH ?g { ?s ?p ?o } }"}, {}),
    ("default-graph-uri", "query", {"query": "SELECT * WHERE { ?s ?p ?o }"}, {"default-graph-uri": "TRAP"}),
    ("named-graph-uri", "query", {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"}, {"named-graph-uri": "TRAP"}),
    ("load", "update", {"update": "LOAD <TRAP>"}, {}),
    ("load-silent-into", "update", {"update": "LOAD SILENT <TRAP> INTO GRAPH <http://example.org/g>"}, {}),
    ("update-service", "update", {"update": "INSERT { ?s ?p ?o } WHERE { SERVICE <TRAP> { ?s ?p ?o } }"}, {}),
    ("using", "update", {"update": "INSERT { <http://a/> <http://b/> ?o } USING <TRAP> WHERE { ?s ?p ?o }"}, {}),
    (
        "using-graph-uri",
        "update",
        {"update": "INSERT { <http://a/> <http://b/> ?o } WHERE { ?s ?p ?o }"},
        {"using-graph-uri": "TRAP"},
    ),
)


def _fill_in(values: dict[str, str], url: str) -> dict[str, str]:
    root = url.rsplit("/", 1)[0] + "/"
    return {name: value.replace("TRAP", url).replace("ROOT", root) for name, value in values.items()}


@pytest.mark.parametrize(("operation", "form", "extra"), [case[1:] for case in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_named_urls_are_refused_and_never_contacted(
    service: Service, trap: Trap, operation: str, form: dict[str, str], extra: dict[str, str]
) -> None:
    headers = dict(AUTH) if operation == "update" else {}
    response = service.client.post(
        "/sparql", data=_fill_in(form, trap.url), params=_fill_in(extra, trap.url), headers=headers
    )
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["title"].startswith("Refused")
    assert trap.url in problem["detail"] or "SERVICE ?" in problem["detail"]
    assert "IPGRAPH_ALLOWED_SERVICE_ENDPOINTS" in problem["detail"]
    assert trap.connections == []
    assert service.store.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") == []


def test_get_requests_are_refused_too(service: Service, trap: Trap) -> None:
    response = service.client.get("/sparql", params={"query": f"ASK {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"})
    assert response.status_code == 400
    assert trap.connections == []


@pytest.fixture
def allow_listed_service(tmp_path: Path, trap: Trap) -> Iterator[Service]:
    # The store is built here, not from the settings: it must be told the engine may use the network.
    store = EmbeddedStore(tmp_path / "store", workers=1, network=True)
    with own_service(make_settings(tmp_path, allowed_service_endpoints=(trap.url,)), store) as service:
        yield service
    store.close()


def test_an_allow_listed_endpoint_is_used(allow_listed_service: Service, trap: Trap) -> None:
    response = allow_listed_service.client.get(
        "/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{trap.url}> {{ ?x ?p ?o }} }}"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == ANSWER["results"]["bindings"]
    assert len(trap.connections) >= 1
    other = trap.url.replace("/sparql", "/other")
    refused = allow_listed_service.client.get(
        "/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{other}> {{ ?x ?p ?o }} }}"}
    )
    assert refused.status_code == 400
    assert other in refused.json()["detail"]


def test_trap_records_connections(trap: Trap) -> None:
    """The trap itself works: a direct request is recorded (so an empty record means something)."""
    assert httpx.get(trap.url).json() == ANSWER
    assert len(trap.connections) == 1
