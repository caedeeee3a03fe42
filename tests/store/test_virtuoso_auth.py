"""HTTP Digest to Virtuoso's authenticated endpoints: writes with the right account, clear refusals otherwise.

On the session's Virtuoso (tests/servers.py), whose ``/sparql-auth`` and ``/sparql-graph-crud-auth`` ask for
Digest. Also: the credentials stay with the store (no process-wide urllib opener, as SPARQLWrapper's own
Digest support would install), and concurrent writers each complete their Digest exchange.
"""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from servers import VirtuosoServer

from ipgraph.errors import SettingsError, StoreUnavailableError
from ipgraph.settings import Settings
from ipgraph.store.base import UpdateRequest
from ipgraph.store.remote import RemoteStore

GRAPH = URIRef("http://example.org/auth")
INSERT = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/s> <http://example.org/p> "chữ" }} }}'


def store_with(server: VirtuosoServer, password: str, auth: str = "digest") -> RemoteStore:
    return RemoteStore(
        server.query_url,
        server.update_url,
        server.store_url,
        user=server.user,
        password=password,
        auth=auth,  # type: ignore[arg-type]
        query_timeout=10.0,
    )


def test_digest_writes_through_update_and_graph_store(virtuoso_store: RemoteStore, tmp_path: Path) -> None:
    virtuoso_store.update(UpdateRequest(INSERT))
    data = tmp_path / "more.ttl"
    data.write_text('<http://example.org/s> <http://example.org/q> "Thái Bình"@vi .\n', encoding="utf-8")
    assert virtuoso_store.load_file(data, GRAPH) == 1
    assert virtuoso_store.triple_count(GRAPH) == 2
    assert Literal("Thái Bình", lang="vi") in set(virtuoso_store.read_graph(GRAPH).objects())
    installed = urllib.request._opener  # type: ignore[attr-defined]  # the process-wide opener, if any
    handlers = installed.handlers if installed is not None else []
    assert not any(isinstance(handler, urllib.request.HTTPDigestAuthHandler) for handler in handlers)


@pytest.mark.parametrize(("password", "auth"), [("wrong", "digest"), (None, "basic")])
def test_a_wrong_password_or_scheme_is_refused_and_changes_nothing(
    virtuoso_store: RemoteStore, virtuoso_server: VirtuosoServer, password: str | None, auth: str, tmp_path: Path
) -> None:
    other = store_with(virtuoso_server, password or virtuoso_server.password, auth)
    with pytest.raises(StoreUnavailableError, match="401"):
        other.update(UpdateRequest(INSERT))
    data = tmp_path / "one.nt"
    data.write_text('<http://example.org/s> <http://example.org/p> "x" .\n', encoding="utf-8")
    with pytest.raises(StoreUnavailableError, match="401"):
        other.load_file(data, GRAPH)
    assert virtuoso_store.triple_count() == 0


def test_concurrent_writers_each_complete_their_digest_exchange(virtuoso_store: RemoteStore) -> None:
    def write(number: int) -> None:
        virtuoso_store.update(
            UpdateRequest(
                f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/s{number}> <http://example.org/p> 1 }} }}"
            )
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(24)))
    assert virtuoso_store.triple_count(GRAPH) == 24


def test_the_auth_setting_takes_basic_or_digest_only() -> None:
    assert Settings.from_env({"IPGRAPH_REMOTE_AUTH": "digest"}).remote_auth == "digest"
    assert Settings.from_env({}).remote_auth == "basic"
    with pytest.raises(SettingsError, match="remote_auth must be one of"):
        Settings.from_env({"IPGRAPH_REMOTE_AUTH": "ntlm"})
