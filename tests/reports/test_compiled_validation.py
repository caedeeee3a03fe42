"""One-report validation with the compiled checks says exactly what pySHACL says (issue 14, "fast where it counts").

``ReportValidator`` runs the report shapes as compiled SPARQL checks (:mod:`ipgraph.reports.compiled_shacl`);
pySHACL is the reference. Both engines validate every example, every report of the mutated corpus, the hostile
uploads of the pool tests and a set of attacks, and must give identical issues (every field, in order) and
identical outcomes. The compiled path must leave nothing behind between validations, also after an error or a
cancellation, and must fall back to pySHACL for shapes its compiler does not know.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node, Variable
from report_factory import report_turtle
from revalidation_corpus import mutated_corpus
from test_validation_pool import HOSTILE_UPLOADS

from ipgraph.errors import InputError, IpgraphError, ValidationCancelledError
from ipgraph.formats import format_for_path
from ipgraph.reports.compiled_shacl import CompiledShacl
from ipgraph.reports.issues import Issue, MessageTemplates, issues_from_results
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.plan_slice import plan_context
from ipgraph.reports.shape_compiler import DataProfile, compile_shapes
from ipgraph.reports.submission import ReportService
from ipgraph.reports.validation import ReportValidator, ValidationOutcome
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPG

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "data" / "examples"
CASES = sorted(path for path in EXAMPLES.rglob("*") if format_for_path(path, REPORT_FORMATS) is not None)
CORPUS_SIZE = 300
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")
TODAY = dt.date(2023, 10, 20)


@pytest.fixture(scope="module")
def compiled() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


@pytest.fixture(scope="module")
def reference() -> ReportValidator:
    return ReportValidator.from_project(PROJECT, engine="pyshacl")


def _outcome(outcome: ValidationOutcome) -> tuple[object, ...]:
    """Every field of an outcome but the results graph; issues that tie in the validator's order (they differ in
    focus node only) are put in a fixed order."""
    issues = tuple(sorted(outcome.issues, key=repr))
    return (outcome.conforms, issues, outcome.organisation, outcome.year, outcome.report, outcome.shapes_version)


def assert_same(
    compiled: ReportValidator,
    reference: ReportValidator,
    report: Graph,
    what: str,
    beyond_pyshacl: frozenset[tuple[str | None, str]] = frozenset(),
) -> tuple[Issue, ...]:
    """Both engines give the same outcome for ``report``, judged today and by its own date; the issues found.

    ``beyond_pyshacl``: issues (value, start of the English message) only the compiled checks find, where they
    follow the SHACL specification and pySHACL does not (see :data:`SPEC_OVER_PYSHACL`)."""
    for today in (None, TODAY):
        found, expected = compiled.validate(report, today=today), reference.validate(report, today=today)
        extra = [issue for issue in found.issues if issue not in expected.issues]
        assert {(issue.value, issue.message_en.split(" must ")[0].split(" is ")[0]) for issue in extra} == set(
            beyond_pyshacl
        ), what
        kept = tuple(issue for issue in found.issues if issue not in extra)
        assert _outcome(replace(found, issues=kept)) == _outcome(expected), what
    assert compiled.engine == "compiled", "the compiled path fell back to pySHACL"
    return found.issues


def _parse(path: Path) -> Graph:
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are the point of some examples
    chosen = format_for_path(path, REPORT_FORMATS)
    assert chosen is not None, path
    return parse_report(path.read_bytes(), chosen.media_type)


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_example_gives_the_same_outcome(
    compiled: ReportValidator, reference: ReportValidator, path: Path
) -> None:
    issues = assert_same(compiled, reference, _parse(path), path.name)
    if path.parent.name == "valid":
        assert not any(issue.severity == "violation" for issue in issues)


def shacl_issues(results: Graph, templates: MessageTemplates) -> list[Issue]:
    return list(issues_from_results(results, templates))


def test_the_mutated_corpus_gives_pyshacls_issues(compiled: ReportValidator, reference: ReportValidator) -> None:
    """The corpus versions carry ipgraph's own IRIs (they are in stored form), which :meth:`validate` refuses
    before SHACL runs; so the SHACL part is compared directly. Every compiled check finds something somewhere."""
    templates = MessageTemplates.from_shapes(compiled.shapes_graph)
    reference_templates = MessageTemplates.from_shapes(reference.shapes_graph)  # blank nodes of its own parse
    fired: set[tuple[Node | None, ...]] = set()
    for version in mutated_corpus(CORPUS_SIZE):
        triples = list(version.graph)
        found = compiled.compiled_results(triples)
        expected = reference.shacl_results(triples)
        assert sorted(shacl_issues(found, templates), key=repr) == sorted(
            shacl_issues(expected, reference_templates), key=repr
        ), version.origin
        fired.update(
            (found.value(result, SH.sourceShape), found.value(result, SH.sourceConstraintComponent))
            for result in found.subjects(RDF.type, SH.ValidationResult)
        )
    every_check = compile_shapes(compiled.shapes_graph, DataProfile(frozenset(), frozenset())).checks
    assert {(check.shape, check.component) for check in every_check} - fired == set()


def test_a_dropped_check_is_noticed(reference: ReportValidator) -> None:
    """The comparison above fails when the compiled path loses a check: shapes without one minCount disagree."""
    shapes = Graph()
    shapes += reference.shapes_graph
    dropped = sorted(shapes.subjects(SH.minCount, None), key=str)[0]
    shapes.remove((dropped, SH.minCount, None))
    lacking = CompiledShacl(shapes, plan_context(_plan()))
    templates = MessageTemplates.from_shapes(reference.shapes_graph)
    missed: set[Issue] = set()
    for version in mutated_corpus(60):
        found = set(shacl_issues(lacking.results(list(version.graph)), templates))
        expected = set(shacl_issues(reference.shacl_results(list(version.graph)), templates))
        assert found <= expected, version.origin
        missed |= expected - found
    assert missed and {issue.message_en for issue in missed} == {
        str(message)
        for message in shapes.objects(dropped, SH.message)
        if message.language == "en"  # type: ignore[attr-defined]
    }


def _plan() -> Graph:
    from report_factory import plan_graph

    return plan_graph()


def test_hostile_uploads_give_the_same_outcome(compiled: ReportValidator, reference: ReportValidator) -> None:
    validated = 0
    for name, (body, media_type) in sorted(HOSTILE_UPLOADS.items()):
        try:
            report = parse_report(body, media_type)
        except IpgraphError:
            continue  # refused before validation, by the parser both engines share
        assert_same(compiled, reference, report, name)
        validated += 1
    assert validated >= 2


def _valid() -> str:
    return report_turtle(FINANCE, 2027)


def _attack(extra: str) -> Graph:
    return parse_report((_valid() + extra).encode("utf-8"), "text/turtle")


ATTACKS = {
    "a thousand values of one property": "".join(
        f':report ipg:reportingYear "{2000 + number}"^^xsd:gYear .\n' for number in range(1000)
    ),
    "forty copies of one observation": "".join(
        f""":o{number} a qb:Observation ; qb:dataSet :report ; ipg:indicator ipr:ind-new-ip-applications ;
    sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2027> ; sdmx-measure:obsValue {number} .\n"""
        for number in range(40)
    ),
    "deep blank-node nesting": ":report ipg:responsiblePerson "
    + "[ a foaf:Person ; foaf:name 1 ; ipg:position " * 60  # the parser refuses more than 64 levels
    + '"x"'
    + " ]" * 60
    + " .\n",
    "bad datatypes": ':report ipg:fundsUsed "nhiều"^^xsd:integer ; dcterms:issued "2027-13-45"^^xsd:date ; '
    'ipg:reportingYear "năm nay"^^xsd:gYear , "2027"^^xsd:string , 2027 .\n',
    "line breaks in a year": ':report ipg:reportingYear "2027\\n"^^xsd:gYear , "2027\\r\\n"^^xsd:gYear , '
    '"\\n2027"^^xsd:gYear , "2027\u2028"^^xsd:gYear , "2027\u2029"^^xsd:gYear .\n',
    "line breaks in text": ':duty-1 ipg:account "dòng 1\\rdòng 2\u2028dòng 3\\n"@vi . '
    ':report ipg:fundingSource "a\\u0085b"@vi .\n',
    "a huge string": f':report ipg:fundingSource "{"x" * 1_000_000}"@vi .\n',
    "odd language tags": ':duty-1 ipg:account "x"@EN-us , "y"@vi-VN , "z"@en-x-private .\n',
    "foreign schemes": ":report ipg:reportingOrganization <javascript:alert(1)> , <file:///etc/passwd> , "
    "<urn:isbn:0451450523> . _:p a foaf:Person ; foaf:mbox <MAILTO:a@b> , <http://example.org/mail> ; "
    "foaf:phone <tel:+84-1> , <fax:123> ; foaf:homepage <ftp://example.org/> , <HTTPS://example.org/> .\n"
    ":report ipg:responsiblePerson _:p .\n",
    "own subclasses": ":Special rdfs:subClassOf ipg:AnnualReport . :other a :Special ; ipg:reportingYear 2027 . "
    ":Person2 rdfs:subClassOf foaf:Person . :report ipg:responsiblePerson [ a :Person2 ; foaf:name 2 ] .\n",
}
_PREFIXES = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
_YEAR = "Reporting year (ipg:reportingYear) {}"
#: Where the two engines disagree, the compiled checks following the SHACL specification: sh:datatype needs a
#: well-formed literal (SHACL §4.1.2; rdflib does not check xsd:gYear's lexical form, so pySHACL accepts any), and
#: sh:pattern is SPARQL's REGEX, whose ``$`` matches at the very end only (XPath F&O §5.6.2; Python's ``re``,
#: which pySHACL uses, also matches before a final line break).
SPEC_OVER_PYSHACL: dict[str, frozenset[tuple[str | None, str]]] = {
    "bad datatypes": frozenset({("năm nay", _YEAR.format("năm nay"))}),
    "line breaks in a year": frozenset(
        {
            *((value, _YEAR.format(value)) for value in ("2027\n", "2027\r\n", "\n2027", "2027\u2028", "2027\u2029")),
        }
    ),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacks_give_the_same_outcome(compiled: ReportValidator, reference: ReportValidator, name: str) -> None:
    report = parse_report((_PREFIXES + _valid() + ATTACKS[name]).encode("utf-8"), "text/turtle")
    issues = assert_same(compiled, reference, report, name, SPEC_OVER_PYSHACL.get(name, frozenset()))
    assert issues or name in {"a huge string", "odd language tags"}, "the attack broke no rule"


def test_two_threads_on_one_validator_do_not_talk_across(compiled: ReportValidator) -> None:
    reports = [_parse(path) for path in CASES[:: max(1, len(CASES) // 8)]]
    reports.append(_attack(ATTACKS["a thousand values of one property"]))
    expected = [_outcome(compiled.validate(report)) for report in reports]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(3):
            assert list(pool.map(lambda report: _outcome(compiled.validate(report)), reports)) == expected
            assert list(pool.map(lambda report: _outcome(compiled.validate(report)), reversed(reports))) == list(
                reversed(expected)
            )


class _SetAfter(threading.Event):
    """An event that reads as set from its ``calls``-th look on: a cancellation arriving mid-validation."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls = calls

    def is_set(self) -> bool:
        self.calls -= 1
        return self.calls < 0 or super().is_set()


def _holds_only_the_plan(engine: CompiledShacl, context: Graph) -> bool:
    store = engine.thread_store()
    return not list(store.named_graphs()) and len(store) == len(context)


def test_nothing_stays_behind_after_a_validation_an_error_or_a_cancellation(compiled: ReportValidator) -> None:
    context = plan_context(_plan())
    engine = CompiledShacl(compiled.shapes_graph, context)
    invalid = list(_parse(EXAMPLES / "invalid" / "missing-duty-statement.ttl"))
    expected = engine.results(invalid)
    assert _holds_only_the_plan(engine, context)
    with pytest.raises(InputError):  # a term no store can hold, after the report's first triples
        engine.results([*invalid, (URIRef("urn:s"), URIRef("urn:p"), Variable("x"))])
    assert _holds_only_the_plan(engine, context)
    for looks in (0, 1, 5, 40):  # before the checks, between them, late
        with pytest.raises(ValidationCancelledError):
            engine.results(invalid, _SetAfter(looks))
        assert _holds_only_the_plan(engine, context)
    templates = MessageTemplates.from_shapes(compiled.shapes_graph)
    assert shacl_issues(engine.results(invalid), templates) == shacl_issues(expected, templates)
    assert shacl_issues(engine.results(list(_attack(""))), templates) == []


def test_a_cancelled_validation_raises(compiled: ReportValidator) -> None:
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(ValidationCancelledError):
        compiled.validate(_attack(""), cancelled=cancelled)
    assert compiled.validate(_attack("")).conforms


def test_compiled_shapes_are_kept_per_profile_and_bounded(compiled: ReportValidator) -> None:
    engine = CompiledShacl(compiled.shapes_graph, plan_context(_plan()), cache_size=3)
    for number in range(5):  # each report uses one predicate no other uses: five profiles
        engine.results(list(_attack(f":report <urn:example:p{number}> 1 .\n")))
    assert engine.cached_profiles == 3
    engine.results(list(_attack(":report <urn:example:p4> 2 .\n")))
    assert engine.cached_profiles == 3


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ipg: <https://w3id.org/ipgraph/def#> .
ipg:ClosedReportShape a sh:NodeShape ; sh:targetClass ipg:AnnualReport ;
    sh:property [ sh:path ipg:reportingYear ; sh:lessThan ipg:fundsUsed ] .
"""
PLAN_FOCUS = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ipg: <https://w3id.org/ipgraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ipg:DutyLabelShape a sh:NodeShape ; sh:targetClass ipg:Duty ;
    sh:property [ sh:path rdfs:label ; sh:maxCount 1 ] .
"""


@pytest.mark.parametrize("extra", [UNSUPPORTED, PLAN_FOCUS], ids=["unsupported constraint", "plan focus nodes"])
def test_shapes_the_compiler_cannot_take_fall_back_to_pyshacl(
    compiled: ReportValidator, extra: str, caplog: pytest.LogCaptureFixture
) -> None:
    shapes = Graph()
    shapes += compiled.shapes_graph
    shapes.parse(data=extra, format="turtle")
    validator = ReportValidator(shapes, _plan(), "test")
    pyshacl_only = ReportValidator(shapes, _plan(), "test", engine="pyshacl")
    assert validator.engine == "compiled"
    report = _attack(':report ipg:reportingYear "2040"^^xsd:gYear .\n')
    with caplog.at_level(logging.WARNING, logger="ipgraph.reports.validation"):
        first = validator.validate(report)
        second = validator.validate(report)
    assert validator.engine == "pyshacl"
    assert len([record for record in caplog.records if "pySHACL" in record.getMessage()]) == 1
    expected = pyshacl_only.validate(report)
    assert _outcome(first) == _outcome(second) == _outcome(expected)
    assert any(issue.path == "ipg:reportingYear" for issue in first.issues)
    shapes_used = {str(term) for term in first.results_graph.objects(None, SH.sourceShape)}
    assert shapes_used, "pySHACL judged the report"
    assert Literal(True) not in set(first.results_graph.objects(None, SH.conforms))


def test_an_issue_about_the_report_names_the_report(compiled: ReportValidator) -> None:
    outcome = compiled.validate(_attack(':report ipg:reportingYear "2040"^^xsd:gYear .\n'))
    assert outcome.report == URIRef("urn:example:report:report")
    assert "urn:example:report:report" in {issue.focus for issue in outcome.issues}
    assert (URIRef("urn:example:report:report"), RDF.type, IPG.AnnualReport) in _attack("")


@pytest.mark.parametrize("workers", [0, 1], ids=["in process", "in a worker"])
def test_the_engine_setting_reaches_the_validator(tmp_path: Path, embedded_store: EmbeddedStore, workers: int) -> None:
    """A year with a final line break is where the engines part (:data:`SPEC_OVER_PYSHACL`): pySHACL lets it pass,
    the compiled checks refuse it; so the answer shows which engine judged the upload."""
    body = _valid().replace('"2027"^^xsd:gYear', '"2027\\n"^^xsd:gYear')
    assert body != _valid()
    judged: dict[str, bool] = {}
    for engine in ("compiled", "pyshacl"):
        settings = Settings(data_dir=tmp_path / engine, project_dir=PROJECT, validation_workers=workers)
        service = ReportService.from_settings(replace(settings, validation_engine=engine), embedded_store)
        try:
            judged[engine] = service.check(body.encode("utf-8"), "text/turtle").outcome.conforms
        finally:
            service.close()
    assert judged == {"compiled": False, "pyshacl": True}
