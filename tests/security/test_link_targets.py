"""An IRI becomes a link only where a link is safe (ipgraph.publish.locations.link_target): web and mail addresses
and this site's pages. A report naming a contact or a page in another scheme is refused by its shapes; IRIs put in
the store by other means are rendered as text by every page (the same pages in a real browser:
tests/browser/test_script_safety.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urlencode

import pytest
from report_factory import report_turtle
from security_support import SecureService
from starlette.requests import Request

from ipgraph.publish.locations import link_target
from ipgraph.publish.rendering import language_switch_url, site_path
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.vocab import IPR

BASE = "https://w3id.org/ipgraph/"
UNSAFE = (
    "javascript:alert(document.domain)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "urn:example:x",
    "tel:+84-227-000-0001",
    "blob:https://example.org/1",
    "",
)
SAFE = ("https://example.org/a", "HTTP://EXAMPLE.ORG/", "mailto:an.nv@example.org")


@pytest.mark.parametrize("iri", UNSAFE)
def test_other_schemes_are_never_link_targets(iri: str) -> None:
    assert link_target(BASE, iri) is None


@pytest.mark.parametrize("iri", SAFE)
def test_web_and_mail_addresses_are(iri: str) -> None:
    assert link_target(BASE, iri) == iri


def test_this_site_s_iris_link_to_their_pages() -> None:
    assert link_target(BASE, BASE + "id/org-so-tai-chinh") == "/doc/id/org-so-tai-chinh"
    assert link_target(BASE, BASE + "def#Duty") == "/def#Duty"


def _request(raw_path: bytes, query: bytes = b"") -> Request:
    path = raw_path.decode("latin-1")
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": unquote(path),
            "raw_path": raw_path,
            "query_string": query,
            "headers": [],
            "root_path": "",
        }
    )


@pytest.mark.parametrize("raw_path", [b"//evil.example/x", b"/\\evil.example/x", b"/%09/evil.example/x", b"///x"])
def test_the_language_switch_never_leaves_the_site(raw_path: bytes) -> None:
    request = _request(raw_path, b"a=1")
    for link in (site_path(request), language_switch_url(request, "vi")):
        assert link.startswith("/") and link[1:2] not in ("/", "\\"), link
        assert "\t" not in link
    assert language_switch_url(request, "vi").endswith("?a=1&lang=en")


def test_a_report_with_a_javascript_mailbox_is_refused(secure_service: SecureService) -> None:
    finance = IPR["org-so-tai-chinh"]
    token = TokenRegistry.for_data_dir(secure_service.settings.data_dir).issue(finance).token
    body = report_turtle(finance, 2027).replace("<mailto:binh@example.org>", "<javascript:alert(document.domain)>")
    before = secure_service.dump()
    response = secure_service.client.post(
        secure_service.url + "/reports",
        content=body.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    assert response.status_code == 422, response.text[:500]
    issues = response.json()["issues"]
    assert any(issue["path"] == "foaf:mbox" and "mail address" in issue["message_en"] for issue in issues)
    assert secure_service.dump() == before


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]


HOSTILE = (
    "javascript:alert(document.domain)",
    "JavaScript:alert(2)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
)


def test_pages_render_hostile_iris_as_text(secure_service: SecureService) -> None:
    thing = BASE + "id/hostile-thing"
    turtle = (
        f'<{thing}> <http://www.w3.org/2000/01/rdf-schema#label> "Hostile thing qzv"@en ;\n'
        + " ;\n".join(f"    <http://xmlns.com/foaf/0.1/page> <{iri}>" for iri in HOSTILE)
        + " .\n"
        + f'<{HOSTILE[0]}> <http://www.w3.org/2000/01/rdf-schema#label> "qzv subject"@en .\n'
    )
    assert secure_service.put(turtle, "text/turtle", graph="https://example.org/graph/hostile").status_code == 201
    query = "SELECT ?s ?o WHERE { GRAPH <https://example.org/graph/hostile> { ?s ?p ?o } }"
    for path in ("/doc/id/hostile-thing", "/search?q=qzv", "/query?" + urlencode({"query": query})):
        page = secure_service.client.get(secure_service.url + path, headers={"Accept": "text/html"})
        assert page.status_code == 200, path
        parser = _Targets()
        parser.feed(page.text)
        schemes = {target.split(":", 1)[0].strip().lower() for target in parser.targets if ":" in target}
        assert schemes <= {"http", "https", "mailto"}, (path, schemes)
        if path.startswith("/doc"):
            assert all(iri in page.text.replace("&#39;", "'") for iri in HOSTILE), "shown as text"
