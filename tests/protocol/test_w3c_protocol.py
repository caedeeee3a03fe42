"""Every test of the W3C SPARQL 1.1 Protocol suite, against the running service in both store modes.

The cases are data (:mod:`w3c_cases`); this module sends each request as written over a real HTTP connection
and checks the status class, the media type of the answer and, where the suite gives one, the answer itself.
A 4xx case must also leave the store as it was.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from ipgraph.formats import parse_media_type

from .conftest import AUTH, Service
from .w3c_cases import CASES, GRAPHS, ProtocolCase, Step

DATA_DIR = Path(__file__).parent / "data"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
SRX = "{http://www.w3.org/2005/sparql-results#}"
FORM_TYPE = "application/x-www-form-urlencoded"


def load_suite_graphs(service: Service) -> None:
    """Store data0 … data3 as the named graphs the suite calls ``dataN.rdf``."""
    blocks = []
    for number, iri in enumerate(GRAPHS):
        triples = (DATA_DIR / f"data{number}.nt").read_text(encoding="utf-8")
        blocks.append(f"GRAPH <{iri}> {{\n{triples}}}")
    service.load("INSERT DATA {\n" + "\n".join(blocks) + "\n}")


def send(service: Service, step: Step) -> httpx.Response:
    """Send one request of a case exactly as the suite writes it (plus the token on writes)."""
    headers = dict(AUTH) if step.write else {}
    if step.content_type is not None:
        headers["Content-Type"] = step.content_type
    return service.client.request(step.method, step.path, content=step.body, headers=headers)


def boolean_of(response: httpx.Response) -> bool:
    """The boolean of a SPARQL JSON or XML results document."""
    media_type, _ = parse_media_type(response.headers.get("content-type"))
    if media_type == "application/sparql-results+json":
        value = json.loads(response.content)["boolean"]
        assert isinstance(value, bool)
        return value
    element = ET.fromstring(response.content).find(f"{SRX}boolean")  # noqa: S314 - our own service's answer
    assert element is not None and element.text is not None
    return element.text.strip() == "true"


def check_response(step: Step, response: httpx.Response) -> None:
    """The status class, media type and answer the suite expects for ``step``."""
    if step.expect == "4xx":
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert json.loads(response.content)["detail"]
        return
    assert 200 <= response.status_code < 400, response.text
    media_type, _ = parse_media_type(response.headers.get("content-type"))
    if step.kind == "boolean":
        assert media_type in BOOLEAN_TYPES
        if step.boolean is not None:
            assert boolean_of(response) is step.boolean
    elif step.kind == "tabular":
        assert media_type in TABULAR_TYPES
    elif step.kind == "rdf":
        assert media_type in RDF_TYPES
        Graph().parse(data=response.content, format=RDF_TYPES[media_type])


def stored_quads(service: Service) -> set[tuple[str, ...]]:
    """Every quad of the store, as strings, to show a refused request changed nothing."""
    rows = service.store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {tuple(str(row[name]) for name in ("g", "s", "p", "o")) for row in rows}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_w3c_protocol_case(service: Service, case: ProtocolCase) -> None:
    load_suite_graphs(service)
    before = stored_quads(service)
    for step in case.steps:
        check_response(step, send(service, step))
    if all(step.expect == "4xx" for step in case.steps):
        assert stored_quads(service) == before


def test_update_base_uri_resolves_against_the_endpoint(service: Service) -> None:
    """update_base_uri: ``<test>`` is resolved against a service-defined base, so it is no longer ``<test>``."""
    case = next(case for case in CASES if case.name == "update_base_uri")
    responses = [send(service, step) for step in case.steps]
    bindings = json.loads(responses[-1].content)["results"]["bindings"]
    assert len(bindings) == 1
    assert bindings[0]["o"]["type"] == "uri"
    # RFC 3986 §5.2: <test> against the endpoint <…/sparql> is <…/test>.
    assert bindings[0]["o"]["value"] == f"{service.url}/test"


def test_syntax_error_names_the_position(service: Service) -> None:
    """bad_query_syntax: the problem says where the parser stopped, in the text and as fields."""
    response = service.client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(\n}"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["title"] == "SPARQL syntax error"
    assert problem["line"] in (3, 4)
    assert isinstance(problem["column"], int)
    assert f"line {problem['line']}, column {problem['column']}" in problem["detail"]


def test_update_syntax_error_names_the_position(service: Service) -> None:
    response = service.client.post(
        "/sparql", content=b"INSERT DATA { <a> <b> }", headers={**AUTH, "Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 400
    problem = response.json()
    # The failing operation is located inside it (at its quad block), not at the start of the request.
    assert (problem["line"], problem["column"]) == (1, 15)
    assert "line 1, column 15" in problem["detail"]


def test_a_bad_second_update_operation_is_located(service: Service) -> None:
    response = service.client.post(
        "/sparql", content=b"CLEAR ALL ;\nCLEAR XYZ", headers={**AUTH, "Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["column"]) == (2, 7)


def test_query_and_update_together_are_refused(service: Service) -> None:
    load_suite_graphs(service)
    before = stored_quads(service)
    response = service.client.post(
        "/sparql", content=b"query=ASK%7B%7D&update=CLEAR%20ALL", headers={**AUTH, "Content-Type": FORM_TYPE}
    )
    assert response.status_code == 400
    assert "not both" in response.json()["detail"]
    assert stored_quads(service) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_naming_get_and_post(service: Service, method: str) -> None:
    """bad_query_method: a 4xx; precisely 405 with an Allow header that lists what the endpoint takes."""
    response = service.client.request(method, "/sparql/?query=ASK%20%7B%7D")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert "GET or POST" in response.json()["detail"]


def test_get_with_a_body_is_refused(service: Service) -> None:
    response = service.client.request("GET", "/sparql?query=ASK%7B%7D", content=b"ASK {}")
    assert response.status_code == 400
    assert "body" in response.json()["detail"]


def test_invalid_utf8_in_a_body_is_refused(service: Service) -> None:
    response = service.client.post(
        "/sparql", content=b'ASK { ?s ?p "\xff" }', headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_query_multiple_dataset_as_literally_written_names_no_stored_graph(service: Service) -> None:
    """The manifest's query_multiple_dataset encodes the ``&`` between its two named graphs, so it names one
    graph whose IRI contains ``&named-graph-uri=``; ipgraph holds no such graph and says so (a 400 naming it)
    rather than answering over an empty dataset."""
    load_suite_graphs(service)
    path = (
        "/sparql/?named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%26named-graph-uri"
        "%3Dhttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    response = service.client.post(path, content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "data1.rdf&named-graph-uri=http://kasei.us" in response.json()["detail"]
