"""A bulk load longer than one transaction is still all or nothing: a generated file of more quads than
:data:`~ipgraph.store.embedded.LOAD_CHUNK`, broken near its end, leaves the store as it was, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ipgraph.errors import RdfSyntaxError
from ipgraph.store.base import GraphChange, Store
from ipgraph.store.embedded import LOAD_CHUNK

EX = "http://example.org/"
EXISTING = URIRef(EX + "graph/existing")
TARGET = URIRef(EX + "graph/target")
LINES = LOAD_CHUNK // 2 + 1_000  # four quads a line: three transactions' worth


def write_generated_file(path: Path, *, broken: bool) -> int:
    """A Turtle file of ``LINES`` triples (blank nodes among them); ``broken`` leaves the string of the
    second-to-last triple unterminated. Returns the line number of that triple."""
    lines = [f"@prefix ex: <{EX}> ."]
    for number in range(LINES):
        lines.append(f'ex:item{number} ex:value {number} ; ex:label "item {number}" ; ex:part [ ex:rank {number} ] .')
    bad_line = len(lines) - 1  # the second-to-last triple line, as a 1-based line number
    if broken:
        lines[bad_line - 1] = f'ex:item{LINES - 2} ex:label "never closed .'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad_line


def snapshot(store: Store) -> dict[URIRef, set[tuple[object, object, object]]]:
    """Every named graph's triples (no blank nodes in the seed data, so sets compare)."""
    return {name: set(store.read_graph(name)) for name in store.graph_names()}


def test_a_broken_file_longer_than_one_transaction_leaves_the_store_unchanged(store: Store, tmp_path: Path) -> None:
    seed = {(URIRef(EX + "kept"), URIRef(EX + "label"), Literal("already here"))}
    store.write([GraphChange(EXISTING, _graph(seed)), GraphChange(TARGET, _graph(seed))])
    before = snapshot(store)
    path = tmp_path / "big-broken.ttl"
    bad_line = write_generated_file(path, broken=True)

    with pytest.raises(RdfSyntaxError) as caught:
        store.load_file(path, TARGET)

    assert caught.value.line == bad_line
    assert "big-broken.ttl" in str(caught.value)
    assert snapshot(store) == before
    assert store.triple_count() == 2


def test_the_mended_file_then_loads_whole_with_its_blank_nodes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    write_generated_file(path, broken=False)
    seen: list[int] = []
    assert store.load_file(path, TARGET, progress=seen.append) == LINES * 4 > 2 * LOAD_CHUNK
    assert seen[-1] == LINES * 4
    assert store.triple_count(TARGET) == LINES * 4
    rank = store.select(f"SELECT ?rank WHERE {{ <{EX}item{LINES - 1}> <{EX}part> ?part . ?part <{EX}rank> ?rank }}")
    assert rank == [{"rank": Literal(LINES - 1)}]


def _graph(triples: set[tuple[URIRef, URIRef, Literal]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph
