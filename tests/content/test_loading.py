"""Every RDF file of the project loads in rdflib and in pyoxigraph, to the same triples, without a warning.

"Loads in any RDF tool" (issue 2) is checked with the two parsers the project itself uses: rdflib (which logs,
rather than raises, on an ill-typed literal or a doubtful IRI) and pyoxigraph (a strict Turtle parser).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal

from ipgraph.settings import Settings
from ipgraph.store.loading import project_sources
from ipgraph.vocab import PLAN_GRAPH

PROJECT = Path(__file__).resolve().parents[2]
FILES = (
    sorted((PROJECT / "ontology").glob("*.ttl"))
    + sorted((PROJECT / "data").glob("*.ttl"))
    + [PROJECT / "shapes" / "plan.shapes.ttl"]
)


def test_the_plan_is_one_file() -> None:
    assert PROJECT / "data" / "plan.ttl" in FILES
    assert not (PROJECT / "data" / "plan-implementation.ttl").exists()


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_file_loads_in_rdflib_and_pyoxigraph_without_warnings(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        graph = Graph().parse(path, format="turtle")
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    ill_typed = [str(value) for value in graph.objects() if isinstance(value, Literal) and value.ill_typed]
    assert not ill_typed, ill_typed
    triples = {quad.triple for quad in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE)}
    assert len(triples) == len(graph) > 0


def test_the_loader_puts_the_plan_in_its_graph_and_never_loads_the_source_text(tmp_path: Path) -> None:
    sources = {
        source.graph: source.files
        for source in project_sources(Settings(data_dir=tmp_path, project_dir=PROJECT, load_examples=True))
    }
    assert sources[PLAN_GRAPH] == (PROJECT / "data" / "plan.ttl",)
    loaded = {path for files in sources.values() for path in files}
    assert not any(path.is_relative_to(PROJECT / "data" / "source") for path in loaded)
