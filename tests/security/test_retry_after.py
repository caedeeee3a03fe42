"""Every 503 says when to come back (``Retry-After``, RFC 9110 §10.2.3), one test per way a 503 is sent:

* a store that cannot be reached, answered by the problem handler: ``/sparql``, ``/store``, the linked-data pages,
  the dashboard;
* the same store behind the query page, which renders its own 503 page;
* validation past its time limit, refused by the validation gate on ``/reports/validate`` and on the submission
  form, which renders its own 503 page.

(The query deadline's 503 is pinned in ``tests/protocol/test_deadline.py`` and ``test_hostile_sparql.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from report_factory import report_turtle
from security_support import service_settings
from servers import free_port

from ipgraph.store.remote import RemoteStore
from ipgraph.vocab import IPR

REPORT = report_turtle(IPR["org-so-tai-chinh"], 2027)


@pytest.fixture
def without_store(tmp_path: Path, running_service: Any) -> Iterator[httpx.Client]:
    """The service over a remote store whose server is not there (a port nobody listens on)."""
    root = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(f"{root}/query", f"{root}/update", f"{root}/store", query_timeout=5.0, row_limit=100)
    url = running_service(service_settings(tmp_path), store)
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client


def assert_come_back_later(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.parametrize(
    "path", ["/sparql?query=ASK%20%7B%7D", "/store?default", "/doc/id/org-so-tai-chinh", "/dashboard"]
)
def test_an_unreachable_store_is_503_with_retry_after(without_store: httpx.Client, path: str) -> None:
    assert_come_back_later(without_store.get(path, headers={"Accept": "text/html, */*;q=0.1"}))


def test_the_query_page_says_when_to_come_back(without_store: httpx.Client) -> None:
    page = without_store.get("/query", params={"query": "ASK {}", "lang": "en"})
    assert_come_back_later(page)
    assert page.headers["content-type"].startswith("text/html") and 'id="query-error"' in page.text


@pytest.fixture
def slow_validation(tmp_path: Path, running_service: Any) -> Iterator[httpx.Client]:
    """A service whose validation time limit no report can meet (a millisecond)."""
    url = running_service(service_settings(tmp_path, validation_timeout=0.001))
    with httpx.Client(base_url=url, timeout=60) as client:
        yield client


def test_validation_past_its_limit_says_when_to_come_back(slow_validation: httpx.Client) -> None:
    assert_come_back_later(
        slow_validation.post("/reports/validate", content=REPORT, headers={"Content-Type": "text/turtle"})
    )


def test_the_submission_form_says_when_to_come_back(slow_validation: httpx.Client) -> None:
    page = slow_validation.post(
        "/reports/submit?lang=en", data={"text": REPORT, "format": "text/turtle", "action": "preview"}
    )
    assert_come_back_later(page)
    assert page.headers["content-type"].startswith("text/html") and 'id="report-error"' in page.text
