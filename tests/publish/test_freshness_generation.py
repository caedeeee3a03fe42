"""A document's ETag follows the store's ``generation``: an update that replaces a value and so keeps every triple
count the same still gives /doc/… a new ETag, on both engines, through a real uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from publishing import PROJECT
from servers import ServiceStarter

from ipgraph.settings import Settings
from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import GRAPH, ONTOLOGY_GRAPH

ORGANISATION = "https://w3id.org/ipgraph/id/org-so-tai-chinh"
RENAME = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE { GRAPH ?g { ?org rdfs:label ?old } }
INSERT { GRAPH ?g { ?org rdfs:label "Department of Finance (renamed)"@en } }
WHERE { GRAPH ?g { ?org rdfs:label ?old FILTER(?org = <ORGANISATION> && langMatches(lang(?old), "en")) } }
""".replace("ORGANISATION", ORGANISATION, 1)


@pytest.fixture(params=["embedded", "remote"])
def loaded_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store of each engine holding the ontology and the organisations, as the first-start loader puts them."""
    store: Store
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "embedded", workers=1, query_timeout=10.0)
    else:
        store = request.getfixturevalue("remote_store")
    for path in sorted((PROJECT / "ontology").glob("*.ttl")):
        store.load_file(path, ONTOLOGY_GRAPH)
    store.load_file(PROJECT / "data" / "organisations.ttl", GRAPH["organisations"])
    yield store
    if request.param == "embedded":
        store.close()


def test_a_replaced_value_changes_the_etag_although_no_count_changes(
    loaded_store: Store, running_service: ServiceStarter, tmp_path: Path
) -> None:
    base = running_service(Settings(data_dir=tmp_path / "data", project_dir=PROJECT), loaded_store)
    url = f"{base}/doc/id/org-so-tai-chinh.ttl"
    before = httpx.get(url)
    assert before.status_code == 200
    assert "Department of Finance (renamed)" not in before.text
    counts = {name: loaded_store.triple_count(name) for name in loaded_store.graph_names()}
    generation = loaded_store.generation

    loaded_store.update(UpdateRequest(RENAME))

    assert {name: loaded_store.triple_count(name) for name in loaded_store.graph_names()} == counts
    assert loaded_store.generation > generation
    after = httpx.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "Department of Finance (renamed)" in after.text
    assert httpx.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304


def test_generation_is_read_only(loaded_store: Store) -> None:
    with pytest.raises(AttributeError):
        loaded_store.generation = 0  # type: ignore[misc]
