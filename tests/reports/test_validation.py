"""ReportValidator: the public API other parts build on, on real example files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from ipgraph.reports.validation import ReportValidator, parse_report

PROJECT = Path(__file__).resolve().parents[2]
VALID = PROJECT / "data" / "examples" / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl"


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


def _report(path: Path) -> Graph:
    return parse_report(path.read_bytes(), "text/turtle")


def test_a_valid_report_conforms(validator: ReportValidator) -> None:
    outcome = validator.validate(_report(VALID))
    assert outcome.conforms, outcome.issues
    assert outcome.issues == ()
    assert str(outcome.organisation) == "https://w3id.org/ipgraph/id/org-so-khoa-hoc-va-cong-nghe"
    assert outcome.year == 2023
    assert len(outcome.shapes_version) == 64


def test_an_empty_document_is_not_a_report(validator: ReportValidator) -> None:
    outcome = validator.validate(Graph())
    assert not outcome.conforms
    assert outcome.report is None
    assert [issue.message_en for issue in outcome.issues] == [
        "The document holds no report: exactly one node of type ipg:AnnualReport is expected."
    ]
