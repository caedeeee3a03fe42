"""``ipgraph query``, ``export`` and ``load`` as subprocesses while a real ``ipgraph serve`` holds the data directory.

The embedded store admits one process; the commands find the running service through ``DATA_DIR/serve.json``
and go through its HTTP API. ``export`` is an online backup: loaded into a fresh data directory, it gives a
dataset whose every graph is isomorphic to the served one.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runner import IPGRAPH, clean_environment, run_ipgraph
from rdflib import URIRef
from rdflib.compare import isomorphic
from servers import free_port, wait_until_answering

from ipgraph.cli.running import RUNTIME_FILE
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.terms import triples_to_graph

from .test_serve import serving

EXTRA = """@prefix ex: <https://example.org/beside/> .
ex:a ex:p "một" ; ex:q [ ex:r "blank" ] .
"""


@dataclass(frozen=True)
class Served:
    data_dir: Path
    url: str
    environment: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``ipgraph serve`` on a fresh data directory (first start: the project is loaded), for the module."""
    directory = tmp_path_factory.mktemp("beside")
    data_dir, port = directory / "var", free_port()
    environment = clean_environment(IPGRAPH_DATA_DIR=str(data_dir), IPGRAPH_PORT=str(port), IPGRAPH_QUERY_WORKERS="1")
    with serving([], environment, directory / "serve.log") as process:
        wait_until_answering(f"http://127.0.0.1:{port}/sparql", process)
        yield Served(data_dir, f"http://127.0.0.1:{port}", environment)
    assert not (data_dir / RUNTIME_FILE).exists(), "the runtime file outlived the service"


def test_the_runtime_file_is_the_owners_alone(served: Served) -> None:
    path = served.data_dir / RUNTIME_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["url"] == served.url and document["token"]


def test_query_goes_through_the_running_service(served: Served) -> None:
    counted = run_ipgraph(
        "query",
        "--format",
        "json",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        environment=served.environment,
    )
    assert counted.returncode == 0, counted.stderr
    assert int(json.loads(counted.stdout)["results"]["bindings"][0]["n"]["value"]) > 1000
    assert "LOCK" not in counted.stderr
    negative = run_ipgraph("query", 'ASK { ?s ?p "no such text anywhere" }', environment=served.environment)
    assert (negative.returncode, negative.stdout.strip()) == (1, "false"), negative.stderr
    canned = run_ipgraph("query", "--canned", "list_targets", "--param", "year=2030", environment=served.environment)
    assert canned.returncode == 0 and canned.stdout.count("\n") > 1, canned.stderr


def test_export_is_an_online_backup_that_load_restores(served: Served, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    loaded = run_ipgraph("load", extra, "--graph", "https://example.org/beside/graph", environment=served.environment)
    assert loaded.returncode == 0, loaded.stderr
    dump = tmp_path / "backup.nq"
    exported = run_ipgraph("export", "-o", dump, environment=served.environment)
    assert exported.returncode == 0, exported.stderr
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
    served_graphs = {name: triples_to_graph(triples) for name, triples in by_graph.items()}
    assert "https://example.org/beside/graph" in served_graphs and len(served_graphs) > 5

    fresh = tmp_path / "fresh"
    restored = run_ipgraph("load", "--data-dir", fresh, dump, environment=clean_environment())
    assert restored.returncode == 0, restored.stderr
    store = EmbeddedStore(fresh, workers=1)
    try:
        assert {str(name) for name in store.graph_names()} == set(served_graphs)
        for name, graph in served_graphs.items():
            copy = store.read_graph(URIRef(name))
            assert isomorphic(copy, graph), f"<{name}> differs after the restore"
    finally:
        store.close()


def test_export_in_each_format_through_the_service(served: Served) -> None:
    for name in ("trig", "nquads", "turtle", "ntriples"):
        result = subprocess.run(
            [str(IPGRAPH), "export", "--format", name],
            capture_output=True,
            env=served.environment,
            check=False,
            timeout=180,
        )
        assert result.returncode == 0 and len(result.stdout) > 10_000, result.stderr
    one = run_ipgraph("export", "--graph", "ipgraph:plan", "--format", "turtle", environment=served.environment)
    assert (one.returncode == 0 and "@prefix" in one.stdout) or "<" in one.stdout, one.stderr
    missing = run_ipgraph("export", "--graph", "ipgraph:nothing-here", environment=served.environment)
    assert missing.returncode == 2 and "holds no graph" in missing.stderr


def test_a_closed_pipe_ends_the_export_quietly(served: Served) -> None:
    """``ipgraph export | head``: the reader stops early; no traceback, no BrokenPipe message, exit 0."""
    process = subprocess.Popen(
        [str(IPGRAPH), "export", "--format", "nquads"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=served.environment,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()
    with process.stderr:
        errors = process.stderr.read()
    assert process.wait(timeout=180) == 0, errors
    assert errors == b"", errors


def test_without_a_running_service_the_lock_error_still_says_what_to_do(tmp_path: Path) -> None:
    """A runtime file left by a killed service names a dead process: it is ignored, the local store is used."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / RUNTIME_FILE).write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": 2**22 + 7, "token": "x"}))
    os.chmod(data_dir / RUNTIME_FILE, 0o600)
    result = run_ipgraph("query", "--data-dir", data_dir, "ASK { ?s ?p ?o }", environment=clean_environment())
    assert result.returncode == 0, result.stderr
