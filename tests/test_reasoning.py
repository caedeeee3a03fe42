"""HermiT through owlready2: consistency, inferred memberships and inverse links, and no network."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ipgraph.reasoning import reason

EX = "http://example.org/"
TOY = """
@prefix : <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/onto> a owl:Ontology .
:Duty a owl:Class ; rdfs:subClassOf :Activity . :Activity a owl:Class .
:Target a owl:Class ; owl:disjointWith :Duty .
:isPartOf a owl:ObjectProperty ; owl:inverseOf :hasPart . :hasPart a owl:ObjectProperty .
:d1 a :Duty ; :isPartOf :section .
:section a :Section . :Section a owl:Class .
"""


@pytest.fixture
def trap() -> Iterator[list[tuple[str, int]]]:
    """A listening socket on 127.0.0.1 that records every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections: list[tuple[str, int]] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except TimeoutError:
                continue
            connections.append(address)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    connections.append(("port", server.getsockname()[1]))
    yield connections
    stop.set()
    thread.join()
    server.close()


def test_consistent_graph_yields_memberships_and_inverse_links() -> None:
    result = reason(Graph().parse(data=TOY, format="turtle"))
    assert result.consistent
    assert (URIRef(EX + "d1"), RDF.type, URIRef(EX + "Activity")) in result.inferred
    assert (URIRef(EX + "section"), URIRef(EX + "hasPart"), URIRef(EX + "d1")) in result.inferred
    assert (URIRef(EX + "d1"), RDF.type, URIRef(EX + "Duty")) not in result.inferred, "stated, not inferred"


def test_contradiction_is_found() -> None:
    graph = Graph().parse(data=TOY + ":d1 a :Target .", format="turtle")
    result = reason(graph)
    assert not result.consistent
    assert len(result.inferred) == 0
    assert "inconsistent" in result.message


def test_imports_are_dropped_and_never_fetched(trap: list[tuple[str, int]]) -> None:
    port = trap.pop(0)[1]
    imported = f"http://127.0.0.1:{port}/ontology.ttl"
    graph = Graph().parse(data=TOY + f"<http://example.org/onto> owl:imports <{imported}> .", format="turtle")
    result = reason(graph)
    assert result.consistent
    assert result.ignored_imports == (imported,)
    assert trap == []
