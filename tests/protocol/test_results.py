"""Result formats, content negotiation, ``?format=``, the row cap, the Service Description and CORS on ``/sparql``.

SPARQL 1.1 Protocol §2.1.6 leaves the format to HTTP content negotiation (RFC 9110 §12.5.1): the tests send
q-values, wildcards and combined headers naming both result and graph formats, and check the media type chosen
and that the body really is in it (parsed back with rdflib or the csv module).
"""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.query import Result

from ipgraph.formats import parse_media_type
from ipgraph.vocab import SD

from .conftest import Service

EX = "http://example.org/"
SELECT = f"SELECT ?s ?name WHERE {{ ?s <{EX}name> ?name }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}label> ?name }} WHERE {{ ?s <{EX}name> ?name }}"
PEOPLE = f"""INSERT DATA {{ GRAPH <{EX}people> {{
  <{EX}an> <{EX}name> "Nguyễn Văn An"@vi .
  <{EX}binh> <{EX}name> "Bình, \\"quoted\\"\\ttab" .
}} }}"""


@pytest.fixture
def people(service: Service) -> Service:
    service.load(PEOPLE)
    return service


def query(service: Service, text: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return service.client.get("/sparql", params={"query": text, **params}, headers=headers)


def media_type(response: httpx.Response) -> str:
    return parse_media_type(response.headers.get("content-type"))[0]


def names_from_results(response: httpx.Response) -> list[str]:
    """The ?name column of a SELECT answer, read back from whichever format it came in."""
    kind = media_type(response)
    if kind == "text/csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
        return [row["name"] for row in rows]
    if kind == "text/tab-separated-values":
        lines = response.content.decode("utf-8").splitlines()
        assert lines[0] == "?s\t?name"
        parsed = Result.parse(io.BytesIO(response.content), format="tsv")
    else:
        parsed = Result.parse(io.BytesIO(response.content), format="json" if kind.endswith("json") else "xml")
    return [str(row[Variable("name")]) for row in parsed.bindings]


@pytest.mark.parametrize(
    "accept",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_select_in_every_results_format(people: Service, accept: str) -> None:
    response = query(people, SELECT, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    assert "charset=utf-8" in response.headers["content-type"]
    assert names_from_results(response) == ["Nguyễn Văn An", 'Bình, "quoted"\ttab']


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_json_and_xml(people: Service, accept: str) -> None:
    response = query(people, f"ASK {{ <{EX}an> ?p ?o }}", accept)
    assert response.status_code == 200
    assert media_type(response) == accept
    assert Result.parse(io.BytesIO(response.content), format="json" if "json" in accept else "xml").askAnswer is True


GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


# rdflib's own JSON-LD parser (the test's reader, not the service) warns about its internal ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize("accept", list(GRAPH_FORMATS))
def test_construct_in_every_rdf_format(people: Service, accept: str) -> None:
    response = query(people, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    parsed = Dataset()
    parsed.parse(data=response.content, format=GRAPH_FORMATS[accept])
    labels = {str(o) for _, _, o, _ in parsed.quads((None, URIRef(f"{EX}label"), None, None))}
    assert labels == {"Nguyễn Văn An", 'Bình, "quoted"\ttab'}


def test_describe_answers_a_graph(people: Service) -> None:
    response = query(people, f"DESCRIBE <{EX}an>", "application/n-triples")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="nt")
    assert (URIRef(f"{EX}an"), URIRef(f"{EX}name"), Literal("Nguyễn Văn An", lang="vi")) in graph


@pytest.mark.parametrize(
    ("accept", "select_type", "construct_type"),
    [
        (None, "application/sparql-results+json", "text/turtle"),
        ("*/*", "application/sparql-results+json", "text/turtle"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", None),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml", "text/turtle"),
        ("text/*;q=0.8, text/csv", "text/csv", "text/turtle"),
        (
            "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5",
            "application/sparql-results+json",
            "application/n-triples",
        ),
        ("application/json", "application/sparql-results+json", "application/ld+json"),
        (
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
            "application/sparql-results+xml",
            "application/rdf+xml",
        ),
    ],
)
def test_negotiation_honours_q_values_and_combined_headers(
    people: Service, accept: str | None, select_type: str, construct_type: str | None
) -> None:
    assert media_type(query(people, SELECT, accept)) == select_type
    answer = query(people, CONSTRUCT, accept)
    if construct_type is None:
        assert answer.status_code == 406
    else:
        assert media_type(answer) == construct_type
        assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")],
)
def test_format_parameter_wins_over_accept(people: Service, name: str, expected: str) -> None:
    response = query(people, SELECT, "application/sparql-results+json", format=name)
    assert response.status_code == 200
    assert media_type(response) == expected


def test_format_parameter_for_graphs(people: Service) -> None:
    assert media_type(query(people, CONSTRUCT, None, format="nt")) == "application/n-triples"
    assert media_type(query(people, CONSTRUCT, None, format="jsonld")) == "application/ld+json"


def test_an_unknown_format_name_gives_way_to_accept(people: Service) -> None:
    """Clients send format names of their own (SPARQLWrapper: ``n3``, ``rdf+xml``): ``Accept`` decides then."""
    response = query(people, SELECT, "text/csv", format="yaml")
    assert response.status_code == 200 and media_type(response) == "text/csv"


def test_an_unknown_format_name_without_accept_is_400(people: Service) -> None:
    response = query(people, SELECT, "", format="yaml")
    assert response.status_code == 400
    assert "csv" in response.json()["detail"]


@pytest.mark.parametrize(("text", "offered"), [(SELECT, "text/csv"), (CONSTRUCT, "text/turtle")])
def test_nothing_acceptable_is_406(people: Service, text: str, offered: str) -> None:
    response = query(people, text, "image/png, text/html;q=0.9")
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("application/problem+json")
    assert offered in response.json()["detail"]


def test_row_cap_says_it_cut_the_result(service: Service) -> None:
    cap = service.settings.row_limit
    triples = "\n".join(f"<{EX}item/{n}> <{EX}rank> {n} ." for n in range(cap + 5))
    service.load(f"INSERT DATA {{ GRAPH <{EX}items> {{\n{triples}\n}} }}")
    response = query(service, f"SELECT ?item WHERE {{ ?item <{EX}rank> ?rank }}")
    assert response.headers["x-ipgraph-truncated"] == "true"
    document = response.json()
    assert len(document["results"]["bindings"]) == cap
    assert document["truncated"] is True
    csv_response = query(service, f"SELECT ?item WHERE {{ ?item <{EX}rank> ?rank }}", "text/csv")
    assert csv_response.headers["x-ipgraph-truncated"] == "true"
    assert len(csv_response.content.decode().strip().splitlines()) == cap + 1
    small = query(service, f"SELECT ?item WHERE {{ ?item <{EX}rank> ?rank }} LIMIT 10")
    assert "x-ipgraph-truncated" not in small.headers
    assert "truncated" not in small.json()


def test_service_description(people: Service) -> None:
    response = people.client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert media_type(response) == "text/turtle"
    description = Graph().parse(data=response.content, format="turtle")
    service = description.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert description.value(service, SD.endpoint) == URIRef(f"{people.url}/sparql")
    languages = set(description.objects(service, SD.supportedLanguage))
    assert {SD.SPARQL11Query, SD.SPARQL11Update} <= languages
    formats = {str(o) for o in description.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    names = set(description.objects(None, SD.name))
    assert URIRef(f"{EX}people") in names
    xml = people.client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert media_type(xml) == "application/rdf+xml"
    assert len(Graph().parse(data=xml.content, format="xml")) == len(description)


def test_cors_preflight_and_simple_requests(people: Service) -> None:
    preflight = people.client.options(
        "/sparql",
        headers={
            "Origin": "https://researcher.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://researcher.example")
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed_headers = preflight.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed_headers and "authorization" in allowed_headers
    answer = people.client.get("/sparql", params={"query": SELECT}, headers={"Origin": "https://researcher.example"})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] in ("*", "https://researcher.example")
    assert "x-ipgraph-truncated" in answer.headers["access-control-expose-headers"].lower()
    store_preflight = people.client.options(
        "/store",
        headers={"Origin": "https://researcher.example", "Access-Control-Request-Method": "PUT"},
    )
    assert store_preflight.status_code == 200
    assert "PUT" in store_preflight.headers["access-control-allow-methods"]


def test_problem_details_are_json(people: Service) -> None:
    response = query(people, "SELECT ?x WHERE { ?x ?y }")
    assert response.status_code == 400
    problem = json.loads(response.content)
    assert set(problem) >= {"type", "title", "status", "detail"}
    assert problem["status"] == 400


def test_row_cap_cuts_graph_answers_too(service: Service) -> None:
    cap = service.settings.row_limit
    triples = "\n".join(f"<{EX}item/{n}> <{EX}rank> {n} ." for n in range(cap + 5))
    service.load(f"INSERT DATA {{ GRAPH <{EX}items> {{\n{triples}\n}} }}")
    response = query(
        service, f"CONSTRUCT {{ ?item <{EX}rank> ?rank }} WHERE {{ ?item <{EX}rank> ?rank }}", "application/n-triples"
    )
    assert response.headers["x-ipgraph-truncated"] == "true"
    assert len(Graph().parse(data=response.content, format="nt")) == cap


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_in_csv_or_tsv_is_not_acceptable(people: Service, accept: str) -> None:
    """SPARQL 1.1 defines CSV and TSV results for SELECT only: a bare ``true`` reads as an empty SELECT to
    rdflib (silently false), so an ASK asked for in them gets 406 naming the formats an ASK comes in."""
    response = query(people, f"ASK {{ <{EX}nobody> ?p ?o }}", accept)
    assert response.status_code == 406, response.text
    detail = response.json()["detail"]
    assert "application/sparql-results+json" in detail and "application/sparql-results+xml" in detail
    by_name = query(people, f"ASK {{ <{EX}nobody> ?p ?o }}", None, format={"text/csv": "csv"}.get(accept, "tsv"))
    assert by_name.status_code == 406, by_name.text
    preferred = query(people, f"ASK {{ <{EX}nobody> ?p ?o }}", f"{accept}, application/sparql-results+json;q=0.5")
    assert preferred.status_code == 200 and preferred.json()["boolean"] is False
