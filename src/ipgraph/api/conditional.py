"""Conditional GET for answers derived from the store: validators from the store's state (observed through
the app's :class:`~ipgraph.publish.freshness.FreshnessTracker`), and 304 when they still match (RFC 9110 §13,
§15.4.5)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ipgraph.publish.freshness import StoreState, is_not_modified


def validators(state: StoreState, variant: str) -> dict[str, str]:
    """``ETag`` and ``Last-Modified`` headers for one representation in ``state``."""
    return {"ETag": state.etag(variant), "Last-Modified": state.last_modified}


def not_modified(request: Request, headers: dict[str, str], state: StoreState) -> Response | None:
    """A 304 answer when the request's validators still match (RFC 9110 §15.4.5), else ``None``."""
    if is_not_modified(
        state, headers["ETag"], request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    ):
        return Response(status_code=304, headers=headers)
    return None
