"""What the common SPARQL clients send, against the running service, in both store modes.

SPARQLWrapper names its return format in three parameters at once (``format``, ``output``, ``results``), twice
for TSV, JSON-LD and RDF/XML (the short name, then its ``Accept`` list), with names of its own (``n3``,
``rdf+xml``); it is tried in every query form × return format × request method. Then rdflib's SPARQLStore and
SPARQLUpdateStore, Jena-style ``output=``, and YASGUI-style form POSTs of multi-line queries.
"""

from __future__ import annotations

import io
import re
import urllib.error

import httpx
import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from ipgraph.formats import parse_media_type

from .conftest import ADMIN_TOKEN, Service

EX = "https://example.org/clients/"
DATA = f'INSERT DATA {{ <{EX}a> <{EX}p> "1" . <{EX}b> <{EX}p> "2" . <{EX}a> <{EX}q> <{EX}b> }}'
QUERIES = {
    "SELECT": f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}",
    "ASK": f'ASK {{ ?s <{EX}p> "1" }}',
    "CONSTRUCT": f"CONSTRUCT {{ ?s <{EX}p> ?o }} WHERE {{ ?s <{EX}p> ?o }}",
    "DESCRIBE": f"DESCRIBE <{EX}a>",
}
RETURN_FORMATS = (JSON, XML, CSV, TSV, TURTLE, N3, RDF, RDFXML, JSONLD)
#: (method, request method) as SPARQLWrapper names them: GET, POST form-encoded, POST of the bare query.
METHODS = ((GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY))
RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@pytest.fixture
def data(service: Service) -> Service:
    service.load(DATA)
    return service


def expected_graph() -> Graph:
    graph = Graph()
    graph.add((URIRef(f"{EX}a"), URIRef(f"{EX}p"), Literal("1")))
    graph.add((URIRef(f"{EX}b"), URIRef(f"{EX}p"), Literal("2")))
    return graph


def check_answer(form: str, content_type: str, body: bytes) -> None:
    """The body, read in the format its Content-Type names, holds this form's expected answer."""
    media_type, _ = parse_media_type(content_type)
    if form in ("SELECT", "ASK"):
        assert media_type in RESULT_PARSERS, f"{form} answered as {content_type}"
        result = Result.parse(io.BytesIO(body), format=RESULT_PARSERS[media_type])
        if form == "ASK":
            assert result.askAnswer is True
        else:
            assert sorted((str(row[0]), str(row[1])) for row in result) == [(f"{EX}a", "1"), (f"{EX}b", "2")]
        return
    assert media_type in GRAPH_PARSERS, f"{form} answered as {content_type}"
    graph = Graph().parse(data=body, format=GRAPH_PARSERS[media_type])
    if form == "CONSTRUCT":
        assert isomorphic(graph, expected_graph())
    else:
        assert (URIRef(f"{EX}a"), URIRef(f"{EX}p"), Literal("1")) in graph


# rdflib's own JSON-LD parser (the test's reader, not the service) warns about its internal ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("method", "request_method"), METHODS, ids=["get", "post-form", "post-direct"])
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
@pytest.mark.parametrize("form", sorted(QUERIES))
def test_sparqlwrapper_in_every_form_format_and_method(
    data: Service, form: str, return_format: str, method: str, request_method: str
) -> None:
    client = SPARQLWrapper(f"{data.url}/sparql")
    client.setQuery(QUERIES[form])
    client.setReturnFormat(return_format)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    if form == "ASK" and return_format in (CSV, TSV):
        # SPARQL defines CSV and TSV results for SELECT only: a clear 406 naming the formats an ASK has.
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 406
        assert "application/sparql-results+json" in refused.value.read().decode()
        return
    with pytest.warns(RuntimeWarning) if _sparqlwrapper_warns(form, return_format) else _no_warning():
        result = client.query()
    check_answer(form, result.info()["content-type"], result.response.read())


def _sparqlwrapper_warns(form: str, return_format: str) -> bool:
    """SPARQLWrapper warns (and sends ``Accept: */*``) for a return format it does not pair with the form."""
    if form in ("SELECT", "ASK"):
        return return_format not in (JSON, XML, CSV, TSV)
    return return_format not in (TURTLE, N3, XML, RDFXML, JSONLD)


class _no_warning:  # noqa: N801 - used like pytest.warns
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_rdflib_sparqlstore_in_each_results_format(data: Service, return_format: str) -> None:
    graph = Graph(store=SPARQLStore(query_endpoint=f"{data.url}/sparql", returnFormat=return_format))
    rows = sorted((str(row[0]), str(row[1])) for row in graph.query(QUERIES["SELECT"]))  # type: ignore[index]
    assert rows == [(f"{EX}a", "1"), (f"{EX}b", "2")]


def test_rdflib_sparqlupdatestore_writes_and_counts_an_emptied_graph(service: Service) -> None:
    """rdflib counts a graph with ``FROM <g>``: right after its last triple is deleted the graph still exists."""
    endpoint = f"{service.url}/sparql"
    store = SPARQLUpdateStore(
        query_endpoint=endpoint, update_endpoint=endpoint, auth=None, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    name = URIRef(f"{EX}graph")
    graph = Graph(store=store, identifier=name)
    triple = (URIRef(f"{EX}a"), URIRef(f"{EX}p"), Literal("1"))
    graph.add(triple)
    assert len(graph) == 1 and triple in graph
    # rdflib's own remove() sends ``WITH <g> DELETE …``, which the test suite's ``oxigraph serve
    # --union-default-graph`` refuses in remote mode (it adds using-union-graph to every update): DELETE DATA.
    store.update(f'DELETE DATA {{ GRAPH <{name}> {{ <{EX}a> <{EX}p> "1" }} }}')
    assert len(graph) == 0
    store.close()


@pytest.mark.parametrize(
    ("output", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_jena_style_output_parameter(data: Service, output: str, media_type: str) -> None:
    response = data.client.get("/sparql", params={"query": QUERIES["SELECT"], "output": output}, headers={"Accept": ""})
    assert response.status_code == 200, response.text
    check_answer("SELECT", response.headers["content-type"], response.content)
    assert parse_media_type(response.headers["content-type"])[0] == media_type


@pytest.mark.parametrize(
    "params",
    [
        [("format", "json"), ("format", "csv")],
        [("format", "json"), ("output", "xml")],
        [("output", "tsv"), ("results", "text/csv")],
    ],
)
def test_format_parameters_that_contradict_each_other_are_400(data: Service, params: list[tuple[str, str]]) -> None:
    response = data.client.get("/sparql", params=[("query", QUERIES["SELECT"]), *params])
    assert response.status_code == 400, response.text
    assert "different formats" in response.json()["detail"]


def test_format_parameters_that_agree_are_one_request(data: Service) -> None:
    params = [
        ("query", QUERIES["SELECT"]),
        ("format", "tsv"),
        ("format", "text/tab-separated-values"),
        ("output", "tsv"),
        ("results", ""),
    ]
    response = data.client.get("/sparql", params=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert parse_media_type(response.headers["content-type"])[0] == "text/tab-separated-values"


YASGUI_HEADERS = {
    "Accept": "application/sparql-results+json,*/*;q=0.9",
    "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
}


def test_yasgui_form_post_of_a_multi_line_query(data: Service) -> None:
    text = f"PREFIX ex: <{EX}>\n\nSELECT ?s ?o\nWHERE {{\n  ?s ex:p ?o\n}}\nORDER BY ?s\n"
    response = data.client.post("/sparql", content=httpx.QueryParams({"query": text}).__str__(), headers=YASGUI_HEADERS)
    assert response.status_code == 200, response.text
    check_answer("SELECT", response.headers["content-type"], response.content)


@pytest.mark.parametrize("through", ["get", "form", "direct"])
def test_an_engine_syntax_error_points_into_the_clients_text(data: Service, through: str) -> None:
    """``GROUP BY ?s`` with ``?x`` unbound parses for rdflib (the guard) and fails in the engine: the line
    reported is the line of the text sent, not of the text with the endpoint's BASE in front."""
    text = "PREFIX ex: <https://example.org/clients/>\n# a comment line\nSELECT ?x\nWHERE { ?s ?p ?o }\nGROUP BY ?s\n"
    if through == "get":
        response = data.client.get("/sparql", params={"query": text})
    elif through == "form":
        response = data.client.post("/sparql", data={"query": text}, headers={"Accept": YASGUI_HEADERS["Accept"]})
    else:
        response = data.client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text
    problem = response.json()
    try:  # the engine's own position for the text as sent
        pyoxigraph.Store().query(text)
    except SyntaxError as error:
        line, column = map(int, re.search(r"at (\d+):(\d+)", str(error)).groups())  # type: ignore[union-attr]
    assert (problem["line"], problem["column"]) == (line, column), problem
    assert f"{line}:{column}" in problem["detail"] or f"line {line}" in problem["detail"], problem["detail"][:200]


def test_an_update_in_the_url_of_a_form_post_is_refused(service: Service) -> None:
    """SPARQL 1.1 Protocol §2.2.1: a form POST carries the update in its body; one in the URL is not run."""
    update = f'INSERT DATA {{ <{EX}x> <{EX}p> "from the url" }}'
    response = service.client.post(
        "/sparql",
        params={"update": update},
        content=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 400, response.text
    assert "body" in response.json()["detail"]
    assert service.store.ask(f'ASK {{ <{EX}x> ?p "from the url" }}') is False
    query_in_url = service.client.post(
        "/sparql",
        params={"query": QUERIES["ASK"]},
        content=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert query_in_url.status_code == 400


@pytest.mark.parametrize("method", ["get", "form"])
def test_a_repeated_version_parameter_is_400(data: Service, method: str) -> None:
    params = [("query", QUERIES["ASK"]), ("version", "1.2"), ("version", "1.1")]
    if method == "get":
        response = data.client.get("/sparql", params=params)
    else:
        response = data.client.post("/sparql", data=dict(params[:1]), params=params[1:])
    assert response.status_code == 400, response.text
    assert "version" in response.json()["detail"]


@pytest.mark.parametrize("emptied", [False, True], ids=["created", "emptied"])
def test_an_empty_named_graph_that_exists_is_a_dataset_for_from(service: Service, emptied: bool) -> None:
    graph = f"{EX}empty"
    service.load(f"CREATE GRAPH <{graph}>")
    if emptied:
        service.load(f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> "1" }} }}')
        service.load(f'DELETE DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> "1" }} }}')
    listed = service.client.get("/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert listed.status_code == 200, listed.text
    for params in ({"default-graph-uri": graph}, {"named-graph-uri": graph}):
        response = service.client.get(
            "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **params},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, response.text
    with_from = service.client.get(
        "/sparql",
        params={"query": f"ASK FROM <{graph}> {{ ?s ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert with_from.status_code == 200 and with_from.json()["boolean"] is False
    unknown = service.client.get("/sparql", params={"query": f"ASK FROM <{EX}never> {{ ?s ?p ?o }}"})
    assert unknown.status_code == 400
