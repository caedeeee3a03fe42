"""Validation in worker processes (:mod:`ipgraph.reports.validation_pool`) says exactly what validation in the
server process says, and keeps the gate's promises: every example report gives the same outcome both ways, hostile
uploads the same refusal; a validation whose client went away is stopped by killing its worker, which is replaced;
a worker killed mid-validation costs its request a 503 and stores nothing.

Real parts only: an on-disk store, real worker processes, a real uvicorn on 127.0.0.1. Tests wait on what the gate
and the pool report, never on time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from report_factory import report_turtle
from servers import PROJECT, serve
from test_validation_fairness import FINANCE, PATIENCE_SECONDS, TURTLE, app_for, raw_requests, slow_report, wait_until

from ipgraph.errors import IpgraphError, SettingsError, ValidationWorkerError
from ipgraph.formats import format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.storage import ReportKey, iter_report_nodes, prepare_version
from ipgraph.reports.submission import Checked, ReportService
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.upload import claimed_key, receive_report
from ipgraph.reports.validation_pool import Upload, ValidationPool
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.processes import WorkerLimits

EXAMPLES = PROJECT / "data" / "examples"
CASES = sorted(path for path in EXAMPLES.rglob("*") if format_for_path(path, REPORT_FORMATS) is not None)
_BLANK = re.compile(r"_:[A-Za-z0-9]+")


class Services:
    """The same store judged twice: by a service validating in its own process and by one using a worker."""

    def __init__(self, tmp_path: Path, store: EmbeddedStore) -> None:
        self.today = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        clock = lambda: self.today  # noqa: E731 - each case sets its own day of receipt
        common = {"project_dir": PROJECT, "data_dir": tmp_path, "clock": clock}
        self.in_process = ReportService(store, **common)  # type: ignore[arg-type]
        self.pooled = ReportService(store, validation_workers=1, **common)  # type: ignore[arg-type]

    def close(self) -> None:
        self.pooled.close()
        self.in_process.close()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Both services over one store holding the earlier reports the examples compare with."""
    tmp_path = tmp_path_factory.mktemp("pool")
    store = EmbeddedStore(tmp_path / "store", workers=1)
    both = Services(tmp_path, store)
    earlier = {name for path in CASES for name in _expected(path).get("earlier", [])}
    for name in sorted(earlier):
        path = EXAMPLES / "valid" / Path(name).name
        report = receive_report(path.read_bytes(), _media_type(path), 1000)
        key = claimed_key(report)
        assert key is not None, name
        (node,) = iter_report_nodes(report)
        both.in_process.archive.add_version(
            key,
            partial(prepare_version, report, node, key, received=both.today),
            submitted_at=both.today,
            content_hash=name,
            shapes_version="",
        )
    yield both
    both.close()
    store.close()


def _expected(path: Path) -> dict[str, object]:
    twin = path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")
    document: dict[str, object] = json.loads(twin.read_text())
    return document


def _media_type(path: Path) -> str:
    chosen = format_for_path(path, REPORT_FORMATS)
    assert chosen is not None, path
    return chosen.media_type


def _unlabelled(text: str | None) -> str | None:
    """``text`` with blank node labels made equal (each parse of a document labels its blank nodes anew)."""
    return None if text is None else _BLANK.sub("_:b", text)


def _comparable(checked: Checked) -> tuple[object, ...]:
    outcome = checked.outcome
    issues = tuple(
        tuple(_unlabelled(value) for value in (issue.severity, issue.message_vi, issue.message_en))
        + tuple(_unlabelled(value) for value in (issue.focus, issue.path, issue.value, issue.shape))
        for issue in outcome.issues
    )
    report = outcome.report
    return (
        outcome.conforms,
        issues,
        outcome.organisation,
        outcome.year,
        "blank" if isinstance(report, BNode) else report,
        outcome.shapes_version,
    )


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.name)
def test_every_example_gives_the_same_outcome_through_a_worker(services: Services, path: Path) -> None:
    expected = _expected(path)
    day = expected.get("today")
    services.today = dt.datetime.fromisoformat(f"{day}T09:00:00+00:00") if isinstance(day, str) else services.today
    body = path.read_bytes()
    try:
        here = services.in_process.check(body, _media_type(path))
    except IpgraphError as refused:  # refused on receipt (statements about the plan): so it must be there too
        assert _refusal(services.pooled, body, _media_type(path)) == _described(refused)
        return
    there = services.pooled.check(body, _media_type(path))
    assert _comparable(there) == _comparable(here)
    assert isomorphic(there.outcome.results_graph, here.outcome.results_graph)
    assert isomorphic(there.report, here.report)
    # The outcome names nodes of the report the caller gets back (blank nodes keep their labels across the pipe).
    assert there.outcome.report is None or (there.outcome.report, None, None) in there.report
    assert there.outcome.conforms is expected["conforms"]


def _described(error: IpgraphError) -> tuple[object, ...]:
    return (type(error), str(error), getattr(error, "line", None), getattr(error, "column", None))


def _refusal(service: ReportService, body: bytes, media_type: str) -> tuple[object, ...]:
    with pytest.raises(IpgraphError) as refused:
        service.check(body, media_type)
    return _described(refused.value)


HOSTILE_UPLOADS = {
    "turtle syntax error": (b"<urn:a> <urn:b> .", "text/turtle"),
    "unknown media type": (b"{}", "application/x-unheard-of"),
    "statements about ipgraph's own resources": (
        b"<https://w3id.org/ipgraph/id/org-so-tai-chinh> <urn:p> 1 .",
        "text/turtle",
    ),
    "a remote JSON-LD context": (
        b'{"@context": "http://example.org/ctx.jsonld", "@id": "urn:x"}',
        "application/ld+json",
    ),
    "more triples than a report may hold": (
        "".join(f"<urn:s{number}> <urn:p> {number} .\n" for number in range(1001)).encode(),
        "text/turtle",
    ),
    "not UTF-8": (b"\xff\xfe<urn:a> <urn:b> <urn:c> .", "text/turtle"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_UPLOADS))
def test_a_hostile_upload_is_refused_the_same_way_through_a_worker(services: Services, name: str) -> None:
    body, media_type = HOSTILE_UPLOADS[name]
    assert _refusal(services.pooled, body, media_type) == _refusal(services.in_process, body, media_type)
    assert services.pooled.pool is not None and len(services.pooled.pool.worker_pids()) == 1, "the worker is kept"


def test_the_workers_are_cut_off_from_the_network_and_capped(services: Services) -> None:
    body = (EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl").read_bytes()
    services.pooled.check(body, "text/turtle")  # workers start when first needed: have one started
    pool = services.pooled.pool
    assert pool is not None and pool.worker_pids()
    assert pool.isolation_failure is None, pool.isolation_failure
    assert pool.limits.memory_mb is not None and not pool.limits.network


def test_validation_workers_setting() -> None:
    assert Settings(max_concurrent_validations=3).validation_worker_count() == 3
    assert Settings(validation_workers=0).validation_worker_count() == 0
    assert Settings(validation_workers=2).validation_worker_count() == 2
    assert Settings.from_env({"IPGRAPH_VALIDATION_WORKERS": "0"}).validation_worker_count() == 0
    for hostile in ("-2", "many", "1.5", ""):
        with pytest.raises(SettingsError):
            Settings.from_env({"IPGRAPH_VALIDATION_WORKERS": hostile})
    with pytest.raises(ValueError, match="at least one worker"):
        ValidationPool(0, PROJECT)


def test_a_project_whose_shapes_do_not_load_is_a_503_error_naming_why(tmp_path: Path) -> None:
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "report.shapes.ttl").write_text("ipg:ReportShape a sh:NodeShape .")  # undeclared prefixes
    pool = ValidationPool(1, tmp_path)
    body = (EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl").read_bytes()
    try:
        for _ in range(2):  # the next request tries a new worker, and is told the same
            with pytest.raises(ValidationWorkerError, match="shapes or plan did not load"):
                pool.validate(Upload(body, "text/turtle", 1000, dt.date(2026, 3, 1)), _no_earlier, threading.Event())
        assert pool.worker_pids() == []
    finally:
        pool.close()


def _no_earlier(key: ReportKey) -> Graph:
    return Graph()


def test_a_worker_past_its_memory_ceiling_is_a_503_error_and_is_replaced() -> None:
    pool = ValidationPool(1, PROJECT, WorkerLimits(memory_mb=160))
    today = dt.date(2026, 3, 1)
    try:
        # Far more triples than the service lets through, so parsing them alone needs several times the ceiling.
        huge = "".join(f'<urn:s{number}> <urn:p> "{number}" .\n' for number in range(400_000)).encode()
        with pytest.raises(ValidationWorkerError) as stopped:
            pool.validate(Upload(huge, "application/n-triples", 10**7, today), _no_earlier, threading.Event())
        assert "memory" in str(stopped.value) and "nothing was stored" in str(stopped.value)
        body = (EXAMPLES / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl").read_bytes()
        report, outcome = pool.validate(
            Upload(body, "text/turtle", 1000, today), lambda key: Graph(), threading.Event()
        )
        assert outcome.conforms and len(report) > 0, "a replacement worker answered the next report"
    finally:
        pool.close()
    assert pool.worker_pids() == []


# -- over HTTP, with a real server ------------------------------------------------------------------------


def _pool_of(app: object) -> ValidationPool:
    pool = app.state.report_service.pool  # type: ignore[attr-defined]  # built by the lifespan
    assert isinstance(pool, ValidationPool)
    return pool


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_client_that_disconnects_has_its_worker_killed_and_replaced(
    tmp_path: Path, embedded_store: EmbeddedStore
) -> None:
    app = app_for(tmp_path, embedded_store, max_concurrent_validations=1, validation_workers=1, validation_timeout=600)
    with serve(app) as url:
        pool, gate = _pool_of(app), app.state.report_service.gate
        with raw_requests(url, "/reports/validate", [slow_report()]) as (leaving,):
            wait_until(lambda: gate.running() == 1 and len(pool.worker_pids()) == 1, "the slow validation runs")
            (busy,) = pool.worker_pids()
            leaving.close()
            wait_until(lambda: gate.stopped() == 1, "the validation was stopped when its client left")
            assert _gone(busy), "the worker doing the abandoned validation was killed"
        wait_until(lambda: len(pool.worker_pids()) == 1, "a replacement worker started")
        assert pool.worker_pids() != [busy]
        with httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
            response = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=TURTLE)
        assert response.status_code == 200, response.text
        assert response.json()["conforms"] is True
        last = pool.worker_pids()
    assert all(_gone(pid) for pid in last), "the app's shutdown stopped its validation workers"


def test_a_worker_killed_mid_validation_costs_a_503_stores_nothing_and_is_replaced(
    tmp_path: Path, embedded_store: EmbeddedStore
) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    app = app_for(tmp_path, embedded_store, max_concurrent_validations=1, validation_workers=1, validation_timeout=600)
    authorised = {**TURTLE, "Authorization": f"Bearer {token}"}
    with serve(app) as url, httpx.Client(base_url=url, timeout=PATIENCE_SECONDS) as client:
        pool, gate = _pool_of(app), app.state.report_service.gate
        with ThreadPoolExecutor(1) as sender:
            pending = sender.submit(client.post, "/reports", content=slow_report(), headers=authorised)
            wait_until(lambda: gate.running() == 1 and len(pool.worker_pids()) == 1, "the slow submission runs")
            (busy,) = pool.worker_pids()
            os.kill(busy, signal.SIGKILL)
            response = pending.result()
        assert response.status_code == 503, response.text
        assert "stopped" in response.json()["detail"] and "nothing was stored" in response.json()["detail"]
        assert response.headers["Retry-After"]
        assert embedded_store.graph_names() == [], "nothing of the killed submission was stored"
        wait_until(lambda: len(pool.worker_pids()) == 1 and pool.worker_pids() != [busy], "a replacement started")
        response = client.post("/reports", content=report_turtle(FINANCE, 2027), headers=authorised)
        assert response.status_code == 201, response.text
        assert app.state.report_service.archive.versions(FINANCE, 2027)[0].key == ReportKey(FINANCE, 2027)
