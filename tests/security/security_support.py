"""What the security tests share: the test service's settings and seed, a client for it that can prove the store
did not change, the check that a response is a problem naming its cause, and a trap for outbound connections.

(A module with its own name rather than ``conftest``: every test directory has a ``conftest`` and only one of
them can be imported under that name in a run of the whole suite.)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rdflib import URIRef
from servers import serve

from ipgraph.settings import Settings
from ipgraph.store.base import Store
from ipgraph.store.embedded import EmbeddedStore

ADMIN_TOKEN = "admin-token-7f3c9e1d4b2a"
SEED_GRAPH = "https://example.org/graph/seed"
#: The body limit of the test service: small, so "oversized" needs no megabytes on the wire.
MAX_BODY_BYTES = 256 * 1024
#: Deadline of the test service's queries, in seconds.
QUERY_TIMEOUT = 2.0
SEED_TURTLE = """\
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:hanoi rdfs:label "Hà Nội"@vi ; ex:population 8000000 .
ex:thaibinh rdfs:label "Thái Bình"@vi ; ex:next ex:hanoi .
ex:a ex:next ex:b . ex:b ex:next ex:c . ex:c ex:next ex:a .
"""
PROBLEM_JSON = "application/problem+json"


@dataclass
class SecureService:
    """A running service and the store behind it."""

    url: str
    store: EmbeddedStore
    settings: Settings
    client: httpx.Client = field(repr=False)

    def dump(self) -> list[str]:
        """Every quad of the store as sorted N-Quads lines: equal dumps mean an unchanged store."""
        data = self.store.dump(None, "application/n-quads")
        assert data is not None
        return sorted(data.decode("utf-8").splitlines())

    def put(
        self, body: bytes | str, content_type: str | None, graph: str = "https://example.org/graph/new", **headers: str
    ) -> httpx.Response:
        """A Graph Store PUT with the admin token (unless ``headers`` say otherwise)."""
        sent = {"Authorization": f"Bearer {ADMIN_TOKEN}", **headers}
        if content_type is not None:
            sent["Content-Type"] = content_type
        content = body.encode("utf-8") if isinstance(body, str) else body
        return self.client.put(f"{self.url}/store", params={"graph": graph}, content=content, headers=sent)

    def query(self, text: str, **params: Any) -> httpx.Response:
        """A SPARQL query by POST (``application/sparql-query``), asking for SPARQL JSON."""
        return self.client.post(
            f"{self.url}/sparql",
            params=params,
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )


def refused(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status`` whose detail names every one of ``words``."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers["content-type"]
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    detail = problem["detail"].lower()
    for word in words:
        assert word.lower() in detail, (word, problem["detail"])
    return problem


def service_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings of the test service: admin token, small limits, data in ``tmp_path``."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "admin_token": ADMIN_TOKEN,
        "max_body_bytes": MAX_BODY_BYTES,
        "query_timeout": QUERY_TIMEOUT,
        "row_limit": 1000,
        "query_workers": 1,
    }
    values.update(overrides)
    return Settings(**values)


class Trap:
    """A TCP listener on 127.0.0.1 that accepts and counts connections, answering nothing."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port: int = self._socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="outbound-trap", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/trap"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@contextmanager
def serve_in_thread(settings: Settings, store: Store) -> Iterator[str]:
    """The app in a real uvicorn on a free 127.0.0.1 port, in a thread, for as long as the context lasts."""
    from ipgraph.api import create_app

    with serve(create_app(settings, store)) as url:
        yield url


#: Two query workers, so a light query always finds one free while a runaway query holds the other until its
#: deadline (with one, the light query would race the killed worker's replacement).
QUERY_WORKERS = 2


@contextmanager
def seeded_service(settings: Settings, running_service: Any, workers: int = QUERY_WORKERS) -> Iterator[SecureService]:
    """The app in a real uvicorn over an embedded store in ``settings.data_dir`` holding :data:`SEED_TURTLE`."""
    store = EmbeddedStore(settings.data_dir, workers=workers, query_timeout=QUERY_TIMEOUT, row_limit=settings.row_limit)
    seed = settings.data_dir / "seed.ttl"
    seed.write_text(SEED_TURTLE, encoding="utf-8")
    store.load_file(seed, URIRef(SEED_GRAPH))
    try:
        url = running_service(settings, store)
        with httpx.Client(timeout=30.0) as client:
            yield SecureService(url, store, settings, client)
    finally:
        store.close()
