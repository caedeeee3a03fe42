"""Limits on report submission over real HTTP: body size (413), read-only mode (403), saturated or overrunning
validation (503 + Retry-After), and the submission page for people (plain HTML forms, no script)."""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from rdflib import URIRef
from report_factory import report_turtle
from servers import PROJECT, STARTUP_SECONDS, free_port

from ipgraph.api import create_app
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")
TURTLE = {"Content-Type": "text/turtle"}


@contextmanager
def serve(app: FastAPI) -> Iterator[httpx.Client]:
    """Run ``app`` in a real uvicorn on 127.0.0.1 and yield a client for it (the test keeps the app object)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)


def app_for(tmp_path: Path, store: EmbeddedStore, **overrides: object) -> FastAPI:
    settings = Settings(data_dir=tmp_path, project_dir=PROJECT, query_workers=1, **overrides)  # type: ignore[arg-type]
    return create_app(settings, store)


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    body = report_turtle(FINANCE, 2027).encode("utf-8")
    with serve(app_for(tmp_path, embedded_store, max_body_bytes=len(body) - 1)) as client:
        authorised = {**TURTLE, "Authorization": f"Bearer {token}"}
        for path, headers in (("/reports/validate", TURTLE), ("/reports", authorised)):
            response = client.post(path, content=body, headers=headers)
            assert response.status_code == 413
            assert "IPGRAPH_MAX_BODY_BYTES" in response.json()["detail"]
    assert embedded_store.graph_names() == []


def test_read_only_mode_refuses_submissions_but_still_validates(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    body = report_turtle(FINANCE, 2027)
    with serve(app_for(tmp_path, embedded_store, read_only=True)) as client:
        refused = client.post("/reports", content=body, headers={**TURTLE, "Authorization": f"Bearer {token}"})
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
        assert client.post("/reports/validate", content=body, headers=TURTLE).status_code == 200
    assert embedded_store.graph_names() == []


def test_saturated_validation_is_503_with_retry_after(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    app = app_for(tmp_path, embedded_store, max_concurrent_validations=1, validation_timeout=0.5)
    with serve(app) as client:
        gate = app.state.report_service.gate
        assert gate.slots.acquire(timeout=5)  # the one slot is busy with someone else's report
        try:
            busy = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=TURTLE)
        finally:
            gate.slots.release()
        assert busy.status_code == 503
        assert int(busy.headers["retry-after"]) > 0
        assert "IPGRAPH_MAX_CONCURRENT_VALIDATIONS" in busy.json()["detail"]


def test_validation_past_its_time_limit_is_a_clear_503(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    # No report parses and validates in a millisecond; the limit must stop waiting and say so.
    app = app_for(tmp_path, embedded_store, validation_timeout=0.001)
    with serve(app) as client:
        app.state.report_service.validator  # noqa: B018 - load the shapes before the clock matters
        response = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=TURTLE)
    assert response.status_code == 503
    assert "IPGRAPH_VALIDATION_TIMEOUT" in response.json()["detail"]
    assert response.headers["retry-after"]


# -- the page ---------------------------------------------------------------------------------------------


@pytest.fixture
def page_client(tmp_path: Path, embedded_store: EmbeddedStore) -> Iterator[httpx.Client]:
    with serve(app_for(tmp_path, embedded_store)) as client:
        yield client


def test_the_page_is_a_plain_form(page_client: httpx.Client) -> None:
    page = page_client.get("/reports/submit?lang=en")
    assert page.status_code == 200
    text = page.text
    assert 'enctype="multipart/form-data"' in text and 'name="file"' in text and 'name="text"' in text
    assert 'name="format"' in text and 'name="token"' in text and 'value="preview"' in text
    assert "<script" not in text.split("<main>")[1]


def test_the_page_previews_pasted_text(page_client: httpx.Client, embedded_store: EmbeddedStore) -> None:
    form = {"text": report_turtle(FINANCE, 2027, applications=-1), "format": "text/turtle", "action": "preview"}
    page = page_client.post("/reports/submit?lang=en", data=form)
    assert page.status_code == 200
    assert 'id="report-outcome"' in page.text and "does not conform" in page.text
    first_line = report_turtle(FINANCE, 2027, applications=-1).splitlines()[0]
    assert html.escape(first_line, quote=False) in page.text  # the pasted text is kept, to be corrected
    assert embedded_store.graph_names() == []


def test_the_page_submits_an_uploaded_file_with_a_token(
    page_client: httpx.Client, embedded_store: EmbeddedStore, tmp_path: Path
) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    files = {"file": ("report.ttl", report_turtle(FINANCE, 2027).encode("utf-8"), "text/turtle")}
    page = page_client.post(
        "/reports/submit?lang=en", data={"format": "", "token": token, "action": "submit"}, files=files
    )
    assert page.status_code == 201, page.text
    assert 'id="report-receipt"' in page.text and "/reports/so-tai-chinh/2027/v1" in page.text
    assert token not in page.text
    assert URIRef("https://w3id.org/ipgraph/graph/reports/so-tai-chinh/2027/v1") in embedded_store.graph_names()


def test_the_page_explains_a_refused_token(page_client: httpx.Client, embedded_store: EmbeddedStore) -> None:
    form = {"text": report_turtle(FINANCE, 2027), "format": "text/turtle", "token": "wrong", "action": "submit"}
    page = page_client.post("/reports/submit?lang=en", data=form)
    assert page.status_code == 401
    assert 'id="report-error"' in page.text and "unknown or has been revoked" in page.text
    assert embedded_store.graph_names() == []


def test_the_list_page_says_when_nothing_was_received(page_client: httpx.Client) -> None:
    page = page_client.get("/reports?lang=en", headers={"Accept": "text/html,application/xml;q=0.9,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "No report has been received yet." in page.text
