"""A file longer than one transaction goes through the engine's bulk loader in batches: what it stores must be
what a transaction would have stored — visible at once (also to a query answered from a worker's snapshot),
counted once when the same triples are loaded again, named graphs of N-Quads kept, IRIs rewritten."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from ipgraph.store.base import Store
from ipgraph.store.embedded import LOAD_CHUNK

EX = "http://example.org/"
TARGET = URIRef(EX + "graph/target")
OTHER = URIRef(EX + "graph/other")
QUADS = LOAD_CHUNK * 2 + 124  # three batches, the last one partial
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def write_nquads(path: Path, base: str = EX) -> None:
    """``QUADS`` quads: every third in the named graph ``OTHER``, the others in the default graph."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(QUADS):
            graph = f" <{OTHER}>" if number % 3 == 0 else ""
            out.write(f'<{base}item{number}> <{EX}value> "{number}"^^<{INTEGER}>{graph} .\n')


def test_a_long_file_is_stored_whole_and_seen_by_worker_queries(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "long.nq"
    write_nquads(path)
    seen: list[int] = []

    assert store.load_file(path, TARGET, progress=seen.append) == QUADS

    assert seen == [LOAD_CHUNK, 2 * LOAD_CHUNK, QUADS]
    in_other = len(range(0, QUADS, 3))
    assert store.triple_count(OTHER) == in_other
    assert store.triple_count(TARGET) == QUADS - in_other
    assert store.graph_names() == sorted([OTHER, TARGET])
    last = max(number for number in range(QUADS) if number % 3)  # in the file's default graph, so in TARGET
    query = f"SELECT ?v WHERE {{ GRAPH <{TARGET}> {{ <{EX}item{last}> <{EX}value> ?v }} }}"
    assert store.select(query, timeout=30) == [{"v": Literal(last)}]


def test_loading_the_same_long_file_again_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "again.nq"
    write_nquads(path)
    store.load_file(path, TARGET)
    before = store.triple_count()

    assert store.load_file(path, TARGET) == QUADS

    assert store.triple_count() == before == QUADS


def test_a_long_file_is_moved_to_another_iri_base(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "moved.nq"
    write_nquads(path, base="http://old.example/")

    store.load_file(path, TARGET, iri_rewrite=("http://old.example/", EX + "new/"))

    assert store.ask(f"ASK {{ GRAPH <{OTHER}> {{ <{EX}new/item0> ?p ?o }} }}")
    assert not store.ask("ASK { GRAPH ?g { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://old.example/')) } }")
