"""The questions answered by structure (CQ21–CQ27) answer through ``/sparql`` and on the question page.

A real uvicorn on 127.0.0.1 serves an embedded store loaded from the project's files, as on a first start; each
answer over HTTP must be the answer the store gives the same query directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from servers import serve_app

from ipgraph.api.site import example_text
from ipgraph.queries import load_canned_queries
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.base import Store

PROJECT = Path(__file__).resolve().parents[2]
CANNED = load_canned_queries(PROJECT / "queries")
STRUCTURE_QUERIES = (
    "requested_organisations",
    "duties_by_organisation_kind",
    "items_for_audience",
    "items_by_topic",
    "plan_funding",
    "scheduled_activities",
    "target_conditions",
)


@dataclass(frozen=True)
class Service:
    store: Store
    client: httpx.Client


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("structure-api"), query_timeout=10.0, row_limit=1000)
    store = open_store(settings)
    try:
        with serve_app(settings, store) as url, httpx.Client(base_url=url, timeout=60.0) as client:
            yield Service(store, client)
    finally:
        store.close()


def _direct(service: Service, name: str) -> list[dict[str, str]]:
    query = CANNED[name]
    rows = service.store.select(query.text, query.bind({}))
    return [{variable: str(term) for variable, term in row.items()} for row in rows]


@pytest.mark.parametrize("name", STRUCTURE_QUERIES)
def test_each_question_answers_through_sparql_as_the_store_does(service: Service, name: str) -> None:
    response = service.client.post(
        "/sparql",
        data={"query": example_text(CANNED[name])},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    bindings = [
        {variable: value["value"] for variable, value in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]
    assert bindings
    assert sorted(map(sorted, (row.items() for row in bindings))) == sorted(
        map(sorted, (row.items() for row in _direct(service, name)))
    )


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("items_for_audience", {"audience": "ipr:audience-cooperatives"}, "V.10.b"),
        ("items_by_topic", {"topic": "ipr:topic-recognition"}, "III.6.đ"),
    ],
)
def test_a_chosen_audience_or_topic_is_a_typed_parameter(
    service: Service, name: str, params: dict[str, str], expected: str
) -> None:
    response = service.client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    references = [binding["reference"]["value"] for binding in response.json()["results"]["bindings"]]
    assert references == [expected]


def test_a_parameter_that_is_not_an_iri_is_refused_and_names_itself(service: Service) -> None:
    response = service.client.get("/queries/items_by_topic", params={"topic": '"đào tạo"'})
    assert response.status_code == 400
    assert "'topic' expects an IRI" in response.text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_question_page_offers_and_runs_each_question(service: Service, lang: str) -> None:
    page = service.client.get("/query", params={"example": "requested_organisations", "lang": lang})
    assert page.status_code == 200
    for name in STRUCTURE_QUERIES:
        assert CANNED[name].title(lang) in page.text
    answer = service.client.get(
        "/query", params={"query": example_text(CANNED["requested_organisations"]), "lang": lang}
    )
    assert answer.status_code == 200
    assert {"vi": "Báo Thái Bình", "en": "Thai Binh Newspaper"}[lang] in answer.text
