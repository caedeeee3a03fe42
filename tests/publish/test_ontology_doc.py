"""The ontology at its IRI: HTML documentation generated from ontology/*.ttl, content-negotiated with its RDF."""

from __future__ import annotations

import re

import httpx
import pytest
from publishing import PROJECT, Service, parse_document
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ipgraph.vocab import IPG

ONTOLOGY = URIRef("https://w3id.org/ipgraph/def")


@pytest.fixture(scope="module")
def ontology_files() -> Graph:
    graph = Graph()
    for path in sorted((PROJECT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def minted(graph: Graph, kind: URIRef) -> set[str]:
    return {str(s)[len(str(IPG)) :] for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(IPG))}


def test_browsers_get_documentation_of_every_minted_term(plan_service: Service, ontology_files: Graph) -> None:
    response = httpx.get(f"{plan_service.url}/def", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    anchors = set(re.findall(r'<div class="ontology-term" id="([^"]+)"', response.text))
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        expected = minted(ontology_files, kind)
        assert expected
        assert expected <= anchors, expected - anchors


def test_a_term_shows_both_labels_its_comment_and_why_it_is_new(plan_service: Service) -> None:
    page = httpx.get(f"{plan_service.url}/def?lang=en").text
    section = page[page.index('id="Plan"') :]
    section = section[: section.index('class="ontology-term"', 10)]
    assert 'lang="vi">Kế hoạch</dd>' in section
    assert 'lang="en">Plan</dd>' in section
    assert "An administrative plan (kế hoạch)" in section
    assert "New because ELI has no class for an implementing plan" in section
    assert 'href="http://data.europa.eu/eli/ontology#LegalResource"' in section


@pytest.mark.parametrize(
    ("accept", "path"),
    [("text/turtle", "/def"), ("application/ld+json", "/def"), ("*/*", "/def.ttl"), ("text/html", "/def.nt")],
)
def test_programs_get_the_ontology_graph(plan_service: Service, ontology_files: Graph, accept: str, path: str) -> None:
    response = httpx.get(f"{plan_service.url}{path}", headers={"Accept": accept})
    assert response.status_code == 200
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type != "text/html"
    graph = parse_document(response.content, media_type)
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert len(graph) == len(ontology_files)


def test_the_ontology_answers_conditional_requests(plan_service: Service) -> None:
    first = httpx.get(f"{plan_service.url}/def.ttl")
    assert httpx.get(f"{plan_service.url}/def.ttl", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_terms_on_resource_pages_link_to_their_documentation(plan_service: Service) -> None:
    page = httpx.get(f"{plan_service.url}/doc/id/plan-160-kh-ubnd-2021/duty-V.6", headers={"Accept": "text/html"}).text
    assert 'href="/def#Duty"' in page
