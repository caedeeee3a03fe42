"""HermiT finds the ontology and the plan consistent, notices a contradiction, and data/inferred.ttl is current."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF

from ipgraph.reasoning import INFERRED_FILE, ReasoningResult, model_files, reason, reason_over_project
from ipgraph.vocab import IPG, P160


@pytest.fixture(scope="module")
def result(project_dir: Path) -> ReasoningResult:
    return reason_over_project(project_dir)


def test_ontology_and_plan_are_consistent(result: ReasoningResult) -> None:
    assert result.consistent, result.message
    assert len(result.inferred) > 0


def test_a_duty_that_is_also_a_target_is_a_contradiction(project_dir: Path) -> None:
    graph = Graph()
    for path in model_files(project_dir):
        graph.parse(path, format="turtle")
    graph.add((P160["duty-V.1.a"], RDF.type, IPG.Target))
    assert not reason(graph).consistent


def test_inferred_graph_is_current(result: ReasoningResult, project_dir: Path) -> None:
    stored = Graph().parse(project_dir / "data" / INFERRED_FILE, format="turtle")
    assert to_isomorphic(stored) == to_isomorphic(result.inferred), "run `ipgraph reason` and commit data/inferred.ttl"
