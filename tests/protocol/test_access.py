"""Who may write through ``/sparql``: a bearer token for updates, public reads, and read-only mode.

Every refusal must leave the store as it was, and no response may echo the token that was presented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import SD

from .conftest import ADMIN_TOKEN, AUTH, Service, make_settings, own_service

EX = "http://example.org/"
INSERT = f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> <{EX}o> }} }}"
WRONG = "wrong-token-5b7a"


def count(service: Service) -> int:
    rows = service.store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


def form_update(service: Service, headers: dict[str, str]) -> httpx.Response:
    return service.client.post("/sparql", data={"update": INSERT}, headers=headers)


def direct_update(service: Service, headers: dict[str, str]) -> httpx.Response:
    return service.client.post(
        "/sparql", content=INSERT.encode(), headers={**headers, "Content-Type": "application/sparql-update"}
    )


@pytest.mark.parametrize("send", [form_update, direct_update], ids=["form", "direct"])
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": f"Bearer {WRONG}"}, 403),
        ({"Authorization": f"Bearer {ADMIN_TOKEN}x"}, 403),
    ],
    ids=["none", "basic", "empty-bearer", "wrong", "longer"],
)
def test_updates_without_the_token_write_nothing(
    service: Service, send: Callable[[Service, dict[str, str]], httpx.Response], headers: dict[str, str], status: int
) -> None:
    response = send(service, headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    if status == 401:
        assert response.headers["www-authenticate"] == 'Bearer realm="ipgraph"'
    assert WRONG not in response.text and ADMIN_TOKEN not in response.text
    assert count(service) == 0


def test_the_token_allows_updates_and_the_scheme_is_case_insensitive(service: Service) -> None:
    assert direct_update(service, AUTH).status_code == 204
    assert count(service) == 1
    lower = {"Authorization": f"bearer {ADMIN_TOKEN}"}
    response = service.client.post("/sparql", data={"update": "CLEAR ALL"}, headers=lower)
    assert response.status_code == 204
    assert count(service) == 0


def test_reads_are_public(service: Service) -> None:
    service.load(INSERT)
    response = service.client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.json()["boolean"] is True


@pytest.fixture
def read_only_service(tmp_path: Path) -> Iterator[Service]:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    with own_service(make_settings(tmp_path, read_only=True), store) as service:
        yield service
    store.close()


def test_read_only_mode_refuses_writes_even_with_the_token(read_only_service: Service) -> None:
    service = read_only_service
    response = direct_update(service, AUTH)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    graph_store = service.client.put(
        "/store",
        params={"graph": f"{EX}g"},
        content=b"<http://a/> <http://b/> <http://c/> .",
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert graph_store.status_code == 403
    assert count(service) == 0
    assert service.client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    description = Graph().parse(data=service.client.get("/sparql").content, format="turtle")
    endpoint = description.value(predicate=RDF.type, object=SD.Service)
    assert SD.SPARQL11Update not in set(description.objects(endpoint, SD.supportedLanguage))


def test_no_configured_token_means_no_writes(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", workers=1)
    try:
        with own_service(make_settings(tmp_path, admin_token=""), store) as service:
            response = direct_update(service, {})
            assert response.status_code == 401
            response = direct_update(service, {"Authorization": "Bearer anything"})
            assert response.status_code == 403
            assert "IPGRAPH_ADMIN_TOKEN" in response.json()["detail"]
            assert count(service) == 0
    finally:
        store.close()
