"""The first-start loader on both engines: a fresh store gets every project graph, a second start reuses them,
a changed file reloads its graph alone, a vanished file's graph is dropped, and report graphs are never touched."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, Graph, Literal, URIRef

from ipgraph import vocab
from ipgraph.settings import Settings
from ipgraph.store.base import GraphChange, Store
from ipgraph.store.loading import project_sources, synchronise_project

REPORT_GRAPH = URIRef("https://w3id.org/ipgraph/graph/reports/org-so-tai-chinh/2024/v1")


def triples_in(paths: tuple[Path, ...]) -> int:
    """Distinct triples in the files that make one graph, read by an independent parser run."""
    triples = set()
    for path in paths:
        triples.update(quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return len(triples)


def test_first_start_then_reuse_then_reload_only_what_changed(
    store: Store, copy_of_project: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "var", project_dir=copy_of_project)
    sources = project_sources(settings)
    first = synchronise_project(store, settings)
    assert set(first.loaded) == {source.graph for source in sources}
    assert first.reused == ()
    for source in sources:
        assert store.triple_count(source.graph) == triples_in(source.files), source.graph

    report = Graph()
    report.add((URIRef("https://w3id.org/ipgraph/id/report-1"), RDFS.label, Literal("a stored report")))
    store.write([GraphChange(REPORT_GRAPH, report)])

    second = synchronise_project(store, settings)
    assert (second.loaded, set(second.reused), second.dropped) == ({}, set(first.loaded), ())

    organisations = copy_of_project / "data" / "organisations.ttl"
    organisations.write_text(
        organisations.read_text(encoding="utf-8")
        + '\n<https://w3id.org/ipgraph/id/org-so-tai-chinh> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@en .\n',
        encoding="utf-8",
    )
    (copy_of_project / "data" / "code-lists.ttl").unlink()
    third = synchronise_project(store, settings)
    assert set(third.loaded) == {vocab.ORGANISATIONS_GRAPH}
    assert third.dropped == (vocab.CODE_LISTS_GRAPH,)
    assert store.triple_count(vocab.ORGANISATIONS_GRAPH) == triples_in((organisations,))
    assert store.triple_count(vocab.CODE_LISTS_GRAPH) == 0
    assert store.triple_count(REPORT_GRAPH) == 1


def test_a_graph_emptied_behind_the_loader_is_loaded_again(store: Store, copy_of_project: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", project_dir=copy_of_project)
    synchronise_project(store, settings)
    store.drop_graph(vocab.PLAN_GRAPH)
    again = synchronise_project(store, settings)
    assert set(again.loaded) == {vocab.PLAN_GRAPH}
    assert store.triple_count(vocab.PLAN_GRAPH) > 0
