"""The app factory: builds a FastAPI application from explicit settings, opening the store on start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ipgraph import __version__
from ipgraph.api import dataset, graph_store, progress, queries, reports, resources, site, sparql
from ipgraph.api.openapi import install_unique_operation_ids
from ipgraph.api.problems import install_problem_handlers
from ipgraph.queries import load_canned_queries
from ipgraph.settings import Settings
from ipgraph.sparql_guard import forbid_engine_fetching
from ipgraph.store.base import Store


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Create the ipgraph application; ``store`` lets tests hand in one they opened themselves."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from ipgraph.store import open_store

        owned = store is None
        app.state.store = open_store(settings) if owned else store
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(title="ipgraph", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.canned_queries = load_canned_queries(settings.project_dir / "queries")
    if store is not None:
        app.state.store = store
    app.include_router(resources.router)
    app.include_router(dataset.router)
    app.include_router(site.router)
    site.mount_static(app, settings)
    app.include_router(queries.router)
    app.include_router(progress.router)
    app.include_router(reports.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    install_problem_handlers(app)
    install_unique_operation_ids(app)
    forbid_engine_fetching()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type"],
        expose_headers=["Location", "Retry-After", sparql.TRUNCATED_HEADER],
        max_age=600,
    )
    return app
