"""The store interface behaves the same on the embedded engine and on a remote SPARQL 1.1 server."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ipgraph.errors import InputError, QuerySyntaxError, RdfSyntaxError
from ipgraph.store.base import GraphChange, QueryRequest, Store, UpdateRequest

EX = "http://example.org/"
G1, G2, G3 = URIRef(EX + "g1"), URIRef(EX + "g2"), URIRef(EX + "g3")
ALICE, BOB, CAROL = URIRef(EX + "alice"), URIRef(EX + "bob"), URIRef(EX + "carol")
NAME, KNOWS, AGE = URIRef(EX + "name"), URIRef(EX + "knows"), URIRef(EX + "age")

PEOPLE = f"""
PREFIX ex: <{EX}>
INSERT DATA {{
  GRAPH ex:g1 {{ ex:alice ex:name "Alice", "Ái"@vi ; ex:age 31 ; ex:knows ex:bob .
                ex:bob ex:name "Bob" ; ex:age 42 ; ex:knows ex:carol . }}
  GRAPH ex:g2 {{ ex:carol ex:name "Carol" ; ex:age 27 . }}
}}
"""


@pytest.fixture
def people(store: Store) -> Store:
    """The store holding two small graphs: g1 (alice, bob) and g2 (carol)."""
    store.update(UpdateRequest(PEOPLE))
    return store


# -- query forms ------------------------------------------------------------------------------------------------


def test_select_returns_rdflib_terms_over_the_union_of_named_graphs(people: Store) -> None:
    rows = people.select(f"SELECT ?who ?age WHERE {{ ?who <{AGE}> ?age }} ORDER BY ?age")
    assert rows == [
        {"who": CAROL, "age": Literal(27)},
        {"who": ALICE, "age": Literal(31)},
        {"who": BOB, "age": Literal(42)},
    ]


def test_select_leaves_unbound_variables_out_of_a_row(people: Store) -> None:
    rows = people.select(
        f"SELECT ?who ?friend WHERE {{ ?who <{AGE}> ?age OPTIONAL {{ ?who <{KNOWS}> ?friend }} }} ORDER BY ?age"
    )
    assert rows == [{"who": CAROL}, {"who": ALICE, "friend": BOB}, {"who": BOB, "friend": CAROL}]


def test_bindings_are_rdf_terms_even_for_variables_not_selected(people: Store) -> None:
    query = f"SELECT ?name WHERE {{ ?who <{NAME}> ?name }} ORDER BY ?name"
    assert people.select(query, {"who": ALICE}) == [{"name": Literal("Alice")}, {"name": Literal("Ái", lang="vi")}]
    hostile = Literal('x" } ?who ?p ?o . FILTER("1')
    assert people.select(f"SELECT ?who WHERE {{ ?who <{NAME}> ?name }}", {"name": hostile}) == []


def test_ask_answers_true_and_false(people: Store) -> None:
    assert people.ask(f"ASK {{ ?x <{KNOWS}> ?y }}", {"x": ALICE}) is True
    assert people.ask(f"ASK {{ ?x <{KNOWS}> ?y }}", {"x": CAROL}) is False


def test_construct_and_describe_return_graphs(people: Store) -> None:
    graph = people.construct(f"CONSTRUCT {{ ?y <{KNOWS}> ?x }} WHERE {{ ?x <{KNOWS}> ?y }}")
    assert set(graph) == {(BOB, KNOWS, ALICE), (CAROL, KNOWS, BOB)}
    described = people.construct(f"DESCRIBE <{CAROL}>")
    assert set(described) == {(CAROL, NAME, Literal("Carol")), (CAROL, AGE, Literal(27))}


def test_from_clause_chooses_one_graph(people: Store) -> None:
    rows = people.select(f"SELECT ?who FROM <{G2}> WHERE {{ ?who <{NAME}> ?name }}")  # noqa: S608 - SPARQL
    assert rows == [{"who": CAROL}]


# -- protocol execution -----------------------------------------------------------------------------------------


SELECT_AGES = f"SELECT ?who ?age WHERE {{ ?who <{AGE}> ?age }} ORDER BY ?age"


def test_execute_writes_sparql_json(people: Store) -> None:
    outcome = people.execute(QueryRequest(SELECT_AGES, "application/sparql-results+json"))
    document = json.loads(outcome.body)
    assert (outcome.kind, outcome.media_type, outcome.truncated) == (
        "bindings",
        "application/sparql-results+json",
        False,
    )
    assert document["head"]["vars"] == ["who", "age"]
    whos = [binding["who"]["value"] for binding in document["results"]["bindings"]]
    assert whos == [str(CAROL), str(ALICE), str(BOB)]
    assert document["results"]["bindings"][0]["age"] == {"type": "literal", "value": "27", "datatype": str(XSD.integer)}


@pytest.mark.parametrize(
    ("media_type", "expected_rows"),
    [
        ("text/csv", [["who", "age"], [EX + "carol", "27"], [EX + "alice", "31"], [EX + "bob", "42"]]),
        (
            "text/tab-separated-values",
            [["?who", "?age"], [f"<{EX}carol>", "27"], [f"<{EX}alice>", "31"], [f"<{EX}bob>", "42"]],
        ),
    ],
)
def test_execute_writes_csv_and_tsv(people: Store, media_type: str, expected_rows: list[list[str]]) -> None:
    outcome = people.execute(QueryRequest(SELECT_AGES, media_type))
    delimiter = "," if media_type == "text/csv" else "\t"
    rows = list(csv.reader(io.StringIO(outcome.body.decode()), delimiter=delimiter))
    assert outcome.media_type == media_type
    assert rows == expected_rows


def test_execute_writes_sparql_xml(people: Store) -> None:
    outcome = people.execute(QueryRequest(f"ASK {{ <{ALICE}> <{KNOWS}> <{BOB}> }}", "application/sparql-results+xml"))
    assert outcome.kind == "boolean"
    assert b"<boolean>true</boolean>" in outcome.body


@pytest.mark.parametrize(
    "media_type", ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
)
def test_execute_writes_graphs_in_each_rdf_format(people: Store, media_type: str) -> None:
    outcome = people.execute(QueryRequest(f"CONSTRUCT WHERE {{ ?s <{NAME}> ?o }}", media_type))
    assert (outcome.kind, outcome.media_type) == ("graph", media_type)
    parsed = ox.parse(outcome.body, format=ox.RdfFormat.from_media_type(media_type))
    name = ox.NamedNode(str(NAME))
    assert {quad.triple for quad in parsed} == {
        ox.Triple(ox.NamedNode(str(ALICE)), name, ox.Literal("Alice")),
        ox.Triple(ox.NamedNode(str(ALICE)), name, ox.Literal("Ái", language="vi")),
        ox.Triple(ox.NamedNode(str(BOB)), name, ox.Literal("Bob")),
        ox.Triple(ox.NamedNode(str(CAROL)), name, ox.Literal("Carol")),
    }


def test_execute_uses_the_protocol_dataset(people: Store) -> None:
    query = f"SELECT ?who WHERE {{ ?who <{AGE}> ?age }}"
    only_g2 = people.execute(QueryRequest(query, "application/sparql-results+json", default_graph_uris=[str(G2)]))
    assert [b["who"]["value"] for b in json.loads(only_g2.body)["results"]["bindings"]] == [str(CAROL)]
    named = people.execute(
        QueryRequest("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv", named_graph_uris=[str(G1)])
    )
    assert set(named.body.decode().split()[1:]) == {str(G1)}


def test_row_cap_cuts_solutions_and_triples_and_says_so(people: Store) -> None:
    cut = people.execute(QueryRequest(SELECT_AGES, "application/sparql-results+json", row_limit=2))
    assert cut.truncated is True
    assert len(json.loads(cut.body)["results"]["bindings"]) == 2
    whole = people.execute(QueryRequest(SELECT_AGES, "application/sparql-results+json", row_limit=3))
    assert whole.truncated is False
    triples = people.execute(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples", row_limit=4))
    assert triples.truncated is True
    assert len(Graph().parse(data=triples.body, format="nt")) == 4


def test_query_syntax_error_carries_the_position(store: Store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        store.select("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p }")
    assert (caught.value.line, caught.value.column) == (3, 10)  # the engine's position, the same in both modes
    assert "3:10" in str(caught.value)


def test_update_syntax_error_carries_the_position_and_changes_nothing(people: Store) -> None:
    before = people.triple_count()
    with pytest.raises(QuerySyntaxError) as caught:
        people.update(UpdateRequest(f'INSERT DATA {{ <{ALICE}> <{NAME}> "A" }} ;\nINSERT DATA {{ <{BOB}> }}'))
    assert caught.value.line == 2
    assert people.triple_count() == before


# -- updates and graphs -----------------------------------------------------------------------------------------


def test_update_with_protocol_using_graph(people: Store) -> None:
    copy = f"INSERT {{ GRAPH <{G3}> {{ ?s <{NAME}> ?o }} }} WHERE {{ ?s <{NAME}> ?o }}"
    people.update(UpdateRequest(copy, using_graph_uris=[str(G2)]))
    assert set(people.read_graph(G3)) == {(CAROL, NAME, Literal("Carol"))}


def test_graph_names_and_triple_counts(people: Store) -> None:
    assert people.graph_names() == [G1, G2]
    assert (people.triple_count(G1), people.triple_count(G2), people.triple_count(G3)) == (7, 2, 0)
    assert people.triple_count() == 9


def test_write_replaces_or_extends_graphs_atomically_and_keeps_blank_nodes(people: Store) -> None:
    address = BNode()
    replacement = Graph()
    replacement.add((ALICE, URIRef(EX + "address"), address))
    replacement.add((address, RDF.type, URIRef(EX + "Address")))
    replacement.add((address, URIRef(EX + "city"), Literal("Thái Bình")))
    extra = Graph()
    extra.add((CAROL, KNOWS, ALICE))
    people.write([GraphChange(G1, replacement), GraphChange(G2, extra, replace=False)])
    assert people.triple_count(G1) == 3
    rows = people.select(f"SELECT ?city WHERE {{ <{ALICE}> <{EX}address> ?a . ?a <{EX}city> ?city }}")
    assert rows == [{"city": Literal("Thái Bình")}]
    assert (CAROL, KNOWS, ALICE) in people.read_graph(G2)
    assert people.triple_count(G2) == 3


def test_replace_graph_holds_exactly_the_new_triples_and_keeps_blank_nodes_and_odd_literals(people: Store) -> None:
    address = BNode()
    replacement = Graph()
    replacement.add((ALICE, URIRef(EX + "address"), address))
    replacement.add((address, URIRef(EX + "city"), Literal('Thái "Bình"\r\nline\u2028end\\')))
    people.replace_graph(G1, replacement)
    assert people.triple_count(G1) == 2
    rows = people.select(f"SELECT ?city WHERE {{ <{ALICE}> <{EX}address> ?a . ?a <{EX}city> ?city }}")
    assert rows == [{"city": Literal('Thái "Bình"\r\nline\u2028end\\')}]
    assert people.triple_count(G2) == 2


def test_replace_graph_with_nothing_empties_it(people: Store) -> None:
    people.replace_graph(G1, Graph())
    assert people.triple_count(G1) == 0
    assert people.graph_names() == [G2]


def test_add_to_graph_merges_and_create_graph_keeps_what_is_there(people: Store) -> None:
    extra = Graph()
    extra.add((CAROL, KNOWS, ALICE))
    people.add_to_graph(G2, extra)
    people.add_to_graph(G3, extra)
    people.create_graph(G2)
    people.add_to_graph(G1, Graph())
    assert (people.triple_count(G1), people.triple_count(G2), people.triple_count(G3)) == (7, 3, 1)
    assert (CAROL, KNOWS, ALICE) in people.read_graph(G2)


def test_a_graph_write_whose_iri_would_break_the_update_is_refused_and_changes_nothing(people: Store) -> None:
    data = Graph()
    data.add((URIRef(EX + "a> } ; DROP ALL ; INSERT DATA { <x"), NAME, Literal("x")))
    with pytest.raises(InputError, match="IRI"):
        people.replace_graph(G1, data)
    assert people.triple_count(G1) == 7


def test_read_graph_copies_one_graph(people: Store) -> None:
    graph = people.read_graph(G2)
    assert graph.identifier == G2
    assert set(graph) == {(CAROL, NAME, Literal("Carol")), (CAROL, AGE, Literal(27))}
    assert len(people.read_graph(G3)) == 0


def test_drop_graph_says_whether_it_existed(people: Store) -> None:
    assert people.drop_graph(G2) is True
    assert people.drop_graph(G2) is False
    assert people.graph_names() == [G1]


def test_dataset_copies_every_named_graph(people: Store) -> None:
    dataset = people.dataset()
    assert len(dataset.graph(G1)) == 7
    assert len(dataset.graph(G2)) == 2


# -- bulk loading -----------------------------------------------------------------------------------------------


def test_load_turtle_into_a_graph_with_progress(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(
        f'@prefix ex: <{EX}> .\nex:alice ex:name "Alice" ; ex:knows [ ex:name "Dan" ] .\n', encoding="utf-8"
    )
    seen: list[int] = []
    assert store.load_file(path, G1, progress=seen.append) == 3
    assert seen[-1] == 3
    assert store.triple_count(G1) == 3
    assert store.select(f"SELECT ?n WHERE {{ <{ALICE}> <{KNOWS}> ?f . ?f <{NAME}> ?n }}") == [{"n": Literal("Dan")}]


def test_load_trig_keeps_its_named_graphs(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.trig"
    path.write_text(
        f'@prefix ex: <{EX}> .\nex:alice ex:name "Alice" .\nex:g2 {{ ex:carol ex:name "Carol" . }}\n', encoding="utf-8"
    )
    assert store.load_file(path, G1) == 2
    assert store.graph_names() == [G1, G2]
    assert set(store.read_graph(G2)) == {(CAROL, NAME, Literal("Carol"))}


def test_load_rewrites_the_iri_base(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.nt"
    path.write_text(f'<{EX}alice> <{EX}name> "Alice" .\n', encoding="utf-8")
    graph = URIRef("http://graphs.example/people")
    store.load_file(path, graph, iri_rewrite=(EX, "http://other.example/"))
    assert set(store.read_graph(graph)) == {
        (URIRef("http://other.example/alice"), URIRef("http://other.example/name"), Literal("Alice"))
    }


def test_load_of_a_broken_file_names_the_line_and_loads_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(f'@prefix ex: <{EX}> .\nex:alice ex:name "Alice" .\nex:bob ex:name "Bob\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as caught:
        store.load_file(path, G1)
    assert caught.value.line == 3
    assert "broken.ttl" in str(caught.value)
    assert store.triple_count() == 0


def test_load_of_an_unknown_format_says_which_extensions_work(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.ttl"):
        store.load_file(path, G1)


def test_load_in_several_chunks_keeps_blank_nodes_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipgraph.store import embedded, remote

    monkeypatch.setattr(embedded, "LOAD_CHUNK", 2)
    monkeypatch.setattr(remote, "LOAD_CHUNK", 2)
    path = tmp_path / "chunks.ttl"
    path.write_text(
        f'@prefix ex: <{EX}> .\nex:alice ex:knows [ ex:name "Dan" ; ex:age 40 ; ex:knows [ ex:name "Eve" ] ] .\n',
        encoding="utf-8",
    )
    seen: list[int] = []
    assert store.load_file(path, G1, progress=seen.append) == 5
    assert seen[:2] == [2, 4]
    assert seen[-1] == 5
    rows = store.select(
        f"SELECT ?n WHERE {{ <{ALICE}> <{KNOWS}> ?dan . ?dan <{AGE}> 40 ; <{KNOWS}> ?eve . ?eve <{NAME}> ?n }}"
    )
    assert rows == [{"n": Literal("Eve")}]
