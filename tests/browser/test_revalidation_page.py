"""The re-validation page in a real browser (issue 14): one language per page, names not identifiers, the issues
of each version that no longer conforms, and no horizontal overflow at 390 and 1366 px even with a long IRI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ipgraph.reports.revalidation_record import RECORD_LAYOUT, record_path, save_record
from ipgraph.settings import Settings

WAIT_SECONDS = 20
LONG_IRI = "https://example.org/" + "a-very-long-path-segment/" * 12 + "end"


def version(number: int, issues: bool) -> dict[str, object]:
    item: dict[str, object] = {
        "graph": f"https://w3id.org/ipgraph/graph/reports/so-tai-chinh/2024/v{number}",
        "report": f"https://w3id.org/ipgraph/id/report/so-tai-chinh/2024/v{number}",
        "organisation": "https://w3id.org/ipgraph/id/org-so-tai-chinh",
        "organisation_name": {"vi": "Sở Tài chính", "en": "Department of Finance"},
        "year": 2024,
        "version": number,
        "current": number == 2,
        "url": f"/reports/so-tai-chinh/2024/v{number}",
    }
    if issues:
        item["issues"] = [
            {
                "severity": "violation",
                "message_vi": f"Nhiệm vụ (ipg:aboutDuty) {LONG_IRI} không có trong Kế hoạch.",
                "message_en": f"Duty (ipg:aboutDuty) {LONG_IRI} is not a duty of the plan.",
                "focus": "_:b1",
                "path": "ipg:aboutDuty",
                "value": LONG_IRI,
                "shape": "ipg:DutyStatementShape",
            }
        ]
    return item


@pytest.fixture
def record(browser_settings: Settings) -> Iterator[dict[str, object]]:
    """A record of a run in the session's data directory, removed afterwards."""
    failing = [version(2, issues=True)]
    content: dict[str, object] = {
        "layout": RECORD_LAYOUT,
        "finished_at": "2026-12-07T18:00:00+00:00",
        "seconds": 4.2,
        "shapes_version": "abc",
        "plan_version": "def",
        "checks": 58,
        "versions": 2,
        "no_longer_conforming": failing,
        "still_not_conforming": [],
        "now_conforming": [version(1, issues=False)],
        "not_conforming": failing,
    }
    save_record(browser_settings.data_dir, content)
    yield content
    record_path(browser_settings.data_dir).unlink(missing_ok=True)


def overflow(browser: WebDriver) -> int:
    return int(browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth"))


def test_before_any_run_the_page_says_so(browser: WebDriver, site: str, browser_settings: Settings) -> None:
    assert not record_path(browser_settings.data_dir).exists()
    browser.get(f"{site}/reports/revalidation?lang=en")
    text = WebDriverWait(browser, WAIT_SECONDS).until(ec.visibility_of_element_located((By.ID, "no-revalidation"))).text
    assert text == "No re-validation has been run yet."
    assert httpx.get(f"{site}/reports/revalidation?format=json", timeout=WAIT_SECONDS).json() == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_latest_run_in_one_language_without_overflow(
    browser: WebDriver, site: str, record: dict[str, object], lang: str, width: int
) -> None:
    browser.set_window_size(width, 900)
    browser.get(f"{site}/reports/revalidation?lang={lang}")
    section = WebDriverWait(browser, WAIT_SECONDS).until(
        ec.visibility_of_element_located((By.ID, "no-longer-conforming"))
    )
    name = "Sở Tài chính" if lang == "vi" else "Department of Finance"
    heading = "Không còn hợp lệ (1)" if lang == "vi" else "No longer conform (1)"
    assert section.find_element(By.TAG_NAME, "h2").text == heading
    assert name in section.text
    assert ("không có trong Kế hoạch" if lang == "vi" else "is not a duty of the plan") in section.text
    now = "Nay đã hợp lệ (1)" if lang == "vi" else "Now conform (1)"
    assert now in browser.find_element(By.ID, "now-conforming").text
    link = section.find_element(By.TAG_NAME, "a").get_attribute("href") or ""
    assert link.endswith(f"/reports/so-tai-chinh/2024/v2?lang={lang}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    assert overflow(browser) <= 0
    page = httpx.get(f"{site}/reports/revalidation?lang={lang}", timeout=WAIT_SECONDS).text
    assert "<script>" not in page and " on" + "click=" not in page
    browser.set_window_size(1280, 1024)


def test_the_record_as_json(site: str, record: dict[str, object]) -> None:
    answer = httpx.get(f"{site}/reports/revalidation", headers={"Accept": "application/json"}, timeout=WAIT_SECONDS)
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(record))


def test_a_damaged_record_reads_as_no_run(site: str, browser_settings: Settings) -> None:
    path: Path = record_path(browser_settings.data_dir)
    path.write_text('{"layout": 1, "versions": ', encoding="utf-8")
    try:
        answer = httpx.get(f"{site}/reports/revalidation?lang=en", timeout=WAIT_SECONDS)
        assert answer.status_code == 200 and "No re-validation has been run yet." in answer.text
    finally:
        path.unlink()
