"""Bounded validation work over real HTTP (issue 9, item 4): a report's size limits (413 naming the setting), one
client's share of the validation slots (429), a legitimate validation answered while another client's slow ones
run, and validations that stop (freeing their slot) when their client disconnects or was answered 503.

The slow reports are real and within the limits: the same observation repeated, which the shapes compare pairwise
(quadratic work, about ten seconds of CPU). Tests wait on what the gate reports (:meth:`ValidationGate.held_by`,
``running``, ``stopped``), never on time.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from rdflib import URIRef
from report_factory import report_turtle
from servers import PROJECT, serve

from ipgraph.api import create_app
from ipgraph.reports.gate import ValidationGate
from ipgraph.reports.parsing import parse_report
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")
TURTLE = {"Content-Type": "text/turtle"}
#: How long a condition the gate reports may take to come true before the test fails (never a pass condition).
PATIENCE_SECONDS = 120.0


def slow_report(repeats: int = 150) -> bytes:
    """A report whose validation costs tens of seconds: ``repeats`` copies of one observation, compared pairwise."""
    copies = "".join(
        f"""
:copy{number} a qb:Observation ; qb:dataSet :report ; ipg:indicator ipr:ind-new-ip-applications ;
    sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2027> ; sdmx-measure:obsValue {number} ;
    sdmx-attribute:unitMeasure ipr:unit-application ."""
        for number in range(repeats)
    )
    return (report_turtle(FINANCE, 2027) + copies).encode("utf-8")


def app_for(tmp_path: Path, store: EmbeddedStore, **overrides: object) -> FastAPI:
    settings = Settings(data_dir=tmp_path, project_dir=PROJECT, query_workers=1, **overrides)  # type: ignore[arg-type]
    return create_app(settings, store)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Return as soon as ``condition()`` holds; fail, naming ``what``, if it never does."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


class RawRequest:
    """A POST sent over a plain socket, so the test can close the connection before the answer comes."""

    def __init__(self, url: str, path: str, body: bytes) -> None:
        parts = urlsplit(url)
        self.socket = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80))
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: text/turtle\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        self.socket.sendall(head.encode("ascii") + body)
        self.answer: bytes | None = None

    def answered(self) -> bool:
        """Whether the whole answer has arrived (the server closes the connection after it)."""
        if self.answer is None and select.select([self.socket], [], [], 0)[0]:
            chunks = []
            while chunk := self.socket.recv(65536):
                chunks.append(chunk)
            self.answer = b"".join(chunks)
        return self.answer is not None

    @property
    def status(self) -> int:
        assert self.answer is not None
        return int(self.answer.split(b" ", 2)[1])

    def close(self) -> None:
        self.socket.close()


@contextmanager
def raw_requests(url: str, path: str, bodies: list[bytes]) -> Iterator[list[RawRequest]]:
    requests = [RawRequest(url, path, body) for body in bodies]
    try:
        yield requests
    finally:
        for request in requests:
            request.close()


def other_client(url: str) -> httpx.Client:
    """A client connecting from 127.0.0.2: another address than the test's other requests (all of 127/8 is
    loopback)."""
    return httpx.Client(
        base_url=url, timeout=PATIENCE_SECONDS, transport=httpx.HTTPTransport(local_address="127.0.0.2")
    )


def test_a_report_over_the_byte_limit_is_413_naming_it(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    body = report_turtle(FINANCE, 2027).encode("utf-8")
    app = app_for(tmp_path, embedded_store, max_report_bytes=len(body) - 1)
    with serve(app) as url, httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
        authorised = {**TURTLE, "Authorization": f"Bearer {token}"}
        for path, headers in (("/reports/validate", TURTLE), ("/reports", authorised)):
            response = client.post(path, content=body, headers=headers)
            assert response.status_code == 413, response.text
            assert "IPGRAPH_MAX_REPORT_BYTES" in response.json()["detail"]
        form = {"text": body.decode("utf-8"), "format": "text/turtle", "action": "preview"}
        page = client.post("/reports/submit?lang=en", data=form)
        assert page.status_code == 413 and "IPGRAPH_MAX_REPORT_BYTES" in page.text
    assert embedded_store.graph_names() == []


def test_a_report_over_the_triple_limit_is_413_naming_it(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    app = app_for(tmp_path, embedded_store, max_report_triples=20)
    with serve(app) as url, httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
        authorised = {**TURTLE, "Authorization": f"Bearer {token}"}
        for path, headers in (("/reports/validate", TURTLE), ("/reports", authorised)):
            response = client.post(path, content=report_turtle(FINANCE, 2027), headers=headers)
            assert response.status_code == 413, response.text
            detail = response.json()["detail"]
            assert "IPGRAPH_MAX_REPORT_TRIPLES" in detail and "at most 20" in detail
    assert embedded_store.graph_names() == []


def test_the_default_limits_fit_every_example_report() -> None:
    settings = Settings()
    for path in sorted((PROJECT / "data" / "examples").glob("*/*.ttl")):
        assert path.stat().st_size < settings.max_report_bytes / 10, path


def test_one_client_cannot_take_every_slot_and_others_are_answered_meanwhile(
    tmp_path: Path, embedded_store: EmbeddedStore
) -> None:
    app = app_for(
        tmp_path, embedded_store, max_concurrent_validations=4, max_validations_per_client=2, validation_timeout=600
    )
    limits = Settings()
    assert len(slow_report()) < limits.max_report_bytes  # an upload the limits let through
    assert len(parse_report(slow_report(), "text/turtle")) <= limits.max_report_triples
    with serve(app) as url, raw_requests(url, "/reports/validate", [slow_report()] * 4) as slow:
        gate: ValidationGate = app.state.report_service.gate  # built by the lifespan
        wait_until(lambda: sum(request.answered() for request in slow) == 2, "two of the four were refused")
        assert sorted(request.status for request in slow if request.answer is not None) == [429, 429]
        assert all(
            b"IPGRAPH_MAX_VALIDATIONS_PER_CLIENT" in (request.answer or b"") for request in slow if request.answer
        )
        wait_until(lambda: gate.running() == 2, "the two admitted slow validations run")
        assert gate.held_by("127.0.0.1") == 2
        with other_client(url) as client:
            response = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=TURTLE)
        assert response.status_code == 200, response.text
        assert response.json()["conforms"] is True
        assert gate.running() == 2, "the slow validations were still running while the other client was answered"
        for request in slow:
            request.close()
        wait_until(lambda: gate.stopped() == 2, "the disconnected clients' validations were stopped")
        wait_until(lambda: gate.running() == 0 and gate.held_by("127.0.0.1") == 0, "their slots are free")


def test_a_client_that_disconnects_frees_its_slot(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    app = app_for(tmp_path, embedded_store, max_concurrent_validations=1, validation_timeout=600)
    with serve(app) as url:
        gate: ValidationGate = app.state.report_service.gate  # built by the lifespan
        with raw_requests(url, "/reports/validate", [slow_report()]) as (leaving,):
            wait_until(lambda: gate.running() == 1, "the slow validation started")
            leaving.close()
            wait_until(lambda: gate.stopped() == 1, "the validation was stopped when its client left")
            wait_until(lambda: gate.running() == 0, "its slot is free")
        with httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
            response = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=TURTLE)
        assert response.status_code == 200, response.text


def test_a_validation_answered_503_stops_working(tmp_path: Path, embedded_store: EmbeddedStore) -> None:
    app = app_for(tmp_path, embedded_store, max_concurrent_validations=1, validation_timeout=1.0)
    with serve(app) as url, httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
        service = app.state.report_service  # built by the lifespan
        service.validator  # noqa: B018 - load the shapes before the clock matters
        response = client.post("/reports/validate", content=slow_report(), headers=TURTLE)
        assert response.status_code == 503 and "IPGRAPH_VALIDATION_TIMEOUT" in response.json()["detail"]
        wait_until(lambda: service.gate.stopped() == 1, "the overrunning validation was stopped after its 503")
        wait_until(lambda: service.gate.running() == 0, "its slot is free")
