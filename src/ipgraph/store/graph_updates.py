"""The one SPARQL update that replaces, extends or creates a single graph, for the engines that take text.

A Graph Store write must be all or nothing, so each is one update request (one transaction): drop the graph when
replacing, then one ``INSERT DATA`` of every triple (a blank node label may not be shared between operations,
SPARQL 1.1 Update §3.1.1). A named graph given no triple is still created (``CREATE SILENT GRAPH``): an empty
Graph Store PUT or POST makes a graph that exists (Graph Store Protocol §5.4). The default graph always exists.
"""

from __future__ import annotations

from collections.abc import Iterable


def graph_update(graph: str | None, triples: Iterable[str], *, replace: bool) -> str:
    """The update text for one graph; empty when there is nothing to do (no triple for the default graph, kept).

    ``graph`` is the named graph's IRI already written as a SPARQL term (``<…>``), ``None`` for the default
    graph; ``triples`` are N-Triples lines, each ending with `` .``. Each engine writes terms its own way.
    """
    target = "DEFAULT" if graph is None else f"GRAPH {graph}"
    operations = [f"DROP SILENT {target}"] if replace else []
    block = "\n".join(triples)
    if block:
        inner = block if graph is None else f"GRAPH {graph} {{\n{block}\n}}"
        operations.append("INSERT DATA {\n" + inner + "\n}")
    elif graph is not None:
        operations.append(f"CREATE SILENT GRAPH {graph}")
    return " ;\n".join(operations)
