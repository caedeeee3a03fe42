"""``EmbeddedStore.in_memory_copy``: whole-store re-validation reads its quads from it, so it must hold every quad
(named graphs, the default graph, blank nodes, literals as stored) and stay apart from the store afterwards."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ipgraph.store.embedded import EmbeddedStore

TURTLE = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "x"@vi , "1"^^xsd:integer , "mười"^^xsd:decimal ;
    ex:q [ ex:r ex:b ] .
"""
NAMED = URIRef("http://example.org/graph")


def test_the_copy_holds_every_quad_and_is_independent(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path, workers=1)
    try:
        data = Graph().parse(data=TURTLE, format="turtle")
        store.replace_graph(NAMED, data)
        store.add_to_graph(None, data)
        dumped = store.dump(None, "application/n-quads")
        assert dumped is not None
        copy = store.in_memory_copy()
        assert len(copy) == store.triple_count() == 10
        assert sorted(copy.dump(format=ox.RdfFormat.N_QUADS).splitlines()) == sorted(dumped.splitlines())
        assert {str(quad.graph_name) for quad in copy} == {"DEFAULT", f"<{NAMED}>"}
        copy.clear()
        store.drop_graph(NAMED)
        assert len(copy) == 0 and store.triple_count() == 5
        again = store.in_memory_copy()
        assert len(again) == 5
    finally:
        store.close()
