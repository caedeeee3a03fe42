"""CSV and TSV answers never start a spreadsheet formula, while numbers stay numbers and TSV stays exact
(ipgraph.spreadsheet_cells; the rule is documented in docs/protocol.md)."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest
from rdflib import Graph
from security_support import SecureService

from ipgraph.reports.issues import Issue
from ipgraph.reports.rendering import outcome_to_csv
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.spreadsheet_cells import FORMULA_STARTS, spreadsheet_safe, spreadsheet_safe_csv, spreadsheet_safe_tsv

HOSTILE_GRAPH = "https://example.org/graph/formulas"
#: Literals a spreadsheet would run, as stored; the expected CSV cell beside each.
FORMULAS = {
    '=HYPERLINK("http://127.0.0.1:9/x","click")': '\'=HYPERLINK("http://127.0.0.1:9/x","click")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1:A2)": "'@SUM(A1:A2)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "\uff1d1+1": "'\uff1d1+1",
}
NUMBERS = ("-5", "-0.5", "+7", "-2.5E3", "1500", "-INF")


@pytest.mark.parametrize(("value", "expected"), [*FORMULAS.items(), *((n, n) for n in NUMBERS), ("plain", "plain")])
def test_the_cell_rule(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


def _store_formulas(service: SecureService) -> None:
    lines = [
        f"<https://example.org/f{index}> <https://example.org/text> {ox.Literal(text)} ."
        for index, text in enumerate(FORMULAS)
    ]
    lines += [f"<https://example.org/n> <https://example.org/number> {number} ." for number in ("-5", "-0.5", "+7")]
    lines.append(
        '<https://example.org/d> <https://example.org/number> "-2.5E3"^^<http://www.w3.org/2001/XMLSchema#double> .'
    )
    assert service.put("\n".join(lines), "text/turtle", graph=HOSTILE_GRAPH).status_code == 201


QUERY = f"SELECT ?o WHERE {{ GRAPH <{HOSTILE_GRAPH}> {{ ?s ?p ?o }} }} ORDER BY ?o"


def test_csv_answers_escape_formulas_and_keep_numbers(secure_service: SecureService) -> None:
    _store_formulas(secure_service)
    response = secure_service.client.get(f"{secure_service.url}/sparql", params={"query": QUERY, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    cells = [row[0] for row in csv.reader(io.StringIO(response.text, newline=""))][1:]
    assert sorted(cells) == sorted([*FORMULAS.values(), "-5", "-0.5", "7", "-2500"])
    assert response.content.endswith(b"\r\n")


def test_tsv_answers_escape_formulas_and_read_back_unchanged(secure_service: SecureService) -> None:
    _store_formulas(secure_service)
    tsv = secure_service.client.get(f"{secure_service.url}/sparql", params={"query": QUERY, "format": "tsv"})
    srj = secure_service.client.get(f"{secure_service.url}/sparql", params={"query": QUERY, "format": "json"})
    assert tsv.status_code == 200 and srj.status_code == 200
    for line in tsv.text.splitlines()[1:]:
        if line.startswith('"'):
            content = line[1 : line.rfind('"')]
            assert not content or content[0] not in FORMULA_STARTS or re.fullmatch(r"[+-]?[0-9.]+", content), line
    from_tsv = [solution["o"] for solution in ox.parse_query_results(tsv.content, ox.QueryResultsFormat.TSV)]
    from_json = [solution["o"] for solution in ox.parse_query_results(srj.content, ox.QueryResultsFormat.JSON)]
    assert from_tsv == from_json, "every SPARQL client reads the same literals as from JSON"
    assert {term.value for term in from_tsv} >= set(FORMULAS)


def test_a_csv_of_a_text_without_formulas_is_untouched() -> None:
    body = b'a,b\r\nx,-5\r\n"y,z",2\r\n'
    assert spreadsheet_safe_csv(body) == body
    assert spreadsheet_safe_tsv(b'?a\n"x"\n-5\n<http://e/=>\n') == b'?a\n"x"\n-5\n<http://e/=>\n'


def test_a_cell_spanning_lines_is_escaped_as_one() -> None:
    body = b'"=1+1\n=2+2",x\r\n'
    rows = list(csv.reader(io.StringIO(spreadsheet_safe_csv(body).decode(), newline="")))
    assert rows == [["'=1+1\n=2+2", "x"]]


def test_the_validation_report_as_csv_escapes_the_report_s_own_text() -> None:
    issue = Issue("violation", "=1+1 vi", "=1+1 en", "=focus", "ipg:account", "@SUM(1)", "ipg:ReportShape")
    outcome = ValidationOutcome(
        conforms=False,
        issues=(issue,),
        results_graph=Graph(),
        shapes_version="x",
        organisation=None,
        report=None,
        year=None,
    )
    rows = list(csv.reader(io.StringIO(outcome_to_csv(outcome), newline="")))
    assert rows[1] == ["violation", "'=1+1 vi", "'=1+1 en", "'=focus", "ipg:account", "'@SUM(1)", "ipg:ReportShape"]
