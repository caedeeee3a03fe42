"""No script runs that the site did not ship, in a real Chromium.

IRIs in other schemes (``javascript:``, ``data:``, ``vbscript:``) put straight into the store with the admin token
(the report shapes refuse them in reports) and produced by a crafted ``/query?query=…`` link are rendered on the
resource page, in search hits and in the query result table (by the server, then by the editor's script): none
becomes a link, no hooked ``alert`` is called. And the site's ordinary pages, the query editor and the API
documentation included, run under the Content-Security-Policy without a single violation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ipgraph.settings import Settings
from ipgraph.store.base import Store

WAIT_SECONDS = 20
ADMIN_TOKEN = "browser-admin-token-5b1e"
HOSTILE_GRAPH = "https://example.org/graph/hostile-links"
THING = "https://w3id.org/ipgraph/id/hostile-links-thing"
#: What a browser would run or open if it were a link.
HOSTILE_IRIS = (
    "javascript:alert(document.domain)",
    "JavaScript:alert('mixed-case')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
)
HOSTILE_TURTLE = f"""\
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{THING}> rdfs:label "Hostile links zqxj"@en , "Liên kết độc zqxj"@vi ;
    foaf:mbox <{HOSTILE_IRIS[0]}> ;
    foaf:homepage <{HOSTILE_IRIS[1]}> ;
    rdfs:seeAlso <{HOSTILE_IRIS[2]}> , <{HOSTILE_IRIS[3]}> , <https://example.org/a-safe-page> .
<{HOSTILE_IRIS[0]}> rdfs:label "Hostile links zqxj as a subject"@en .
"""
#: Installed before any page script: a hooked alert, and a record of every CSP violation the page reports.
WATCH_SCRIPT = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = (message) => { window.__alerts.push(String(message)); };
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
#: Every place a click or a submit navigates to that is not a web or mail address (resolved as the browser would).
UNSAFE_TARGETS = """
return Array.from(document.querySelectorAll("a[href], area[href], form[action], [formaction], iframe[src]"))
  .map((element) => element.href || element.action || element.formAction || element.src)
  .filter((target) => !["http:", "https:", "mailto:"].includes(new URL(target, document.baseURI).protocol));
"""
#: What a reader can see of the page: its text and the IRIs in title attributes.
SHOWN = """
const main = document.querySelector("main");
return [main.innerText, ...Array.from(main.querySelectorAll("[title]")).map((element) => element.title)].join("\\n");
"""


@pytest.fixture
def watched(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser with :data:`WATCH_SCRIPT` installed on every new document (removed afterwards: shared session)."""
    added: dict[str, Any] = browser.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_SCRIPT}
    )
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )


@pytest.fixture
def hostile_site(
    running_service: Callable[..., str], browser_settings: Settings, browser_store: Store
) -> Iterator[str]:
    """The site with :data:`HOSTILE_TURTLE` PUT into its store by the admin, deleted again afterwards."""
    settings = dataclasses.replace(browser_settings, admin_token=ADMIN_TOKEN)
    url = running_service(settings, browser_store)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=url, timeout=60) as client:
        stored = client.put(
            "/store",
            params={"graph": HOSTILE_GRAPH},
            content=HOSTILE_TURTLE.encode(),
            headers={**auth, "Content-Type": "text/turtle"},
        )
        assert stored.status_code == 201, stored.text
        try:
            yield url
        finally:
            assert client.delete("/store", params={"graph": HOSTILE_GRAPH}, headers=auth).status_code == 204


def visit(browser: WebDriver, url: str, ready_css: str) -> None:
    browser.get(url)
    try:
        WebDriverWait(browser, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, ready_css)))
    except TimeoutException:
        raise AssertionError(f"{url}: no {ready_css} after {WAIT_SECONDS} s") from None


def assert_nothing_ran(browser: WebDriver, where: str) -> None:
    assert browser.execute_script("return window.__alerts") == [], where
    assert browser.execute_script(UNSAFE_TARGETS) == [], where
    assert browser.execute_script("return window.__cspViolations") == [], where
    page = browser.page_source.lower()
    assert 'href="javascript:' not in page and 'href="data:' not in page, where


def test_hostile_iris_are_text_on_the_resource_page_and_in_search_hits(
    watched: WebDriver, hostile_site: str, screenshot: Callable[[str], Path]
) -> None:
    visit(watched, hostile_site + "/doc/id/hostile-links-thing?lang=en", "main h1")
    screenshot("resource")
    shown = watched.execute_script(SHOWN)
    for iri in HOSTILE_IRIS:
        assert iri in shown, f"{iri} is shown, as text"
    assert watched.find_elements(By.CSS_SELECTOR, "a[href='https://example.org/a-safe-page']"), "web links stay links"
    assert_nothing_ran(watched, "resource page")

    visit(watched, hostile_site + "/search?" + urlencode({"q": "zqxj", "lang": "en"}), "main")
    screenshot("search")
    assert "zqxj" in watched.find_element(By.TAG_NAME, "main").text
    assert_nothing_ran(watched, "search hits")


def test_a_crafted_query_link_renders_hostile_iris_as_text_on_the_server_and_in_the_editor(
    watched: WebDriver, hostile_site: str, screenshot: Callable[[str], Path]
) -> None:
    values = " ".join(f"(<{iri}>)" for iri in HOSTILE_IRIS)
    query = f"SELECT ?x WHERE {{ {{ VALUES (?x) {{ {values} }} }} UNION {{ GRAPH <{HOSTILE_GRAPH}> {{ ?s ?p ?x }} }} }}"
    visit(watched, hostile_site + "/query?" + urlencode({"query": query, "lang": "en"}), "#results-table tbody tr")
    screenshot("query-server")
    rows = watched.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    assert len(rows) >= len(HOSTILE_IRIS)
    assert_nothing_ran(watched, "query page, table rendered by the server")

    WebDriverWait(watched, WAIT_SECONDS).until(ec.presence_of_element_located((By.ID, "query-editor")))
    watched.execute_script("document.getElementById('results-table').remove()")
    watched.find_element(By.ID, "run").click()
    WebDriverWait(watched, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr"))
    )
    screenshot("query-editor")
    # An IRI is shown by its label when it has one (the hostile IRI does), the IRI itself in the title; either way
    # as text, never as a link.
    shown = watched.find_elements(By.CSS_SELECTOR, "#results-table td > [title^='javascript:alert']")
    assert shown, "the editor shows the hostile IRI"
    assert all(element.tag_name == "span" for element in shown), "as text, not as a link"
    assert not watched.find_elements(By.CSS_SELECTOR, "#results-table a[href^='javascript:']")
    safe_links = watched.find_elements(By.CSS_SELECTOR, "#results-table a[href='https://example.org/a-safe-page']")
    assert safe_links, "the editor still links web addresses"
    assert_nothing_ran(watched, "query page, table rendered by the editor")


#: The site's ordinary pages and what shows each is ready (for the two scripted ones: what their script builds).
PAGES = (
    ("/?lang=en", "#organisations"),
    ("/query?lang=en", "#query-editor"),
    ("/query?example=list_targets&lang=vi", "#query-editor"),
    ("/dashboard?lang=en", "main h1"),
    ("/def?lang=en", "main h1"),
    ("/.well-known/void", "main h1"),
    ("/reports/submit?lang=en", "#report-form"),
    ("/reports/revalidation?lang=vi", "main h1"),
    ("/search?q=so+tai+chinh", "main"),
    ("/doc/id/org-so-tai-chinh?lang=vi", "main h1"),
    ("/doc/id/no-such-thing?lang=en", "main h1"),
    ("/docs", ".swagger-ui .info .title"),
)


#: Inserts an inline script, as injected markup would; under the policy it must not run.
TRY_INLINE_SCRIPT = """
const script = document.createElement("script");
script.textContent = "window.__inlineScriptRan = true;";
document.body.append(script);
return window.__inlineScriptRan === true;
"""


def test_the_ordinary_pages_cause_no_csp_violation(watched: WebDriver, site: str) -> None:
    for path, ready in PAGES:
        visit(watched, site + path, ready)
        assert_nothing_ran(watched, path)
        assert watched.execute_script(TRY_INLINE_SCRIPT) is False, f"{path}: the policy stops inline script"
    # The editor at work (completion, a run, the table it builds) is inside the policy too.
    visit(watched, site + "/query?example=list_targets&lang=en", "#query-editor")
    watched.find_element(By.ID, "run").click()
    WebDriverWait(watched, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr"))
    )
    assert_nothing_ran(watched, "the editor's run")
