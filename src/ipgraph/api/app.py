"""The app factory: builds a FastAPI application from explicit settings, opening the store on start-up."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp

from ipgraph import __version__
from ipgraph.api import (
    api_docs,
    dataset,
    graph_store,
    progress,
    queries,
    report_pages,
    reports,
    resources,
    revalidation_page,
    site,
    sparql,
)
from ipgraph.api.error_pages import install_error_pages
from ipgraph.api.openapi import install_unique_operation_ids
from ipgraph.api.problems import RETRY_AFTER_SECONDS, install_problem_handlers
from ipgraph.api.public_urls import relative_iri_base
from ipgraph.api.query_responses import TRUNCATED_HEADER
from ipgraph.api.security_headers import SecurityHeadersMiddleware
from ipgraph.api.static_files import mount_static
from ipgraph.publish.dumps import DumpCache
from ipgraph.publish.freshness import FreshnessTracker
from ipgraph.queries import load_canned_queries
from ipgraph.query_service import QueryService
from ipgraph.reports.submission import ReportService
from ipgraph.reports.token_graph import token_registry
from ipgraph.search import SearchIndexCache
from ipgraph.settings import Settings
from ipgraph.sparql_guard import forbid_engine_fetching
from ipgraph.store.base import Store

log = logging.getLogger(__name__)


def create_app(
    settings: Settings, store: Store | None = None, *, warm_up: bool = False, local_token: str = ""
) -> FastAPI:
    """Create the ipgraph application; ``store`` lets tests hand in one they opened themselves.

    ``warm_up`` (what ``ipgraph serve`` asks for) parses the report shapes and the plan slice they check against
    right after start-up, in the background: the first agency to submit does not wait for it, and the first
    SPARQL answer does not wait either. ``local_token`` is the per-run secret ``ipgraph serve`` writes to its
    runtime file: it allows writes like the admin token (see :mod:`ipgraph.cli.running`).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from ipgraph.store import open_store

        owned = store is None
        app.state.store = open_store(settings) if owned else store
        _open_app_objects(app, settings)
        if warm_up:
            warming = threading.Thread(target=_prepare_report_validation, args=(app,), name="ipgraph-warm-up")
            warming.daemon = True
            warming.start()
        try:
            yield
        finally:
            app.state.report_service.close()
            if owned:
                app.state.store.close()

    # FastAPI's /docs and /redoc load scripts from a CDN; ipgraph serves its own /docs (ipgraph.api.api_docs).
    app = _SecuredApp(title="ipgraph", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.local_admin_token = local_token  # auth.LOCAL_TOKEN_STATE: the runtime file's secret, if any
    if store is not None:
        app.state.store = store
    # The SPARQL endpoint first: the router tries routes in order, and no other route answers /sparql, so its
    # requests (the busiest, and the most sensitive to fixed cost) skip matching every page's route first.
    app.include_router(sparql.router)
    app.include_router(resources.router)
    app.include_router(dataset.router)
    app.include_router(site.router)
    mount_static(app)
    app.include_router(queries.router)
    app.include_router(progress.router)
    app.include_router(revalidation_page.router)
    app.include_router(report_pages.router)
    app.include_router(reports.router)
    app.include_router(graph_store.router)
    app.include_router(api_docs.router)
    install_problem_handlers(app)
    install_error_pages(app)
    install_unique_operation_ids(app)
    forbid_engine_fetching()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type"],
        expose_headers=["Location", "Retry-After", TRUNCATED_HEADER],
        max_age=600,
    )
    # Links may follow the request's host (ipgraph.api.public_urls), so only the operator's names are accepted:
    # any other Host header is a 400 before a router runs (a hostile Host cannot reach a page or a description).
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_host_names()), www_redirect=False)
    return app


class _SecuredApp(FastAPI):
    """The app with :class:`SecurityHeadersMiddleware` around Starlette's whole stack.

    Middleware added with ``add_middleware`` sits inside Starlette's outermost error middleware, which answers an
    unexpected exception's 500 on its own; wrapping the built stack makes that answer, and a refused Host, carry
    the headers too.
    """

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack(), retry_after_seconds=RETRY_AFTER_SECONDS)


def _open_app_objects(app: FastAPI, settings: Settings) -> None:
    """Build what lives as long as the app, once, after the store is open (routers get it through
    :mod:`ipgraph.api.deps`); the lifespan closes what holds workers."""
    app.state.query_service = QueryService(app.state.store, settings, relative_iri_base(settings))
    app.state.report_service = ReportService.from_settings(settings, app.state.store)
    app.state.token_registry = token_registry(settings, app.state.store)
    app.state.canned_queries = load_canned_queries(settings.project_dir / "queries")
    app.state.freshness = FreshnessTracker()
    app.state.dumps = DumpCache()
    app.state.search_index = SearchIndexCache()


def _prepare_report_validation(app: FastAPI) -> None:
    try:
        app.state.report_service.prepare()
    except Exception:  # a broken shapes file must not stop the service; submissions will report it
        log.exception("could not prepare report validation at start-up")
