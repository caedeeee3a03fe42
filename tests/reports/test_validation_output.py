"""The renderers and ``ipgraph validate``: every form says the same thing about the same outcome."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib.namespace import RDF, SH

from ipgraph.cli import main
from ipgraph.reports.rendering import CSV_COLUMNS, outcome_to_csv, outcome_to_html, outcome_to_json, outcome_to_rdf
from ipgraph.reports.validation import ReportValidator, ValidationOutcome, parse_report

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "data" / "examples"


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


@pytest.fixture(scope="module")
def failed(validator: ReportValidator) -> ValidationOutcome:
    """Six identical period violations and one year violation."""
    path = EXAMPLES / "invalid" / "year-outside-plan-period.ttl"
    return validator.validate(parse_report(path.read_bytes(), "text/turtle"))


def test_json_carries_every_issue(failed: ValidationOutcome) -> None:
    document = outcome_to_json(failed)
    assert json.loads(json.dumps(document)) == document
    assert document["conforms"] is False
    assert document["organisation"] == "ipr:org-so-khoa-hoc-va-cong-nghe"
    assert document["year"] == 2019
    assert document["counts"] == {"violation": 7, "warning": 0, "info": 0}
    assert len(document["issues"]) == 7
    assert set(document["issues"][0]) == set(CSV_COLUMNS)


def test_csv_has_a_header_and_a_row_per_issue(failed: ValidationOutcome) -> None:
    rows = list(csv.reader(io.StringIO(outcome_to_csv(failed))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(failed.issues)
    assert {row[0] for row in rows[1:]} == {"violation"}


@pytest.mark.parametrize("name", ["turtle", "jsonld", "application/ld+json", "ntriples"])
def test_rdf_is_the_shacl_report(failed: ValidationOutcome, name: str) -> None:
    data = outcome_to_rdf(failed, name)
    media_types = {"turtle": "text/turtle", "ntriples": "application/n-triples"}
    graph = parse_report(data, media_types.get(name, "application/ld+json"))
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 7


def test_rdf_refuses_an_unknown_format(failed: ValidationOutcome) -> None:
    with pytest.raises(ValueError, match="unknown RDF format"):
        outcome_to_rdf(failed, "png")


def test_html_groups_identical_problems(failed: ValidationOutcome) -> None:
    page = outcome_to_html(failed, "en")
    assert "The report does not conform" in page
    assert page.count("is not the reporting year") == 1
    assert "6 occurrences" in page
    assert "<script" not in page
    vietnamese = outcome_to_html(failed, "vi")
    assert "Báo cáo không hợp lệ" in vietnamese and "6 lần" in vietnamese


def test_html_escapes_what_the_report_says(validator: ReportValidator) -> None:
    body = (EXAMPLES / "invalid" / "report-date-not-a-date.ttl").read_bytes().replace(b"5/10/2023", b"<b>5/10</b>")
    page = outcome_to_html(validator.validate(parse_report(body, "text/turtle")), "en")
    assert "<b>" not in page and "&lt;b&gt;5/10&lt;/b&gt;" in page


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    # Received before the deadline (without --today: today, as the service judges a dry run).
    assert main(["validate", str(EXAMPLES / "valid" / "ubnd-huyen-vu-thu-2024.ttl"), "--today", "2024-10-01"]) == 0
    assert capsys.readouterr().out.startswith("conforms (0 violation, 0 warning, 0 info)")
    assert main(["validate", str(EXAMPLES / "invalid" / "missing-duty-statement.ttl"), "--lang", "vi"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("không hợp lệ (1 violation")
    assert "Nhiệm vụ V.1.d" in out
    unreadable = EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl"
    assert main(["validate", str(unreadable), "--format", "jsonld"]) == 2
    assert "ipgraph: error:" in capsys.readouterr().err


def test_cli_json_output_and_earlier_reports(capsys: pytest.CaptureFixture[str]) -> None:
    report = EXAMPLES / "invalid" / "application-growth-implausible.ttl"
    earlier = EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl"
    assert main(["validate", str(report), "--earlier", str(earlier), "--output", "json", "--today", "2024-10-01"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["counts"]["warning"] == 1
    assert document["issues"][0]["shape"] == "ipg:ApplicationGrowthPlausibility"


def test_cli_reads_json_ld_by_extension(capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "valid" / "so-nong-nghiep-va-phat-trien-nong-thon-2022.jsonld"
    assert main(["validate", str(path), "--output", "csv", "--today", "2022-10-01"]) == 0
    assert capsys.readouterr().out.strip() == ",".join(CSV_COLUMNS)


def test_cli_refuses_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "absent.ttl")]) == 2
    assert "cannot read the file" in capsys.readouterr().err
