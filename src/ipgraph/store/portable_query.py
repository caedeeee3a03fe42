"""Graph existence asked the same way of servers with and without empty named graphs.

SPARQL 1.1 (§18.6) has ``GRAPH <g> { }`` match once exactly when ``<g>`` is a named graph of the dataset, empty
or not; the Graph Store protocol relies on it (a PUT answers 201 for a new graph, 204 for an existing one).
Virtuoso 7.2 keeps no empty named graphs and matches ``GRAPH <g> { }`` for *any* IRI. On such a server the
closest standard answer is "the graph holds a triple", so the empty group is given one triple pattern.
"""

from __future__ import annotations

from ipgraph.store.sparql_text import tokens

#: Asked once per store: true only on a server that matches an empty GRAPH pattern for any IRI.
PROBE = "ASK { GRAPH <urn:ipgraph:probe:no-such-graph> { } }"
#: The triple pattern that fills an empty group; names no query of ipgraph or a client is likely to use.
FILLER = "?_ipgraph_graph_s ?_ipgraph_graph_p ?_ipgraph_graph_o"


def empty_graph_patterns_filled(query: str) -> str:
    """``GRAPH <iri> { }`` → ``GRAPH <iri> { ?s ?p ?o }`` (fresh variable names), everywhere in the query."""
    all_tokens = list(tokens(query))
    cuts = [
        all_tokens[index + 2].start + 1
        for index in range(len(all_tokens) - 3)
        if all_tokens[index].kind == "word"
        and all_tokens[index].text.upper() == "GRAPH"
        and all_tokens[index + 1].kind in {"iri", "word", "variable"}
        and all_tokens[index + 2].kind == "open"
        and all_tokens[index + 3].kind == "close"
    ]
    for cut in reversed(cuts):
        query = f"{query[:cut]} {FILLER} {query[cut:]}"
    return query
