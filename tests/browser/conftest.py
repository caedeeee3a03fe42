"""Fixtures for the browser tests: the project loaded as ``ipgraph serve`` loads it, served by a real uvicorn
(``running_service``), driven by Debian's headless Chromium through chromedriver. Screenshots go to
``test-artifacts/browser/`` (git-ignored) so a failing run can be looked at."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.remote.webdriver import WebDriver

from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.base import Store

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--window-size=1280,1024",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this directory drives the browser."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("browser-data"), project_dir=PROJECT, query_workers=1)


@pytest.fixture(scope="session")
def browser_store(browser_settings: Settings) -> Iterator[Store]:
    """The project's graphs, loaded by the same code as ``ipgraph serve``."""
    store = open_store(browser_settings)
    yield store
    store.close()


@pytest.fixture
def site(running_service: Callable[..., str], browser_settings: Settings, browser_store: Store) -> str:
    """The running site's root URL."""
    return running_service(browser_settings, browser_store)


def chromium_options(profile: Path) -> webdriver.ChromeOptions:
    """Headless Chromium with its profile in ``profile`` (under pytest's temporary directory, removed after a
    green run) rather than a directory of its own under /tmp that a crashed browser leaves behind."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return options


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the session (cookies are cleared before each test by ``browser``)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            raise RuntimeError(f"{path} is missing: run `make browser-deps`")
    options = chromium_options(tmp_path_factory.mktemp("chromium-profile"))
    # A Vietnamese reader: Accept-Language decides the first page's language (ipgraph.publish.i18n).
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    driver = webdriver.Chrome(options=options, service=ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: WebDriver, site: str) -> WebDriver:
    """The session's browser with no cookies left from an earlier test (cookies ignore the port)."""
    chromium.get(site + "/static/site.css")
    chromium.delete_all_cookies()
    return chromium


@pytest.fixture
def screenshot(browser: WebDriver, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``screenshot(step)`` saves the page as ``test-artifacts/browser/<test>-<step>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png".replace("/", "_")
        browser.save_screenshot(str(path))
        return path

    return take


@pytest.fixture(scope="session")
def chromium_without_script(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A second headless Chromium with JavaScript switched off, for the pages that must work without it."""
    options = chromium_options(tmp_path_factory.mktemp("chromium-profile-without-script"))
    options.add_experimental_option(
        "prefs", {"intl.accept_languages": "vi-VN,vi", "profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(options=options, service=ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
