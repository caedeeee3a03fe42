"""Standard SPARQL clients against the running service: SPARQLWrapper and rdflib's SPARQLStore.

For every canned question CQ1–CQ19 (the files of ``queries/``), each client sends the query, its parameters
bound to their defaults by a VALUES block, to ``/sparql`` and must get the same answer as the same query run
directly on the store behind the service. Both store modes; the store holds the project's graphs, loaded as on
a first start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import Identifier
from servers import run_oxigraph, serve_app
from SPARQLWrapper import JSON, SPARQLWrapper

from ipgraph.queries import CannedQuery, load_canned_queries
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.base import Store
from ipgraph.store.sparql_text import bind_values

from .conftest import STORE_MODES, Service, make_settings

PROJECT = Path(__file__).resolve().parents[2]
CANNED = load_canned_queries(PROJECT / "queries")
QUESTION = re.compile(r"\bCQ(\d+)\b")
#: The canned queries answering CQ1–CQ19, by name.
QUESTIONS = sorted(
    name
    for name, query in CANNED.items()
    if any(1 <= int(number) <= 19 for number in QUESTION.findall(query.description("en")))
)


@pytest.fixture(scope="module", params=STORE_MODES)
def plan_service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service on a store holding the project's graphs (first-start load), in each store mode.

    Remote mode runs on an ``oxigraph serve`` of this module's own: the session's shared server is emptied by
    other tests, in whatever order they run, while this fixture's data must stay.
    """
    directory = tmp_path_factory.mktemp(f"clients-{request.param}")
    with ExitStack() as stack:
        settings: Settings = make_settings(directory)
        if request.param == "remote":
            server = stack.enter_context(run_oxigraph(directory / "oxigraph"))
            settings = make_settings(
                directory,
                store_mode="remote",
                remote_query_url=server.query_url,
                remote_update_url=server.update_url,
                remote_store_url=server.store_url,
            )
        store = open_store(settings)
        stack.callback(store.close)
        url = stack.enter_context(serve_app(settings, store))
        client = stack.enter_context(httpx.Client(base_url=url, timeout=60.0))
        yield Service(url, request.param, store, settings, client)


def bound(query: CannedQuery) -> tuple[str, Mapping[str, Identifier]]:
    """The query text with its parameters' defaults bound (as a VALUES block), and the bindings."""
    bindings = query.bind({})
    return bind_values(query.text, bindings), bindings


def canonical(rows: list[dict[str, Identifier]], ordered: bool) -> list[tuple[tuple[str, str], ...]]:
    """Rows as comparable tuples (blank nodes compared as blank nodes only: labels are per answer)."""
    result = [
        tuple(sorted((name, "_:b" if isinstance(term, BNode) else term.n3()) for name, term in row.items()))
        for row in rows
    ]
    return result if ordered else sorted(result)


def expected_rows(store: Store, query: CannedQuery) -> list[dict[str, Identifier]]:
    return store.select(query.text, query.bind({}))


def test_every_question_has_a_canned_query() -> None:
    answered = {int(n) for query in CANNED.values() for n in QUESTION.findall(query.description("en"))}
    assert set(range(1, 20)) <= answered


@pytest.mark.parametrize("name", QUESTIONS)
def test_sparqlwrapper_gets_the_stores_answer(plan_service: Service, name: str) -> None:
    query = CANNED[name]
    text, _ = bound(query)
    client = SPARQLWrapper(f"{plan_service.url}/sparql")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    if query.form == "ASK":
        assert client.query().convert()["boolean"] == plan_service.store.ask(query.text, query.bind({}))
        return
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        pytest.fail(f"{name}: the canned questions are SELECT or ASK queries")
    document = client.query().convert()
    rows = [
        {variable: _json_term(value) for variable, value in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    ordered = "ORDER BY" in query.text.upper()
    expected = expected_rows(plan_service.store, query)
    assert expected, f"{name} answers nothing; the comparison would prove little"
    assert canonical(rows, ordered) == canonical(expected, ordered)


@pytest.mark.parametrize("name", QUESTIONS)
def test_rdflib_sparqlstore_gets_the_stores_answer(plan_service: Service, name: str) -> None:
    query = CANNED[name]
    text, _ = bound(query)
    graph = Graph(store=SPARQLStore(query_endpoint=f"{plan_service.url}/sparql", returnFormat="xml"))
    result = graph.query(text)
    if query.form == "ASK":
        assert result.askAnswer == plan_service.store.ask(query.text, query.bind({}))
        return
    rows = [
        {str(variable): term for variable, term in zip(result.vars or [], row, strict=True) if term is not None}
        for row in result
    ]
    ordered = "ORDER BY" in query.text.upper()
    assert canonical(rows, ordered) == canonical(expected_rows(plan_service.store, query), ordered)


def _json_term(value: Mapping[str, str]) -> Identifier:
    """A SPARQL JSON term as an rdflib term (SPARQLWrapper hands back the JSON as it came)."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None)
