"""``/docs``: the OpenAPI description in Swagger UI, every asset served by ipgraph itself.

FastAPI's own ``/docs`` and ``/redoc`` load their scripts from a CDN and start Swagger UI with an inline script:
the first breaks the promise that the service works offline and reaches nothing, the second the
Content-Security-Policy (:mod:`ipgraph.api.security_headers`). Both are switched off in the app factory; this
page loads the Swagger UI bundle built from ``web/`` (npm ``swagger-ui-dist``, ``make web``) from ``/static``.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ipgraph.api.problems import problem_response
from ipgraph.api.site import STATIC_DIR

router = APIRouter(tags=["site"])

DOCS_PATH = "/docs"
ASSETS = STATIC_DIR / "api-docs"


@router.get(DOCS_PATH, include_in_schema=False)
def api_docs(request: Request) -> Response:
    """The Swagger UI page for ``/openapi.json``."""
    if not (ASSETS / "api-docs.js").is_file():
        return problem_response(404, "the API documentation page is not built; run `make web`")
    openapi_url = escape(request.app.openapi_url or "/openapi.json")
    title = escape(f"{request.app.title} {request.app.version} — API")
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/api-docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/api-docs/api-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(page)
