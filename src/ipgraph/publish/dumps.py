"""Data dumps: each named graph and the whole dataset as files, optionally gzipped.

``/dumps/{name}.{ttl|nq|trig}[.gz]``, where ``name`` is the graph's IRI below ``{base}graph/`` (``plan``,
``reports/org-so-tai-chinh/2024/v1``) or :data:`WHOLE_DATASET` for every graph at once (N-Quads and TriG only:
Turtle has no named graphs). A dump is built once per store state and kept in memory (the dataset is small:
a few thousand triples), so repeated downloads and conditional requests cost nothing.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass

from rdflib import Graph, URIRef

from ipgraph.formats import N_QUADS, TRIG, TURTLE, Format
from ipgraph.publish.describe import bind_prefixes
from ipgraph.store.base import Store

#: The dump of every graph together.
WHOLE_DATASET = "all"
#: Dump formats with the file extension each is served under.
DUMP_FORMATS: tuple[Format, ...] = (TURTLE, N_QUADS, TRIG)
DUMP_EXTENSIONS: dict[str, Format] = {".ttl": TURTLE, ".nq": N_QUADS, ".trig": TRIG}
GZIP_EXTENSION = ".gz"
GZIP_MEDIA_TYPE = "application/gzip"


@dataclass(frozen=True)
class DumpRequest:
    """A dump asked for by file name: which graph (or :data:`WHOLE_DATASET`), which format, gzipped or not."""

    name: str
    fmt: Format
    compressed: bool

    @property
    def file_name(self) -> str:
        """The file name a download is saved under (``plan.ttl.gz``; slashes of report graphs become ``_``)."""
        return self.name.replace("/", "_") + dump_extension(self.fmt) + (GZIP_EXTENSION if self.compressed else "")

    @property
    def variant(self) -> str:
        """This dump's part of the entity tag."""
        return f"dump-{self.name}-{self.fmt.name}{'-gz' if self.compressed else ''}"


def dump_extension(fmt: Format) -> str:
    """The extension a dump in ``fmt`` is served under."""
    return next(extension for extension, candidate in DUMP_EXTENSIONS.items() if candidate is fmt)


def dump_url(name: str, fmt: Format, *, compressed: bool = False) -> str:
    """The service path of a dump (``/dumps/plan.ttl.gz``)."""
    return f"/dumps/{name}{dump_extension(fmt)}{GZIP_EXTENSION if compressed else ''}"


def dump_name(graph: str, base_iri: str) -> str:
    """The dump name of a named graph: its IRI below ``{base}graph/``; other graphs are not dumped by name."""
    prefix = base_iri + "graph/"
    return graph[len(prefix) :] if graph.startswith(prefix) else ""


def parse_dump_path(path: str) -> DumpRequest | None:
    """Read ``plan.ttl.gz`` as a :class:`DumpRequest`; ``None`` when the extension is not a dump format."""
    compressed = path.endswith(GZIP_EXTENSION)
    stem = path[: -len(GZIP_EXTENSION)] if compressed else path
    for extension, fmt in DUMP_EXTENSIONS.items():
        if stem.endswith(extension) and len(stem) > len(extension):
            name = stem[: -len(extension)]
            if name == WHOLE_DATASET and fmt.kind != "dataset":
                return None
            return DumpRequest(name, fmt, compressed)
    return None


def serialise_dump(store: Store, graph: URIRef | None, fmt: Format) -> bytes:
    """One graph (or every graph, ``graph=None``) in ``fmt``; dataset formats keep each triple's graph name."""
    if fmt.kind == "graph":
        if graph is None:
            raise ValueError("Turtle cannot hold the named graphs of the whole dataset")
        return _serialise(bind_prefixes(store.read_graph(graph)), "turtle")
    names = [graph] if graph is not None else sorted(store.graph_names())
    graphs = [(name, bind_prefixes(store.read_graph(name))) for name in names]
    return write_nquads(graphs) if fmt is N_QUADS else write_trig(graphs)


# rdflib's own dataset writers warn (deprecated Dataset methods) on every call; its graph writers do not, so the
# dataset formats are assembled here from each graph's N-Triples, which both grammars accept as statements.


def write_nquads(graphs: list[tuple[URIRef, Graph]]) -> bytes:
    """N-Quads: each graph's N-Triples lines with the graph's name added (RDF 1.1 N-Quads §2)."""
    out: list[str] = []
    for name, graph in graphs:
        label = f" <{name}> .\n"
        out.extend(line.removesuffix(".").rstrip() + label for line in _triple_lines(graph))
    return "".join(out).encode("utf-8")


def write_trig(graphs: list[tuple[URIRef, Graph]]) -> bytes:
    """TriG: a ``<name> { … }`` block per graph holding its triples as N-Triples statements (RDF 1.1 TriG §2;
    an N-Triples statement is valid Turtle, so valid inside a TriG graph block)."""
    blocks = []
    for name, graph in graphs:
        statements = "".join(f"{line}\n" for line in _triple_lines(graph))
        blocks.append(f"<{name}> {{\n{statements}}}\n")
    return "\n".join(blocks).encode("utf-8")


def _triple_lines(graph: Graph) -> list[str]:
    """The graph's N-Triples statements, sorted so a dump of unchanged data has unchanged bytes."""
    return sorted(line.rstrip() for line in _serialise(graph, "nt").decode("utf-8").splitlines() if line.strip())


def _serialise(graph: Graph, rdflib_format: str) -> bytes:
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()


def compress(data: bytes) -> bytes:
    """gzip with a fixed timestamp, so the same dump always has the same bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


class DumpCache:
    """Dumps of the store's current state, built on first request and dropped when the state changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digest: str | None = None
        self._dumps: dict[tuple[str, str, bool], bytes] = {}

    def get(self, store: Store, state_digest: str, request: DumpRequest, graph: URIRef | None) -> bytes:
        """The bytes of ``request`` for the store in state ``state_digest`` (a gzipped dump reuses the plain one)."""
        key = (request.name, request.fmt.name, request.compressed)
        with self._lock:
            if self._digest != state_digest:
                self._dumps.clear()
                self._digest = state_digest
            cached = self._dumps.get(key)
        if cached is not None:
            return cached
        if request.compressed:
            plain = DumpRequest(request.name, request.fmt, compressed=False)
            data = compress(self.get(store, state_digest, plain, graph))
        else:
            data = serialise_dump(store, graph, request.fmt)
        with self._lock:
            if self._digest == state_digest:
                self._dumps[key] = data
        return data
