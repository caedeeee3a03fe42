"""Vietnamese in decomposed (NFD) or mixed normalisation is stored and matched as NFC; canned-query parameters
cannot inject SPARQL."""

from __future__ import annotations

import json
import unicodedata

import pytest
from security_support import ADMIN_TOKEN, SecureService, refused

NFC = "Thái Bình, Hà Nội: sở hữu trí tuệ"
NFD = unicodedata.normalize("NFD", NFC)
#: Half composed, half decomposed: what copy-and-paste between editors produces.
MIXED = NFC[:12] + NFD[len(unicodedata.normalize("NFD", NFC[:12])) :]
GRAPH = "https://example.org/graph/vietnamese"


@pytest.fixture(scope="module")
def secure_service(shared_service: SecureService) -> SecureService:
    """One service for the module: each test compares the store only with itself before and after."""
    return shared_service


def test_the_samples_differ_in_bytes() -> None:
    assert NFD != NFC and MIXED != NFC and MIXED != NFD
    assert unicodedata.normalize("NFC", NFD) == NFC == unicodedata.normalize("NFC", MIXED)


def stored_labels(service: SecureService) -> list[str]:
    response = service.query(f"SELECT ?l {{ GRAPH <{GRAPH}> {{ ?s <https://example.org/label> ?l }} }}")
    assert response.status_code == 200, response.text
    return [row["l"]["value"] for row in response.json()["results"]["bindings"]]


@pytest.mark.parametrize(
    ("content_type", "template"),
    [
        ("text/turtle", '<https://example.org/s> <https://example.org/label> "{text}"@vi .'),
        ("application/n-triples", '<https://example.org/s> <https://example.org/label> "{text}"@vi .'),
        (
            "application/ld+json",
            '{{"@id": "https://example.org/s", "https://example.org/label": '
            '{{"@value": "{text}", "@language": "vi"}}}}',
        ),
        (
            "application/rdf+xml",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="https://example.org/"><rdf:Description rdf:about="https://example.org/s">'
            '<ex:label xml:lang="vi">{text}</ex:label></rdf:Description></rdf:RDF>',
        ),
    ],
    ids=["turtle", "n-triples", "json-ld", "rdf-xml"],
)
@pytest.mark.parametrize("form", ["nfd", "mixed"])
def test_graph_store_input_is_stored_as_nfc(
    secure_service: SecureService, content_type: str, template: str, form: str
) -> None:
    text = NFD if form == "nfd" else MIXED
    response = secure_service.put(template.format(text=text), content_type, graph=GRAPH)
    assert response.status_code in (201, 204), response.text
    assert stored_labels(secure_service) == [NFC]
    dumped = "\n".join(secure_service.dump())
    assert NFC in dumped.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") or NFC in dumped


def test_sparql_update_stores_nfc(secure_service: SecureService) -> None:
    response = secure_service.client.post(
        f"{secure_service.url}/sparql",
        content=f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <https://example.org/s> <https://example.org/label> "{NFD}"@vi '
        f"}} }}".encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 204, response.text
    assert stored_labels(secure_service) == [NFC]


@pytest.mark.parametrize("form", ["nfd", "mixed"])
def test_a_decomposed_query_matches_the_composed_data(secure_service: SecureService, form: str) -> None:
    """The seed data holds "Hà Nội"@vi in NFC; a query typed in NFD or mixed form finds it."""
    label = unicodedata.normalize("NFD", "Hà Nội") if form == "nfd" else "Hà " + unicodedata.normalize("NFD", "Nội")
    assert label != "Hà Nội"
    query = f'SELECT ?s {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@vi }}'
    by_post = secure_service.query(query)
    by_get = secure_service.client.get(
        f"{secure_service.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    for response in (by_post, by_get):
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        assert [row["s"]["value"] for row in rows] == ["https://example.org/hanoi"]


INJECTIONS = [
    ("duties_of_agency", "agency", "ipr:org-so-cong-thuong> } UNION { ?s ?p ?o } #"),
    ("duties_of_agency", "agency", "<https://example.org/a> . ?s ?p ?o"),
    ("duties_of_agency", "agency", "https://example.org/x>{?s ?p ?o}<https://e/y"),
    ("duties_of_agency", "agency", 'ipr:a" ; DROP ALL ; "'),
    ("list_targets", "year", "2025 } ; DROP ALL ; #"),
    ("list_targets", "year", "2025) || true || (1"),
    ("list_targets", "year", "2025\n} UNION { ?s ?p ?o"),
    ("tasks_in_section", "section", "p160:III.3>\nDROP ALL"),
]


@pytest.mark.parametrize(("name", "parameter", "value"), INJECTIONS)
def test_canned_query_parameters_cannot_inject_sparql(
    secure_service: SecureService, name: str, parameter: str, value: str
) -> None:
    before = secure_service.dump()
    response = secure_service.client.get(f"{secure_service.url}/queries/{name}", params={parameter: value})
    refused(response, 400, parameter)
    assert secure_service.dump() == before


def test_canned_query_value_is_a_term_not_text(secure_service: SecureService) -> None:
    """A well-formed IRI value is bound as one term: the query keeps its shape and finds nothing in the seed."""
    response = secure_service.client.get(
        f"{secure_service.url}/queries/duties_of_agency",
        params={"agency": "https://example.org/hanoi"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize(
    "params",
    [{"query": "SELECT * { ?s ?p ?o }"}, {"agency": "ipr:a", "extra": "1"}, {"format": "x} UNION {"}],
    ids=["smuggled-query", "unknown-parameter", "bad-format"],
)
def test_canned_query_unknown_parameters_are_refused(secure_service: SecureService, params: dict[str, str]) -> None:
    response = secure_service.client.get(f"{secure_service.url}/queries/duties_of_agency", params=params)
    assert response.status_code in (400, 406)
    problem = refused(response, response.status_code)
    assert json.dumps(problem)
