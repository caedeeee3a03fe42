"""The remote engine: the same store interface over any SPARQL 1.1 server, through SPARQLWrapper.

Queries and updates go to the server's query and update endpoints; whole graphs move through its Graph Store
HTTP Protocol endpoint when one is configured. Every request builds a fresh client, so a server that was down
is used again as soon as it answers, without a restart.

Authentication: HTTP Basic or Digest (``IPGRAPH_REMOTE_AUTH``; Virtuoso's ``-auth`` endpoints ask for Digest).
SPARQLWrapper builds each request, but this module opens it with an opener of its own: SPARQLWrapper's Digest
support installs a process-wide urllib opener, which would leak the credentials to every other urllib call.

Where a server departs from the standard in a way ipgraph can undo, it is undone here: updates are rewritten by
:mod:`~ipgraph.store.portable_update`, SPARQL JSON answers are normalised by :func:`normalise_results_json`.

Bindings: SPARQLWrapper has no substitutions, so values are bound with a VALUES block of one row opening the
query's WHERE group. The block's shape is fixed by the variable names (checked to be plain names) and every
value is written as an escaped RDF term, so no value can add syntax to the query.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import math
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.Wrapper import INSERT

from ipgraph.errors import InputError, QuerySyntaxError, QueryTimeoutError, StoreUnavailableError
from ipgraph.settings import RemoteAuth, Settings
from ipgraph.store.base import GraphChange, QueryOutcome, QueryRequest, Row, UpdateRequest
from ipgraph.store.evaluation import serialise, serialise_triples, syntax_error
from ipgraph.store.graph_updates import graph_update
from ipgraph.store.portable_query import PROBE, empty_graph_patterns_filled
from ipgraph.store.portable_update import portable_update
from ipgraph.store.rdf_files import IriRewrite, file_format, read_quads
from ipgraph.store.sparql_text import (
    add_using_clauses,
    bind_values,
    dataset_clauses,
    iri_text,
    query_form,
    term_text,
    tokens,
)
from ipgraph.store.terms import to_ox_graph_name
from ipgraph.store.write_stamp import STAMP_QUERY, generation_of, stamp_update, stamped

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

#: Virtuoso answers 500 to errors of the request itself, found before or while it runs (SQL states of class 22,
#: data exception: a DROP of a missing graph, a bad literal; 37, syntax; S0, a query its compiler cannot place,
#: "No column"): the server is up and the request was refused, so not a 503 "unavailable".
VIRTUOSO_REQUEST_ERROR = re.compile(r"Virtuoso (22|37|S0)[0-9A-Z]{3} Error ")

#: Triples read from a file between two progress reports while loading.
LOAD_CHUNK = 50_000


@dataclass(frozen=True)
class ServerTraits:
    """Departures from the standard that ipgraph works around, per server (learnt by :data:`PROBE`)."""

    #: ``GRAPH <g> { }`` matches for any IRI (no empty named graphs): existence is asked as "holds a triple".
    matches_any_empty_graph: bool
    #: Virtuoso (its ``Server`` header): protocol USING parameters are sent as USING clauses instead.
    virtuoso: bool


class RemoteStore:
    """A store on a SPARQL 1.1 server: query, update and (optionally) Graph Store endpoints."""

    def __init__(
        self,
        query_url: str,
        update_url: str = "",
        store_url: str = "",
        *,
        query_timeout: float | None = None,
        row_limit: int | None = None,
        user: str = "",
        password: str = "",
        auth: RemoteAuth = "basic",
        stamp_writes: bool = False,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.store_url = store_url
        self.query_timeout = query_timeout
        self.row_limit = row_limit
        self._credentials = (user, password) if user else None
        self._auth = auth
        self._traits: ServerTraits | None = None
        self._server_header = ""
        self._transaction_lock = threading.RLock()
        self.stamp_writes = stamp_writes
        self._generation = 0
        self._generation_lock = threading.Lock()

    @property
    def generation(self) -> int:
        """A number that changes with every write, for validators (ETags) and caches; read-only.

        Without ``stamp_writes``: a counter of the write requests this process sent (answered or failed: one
        that timed out may still have been applied), blind to writes made by anyone else. With it (the service:
        :meth:`from_settings`), every update also replaces the store's write stamp
        (:mod:`~ipgraph.store.write_stamp`) and this number is derived from the stamp, read from the server
        on each call, so a write through any process sharing the server moves it for all of them. Writes made
        straight to the server's own endpoints still go unseen.
        """
        if not self.stamp_writes:
            return self._generation
        stamps = [row["stamp"] for row in self.select(STAMP_QUERY) if "stamp" in row]
        return generation_of(stamps, self._generation)

    def _count_write(self) -> None:
        with self._generation_lock:
            self._generation += 1

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        """The remote store the settings name."""
        return cls(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_store_url,
            query_timeout=settings.query_timeout,
            row_limit=settings.row_limit,
            user=settings.remote_user,
            password=settings.remote_password,
            auth=settings.remote_auth,
            stamp_writes=True,
        )

    # -- queries ------------------------------------------------------------------------------------------

    def select(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> list[Row]:
        """Run a SELECT with variables pre-bound to RDF terms; unbound variables are absent from a row."""
        body, _ = self._query(bind_values(query, bindings or {}), SPARQL_JSON, timeout)
        return _json_rows(_json(body))[1]

    def ask(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> bool:
        """Run an ASK query; on a server without empty named graphs, ``GRAPH <g> { }`` asks for a triple in g."""
        if self._server_traits().matches_any_empty_graph:
            query = empty_graph_patterns_filled(query)
        body, _ = self._query(bind_values(query, bindings or {}), SPARQL_JSON, timeout)
        return bool(_json(body).get("boolean"))

    def _server_traits(self) -> ServerTraits:
        """What this server does differently, learnt from one probe query the first time it matters."""
        if self._traits is None:
            body, _ = self._query(PROBE, SPARQL_JSON, self.query_timeout)
            self._traits = ServerTraits(
                matches_any_empty_graph=bool(_json(body).get("boolean")),
                virtuoso=self._server_header.startswith("Virtuoso/"),
            )
        return self._traits

    def construct(
        self, query: str, bindings: Mapping[str, Identifier] | None = None, *, timeout: float | None = None
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""
        body, _ = self._query(bind_values(query, bindings or {}), N_TRIPLES, timeout)
        return _parse_graph(body, "nt")

    async def execute_async(self, request: QueryRequest) -> QueryOutcome:
        """:meth:`execute` on a thread (the HTTP client to the server blocks)."""
        return await asyncio.to_thread(self.execute, request)

    def execute(self, request: QueryRequest) -> QueryOutcome:
        """Run a protocol query on the server and write its answer with the embedded engine's serialisers.

        Solutions and booleans are fetched as SPARQL JSON, graphs as N-Triples; reading them back through
        pyoxigraph lets the row cap cut them and makes both store modes answer byte for byte alike.
        """
        query = bind_values(request.query, request.bindings)
        timeout = request.timeout if request.timeout is not None else self.query_timeout
        limit = request.row_limit if request.row_limit is not None else self.row_limit
        graphs = (request.default_graph_uris, request.named_graph_uris)
        try:
            if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
                body, _ = self._query(query, N_TRIPLES, timeout, *graphs)
                triples = (quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
                return serialise(triples, request.media_type, limit)  # type: ignore[arg-type]
            body, _ = self._query(query, SPARQL_JSON, timeout, *graphs)
            result = ox.parse_query_results(normalise_results_json(body), ox.QueryResultsFormat.JSON)
            return serialise(result, request.media_type, limit)
        except SyntaxError as error:
            raise StoreUnavailableError(f"the SPARQL server's answer did not parse: {error}") from None

    def _query(
        self,
        query: str,
        accept: str,
        timeout: float | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]:
        if not default_graphs and not named_graphs:
            # The query's own FROM/FROM NAMED, repeated as protocol parameters (same dataset, SPARQL 1.1 Protocol
            # §2.1.4): a server whose default graph is the union of all graphs may otherwise ignore FROM
            # (oxigraph serve --union-default-graph does).
            clauses = dataset_clauses(query)
            default_graphs, named_graphs = clauses.default_graphs, clauses.named_graphs
        client = self._client(self.query_url, timeout)
        form = query_form(query)
        _set_request(client, query, form)
        # The Accept header below decides the format; the return format only has to suit the query form, or
        # SPARQLWrapper warns (a RuntimeWarning) about JSON for a CONSTRUCT or DESCRIBE.
        client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        client.addCustomHttpHeader("Accept", accept)
        for iri in default_graphs:
            client.addParameter("default-graph-uri", iri)
        for iri in named_graphs:
            client.addParameter("named-graph-uri", iri)
        return self._send(client, self.query_url, timeout)

    # -- writes -------------------------------------------------------------------------------------------

    def update(self, request: UpdateRequest) -> None:
        """Send a SPARQL update; the server applies it atomically (every SPARQL 1.1 store we document does).

        The protocol's ``using-graph-uri``/``using-named-graph-uri`` go as parameters, except to Virtuoso, which
        gets the USING clauses they stand for (SPARQL 1.1 Protocol §2.2.3): it turns the parameters into dataset
        settings for the whole request and then fails a ``DROP ALL`` that the standard leaves untouched by them.
        (Clauses are not for everyone: ``oxigraph serve --union-default-graph`` lets its setting override USING.)
        """
        using, using_named = request.using_graph_uris, request.using_named_graph_uris
        if (using or using_named) and self._server_traits().virtuoso:
            self._update(add_using_clauses(request.update, using, using_named), request.timeout)
        else:
            self._update(request.update, request.timeout, using, using_named)

    def write(self, changes: Sequence[GraphChange]) -> None:
        """Apply every change or none: one update request of DROP SILENT GRAPH and a single INSERT DATA."""
        if not changes:
            return
        drops = "".join(f"DROP SILENT GRAPH {iri_text(str(change.graph))} ;\n" for change in changes if change.replace)
        blocks = []
        for change in changes:
            triples = "\n".join(f"{_term(s)} {_term(p)} {_term(o)} ." for s, p, o in change.data)
            blocks.append(f"GRAPH {iri_text(str(change.graph))} {{\n{triples}\n}}")
        self._update(drops + "INSERT DATA {\n" + "\n".join(blocks) + "\n}", None)

    def drop_graph(self, name: URIRef) -> bool:
        """Delete a named graph; ``False`` when it held no triple."""
        existed = self.ask(f"ASK {{ GRAPH {iri_text(str(name))} {{ ?s ?p ?o }} }}")
        self._update(f"DROP SILENT GRAPH {iri_text(str(name))}", None)
        return existed

    def replace_graph(self, name: URIRef | None, data: Graph) -> None:
        """Make one graph hold exactly ``data``: one update request (an empty named graph is created)."""
        self._graph_update(name, data, replace=True)

    def add_to_graph(self, name: URIRef | None, data: Graph) -> None:
        """Merge ``data`` into one graph with one update request (an empty named graph is created)."""
        self._graph_update(name, data, replace=False)

    def create_graph(self, name: URIRef) -> None:
        """Record an empty named graph (a server without empty named graphs records nothing)."""
        self._graph_update(name, Graph(), replace=False)

    def clear_default_graph(self) -> None:
        """Delete every triple of the default graph."""
        self._update("DROP SILENT DEFAULT", None)

    def _graph_update(self, name: URIRef | None, data: Graph, *, replace: bool) -> None:
        graph = None if name is None else iri_text(str(name))
        text = graph_update(graph, (f"{_term(s)} {_term(p)} {_term(o)} ." for s, p, o in data), replace=replace)
        if text:
            self._update(text, None)

    def load_file(
        self,
        path: Path,
        graph: URIRef,
        media_type: str | None = None,
        *,
        progress: Callable[[int], None] | None = None,
        iri_rewrite: IriRewrite | None = None,
    ) -> int:
        """Parse a file here, then send each of its graphs in one request (Graph Store POST, else INSERT DATA).

        One request per graph keeps each blank node one node: a server scopes blank node labels to a request.
        Nothing is sent when the file does not parse.
        """
        # Triples are kept as N-Triples bytes, written a chunk at a time: a fraction of the memory of term objects.
        buffers: dict[str, io.BytesIO] = {}
        pending: dict[str, list[ox.Triple]] = {}
        read = 0
        for quad in read_quads(path, to_ox_graph_name(graph), media_type, iri_rewrite):
            pending.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
            read += 1
            if read % LOAD_CHUNK == 0:
                _flush_triples(pending, buffers)
                if progress is not None:
                    progress(read)
        _flush_triples(pending, buffers)
        for name, buffer in buffers.items():
            if self.store_url:
                try:
                    self._graph_store("POST", URIRef(name), buffer.getvalue(), N_TRIPLES)
                finally:
                    if self.stamp_writes:  # a Graph Store request cannot carry the stamp: it follows it
                        self._update(stamp_update(), None)
            else:
                text = buffer.getvalue().decode("utf-8")
                self._update(f"INSERT DATA {{ GRAPH {iri_text(name)} {{\n{text}}} }}", None)
        if progress is not None:
            progress(read)
        return read

    def _update(
        self,
        update: str,
        timeout: float | None,
        using: Sequence[str] = (),
        using_named: Sequence[str] = (),
    ) -> None:
        if not self.update_url:
            raise StoreUnavailableError("no update endpoint is configured (IPGRAPH_REMOTE_UPDATE_URL)")
        if self.stamp_writes:
            update = stamped(update)
        update = portable_update(update, self._named_graphs)
        client = self._client(self.update_url, timeout)
        # Any update form will do: SPARQLWrapper only uses it to send an update (update= to the update endpoint).
        _set_request(client, update, INSERT)
        for iri in using:
            client.addParameter("using-graph-uri", iri)
        for iri in using_named:
            client.addParameter("using-named-graph-uri", iri)
        try:
            self._send(client, self.update_url, timeout)
        finally:
            self._count_write()

    def _named_graphs(self) -> list[str]:
        """The named graphs holding a triple, by IRI (for :func:`~ipgraph.store.portable_update.portable_update`)."""
        return [str(name) for name in self.graph_names()]

    def transaction_lock(self) -> AbstractContextManager[None]:
        """Serialises read-modify-write sequences (report versions) within this process."""
        return self._transaction_lock  # type: ignore[return-value]

    # -- reads --------------------------------------------------------------------------------------------

    def graph_names(self) -> list[URIRef]:
        """The named graphs that hold at least one triple, sorted.

        GROUP BY rather than DISTINCT: Virtuoso 7.2 answers ``SELECT DISTINCT ?g`` from a graph index that
        skips its graph-level security, listing graphs the user may not read (its own system graphs).
        """
        rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sorted(row["g"] for row in rows if isinstance(row.get("g"), URIRef))  # type: ignore[misc]

    def existing_graphs(self) -> list[URIRef]:
        """Every named graph the server records: ``GRAPH ?g {}`` matches each, empty or not (SPARQL 1.1 §18.6).

        A server without empty named graphs (Virtuoso: ``GRAPH ?g {}`` gives one solution with ``?g`` unbound)
        records exactly the graphs that hold a triple.
        """
        if self._server_traits().matches_any_empty_graph:
            return self.graph_names()
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(row["g"] for row in rows if isinstance(row.get("g"), URIRef))  # type: ignore[misc]

    def read_graph(self, name: URIRef | None) -> Graph:
        """A copy of one named graph (``None``: the default graph, which needs the Graph Store endpoint)."""
        if self.store_url:
            body = self._graph_store("GET", name, None, N_TRIPLES)
            graph = _parse_graph(body, "nt")
        elif name is None:
            raise StoreUnavailableError(
                "reading the default graph needs the Graph Store endpoint (IPGRAPH_REMOTE_STORE_URL)"
            )
        else:
            graph = self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_text(str(name))} {{ ?s ?p ?o }} }}")
        result = Graph(identifier=name) if name is not None else Graph()
        for triple in graph:
            result.add(triple)
        return result

    def dataset(self) -> Dataset:
        """A copy of every quad in the named graphs (small datasets only)."""
        dataset = Dataset()
        rows = self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
        for row in rows:
            dataset.graph(row["g"]).add((row["s"], row["p"], row["o"]))
        return dataset

    def dump(self, output: Path | None, media_type: str, graph: URIRef | None = None) -> bytes | None:
        """Serialise one graph, or every quad of the named graphs (dataset formats) or their union (triple formats).

        Written to ``output`` when given (``None`` returned), else returned as bytes.
        """
        rdf_format = file_format(Path("out"), media_type)
        if graph is None and rdf_format.supports_datasets:
            body, _ = self._query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", SPARQL_JSON, None)
            solutions = ox.parse_query_results(normalise_results_json(body), ox.QueryResultsFormat.JSON)
            assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 - a SELECT answers with solutions
            quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]
            data = ox.serialize(quads, format=rdf_format) or b""
        else:
            pattern = "?s ?p ?o" if graph is None else f"GRAPH {iri_text(str(graph))} {{ ?s ?p ?o }}"
            body, _ = self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", N_TRIPLES, None)
            triples = [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            _, data = serialise_triples(triples, media_type)
        if output is None:
            return data
        output.write_bytes(data)
        return None

    def triple_count(self, graph: URIRef | None = None) -> int:
        """Triples in one named graph, or quads in all named graphs when ``graph`` is ``None``."""
        target = "?g" if graph is None else iri_text(str(graph))
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}")
        value = rows[0].get("n") if rows else None
        return int(value) if isinstance(value, Literal) else 0

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # -- HTTP ---------------------------------------------------------------------------------------------

    def _client(self, url: str, timeout: float | None) -> SPARQLWrapper:
        client = SPARQLWrapper(url)
        client.setMethod(POST)
        # The Accept header alone chooses the answer's format: SPARQLWrapper would also add format=/output=
        # parameters, which Virtuoso obeys over Accept (format=turtle for a CONSTRUCT: 406 to application/n-triples).
        client.setOnlyConneg(True)
        if timeout is not None:
            client.setTimeout(max(1, math.ceil(timeout)))  # whole seconds, as SPARQLWrapper took them
        return client

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        """A urllib opener answering ``url``'s Digest challenge with this store's credentials; fresh per request.

        Fresh because urllib's Digest handler counts retries on itself: one shared by concurrent requests
        may refuse a valid exchange as "digest auth failed". Basic credentials go in a header instead
        (:meth:`_authorise`).
        """
        if self._credentials is None or self._auth != "digest":
            return urllib.request.build_opener()
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, *self._credentials)
        return urllib.request.build_opener(_DigestAuthHandler(manager))

    def _authorise(self, request: urllib.request.Request) -> None:
        """Basic credentials, sent with the first request (a handler would wait for a 401, doubling each one)."""
        if self._credentials is not None and self._auth == "basic":
            user, password = self._credentials
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")

    def _send(self, client: SPARQLWrapper, url: str, timeout: float | None) -> tuple[bytes, str]:
        # SPARQLWrapper's request as it would send it (form-encoded POST, headers, parameters), opened here.
        request = client._createRequest()  # SPARQLWrapper's own request builder; see the module docstring
        self._authorise(request)
        wait = max(1, math.ceil(timeout)) if timeout is not None else None
        try:
            with self._opener(url).open(request, timeout=wait) as response:
                self._server_header = response.headers.get("Server", "")
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            if error.code == 400:
                raise _rejection(error.read(), client.queryString, update=client.queryType == INSERT) from None
            message = _text(error.read())
            if error.code == 500 and VIRTUOSO_REQUEST_ERROR.match(message):
                raise InputError(f"the SPARQL server refused the request: {message}") from None
            raise StoreUnavailableError(f"{url} answered HTTP {error.code}: {message}") from None
        except TimeoutError:
            waited = f"within {timeout:g} s" if timeout is not None else "in time"
            raise QueryTimeoutError(f"{url} did not answer {waited}; the query was abandoned") from None
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            raise StoreUnavailableError(f"the SPARQL server at {url} cannot be reached: {error}") from None
        except ValueError as error:  # urllib's auth handlers, on a challenge they cannot answer
            raise StoreUnavailableError(f"{url}: authentication failed: {error}") from None

    def _graph_store(self, method: str, graph: URIRef | None, body: bytes | None, media_type: str) -> bytes:
        """One Graph Store HTTP Protocol request (§5.2 indirect graph identification)."""
        parameter = "default" if graph is None else "graph=" + urllib.parse.quote(str(graph), safe="")
        url = f"{self.store_url}?{parameter}"
        if not url.startswith(("http://", "https://")):
            raise StoreUnavailableError(f"the Graph Store URL must be http(s): {self.store_url}")
        headers = {"Accept": media_type} if body is None else {"Content-Type": media_type}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - checked above
        self._authorise(request)
        opener = self._opener(self.store_url)
        # Reads share the query deadline; an upload of a large file may take longer than any query should.
        timeout = self.query_timeout if method == "GET" else None
        try:
            with opener.open(request, timeout=timeout) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as error:
            if error.code == 404 and method == "GET":
                return b""
            raise StoreUnavailableError(f"{self.store_url} answered HTTP {error.code}: {_text(error.read())}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreUnavailableError(f"the Graph Store at {self.store_url} cannot be reached: {error}") from None
        except ValueError as error:  # urllib's auth handlers, on a challenge they cannot answer
            raise StoreUnavailableError(f"{self.store_url}: authentication failed: {error}") from None
        finally:
            if method != "GET":
                self._count_write()


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest handler, closing the 401 challenge before it retries with the credentials.

    urllib leaves the challenge's response open, and its socket is only closed (with a ResourceWarning)
    when the garbage collector finds it.
    """

    def http_error_401(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        fp.close()
        return super().http_error_401(req, fp, code, msg, headers)


def _set_request(client: SPARQLWrapper, text: str, form: str) -> None:
    """Give SPARQLWrapper the request text and its form, without letting it guess the form from the text.

    ``setQuery`` guesses: it strips comment lines with a pattern that misses every second one of a run of
    them, then takes the first form keyword found anywhere in what is left, even inside a word. A canned
    query whose header says "task" or "address" was sent as an ASK, or as an ADD update to the update
    endpoint. Our own lexer (:func:`~ipgraph.store.sparql_text.query_form`) skips comments, strings and IRIs,
    so the form is decided here and set on SPARQLWrapper's documented ``queryString``/``queryType`` attributes.
    """
    client.queryString = text
    client.queryType = form


def _flush_triples(pending: dict[str, list[ox.Triple]], buffers: dict[str, io.BytesIO]) -> None:
    """Append the pending triples of each graph to its N-Triples buffer."""
    for name, triples in pending.items():
        ox.serialize(triples, buffers.setdefault(name, io.BytesIO()), format=ox.RdfFormat.N_TRIPLES)
    pending.clear()


def _rejection(body: bytes, text: str, *, update: bool) -> InputError:
    """The server's 400 as an ipgraph error that says where the text is wrong, whichever server answered.

    Servers word syntax errors their own way (Virtuoso gives a line only), so the text is parsed again here,
    on an empty in-memory Oxigraph store, for the standard grammar's line and column. Only on this error path;
    the request already passed ipgraph's no-fetch checks before it was sent. Text that parses here was refused
    for another reason: the server's own message is passed on.
    """
    message = _text(body)
    if any(token.kind == "word" and token.text.upper() in {"SERVICE", "LOAD"} for token in tokens(text)):
        return InputError(f"the SPARQL server rejected the request: {message}")  # never fetch to re-parse
    try:
        if update:
            ox.Store().update(text)
        else:
            ox.Store().query(text)
    except SyntaxError as error:
        return syntax_error(error)
    except (RuntimeError, ValueError, OSError):
        pass
    match = re.search(r"(?:line |at )?(\d+)[:,] ?(?:column )?(\d+)", message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        return QuerySyntaxError(f"the SPARQL server rejected the request: {message}", line=line, column=column)
    return InputError(f"the SPARQL server rejected the request: {message}")


def _text(raw: Any) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.strip()[:500]


def _json(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(normalise_results_json(body))
    except ValueError as error:
        raise StoreUnavailableError(f"the SPARQL server did not answer with SPARQL JSON: {error}") from None
    return document if isinstance(document, dict) else {}


def normalise_results_json(body: bytes) -> bytes:
    """SPARQL JSON results as the 1.1 format has them, from a server that writes older or looser forms.

    Virtuoso 7.2 writes ``"type": "typed-literal"`` (SPARQL 1.0's JSON note), blank nodes as
    ``nodeID://b10001`` (not a valid blank node label), and ``xsd:boolean`` values as ``1``/``0``. Each becomes
    the 1.1 form: ``literal``, a label of letters, digits and ``_``, ``true``/``false``. Answers without those
    forms are returned unchanged, unparsed.
    """
    if b'"typed-literal"' not in body and b'"bnode"' not in body:
        return body
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict):
        return body
    for binding in document.get("results", {}).get("bindings", []):
        for value in binding.values():
            _normalise_term(value)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _normalise_term(value: dict[str, str]) -> None:
    if value.get("type") == "typed-literal":
        value["type"] = "literal"
        if value.get("datatype") == XSD_BOOLEAN and value.get("value") in {"1", "0"}:
            value["value"] = "true" if value["value"] == "1" else "false"
    elif value.get("type") == "bnode":
        label = value.get("value", "").removeprefix("nodeID://")
        value["value"] = re.sub(r"[^A-Za-z0-9_]", "_", label) or "b"


def _json_rows(document: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
    """SPARQL 1.1 Query Results JSON Format §3 → variable names and rows of rdflib terms."""
    names = list(document.get("head", {}).get("vars", []))
    rows = [
        {name: _json_term(value) for name, value in binding.items()}
        for binding in document.get("results", {}).get("bindings", [])
    ]
    return names, rows


def _json_term(value: Mapping[str, str]) -> Identifier:
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=URIRef(datatype) if datatype else None)


def _term(term: Any) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    return term_text(term)


def _parse_graph(body: bytes, format_name: str) -> Graph:
    graph = Graph()
    if body.strip():
        try:
            graph.parse(data=body, format=format_name)
        except Exception as error:  # rdflib raises many parser-specific types
            raise StoreUnavailableError(f"the SPARQL server's RDF did not parse: {error}") from None
    return graph
