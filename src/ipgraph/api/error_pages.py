"""Errors as pages for people: a browser that asks for HTML gets a translated 404 or 405 page with the site's
navigation; every other client keeps the problem details (RFC 9457) of :mod:`ipgraph.api.problems`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ipgraph.api.problems import error_response, problem_response
from ipgraph.errors import IpgraphError, NotFoundError
from ipgraph.formats import accepts_html
from ipgraph.publish.i18n import message
from ipgraph.publish.rendering import render_page, request_language

#: Statuses answered with a page: what a reader reaches by following or typing a wrong address.
PAGE_STATUSES = frozenset({404, 405})


def error_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    """The page for ``status`` in the reader's language."""
    lang = request_language(request)
    if status == 405:
        heading = message("method_not_allowed", lang)
        text = message("method_not_allowed_text", lang).replace("{method}", request.method)
    else:
        heading, text = message("page_not_found", lang), message("page_not_found_text", lang)
    context = {"heading": heading, "text": text, "path": request.url.path}
    response = render_page(request, "error.html", context, status_code=status, headers=headers)
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


def _wants_page(request: Request, status: int) -> bool:
    return (
        status in PAGE_STATUSES
        and request.method in ("GET", "HEAD", "POST")
        and accepts_html(request.headers.get("accept"))
    )


async def _http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101 - registered for HTTPException only
    if _wants_page(request, error.status_code):
        return error_page(request, error.status_code, dict(error.headers or {}))
    return problem_response(error.status_code, str(error.detail), headers=error.headers)


async def _not_found(request: Request, error: Exception) -> Response:
    assert isinstance(error, IpgraphError)  # noqa: S101 - registered for IpgraphError only
    if isinstance(error, NotFoundError) and _wants_page(request, 404):
        return error_page(request, 404)
    return error_response(error)


def install_error_pages(app: FastAPI) -> None:
    """Register the page-or-problem handlers (after :func:`~ipgraph.api.problems.install_problem_handlers`)."""
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(IpgraphError, _not_found)
