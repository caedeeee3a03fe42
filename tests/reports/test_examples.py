"""Every example report in data/examples/ has its outcome pinned by the ``.expected.json`` beside it.

A new case is a new pair of files, not new code: ``<name>.ttl`` (or ``.jsonld``) and ``<name>.expected.json``
holding ``conforms``, optional ``earlier`` (earlier reports, relative paths) and ``today``, and the exact list of
``issues`` (severity, shape, path, value, and focus where it is an IRI), each with a fragment its English
message must contain. An issue the file does not list fails the test as surely as a missing one.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from ipgraph.formats import format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS, parse_report
from ipgraph.reports.validation import Issue, ReportValidator
from ipgraph.vocab import IPG

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
SUFFIXES = {suffix for offer in REPORT_FORMATS for suffix in offer.extensions}
CASES = sorted(
    path for path in EXAMPLES.rglob("*") if path.suffix in SUFFIXES and not path.name.endswith(".expected.json")
)


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(EXAMPLES.parents[1])


def _read(path: Path) -> Graph:
    chosen = format_for_path(path, REPORT_FORMATS)
    assert chosen is not None, path
    return parse_report(path.read_bytes(), chosen.media_type)


def _expected(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json").read_text())
    return document


def _matches(issue: Issue, expected: dict[str, Any]) -> bool:
    fields = ("severity", "shape", "path", "value", "focus")
    return all(getattr(issue, name) == expected[name] for name in fields if name in expected)


def test_there_are_examples_of_each_kind() -> None:
    valid = [path for path in CASES if path.parent.name == "valid"]
    invalid = [path for path in CASES if path.parent.name == "invalid"]
    assert len(valid) >= 4
    assert any(path.suffix == ".jsonld" for path in valid)
    keys = set()
    for path in valid:
        graph = _read(path)
        organisation = next(graph.objects(None, IPG.reportingOrganization))
        keys.add((organisation, str(next(graph.objects(None, IPG.reportingYear)))))
    assert len(keys) == len(valid)
    assert len({organisation for organisation, _ in keys}) >= 3 and len({year for _, year in keys}) >= 3
    assert len(invalid) >= 25


def test_every_expected_file_has_its_example() -> None:
    stems = {path.with_suffix("") for path in CASES}
    for expected in EXAMPLES.rglob("*.expected.json"):
        assert expected.with_name(expected.name.removesuffix(".expected.json")) in stems, expected


@pytest.mark.parametrize("path", CASES, ids=[f"{path.parent.name}/{path.name}" for path in CASES])
def test_example_outcome_is_pinned(path: Path, validator: ReportValidator) -> None:
    expected = _expected(path)
    earlier: Graph | None = None
    if expected.get("earlier"):
        earlier = Graph()
        for name in expected["earlier"]:
            earlier += _read(path.parent / name)
    today = datetime.date.fromisoformat(expected["today"]) if "today" in expected else None

    outcome = validator.validate(_read(path), earlier, today=today)

    remaining = list(outcome.issues)
    for wanted in expected["issues"]:
        found = next((issue for issue in remaining if _matches(issue, wanted)), None)
        assert found is not None, f"missing {wanted}; got {remaining}"
        remaining.remove(found)
        assert wanted["message_en_contains"] in found.message_en
        assert found.message_vi and found.message_vi != found.message_en
    assert remaining == [], f"unexpected issues: {remaining}"
    assert outcome.conforms is expected["conforms"]
    if path.parent.name == "valid":
        assert outcome.conforms and outcome.issues == ()
