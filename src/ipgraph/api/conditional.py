"""Conditional GET for answers derived from the store: validators from the store's state, and 304 when they
still match (RFC 9110 §13, §15.4.5)."""

from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import Response

from ipgraph.publish.freshness import FreshnessTracker, StoreState, is_not_modified
from ipgraph.store.base import Store

_TRACKER_LOCK = threading.Lock()


def store_state(request: Request, store: Store) -> StoreState:
    """The store's current state, observed through the application's one :class:`FreshnessTracker`."""
    with _TRACKER_LOCK:
        tracker: FreshnessTracker | None = getattr(request.app.state, "freshness", None)
        if tracker is None:
            tracker = FreshnessTracker()
            request.app.state.freshness = tracker
    return tracker.observe(store)


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
