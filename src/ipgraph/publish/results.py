"""SPARQL results shown on the query page when the browser runs no script: the JSON results document (SPARQL 1.1
Query Results JSON Format §3) turned into table rows whose IRIs link to their pages on this site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ipgraph.publish.locations import link_target
from ipgraph.publish.views import Term, prefixed_name


@dataclass(frozen=True)
class ResultTable:
    """A SELECT answer as a table, or an ASK answer as ``boolean``; ``truncated`` when the row limit cut it."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]
    boolean: bool | None = None
    truncated: bool = False


@dataclass(frozen=True)
class QueryFailure:
    """Why a query was refused, with the position of a syntax error (1-based) when there is one."""

    title: str
    detail: str
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None
    status: int = 400


def result_table(body: bytes, base_iri: str, *, truncated: bool = False) -> ResultTable:
    """Read a SPARQL JSON results document into a :class:`ResultTable`."""
    document: dict[str, Any] = json.loads(body)
    if "boolean" in document:
        return ResultTable((), (), boolean=bool(document["boolean"]), truncated=truncated)
    columns = tuple(str(name) for name in document.get("head", {}).get("vars", []))
    rows = tuple(
        tuple(_cell(binding.get(name), base_iri) for name in columns)
        for binding in document.get("results", {}).get("bindings", [])
    )
    return ResultTable(columns, rows, truncated=truncated or bool(document.get("truncated")))


def _cell(value: dict[str, str] | None, base_iri: str) -> Term | None:
    if value is None:
        return None
    text = value.get("value", "")
    if value.get("type") == "uri":
        return Term(text=prefixed_name(text), href=link_target(base_iri, text), iri=text)
    if value.get("type") == "bnode":
        return Term(text=f"_:{text}")
    datatype = value.get("datatype")
    return Term(text=text, lang=value.get("xml:lang"), datatype=prefixed_name(datatype) if datatype else None)


def failure_excerpt(query: str, line: int | None) -> str | None:
    """The line of ``query`` holding the error (the page marks the column with a caret below it)."""
    lines = query.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1]
