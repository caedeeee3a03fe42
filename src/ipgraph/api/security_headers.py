"""Headers every response carries, whatever router or error handler produced it.

* ``Content-Security-Policy``: scripts, styles, images, fonts and connections only from this service, no inline
  script, no plugins, no ``<base>`` elsewhere, forms only to this service, never framed. The pages hold no inline
  code (the query page's ``<script type="application/json">`` blocks are data, which CSP does not run); ``data:``
  images are allowed for the icons inside the API documentation's stylesheet. The query editor (CodeMirror)
  writes its styles into a ``<style>`` element at run time: each response gets a fresh random nonce that only
  such elements may carry (``style-src 'nonce-…'``; never for scripts), handed to pages as
  ``request.state.csp_nonce``. An IRI a page shows is a link only through
  :func:`ipgraph.publish.locations.link_target`; this policy is the second wall if one slips through, since a
  ``javascript:`` URL is inline script.
* ``X-Content-Type-Options: nosniff``: a browser runs or styles a response only by its declared type (a Turtle
  dump or a SPARQL answer holding ``<script>`` is never read as HTML).
* ``X-Frame-Options: DENY`` for browsers older than CSP's ``frame-ancestors``.
* ``Referrer-Policy: same-origin``: a query in the address bar (``/query?query=…``) is not sent to the sites
  the results link to.
* ``Retry-After`` on every 503 that does not already say when to come back (RFC 9110 §10.2.3): the error handlers
  set it, and this is the backstop for a page that answers 503 itself.

A header a response already carries is left alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy; ``{nonce}`` is replaced per response.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (it never buffers a body, so streamed dumps stay streamed) adding the headers above."""

    def __init__(self, app: ASGIApp, *, retry_after_seconds: int) -> None:
        self.app = app
        self.retry_after = str(retry_after_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "Content-Security-Policy" not in headers:
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(nonce=nonce)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if message["status"] == 503 and "Retry-After" not in headers:
                    headers["Retry-After"] = self.retry_after
            await send(message)

        await self.app(scope, receive, send_with_headers)
