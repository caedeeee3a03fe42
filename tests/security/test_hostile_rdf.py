"""Hostile and broken RDF sent to the Graph Store (`/store`) and, for parser errors, to every other door RDF comes in
by (`/reports/validate`, `POST /reports`, the form): every case is a clear 4xx naming the problem (a parser error
its line and column), and the store's N-Quads dump is the same before and after."""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest
from rdflib import URIRef
from security_support import ADMIN_TOKEN, MAX_BODY_BYTES, SecureService, Trap, refused

from ipgraph.reports.tokens import TokenRegistry

TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
N_TRIPLES = "application/n-triples"


@pytest.fixture(scope="module")
def secure_service(shared_service: SecureService) -> SecureService:
    """One service for the module: each test compares the store only with itself before and after."""
    return shared_service


@pytest.mark.parametrize(
    ("content_type", "body", "words"),
    [
        (TURTLE, '@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open string .\n', ["line 3"]),
        (TURTLE, "@prefix ex: <https://example.org/> .\nex:a ex:b .\n", ["line 2"]),
        (TURTLE, "ex:a ex:b ex:c .\n", ["turtle"]),
        (JSON_LD, '{"@id": "https://example.org/a", "https://example.org/p": [1, 2,}', ["json", "line 1"]),
        (
            RDF_XML,
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>\n',
            ["line 3"],
        ),
        (
            N_TRIPLES,
            "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
            "<https://example.org/a> <https://example.org/b> broken .\n",
            ["line 2"],
        ),
    ],
    ids=[
        "turtle-unterminated-string",
        "turtle-missing-object",
        "turtle-unknown-prefix",
        "jsonld-bad-json",
        "rdfxml-unclosed",
        "ntriples-bad-object",
    ],
)
def test_malformed_rdf_is_refused_with_its_position(
    secure_service: SecureService, content_type: str, body: str, words: list[str]
) -> None:
    before = secure_service.dump()
    refused(secure_service.put(body, content_type), 400, *words)
    assert secure_service.dump() == before


def test_missing_content_type_is_415(secure_service: SecureService) -> None:
    before = secure_service.dump()
    refused(secure_service.put("<https://example.org/a> <https://example.org/b> 1 .", None), 415, "content-type")
    assert secure_service.dump() == before


@pytest.mark.parametrize("content_type", ["text/plain", "image/png", "application/octet-stream", "garbage"])
def test_wrong_content_type_is_415(secure_service: SecureService, content_type: str) -> None:
    before = secure_service.dump()
    response = secure_service.put("<https://example.org/a> <https://example.org/b> 1 .", content_type)
    assert response.status_code in (400, 415)
    refused(response, response.status_code, "text/turtle")
    assert secure_service.dump() == before


def test_declared_charset_other_than_utf8_is_refused(secure_service: SecureService) -> None:
    before = secure_service.dump()
    body = '<https://example.org/a> <https://example.org/b> "Thái Bình" .\n'.encode("latin-1", errors="replace")
    refused(secure_service.put(body, "text/turtle; charset=iso-8859-1"), 400, "charset", "utf-8")
    assert secure_service.dump() == before


def test_bytes_that_are_not_utf8_are_refused(secure_service: SecureService) -> None:
    before = secure_service.dump()
    body = b'<https://example.org/a> <https://example.org/b> "Th\xe1i B\xecnh" .\n'
    refused(secure_service.put(body, "text/turtle"), 400, "utf-8", "line 1")
    assert secure_service.dump() == before


@pytest.mark.parametrize("content_type", [TURTLE, JSON_LD, RDF_XML, N_TRIPLES])
def test_empty_body_stores_nothing(secure_service: SecureService, content_type: str) -> None:
    before = secure_service.dump()
    response = secure_service.put(b"", content_type)
    if content_type in (TURTLE, N_TRIPLES):
        # An empty Turtle or N-Triples document is a valid, empty graph: the PUT succeeds and adds no quad.
        assert response.status_code in (201, 204), response.text
    else:
        refused(response, 400, "line 1" if content_type == JSON_LD else "rdf/xml")
    assert secure_service.dump() == before


XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/a"><ex:p>&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_xml_external_entity_is_refused_without_fetching(secure_service: SecureService, trap: Trap) -> None:
    before = secure_service.dump()
    refused(secure_service.put(XXE, RDF_XML), 400, "doctype")
    remote = XXE.replace("file:///etc/passwd", trap.url)
    refused(secure_service.put(remote, RDF_XML), 400, "doctype")
    assert trap.connections == 0
    assert secure_service.dump() == before


def test_billion_laughs_is_refused(secure_service: SecureService) -> None:
    before = secure_service.dump()
    refused(secure_service.put(BILLION_LAUGHS, RDF_XML), 400, "doctype", "line 2")
    assert secure_service.dump() == before


def test_deeply_nested_json_ld_is_refused(secure_service: SecureService) -> None:
    before = secure_service.dump()
    depth = 100_000
    body = '{"@id": "https://example.org/a", "https://example.org/p": ' + "[" * depth + "1" + "]" * depth + "}"
    refused(secure_service.put(body, JSON_LD), 400, "nested deeper")
    moderate = {"@id": "https://example.org/a"}
    node = moderate
    for level in range(80):
        child = {"@id": f"https://example.org/n{level}"}
        node["https://example.org/p"] = child
        node = child
    refused(secure_service.put(json.dumps(moderate), JSON_LD), 400, "nested deeper")
    assert secure_service.dump() == before


@pytest.mark.parametrize("where", ["top", "list", "nested", "import"])
def test_remote_json_ld_context_is_never_fetched(secure_service: SecureService, trap: Trap, where: str) -> None:
    before = secure_service.dump()
    node: dict[str, object] = {"@id": "https://example.org/a", "name": "x"}
    if where == "top":
        node["@context"] = trap.url
    elif where == "list":
        node["@context"] = [{"name": "https://example.org/name"}, trap.url]
    elif where == "nested":
        node = {"@id": "https://example.org/b", "https://example.org/p": {**node, "@context": trap.url}}
    else:
        node["@context"] = {"@import": trap.url, "name": "https://example.org/name"}
    refused(secure_service.put(json.dumps(node), JSON_LD), 400, trap.url)
    assert trap.connections == 0
    assert secure_service.dump() == before


def test_owl_imports_is_stored_as_data_and_never_fetched(secure_service: SecureService, trap: Trap) -> None:
    """``owl:imports`` is a statement like any other: ipgraph stores it and never follows it."""
    body = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://example.org/onto> a owl:Ontology ; owl:imports <{trap.url}> .\n"
    )
    response = secure_service.put(body, TURTLE, graph="https://example.org/graph/imports")
    assert response.status_code in (201, 204), response.text
    stored = secure_service.client.get(
        f"{secure_service.url}/store",
        params={"graph": "https://example.org/graph/imports"},
        headers={"Accept": N_TRIPLES},
    )
    assert trap.url in stored.text
    assert trap.connections == 0


def test_oversized_body_is_413_before_it_is_read(secure_service: SecureService) -> None:
    before = secure_service.dump()
    line = '<https://example.org/s> <https://example.org/p> "x" .\n'
    body = line * (MAX_BODY_BYTES // len(line) + 10)
    refused(secure_service.put(body, N_TRIPLES), 413, str(MAX_BODY_BYTES))

    def chunks() -> object:
        for _ in range(MAX_BODY_BYTES // 4096 + 2):
            yield b"#" * 4096  # no Content-Length: the limit is counted while streaming

    response = secure_service.client.put(
        f"{secure_service.url}/store",
        params={"graph": "https://example.org/graph/new"},
        content=chunks(),  # type: ignore[arg-type]
        headers={"Authorization": "Bearer admin-token-7f3c9e1d4b2a", "Content-Type": TURTLE},
    )
    refused(response, 413, str(MAX_BODY_BYTES))
    assert secure_service.dump() == before


def test_oversized_literal_is_bounded_by_the_body_limit(secure_service: SecureService) -> None:
    before = secure_service.dump()
    body = '<https://example.org/s> <https://example.org/p> "' + "x" * (MAX_BODY_BYTES + 1) + '" .\n'
    refused(secure_service.put(body, TURTLE), 413, "larger than")
    assert secure_service.dump() == before


def test_millions_of_tiny_triples_are_bounded_by_the_body_limit(secure_service: SecureService) -> None:
    """The shortest triple costs a dozen bytes, so the body limit bounds the count (and memory) of triples."""
    before = secure_service.dump()
    prefix = "@prefix : <https://e/> .\n:s :p "
    body = prefix + ",".join(str(number) for number in range(2_000_000)) + " .\n"
    assert len(body) > MAX_BODY_BYTES
    refused(secure_service.put(body, TURTLE), 413, "larger than")
    assert secure_service.dump() == before
    fitting = prefix + ",".join(str(number) for number in range(30_000)) + " .\n"
    assert len(fitting) < MAX_BODY_BYTES
    response = secure_service.put(fitting, TURTLE, graph="https://example.org/graph/tiny")
    assert response.status_code in (201, 204), response.text
    count = secure_service.query("SELECT (COUNT(*) AS ?n) { GRAPH <https://example.org/graph/tiny> { ?s ?p ?o } }")
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "30000"


# -- every parser error is a 400 naming line and column, wherever RDF comes in (issue 9, item 6) ----------------

DEEP = 500
REPORT_ORGANISATION = "https://w3id.org/ipgraph/id/org-so-tai-chinh"
RDF_XML_OPEN = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="https://example.org/">'
#: (content type, body, words the detail names besides its line and column).
PARSER_ERRORS = {
    "turtle-deep-blank-nodes": (
        TURTLE,
        "<http://e/x> <http://e/p> " + "[ <http://e/p> " * DEEP + "1" + " ]" * DEEP + " .\n",
        ["nested deeper"],
    ),
    "turtle-deep-lists": (TURTLE, "<http://e/x> <http://e/p> " + "( " * DEEP + "1" + " )" * DEEP + " .\n", ["nested"]),
    "rdfxml-deep": (
        RDF_XML,
        RDF_XML_OPEN
        + '<rdf:Description rdf:about="https://example.org/x">'
        + "<e:p><rdf:Description>" * DEEP
        + "</rdf:Description></e:p>" * DEEP
        + "</rdf:Description></rdf:RDF>",
        ["nested deeper"],
    ),
    "jsonld-deep": (JSON_LD, '{"@id": "https://e/a", "https://e/p": ' + "[" * DEEP + "1" + "]" * DEEP + "}", ["deep"]),
    "turtle-iri-with-space": (TURTLE, "<https://example.org/a b> <https://example.org/p> 1 .\n", ["iri"]),
    "turtle-iri-escaped-gt": (TURTLE, "<https://example.org/a\\u003E> <https://example.org/p> 1 .\n", ["iri"]),
    "ntriples-iri-with-space": (N_TRIPLES, '<https://example.org/a b> <https://example.org/p> "1" .\n', ["iri"]),
    "ntriples-iri-escaped-gt": (N_TRIPLES, '<https://example.org/a\\u003E> <https://example.org/p> "1" .\n', ["iri"]),
    "rdfxml-iri-with-space": (
        RDF_XML,
        RDF_XML_OPEN
        + '\n<rdf:Description rdf:about="https://example.org/a b"><e:p>1</e:p></rdf:Description></rdf:RDF>',
        ["not a valid iri", "line 2"],
    ),
    "jsonld-iri-with-space": (JSON_LD, '{"@id": "https://example.org/a b", "https://e/p": 1}', ["@id"]),
    "jsonld-bare-string": (JSON_LD, '"https://example.org/a"', ["object or an array of objects", "a string"]),
    "jsonld-bare-number": (JSON_LD, "42", ["object or an array of objects", "a number"]),
    "jsonld-list-of-strings": (JSON_LD, '["a", "b"]', ["object or an array of objects", "item 0"]),
    "jsonld-null": (JSON_LD, "null", ["object or an array of objects"]),
    "jsonld-id-number": (JSON_LD, '{"@id": 5, "https://example.org/p": 1}', ["@id", "a number"]),
    "jsonld-type-object": (JSON_LD, '{"@id": "https://e/a", "@type": {}, "https://e/p": 1}', ["@type", "an object"]),
    "jsonld-value-object": (JSON_LD, '{"@id": "https://e/a", "https://e/p": {"@value": {}}}', ["@value"]),
    "jsonld-language-number": (
        JSON_LD,
        '{"@id": "https://e/a", "https://e/p": {"@value": "x", "@language": 5}}',
        ["@language"],
    ),
    "jsonld-context-number": (JSON_LD, '{"@context": 5, "@id": "https://e/a"}', ["@context"]),
    "jsonld-term-number": (JSON_LD, '{"@context": {"p": 5}, "@id": "https://e/a", "p": 1}', ["term definition"]),
    "jsonld-reverse-number": (JSON_LD, '{"@id": "https://e/a", "@reverse": 5}', ["@reverse"]),
    "jsonld-graph-number": (JSON_LD, '{"@graph": 5}', ["@graph"]),
    "jsonld-reverse-value": (
        JSON_LD,
        '{"@id": "https://e/a",\n "@reverse": {"https://e/p": {"@value": "x"}}}',
        ["literal 'x'", "@reverse", "line 2"],
    ),
    "jsonld-reverse-value-bare-cr": (
        JSON_LD,
        '{"@id": "https://e/a",\r "@reverse": {"https://e/p": {"@value": "y"}}}',
        ["literal 'y'", "@reverse"],
    ),
    "jsonld-reverse-term-string": (
        JSON_LD,
        '{"@context": {"r": {"@reverse": "https://e/p"}}, "@id": "https://e/a", "r": "plain"}',
        ["literal 'plain'", "subject"],
    ),
}


def _positioned(response: httpx.Response, words: list[str]) -> None:
    problem = refused(response, 400, *words)
    assert isinstance(problem.get("line"), int) and isinstance(problem.get("column"), int), problem
    assert f"line {problem['line']}, column {problem['column']}" in problem["detail"], problem["detail"]


@pytest.fixture(scope="module")
def report_token(secure_service: SecureService) -> str:
    return TokenRegistry.for_data_dir(secure_service.settings.data_dir).issue(URIRef(REPORT_ORGANISATION)).token


@pytest.mark.parametrize(("content_type", "body", "words"), PARSER_ERRORS.values(), ids=PARSER_ERRORS.keys())
def test_parser_errors_are_400_with_line_and_column_everywhere(
    secure_service: SecureService, report_token: str, content_type: str, body: str, words: list[str]
) -> None:
    before = secure_service.dump()
    client, url = secure_service.client, secure_service.url
    content = body.encode("utf-8")
    _positioned(secure_service.put(content, content_type), words)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": content_type}
    _positioned(
        client.post(f"{url}/store", params={"graph": "https://example.org/graph/new"}, content=content, headers=admin),
        words,
    )
    _positioned(client.post(f"{url}/reports/validate", content=content, headers={"Content-Type": content_type}), words)
    submitted = client.post(
        f"{url}/reports",
        content=content,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {report_token}"},
    )
    _positioned(submitted, words)
    form = {"text": body, "format": content_type, "action": "preview"}
    page = client.post(f"{url}/reports/submit?lang=en", data=form)
    assert page.status_code == 400, page.text[:300]
    assert re.search(r"line \d+, column \d+", html.unescape(page.text)), page.text
    assert secure_service.dump() == before


def test_the_service_answers_after_every_parser_error(secure_service: SecureService) -> None:
    """The refusals above leave nothing held: queries and validations are still answered."""
    for content_type, body, _ in PARSER_ERRORS.values():
        secure_service.put(body, content_type)
    asked = secure_service.query("ASK { ?s ?p ?o }")
    assert asked.status_code == 200 and asked.json()["boolean"] is True


@pytest.mark.parametrize(
    "body",
    [
        '{"@context": {"@vocab": "https://example.org/"}, "@id": "https://example.org/a", "name": "x"}',
        '[{"@id": "https://example.org/a", "@type": ["https://example.org/T"], "https://example.org/p": '
        '{"@value": "1", "@type": "http://www.w3.org/2001/XMLSchema#integer"}}]',
        '{"@context": {"p": {"@id": "https://example.org/p", "@type": "@id"}}, "@id": "https://e/a", "p": "https://e/b"}',
        '{"@graph": [{"@id": "https://example.org/a", "https://example.org/p": {"@value": "x", "@language": "vi"}}]}',
    ],
    ids=["vocab", "typed-value", "typed-term", "graph"],
)
def test_well_formed_json_ld_keywords_are_accepted(secure_service: SecureService, body: str) -> None:
    response = secure_service.put(body, JSON_LD, graph="https://example.org/graph/jsonld-ok")
    assert response.status_code in (201, 204), response.text


def test_nesting_within_the_limit_is_stored(secure_service: SecureService) -> None:
    body = "<http://e/x> <http://e/p> " + "[ <http://e/p> " * 30 + "1" + " ]" * 30 + " .\n"
    response = secure_service.put(body, TURTLE, graph="https://example.org/graph/nested-30")
    assert response.status_code in (201, 204), response.text
    stored = secure_service.client.get(
        f"{secure_service.url}/store",
        params={"graph": "https://example.org/graph/nested-30"},
        headers={"Accept": N_TRIPLES},
    )
    assert stored.status_code == 200 and len(stored.text.splitlines()) == 31
