"""Fixtures shared by every test package: real stores and real servers on 127.0.0.1.

- ``embedded_store``: an empty :class:`EmbeddedStore` on disk in the test's ``tmp_path`` (one query worker).
- ``oxigraph_server``: a real ``oxigraph serve`` process on a free port for the whole session (union default
  graph on), killed at the end; its endpoint URLs are in the returned :class:`OxigraphServer`.
- ``remote_store``: a :class:`RemoteStore` on that server, emptied before the test.
- ``running_service``: a function ``start(settings, store=None) -> base URL`` that runs the ipgraph app in a real
  uvicorn on a free 127.0.0.1 port (in a thread) until the test ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from ipgraph.settings import Settings
from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore

PROJECT = Path(__file__).resolve().parents[1]
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
STARTUP_SECONDS = 30.0


def free_port() -> int:
    """A TCP port nobody listens on at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answering(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers any HTTP status; fail if the process exits or it never answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered at {url} within {STARTUP_SECONDS:g} s")


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An empty embedded store in ``tmp_path`` with one query worker and a 10 s default deadline."""
    store = EmbeddedStore(tmp_path / "embedded", workers=1, query_timeout=10.0, row_limit=1000)
    yield store
    store.close()


@dataclass(frozen=True)
class OxigraphServer:
    """A running ``oxigraph serve``: its base URL and SPARQL 1.1 endpoints."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"


@contextmanager
def run_oxigraph(location: Path, port: int | None = None) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` on 127.0.0.1 with its data in ``location``; kill it on exit."""
    port = port or free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = OxigraphServer(f"http://127.0.0.1:{port}", process)
        wait_until_answering(f"{server.query_url}?query=ASK%7B%7D", process)
        yield server
    finally:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One real ``oxigraph serve`` for the session; tests that write should empty it first (``remote_store`` does)."""
    with run_oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture
def remote_store(oxigraph_server: OxigraphServer) -> RemoteStore:
    """A remote store on the session's oxigraph server, emptied before the test."""
    store = RemoteStore(
        oxigraph_server.query_url,
        oxigraph_server.update_url,
        oxigraph_server.store_url,
        query_timeout=10.0,
        row_limit=1000,
    )
    store.update(UpdateRequest("DROP SILENT ALL"))
    return store


ServiceStarter = Callable[..., str]


@contextmanager
def serve_app(settings: Settings, store: Store | None = None) -> Iterator[str]:
    """Run ``create_app(settings, store)`` in a real uvicorn on a free port (in a thread); yield its base URL."""
    from ipgraph.api import create_app

    port = free_port()
    config = uvicorn.Config(create_app(settings, store), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ipgraph-test-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)


@pytest.fixture
def running_service() -> Iterator[ServiceStarter]:
    """``start(settings, store=None)`` runs the app until the test ends and returns its base URL."""
    with ExitStack() as stack:

        def start(settings: Settings, store: Store | None = None) -> str:
            return stack.enter_context(serve_app(settings, store))

        yield start


@pytest.fixture
def copy_of_project(tmp_path: Path) -> Path:
    """A copy of the project's ontology/, data/ and shapes/ that a test may change."""
    target = tmp_path / "project"
    for name in ("ontology", "data", "shapes"):
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, target / name, ignore=shutil.ignore_patterns("source"))
    return target
