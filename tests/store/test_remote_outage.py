"""Remote mode survives its SPARQL server going away: clear errors (503 from the API) while it is down, answers again
from the same :class:`RemoteStore` and the same running service once it is back on the same port and data."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from servers import free_port, run_oxigraph

from ipgraph.errors import StoreUnavailableError
from ipgraph.settings import Settings
from ipgraph.store.base import UpdateRequest
from ipgraph.store.remote import RemoteStore

GRAPH = URIRef("http://example.org/g")
INSERT = 'INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "kept" } }'
ASK_KEPT = 'ASK { ?s ?p "kept" }'


def ask_service(base_url: str) -> tuple[int, dict[str, object]]:
    """GET /sparql?query=ASK…: the HTTP status and the JSON body (SPARQL results or problem details)."""
    url = f"{base_url}/sparql?" + urllib.parse.urlencode({"query": ASK_KEPT})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_outage_gives_store_unavailable_then_the_same_store_answers_again(
    tmp_path: Path, running_service: Callable[..., str]
) -> None:
    location, port = tmp_path / "oxigraph", free_port()
    with run_oxigraph(location, port) as server:
        store = RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=10.0)
        store.update(UpdateRequest(INSERT))
        settings = Settings(data_dir=tmp_path / "var", store_mode="remote", remote_query_url=server.query_url)
        service = running_service(settings, store)
        assert ask_service(service) == (200, {"head": {}, "boolean": True})
    # The server process is gone now: every kind of operation says the store cannot be reached.
    with pytest.raises(StoreUnavailableError, match="cannot be reached"):
        store.ask(ASK_KEPT)
    with pytest.raises(StoreUnavailableError):
        store.update(UpdateRequest(INSERT))
    with pytest.raises(StoreUnavailableError):
        store.read_graph(GRAPH)
    status, problem = ask_service(service)
    assert status == 503
    assert problem["title"] == "Store unavailable"
    with run_oxigraph(location, port):
        assert store.ask(ASK_KEPT) is True
        assert store.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": Literal("kept")}]
        assert ask_service(service) == (200, {"head": {}, "boolean": True})
