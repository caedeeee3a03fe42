"""The shape compiler refuses, loudly, every construct it cannot translate exactly (issue 14): a shape is never
silently skipped. Each case adds one construct to the real report shapes and expects UnsupportedShapeError naming
it; the real shapes themselves compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from ipgraph.reports.shape_compiler import DataProfile, compile_shapes
from ipgraph.reports.sparql_rewrite import MAX_DEPTH, UnsupportedShapeError, rewrite_select

PROJECT = Path(__file__).resolve().parents[2]
SHAPES = (PROJECT / "shapes" / "report.shapes.ttl").read_text(encoding="utf-8")
NO_DATA = DataProfile(frozenset(), frozenset())
PREFIXES = """
@prefix ipg: <https://w3id.org/ipgraph/def#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""


def shapes_with(extra: str) -> Graph:
    graph = Graph()
    graph.parse(data=SHAPES + "\n" + PREFIXES + extra, format="turtle")
    return graph


def sparql_shape(select: str) -> str:
    return f"""
ipg:ExtraShape a sh:NodeShape ; sh:targetClass ipg:AnnualReport ; sh:sparql [ a sh:SPARQLConstraint ;
    sh:prefixes ipg:ReportShapes ; sh:select \"\"\"{select}\"\"\" ] .
"""


def property_shape(body: str) -> str:
    return f"ipg:ExtraShape a sh:NodeShape ; sh:targetClass ipg:AnnualReport ; sh:property [ {body} ] ."


def test_the_report_shapes_compile() -> None:
    compiled = compile_shapes(shapes_with(""), NO_DATA)
    assert len(compiled.checks) > 40
    assert all("?ipgraph_graph" in check.query for check in compiled.checks)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (property_shape("sh:path ipg:account ; sh:minLength 2"), "minLength"),
        (property_shape("sh:path [ sh:zeroOrMorePath ipg:account ] ; sh:minCount 1"), "not supported"),
        (property_shape("sh:path ipg:account ; sh:node ipg:ReportShape"), "node"),
        (property_shape("sh:path ipg:account ; sh:datatype xsd:anyURI"), "anyURI"),
        (property_shape("sh:path ipg:account ; sh:pattern 'a', 'b'"), "pattern"),
        ("ipg:ExtraShape a sh:NodeShape ; sh:targetClass ipg:AnnualReport ; sh:or ( ipg:ReportShape ) .", "or"),
        ("ipg:ExtraShape a sh:NodeShape ; sh:targetNode ipg:x ; sh:nodeKind sh:IRI .", "targetNode"),
        ("ipg:Dangling sh:path ipg:account ; sh:minCount 1 .", "sh:property"),
        (sparql_shape("SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }"), "GRAPH"),
        (sparql_shape("SELECT $this WHERE { SERVICE <http://127.0.0.1/> { $this ?p ?o } }"), "SERVICE"),
        (sparql_shape("SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }"), "SELECT"),
        (sparql_shape("SELECT $this WHERE { VALUES ?x { 1 } $this ?p ?x }"), "VALUES"),
        (sparql_shape("SELECT $this WHERE { $this ipg:part* ?x }"), "modifier"),
        (sparql_shape("SELECT $this WHERE { $this !ipg:part ?x }"), "path element"),
        (sparql_shape("SELECT $this WHERE { $this ipg:part [ ipg:x 1 ] }"), "blank nodes"),
        (sparql_shape("SELECT $this WHERE { $this ipg:part _:b }"), "blank node"),
        (sparql_shape("SELECT $this WHERE { $this ipg:part ?x } ORDER BY ?x"), "ORDER"),
        (sparql_shape("SELECT $this (1 AS ?n) WHERE { $this ipg:part ?x }"), "plain variables"),
        (sparql_shape("SELECT $this ?failure WHERE { $this ipg:part ?failure }"), "failure"),
        (sparql_shape("SELECT $this WHERE { $this ipg:part ?ipgraph_graph }"), "reserves"),
        (sparql_shape("SELECT $this WHERE { $this nope:part ?x }"), "nope"),
        (sparql_shape("SELECT ?x WHERE { ?x ipg:part ?y }"), "must project"),
    ],
)
def test_an_unsupported_construct_fails_loudly(extra: str, named: str) -> None:
    with pytest.raises(UnsupportedShapeError, match=named):
        compile_shapes(shapes_with(extra), NO_DATA)


def test_a_deactivated_shape_is_left_out_by_shacl_rules_not_by_the_compiler() -> None:
    base = len(compile_shapes(shapes_with(""), NO_DATA).checks)
    extra = property_shape("sh:path ipg:account ; sh:minCount 3")
    assert len(compile_shapes(shapes_with(extra), NO_DATA).checks) == base + 1
    off = extra.replace("sh:property [", "sh:deactivated true ; sh:property [")
    assert len(compile_shapes(shapes_with(off), NO_DATA).checks) == base


def test_hostile_query_texts() -> None:
    deep = "SELECT $this WHERE " + "{ " * (MAX_DEPTH + 1) + "$this <urn:p> ?o " + "} " * (MAX_DEPTH + 1)
    with pytest.raises(UnsupportedShapeError, match="nests"):
        rewrite_select(deep, {})
    with pytest.raises(UnsupportedShapeError, match="ends too early"):
        rewrite_select("SELECT $this WHERE { $this <urn:p>", {})
    with pytest.raises(UnsupportedShapeError, match="cannot read"):
        rewrite_select("SELECT $this WHERE { $this <urn:p> ?o } \x00", {})
    # Bare CR, CRLF and form feeds are white space, as for the engine.
    odd = "SELECT $this\rWHERE {\r\n$this <urn:p> ?o .\x0cFILTER (?o != 1)\r}"
    assert "FILTER" in rewrite_select(odd, {}).where
