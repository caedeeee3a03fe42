"""The write stamp: two remote stores on one real ``oxigraph serve`` (two service processes) see each other's writes
through :attr:`generation`, whatever the kind of write, and the stamp never changes what an update does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from servers import OxigraphServer, VirtuosoServer, remote_on_virtuoso

from ipgraph.errors import QuerySyntaxError
from ipgraph.store.base import GraphChange, UpdateRequest
from ipgraph.store.remote import RemoteStore
from ipgraph.store.write_stamp import STAMP_QUERY, SYSTEM_GRAPH

G = URIRef("urn:x:g")


def replica(server: OxigraphServer) -> RemoteStore:
    return RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=10.0, stamp_writes=True)


def data(value: str) -> Graph:
    graph = Graph()
    graph.add((URIRef("urn:x:s"), URIRef("urn:x:p"), Literal(value)))
    return graph


WRITES: dict[str, Callable[[RemoteStore, Path], object]] = {
    "update": lambda store, _: store.update(UpdateRequest("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")),
    "update ending in a comment": lambda store, _: store.update(
        UpdateRequest("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 2 } } # INSERT ; done")
    ),
    "update ending in ;": lambda store, _: store.update(UpdateRequest("CLEAR SILENT GRAPH <urn:x:none> ;")),
    "write": lambda store, _: store.write([GraphChange(G, data("w"), replace=True)]),
    "replace_graph": lambda store, _: store.replace_graph(G, data("r")),
    "add_to_graph": lambda store, _: store.add_to_graph(G, data("a")),
    "drop_graph": lambda store, _: store.drop_graph(G),
    "clear_default_graph": lambda store, _: store.clear_default_graph(),
    "load_file (Graph Store)": lambda store, tmp: store.load_file(_turtle(tmp), G),
}


def _turtle(tmp: Path) -> Path:
    path = tmp / "data.ttl"
    path.write_text("<urn:x:s> <urn:x:p> 'loaded' .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_write_through_one_replica_moves_the_generation_the_other_reads(
    kind: str, private_oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    writer, reader = replica(private_oxigraph), replica(private_oxigraph)
    before = reader.generation
    assert reader.generation == before  # reading it changes nothing
    reader.select("SELECT * WHERE { ?s ?p ?o }")
    assert reader.generation == before  # nor does a query
    WRITES[kind](writer, tmp_path)
    assert reader.generation != before
    assert SYSTEM_GRAPH in reader.graph_names()


def test_an_update_without_operations_is_sent_unchanged_and_stamps_nothing(private_oxigraph: OxigraphServer) -> None:
    store = replica(private_oxigraph)
    store.update(UpdateRequest("PREFIX ex: <urn:ex:>"))
    assert store.graph_names() == []


@pytest.mark.parametrize(
    "hostile",
    [
        'INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "} ; DROP ALL ; #" } }',
        "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 3 } } ; ;",
        "DELETE WHERE { GRAPH <urn:x:g> { ?s ?p ?o } } # ; INSERT DATA { <urn:x:x> <urn:x:y> 4 }",
    ],
)
def test_the_stamp_cannot_be_steered_by_the_update_text(hostile: str, private_oxigraph: OxigraphServer) -> None:
    store = replica(private_oxigraph)
    store.update(UpdateRequest("INSERT DATA { GRAPH <urn:x:keep> { <urn:x:a> <urn:x:b> 0 } }"))
    try:
        store.update(UpdateRequest(hostile))
    except QuerySyntaxError:
        assert hostile.endswith("; ;")  # invalid as sent by the client, not made invalid by the stamp
    assert URIRef("urn:x:keep") in store.graph_names()  # nothing in a string or comment became an operation
    assert len(store.select("SELECT ?o WHERE { GRAPH <urn:x:x> { ?s ?p ?o } }")) == 0


def test_two_stamps_written_at_once_are_replaced_by_the_next_write(private_oxigraph: OxigraphServer) -> None:
    store = replica(private_oxigraph)
    plain = RemoteStore(private_oxigraph.query_url, private_oxigraph.update_url)  # sends no stamp of its own
    subject = f"<{SYSTEM_GRAPH}>"
    plain.update(  # what two writes committed at the same moment leave: two stamps side by side
        UpdateRequest(
            f"INSERT DATA {{ GRAPH {subject} {{ {subject} <{DCTERMS.identifier}> 'urn:uuid:a', 'urn:uuid:b' . "
            f"{subject} <urn:x:other> 'kept' }} }}"
        )
    )
    two = store.generation
    store.update(UpdateRequest("CLEAR SILENT GRAPH <urn:x:none>"))
    rows = store.select(STAMP_QUERY)
    assert len(rows) == 1 and str(rows[0]["stamp"]).startswith("urn:uuid:")
    assert store.generation != two
    assert store.ask(f"ASK {{ GRAPH {subject} {{ {subject} <urn:x:other> 'kept' }} }}")


def test_virtuoso_takes_the_stamp_with_every_kind_of_write(virtuoso_server: VirtuosoServer, tmp_path: Path) -> None:
    writer, reader = (remote_on_virtuoso(virtuoso_server) for _ in range(2))
    writer.update(UpdateRequest("DROP SILENT ALL"))
    for store in (writer, reader):
        store.stamp_writes = True  # as RemoteStore.from_settings makes the service's store
    # Virtuoso has no plain default graph to clear (tests/virtuoso_differences.toml, SP031).
    for kind in sorted(set(WRITES) - {"clear_default_graph"}):
        before = reader.generation
        WRITES[kind](writer, tmp_path)
        assert reader.generation != before, kind
    assert len(reader.select(STAMP_QUERY)) == 1
