"""The one results component: SPARQL JSON read into cells (labels, numbers per language, links only through
``link_target``), sorted and paged through the page's own URL, and served the same way on the query page."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from publishing import Service

from ipgraph.publish.result_view import TableRequest, view_table
from ipgraph.publish.results import format_number, result_table

BASE = "https://w3id.org/ipgraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def document(rows: list[dict[str, dict[str, str]]], variables: list[str]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()


def no_labels(iris: object) -> dict[str, dict[str, str]]:
    return {}


@pytest.mark.parametrize(
    ("lexical", "lang", "shown"),
    [
        ("8.5", "vi", "8,5"),
        ("8.5", "en", "8.5"),
        ("6497", "vi", "6.497"),
        ("6497", "en", "6,497"),
        ("-1234567.50", "en", "-1,234,567.50"),
        ("+12", "vi", "12"),
        ("NaN", "vi", "NaN"),
        ("1e3", "en", "1e3"),
    ],
)
def test_numbers_are_written_the_page_languages_way_and_never_rounded(lexical: str, lang: str, shown: str) -> None:
    assert format_number(lexical, lang) == shown  # type: ignore[arg-type]


def test_cells_name_iris_by_label_and_link_only_safe_schemes() -> None:
    body = document(
        [
            {"x": {"type": "uri", "value": BASE + "id/org-so-tai-chinh"}},
            {"x": {"type": "uri", "value": "javascript:alert(1)"}},
            {"x": {"type": "literal", "value": "8.5", "datatype": XSD + "decimal"}},
            {"x": {"type": "literal", "value": "true", "datatype": XSD + "boolean"}},
            {"x": {"type": "literal", "value": "Sở", "xml:lang": "vi"}},
        ],
        ["x"],
    )
    labels = {BASE + "id/org-so-tai-chinh": {"vi": "Sở Tài chính", "en": "Department of Finance"}}
    table = result_table(body, BASE, "en", lambda iris: {iri: labels[iri] for iri in iris if iri in labels})
    cells = [row[0] for row in table.rows]
    assert cells[0] is not None and (cells[0].text, cells[0].href) == (
        "Department of Finance",
        "/doc/id/org-so-tai-chinh",
    )
    assert cells[1] is not None and cells[1].href is None and cells[1].text == "javascript:alert(1)"
    assert cells[2] is not None and (cells[2].text, cells[2].number, cells[2].datatype) == (
        "8.5",
        Decimal("8.5"),
        "xsd:decimal",
    )
    assert cells[3] is not None and cells[3].text == "yes"
    assert cells[4] is not None and cells[4].lang == "vi"


def test_sorting_is_by_value_with_unbound_last_and_paging_counts_every_row() -> None:
    rows = [{"n": {"type": "literal", "value": str(v), "datatype": XSD + "integer"}} for v in (10, 9, 100, 2)]
    rows.append({})
    table = result_table(document(rows, ["n"]), BASE, "vi", no_labels)
    assert table.numeric_columns() == frozenset({0})
    view = view_table(table, TableRequest.from_query("n", None, None), "/query", [("query", "q")], page_size=2)
    assert [row[0].text for row in view.rows if row[0]] == ["2", "9"]
    assert (view.total, view.pages, view.page) == (5, 3, 1)
    assert view.page_link(2) == "/query?query=q&sort=n&page=2"
    last = view_table(table, TableRequest.from_query("n", "1", "3"), "/query", [("query", "q")], page_size=2)
    assert [row[0] for row in last.rows] == [None], "an unbound value stays last, whichever the direction"
    assert view.sort_link("n") == "/query?query=q&sort=n&desc=1"


@pytest.mark.parametrize(("sort", "desc", "page"), [("nope", "1", "-3"), (None, None, "9" * 50), ("n", "x", "0")])
def test_a_bad_sort_or_page_falls_back_instead_of_failing(sort: str | None, desc: str | None, page: str) -> None:
    rows = [{"n": {"type": "literal", "value": "1"}}]
    view = view_table(
        result_table(document(rows, ["n"]), BASE, "en", no_labels), TableRequest.from_query(sort, desc, page), "/q", []
    )
    assert view.page == 1 and len(view.rows) == 1


def test_the_query_page_keeps_sorting_and_paging_in_its_address(plan_service: Service) -> None:
    query = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"
    first = httpx.get(f"{plan_service.url}/query", params={"query": query, "lang": "vi"}).text
    assert 'id="result-count"' in first and "dòng kết quả · đang xem dòng 1–100" in first
    assert "Trang 1/" in first and 'rel="next"' in first
    second = httpx.get(f"{plan_service.url}/query", params={"query": query, "lang": "en", "sort": "o", "page": "2"})
    assert "showing rows 101–200" in second.text
    assert 'aria-sort="ascending"' in second.text
    fragment = httpx.get(f"{plan_service.url}/query/answer", params={"query": query, "lang": "en", "page": "2"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "showing rows 101–200" in fragment.text


def test_an_engine_syntax_error_is_placed_on_the_readers_line(plan_service: Service) -> None:
    """The page runs the query below a BASE line of its own; the position shown is still the reader's."""
    query = "SELECT ?s WHERE {\n  ?s a nope:Thing\n}"
    response = httpx.get(f"{plan_service.url}/query", params={"query": query, "lang": "vi"})
    assert response.status_code == 400
    assert "Dòng 2, cột" in response.text
    assert '<pre class="error-excerpt">  ?s a nope:Thing\n' in response.text


def test_ask_is_a_sentence_and_a_graph_counts_its_triples(plan_service: Service) -> None:
    ask = httpx.get(f"{plan_service.url}/query", params={"query": "ASK { ?s ?p ?o }", "lang": "vi"}).text
    assert "Có — dữ liệu khớp với câu hỏi." in ask
    graph = httpx.get(
        f"{plan_service.url}/query",
        params={"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5", "lang": "vi"},
    ).text
    assert "5 bộ ba (triple)" in graph
    assert "@prefix ipr: &lt;https://w3id.org/ipgraph/id/&gt; ." in graph or "@prefix" in graph
