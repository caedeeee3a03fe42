"""SHACL-SPARQL constraints answered from one run per constraint give the same issues as one run per focus node."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef, Variable

from ipgraph.formats import format_for_path
from ipgraph.reports import validation
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.validation import ReportValidator

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
SUFFIXES = {suffix for offer in REPORT_FORMATS for suffix in offer.extensions}
CASES = sorted(
    path for path in EXAMPLES.rglob("*") if path.suffix in SUFFIXES and not path.name.endswith(".expected.json")
)


def _issues(validator: ReportValidator, report: Graph) -> list[tuple[str, ...]]:
    outcome = validator.validate(report)
    return sorted(
        (issue.severity, str(issue.shape), str(issue.path), str(issue.value), issue.message_en, issue.message_vi)
        for issue in outcome.issues
    )


def test_every_example_has_the_same_issues_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    validator = ReportValidator.from_project(EXAMPLES.parents[1], engine="pyshacl")  # the mirror serves pySHACL
    reports = []
    for path in CASES:
        chosen = format_for_path(path, REPORT_FORMATS)
        assert chosen is not None, path
        reports.append(parse_report(path.read_bytes(), chosen.media_type))
    grouped = [_issues(validator, report) for report in reports]
    monkeypatch.setattr(validation, "_groupable", lambda text: False)
    per_focus = [_issues(validator, report) for report in reports]
    assert grouped == per_focus
    assert any(issues for issues in grouped)  # the comparison covers queries that find something


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT $this ?value WHERE { $this <urn:p> ?value }", True),
        ("PREFIX max: <urn:max#>\nSELECT $this ?value WHERE { $this max:p ?value }", True),
        ("SELECT ?value WHERE { ?x <urn:p> ?value }", False),
        ("SELECT $this (COUNT(?v) AS ?n) WHERE { $this <urn:p> ?v } GROUP BY $this", False),
        ("SELECT $this ?v WHERE { $this <urn:p> ?v } LIMIT 1", False),
        ("SELECT DISTINCT $this ?v WHERE { $this <urn:p> ?v }", False),
        ("SELECT $this ?v WHERE { { SELECT $this ?v WHERE { $this <urn:p> ?v } } }", False),
    ],
)
def test_which_queries_are_answered_from_one_run(text: str, expected: bool) -> None:
    assert validation._groupable(text) is expected


def test_a_row_without_this_makes_the_mirror_ask_per_focus_node() -> None:
    graph = validation._MirroredGraph()
    node, other = BNode(), URIRef("urn:other")
    graph.add_all([(node, URIRef("urn:p"), URIRef("urn:v")), (other, URIRef("urn:p"), URIRef("urn:w"))])
    # ?this is bound only where the OPTIONAL matches, so a row of the unbound run lacks it.
    text = "SELECT $this ?v WHERE { ?v <urn:q>* ?v . OPTIONAL { $this <urn:p> ?v } }"
    assert graph._grouped(text) is None
    answer = graph.query(text, initBindings={"this": node})
    assert {row[Variable("v")] for row in answer.bindings} >= {URIRef("urn:v")}
    grouped = graph._grouped("SELECT $this ?v WHERE { $this <urn:p> ?v }")
    assert grouped is not None and set(grouped[1]) == {node, other}
    graph.add_all([(URIRef("urn:third"), URIRef("urn:p"), URIRef("urn:x"))])  # a change forgets the groups
    regrouped = graph._grouped("SELECT $this ?v WHERE { $this <urn:p> ?v }")
    assert regrouped is not None and URIRef("urn:third") in regrouped[1]
