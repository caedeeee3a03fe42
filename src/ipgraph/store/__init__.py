"""The quad store: one interface (:class:`~ipgraph.store.base.Store`), an embedded and a remote engine."""

from __future__ import annotations

from ipgraph.settings import Settings
from ipgraph.store.base import GraphChange, QueryOutcome, QueryRequest, Row, Store, UpdateRequest


def open_store(settings: Settings) -> Store:
    """Open the store the settings choose: pyoxigraph under ``data_dir/store``, or a remote SPARQL server."""
    if settings.store_mode == "remote":
        from ipgraph.store.remote import RemoteStore

        remote: Store = RemoteStore.from_settings(settings)
        return remote
    from ipgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(
        settings.data_dir,
        workers=settings.query_workers,
        query_timeout=settings.query_timeout,
        row_limit=settings.row_limit,
    )


__all__ = ["GraphChange", "QueryOutcome", "QueryRequest", "Row", "Store", "UpdateRequest", "open_store"]
