"""The example reports on a real on-disk store: loaded into ``ipgraph:examples`` only when ``load_examples`` is true,
the valid ones only (Turtle and JSON-LD), and dropped again by a start that does not ask for them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ipgraph import vocab
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.loading import MANIFEST_NAME, synchronise_project
from ipgraph.store.rdf_files import file_format
from ipgraph.store.terms import to_ox

PROJECT = Path(__file__).resolve().parents[2]
VALID = PROJECT / "data" / "examples" / "valid"
INVALID = PROJECT / "data" / "examples" / "invalid"


def example_files(directory: Path) -> list[Path]:
    """The RDF files of one examples folder (the ``.expected.json`` beside them are not RDF)."""
    return sorted(path for path in directory.iterdir() if path.suffix in {".ttl", ".jsonld"})


def triples_of(paths: list[Path]) -> set[ox.Triple]:
    """The triples of the files, read by pyoxigraph directly, blank nodes kept apart between files."""
    triples: set[ox.Triple] = set()
    for path in paths:
        parsed = ox.parse(path=str(path), format=file_format(path, None), rename_blank_nodes=True)
        triples.update(quad.triple for quad in parsed)
    return triples


def ground(triples: set[ox.Triple]) -> set[ox.Triple]:
    """The triples without a blank node, which compare equal across parser runs."""
    return {
        triple
        for triple in triples
        if not isinstance(triple.subject, ox.BlankNode) and not isinstance(triple.object, ox.BlankNode)
    }


@contextmanager
def started(tmp_path: Path, *, load_examples: bool) -> Iterator[tuple[EmbeddedStore, list[URIRef]]]:
    """One start of a deployment in ``tmp_path``: the store opened, the project synchronised, the store closed."""
    settings = Settings(data_dir=tmp_path / "var", project_dir=PROJECT, load_examples=load_examples)
    store = EmbeddedStore(tmp_path / "var", workers=1)
    try:
        report = synchronise_project(store, settings)
        yield store, list(report.dropped)
    finally:
        store.close()


def stored_triples(store: EmbeddedStore, graph: URIRef) -> set[ox.Triple]:
    """The triples of one named graph, read from the engine itself."""
    return {quad.triple for quad in store._store.quads_for_pattern(None, None, None, to_ox(graph))}  # type: ignore[arg-type]


def test_the_examples_folders_hold_turtle_and_json_ld() -> None:
    assert {path.suffix for path in example_files(VALID)} == {".ttl", ".jsonld"}
    assert example_files(INVALID)


def test_load_examples_puts_every_valid_example_and_no_invalid_one_in_the_examples_graph(tmp_path: Path) -> None:
    valid = example_files(VALID)
    expected = triples_of(valid)
    with started(tmp_path, load_examples=True) as (store, _):
        assert vocab.EXAMPLES_GRAPH in store.graph_names()
        stored = stored_triples(store, vocab.EXAMPLES_GRAPH)
        assert len(stored) == len(expected)
        assert ground(stored) == ground(expected)
        reports = store.select(
            "SELECT ?report WHERE { GRAPH ?g { ?report a <https://w3id.org/ipgraph/def#AnnualReport> } }"
        )
        assert len(reports) == len(valid) == 5
        in_other_graphs = store.ask(
            "ASK { GRAPH ?g { ?report a <https://w3id.org/ipgraph/def#AnnualReport> } FILTER(?g != ?examples) }",
            {"examples": vocab.EXAMPLES_GRAPH},
        )
        assert not in_other_graphs
    only_invalid = ground(triples_of(example_files(INVALID))) - ground(expected)
    assert only_invalid
    assert not only_invalid & ground(stored)


def test_without_load_examples_a_deployment_has_no_examples_graph(tmp_path: Path) -> None:
    with started(tmp_path, load_examples=False) as (store, dropped):
        assert vocab.EXAMPLES_GRAPH not in store.graph_names()
        assert vocab.PLAN_GRAPH in store.graph_names()
        assert store.triple_count(vocab.EXAMPLES_GRAPH) == 0
        assert dropped == []


def test_examples_loaded_earlier_are_dropped_when_no_longer_asked_for(tmp_path: Path) -> None:
    with started(tmp_path, load_examples=True) as (store, _):
        loaded = store.triple_count(vocab.EXAMPLES_GRAPH)
        assert loaded > 0
    with started(tmp_path, load_examples=False) as (store, dropped):
        assert dropped == [vocab.EXAMPLES_GRAPH]
        assert store.triple_count(vocab.EXAMPLES_GRAPH) == 0
        assert vocab.PLAN_GRAPH in store.graph_names()
    with started(tmp_path, load_examples=True) as (store, _):
        assert store.triple_count(vocab.EXAMPLES_GRAPH) == loaded


def test_examples_are_dropped_even_when_the_manifest_was_lost(tmp_path: Path) -> None:
    with started(tmp_path, load_examples=True) as (store, _):
        assert store.triple_count(vocab.EXAMPLES_GRAPH) > 0
    (tmp_path / "var" / MANIFEST_NAME).unlink()
    with started(tmp_path, load_examples=False) as (store, dropped):
        assert dropped == [vocab.EXAMPLES_GRAPH]
        assert vocab.EXAMPLES_GRAPH not in store.graph_names()
