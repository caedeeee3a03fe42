"""Real servers for tests on 127.0.0.1: free ports, readiness polling, ``oxigraph serve`` and the app in uvicorn.

Kept out of ``conftest.py`` so that any test module can import them (``from servers import …``): every test
directory has its own ``conftest`` module, and only one module of that name can be imported in a whole-suite run.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from uvicorn._types import ASGIApplication

from ipgraph.settings import Settings
from ipgraph.store.base import Store

PROJECT = Path(__file__).resolve().parents[1]
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
STARTUP_SECONDS = 30.0

#: ``start(settings, store=None) -> base URL``, as the ``running_service`` fixture gives it.
ServiceStarter = Callable[..., str]


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
def run_oxigraph(location: Path, port: int | None = None, options: Sequence[str] = ()) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` on 127.0.0.1 with its data in ``location`` (and extra ``options``); kill it on exit."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph", *options,
        ],
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


@contextmanager
def serve_app(settings: Settings, store: Store | None = None) -> Iterator[str]:
    """Run ``create_app(settings, store)`` in a real uvicorn on a free port (in a thread); yield its base URL.

    The settings are told the address, as ``ipgraph serve`` would be: the service names its own graphs from it.
    """
    from ipgraph.api import create_app

    port = free_port()
    served = dataclasses.replace(settings, host="127.0.0.1", port=port)
    with serve(create_app(served, store), port) as url:
        yield url


@contextmanager
def serve(app: ASGIApplication, port: int | None = None) -> Iterator[str]:
    """Run an application in a real uvicorn on 127.0.0.1 (on ``port``, else a free one, in a thread); yield its
    base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
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



