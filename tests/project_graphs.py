"""The project's graphs in a test store, placed as ``ipgraph serve`` places them on first start.

The file → graph mapping is the loader's own (:func:`ipgraph.store.loading.project_sources`), so tests never keep
a copy of it; the progress fixtures are report versions in the graphs their ``graphs.json`` names.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import URIRef

from ipgraph.settings import Settings
from ipgraph.store.base import Store
from ipgraph.store.loading import project_sources

PROJECT = Path(__file__).resolve().parents[1]
PROGRESS_FIXTURES = PROJECT / "tests" / "reports" / "fixtures" / "progress"


def load_project(store: Store, project: Path = PROJECT) -> None:
    """Every graph the project directory provides (ontology, data, shapes), without a manifest."""
    for source in project_sources(Settings(project_dir=project)):
        for path in source.files:
            store.load_file(path, source.graph)


def load_progress_fixtures(store: Store) -> None:
    """The project's graphs plus every progress fixture file in the graph ``graphs.json`` names."""
    load_project(store)
    graphs = json.loads((PROGRESS_FIXTURES / "graphs.json").read_text(encoding="utf-8"))
    for name, graph in graphs.items():
        store.load_file(PROGRESS_FIXTURES / name, URIRef(graph))
