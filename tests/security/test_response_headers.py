"""Every answer carries the security headers (CSP without inline script, nosniff, frame-ancestors, referrer policy),
pages hold no inline code, and ``/docs`` loads nothing from outside the service (ipgraph.api.security_headers,
ipgraph.api.api_docs)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from security_support import SecureService, service_settings
from servers import serve

from ipgraph.api.static_files import STATIC_DIR

#: Answers of every kind: pages, RDF, SPARQL results, JSON, problems, static files, the API description.
PATHS = (
    "/",
    "/query?query=ASK%20%7B%7D",
    "/search?q=h%C3%A0",
    "/dashboard",
    "/def",
    "/reports/submit",
    "/reports/revalidation",
    "/reports/revalidation?format=json",
    "/docs",
    "/openapi.json",
    "/sparql?query=ASK%20%7B%7D",
    "/sparql",
    "/.well-known/void",
    "/queries",
    "/store?default",
    "/static/site.css",
    "/static/api-docs/api-docs.js",
    "/doc/id/nothing-here",
    "/no-such-route",
)
#: The HTML pages whose markup is checked for inline code.
PAGES = (
    "/",
    "/query",
    "/query?example=list_targets",
    "/search?q=h%C3%A0",
    "/dashboard",
    "/def",
    "/reports/submit",
    "/reports/revalidation",
    "/.well-known/void",
    "/docs",
    "/doc/id/nothing-here",
)


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(shared_service: SecureService, path: str) -> None:
    response = shared_service.client.get(shared_service.url + path)
    assert response.status_code < 500, response.text[:300]
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    policy = _directives(headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'", "no inline script, no eval, nothing from elsewhere"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{24}'", policy["style-src"]), policy["style-src"]


def test_the_style_nonce_is_new_for_every_answer(shared_service: SecureService) -> None:
    policies = {
        shared_service.client.get(shared_service.url + "/query").headers["content-security-policy"] for _ in range(3)
    }
    assert len(policies) == 3
    page = shared_service.client.get(shared_service.url + "/query")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce is not None and f'data-style-nonce="{nonce.group(1)}"' in page.text


def test_a_refused_host_and_a_refused_write_carry_them_too(shared_service: SecureService) -> None:
    refused_host = shared_service.client.get(shared_service.url + "/", headers={"Host": "evil.example"})
    unauthorised = shared_service.client.put(
        shared_service.url + "/store?default", content=b"", headers={"Content-Type": "text/turtle"}
    )
    for response in (refused_host, unauthorised):
        assert response.status_code in (400, 401)
        assert "content-security-policy" in response.headers and "x-content-type-options" in response.headers


class _InlineCode(HTMLParser):
    """Collects inline scripts (other than JSON data blocks), event-handler attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_code_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_code_script = values.get("type") != "application/json" and "src" not in values
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.found.append(f"<{tag} style=…> (blocked by style-src)")
        if tag == "style":
            self.found.append("<style> element (blocked by style-src)")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_code_script = False

    def handle_data(self, data: str) -> None:
        if self._in_code_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]!r}")


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_code(shared_service: SecureService, path: str) -> None:
    response = shared_service.client.get(shared_service.url + path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html"), path
    parser = _InlineCode()
    parser.feed(response.text)
    assert parser.found == [], path


def test_the_api_documentation_is_served_by_the_service_itself(shared_service: SecureService) -> None:
    page = shared_service.client.get(shared_service.url + "/docs")
    assert page.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references and all(reference.startswith("/static/api-docs/") for reference in references), references
    for reference in references:
        asset = shared_service.client.get(shared_service.url + reference)
        assert asset.status_code == 200 and len(asset.content) > 10_000, reference
    bundle = (STATIC_DIR / "api-docs" / "api-docs.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://(cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com)", bundle)
    assert shared_service.client.get(shared_service.url + "/redoc").status_code == 404
    assert shared_service.client.get(shared_service.url + "/openapi.json").json()["info"]["title"] == "ipgraph"


def test_an_unexpected_error_answers_500_with_the_security_headers(tmp_path: Path) -> None:
    """Starlette's outermost error middleware answers an exception no handler took; that answer carries the
    headers too, and says nothing of the error."""
    from ipgraph.api import create_app

    settings = service_settings(tmp_path)
    app = create_app(settings)

    def explode() -> None:
        raise RuntimeError("secret detail of a failure")

    app.add_api_route("/explode", explode)
    with serve(app) as url, httpx.Client(timeout=30.0) as client:
        response = client.get(url + "/explode")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert _directives(response.headers["content-security-policy"])["script-src"] == "'self'"
