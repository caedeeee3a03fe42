"""What every store engine offers the rest of ipgraph (embedded pyoxigraph, or a remote SPARQL 1.1 server).

Internal callers work with rdflib terms and graphs; the SPARQL endpoint asks for results already serialised
in the client's format (:meth:`Store.execute`), so the engine's fast serialisers answer the protocol path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from rdflib import Dataset, Graph
from rdflib.term import Identifier, URIRef

ResultKind = Literal["bindings", "boolean", "graph"]


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query as the protocol delivers it (SPARQL 1.1 Protocol §2.1)."""

    query: str
    media_type: str
    default_graph_uris: Sequence[str] = ()
    named_graph_uris: Sequence[str] = ()
    bindings: Mapping[str, Identifier] = field(default_factory=dict)
    timeout: float | None = None
    row_limit: int | None = None


@dataclass(frozen=True)
class QueryOutcome:
    """A query's answer, serialised: ``truncated`` says the row limit cut it; ``answer`` is an ASK's truth value."""

    kind: ResultKind
    media_type: str
    body: bytes
    truncated: bool = False
    answer: bool | None = None


@dataclass(frozen=True)
class UpdateRequest:
    """One SPARQL update as the protocol delivers it (SPARQL 1.1 Protocol §2.2)."""

    update: str
    using_graph_uris: Sequence[str] = ()
    using_named_graph_uris: Sequence[str] = ()
    timeout: float | None = None


@dataclass(frozen=True)
class GraphChange:
    """Replace (``replace=True``) or extend one named graph; a list of these is written atomically."""

    graph: URIRef
    data: Graph
    replace: bool = True


Row = dict[str, Identifier]


class Store(Protocol):
    """The operations ipgraph needs from a quad store; each engine implements all of them."""

    @property
    def generation(self) -> int:
        """A number that changes with every write, for validators (ETags) and caches.

        It changes with every write (update, :meth:`write`, the graph methods, :meth:`load_file`), also one that
        replaces a value and so leaves every triple count as it was; a different number means the data may have
        changed, an equal one that no write it can see happened in between. It is not ordered and means nothing
        outside this process (the embedded engine counts from 0; a remote store shared by replicas derives it from
        the store's write stamp), so it is only meaningful beside the graphs' triple counts, never as a version
        number. Read-only. Engines say in their own docstring which writes they cannot see.
        """
        ...

    def select(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> list[Row]:
        """Run a SELECT with variables pre-bound to RDF terms; unbound variables are absent from a row."""
        ...

    def ask(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> bool:
        """Run an ASK query."""
        ...

    def construct(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""
        ...

    def execute(self, request: QueryRequest) -> QueryOutcome:
        """Run a protocol query and serialise its result in ``request.media_type``."""
        ...

    async def execute_async(self, request: QueryRequest) -> QueryOutcome:
        """:meth:`execute` for a caller on the event loop; it never blocks the loop."""
        ...

    def update(self, request: UpdateRequest) -> None:
        """Run a SPARQL update atomically: all of it or none of it."""
        ...

    def graph_names(self) -> list[URIRef]:
        """The named graphs that hold at least one triple."""
        ...

    def existing_graphs(self) -> list[URIRef]:
        """Every named graph the store records, sorted, empty ones included (created by ``CREATE GRAPH`` or an
        empty Graph Store PUT, or emptied since): the one notion of "exists" behind ``FROM``,
        ``default-graph-uri`` and Graph Store reads."""
        ...

    def read_graph(self, name: URIRef | None) -> Graph:
        """A copy of one named graph (``None``: the default graph)."""
        ...

    def write(self, changes: Sequence[GraphChange]) -> None:
        """Apply every change or none: the only way report submissions and Graph Store writes reach the store."""
        ...

    def drop_graph(self, name: URIRef) -> bool:
        """Delete a named graph; ``False`` when it did not exist."""
        ...

    def replace_graph(self, name: URIRef | None, data: Graph) -> None:
        """Make one graph (``None``: the default graph) hold exactly ``data``, in one transaction.

        A named graph is created even when ``data`` is empty: an empty Graph Store PUT makes a graph that exists.
        """
        ...

    def add_to_graph(self, name: URIRef | None, data: Graph) -> None:
        """Merge ``data`` into one graph (``None``: the default graph), in one transaction; a named graph is
        created even when ``data`` is empty (an empty Graph Store POST)."""
        ...

    def create_graph(self, name: URIRef) -> None:
        """Record an empty named graph; nothing changes when the store already holds it."""
        ...

    def clear_default_graph(self) -> None:
        """Delete every triple of the default graph (it always exists, so it is emptied, never removed)."""
        ...

    def dataset(self) -> Dataset:
        """A copy of every quad, for dumps and validation (small datasets only)."""
        ...

    def load_file(
        self,
        path: Path,
        graph: URIRef,
        media_type: str | None = None,
        *,
        progress: Callable[[int], None] | None = None,
        iri_rewrite: tuple[str, str] | None = None,
    ) -> int:
        """Bulk-load a file into a named graph, returning the number of triples read from it.

        Named-graph quads of a dataset file (N-Quads, TriG) keep their own graph; everything else goes to ``graph``.

        ``media_type`` defaults to the one the file extension implies. ``progress`` is called with the running
        triple count; ``iri_rewrite`` = (old base, new base) rewrites every IRI starting with the old base.
        A file that does not parse (:class:`~ipgraph.errors.RdfSyntaxError`) leaves the store unchanged.
        """
        ...

    def dump(self, output: Path | None, media_type: str, graph: URIRef | None = None) -> bytes | None:
        """Serialise one graph, or every quad (dataset formats) or the union of all graphs (triple formats).

        Written to ``output`` when given (``None`` returned), else returned as bytes.
        """
        ...

    def triple_count(self, graph: URIRef | None = None) -> int:
        """Triples in one named graph, or quads in the whole store when ``graph`` is ``None``."""
        ...

    def transaction_lock(self) -> AbstractContextManager[None]:
        """Serialises read-modify-write sequences (report versions) within this process."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...
