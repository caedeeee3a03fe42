"""``ipgraph query`` on the local store and on a SPARQL endpoint: answers, formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from servers import OxigraphServer, free_port

from ipgraph.settings import Settings
from ipgraph.store.base import UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

Runner = Callable[..., CompletedProcess[str]]
IPR = "https://w3id.org/ipgraph/id/"
DOST = URIRef(IPR + "org-so-khoa-hoc-va-cong-nghe")


def select_locally(data_dir: Path, query: str, bindings: dict[str, URIRef] | None = None) -> list[dict[str, str]]:
    """The same query run in this process on the data directory the CLI used (the reference answer)."""
    store = EmbeddedStore(data_dir, workers=1)
    try:
        return [{name: str(value) for name, value in row.items()} for row in store.select(query, bindings)]
    finally:
        store.close()


def json_rows(body: str) -> list[dict[str, str]]:
    document = json.loads(body)
    return [{name: value["value"] for name, value in row.items()} for row in document["results"]["bindings"]]


def test_canned_query_with_a_parameter_answers_as_the_store_does(ipgraph: Runner, project_data_dir: Path) -> None:
    result = ipgraph(
        "query",
        "--data-dir",
        project_data_dir,
        "--canned",
        "duties_of_agency",
        "--param",
        "agency=ipr:org-so-khoa-hoc-va-cong-nghe",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    text = (Settings().project_dir / "queries" / "duties_of_agency.rq").read_text(encoding="utf-8")
    expected = select_locally(project_data_dir, text, {"agency": DOST})
    assert expected, "the plan gives the Department of Science and Technology duties"
    assert json_rows(result.stdout) == expected


def test_query_text_in_csv(ipgraph: Runner, project_data_dir: Path) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?label WHERE { <https://w3id.org/ipgraph/id/org-so-tai-chinh> skos:prefLabel ?label } ORDER BY ?label"
    )
    result = ipgraph("query", "--data-dir", project_data_dir, "--format", "csv", query)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["label"]
    assert [row[0] for row in rows[1:]] == [row["label"] for row in select_locally(project_data_dir, query)]
    assert "Sở Tài chính" in [row[0] for row in rows[1:]]


def test_query_from_a_file_as_turtle(ipgraph: Runner, project_data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "describe.rq"
    path.write_text("DESCRIBE <https://w3id.org/ipgraph/id/org-so-tai-chinh>", encoding="utf-8")
    result = ipgraph("query", "--data-dir", project_data_dir, "--file", path)
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    assert triples
    assert {quad.subject for quad in triples} == {ox.NamedNode(IPR + "org-so-tai-chinh")}


@pytest.mark.parametrize(
    ("query", "code", "answer"), [("ASK { ?s ?p ?o }", 0, "true"), ('ASK { ?s ?p "no such text" }', 1, "false")]
)
def test_ask_exit_code_says_the_answer(
    ipgraph: Runner, project_data_dir: Path, query: str, code: int, answer: str
) -> None:
    result = ipgraph("query", "--data-dir", project_data_dir, query)
    assert (result.returncode, result.stdout.strip()) == (code, answer), result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT * WHERE { ?s ?p }"], "line 1, column"),
        (["SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"], "IPGRAPH_ALLOWED_SERVICE_ENDPOINTS"),
        (["--format", "turtle", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"], "choose one of json, xml, csv, tsv"),
        ([], "give exactly one query"),
        (["--canned", "no_such_query"], "choose one of"),
        (["--canned", "duties_of_agency", "--param", "agency=not an iri"], "expects an IRI"),
        (["--param", "agency=ipr:x", "ASK {}"], "--param only applies to --canned"),
        (["--endpoint", "file:///etc/passwd", "ASK {}"], "must be an http:// or https:// URL"),
    ],
)
def test_usage_and_input_errors_exit_2_saying_what_to_fix(
    ipgraph: Runner, project_data_dir: Path, args: list[str], message: str
) -> None:
    result = ipgraph("query", "--data-dir", project_data_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_endpoint_mode_queries_another_sparql_server(
    ipgraph: Runner, remote_store: RemoteStore, oxigraph_server: OxigraphServer
) -> None:
    remote_store.update(
        UpdateRequest(
            "INSERT DATA { GRAPH <http://example.org/g> { "
            '<http://example.org/a> <http://example.org/name> "Ánh"@vi, "Anh"@en } }'
        )
    )
    query = "SELECT ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?name"
    result = ipgraph("query", "--endpoint", oxigraph_server.query_url, "--format", "json", query)
    assert result.returncode == 0, result.stderr
    assert json_rows(result.stdout) == [{"name": "Anh"}, {"name": "Ánh"}]
    assert [row["name"] for row in remote_store.select(query)] == [Literal("Anh", lang="en"), Literal("Ánh", lang="vi")]
    negative = ipgraph("query", "--endpoint", oxigraph_server.query_url, 'ASK { ?s ?p "nobody" }')
    assert (negative.returncode, negative.stdout.strip()) == (1, "false")


def test_endpoint_that_does_not_answer_is_an_error_naming_it(ipgraph: Runner) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = ipgraph("query", "--endpoint", url, "ASK {}")
    assert result.returncode == 2
    assert url in result.stderr
    assert "cannot be reached" in result.stderr
