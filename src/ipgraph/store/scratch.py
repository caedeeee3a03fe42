"""A small in-memory Oxigraph store for short-lived graphs, answering SELECT queries with rdflib terms.

Report validation runs its SHACL-SPARQL constraints here: rdflib's SPARQL engine needs tens of milliseconds
for a join that Oxigraph answers in well under one, and a report is validated against the plan on every
upload. Blank nodes keep their identifiers both ways, so results name the same nodes as the rdflib graph.

>>> from rdflib import URIRef
>>> scratch = ScratchStore()
>>> scratch.add([(URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b"))])
>>> scratch.select("SELECT ?s ?o WHERE { ?s <urn:p> ?o }", {"s": URIRef("urn:a")})
(['s', 'o'], [{'s': rdflib.term.URIRef('urn:a'), 'o': rdflib.term.URIRef('urn:b')}])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib.term import Identifier, Node

from ipgraph.store.terms import from_ox, substitutions, to_ox, to_ox_named_node

Triple = tuple[Node, Node, Node]


class ScratchStore:
    """An in-memory store in the default graph; not shared between threads."""

    def __init__(self) -> None:
        self._store = ox.Store()

    def add(self, triples: Iterable[Triple]) -> None:
        """Add rdflib triples."""
        self._store.extend(_quads(triples))

    def remove(self, triples: Iterable[Triple]) -> None:
        """Remove rdflib triples (absent ones are ignored)."""
        for quad in _quads(triples):
            self._store.remove(quad)

    def select(
        self, query: str, bindings: Mapping[str, Identifier] | None = None
    ) -> tuple[list[str], list[dict[str, Identifier]]]:
        """Run a SELECT query with ``bindings`` substituted as terms; the variables and one dict per row.

        Oxigraph substitutes only variables the query projects; any other raises :class:`RuntimeError`.
        """
        solutions = self._store.query(query, substitutions=substitutions(bindings))  # type: ignore[arg-type]
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("ScratchStore.select runs SELECT queries only")
        names = [variable.value for variable in solutions.variables]
        terms = [[solution[name] for name in names] for solution in solutions]
        # pyoxigraph's solutions may only be freed by the thread that made them; converting a term can log a
        # warning whose traceback keeps this frame (rdflib on an ill-typed literal), and a handler holding that
        # record would free them later on another thread. So they are gone before any conversion.
        del solutions
        rows: list[dict[str, Identifier]] = []
        for values in terms:
            rows.append({name: from_ox(value) for name, value in zip(names, values, strict=True) if value is not None})
        return names, rows


def _quads(triples: Iterable[Triple]) -> Iterable[ox.Quad]:
    for subject, predicate, obj in triples:
        yield ox.Quad(to_ox(subject), to_ox_named_node(predicate), to_ox(obj), ox.DefaultGraph())  # type: ignore[arg-type]
