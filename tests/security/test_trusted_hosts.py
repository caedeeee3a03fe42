"""The Host header is never reflected: a hostile one is refused with 400 before any router runs, links follow the
public URL (or a trusted host), and the IRIs of graphs the Graph Store creates come from settings alone
(ipgraph.api.public_urls, TrustedHostMiddleware in the app factory)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, URIRef
from security_support import ADMIN_TOKEN, SecureService, service_settings

from ipgraph.errors import SettingsError
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

HOSTILE_HOSTS = ("evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost@evil.example", "")
#: Everything that wrote the Host into an answer or into the store before.
REFLECTING = (
    ("GET", "/sparql", {"Accept": "text/turtle"}),
    ("GET", "/.well-known/void?format=turtle", {}),
    ("GET", "/queries", {}),
    ("GET", "/query?query=SELECT%20*%20%7B%20BIND(%3Crelative%3E%20AS%20%3Fx)%20%7D", {}),
    ("POST", "/store", {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/turtle"}),
)


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_a_hostile_host_is_refused_and_nothing_is_stored(secure_service: SecureService, host: str) -> None:
    before = secure_service.dump()
    for method, path, headers in REFLECTING:
        response = secure_service.client.request(
            method,
            secure_service.url + path,
            headers={**headers, "Host": host},
            content=b"<x:a> <x:b> <x:c> ." if method == "POST" else None,
        )
        assert response.status_code == 400, (host, path, response.status_code)
        assert "evil" not in response.text
    assert secure_service.dump() == before


def test_without_a_public_url_links_follow_a_trusted_host_but_graph_iris_do_not(
    secure_service: SecureService,
) -> None:
    port = secure_service.url.rsplit(":", 1)[1]
    as_localhost = {"Host": f"localhost:{port}"}
    queries = secure_service.client.get(secure_service.url + "/queries", headers=as_localhost).json()["queries"]
    assert all(query["url"].startswith(f"http://localhost:{port}/queries/") for query in queries)

    created = []
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        response = secure_service.client.post(
            secure_service.url + "/store",
            content=b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/turtle", "Host": host},
        )
        assert response.status_code == 201
        created.append(response.headers["location"])
    assert all(location.startswith(f"http://127.0.0.1:{port}/store/") for location in created), created
    names = {str(name) for name in secure_service.store.graph_names()}
    assert set(created) <= names and not any("localhost" in name for name in names)


def test_with_a_public_url_every_link_and_graph_iri_uses_it(tmp_path: Path, running_service: Any) -> None:
    public = "https://ipgraph.example.org/"
    settings = service_settings(tmp_path, public_url=public)
    store = EmbeddedStore(settings.data_dir, workers=1, query_timeout=settings.query_timeout, row_limit=100)
    try:
        url = running_service(settings, store)
        port = url.rsplit(":", 1)[1]
        with httpx.Client(base_url=url, timeout=30) as client:
            for host in (f"localhost:{port}", "ipgraph.example.org"):
                headers = {"Host": host}
                description = Graph().parse(
                    data=client.get("/sparql", headers={**headers, "Accept": "text/turtle"}).text, format="turtle"
                )
                assert URIRef(public + "sparql") in set(description.all_nodes())
                void = client.get("/.well-known/void?format=turtle", headers=headers).text
                assert public + "sparql" in void and "localhost" not in void
                queries = client.get("/queries", headers=headers).json()["queries"]
                assert all(query["url"].startswith(public + "queries/") for query in queries)
                created = client.post(
                    "/store",
                    content=b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .",
                    headers={**headers, "Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/turtle"},
                )
                assert created.headers["location"].startswith(public + "store/")
            assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    finally:
        store.close()


def test_the_trusted_hosts_setting() -> None:
    settings = Settings.from_env(
        {"IPGRAPH_TRUSTED_HOSTS": "a.example, *.b.example", "IPGRAPH_PUBLIC_URL": "https://c.example/x/"}
    )
    assert settings.trusted_host_names() == ("a.example", "*.b.example", "c.example")
    assert Settings().trusted_host_names() == ("127.0.0.1", "localhost")
    with pytest.raises(SettingsError, match="public_url must be an http"):
        Settings(public_url="javascript:alert(1)")
    assert dataclasses.replace(Settings(), public_url="").trusted_host_names() == ("127.0.0.1", "localhost")
