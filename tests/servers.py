"""Real servers for tests on 127.0.0.1: free ports, readiness polling, ``oxigraph serve`` and the app in uvicorn.

Kept out of ``conftest.py`` so that any test module can import them (``from servers import …``): every test
directory has its own ``conftest`` module, and only one module of that name can be imported in a whole-suite run.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from uvicorn._types import ASGIApplication

from ipgraph.settings import Settings
from ipgraph.store.base import Store
from ipgraph.store.remote import RemoteStore

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
            str(OXIGRAPH),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            *options,
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


VIRTUOSO = "virtuoso-t"
VIRTUOSO_ISQL = "isql-vt"
#: A first start creates the database and runs Virtuoso's built-in DDL: many seconds on a loaded machine.
VIRTUOSO_STARTUP_SECONDS = 180.0
#: The account the tests write through (HTTP Digest on the ``-auth`` endpoints), granted SPARQL_UPDATE at start.
VIRTUOSO_USER = "ipgraph"
VIRTUOSO_PASSWORD = "ipgraph-test-9d2e"

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort            = 127.0.0.1:{sql_port}
DisableUnixSocket     = 1
DisableTcpSocket      = 0
MaxClientConnections  = 8
CheckpointInterval    = 0
O_DIRECT              = 0
CaseMode              = 2
MaxStaticCursorRows   = 5000
AllowOSCalls          = 0
SchedulerInterval     = 10
DirsAllowed           = {dir}
VADInstallDir         = {dir}/vad
ThreadCleanupInterval = 0
ThreadThreshold       = 10
ResourcesCleanupInterval = 0
NumberOfBuffers       = 2000
MaxDirtyBuffers       = 1200
MaxQueryMem           = 256M
ThreadsPerQuery       = 2
AsyncQueueMaxThreads  = 4

[HTTPServer]
ServerPort            = 127.0.0.1:{http_port}
ServerRoot            = {dir}/vsp
MaxClientConnections  = 8
DavRoot               = DAV
EnabledDavVSP         = 0
HTTPProxyEnabled      = 0
ServerThreads         = 8
MaxKeepAlives         = 8
KeepAliveTimeout      = 10
Charset               = UTF-8
EnabledGzipContent    = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
"""


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso Open Source: its HTTP base URL, its SQL port (for ``isql-vt``) and its endpoints."""

    url: str
    sql_port: int
    process: subprocess.Popen[bytes]
    user: str = VIRTUOSO_USER
    password: str = VIRTUOSO_PASSWORD

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def store_url(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

    def isql(self, statements: str) -> str:
        """Run SQL statements as ``dba`` through ``isql-vt``; fail on any error Virtuoso reports."""
        result = subprocess.run(
            [VIRTUOSO_ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
            input=statements.encode("utf-8"),
            capture_output=True,
            timeout=VIRTUOSO_STARTUP_SECONDS,
            check=False,
        )
        output = (result.stdout + result.stderr).decode("utf-8", "replace")
        if result.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed (exit {result.returncode}): {output.strip()[:2000]}")
        return output


@contextmanager
def run_virtuoso(directory: Path) -> Iterator[VirtuosoServer]:
    """Start ``virtuoso-t`` on 127.0.0.1 with a ``virtuoso.ini`` of its own in ``directory``; kill it on exit.

    Ready means the SPARQL endpoint answers a query; then the test account is created and granted
    ``SPARQL_UPDATE`` (updates go through ``/sparql-auth`` and ``/sparql-graph-crud-auth`` with HTTP Digest).
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("vsp", "vad"):
        (directory / name).mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port, process)
        _wait_for_sparql(f"{server.query_url}?query=ASK%7B%7D", process, directory / "virtuoso.log")
        server.isql(_virtuoso_setup(_graphs_at(server.query_url)))
        yield server
    finally:
        process.kill()
        process.wait()


#: Virtuoso's graph group whose graphs only users with explicit rights see (RDF graph-level security).
PRIVATE_GRAPHS = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"


def remote_on_virtuoso(
    server: VirtuosoServer, *, query_timeout: float | None = 10.0, row_limit: int | None = 1000
) -> RemoteStore:
    """A remote store on ``server``: queries on ``/sparql``, writes on the Digest-authenticated endpoints."""
    return RemoteStore(
        server.query_url,
        server.update_url,
        server.store_url,
        user=server.user,
        password=server.password,
        auth="digest",
        query_timeout=query_timeout,
        row_limit=row_limit,
    )


def _virtuoso_setup(system_graphs: Sequence[str]) -> str:
    """SQL for a store that, to its SPARQL users, holds ipgraph's graphs only.

    A fresh Virtuoso holds graphs of its own (its mapping schema ``virtrdf#``, a service description, LDP
    terms); they would show in every ``GRAPH ?g`` and in the union default graph. They are made private: the
    anonymous ``SPARQL`` user (``nobody``'s rights) and the test account may read and write public graphs
    only (Virtuoso's rights bits: 1 read, 2 write, 4 sponge, 8 list). The test account is granted
    ``SPARQL_UPDATE``, which the ``-auth`` endpoints require.
    """
    statements = [
        f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}');",
        f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";',
        f"DB.DBA.RDF_GRAPH_GROUP_CREATE('{PRIVATE_GRAPHS}', 1);",
        *(f"DB.DBA.RDF_GRAPH_GROUP_INS('{PRIVATE_GRAPHS}', '{graph}');" for graph in system_graphs),
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0, 1);",
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1, 0);",
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{VIRTUOSO_USER}', 0, 1);",
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{VIRTUOSO_USER}', 15, 0);",
    ]
    return "\n".join(statements) + "\n"


def _graphs_at(query_url: str) -> list[str]:
    """The graphs a fresh Virtuoso already holds (its own), by IRI; none contains a quote."""
    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(f"{query_url}?{query}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=VIRTUOSO_STARTUP_SECONDS) as response:
        bindings = json.load(response)["results"]["bindings"]
    graphs = [binding["g"]["value"] for binding in bindings]
    if any("'" in graph for graph in graphs):
        raise RuntimeError(f"a Virtuoso system graph IRI holds a quote: {graphs}")
    return graphs


def _wait_for_sparql(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll the SPARQL endpoint until it answers 200 (Virtuoso answers other statuses while it is starting)."""
    deadline = time.monotonic() + VIRTUOSO_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"virtuoso-t exited with code {process.returncode} before answering:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Virtuoso's SPARQL endpoint did not answer at {url} within {VIRTUOSO_STARTUP_SECONDS:g} s")
