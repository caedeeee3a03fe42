"""First-start loading: the project's files into their named graphs (docs/model.md, "Named graphs").

A manifest in the data directory records each graph's files and their SHA-256; a later start reloads only the
graphs whose files changed, so a new release's data replaces its graph wholly while report graphs
(``ipgraph:reports/…``), which no file feeds, are never touched.

Example reports (``data/examples/valid/``, Turtle and JSON-LD) go to ``ipgraph:examples`` only while the setting
``load_examples`` is true; otherwise that graph is dropped, so examples never mix with real data
(docs/reports.md, "Example data"). ``data/examples/invalid/`` is test material and is never loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from ipgraph import vocab
from ipgraph.settings import Settings
from ipgraph.store.base import Store

MANIFEST_NAME = "manifest.json"

#: The example reports loaded when ``load_examples`` is true: the valid ones only, in every format they come in.
EXAMPLE_PATTERNS = ("*.ttl", "*.jsonld")


@dataclass(frozen=True)
class GraphSource:
    """The files that make up one named graph, in load order."""

    graph: URIRef
    files: tuple[Path, ...]


@dataclass(frozen=True)
class LoadProgress:
    """Reported while loading: the file being read, its place in the run and the triples read from it so far."""

    path: Path
    graph: URIRef
    file_number: int
    file_count: int
    triples: int


@dataclass(frozen=True)
class LoadReport:
    """What a start did: graphs (re)loaded with their triple counts, graphs reused, graphs dropped."""

    loaded: dict[URIRef, int]
    reused: tuple[URIRef, ...]
    dropped: tuple[URIRef, ...]


ProgressCallback = Callable[[LoadProgress], None]


def project_sources(settings: Settings) -> list[GraphSource]:
    """The graphs the project directory provides now; files not written yet are simply absent."""
    root = settings.project_dir
    sources = [
        GraphSource(vocab.ONTOLOGY_GRAPH, _files(root / "ontology", "*.ttl")),
        *(GraphSource(_data_graph(path), (path,)) for path in _files(root / "data", "*.ttl")),
        GraphSource(vocab.SHAPES_GRAPH, _files(root / "shapes", "*.ttl")),
    ]
    if settings.load_examples:
        examples = _files(root / "data" / "examples" / "valid", *EXAMPLE_PATTERNS)
        sources.append(GraphSource(vocab.EXAMPLES_GRAPH, examples))
    return [source for source in sources if source.files]


def _files(directory: Path, *patterns: str) -> tuple[Path, ...]:
    if not directory.is_dir():
        return ()
    return tuple(sorted({path for pattern in patterns for path in directory.glob(pattern)}))


def _data_graph(path: Path) -> URIRef:
    # data/<stem>.ttl → ipgraph:<stem>; data/inferred.ttl is the reasoner's output → ipgraph:inferred.
    return vocab.GRAPH[path.stem]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def synchronise_project(store: Store, settings: Settings, progress: ProgressCallback | None = None) -> LoadReport:
    """Bring the store in line with the project files: load new or changed graphs, drop vanished ones."""
    manifest_path = settings.data_dir / MANIFEST_NAME
    previous = _read_manifest(manifest_path)
    rewrite = None if settings.base_iri == vocab.CANONICAL_BASE else (vocab.CANONICAL_BASE, settings.base_iri)
    sources = project_sources(settings)
    current: dict[str, dict[str, str]] = {}
    for source in sources:
        entry = {str(path.relative_to(settings.project_dir)): file_digest(path) for path in source.files}
        entry["#base"] = settings.base_iri
        current[str(source.graph)] = entry
    stale = [
        source
        for source in sources
        if previous.get(str(source.graph)) != current[str(source.graph)] or store.triple_count(source.graph) == 0
    ]
    dropped = tuple(URIRef(name) for name in previous if name not in current)
    unasked_examples = str(vocab.EXAMPLES_GRAPH) not in current and vocab.EXAMPLES_GRAPH not in dropped
    if unasked_examples and store.triple_count(vocab.EXAMPLES_GRAPH) > 0:
        # Examples loaded by an older release, or with a manifest since lost: still never kept unasked for.
        dropped += (vocab.EXAMPLES_GRAPH,)
    for name in dropped:
        store.drop_graph(name)
    loaded = _load_sources(store, stale, rewrite, progress)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _write_manifest(manifest_path, current)
    reused = tuple(source.graph for source in sources if source not in stale)
    return LoadReport(loaded, reused, dropped)


def _load_sources(
    store: Store,
    sources: Sequence[GraphSource],
    rewrite: tuple[str, str] | None,
    progress: ProgressCallback | None,
) -> dict[URIRef, int]:
    file_count = sum(len(source.files) for source in sources)
    number = 0
    loaded: dict[URIRef, int] = {}
    for source in sources:
        store.drop_graph(source.graph)
        loaded[source.graph] = 0
        for path in source.files:
            number += 1

            def report(triples: int, path: Path = path, graph: URIRef = source.graph, number: int = number) -> None:
                if progress is not None:
                    progress(LoadProgress(path, graph, number, file_count, triples))

            report(0)
            loaded[source.graph] += store.load_file(path, source.graph, progress=report, iri_rewrite=rewrite)
    return loaded


def _read_manifest(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(path: Path, manifest: dict[str, dict[str, str]]) -> None:
    # Written after the loads: a crash mid-load leaves the old manifest, so the next start loads again.
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)
