"""The report form and the report workbook in headless Chromium, at 1366 and 390 px wide with no horizontal
overflow: a clerk chooses the organisation and year, fills the form, previews, submits with the token and reads the
receipt; then downloads the workbook, fills it (openpyxl), uploads it, reads a refusal naming the cell, fixes the
cell and has it accepted."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from servers import PROJECT

from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.workbook import DUTIES, INDICATORS, REPORT
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPR

ARTIFACTS = PROJECT / "test-artifacts" / "browser"
FINANCE = IPR["org-so-tai-chinh"]
WIDTHS = (1366, 390)


@pytest.fixture
def report_site(running_service, tmp_path: Path, embedded_store: EmbeddedStore) -> str:  # type: ignore[no-untyped-def]
    """A service of its own (empty store, data in ``tmp_path/data``), so stored reports stay out of the other tests."""
    settings = Settings(data_dir=tmp_path / "data", project_dir=PROJECT, query_workers=1)
    url: str = running_service(settings, embedded_store)
    return url


def finance_token(tmp_path: Path) -> str:
    """A token for the Department of Finance in the test service's data directory."""
    return TokenRegistry.for_data_dir(tmp_path / "data").issue(FINANCE).token


def wait_for(browser: WebDriver, element_id: str) -> WebElement:
    """The element ``element_id`` of the page a click led to, once that page has loaded (or its error)."""
    WebDriverWait(browser, 60).until(
        lambda driver: driver.find_elements(By.ID, element_id) or driver.find_elements(By.ID, "report-error")
    )
    errors = browser.find_elements(By.ID, "report-error")
    assert not errors, errors[0].text
    return browser.find_element(By.ID, element_id)


def at_width(browser: WebDriver, width: int) -> None:
    """Lay the page out as a screen ``width`` CSS pixels wide."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def check_widths(browser: WebDriver, step: str) -> None:
    """At each width: no horizontal overflow, and a full-page screenshot to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        at_width(browser, width)
        scroll, client = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{step} at {width}px: content {scroll}px wide in a {client}px window"
        browser.save_screenshot(str(ARTIFACTS / f"report-form-{step}-{width}-top.png"))
        for anchor in ("report-outcome", "section-DutyGroup", "section-IndicatorGroup"):
            if browser.find_elements(By.ID, anchor):
                browser.execute_script(f"document.getElementById('{anchor}').scrollIntoView()")
                browser.save_screenshot(str(ARTIFACTS / f"report-form-{step}-{width}-{anchor}.png"))
        browser.execute_script("window.scrollTo(0, 0)")
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(int(height), 6000), "deviceScaleFactor": 1, "mobile": width < 600},
        )
        browser.save_screenshot(str(ARTIFACTS / f"report-form-{step}-{width}.png"))
    at_width(browser, WIDTHS[0])


def test_a_clerk_reports_with_the_form(chromium_without_script: WebDriver, report_site: str, tmp_path: Path) -> None:
    browser = chromium_without_script
    browser.get(report_site + "/reports/submit?lang=vi")
    Select(browser.find_element(By.ID, "choose-organisation")).select_by_visible_text("Sở Tài chính")
    Select(browser.find_element(By.ID, "choose-year")).select_by_value("2027")
    browser.find_element(By.ID, "report-open").click()
    wait_for(browser, "section-DutyGroup")
    assert "Sở Tài chính, 2027" in browser.find_element(By.TAG_NAME, "h2").text or "Sở Tài chính" in browser.page_source
    check_widths(browser, "1-empty")

    browser.find_element(By.ID, "f-report-issued").send_keys("01/10/2027")
    browser.find_element(By.ID, "f-person-name").send_keys("Trần Thị B")
    browser.find_element(By.ID, "f-person-position-vi").send_keys("Phó Giám đốc")
    browser.find_element(By.ID, "f-person-mbox").send_keys("b.tt@example.org")
    for status in browser.find_elements(By.CSS_SELECTOR, "select[name$='.status']"):
        Select(status).select_by_visible_text("Đang triển khai")
    for number, account in enumerate(browser.find_elements(By.CSS_SELECTOR, "textarea[name$='.account.vi']")):
        account.send_keys(f"Đã phối hợp thực hiện, đợt {number + 1}.")
    browser.find_element(By.ID, "f-obs-1-obsValue").send_keys("12")
    browser.find_element(By.ID, "report-preview").click()
    outcome = wait_for(browser, "report-outcome")
    assert "Báo cáo hợp lệ" in outcome.text
    assert browser.find_element(By.ID, "f-person-name").get_attribute("value") == "Trần Thị B"
    assert browser.find_element(By.ID, "f-obs-1-obsValue").get_attribute("value") == "12"
    assert browser.find_element(By.ID, "f-report-issued").get_attribute("value") == "01/10/2027"
    check_widths(browser, "2-preview")

    token = finance_token(tmp_path)
    browser.find_element(By.ID, "report-token").send_keys(token)
    browser.find_element(By.ID, "report-submit").click()
    receipt = wait_for(browser, "report-receipt")
    assert "Đã nhận và lưu báo cáo." in receipt.text and "Sở Tài chính" in receipt.text
    assert "(UTC+7)" in receipt.text and "http" not in receipt.text
    check_widths(browser, "3-receipt")
    receipt.find_element(By.LINK_TEXT, "Xem báo cáo đã lưu").click()
    wait_for(browser, "report-version")
    assert "Sở Tài chính" in browser.find_element(By.TAG_NAME, "h1").text
    check_widths(browser, "4-version")
    browser.get(report_site + "/reports?lang=vi")
    assert "Sở Tài chính" in browser.find_element(By.ID, "report-list").text
    check_widths(browser, "5-list")


def test_a_clerk_reports_with_the_workbook(chromium: WebDriver, report_site: str, tmp_path: Path) -> None:
    browser = chromium
    browser.get(report_site + "/reports/submit?organisation=so-tai-chinh&year=2027&lang=vi")
    href = browser.find_element(By.ID, "report-template").get_attribute("href")
    assert href is not None
    template = httpx.get(href, timeout=60).content
    book = load_workbook(io.BytesIO(template))
    for row in book[REPORT].iter_rows(min_row=2):
        answers = {
            "report.issued": "01/10/2027",
            "person.name": "Trần Thị B",
            "person.position.vi": "Phó Giám đốc",
            "person.mbox": "b.tt@example.org",
        }
        if row[3].value in answers:
            row[1].value = answers[row[3].value]
    for row in book[DUTIES].iter_rows(min_row=2):
        if row[0].value:
            row[3].value = "Đang triển khai"
            row[4].value = "Đã phối hợp thực hiện."
    book[INDICATORS]["D2"] = -4
    filled = tmp_path / "bao-cao-so-tai-chinh-2027.xlsx"
    book.save(filled)

    browser.find_element(By.CSS_SELECTOR, ".other-ways summary").click()
    browser.find_element(By.ID, "report-file").send_keys(str(filled))
    browser.find_element(By.ID, "report-preview").click()
    outcome = wait_for(browser, "report-outcome")
    assert "Chỉ tiêu!D2" in outcome.text, outcome.text
    assert "Báo cáo không hợp lệ" in outcome.text
    check_widths(browser, "6-workbook-refused")

    book[INDICATORS]["D2"] = 4
    book.save(filled)
    token = finance_token(tmp_path)
    browser.find_element(By.CSS_SELECTOR, ".other-ways summary").click()
    browser.find_element(By.ID, "report-file").send_keys(str(filled))
    browser.find_element(By.ID, "report-token").send_keys(token)
    browser.find_element(By.ID, "report-submit").click()
    receipt = wait_for(browser, "report-receipt")
    assert "Đã nhận và lưu báo cáo." in receipt.text and "Sở Tài chính" in receipt.text
    check_widths(browser, "7-workbook-accepted")
