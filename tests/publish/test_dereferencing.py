"""Dereferencing published IRIs through the running service: 303 for things, content negotiation for documents,
validators and conditional GET (W3C "Cool URIs for the Semantic Web"; RFC 9110 §13)."""

from __future__ import annotations

import httpx
import pytest
from publishing import Service, parse_document
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import GRAPH, IPR, P160, VOID

ORGANISATION = "id/org-so-tai-chinh"
DUTY = "id/plan-160-kh-ubnd-2021/duty-V.6"

DOCUMENT_TYPES = [
    ("text/html", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
]
EXTENSIONS = [
    (".html", "text/html"),
    (".ttl", "text/turtle"),
    (".jsonld", "application/ld+json"),
    (".rdf", "application/rdf+xml"),
    (".nt", "application/n-triples"),
]
RDF_TYPES = {"text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"}


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "*/*"])
def test_a_thing_redirects_to_its_document_with_303(plan_service: Service, accept: str) -> None:
    response = httpx.get(f"{plan_service.url}/{ORGANISATION}", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{ORGANISATION}"
    assert "Accept" in response.headers["vary"]


def test_a_named_graph_redirects_to_its_document(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/graph/plan")
    assert response.status_code == 303
    assert response.headers["location"] == "/doc/graph/plan"


def test_an_unknown_thing_is_404_as_html_for_browsers_and_problem_details_for_programs(
    plan_service: Service,
) -> None:
    page = httpx.get(f"{plan_service.url}/id/org-nobody", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert media_type(page) == "text/html"
    assert "https://w3id.org/ipgraph/id/org-nobody" in page.text
    text = httpx.get(f"{plan_service.url}/id/org-nobody", headers={"Accept": "text/turtle"})
    assert text.status_code == 404
    assert media_type(text) == "application/problem+json"
    assert "https://w3id.org/ipgraph/id/org-nobody" in text.json()["detail"]


@pytest.mark.parametrize(("accept", "expected"), DOCUMENT_TYPES)
def test_the_document_is_negotiated_by_accept(plan_service: Service, accept: str, expected: str) -> None:
    response = httpx.get(f"{plan_service.url}/doc/{DUTY}", headers={"Accept": accept})
    assert response.status_code == 200
    assert media_type(response) == expected
    assert "Accept" in response.headers["vary"]
    if expected in RDF_TYPES:
        graph = parse_document(response.content, expected)
        assert (P160["duty-V.6"], RDFS.label, Literal("Duty V.6", lang="en")) in graph


@pytest.mark.parametrize(("extension", "expected"), EXTENSIONS)
def test_an_extension_names_the_format_whatever_accept_says(
    plan_service: Service, extension: str, expected: str
) -> None:
    response = httpx.get(f"{plan_service.url}/doc/{DUTY}{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert media_type(response) == expected
    assert response.headers["content-location"] == f"/doc/{DUTY}{extension}"


def test_an_unacceptable_type_is_406_listing_what_is_offered(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/doc/{DUTY}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert media_type(response) == "application/problem+json"
    assert "text/turtle" in response.json()["detail"]


def test_documents_link_their_alternates(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/doc/{DUTY}", headers={"Accept": "text/turtle"})
    link = response.headers["link"]
    for extension in (".ttl", ".jsonld", ".rdf", ".nt"):
        assert f'</doc/{DUTY}{extension}>; rel="alternate"' in link


def test_etag_and_if_none_match_give_304(plan_service: Service) -> None:
    url = f"{plan_service.url}/doc/{DUTY}.ttl"
    first = httpx.get(url)
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    again = httpx.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    changed = httpx.get(url, headers={"If-None-Match": 'W/"something-else"'})
    assert changed.status_code == 200


def test_if_modified_since_gives_304(plan_service: Service) -> None:
    url = f"{plan_service.url}/doc/{DUTY}.ttl"
    last_modified = httpx.get(url).headers["last-modified"]
    assert httpx.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_representations_have_distinct_etags(plan_service: Service) -> None:
    tags = {httpx.get(f"{plan_service.url}/doc/{DUTY}{ext}").headers["etag"] for ext, _ in EXTENSIONS}
    assert len(tags) == len(EXTENSIONS)


def test_rdflib_dereferences_a_published_iri_through_the_service(
    plan_service: Service, plan_store: EmbeddedStore
) -> None:
    """The service maps its /id/ paths to the published base (https://w3id.org/ipgraph/), so following the
    303 gives the description of the canonical IRI, with labels of everything it names."""
    graph = Graph().parse(f"{plan_service.url}/{ORGANISATION}")
    organisation = IPR["org-so-tai-chinh"]
    assert (organisation, RDFS.label, Literal("Sở Tài chính", lang="vi")) in graph
    expected = plan_store.construct("CONSTRUCT { ?org ?p ?o } WHERE { GRAPH ?g { ?org ?p ?o } }", {"org": organisation})
    assert set(expected) <= set(graph)
    # Incoming links: the duties it leads point to it through their qualified associations.
    duty_labels = {o for o in graph.objects(P160["duty-V.6"], RDFS.label)}
    assert Literal("Duty V.6", lang="en") in duty_labels


def test_rdflib_dereferences_iris_minted_under_the_services_own_url(own_base_service: Service) -> None:
    """Published under its own URL, every IRI in the store is an address of this service."""
    iri = f"{own_base_service.url}/id/plan-160-kh-ubnd-2021/duty-V.6"
    graph = Graph().parse(iri)
    assert (URIRef(iri), RDFS.label, Literal("Duty V.6", lang="en")) in graph
    lead = URIRef(f"{own_base_service.url}/id/org-so-tai-chinh")
    assert lead in set(graph.objects())
    # ... and the IRIs it points to answer too.
    assert (lead, RDFS.label, Literal("Sở Tài chính", lang="vi")) in Graph().parse(str(lead))


def test_a_graph_document_gives_its_size_and_dumps(plan_service: Service, plan_store: EmbeddedStore) -> None:
    response = httpx.get(f"{plan_service.url}/doc/graph/plan.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    plan = GRAPH["plan"]
    assert graph.value(plan, VOID.triples) == Literal(plan_store.triple_count(plan))
    assert URIRef(f"{plan_service.url}/dumps/plan.ttl") in set(graph.objects(plan, VOID.dataDump))
