"""The rewrites that let servers departing from SPARQL 1.1 (Virtuoso 7.2) give the standard's effect.

Pure text functions, checked on the forms they change and on the hostile ones they must leave alone: the same
words inside strings, IRIs and comments, unbalanced braces, odd line terminators. Their effect on a real
Virtuoso is checked by the store contract and protocol suites (``[virtuoso]`` cases).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from ipgraph.store.portable_query import FILLER, empty_graph_patterns_filled
from ipgraph.store.portable_update import expand_graph_sets, insert_data_as_template, portable_update
from ipgraph.store.remote import normalise_results_json

G1, G2 = "http://example.org/g1", "http://example.org/g2"


def names() -> list[str]:
    return [G1, G2]


def never() -> list[str]:
    raise AssertionError("the graph names were asked for an update that drops no graph set")


@pytest.mark.parametrize("operation", ["DROP ALL", "drop silent named", "CLEAR ALL", "CLEAR SILENT NAMED"])
def test_a_dropped_graph_set_is_preceded_by_each_graph_by_name(operation: str) -> None:
    verb = operation.split()[0].upper()
    rewritten = expand_graph_sets(f"PREFIX ex: <http://example.org/>\n{operation}", names)
    assert rewritten == (
        f"PREFIX ex: <http://example.org/>\n{verb} SILENT GRAPH <{G1}> ;\n{verb} SILENT GRAPH <{G2}> ;\n{operation}"
    )
    ox.Store().update(rewritten)  # still one valid update


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { <urn:a> <urn:b> "DROP ALL" }',
        "# DROP ALL\nINSERT DATA { <urn:a> <urn:b> <urn:DROP-ALL> }",
        "DROP GRAPH <urn:all>",
        "CLEAR DEFAULT",
        "DROP SILENT GRAPH <urn:g> ;\r\nCLEAR\rGRAPH <urn:named>",
    ],
)
def test_graph_set_words_elsewhere_change_nothing(update: str) -> None:
    assert expand_graph_sets(update, never) == update


def test_insert_data_with_blank_nodes_becomes_a_template_once() -> None:
    update = "INSERT DATA { GRAPH <urn:g> { _:a <urn:p> [ <urn:q> (1 2) ] } } ;\nINSERT DATA { <urn:s> <urn:p> 1 }"
    rewritten = insert_data_as_template(update)
    assert rewritten == (
        "INSERT  { GRAPH <urn:g> { _:a <urn:p> [ <urn:q> (1 2) ] } } WHERE { } ;\nINSERT DATA { <urn:s> <urn:p> 1 }"
    )
    store = ox.Store()
    store.update(rewritten)
    assert len(store) == 2 + 1 + 4  # the labelled node's triple, the anonymous node's, a two-item list, the plain one


def test_a_blank_node_label_alone_is_enough_to_become_a_template() -> None:
    update = "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> _:N0996 . _:N0996 <urn:q> 1 } }"
    assert insert_data_as_template(update) == update.replace("DATA ", " ", 1) + " WHERE { }"


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { <urn:s> <urn:p> "_:not-a-node [ ( " }',
        "INSERT DATA { <urn:s> <urn:p> <urn:_:x> }  # _:comment [",
        "INSERT { _:a <urn:p> 1 } WHERE { }",
        "INSERT DATA { _:a <urn:p> 1 ",  # unbalanced: the server reports it on the text as written
        "",
    ],
)
def test_inserts_without_blank_nodes_in_data_are_left_alone(update: str) -> None:
    assert insert_data_as_template(update) == update


def test_portable_update_asks_for_graph_names_only_when_needed() -> None:
    assert portable_update("INSERT DATA { <urn:s> <urn:p> 1 }", never) == "INSERT DATA { <urn:s> <urn:p> 1 }"


def test_an_empty_graph_pattern_asks_for_a_triple() -> None:
    query = 'ASK { GRAPH <urn:g> { } FILTER("GRAPH <urn:x> { }" != "") GRAPH ?g {\n} }'
    assert empty_graph_patterns_filled(query) == (
        f'ASK {{ GRAPH <urn:g> {{ {FILLER}  }} FILTER("GRAPH <urn:x> {{ }}" != "") GRAPH ?g {{ {FILLER} \n}} }}'
    )
    assert empty_graph_patterns_filled("ASK { GRAPH <urn:g> { ?s ?p ?o } }") == "ASK { GRAPH <urn:g> { ?s ?p ?o } }"


def test_virtuoso_json_forms_become_sparql_1_1_json() -> None:
    body = json.dumps(
        {
            "head": {"link": [], "vars": ["b", "n", "t", "s"]},
            "results": {
                "bindings": [
                    {
                        "b": {"type": "bnode", "value": "nodeID://b10001"},
                        "n": {
                            "type": "typed-literal",
                            "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                            "value": "5",
                        },
                        "t": {
                            "type": "typed-literal",
                            "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                            "value": "1",
                        },
                        "s": {"type": "literal", "xml:lang": "vi", "value": "Thái Bình"},
                    }
                ]
            },
        }
    ).encode()
    solutions = ox.parse_query_results(normalise_results_json(body), ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    [row] = list(solutions)
    assert row["b"] == ox.BlankNode("b10001")
    assert row["n"] == ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert row["t"] == ox.Literal(True)
    assert row["s"] == ox.Literal("Thái Bình", language="vi")


@pytest.mark.parametrize("body", [b'{"head": {"vars": []}, "results": {"bindings": []}}', b"not json", b'["bnode"]'])
def test_other_answers_pass_unchanged(body: bytes) -> None:
    assert normalise_results_json(body) == body
