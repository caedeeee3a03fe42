"""Who may write: without a token, with a wrong one, in read-only mode, or with a token meant for something else,
a write is 401/403 and stores nothing; tokens never appear in a response or in the logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from security_support import ADMIN_TOKEN, SEED_TURTLE, SecureService, refused, service_settings

from ipgraph.store.embedded import EmbeddedStore

BODY = '<https://example.org/s> <https://example.org/p> "written" .\n'
WRONG_TOKENS = {
    "missing": None,
    "empty": "Bearer",
    "other-scheme": f"Basic {ADMIN_TOKEN}",
    "wrong": "Bearer not-the-admin-token",
    "prefix": f"Bearer {ADMIN_TOKEN[:-1]}",
    "longer": f"Bearer {ADMIN_TOKEN}x",
    "case": f"Bearer {ADMIN_TOKEN.upper()}",
    "unicode": "Bearer tôken-sai",
}


def writes(service: SecureService, authorization: str | None) -> list[httpx.Response]:
    """One of each kind of write, with the given ``Authorization`` header (or none)."""
    # Header values travel as bytes, so a token in UTF-8 reaches the server as it would from any client.
    headers: dict[str, Any] = {"Authorization": authorization.encode("utf-8")} if authorization is not None else {}
    store = f"{service.url}/store"
    graph = {"graph": "https://example.org/graph/seed"}
    client = service.client
    return [
        client.put(store, params=graph, content=BODY, headers={**headers, "Content-Type": "application/n-triples"}),
        client.post(store, params=graph, content=BODY, headers={**headers, "Content-Type": "application/n-triples"}),
        client.post(store, content=BODY, headers={**headers, "Content-Type": "application/n-triples"}),
        client.delete(store, params=graph, headers=headers),
        client.post(
            f"{service.url}/sparql",
            content=b"DROP ALL",
            headers={**headers, "Content-Type": "application/sparql-update"},
        ),
        client.post(
            f"{service.url}/sparql",
            data={"update": "INSERT DATA { <https://e/a> <https://e/b> 1 }"},
            headers=headers,
        ),
    ]


def assert_nothing_echoed(responses: list[httpx.Response], *secrets: str) -> None:
    for response in responses:
        shown = response.text + " ".join(f"{key}: {value}" for key, value in response.headers.items())
        for secret in secrets:
            assert secret not in shown, (response.status_code, shown[:300])


@pytest.mark.parametrize("name", sorted(WRONG_TOKENS))
def test_writes_without_the_right_token_are_refused(
    secure_service: SecureService, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.DEBUG)
    authorization = WRONG_TOKENS[name]
    before = secure_service.dump()
    responses = writes(secure_service, authorization)
    expected = 401 if name in ("missing", "empty", "other-scheme") else 403
    for response in responses:
        problem = refused(response, expected)
        if expected == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert "authorization" in problem["detail"].lower()
    assert secure_service.dump() == before
    presented = (authorization or "").partition(" ")[2]
    secrets = [ADMIN_TOKEN, *([presented] if len(presented) > 3 else [])]
    assert_nothing_echoed(responses, *secrets)
    for secret in secrets:
        assert secret not in caplog.text


def test_reads_need_no_token(secure_service: SecureService) -> None:
    response = secure_service.client.get(
        f"{secure_service.url}/store",
        params={"graph": "https://example.org/graph/seed"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200 and "Hà Nội" in response.text


def test_the_admin_token_writes_and_is_never_echoed(
    secure_service: SecureService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = writes(secure_service, f"Bearer {ADMIN_TOKEN}")
    assert [response.status_code for response in responses] == [204, 204, 201, 204, 204, 204]
    assert_nothing_echoed(responses, ADMIN_TOKEN)
    assert ADMIN_TOKEN not in caplog.text


def start_variant(tmp_path: Path, running_service: Any, **overrides: Any) -> tuple[str, EmbeddedStore]:
    settings = service_settings(tmp_path, **overrides)
    store = EmbeddedStore(settings.data_dir, workers=1)
    seed = tmp_path / "seed.ttl"
    seed.write_text(SEED_TURTLE, encoding="utf-8")
    from rdflib import URIRef

    store.load_file(seed, URIRef("https://example.org/graph/seed"))
    return running_service(settings, store), store


def test_read_only_mode_refuses_even_the_admin_token(tmp_path: Path, running_service: Any) -> None:
    url, store = start_variant(tmp_path, running_service, read_only=True)
    try:
        before = store.dump(None, "application/n-quads")
        with httpx.Client(timeout=30) as client:
            service = SecureService(url, store, service_settings(tmp_path), client)
            for response in writes(service, f"Bearer {ADMIN_TOKEN}"):
                refused(response, 403, "read-only")
        assert store.dump(None, "application/n-quads") == before
    finally:
        store.close()


def test_no_admin_token_configured_refuses_every_token(tmp_path: Path, running_service: Any) -> None:
    url, store = start_variant(tmp_path, running_service, admin_token="")
    try:
        before = store.dump(None, "application/n-quads")
        with httpx.Client(timeout=30) as client:
            service = SecureService(url, store, service_settings(tmp_path), client)
            for authorization in (f"Bearer {ADMIN_TOKEN}", "Bearer", "Bearer x"):
                for response in writes(service, authorization):
                    assert response.status_code in (401, 403)
        assert store.dump(None, "application/n-quads") == before
    finally:
        store.close()


def test_an_organisation_token_cannot_write_graphs(secure_service: SecureService) -> None:
    """A report submission token is valid for ``POST /reports`` of its organisation only: on the Graph Store and
    SPARQL update (graphs it does not own) it is refused and nothing is written."""
    from rdflib import URIRef

    from ipgraph.reports.tokens import TokenRegistry

    registry = TokenRegistry.for_data_dir(secure_service.settings.data_dir)
    token = registry.issue(URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")).token
    before = secure_service.dump()
    responses = writes(secure_service, f"Bearer {token}")
    for response in responses:
        refused(response, 403)
    assert secure_service.dump() == before
    assert_nothing_echoed(responses, token)
