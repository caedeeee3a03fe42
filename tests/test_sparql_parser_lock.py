"""Issue 10: one lock, with one owner, around rdflib's non-thread-safe SPARQL parser, for the guard and for report
validation alike; and a validation does not hold it while pySHACL runs (queries would wait behind it)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import URIRef
from report_factory import report_turtle

from ipgraph import sparql_guard
from ipgraph.reports import validation
from ipgraph.reports.parsing import parse_report
from ipgraph.sparql_parser_lock import SPARQL_PARSER_LOCK

PROJECT = Path(__file__).resolve().parents[1]
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")
#: How long a validation may take before the test counts it as stuck (a failure condition only).
PATIENCE_SECONDS = 120.0


def test_the_guard_parses_under_the_one_lock() -> None:
    assert sparql_guard._PARSER_LOCK is SPARQL_PARSER_LOCK


def test_validation_asks_rdflib_only_under_the_one_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[bool] = []
    answer = rdflib.Graph.query

    def recording_query(self: rdflib.Graph, *args: Any, **kwargs: Any) -> Any:
        held.append(SPARQL_PARSER_LOCK.locked())
        return answer(self, *args, **kwargs)

    monkeypatch.setattr(rdflib.Graph, "query", recording_query)
    mirrored = validation._MirroredGraph()
    mirrored.query("SELECT ?s WHERE { ?s ex:p ?o }", initNs={"ex": "https://example.org/"})
    assert held == [True]


def test_a_validation_runs_while_the_parser_lock_is_held_elsewhere() -> None:
    validator = validation.ReportValidator.from_project(PROJECT)
    report = parse_report(report_turtle(FINANCE, 2027).encode("utf-8"), "text/turtle")
    outcomes: list[validation.ValidationOutcome] = []
    with SPARQL_PARSER_LOCK:  # a guard parse in progress, say
        worker = threading.Thread(target=lambda: outcomes.append(validator.validate(report)), daemon=True)
        worker.start()
        worker.join(PATIENCE_SECONDS)
        assert not worker.is_alive(), "the validation waited for the parser lock"
    assert outcomes[0].conforms
