"""The quad store: one interface (:class:`~ipgraph.store.base.Store`), an embedded and a remote engine."""

from __future__ import annotations

from ipgraph.settings import Settings
from ipgraph.store.base import GraphChange, QueryOutcome, QueryRequest, Row, Store, UpdateRequest
from ipgraph.store.loading import LoadProgress, LoadReport, ProgressCallback, synchronise_project


def open_store(settings: Settings, *, load_project: bool = True, progress: ProgressCallback | None = None) -> Store:
    """Open the store the settings choose: pyoxigraph under ``data_dir/store``, or a remote SPARQL server.

    With ``load_project`` the project's ontology, data and shapes are loaded into their graphs first
    (on later starts only the graphs whose files changed; see :mod:`ipgraph.store.loading`).
    """
    store: Store
    if settings.store_mode == "remote":
        from ipgraph.store.remote import RemoteStore

        store = RemoteStore.from_settings(settings)
    else:
        from ipgraph.store.embedded import EmbeddedStore

        store = EmbeddedStore(
            settings.data_dir,
            workers=settings.query_workers,
            query_timeout=settings.query_timeout,
            row_limit=settings.row_limit,
            query_memory_mb=settings.query_memory_mb or None,
            network=bool(settings.allowed_service_endpoints),
        )
    if load_project:
        try:
            synchronise_project(store, settings, progress)
        except BaseException:
            store.close()
            raise
    return store


__all__ = [
    "GraphChange",
    "LoadProgress",
    "LoadReport",
    "QueryOutcome",
    "QueryRequest",
    "Row",
    "Store",
    "UpdateRequest",
    "open_store",
]
