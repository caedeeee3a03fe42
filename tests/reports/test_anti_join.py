"""A SHACL-SPARQL ``FILTER NOT EXISTS`` that reads the plan alone runs as ``MINUS`` in whole-store re-validation,
and only where both give the same rows.

Each case is a constraint text, run the way the shape compiler runs it (versions in named graphs, the plan in the
default graph) over a small dataset built to tell the two operators apart. The rewritten query must give the rows
of the same query with every negation kept as ``FILTER NOT EXISTS``; for the forms that must stay a filter, a
``MINUS`` put in its place gives other rows, which shows the dataset can catch a wrong conversion.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ipgraph.reports.sparql_rewrite import GRAPH_VARIABLE, rewrite_select

EX = "http://example.org/"
PLAN_PREDICATES = {f"<{EX}assigned>", f"<{EX}kind>"}
DATA = f"""
<{EX}d1> <{EX}assigned> <{EX}o1> .
<{EX}d3> <{EX}assigned> <{EX}o9> .
<{EX}o1> <{EX}kind> <{EX}lead> .
<{EX}r1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Report> <{EX}g1> .
<{EX}r1> <{EX}org> <{EX}o1> <{EX}g1> .
<{EX}r1> <{EX}about> <{EX}d1> <{EX}g1> .
<{EX}r1> <{EX}about> <{EX}d2> <{EX}g1> .
<{EX}r2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Report> <{EX}g2> .
<{EX}r2> <{EX}about> <{EX}d1> <{EX}g2> .
"""


def in_plan(predicate: str, _obj: str) -> bool:
    return predicate in PLAN_PREDICATES


def in_reports(predicate: str, _obj: str) -> bool:
    return predicate not in PLAN_PREDICATES


def compiled(select: str) -> str:
    """The constraint as the shape compiler runs it over every version."""
    rewritten = rewrite_select(select, {"ex": EX}, in_reports, in_plan)
    focus = f"GRAPH ?{GRAPH_VARIABLE} {{ ?this a <{EX}Report> }}"
    others = " ".join(f"?{name}" for name in rewritten.variables if name != "this")
    return f"SELECT ?{GRAPH_VARIABLE} ?this {others} WHERE {{ {focus} {rewritten.where[1:-1]} }}"


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [variable.value for variable in solutions.variables]
    return sorted(tuple(str(row[name]) for name in names) for row in solutions)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    dataset = ox.Store()
    dataset.load(DATA.encode(), format=ox.RdfFormat.N_QUADS)
    return dataset


def test_a_plan_only_negation_sharing_a_bound_variable_becomes_minus(store: ox.Store) -> None:
    query = compiled(
        "SELECT $this ?value WHERE { $this ex:about ?value ; ex:org ?org . "
        "FILTER NOT EXISTS { ?value ex:assigned ?org . ?org ex:kind ?kind FILTER (?kind IN (ex:lead)) } }"
    )
    assert "MINUS" in query and "NOT EXISTS" not in query
    found = rows(store, query)
    assert found == rows(store, query.replace("MINUS {", "FILTER NOT EXISTS {"))
    assert [row[2] for row in found] == [f"<{EX}d2>"]


@pytest.mark.parametrize(
    "select",
    [
        # No variable in common: MINUS would remove nothing, NOT EXISTS removes every row.
        "SELECT $this ?value WHERE { $this ex:about ?value . FILTER NOT EXISTS { ?duty ex:assigned ?someone } }",
        # The filter reads ?org from the row, which the group does not bind: alone it is an error, so MINUS
        # would remove nothing.
        "SELECT $this ?value WHERE { $this ex:about ?value ; ex:org ?org . "
        "FILTER NOT EXISTS { ?value ex:assigned ?who FILTER (?who = ?org) } }",
        # The shared variable is bound by an OPTIONAL only: r2 has no ?org, so MINUS keeps its rows.
        "SELECT $this ?value WHERE { $this ex:about ?value . OPTIONAL { $this ex:org ?org } "
        "FILTER NOT EXISTS { ?duty ex:assigned ?org } }",
    ],
)
def test_negations_minus_would_change_stay_filters(store: ox.Store, select: str) -> None:
    query = compiled(select)
    assert "MINUS" not in query
    naive = query.replace("FILTER NOT EXISTS {", "MINUS {")
    assert rows(store, naive) != rows(store, query)


@pytest.mark.parametrize(
    "select",
    [
        # Reads the version (ex:about is a report predicate): it would scan every version, so it stays per row.
        "SELECT $this ?org WHERE { $this ex:org ?org . FILTER NOT EXISTS { $this ex:about ?duty . "
        "?duty ex:assigned ?org } }",
        # A nested group, an OPTIONAL, an EXISTS in its filter, a negation below the WHERE group.
        "SELECT $this ?value WHERE { $this ex:about ?value . FILTER NOT EXISTS { { ?value ex:assigned ?x } "
        "UNION { ?value ex:kind ?x } } }",
        "SELECT $this ?value WHERE { $this ex:about ?value . FILTER NOT EXISTS { ?value ex:assigned ?x "
        "OPTIONAL { ?x ex:kind ?kind } } }",
        "SELECT $this ?value WHERE { $this ex:about ?value . FILTER NOT EXISTS { ?value ex:assigned ?x "
        "FILTER (EXISTS { ?x ex:kind ex:lead }) } }",
        "SELECT $this ?value WHERE { $this ex:about ?value . OPTIONAL { $this ex:org ?org "
        "FILTER NOT EXISTS { ?value ex:assigned ?org } } }",
    ],
)
def test_other_negations_are_kept_as_written(store: ox.Store, select: str) -> None:
    query = compiled(select)
    assert "MINUS" not in query and "NOT EXISTS" in query
    rows(store, query)  # the engine accepts it
