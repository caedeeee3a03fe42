"""The report submission page in headless Chromium with JavaScript switched off: paste and preview, then upload
a file and submit it with the organisation's token, then follow the receipt to the stored version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from report_factory import report_turtle
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select
from servers import PROJECT
from test_report_form import wait_for

from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

ARTIFACTS = PROJECT / "test-artifacts" / "browser"
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")


@pytest.fixture
def report_site(running_service, tmp_path: Path, embedded_store: EmbeddedStore) -> str:  # type: ignore[no-untyped-def]
    """A service of its own (empty store), so stored reports do not reach the other browser tests."""
    settings = Settings(data_dir=tmp_path, project_dir=PROJECT, query_workers=1)
    url: str = running_service(settings, embedded_store)
    return url


def test_preview_then_submit_without_javascript(
    chromium_without_script: WebDriver, report_site: str, tmp_path: Path, embedded_store: EmbeddedStore
) -> None:
    browser = chromium_without_script
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.get(report_site + "/reports/submit?lang=en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Submit an annual report"

    browser.find_element(By.ID, "report-text").send_keys(report_turtle(FINANCE, 2027, applications=-4))
    Select(browser.find_element(By.ID, "report-format")).select_by_value("text/turtle")
    browser.find_element(By.ID, "report-preview").click()
    outcome = wait_for(browser, "report-outcome")
    assert "The report does not conform" in outcome.text
    assert "-4" in outcome.text
    browser.save_screenshot(str(ARTIFACTS / "report-submission-1-preview.png"))
    assert embedded_store.graph_names() == []

    report = tmp_path / "report.ttl"
    report.write_text(report_turtle(FINANCE, 2027), encoding="utf-8")
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    browser.find_element(By.ID, "report-text").clear()
    browser.find_element(By.ID, "report-file").send_keys(str(report))
    Select(browser.find_element(By.ID, "report-format")).select_by_value("")
    browser.find_element(By.ID, "report-token").send_keys(token)
    browser.find_element(By.ID, "report-submit").click()
    receipt = wait_for(browser, "report-receipt")
    assert "The report has been received and stored." in receipt.text
    assert "Department of Finance" in receipt.text and "2027" in receipt.text
    assert "https://" not in receipt.text
    assert token not in browser.page_source
    browser.save_screenshot(str(ARTIFACTS / "report-submission-2-receipt.png"))

    receipt.find_element(By.LINK_TEXT, "See the stored report").click()
    stored = wait_for(browser, "report-version").text
    assert "Department of Finance" in stored and "Current version" in stored
    browser.find_element(By.LINK_TEXT, "JSON").click()
    described = json.loads(browser.find_element(By.TAG_NAME, "body").text)
    assert described["version"] == 1 and described["current"] is True
    assert URIRef(described["graph"]) in embedded_store.graph_names()
    browser.get(report_site + "/reports?lang=en")
    row = browser.find_element(By.CSS_SELECTOR, "#report-list tbody tr")
    assert "Department of Finance" in row.text and "2027" in row.text
    row.find_element(By.LINK_TEXT, "v1").click()
    assert "Current version" in browser.find_element(By.ID, "report-version").text
