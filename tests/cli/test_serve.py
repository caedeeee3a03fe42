"""``ipgraph serve`` as a process: the first start loads the project into a fresh data directory and answers; the
second start reuses the store; settings come from IPGRAPH_* variables or flags."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cli_runner import IPGRAPH, clean_environment, run_ipgraph
from servers import free_port, run_oxigraph, wait_until_answering

from ipgraph.settings import Settings
from ipgraph.store.loading import project_sources
from ipgraph.store.write_stamp import SYSTEM_GRAPH

Runner = Callable[..., subprocess.CompletedProcess[str]]
COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@contextmanager
def serving(args: list[str], environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``ipgraph serve ARGS`` until the block ends, then stop it as Ctrl-C would; stderr goes to ``log``."""
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(IPGRAPH), "serve", *args], stdout=subprocess.DEVNULL, stderr=stderr, env=environment
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def graph_counts(base_url: str) -> dict[str, int]:
    url = f"{base_url}/sparql?" + urllib.parse.urlencode({"query": COUNT_BY_GRAPH})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def test_cold_start_loads_the_project_and_the_second_start_reuses_the_store(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "var", free_port()
    expected_graphs = {str(source.graph) for source in project_sources(Settings())}
    base_url = f"http://127.0.0.1:{port}"

    first_log = tmp_path / "first.log"
    environment = clean_environment(IPGRAPH_DATA_DIR=str(data_dir), IPGRAPH_PORT=str(port))
    with serving([], environment, first_log) as process:
        wait_until_answering(f"{base_url}/sparql", process)
        first_counts = graph_counts(base_url)
        # The running service owns the embedded store; the CLI goes through it (tests/cli/test_beside_server.py).
        beside = run_ipgraph("query", "--data-dir", data_dir, "ASK { ?s ?p ?o }")
        assert (beside.returncode, beside.stdout.strip()) == (0, "true"), beside.stderr
    assert process.returncode == 0, first_log.read_text(encoding="utf-8")
    first = first_log.read_text(encoding="utf-8")
    assert set(first_counts) == expected_graphs
    assert f"loaded {len(expected_graphs)} graphs ({sum(first_counts.values()):,} triples), reused 0 graphs" in first
    assert (
        f"→ <https://w3id.org/ipgraph/graph/plan>: {first_counts['https://w3id.org/ipgraph/graph/plan']:,} triples"
        in first
    )

    second_log = tmp_path / "second.log"
    flags = ["--data-dir", str(data_dir), "--port", str(port), "--host", "127.0.0.1"]
    with serving(flags, clean_environment(), second_log) as process:
        wait_until_answering(f"{base_url}/sparql", process)
        second_counts = graph_counts(base_url)
    second = second_log.read_text(encoding="utf-8")
    assert process.returncode == 0, second
    assert second_counts == first_counts
    assert f"loaded 0 graphs (0 triples), reused {len(expected_graphs)} graphs" in second
    assert "→ <" not in second  # no file was read again


def test_serve_on_a_port_in_use_exits_2_before_loading(ipgraph: Runner, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = ipgraph("serve", "--data-dir", tmp_path / "var", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert not (tmp_path / "var").exists()


def test_bad_setting_in_the_environment_exits_2_naming_it(ipgraph: Runner, tmp_path: Path) -> None:
    environment = clean_environment(IPGRAPH_DATA_DIR=str(tmp_path / "var"), IPGRAPH_PORT="eighty")
    result = ipgraph("serve", environment=environment)
    assert result.returncode == 2
    assert "IPGRAPH_PORT='eighty' is not a valid int" in result.stderr


def test_cold_start_in_remote_mode_loads_the_project_into_the_sparql_server(tmp_path: Path) -> None:
    port = free_port()
    expected_graphs = {str(source.graph) for source in project_sources(Settings())}
    with run_oxigraph(tmp_path / "oxigraph") as server:
        environment = clean_environment(
            IPGRAPH_DATA_DIR=str(tmp_path / "var"),
            IPGRAPH_STORE_MODE="remote",
            IPGRAPH_REMOTE_QUERY_URL=server.query_url,
            IPGRAPH_REMOTE_UPDATE_URL=server.update_url,
            IPGRAPH_REMOTE_STORE_URL=server.store_url,
        )
        log = tmp_path / "remote.log"
        with serving(["--port", str(port)], environment, log) as process:
            wait_until_answering(f"http://127.0.0.1:{port}/sparql", process)
            through_service = graph_counts(f"http://127.0.0.1:{port}")
        assert process.returncode == 0, log.read_text(encoding="utf-8")
        # Every update in remote mode also writes the store's write stamp (docs/operations.md, "Replicas").
        assert set(through_service) == expected_graphs | {str(SYSTEM_GRAPH)}
        assert f"store in {server.query_url}: loaded {len(expected_graphs)} graphs" in log.read_text(encoding="utf-8")
