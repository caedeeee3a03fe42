"""Every kind of page in a real headless Chromium, on a phone (390 px) and a laptop (1366 px), in both languages:
no page is wider than the screen, nothing is drawn over a results table, the interface speaks the page's one
language, and every canned question's page shows the same rows as ``/sparql``. Screenshots of each page type at
both widths go to ``test-artifacts/pages/``.

One uvicorn serves the whole module (the project's graphs plus the progress fixtures, so the dashboard and the
report pages have something to show); the session's one browser visits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx
import pytest
from page_checks import (
    WIDTHS,
    document_width,
    interface_text,
    overlapping_results,
    reset_screen,
    save_page,
    set_screen,
    wrong_language,
)
from project_graphs import load_progress_fixtures
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from servers import serve_app

from ipgraph.queries import load_canned_queries
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

PROJECT = Path(__file__).resolve().parents[2]
QUESTIONS = sorted(load_canned_queries(PROJECT / "queries"))
WAIT_SECONDS = 20
PLAN = "/doc/id/plan-160-kh-ubnd-2021"
_WIDE_QUERY = (PROJECT / "queries" / "list_targets.rq").read_text(encoding="utf-8")

PAGE_TYPES: dict[str, str] = {
    "home": "/",
    "canned-questions": "/queries",
    "query-wide-answer": "/query?"
    + urlencode({"query": _WIDE_QUERY + '\nVALUES ?year { "2030"^^<http://www.w3.org/2001/XMLSchema#gYear> }\n'}),
    "organisation": "/doc/id/org-so-tai-chinh",
    "duty": f"{PLAN}/duty-V.6",
    "task": f"{PLAN}/task-III.3.a",
    "target": f"{PLAN}/target-II.2.2.b",
    "plan-document": PLAN,
    "ontology": "/def",
    "dashboard": "/dashboard",
    "search": "/search?q=so+huu+tri+tue",
    "report-list": "/reports",
    "report-submit": "/reports/submit",
    "not-found": "/no-such-page",
    **{f"question-{name}": f"/queries/{name}" for name in QUESTIONS},
}


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service on a real uvicorn, for the whole module."""
    store = EmbeddedStore(tmp_path_factory.mktemp("pages-store"), workers=1)
    load_progress_fixtures(store)
    settings = Settings(data_dir=tmp_path_factory.mktemp("pages-data"), project_dir=PROJECT, query_workers=1)
    try:
        with serve_app(settings, store) as url:
            yield url
    finally:
        store.close()


@pytest.fixture
def screen(chromium: WebDriver) -> Iterator[WebDriver]:
    """The session's browser; its screen size is put back afterwards."""
    try:
        yield chromium
    finally:
        reset_screen(chromium)


def visit(browser: WebDriver, site: str, path: str, lang: str) -> None:
    separator = "&" if "?" in path else "?"
    browser.get(f"{site}{path}{separator}lang={lang}")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda b: b.execute_script("return document.readyState") == "complete")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_the_page_holds_on_a_phone_and_a_laptop_in_one_language(
    screen: WebDriver, pages_site: str, page_type: str
) -> None:
    problems = []
    with_table = page_type == "query-wide-answer" or page_type.startswith("question-")
    for width in WIDTHS:
        set_screen(screen, width)
        for lang in ("vi", "en"):
            visit(screen, pages_site, PAGE_TYPES[page_type], lang)
            save_page(screen, f"{page_type}-{lang}-{width}")
            if with_table and not screen.find_elements(By.ID, "results-table"):
                problems.append(f"{lang} at {width}px: no results table")
            document = document_width(screen)
            if document > width:
                problems.append(f"{lang} at {width}px: the page is {document}px wide")
            drawn_over = overlapping_results(screen)
            if drawn_over:
                problems.append(f"{lang} at {width}px: drawn over the results: {drawn_over}")
            if width == WIDTHS[-1]:
                strays = wrong_language(interface_text(screen), lang)
                if strays:
                    problems.append(f"{lang}: interface words in the other language: {strays}")
    assert not problems, problems


def table_iris(browser: WebDriver) -> list[list[str]]:
    """The IRIs of each row of the results table, column by column."""
    rows = browser.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    return [
        [
            element.get_attribute("title") or ""
            for element in row.find_elements(By.CSS_SELECTOR, "td > [title]")
            if (element.get_attribute("title") or "").startswith(("http:", "https:", "mailto:", "urn:"))
        ]
        for row in rows
    ]


@pytest.mark.parametrize("name", QUESTIONS)
def test_a_question_page_answers_with_defaults_as_sparql_does(screen: WebDriver, pages_site: str, name: str) -> None:
    set_screen(screen, 1366)
    visit(screen, pages_site, f"/queries/{name}", "en")
    editor_link = screen.find_element(By.ID, "open-editor").get_attribute("href") or ""
    text = parse_qs(urlsplit(editor_link).query)["query"][0]
    answer = httpx.post(
        f"{pages_site}/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    ).json()
    bindings = answer["results"]["bindings"]
    variables = answer["head"]["vars"]
    count = screen.find_element(By.ID, "result-count").text
    assert count.startswith(f"{len(bindings):,} rows" if len(bindings) != 1 else "1 row"), count
    shown = table_iris(screen)
    expected = [
        [row[var]["value"] for var in variables if var in row and row[var]["type"] == "uri"]
        for row in bindings[: len(shown)]
    ]
    assert len(shown) == min(len(bindings), 100)
    assert shown == expected


def test_the_query_page_keeps_its_query_in_the_address(screen: WebDriver, pages_site: str) -> None:
    set_screen(screen, 390)
    visit(screen, pages_site, "/query", "en")
    editor = WebDriverWait(screen, WAIT_SECONDS).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "#query-editor .cm-content")
    )
    screen.find_element(By.CSS_SELECTOR, "#examples a[data-example='count_duties_by_agency']").click()
    WebDriverWait(screen, WAIT_SECONDS).until(lambda _: "COUNT" in editor.text)
    run = screen.find_element(By.ID, "run")
    assert run.is_displayed()
    assert run.rect["x"] + run.rect["width"] <= 390, "the Run button is on a phone's screen"
    editor.click()
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(screen, WAIT_SECONDS).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#results-table tbody tr"))
    assert "query=" in screen.current_url
    header = screen.find_element(By.CSS_SELECTOR, "#results-table th a.sort")
    header.click()
    WebDriverWait(screen, WAIT_SECONDS).until(lambda b: "sort=" in b.current_url)
    save_page(screen, "query-after-ctrl-enter-en-390")
    screen.find_element(By.ID, "lang-switch").click()
    WebDriverWait(screen, WAIT_SECONDS).until(
        lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    )
    assert screen.find_elements(By.CSS_SELECTOR, "#results-table tbody tr"), "the answer survives the switch"
    assert "sort=" in screen.current_url
    assert "dòng kết quả" in screen.find_element(By.ID, "result-count").text


BROKEN_PAGE = """<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width">
<style>.side { position: absolute; top: 0; left: 0; width: 200px; height: 200px; background: red; }</style></head>
<body><div class="table-scroll"><table id="results-table"><tr><td>1</td></tr></table></div>
<div class="side">Show the results</div><div style="width: 2000px">rộng</div></body></html>"""


def test_the_checks_see_what_they_look_for(screen: WebDriver) -> None:
    """A page built to fail: something drawn over the table, wider than the screen, English on a vi page."""
    set_screen(screen, 390)
    screen.get("data:text/html;charset=utf-8," + quote(BROKEN_PAGE))
    assert overlapping_results(screen)
    assert document_width(screen) > 390
    assert wrong_language(interface_text(screen), "vi") == ["results", "show", "the"]
    assert wrong_language("Kế hoạch (Nơi nhận) 1068/QĐ-TTg in Vietnamese đồng", "en") == ["Kế", "hoạch"]
