"""ReportValidator and parse_report: the public API other parts build on, on real example files."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, SH

from ipgraph.errors import ForbiddenFetchError, RdfSyntaxError, UnsupportedMediaTypeError
from ipgraph.reports.validation import ReportValidator, ValidationOutcome, parse_report
from ipgraph.vocab import IPG

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "data" / "examples"
VALID = EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl"
REPORT = URIRef("urn:example:dost-2023:report")


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


def _report(path: Path) -> Graph:
    return parse_report(path.read_bytes(), "text/turtle")


def _summary(outcome: ValidationOutcome) -> list[tuple[str | None, ...]]:
    return [(issue.severity, issue.shape, issue.path, issue.value, issue.focus) for issue in outcome.issues]


def test_a_valid_report_conforms(validator: ReportValidator) -> None:
    outcome = validator.validate(_report(VALID))
    assert outcome.conforms, outcome.issues
    assert outcome.issues == ()
    assert outcome.organisation == URIRef("https://w3id.org/ipgraph/id/org-so-khoa-hoc-va-cong-nghe")
    assert outcome.year == 2023
    assert outcome.report == REPORT
    assert len(outcome.shapes_version) == 64
    assert outcome.shapes_version == validator.shapes_version


def test_an_empty_document_is_not_a_report(validator: ReportValidator) -> None:
    outcome = validator.validate(Graph())
    assert not outcome.conforms
    assert outcome.report is None and outcome.organisation is None and outcome.year is None
    assert [issue.message_en for issue in outcome.issues] == [
        "The document holds no report: exactly one node of type ipg:AnnualReport is expected."
    ]


def test_two_reports_in_one_document_are_refused(validator: ReportValidator) -> None:
    report = _report(VALID)
    report += _report(EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2024.ttl")
    outcome = validator.validate(report)
    assert not outcome.conforms
    assert outcome.report is None
    messages = [issue.message_en for issue in outcome.issues]
    assert any(message.startswith("The document holds 2 reports") for message in messages)


def test_validation_leaves_the_report_as_it_was(validator: ReportValidator) -> None:
    report = _report(VALID)
    before = Graph()
    before += report
    validator.validate(report, today=datetime.date(2023, 10, 30))
    assert isomorphic(report, before)


def test_earlier_results_do_not_leak_into_later_validations(validator: ReportValidator) -> None:
    broken = _report(EXAMPLES / "invalid" / "statements-about-plan-resources.ttl")
    assert not validator.validate(broken).conforms
    duty_claim = _report(EXAMPLES / "invalid" / "duty-of-another-organisation.ttl")
    assert not validator.validate(duty_claim).conforms
    outcome = validator.validate(_report(VALID))
    assert outcome.conforms and outcome.issues == ()


def test_today_judges_timeliness_when_the_report_has_no_date_received(validator: ReportValidator) -> None:
    report = _report(VALID)
    on_time = validator.validate(report, today=datetime.date(2023, 10, 14))
    assert on_time.issues == ()
    late = validator.validate(report, today=datetime.date(2023, 10, 16))
    assert late.conforms
    assert _summary(late) == [
        ("warning", "ipg:TimelinessConstraint", "dcterms:dateSubmitted", "2023-10-16", str(REPORT))
    ]
    assert "before 2023-10-15" in late.issues[0].message_en
    assert "trước ngày 2023-10-15" in late.issues[0].message_vi


def test_a_date_received_in_the_report_wins_over_today(validator: ReportValidator) -> None:
    report = _report(VALID)
    report.add((REPORT, DCTERMS.dateSubmitted, Literal(datetime.date(2023, 10, 1))))
    assert validator.validate(report, today=datetime.date(2023, 12, 1)).issues == ()


def test_owl_imports_in_a_report_are_not_followed(validator: ReportValidator) -> None:
    report = _report(VALID)
    report.add((BNode(), OWL.imports, URIRef("http://198.51.100.1/never-fetched.ttl")))
    assert validator.validate(report).conforms


def test_results_graph_is_the_shacl_report_with_both_languages(validator: ReportValidator) -> None:
    earlier = _report(VALID)
    outcome = validator.validate(_report(EXAMPLES / "invalid" / "cumulative-count-falls.ttl"), earlier)
    graph = outcome.results_graph
    report_node = graph.value(None, RDF.type, SH.ValidationReport)
    assert graph.value(report_node, SH.conforms) == Literal(True)
    results = list(graph.objects(report_node, SH.result))
    assert len(results) == len(outcome.issues) == 1
    languages = {message.language for message in graph.objects(results[0], SH.resultMessage)}
    assert languages == {"vi", "en"}
    assert graph.value(results[0], SH.sourceShape) == IPG.CumulativeCountPlausibility
    assert graph.value(results[0], SH.resultSeverity) == SH.Warning


def test_violations_set_conforms_false_in_the_results_graph(validator: ReportValidator) -> None:
    outcome = validator.validate(_report(EXAMPLES / "invalid" / "missing-duty-statement.ttl"))
    graph = outcome.results_graph
    assert graph.value(graph.value(None, RDF.type, SH.ValidationReport), SH.conforms) == Literal(False)
    messages = {str(message) for message in graph.objects(None, SH.resultMessage)}
    assert any("Nhiệm vụ V.1.d" in message for message in messages)
    assert not any("{?" in message or "{$" in message for message in messages)


def test_concurrent_validations_agree_with_sequential_ones(validator: ReportValidator) -> None:
    paths = [VALID, *sorted((EXAMPLES / "invalid").glob("*.ttl"))[:7]]
    reports = [_report(path) for path in paths]
    expected = [_summary(validator.validate(report)) for report in reports]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(lambda report: _summary(validator.validate(report)), reports)) == expected


def test_parse_report_reads_each_report_format() -> None:
    turtle = _report(VALID)
    for media_type, format_name in (
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ):
        body = turtle.serialize(format=format_name, encoding="utf-8")
        assert isomorphic(parse_report(body, media_type), turtle), media_type


def test_parse_report_refuses_a_remote_json_ld_context() -> None:
    body = b'{"@context": "https://example.org/context.jsonld", "@id": "urn:r", "@type": "AnnualReport"}'
    with pytest.raises(ForbiddenFetchError, match="never fetches a context"):
        parse_report(body, "application/ld+json")


def test_parse_report_refuses_an_xml_doctype() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"""
    with pytest.raises(ForbiddenFetchError, match="DOCTYPE"):
        parse_report(body, "application/rdf+xml")


def test_parse_report_names_the_line_of_a_syntax_error() -> None:
    body = VALID.read_bytes().replace(b'ipg:reportingYear "2023"^^xsd:gYear ;', b"ipg:reportingYear = ;")
    line = body[: body.index(b"ipg:reportingYear = ;")].count(b"\n") + 1
    with pytest.raises(RdfSyntaxError) as caught:
        parse_report(body, "text/turtle")
    assert caught.value.line == line
    assert f"line {line}" in str(caught.value)


@pytest.mark.parametrize("media_type", ["text/plain", "application/trig", ""])
def test_parse_report_refuses_formats_that_cannot_carry_a_report(media_type: str) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        parse_report(b"<urn:a> <urn:b> <urn:c> .", media_type)


def test_report_shapes_are_valid_shacl(validator: ReportValidator) -> None:
    shacl_shacl = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = validate(validator.shapes_graph, shacl_graph=shacl_shacl)
    assert conforms, text
