"""ipgraph as a real server process for the fault and load runs: start it, SIGKILL it, and a supervisor that starts
it again on the same data directory whenever it dies (as systemd ``Restart=always`` does in production).

Also the report submissions these runs send: conforming reports built from the plan (the suite's
``report_factory.py``) and organisation tokens issued straight into the data directory, as ``ipgraph tokens
issue`` does.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import httpx
from rdflib import URIRef

from ipgraph.reports.tokens import TokenRegistry

PROJECT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("serve_ipgraph.py")
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
READY_SECONDS = 120.0


def report_factory() -> ModuleType:
    """The test suite's builder of conforming reports, loaded by path (test directories are not packages)."""
    candidates = (PROJECT / "tests" / "report_factory.py", PROJECT / "tests" / "reports" / "report_factory.py")
    path = next(candidate for candidate in candidates if candidate.exists())
    spec = importlib.util.spec_from_file_location("ipgraph_report_factory", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def issue_tokens(data_dir: Path, organisations: list[URIRef]) -> dict[URIRef, str]:
    """One submission token per organisation, stored hashed in ``data_dir`` (the server reads them from there)."""
    registry = TokenRegistry.for_data_dir(data_dir)
    return {organisation: registry.issue(organisation).token for organisation in organisations}


@dataclass
class ServerProcess:
    """One ipgraph process on ``port`` with its data in ``data_dir``; ``environment`` adds ``IPGRAPH_*`` settings."""

    data_dir: Path
    port: int
    environment: Mapping[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process (it returns at once; :meth:`wait_ready` waits for answers)."""
        # What a SIGKILLed process cannot remove (its query workers' forkserver directory) stays in the test's own
        # temporary directory, not in the machine's /tmp.
        temporary = self.data_dir.parent / "tmp"
        temporary.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "TMPDIR": str(temporary),
            "IPGRAPH_DATA_DIR": str(self.data_dir),
            "IPGRAPH_PROJECT_DIR": str(PROJECT),
            "IPGRAPH_HOST": "127.0.0.1",
            "IPGRAPH_PORT": str(self.port),
            **self.environment,
        }
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(LAUNCHER)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = READY_SECONDS) -> float:
        """Poll until the service answers a query; returns the seconds waited. Fails if the process exits."""
        started = time.monotonic()
        # A generous per-request timeout: under load (validations hold the GIL) an answer can take seconds.
        with httpx.Client(timeout=30.0) as client:
            while time.monotonic() - started < timeout:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(f"ipgraph exited with {self.process.returncode}; see {self.log}")
                try:
                    if client.get(f"{self.url}/sparql", params={"query": "ASK {}"}).status_code == 200:
                        return time.monotonic() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"ipgraph did not answer within {timeout:g} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """End the process and anything it started (its query workers)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its session: orphaned query workers, if any


class Supervisor:
    """Keeps one :class:`ServerProcess` running: when it dies, it is started again on the same data directory.

    The watching thread blocks on the process's exit, so a restart follows a death at once; :meth:`kill` returns
    only once the replacement has been started, so a caller never mistakes the dead process for the new one.
    """

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.restarts = 0
        self._stopping = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._watch, name="ipgraph-supervisor", daemon=True)

    def start(self) -> None:
        self.server.start()
        self._thread.start()

    def _watch(self) -> None:
        while True:
            process = self.server.process
            assert process is not None
            process.wait()
            with self._changed:
                if self._stopping:
                    return
                self.restarts += 1
                self.server.start()
                self._changed.notify_all()

    def kill(self) -> None:
        """SIGKILL the server and return once the supervisor has started the next process (not yet ready)."""
        with self._changed:
            before = self.restarts
            self.server.kill()
            if not self._changed.wait_for(lambda: self.restarts > before, timeout=READY_SECONDS):
                raise RuntimeError(f"the supervisor did not start ipgraph again within {READY_SECONDS:g} s")

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
        self.server.stop()
        self._thread.join(timeout=30)


def free_port() -> int:
    """A TCP port nobody listens on at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_oxigraph(location: Path, port: int) -> subprocess.Popen[bytes]:
    """``oxigraph serve`` on 127.0.0.1:``port`` over ``location``, once it answers a query."""
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + READY_SECONDS
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {process.returncode}")
            try:
                client.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"})
                return process
            except httpx.TransportError:
                time.sleep(0.05)
    process.kill()
    raise RuntimeError("oxigraph serve did not answer")
