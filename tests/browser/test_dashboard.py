"""The progress dashboard in a real headless Chromium: every plan target is shown with its reported progress.

The service runs in a real uvicorn on 127.0.0.1 with an on-disk store holding the project's graphs and the
report fixtures of tests/reports/fixtures/progress (see tests/reports/test_progress.py for the hand-worked
figures). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from project_graphs import load_progress_fixtures
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
PLAN_TARGETS = (
    "II.2.1.a.b1",
    "II.2.1.a.b2",
    "II.2.1.a.b3",
    "II.2.1.b",
    "II.2.2.a.b1",
    "II.2.2.a.b2",
    "II.2.2.a.b3",
    "II.2.2.a.b4",
    "II.2.2.b",
    "II.2.2.b.b1",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("dashboard-store"), workers=1)
    load_progress_fixtures(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def browser(chromium: WebDriver) -> Iterator[WebDriver]:
    """The session's one browser, with a window tall enough for a year of cards."""
    chromium.set_window_size(1280, 2400)
    try:
        yield chromium
    finally:
        chromium.set_window_size(1280, 1024)


@pytest.fixture
def base_url(store: EmbeddedStore, tmp_path: Path, running_service: Callable[..., str]) -> str:
    return running_service(Settings(data_dir=tmp_path / "data", project_dir=PROJECT), store)


def card_text(browser: WebDriver, reference: str) -> str:
    return str(browser.find_element(By.ID, f"target-{reference}").text)


def test_dashboard_shows_every_target_with_its_reported_progress(browser: WebDriver, base_url: str) -> None:
    browser.get(f"{base_url}/?lang=en")
    browser.find_element(By.CSS_SELECTOR, "header nav a[href='/dashboard']").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Progress against the plan's targets"
    for reference in PLAN_TARGETS:
        card = browser.find_element(By.ID, f"target-{reference}")
        assert card.is_displayed()
        assert card.find_element(By.CSS_SELECTOR, "h3 a").text.startswith("Target II.2.")

    business_units = card_text(browser, "II.2.1.a.b3")
    assert "≥ 250" in business_units
    assert "150 (in 2023; organisations reporting: 2)" in business_units
    assert "business unit" in business_units
    assert "60 %" in business_units
    staff_share = card_text(browser, "II.2.1.a.b1")
    assert "70 % (in 2023; organisations reporting: 3)" in staff_share
    growth = card_text(browser, "II.2.1.b")
    assert "9.6 % per year" in growth
    assert "Within the target band" in growth
    assert "Nothing reported for this target yet." in card_text(browser, "II.2.2.b.b1")
    assert "The plan gives no figure for this target." in card_text(browser, "II.2.1.a.b2")

    # The charts are drawn: the share bar is filled in proportion, the year chart has one bar per year.
    card = browser.find_element(By.ID, "target-II.2.1.a.b3")
    track = card.find_element(By.CSS_SELECTOR, "svg.share-bar .share-track")
    fill = card.find_element(By.CSS_SELECTOR, "svg.share-bar .share-fill")
    assert fill.size["width"] == pytest.approx(track.size["width"] * 0.6, abs=1.5)
    assert len(card.find_elements(By.CSS_SELECTOR, "svg.year-chart g.bar")) == 3

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard-en.png"))


def test_dashboard_in_vietnamese_and_with_the_example_reports(browser: WebDriver, base_url: str) -> None:
    browser.get(f"{base_url}/dashboard?lang=en")
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tiến độ thực hiện các mục tiêu của Kế hoạch"
    assert "9,6 %/năm" in card_text(browser, "II.2.1.b")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard-vi.png"))

    browser.find_element(By.LINK_TEXT, "Báo cáo mẫu").click()
    assert "không phải báo cáo thật" in browser.find_element(By.CLASS_NAME, "examples-note").text
    assert "7 " in card_text(browser, "II.2.1.a.b3")
    assert "Chưa có báo cáo nào về mục tiêu này." in card_text(browser, "II.2.1.a.b1")
