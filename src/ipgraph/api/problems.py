"""Every error the app answers with, as RFC 9457 problem details (``application/problem+json``).

One table maps ipgraph's exception tree to HTTP status codes, so routers raise domain errors and never build
error responses themselves. Bodies carry ``title``, ``status``, ``detail`` and, for syntax errors, ``line`` and
``column``. Unexpected exceptions become a 500 whose body reveals nothing of the request (tokens included).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ipgraph.errors import (
    AuthenticationError,
    ForbiddenFetchError,
    HttpStatusError,
    InputError,
    IpgraphError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    QueryMemoryError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfSyntaxError,
    SettingsError,
    StoreUnavailableError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
    ValidationWorkerError,
)
from ipgraph.formats import PROBLEM_JSON_MEDIA_TYPE

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait after a 503 (deadline or store unavailable).
RETRY_AFTER_SECONDS = 5
#: Frames of an unexpected error's traceback that reach the log: the innermost ones, where it went wrong.
LOGGED_FRAMES = 40


# Most specific first: the first matching class decides the status.
_STATUS_BY_ERROR: tuple[tuple[type[IpgraphError], int, str], ...] = (
    (UnsupportedMediaTypeError, 415, "Unsupported media type"),
    (NotAcceptableError, 406, "Not acceptable"),
    (ForbiddenFetchError, 400, "Refused: the request names something ipgraph will not fetch"),
    (QuerySyntaxError, 400, "SPARQL syntax error"),
    (RdfSyntaxError, 400, "RDF syntax error"),
    (InputError, 400, "Bad request"),
    (NotFoundError, 404, "Not found"),
    (AuthenticationError, 401, "Authentication required"),
    (PermissionDeniedError, 403, "Forbidden"),
    # A deadline is the service's own policy, not a failing upstream: 503 + Retry-After (RFC 9110 §15.6.4)
    # tells clients and crawlers to back off; 504 would blame a gateway that does not exist in embedded mode.
    (QueryTimeoutError, 503, "Query deadline exceeded"),
    (QueryMemoryError, 503, "Query memory limit exceeded"),
    (StoreUnavailableError, 503, "Store unavailable"),
    (ValidationWorkerError, 503, "Validation unavailable"),
    (ValidationFailedError, 422, "Validation failed"),
    (SettingsError, 500, "Server misconfigured"),
)


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """An ``application/problem+json`` response (RFC 9457 §3)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update({key: value for key, value in (extra or {}).items() if value is not None})
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=status,
        media_type=PROBLEM_JSON_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def error_response(error: IpgraphError) -> Response:
    """The response for one of ipgraph's own errors."""
    if isinstance(error, HttpStatusError):
        return problem_response(error.status, str(error), headers=error.headers)
    status, title = next(
        ((status, title) for kind, status, title in _STATUS_BY_ERROR if isinstance(error, kind)),
        (500, "Internal server error"),
    )
    headers: dict[str, str] = {}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ipgraph"'  # RFC 6750 §3
    extra = {"line": getattr(error, "line", None), "column": getattr(error, "column", None)}
    return problem_response(status, str(error), title=title, headers=headers, extra=extra)


async def _ipgraph_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, IpgraphError)  # noqa: S101 - registered for IpgraphError only
    return error_response(error)


async def _http_exception(_: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101 - registered for HTTPException only
    return problem_response(error.status_code, str(error.detail), headers=error.headers)


async def _validation_error(_: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for RequestValidationError only
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg')}" for item in error.errors()
    )
    return problem_response(400, problems or "the request is malformed")


async def _unexpected(request: Request, error: Exception) -> Response:
    trim_traceback(error, LOGGED_FRAMES)
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(500, "an unexpected error occurred; it has been logged")


def trim_traceback(error: BaseException, frames: int) -> None:
    """Keep only the innermost ``frames`` frames of ``error``'s traceback (and of the errors it chains).

    The log is written from the event loop: a RecursionError's thousands of frames (~400 kB, logged here and again
    by the server) block every request while a slow or full log pipe takes them in.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tail, count = current.__traceback__, 0
        walker = tail
        while walker is not None:
            count += 1
            walker = walker.tb_next
        for _ in range(max(0, count - frames)):
            assert tail is not None  # noqa: S101 - count says how many frames there are
            tail = tail.tb_next
        current.__traceback__ = tail
        current = current.__cause__ or current.__context__


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem details."""
    app.add_exception_handler(IpgraphError, _ipgraph_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
