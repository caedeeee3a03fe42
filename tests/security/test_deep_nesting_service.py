"""Issue 9, item 1: one anonymous request with 500 nested blank nodes stopped the whole service.

The cause: rdflib's Turtle parser recursed until a RecursionError, and the error handler, on the event loop, wrote
its ~4,000-frame traceback (about 400 kB, twice: once by ipgraph, once by uvicorn) to the log. A log pipe that is
read slowly or not at all (a stalled supervisor or journal) takes 64 kB; the write then blocked the event loop, so
no request was answered again, at ~0 % CPU. Now the text is read by the engine's iterative parser, nesting past a
limit is a 400 naming line and column, and an unexpected error logs a bounded traceback.

This test runs ``ipgraph serve`` as a real process whose stdout and stderr are pipes nobody reads, as in the run
that found the hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import URIRef
from report_factory import report_turtle
from security_support import ADMIN_TOKEN, PROBLEM_JSON
from servers import PROJECT, free_port

from ipgraph.api.problems import LOGGED_FRAMES, trim_traceback
from ipgraph.reports.tokens import TokenRegistry

FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")
IPGRAPH = Path(sys.executable).parent / "ipgraph"
#: How long the first start (loading the project) may take before the test fails.
READY_SECONDS = 180.0
#: The body from the issue: 500 nested blank nodes ending in a literal.
DEEP_TURTLE = "<http://e/x> <http://e/p> " + "[ <http://e/p> " * 500 + "1" + " ]" * 500 + " .\n"


@pytest.fixture(scope="module")
def unread_log_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``ipgraph serve`` with its output going to pipes nobody reads; yields its URL and an organisation token."""
    data_dir = tmp_path_factory.mktemp("unread-log") / "data"
    data_dir.mkdir()
    token = TokenRegistry.for_data_dir(data_dir).issue(FINANCE).token
    port = free_port()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("IPGRAPH_")}
    environment.update(IPGRAPH_ADMIN_TOKEN=ADMIN_TOKEN, IPGRAPH_QUERY_WORKERS="1")
    process = subprocess.Popen(
        [str(IPGRAPH), "serve", "--port", str(port), "--data-dir", str(data_dir), "--project-dir", str(PROJECT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process)
        yield url, token
    finally:
        process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ipgraph serve exited with {process.returncode} before answering")
        try:
            httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=5.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"ipgraph serve did not answer within {READY_SECONDS:g} s")


def _refused_with_position(response: httpx.Response) -> None:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem = response.json()
    assert problem["line"] == 1 and problem["column"] > 1, problem
    assert f"line 1, column {problem['column']}" in problem["detail"]
    assert "nested deeper" in problem["detail"]


def test_deep_nesting_is_a_400_and_the_service_keeps_answering(unread_log_service: tuple[str, str]) -> None:
    url, token = unread_log_service
    body = DEEP_TURTLE.encode("utf-8")
    turtle = {"Content-Type": "text/turtle"}
    # Each refusal is answered; on the old code the first one never was, and nothing after it either.
    with httpx.Client(base_url=url, timeout=60.0) as client:
        for _ in range(3):  # more than one: a full log pipe would take a few
            _refused_with_position(client.post("/reports/validate", content=body, headers=turtle))
        _refused_with_position(
            client.post("/reports", content=body, headers={**turtle, "Authorization": f"Bearer {token}"})
        )
        _refused_with_position(
            client.put(
                "/store",
                params={"graph": "https://example.org/deep"},
                content=body,
                headers={**turtle, "Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
        )
        form = {"text": DEEP_TURTLE, "format": "text/turtle", "action": "preview"}
        page = client.post("/reports/submit?lang=en", data=form)
        assert page.status_code == 400 and "nested deeper" in page.text and "line 1, column" in page.text
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        asked = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
        assert asked.status_code == 200 and asked.json()["boolean"] is True
        checked = client.post("/reports/validate", content=report_turtle(FINANCE, 2027), headers=turtle)
        assert checked.status_code == 200 and checked.json()["conforms"] is True
        assert client.get("/store", params={"graph": "https://example.org/deep"}).status_code == 404


def _recurse(depth: int) -> None:
    if depth:
        _recurse(depth - 1)
    raise RecursionError("deep")


def test_an_unexpected_error_logs_a_bounded_traceback() -> None:
    try:
        _recurse(500)
    except RecursionError as error:
        caught = error
    trim_traceback(caught, LOGGED_FRAMES)
    frames = 0
    walker = caught.__traceback__
    while walker is not None:
        frames += 1
        walker = walker.tb_next
    assert frames == LOGGED_FRAMES
