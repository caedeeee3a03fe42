"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``, after the W3C suite (``sparql11/http-rdf-update``).

The suite is a sequence: each request builds on the state the previous ones left, so the sequence runs in one
test per store mode, each step named as in the suite. Further tests cover what the suite leaves out: the token
on writes, the formats, and refusals that must leave the store unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from .conftest import AUTH, Service

PERSON = "http://example.org/persons/"
PERSON_1 = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://example.org/persons/john> a foaf:Person ;
    foaf:businessCard [ a v:VCard ; v:fn "John Doe" ] .
"""
PERSON_1_REPLACED = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://example.org/persons/john> a foaf:Person ;
    foaf:businessCard [ a v:VCard ; v:given-name "John" ; v:family-name "Doe" ; v:fn "John Doe" ] .
"""
PERSON_1_MERGED = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://example.org/persons/john> a foaf:Person ;
    foaf:businessCard [ a v:VCard ; v:given-name "John" ; v:family-name "Doe" ; v:fn "John Doe" ] .
<http://example.org/persons/jane> a foaf:Person ;
    foaf:businessCard [ a v:VCard ; v:fn "Jane Doe" ] .
"""
JANE = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
<http://example.org/persons/jane> a foaf:Person ;
    foaf:businessCard [ a v:VCard ; v:fn "Jane Doe" ] .
"""
ALICE = '<http://example.org/persons/alice> <http://xmlns.com/foaf/0.1/name> "Alice" .\n'
BOB = '<http://example.org/persons/bob> <http://xmlns.com/foaf/0.1/name> "Bob" .\n'
RDF_XML_DOCUMENT = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <foaf:Person rdf:about="http://example.org/persons/john"/>
</rdf:RDF>
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def answer_graph(response: httpx.Response) -> Graph:
    assert response.headers["content-type"].startswith("text/turtle"), response.headers["content-type"]
    return Graph().parse(data=response.content, format="turtle")


@dataclass(frozen=True)
class GraphStoreClient:
    """Requests to one graph by the indirect form ``/store?graph=IRI`` (or ``?default``)."""

    service: Service

    def request(
        self,
        method: str,
        graph: str | None,
        body: str | bytes | None = None,
        content_type: str = "text/turtle",
        *,
        token: bool = True,
        accept: str = "text/turtle",
    ) -> httpx.Response:
        params = {"graph": graph} if graph is not None else {"default": ""}
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = content_type
        if token:
            headers.update(AUTH)
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.service.client.request(method, "/store", params=params, content=data, headers=headers)


@pytest.fixture
def gsp(service: Service) -> GraphStoreClient:
    return GraphStoreClient(service)


def test_w3c_graph_store_sequence(gsp: GraphStoreClient, service: Service) -> None:
    one, two = f"{PERSON}1.ttl", f"{PERSON}2.ttl"

    response = gsp.request("PUT", one, PERSON_1)
    assert response.status_code == 201, "PUT - Initial state"
    assert isomorphic(answer_graph(gsp.request("GET", one)), turtle(PERSON_1)), "GET of PUT - Initial state"

    response = gsp.request("HEAD", one)
    assert response.status_code == 200, "HEAD on an existing graph"
    assert response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")
    assert gsp.request("HEAD", f"{PERSON}4.ttl").status_code == 404, "HEAD on a non-existing graph"

    response = gsp.request("PUT", one, PERSON_1_REPLACED)
    assert response.status_code in (200, 204), "PUT - graph already in store"
    assert isomorphic(answer_graph(gsp.request("GET", one)), turtle(PERSON_1_REPLACED)), "GET of PUT - graph already"

    response = gsp.request("PUT", None, PERSON_1)
    assert response.status_code in (201, 204), "PUT - default graph"
    assert isomorphic(answer_graph(gsp.request("GET", None)), turtle(PERSON_1)), "GET of PUT - default graph"

    response = gsp.request("PUT", one, RDF_XML_DOCUMENT, "text/turtle")
    assert response.status_code == 400, "PUT - mismatched payload"
    assert isomorphic(answer_graph(gsp.request("GET", one)), turtle(PERSON_1_REPLACED)), "unchanged after a 400"

    response = gsp.request("PUT", two, "")
    assert response.status_code == 201, "PUT - empty graph"
    response = gsp.request("GET", two)
    assert response.status_code == 200, "GET of PUT - empty graph"
    assert len(answer_graph(response)) == 0

    response = gsp.request("DELETE", two)
    assert response.status_code in (200, 204), "DELETE - existing graph"
    assert gsp.request("GET", two).status_code == 404, "GET of DELETE - existing graph"
    assert gsp.request("DELETE", f"{PERSON}2.ttl").status_code == 404, "DELETE - non-existent graph"

    response = gsp.request("POST", one, JANE)
    assert response.status_code in (200, 204), "POST - existing graph"
    assert isomorphic(answer_graph(gsp.request("GET", one)), turtle(PERSON_1_MERGED)), "GET of POST - existing graph"

    boundary = "ipgraph-boundary-7d1e"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="alice"; filename="alice.nt"\r\n'
        f"Content-Type: application/n-triples\r\n\r\n{ALICE}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="bob"; filename="bob.ttl"\r\n'
        f"Content-Type: text/turtle\r\n\r\n{BOB}\r\n--{boundary}--\r\n"
    )
    response = gsp.request("POST", one, multipart, f"multipart/form-data; boundary={boundary}")
    assert response.status_code in (200, 204), "POST - multipart/form-data"
    expected = turtle(PERSON_1_MERGED) + Graph().parse(data=ALICE + BOB, format="nt")
    assert isomorphic(answer_graph(gsp.request("GET", one)), expected), "GET of POST - multipart/form-data"

    response = service.client.post("/store", content=JANE.encode(), headers={**AUTH, "Content-Type": "text/turtle"})
    assert response.status_code == 201, "POST - create new graph"
    location = response.headers["location"]
    assert location.startswith(f"{service.url}/store/")
    created = service.client.get(location, headers={"Accept": "text/turtle"})
    assert created.status_code == 200, "GET of POST - create new graph"
    assert isomorphic(answer_graph(created), turtle(JANE))
    assert gsp.request("GET", location).status_code == 200, "the new graph is also reachable by ?graph="

    response = service.client.post(location, content=b"", headers={**AUTH, "Content-Type": "text/turtle"})
    assert response.status_code in (200, 204), "POST - empty graph to existing graph"
    assert isomorphic(answer_graph(service.client.get(location)), turtle(JANE)), "GET of POST - after noop"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "turtle"),
    ],
)
# rdflib's own JSON-LD parser (the test's reader, not the service) warns about its internal ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_get_negotiates_the_format(gsp: GraphStoreClient, accept: str, rdflib_format: str) -> None:
    graph = f"{PERSON}formats"
    assert gsp.request("PUT", graph, PERSON_1).status_code == 201
    response = gsp.request("GET", graph, accept=accept)
    assert response.status_code == 200
    assert "Accept" in response.headers["vary"]
    assert isomorphic(Graph().parse(data=response.content, format=rdflib_format), turtle(PERSON_1))


def test_get_in_an_unoffered_format_is_406(gsp: GraphStoreClient) -> None:
    assert gsp.request("PUT", f"{PERSON}x", PERSON_1).status_code == 201
    response = gsp.request("GET", f"{PERSON}x", accept="image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/n-triples", ALICE),
        ("application/ld+json", '{"@id": "http://example.org/persons/alice", "http://xmlns.com/foaf/0.1/name": "A"}'),
        ("application/rdf+xml", RDF_XML_DOCUMENT),
    ],
)
def test_put_reads_every_triple_format(gsp: GraphStoreClient, content_type: str, body: str) -> None:
    response = gsp.request("PUT", f"{PERSON}in", body, content_type)
    assert response.status_code == 201, response.text
    assert len(answer_graph(gsp.request("GET", f"{PERSON}in"))) == 1


@pytest.mark.parametrize(
    ("method", "status"),
    [("PUT", 401), ("POST", 401), ("DELETE", 401)],
)
def test_writes_without_a_token_change_nothing(gsp: GraphStoreClient, method: str, status: int) -> None:
    graph = f"{PERSON}guarded"
    assert gsp.request("PUT", graph, PERSON_1).status_code == 201
    body = None if method == "DELETE" else JANE
    response = gsp.request(method, graph, body, token=False)
    assert response.status_code == status
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert isomorphic(answer_graph(gsp.request("GET", graph)), turtle(PERSON_1))


def test_writes_with_a_wrong_token_are_forbidden(gsp: GraphStoreClient, service: Service) -> None:
    response = service.client.put(
        "/store",
        params={"graph": f"{PERSON}w"},
        content=PERSON_1.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer not-the-token"},
    )
    assert response.status_code == 403
    assert "not-the-token" not in response.text
    assert gsp.request("GET", f"{PERSON}w").status_code == 404


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"graph": "not an iri"}, "absolute IRI"),
        ({"graph": ["http://a/", "http://b/"]}, "once"),
        ({"graph": "http://a/", "default": ""}, "not both"),
    ],
)
def test_malformed_graph_parameters_are_400(service: Service, params: dict[str, object], fragment: str) -> None:
    response = service.client.get("/store", params=params)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_put_without_content_type_is_415(gsp: GraphStoreClient, service: Service) -> None:
    response = service.client.put("/store", params={"graph": f"{PERSON}n"}, content=ALICE.encode(), headers=AUTH)
    assert response.status_code == 415
    assert gsp.request("GET", f"{PERSON}n").status_code == 404


def test_malformed_turtle_names_the_line(gsp: GraphStoreClient) -> None:
    response = gsp.request("PUT", f"{PERSON}bad", "<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n")
    assert response.status_code == 400
    assert "line 2" in response.json()["detail"]
    assert gsp.request("GET", f"{PERSON}bad").status_code == 404


def test_direct_graph_iri_round_trip(service: Service) -> None:
    response = service.client.put(
        "/store/persons/3", content=PERSON_1.encode(), headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert response.status_code == 201
    assert URIRef(f"{service.url}/store/persons/3") in service.store.graph_names()
    assert isomorphic(answer_graph(service.client.get("/store/persons/3")), turtle(PERSON_1))
    assert service.client.delete("/store/persons/3", headers=AUTH).status_code == 204
    assert service.client.get("/store/persons/3").status_code == 404
