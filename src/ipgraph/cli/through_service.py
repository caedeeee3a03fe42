"""``query``, ``export`` and ``load`` through the HTTP API of the service running on the same data directory.

Used when the embedded store is held by ``ipgraph serve`` (see :mod:`ipgraph.cli.running`): the answers are
the ones the local store would give, in the same formats and with the same exit codes.

- query: ``POST /sparql`` (form-encoded), parameters bound by a VALUES block as the canned-query route does;
- export: ``GET /dumps/all.nq`` (every named graph, each read whole) turned into the chosen format here;
- load: each file parsed here first (a broken file sends nothing), then one Graph Store ``POST`` per graph with
  the service's per-run secret, so each graph's blank nodes stay one set of nodes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
from rdflib import URIRef

from ipgraph.cli.running import RunningService
from ipgraph.errors import InputError, StoreUnavailableError
from ipgraph.formats import SPARQL_CSV, SPARQL_JSON, SPARQL_TSV, format_for_media_type
from ipgraph.store.base import QueryOutcome, QueryRequest
from ipgraph.store.evaluation import serialise_triples
from ipgraph.store.rdf_files import file_format, read_quads
from ipgraph.store.sparql_text import bind_values
from ipgraph.store.terms import to_ox_graph_name

#: Seconds added to a query's own deadline before the client gives up on the service.
HTTP_GRACE = 30.0
#: Seconds an export or a load may take.
TRANSFER_TIMEOUT = 600.0
TRUNCATED_HEADER = "X-Ipgraph-Truncated"


def query(service: RunningService, request: QueryRequest, form: str) -> QueryOutcome:
    """Run ``request`` on the service; an ASK asked for as CSV/TSV is answered as the local store writes it."""
    text = bind_values(request.query, request.bindings) if request.bindings else request.query
    bare_boolean = form == "ASK" and request.media_type in (SPARQL_CSV.media_type, SPARQL_TSV.media_type)
    accept = SPARQL_JSON.media_type if bare_boolean else request.media_type
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    timeout = (request.timeout or 60.0) + HTTP_GRACE
    answer, headers = _send(service, "POST", "/sparql", body, "application/x-www-form-urlencoded", accept, timeout)
    truncated = headers.get(TRUNCATED_HEADER, "").lower() == "true"
    if form != "ASK":
        kind = "bindings" if form == "SELECT" else "graph"
        return QueryOutcome(kind, request.media_type, answer, truncated=truncated)  # type: ignore[arg-type]
    truth = _boolean(answer, accept)
    shown = (b"true" if truth else b"false") if bare_boolean else answer
    return QueryOutcome("boolean", request.media_type, shown, answer=truth)


def export(service: RunningService, output: Path | None, media_type: str, graph: URIRef | None) -> bytes | None:
    """Every named graph of the service (or one), in ``media_type``; written to ``output`` when given."""
    answer, _ = _send(service, "GET", "/dumps/all.nq", None, None, "application/n-quads", TRANSFER_TIMEOUT)
    dataset = ox.Store()
    dataset.bulk_load(answer, format=ox.RdfFormat.N_QUADS)
    if graph is not None:
        if not dataset.contains_named_graph(ox.NamedNode(str(graph))):
            held = ", ".join(f"<{name.value}>" for name in dataset.named_graphs()) or "none"
            raise InputError(f"the store holds no graph <{graph}>; its graphs are: {held}")
        triples = [quad.triple for quad in dataset.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))]
    elif file_format(Path("out"), media_type).supports_datasets:
        whole = dataset.dump(format=file_format(Path("out"), media_type))
        assert whole is not None  # noqa: S101 - dump without an output returns the bytes
        return _deliver(whole, output)
    else:
        triples = list(dict.fromkeys(quad.triple for quad in dataset))
    _, body = serialise_triples(triples, media_type)
    return _deliver(body, output)


def load(service: RunningService, path: Path, graph: URIRef, progress: Callable[[int], None] | None = None) -> int:
    """Send the quads of ``path`` (triples into ``graph``) to the service's Graph Store; the number read."""
    by_graph: dict[str, list[ox.Triple]] = {}
    read = 0
    for quad in read_quads(path, to_ox_graph_name(graph)):
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
        read += 1
    for name, triples in by_graph.items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert body is not None  # noqa: S101 - serialize without an output returns the bytes
        target = "/store?" + urllib.parse.urlencode({"graph": name})
        _send(service, "POST", target, body, "application/n-triples", "application/json", TRANSFER_TIMEOUT)
        if progress is not None:
            progress(read)
    return read


def _deliver(body: bytes, output: Path | None) -> bytes | None:
    if output is None:
        return body
    output.write_bytes(body)
    return None


def _boolean(body: bytes, media_type: str) -> bool:
    if format_for_media_type(media_type) is SPARQL_JSON:
        return bool(json.loads(body)["boolean"])
    element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")  # noqa: S314
    return element is not None and (element.text or "").strip() == "true"


def _send(
    service: RunningService,
    method: str,
    path: str,
    body: bytes | None,
    content_type: str | None,
    accept: str,
    timeout: float,
) -> tuple[bytes, dict[str, str]]:
    headers = {"Accept": accept, "Authorization": f"Bearer {service.token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(  # noqa: S310 - the URL is the running service's own, from its runtime file
        service.url.rstrip("/") + path, data=body, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as refusal:
        detail = _detail(refusal.read())
        if refusal.code >= 500:
            raise StoreUnavailableError(f"the service at {service.url} answered {refusal.code}: {detail}") from None
        raise InputError(f"the service at {service.url} refused the request ({refusal.code}): {detail}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise StoreUnavailableError(
            f"the service running on this data directory (pid {service.pid}, {service.url}) did not answer: {error}"
        ) from None


def _detail(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return body.decode("utf-8", errors="replace")[:500]
    return str(document.get("detail", document)) if isinstance(document, dict) else str(document)
