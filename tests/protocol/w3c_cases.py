"""The W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests ``sparql/sparql11/protocol/manifest.ttl``) as data.

One :class:`ProtocolCase` per manifest entry, named as in the manifest; each holds the requests the entry makes
(method, path with query string, content type, body) and the response it expects (status class, and the boolean
or result kind). The requests are those of the manifest with two changes that ipgraph's policy requires and the
protocol allows: updates carry the service's bearer token, and the suite's ``dataN.rdf`` graphs are stored
before each case (``GRAPHS``) so that naming them fetches nothing.

``query_multiple_dataset`` is written as the suite means it (two ``named-graph-uri`` parameters overriding the
query's FROM); the manifest's request percent-encodes the ``&`` between them, which turns both into one IRI
that names no graph (a known erratum of the suite).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

DATA = "http://kasei.us/2009/09/sparql/data/"
GRAPHS = tuple(f"{DATA}data{n}.rdf" for n in range(4))
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

Expect = Literal["2xx", "4xx"]
ResultKind = Literal["boolean", "tabular", "rdf", "none"]


@dataclass(frozen=True)
class Step:
    """One HTTP request of a case and what its response must be."""

    method: str
    path: str
    content_type: str | None = None
    body: bytes | None = None
    expect: Expect = "2xx"
    kind: ResultKind = "none"
    boolean: bool | None = None
    write: bool = False


@dataclass(frozen=True)
class ProtocolCase:
    """One manifest entry: its name and its requests, in order."""

    name: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


def _q(text: str) -> str:
    return quote(text, safe="")


def _params(**values: str | list[str]) -> str:
    pairs: list[str] = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{name.replace('_', '-')}={_q(item)}")
    return "&".join(pairs)


def _graph(n: int) -> str:
    return f"{DATA}data{n}.rdf"


_ASK_12 = f"ASK {{ <{_graph(1)}> a ?type . <{_graph(2)}> a ?type . }}"
_ASK_NAMED_12 = f"ASK {{ GRAPH ?g1 {{ <{_graph(1)}> a ?type }} GRAPH ?g2 {{ <{_graph(2)}> a ?type }} }}"
_ASK_FULL = (
    f"ASK {{\n  <{_graph(3)}> a ?type\n  GRAPH ?g1 {{ <{_graph(1)}> a ?type }}\n"
    f"  GRAPH ?g2 {{ <{_graph(2)}> a ?type }}\n}}"
)
_PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
_INSERT_123 = "".join(f"    GRAPH <{_graph(n)}> {{ <{_graph(n)}> a foaf:Document }}\n" for n in (1, 2, 3))


def _update_then_ask(name: str, query_string: str, update: str, ask: str) -> ProtocolCase:
    return ProtocolCase(
        name,
        (
            Step("POST", f"/sparql/?{query_string}", UPDATE, update.encode(), write=True),
            Step("POST", "/sparql/", QUERY, ask.encode(), kind="boolean", boolean=True),
        ),
    )


def _ask_graphs_12_not_3(target: str, third: str = "a <http://purl.org/dc/terms/BibliographicResource>") -> str:
    resource = "a <http://purl.org/dc/terms/BibliographicResource>"
    return (
        f"ASK {{\n    GRAPH <{target}> {{\n        <{_graph(1)}> {resource} .\n        <{_graph(2)}> {resource} .\n"
        f"    }}\n    FILTER NOT EXISTS {{\n        GRAPH <{target}> {{\n            <{_graph(3)}> {third} .\n"
        "        }\n    }\n}"
    )


CASES: tuple[ProtocolCase, ...] = (
    ProtocolCase(
        "query_post_form",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=_graph(0))}",
                FORM,
                b"query=ASK%20%7B%7D",
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_dataset_default_graphs_get",
        (
            Step(
                "GET",
                f"/sparql/?{_params(query=_ASK_12, default_graph_uri=[_graph(1), _graph(2)])}",
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_dataset_default_graphs_post",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=[_graph(1), _graph(2)])}",
                QUERY,
                _ASK_12.encode(),
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_dataset_named_graphs_post",
        (
            Step(
                "POST",
                f"/sparql/?{_params(named_graph_uri=[_graph(1), _graph(2)])}",
                QUERY,
                _ASK_NAMED_12.encode(),
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_dataset_named_graphs_get",
        (
            Step(
                "GET",
                f"/sparql/?{_params(query=_ASK_NAMED_12, named_graph_uri=[_graph(1), _graph(2)])}",
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_dataset_full",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=_graph(3), named_graph_uri=[_graph(1), _graph(2)])}",
                QUERY,
                _ASK_FULL.encode(),
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_multiple_dataset",
        (
            Step(
                "POST",
                f"/sparql/?{_params(named_graph_uri=[_graph(1), _graph(2)])}",
                QUERY,
                f"ASK FROM <{_graph(3)}> {_ASK_NAMED_12[4:]}".encode(),
                kind="boolean",
                boolean=True,
            ),
        ),
    ),
    ProtocolCase(
        "query_get",
        (
            Step(
                "GET", f"/sparql/?{_params(query='ASK {}', default_graph_uri=_graph(0))}", kind="boolean", boolean=True
            ),
        ),
    ),
    ProtocolCase(
        "query_content_type_select",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=_graph(0))}",
                QUERY,
                b"SELECT (1 AS ?value) {}",
                kind="tabular",
            ),
        ),
    ),
    ProtocolCase(
        "query_content_type_ask",
        (Step("POST", f"/sparql/?{_params(default_graph_uri=_graph(0))}", QUERY, b"ASK {}", kind="boolean"),),
    ),
    ProtocolCase(
        "query_content_type_describe",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=_graph(0))}",
                QUERY,
                b"DESCRIBE <http://example.org/>",
                kind="rdf",
            ),
        ),
    ),
    ProtocolCase(
        "query_content_type_construct",
        (
            Step(
                "POST",
                f"/sparql/?{_params(default_graph_uri=_graph(0))}",
                QUERY,
                b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                kind="rdf",
            ),
        ),
    ),
    _update_then_ask(
        "update_dataset_default_graph",
        _params(using_graph_uri=_graph(1)),
        f"{_PREFIXES}CLEAR ALL ;\nINSERT DATA {{\n    GRAPH <{_graph(1)}> {{\n        <{_graph(1)}> a foaf:Document\n"
        "    }\n} ;\nINSERT {\n    GRAPH <http://example.org/protocol-update-dataset-test/> {\n"
        "        ?s a dc:BibliographicResource\n    }\n}\nWHERE {\n    ?s a foaf:Document\n}",
        f"ASK {{\n    GRAPH <http://example.org/protocol-update-dataset-test/> {{\n        <{_graph(1)}> a "
        "<http://purl.org/dc/terms/BibliographicResource>\n    }\n}",
    ),
    _update_then_ask(
        "update_dataset_default_graphs",
        _params(using_graph_uri=[_graph(1), _graph(2)]),
        f"{_PREFIXES}DROP ALL ;\nINSERT DATA {{\n{_INSERT_123}}} ;\nINSERT {{\n"
        "    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {\n        ?s a dc:BibliographicResource\n"
        "    }\n}\nWHERE {\n    ?s a foaf:Document\n}",
        _ask_graphs_12_not_3("http://example.org/protocol-update-dataset-graphs-test/"),
    ),
    _update_then_ask(
        "update_dataset_named_graphs",
        _params(using_named_graph_uri=[_graph(1), _graph(2)]),
        f"{_PREFIXES}DROP ALL ;\nINSERT DATA {{\n{_INSERT_123}}} ;\nINSERT {{\n"
        "    GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> {\n"
        "        ?s a dc:BibliographicResource\n    }\n}\n"
        "WHERE {\n    GRAPH ?g {\n        ?s a foaf:Document\n    }\n}",
        _ask_graphs_12_not_3("http://example.org/protocol-update-dataset-named-graphs-test/"),
    ),
    _update_then_ask(
        "update_dataset_full",
        _params(using_graph_uri=_graph(1), using_named_graph_uri=_graph(2)),
        f"{_PREFIXES}DROP ALL ;\nINSERT DATA {{\n{_INSERT_123}}} ;\nINSERT {{\n"
        "    GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n        ?s <http://example.org/in> ?in\n"
        "    }\n}\nWHERE {\n    {\n        GRAPH ?g { ?s a foaf:Document }\n        BIND(?g AS ?in)\n    }\n"
        '    UNION\n    {\n        ?s a foaf:Document .\n        BIND("default" AS ?in)\n    }\n}',
        "ASK {\n    GRAPH <http://example.org/protocol-update-dataset-full-test/> {\n"
        f'        <{_graph(1)}> <http://example.org/in> "default" .\n'
        f"        <{_graph(2)}> <http://example.org/in> <{_graph(2)}> .\n    }}\n    FILTER NOT EXISTS {{\n"
        f"        GRAPH <http://example.org/protocol-update-dataset-full-test/> {{\n            <{_graph(3)}> ?p ?o\n"
        "        }\n    }\n}",
    ),
    ProtocolCase("update_post_form", (Step("POST", "/sparql/", FORM, b"update=CLEAR+ALL", write=True),)),
    ProtocolCase("update_post_direct", (Step("POST", "/sparql/", UPDATE, b"CLEAR ALL", write=True),)),
    ProtocolCase(
        "update_base_uri",
        (
            Step(
                "POST",
                "/sparql/",
                UPDATE,
                b"CLEAR GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH "
                b"<http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }",
                write=True,
            ),
            Step(
                "POST",
                "/sparql/",
                QUERY,
                b"SELECT ?o WHERE {\n    GRAPH <http://example.org/protocol-base-test/> {\n"
                b"        <http://example.org/s> <http://example.org/p> ?o\n    }\n}",
                kind="tabular",
            ),
        ),
    ),
    ProtocolCase("query_post_direct", (Step("POST", "/sparql/", QUERY, b"ASK {}", kind="boolean", boolean=True),)),
    ProtocolCase(
        "bad_query_method",
        (Step("PUT", f"/sparql/?{_params(query='ASK {}', default_graph_uri=_graph(0))}", FORM, b"", expect="4xx"),),
    ),
    ProtocolCase(
        "bad_multiple_queries",
        (Step("GET", f"/sparql/?{_params(query=['ASK {}', 'SELECT * {}'])}", expect="4xx"),),
    ),
    ProtocolCase("bad_query_wrong_media_type", (Step("POST", "/sparql/", "text/plain", b"ASK {}", expect="4xx"),)),
    ProtocolCase("bad_query_missing_form_type", (Step("POST", "/sparql/", None, b"query=ASK%20%7B%7D", expect="4xx"),)),
    ProtocolCase("bad_query_missing_direct_type", (Step("POST", "/sparql/", None, b"ASK {}", expect="4xx"),)),
    ProtocolCase(
        "bad_query_non_utf8",
        (Step("POST", "/sparql/", f"{QUERY}; charset=UTF-16", "ASK {}".encode("utf-16"), expect="4xx"),),
    ),
    ProtocolCase("bad_query_syntax", (Step("GET", f"/sparql/?{_params(query='ASK {')}", expect="4xx"),)),
    ProtocolCase("bad_update_get", (Step("GET", f"/sparql/?{_params(update='CLEAR ALL')}", expect="4xx", write=True),)),
    ProtocolCase(
        "bad_multiple_updates",
        (Step("POST", "/sparql/", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", expect="4xx", write=True),),
    ),
    ProtocolCase(
        "bad_update_wrong_media_type",
        (Step("POST", "/sparql/", "text/plain", b"CLEAR NAMED", expect="4xx", write=True),),
    ),
    ProtocolCase(
        "bad_update_missing_form_type",
        (Step("POST", "/sparql/", None, b"update=CLEAR%20NAMED", expect="4xx", write=True),),
    ),
    ProtocolCase(
        "bad_update_non_utf8",
        (
            Step(
                "POST",
                "/sparql/",
                f"{UPDATE}; charset=UTF-16",
                "CLEAR NAMED".encode("utf-16"),
                expect="4xx",
                write=True,
            ),
        ),
    ),
    ProtocolCase(
        "bad_update_syntax",
        (Step("POST", "/sparql/", FORM, b"update=CLEAR%20XYZ", expect="4xx", write=True),),
    ),
    ProtocolCase(
        "bad_update_dataset_conflict",
        (
            Step(
                "POST",
                "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
                UPDATE,
                b"PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
                b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
                b"WHERE {\n    ?person foaf:givenName 'Bill'\n}",
                expect="4xx",
                write=True,
            ),
        ),
    ),
    # SPARQL 1.1 Protocol §2.2.1 (and the SPARQL 1.2 suite): a form POST carries its update in the body; one in
    # the URL with an empty body is an error, not an update to run.
    ProtocolCase(
        "bad_update_in_url_of_form_post",
        (Step("POST", f"/sparql/?{_params(update='CLEAR ALL')}", FORM, b"", expect="4xx", write=True),),
    ),
    # SPARQL 1.2 Protocol: the version parameter is given at most once, whatever the values.
    ProtocolCase(
        "bad_multiple_versions_get",
        (Step("GET", f"/sparql/?{_params(query='ASK {}', version=['1.2', '1.2'])}", expect="4xx"),),
    ),
    ProtocolCase(
        "bad_multiple_versions_post",
        (Step("POST", "/sparql/", FORM, f"{_params(query='ASK {}', version=['1.1', '1.2'])}".encode(), expect="4xx"),),
    ),
)
