"""The VoID/DCAT description at /.well-known/void and the dumps it lists, checked against the live store."""

from __future__ import annotations

import gzip
from collections import Counter

import httpx
import pyoxigraph
import pytest
from publishing import Service, parse_document
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import DCAT, GRAPH, IPG, VOID


@pytest.fixture(scope="module")
def void(plan_service: Service) -> Graph:
    response = httpx.get(f"{plan_service.url}/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return parse_document(response.content, "text/turtle")


def the_dataset(void: Graph) -> URIRef:
    (dataset,) = [s for s in void.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef) and s.endswith("#dataset")]
    return dataset


@pytest.mark.parametrize("accept", ["application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_the_description_parses_in_every_rdf_format(plan_service: Service, void: Graph, accept: str) -> None:
    response = httpx.get(f"{plan_service.url}/.well-known/void", headers={"Accept": accept})
    assert response.headers["content-type"].startswith(accept)
    assert len(parse_document(response.content, accept)) == len(void)


def test_triple_counts_per_graph_match_the_store(void: Graph, plan_store: EmbeddedStore) -> None:
    dataset = the_dataset(void)
    subsets = set(void.objects(dataset, VOID.subset))
    assert subsets == set(plan_store.graph_names())
    for graph in plan_store.graph_names():
        assert void.value(graph, VOID.triples) == Literal(plan_store.triple_count(graph)), graph
    assert void.value(dataset, VOID.triples) == Literal(plan_store.triple_count())


def test_titles_descriptions_licence_and_publisher(void: Graph) -> None:
    dataset = the_dataset(void)
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {value.language for value in void.objects(dataset, prop) if isinstance(value, Literal)} == {"vi", "en"}
    assert void.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    publisher = void.value(dataset, DCTERMS.publisher)
    assert publisher is not None and (publisher, None, None) in void


def test_endpoint_vocabularies_and_examples(plan_service: Service, void: Graph) -> None:
    dataset = the_dataset(void)
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{plan_service.url}/sparql")
    vocabularies = set(void.objects(dataset, VOID.vocabulary))
    assert {URIRef(str(IPG)), URIRef("http://www.w3.org/ns/prov#"), URIRef("http://data.europa.eu/eli/ontology#")} <= (
        vocabularies
    )
    examples = list(void.objects(dataset, VOID.exampleResource))
    assert examples
    for example in examples:
        path = str(example).removeprefix("https://w3id.org/ipgraph/")
        assert httpx.get(f"{plan_service.url}/{path}").status_code == 303, example


def test_the_catalogue_lists_the_dataset_and_the_sparql_service(plan_service: Service, void: Graph) -> None:
    (catalogue,) = void.subjects(RDF.type, DCAT.Catalog)
    assert void.value(catalogue, DCAT.dataset) == the_dataset(void)
    service = void.value(catalogue, DCAT.service)
    assert void.value(service, DCAT.endpointURL) == URIRef(f"{plan_service.url}/sparql")


def test_every_graph_and_the_dataset_list_their_dumps(plan_service: Service, void: Graph) -> None:
    dataset = the_dataset(void)
    expected = {f"{plan_service.url}/dumps/all{ext}{gz}" for ext in (".nq", ".trig") for gz in ("", ".gz")}
    assert {str(url) for url in void.objects(dataset, VOID.dataDump)} == expected
    for graph in void.objects(dataset, VOID.subset):
        name = str(graph).removeprefix(str(GRAPH))
        expected = {
            f"{plan_service.url}/dumps/{name}{ext}{gz}" for ext in (".ttl", ".nq", ".trig") for gz in ("", ".gz")
        }
        assert {str(url) for url in void.objects(graph, VOID.dataDump)} == expected


def test_listed_dumps_download_with_their_media_types(plan_service: Service, void: Graph) -> None:
    """Every distribution of the plan graph and of the whole dataset (the others differ only in their name)."""
    checked = 0
    for distribution in void.subjects(RDF.type, DCAT.Distribution):
        url = str(void.value(distribution, DCAT.downloadURL))
        if not url.startswith((f"{plan_service.url}/dumps/plan.", f"{plan_service.url}/dumps/all.")):
            continue
        expected = str(void.value(distribution, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        response = httpx.get(url)
        assert response.status_code == 200, url
        gzipped = void.value(distribution, DCAT.compressFormat) is not None
        assert response.headers["content-type"].startswith("application/gzip" if gzipped else expected), url
        checked += 1
    assert checked == 10


@pytest.mark.parametrize("name", ["plan", "organisations", "ontology"])
def test_a_graph_dump_holds_exactly_that_graph(plan_service: Service, plan_store: EmbeddedStore, name: str) -> None:
    response = httpx.get(f"{plan_service.url}/dumps/{name}.ttl")
    assert response.status_code == 200
    assert f'filename="{name}.ttl"' in response.headers["content-disposition"]
    graph = Graph().parse(data=response.content, format="turtle")
    assert len(graph) == plan_store.triple_count(GRAPH[name])


def test_the_whole_dataset_dumps_as_nquads_and_trig_keeping_graph_names(
    plan_service: Service, plan_store: EmbeddedStore
) -> None:
    for extension, oxigraph_format in ((".nq", pyoxigraph.RdfFormat.N_QUADS), (".trig", pyoxigraph.RdfFormat.TRIG)):
        response = httpx.get(f"{plan_service.url}/dumps/all{extension}.gz")
        assert response.headers["content-type"] == "application/gzip"
        quads = pyoxigraph.parse(gzip.decompress(response.content), format=oxigraph_format)
        counts = Counter(quad.graph_name.value for quad in quads)
        assert counts == {str(graph): plan_store.triple_count(graph) for graph in plan_store.graph_names()}, extension


def test_gzip_holds_the_same_bytes(plan_service: Service) -> None:
    plain = httpx.get(f"{plan_service.url}/dumps/plan.nq").content
    assert gzip.decompress(httpx.get(f"{plan_service.url}/dumps/plan.nq.gz").content) == plain


def test_dumps_answer_conditional_requests(plan_service: Service) -> None:
    url = f"{plan_service.url}/dumps/plan.trig.gz"
    first = httpx.get(url)
    assert httpx.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304


@pytest.mark.parametrize("path", ["nothing.ttl", "plan.csv", "all.ttl", "reports/none/2024/v1.nq"])
def test_unknown_dumps_are_404_problem_details(plan_service: Service, path: str) -> None:
    response = httpx.get(f"{plan_service.url}/dumps/{path}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]


def test_an_unknown_format_name_is_400_naming_the_parameter(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/.well-known/void", params={"format": "yaml"})
    assert response.status_code == 400
    assert "format='yaml'" in response.json()["detail"]
    assert "turtle" in response.json()["detail"]


def test_the_description_answers_conditional_requests(plan_service: Service) -> None:
    url = f"{plan_service.url}/.well-known/void"
    first = httpx.get(url, headers={"Accept": "text/turtle"})
    again = httpx.get(url, headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_the_html_page_lists_every_graph_and_is_linked_from_home(
    plan_service: Service, plan_store: EmbeddedStore
) -> None:
    assert 'href="/.well-known/void"' in httpx.get(f"{plan_service.url}/").text
    page = httpx.get(f"{plan_service.url}/.well-known/void", headers={"Accept": "text/html"}).text
    for graph in plan_store.graph_names():
        name = str(graph).removeprefix(str(GRAPH))
        assert f'href="/dumps/{name}.ttl"' in page
        assert f"<td>{plan_store.triple_count(graph)}</td>" in page
    assert httpx.get(f"{plan_service.url}/dumps/").text.count("/dumps/plan.nq") >= 1
