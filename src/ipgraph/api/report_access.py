"""What the report routes share: the application's submission service and tokens, token checks, and the
validation limits turned into HTTP answers."""

from __future__ import annotations

import threading
from collections.abc import Awaitable
from typing import TypeVar

from fastapi import FastAPI
from rdflib import URIRef

from ipgraph.api.auth import bearer_token
from ipgraph.api.problems import RETRY_AFTER_SECONDS
from ipgraph.errors import AuthenticationError, HttpStatusError, ValidationBusyError, ValidationTimeoutError
from ipgraph.reports.submission import ReportService
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings

T = TypeVar("T")
_STATE_LOCK = threading.Lock()


def report_service(app: FastAPI) -> ReportService:
    """The application's one :class:`ReportService`, made on first use (it needs the store opened at start-up)."""
    with _STATE_LOCK:
        service: ReportService | None = getattr(app.state, "report_service", None)
        if service is None:
            service = ReportService.from_settings(app.state.settings, app.state.store)
            app.state.report_service = service
        return service


def token_registry(app: FastAPI) -> TokenRegistry:
    """The tokens of the application's data directory."""
    with _STATE_LOCK:
        registry: TokenRegistry | None = getattr(app.state, "token_registry", None)
        if registry is None:
            settings: Settings = app.state.settings
            registry = TokenRegistry.for_data_dir(settings.data_dir)
            app.state.token_registry = registry
        return registry


def authenticate(app: FastAPI, authorization: str | None) -> URIRef:
    """The organisation whose token the ``Authorization`` header carries; 401 when none, unknown or revoked."""
    token = bearer_token(authorization)
    if token is None:
        raise AuthenticationError("submitting a report needs an 'Authorization: Bearer <token>' header")
    organisation = token_registry(app).authenticate(token)
    if organisation is None:
        raise AuthenticationError("the bearer token is unknown or has been revoked")
    return organisation


async def run_limited(pending: Awaitable[T]) -> T:
    """Await a validation job, turning the gate's refusals into 503 with ``Retry-After``."""
    try:
        return await pending
    except (ValidationBusyError, ValidationTimeoutError) as error:
        raise HttpStatusError(503, str(error), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
