"""Dependencies shared by the routers, declared once as ``Annotated`` aliases.

Everything here lives as long as the application: the app factory's lifespan builds it once, after the store is
open, and closes it at shutdown (:func:`ipgraph.api.app.create_app`); routers only receive it.

Each is an ``async def`` that only reads ``app.state``: FastAPI runs a plain ``def`` dependency on a threadpool
thread, a hop (two context switches) per dependency per request for an attribute lookup.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ipgraph.publish.dumps import DumpCache
from ipgraph.publish.freshness import FreshnessTracker
from ipgraph.queries import CannedQuery
from ipgraph.query_service import QueryService
from ipgraph.reports.submission import ReportService
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.search import SearchIndexCache
from ipgraph.settings import Settings
from ipgraph.store.base import Store


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> Store:
    """The store opened when the app started."""
    store: Store = request.app.state.store
    return store


async def get_query_service(request: Request) -> QueryService:
    """Read queries on the store: the fetch guard, the endpoint as base IRI, then the engine."""
    service: QueryService = request.app.state.query_service
    return service


async def get_report_service(request: Request) -> ReportService:
    """The submission workflow over the store (validation slots, receipts, the archive)."""
    service: ReportService = request.app.state.report_service
    return service


async def get_token_registry(request: Request) -> TokenRegistry:
    """The agencies' submission tokens, kept in the data directory."""
    registry: TokenRegistry = request.app.state.token_registry
    return registry


async def get_canned_queries(request: Request) -> dict[str, CannedQuery]:
    """The canned queries read from ``queries/`` at start-up."""
    queries: dict[str, CannedQuery] = request.app.state.canned_queries
    return queries


async def get_freshness(request: Request) -> FreshnessTracker:
    """The one tracker of the store's state that validators (``ETag``, ``Last-Modified``) come from."""
    tracker: FreshnessTracker = request.app.state.freshness
    return tracker


async def get_dump_cache(request: Request) -> DumpCache:
    """Serialised dumps, kept while the store's state is unchanged."""
    cache: DumpCache = request.app.state.dumps
    return cache


async def get_search_index(request: Request) -> SearchIndexCache:
    """The search index, rebuilt when the store's state changes."""
    cache: SearchIndexCache = request.app.state.search_index
    return cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
QueryServiceDep = Annotated[QueryService, Depends(get_query_service)]
ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
TokenRegistryDep = Annotated[TokenRegistry, Depends(get_token_registry)]
CannedQueriesDep = Annotated[dict[str, CannedQuery], Depends(get_canned_queries)]
FreshnessDep = Annotated[FreshnessTracker, Depends(get_freshness)]
DumpCacheDep = Annotated[DumpCache, Depends(get_dump_cache)]
SearchIndexDep = Annotated[SearchIndexCache, Depends(get_search_index)]
