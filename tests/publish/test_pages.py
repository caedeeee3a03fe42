"""The HTML pages as served: resource pages (labels, links, incoming links, the duty summary, an organisation's
responsibilities), the home page's start points, languages, and the query page without JavaScript."""

from __future__ import annotations

import re

import httpx
import pytest
from publishing import PROJECT, Service

from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPR

HTML = {"Accept": "text/html"}

_DUTIES_OF = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?item WHERE { GRAPH ?g { ?item prov:qualifiedAssociation ?a . ?a prov:agent ?org } }
"""


def page(service: Service, path: str, lang: str = "vi") -> str:
    response = httpx.get(f"{service.url}{path}", params={"lang": lang}, headers=HTML)
    assert response.status_code == 200, path
    assert response.headers["content-language"] == lang
    return response.text


def test_a_duty_page_summarises_who_what_and_the_clause(plan_service: Service) -> None:
    text = page(plan_service, "/doc/id/plan-160-kh-ubnd-2021/duty-V.6", "en")
    summary = text[text.index('id="summary"') :]
    lead = re.search(r'<li class="participant lead">(.*?)</li>', summary, re.S)
    assert lead is not None
    assert 'href="/doc/id/org-so-tai-chinh"' in lead.group(1)
    assert 'href="/doc/id/org-so-tai-chinh-hung-yen"' in lead.group(1), "today's successor is named"
    assert '<li class="participant partner"><a href="/doc/id/org-so-khoa-hoc-va-cong-nghe"' in summary
    assert 'href="/doc/id/topic-funding-allocation"' in summary or 'href="/doc/id/topic-budget-advice"' in summary
    assert '<blockquote lang="vi">Phối hợp với Sở Khoa học và Công nghệ thẩm định' in summary


@pytest.mark.parametrize(
    ("link", "value_filter"),
    [
        ("ipg:servesTarget", ""),
        ("dcterms:subject", 'FILTER(STRSTARTS(STR(?value), "https://w3id.org/ipgraph/id/ip-"))'),
    ],
)
def test_a_duty_page_links_its_targets_and_ip_categories(
    plan_service: Service, plan_store: EmbeddedStore, link: str, value_filter: str
) -> None:
    rows = plan_store.select(
        "PREFIX ipg: <https://w3id.org/ipgraph/def#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        f"SELECT ?duty ?value WHERE {{ GRAPH ?g {{ ?duty a ipg:Duty ; {link} ?value }} {value_filter} }} "
        "ORDER BY ?duty ?value LIMIT 1"
    )
    assert rows, f"some duty has {link}"
    duty, value = str(rows[0]["duty"]), str(rows[0]["value"])
    base = "https://w3id.org/ipgraph/"
    summary = page(plan_service, "/doc/" + duty.removeprefix(base), "en").split('id="summary"', 1)[1]
    assert f'href="/doc/{value.removeprefix(base)}"' in summary


def test_an_organisation_page_lists_every_duty_it_has(plan_service: Service, plan_store: EmbeddedStore) -> None:
    organisation = IPR["org-so-khoa-hoc-va-cong-nghe"]
    expected = {str(row["item"]) for row in plan_store.select(_DUTIES_OF, {"org": organisation})}
    assert len(expected) > 5
    text = page(plan_service, "/doc/id/org-so-khoa-hoc-va-cong-nghe")
    table = text[text.index('id="responsibilities"') :]
    table = table[: table.index("</table>")]
    hrefs = re.findall(r'</td><td><a href="(/doc/[^"]+)"', table)
    assert {"https://w3id.org/ipgraph/" + href.removeprefix("/doc/") for href in hrefs} == expected


def test_every_property_is_a_link_and_values_carry_their_language(plan_service: Service) -> None:
    text = page(plan_service, "/doc/id/org-so-tai-chinh", "en")
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>', text, re.S)
    assert rows
    assert all(row.startswith("<a href=") for row in rows)
    assert '<span class="literal" lang="vi">Sở Tài chính</span>' in text
    assert '<span class="literal" lang="en">' in text
    assert 'id="incoming"' in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pages_declare_their_language_and_offer_the_other(plan_service: Service, lang: str) -> None:
    for path in ("/", "/search", "/query", "/def", "/.well-known/void", "/doc/id/org-so-tai-chinh"):
        text = page(plan_service, path, lang)
        assert f'<html lang="{lang}">' in text, path
        other = "en" if lang == "vi" else "vi"
        assert f'hreflang="{other}" lang="{other}"' in text, path


def test_the_language_choice_is_kept_in_a_cookie(plan_service: Service) -> None:
    with httpx.Client(base_url=plan_service.url, headers=HTML) as client:
        first = client.get("/", params={"lang": "en"})
        assert first.cookies.get("lang") == "en"
        assert '<html lang="en">' in client.get("/doc/id/org-so-tai-chinh").text
        assert '<html lang="vi">' in client.get("/", params={"lang": "vi"}).text
        assert '<html lang="vi">' in client.get("/doc/id/org-so-tai-chinh").text


def test_the_home_page_starts_a_visitor_everywhere(plan_service: Service) -> None:
    text = page(plan_service, "/")
    for anchor in ('id="organisations"', 'id="duties"', 'id="targets"', 'id="ip-categories"', 'id="questions"'):
        assert anchor in text
    for link in ('href="/dashboard"', 'href="/reports/submit"', 'href="/query"', 'href="/.well-known/void"'):
        assert link in text
    for query in sorted((PROJECT / "queries").glob("*.rq")):
        assert f'href="/queries/{query.stem}"' in text, "every question's page is linked from the home page"
    assert 'href="/doc/id/plan-160-kh-ubnd-2021/duty-V.6"' in text


def test_the_query_page_works_as_a_plain_form(plan_service: Service) -> None:
    text = page(plan_service, "/query?example=ip_categories", "en")
    assert '<form id="query-form" action="/query" method="get"' in text
    assert "# title@en: Which IP categories does the plan cover?" in text
    assert '<script src="/static/query-editor.js"></script>' in text
    assert httpx.get(f"{plan_service.url}/static/query-editor.js").status_code == 200


def test_without_a_choice_accept_language_decides_and_caches_are_told(plan_service: Service) -> None:
    english = httpx.get(
        f"{plan_service.url}/doc/id/org-so-tai-chinh", headers={"Accept": "text/html", "Accept-Language": "en-GB,en"}
    )
    assert '<html lang="en">' in english.text
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in english.headers["vary"].split(",")}
    default = httpx.get(f"{plan_service.url}/doc/id/org-so-tai-chinh", headers={"Accept": "text/html"})
    assert '<html lang="vi">' in default.text
    assert english.headers["etag"] != default.headers["etag"]


LEADS = """PREFIX ipg: <https://w3id.org/ipgraph/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX ipr: <https://w3id.org/ipgraph/id/>
SELECT ?duty ?lead WHERE {
  ?duty a ipg:Duty ; prov:qualifiedAssociation [ prov:agent ?lead ; prov:hadRole ipr:role-lead ] .
} ORDER BY ?duty ?lead"""


def test_without_script_the_query_form_shows_results_as_a_table(
    plan_service: Service, plan_store: EmbeddedStore
) -> None:
    response = httpx.get(f"{plan_service.url}/query", params={"query": LEADS, "format": "html", "lang": "en"})
    assert response.status_code == 200
    table = response.text[response.text.index('<table class="results" id="results-table">') :]
    table = table[: table.index("</table>")]
    rows = table.count("<tr>") - 1
    assert rows == len(plan_store.select(LEADS)) > 0
    assert 'href="/doc/id/plan-160-kh-ubnd-2021/duty-V.6"' in table
    assert f"{rows} rows" in response.text
    assert 'href="/sparql?query=' in response.text, "downloads of the same query"


def test_without_script_a_syntax_error_is_shown_with_its_position(plan_service: Service) -> None:
    response = httpx.get(
        f"{plan_service.url}/query", params={"query": "SELECT * WHERE {\n  ?s ?p ?o ..\n}", "lang": "en"}
    )
    assert response.status_code == 400
    error = response.text[response.text.index('id="query-error"') :]
    assert "hidden" not in error[: error.index(">")]
    assert "Line 2, column" in error
    assert '<pre class="error-excerpt">  ?s ?p ?o ..\n' in error


def test_without_script_ask_and_construct_answers_are_shown(plan_service: Service) -> None:
    ask = httpx.get(f"{plan_service.url}/query", params={"query": "ASK { ?s ?p ?o }", "lang": "en"}).text
    assert '<p class="ask-answer" id="ask-result">Yes — the data matches the question.</p>' in ask
    construct = httpx.get(
        f"{plan_service.url}/query",
        params={"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3", "lang": "en"},
    ).text
    assert '<pre class="graph-result" id="graph-result" tabindex="0">' in construct
    assert "3 triples" in construct
    assert "@prefix ipg: <https://w3id.org/ipgraph/def#>" in construct or "@prefix" in construct


def test_a_download_format_on_the_query_form_is_answered_by_the_endpoint(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/query", params={"query": "ASK {}", "format": "csv"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sparql?query=ASK")
    assert response.headers["location"].endswith("&format=csv")


@pytest.mark.parametrize(
    "path", ["/", "/query", "/search?q=so+huu", "/def", "/.well-known/void", "/doc/id/org-so-tai-chinh"]
)
def test_pages_load_nothing_from_elsewhere(plan_service: Service, path: str) -> None:
    """No CDN: every script, style sheet and image a page loads is served by ipgraph itself."""
    text = httpx.get(f"{plan_service.url}{path}", headers=HTML).text
    loaded = re.findall(r'<script[^>]*\ssrc="([^"]*)"', text) + re.findall(r'<link[^>]*\shref="([^"]*)"', text)
    loaded += re.findall(r'<img[^>]*\ssrc="([^"]*)"', text)
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
