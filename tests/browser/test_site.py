"""The site in a real browser: following links from the home page down to a duty's source clause, the query page
running a canned question, the language switch, and the search ignoring Vietnamese diacritics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from rdflib import Literal
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ipgraph.store.base import Store
from ipgraph.vocab import IPG, P160

Screenshot = Callable[[str], Path]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
WAIT_SECONDS = 20


def wait_for(browser: WebDriver, css: str) -> WebElement:
    element: WebElement = WebDriverWait(browser, WAIT_SECONDS).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css))
    )
    return element


def clause_text(store: Store, clause: str, lang: str) -> str:
    values = [
        o
        for _, _, o in store.construct(
            "CONSTRUCT { ?c ?p ?o } WHERE { GRAPH ?g { ?c ?p ?o } }", {"c": P160[clause], "p": IPG.text}
        )
        if isinstance(o, Literal) and o.language == lang
    ]
    assert len(values) == 1
    return str(values[0])


def test_home_to_organisation_to_duty_to_its_source_clause(
    browser: WebDriver, site: str, browser_store: Store, screenshot: Screenshot
) -> None:
    browser.get(site + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    screenshot("1-home")
    browser.find_element(By.CSS_SELECTOR, "#organisations a[href='/doc/id/org-so-tai-chinh']").click()

    wait_for(browser, "#responsibilities")
    assert browser.find_element(By.ID, "title").text == "Sở Tài chính"
    screenshot("2-organisation")
    duty_links = browser.find_elements(By.CSS_SELECTOR, "#responsibilities tr.lead a[href$='/duty-V.6']")
    assert duty_links, "the organisation page lists the duty it leads"
    duty_links[0].click()

    summary = wait_for(browser, "#summary")
    assert browser.find_element(By.ID, "title").text == "Nhiệm vụ V.6"
    lead = summary.find_element(By.CSS_SELECTOR, "li.participant.lead")
    assert "Sở Tài chính" in lead.text
    assert (
        lead.find_element(By.CSS_SELECTOR, ".successor a")
        .get_attribute("href")
        .endswith("/doc/id/org-so-tai-chinh-hung-yen")
    )
    verbatim = browser.find_element(By.CSS_SELECTOR, "#clause blockquote[lang='vi']").text
    assert verbatim == clause_text(browser_store, "V.6", "vi")
    screenshot("3-duty")
    browser.find_element(By.CSS_SELECTOR, "#clause h3 a").click()

    wait_for(browser, ".texts blockquote")
    texts = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".texts blockquote[lang='vi']")]
    assert texts == [clause_text(browser_store, "V.6", "vi")]
    assert browser.current_url.endswith("/doc/id/plan-160-kh-ubnd-2021/V.6")
    screenshot("4-clause")


def test_the_query_page_runs_a_canned_question_and_shows_rows(
    browser: WebDriver, site: str, screenshot: Screenshot
) -> None:
    browser.get(site + "/query?lang=en")
    editor = wait_for(browser, "#query-editor .cm-content")
    example = browser.find_element(By.CSS_SELECTOR, "#examples a[data-example='duties_of_agency']")
    example.click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: "VALUES" in editor.text)
    # Syntax highlighting: tokens such as SELECT and PREFIX are wrapped in styled spans.
    assert browser.find_elements(By.CSS_SELECTOR, "#query-editor .cm-line span[class]")
    browser.find_element(By.ID, "run").click()
    rows = WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    )
    screenshot("results")
    expected = httpx.post(
        f"{site}/sparql",
        data={"query": browser.execute_script("return document.getElementById('query').value")},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert len(rows) == len(expected) > 0
    links = browser.find_elements(By.CSS_SELECTOR, "#results-table tbody a[href^='/doc/id/']")
    assert links, "IRIs in results link to their pages"
    downloads = browser.find_elements(By.CSS_SELECTOR, "#query-downloads a")
    assert {a.text for a in downloads} >= {"SPARQL JSON", "CSV"}


def test_a_syntax_error_is_shown_with_its_position(browser: WebDriver, site: str, screenshot: Screenshot) -> None:
    browser.get(site + "/query?lang=en")
    editor = wait_for(browser, "#query-editor .cm-content")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("SELECT * WHERE {\n?s ?p ?o ..\n}")
    browser.find_element(By.ID, "run").click()
    error = wait_for(browser, "#query-error")
    screenshot("error")
    assert "Line 2, column" in error.find_element(By.CSS_SELECTOR, ".error-position").text
    assert "?s ?p ?o .." in error.find_element(By.CSS_SELECTOR, ".error-excerpt").text


def test_the_language_switch_is_kept_across_pages(browser: WebDriver, site: str, screenshot: Screenshot) -> None:
    browser.get(site + "/")
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == "vi"
    assert "Kế hoạch 160/KH-UBND" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )
    assert "Plan 160/KH-UBND of Thái Bình province" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot("1-english")
    browser.find_element(By.CSS_SELECTOR, "#organisations a[href='/doc/id/org-so-khoa-hoc-va-cong-nghe']").click()
    wait_for(browser, "#title")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "?lang" not in browser.current_url
    assert browser.find_element(By.ID, "lang-switch").text == "Tiếng Việt"
    screenshot("2-english-kept")
    browser.find_element(By.ID, "lang-switch").click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    )
    assert browser.find_element(By.ID, "title").text == "Sở Khoa học và Công nghệ"


def test_search_without_diacritics_finds_an_item(browser: WebDriver, site: str, screenshot: Screenshot) -> None:
    browser.get(site + "/")
    box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name='q']")
    box.send_keys("so khoa hoc va cong nghe")
    box.submit()
    hits = wait_for(browser, "#hits")
    screenshot("hits")
    first = hits.find_element(By.CSS_SELECTOR, "li a")
    assert first.text == "Sở Khoa học và Công nghệ"
    assert hits.find_element(By.CSS_SELECTOR, "mark").text.lower() == "sở khoa học và công nghệ"
    first.click()
    assert wait_for(browser, "#title").text == "Sở Khoa học và Công nghệ"


def test_without_javascript_the_query_form_and_search_still_work(
    chromium_without_script: WebDriver, site: str, request: pytest.FixtureRequest
) -> None:
    browser = chromium_without_script
    browser.get(site + "/query?lang=en")
    assert not browser.find_elements(By.CSS_SELECTOR, "#query-editor"), "no script, no editor"
    browser.find_element(By.CSS_SELECTOR, "#examples a[data-example='duties_of_agency']").click()
    textarea = wait_for(browser, "textarea#query")
    assert "VALUES" in (textarea.get_attribute("value") or "")
    browser.find_element(By.ID, "run").click()
    rows = wait_for(browser, "#results-table").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert rows
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}-query.png"))
    browser.find_element(By.CSS_SELECTOR, "#results-table tbody a[href^='/doc/id/']").click()
    assert wait_for(browser, "#title").text
    box = browser.find_element(By.CSS_SELECTOR, "header form.search input[name='q']")
    box.send_keys("chi dan dia ly")
    box.submit()
    assert wait_for(browser, "#hits").find_elements(By.CSS_SELECTOR, "li")
    browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}-search.png"))
