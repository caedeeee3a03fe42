"""Faults, short versions (the long ones are in tests/security/long/, run by ``make prove``): SIGKILL of the server
during submissions, a burst of mixed load, a data directory that can no longer grow, and a remote store that stops
and comes back."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fault_runs import Supervised, check_stored, kill_run, load_run, submit, supervised_server
from security_support import ADMIN_TOKEN, refused
from server_process import free_port, start_oxigraph

from ipgraph.settings import Settings
from ipgraph.store.remote import RemoteStore

ORGANISATIONS = 2


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    environment = {"IPGRAPH_ADMIN_TOKEN": ADMIN_TOKEN}
    with supervised_server(tmp_path_factory.mktemp("faults") / "data", ORGANISATIONS, environment) as server:
        yield server


def test_sigkill_during_submissions_loses_no_acknowledged_report(supervised: Supervised) -> None:
    first = next(iter(supervised.tokens))  # one submitter: a restart under heavier load takes much longer
    figures = kill_run(supervised.supervisor, {first: supervised.tokens[first]}, supervised.bodies, kills=2)
    print(figures.summary())
    assert figures.kills == 2 and figures.restarts >= 2
    assert figures.acknowledged, "no submission was acknowledged between the kills"
    figures.versions_stored = check_stored(supervised.url, figures.acknowledged)
    assert figures.versions_stored >= len(figures.acknowledged)


def test_a_burst_of_mixed_load_has_no_server_error(supervised: Supervised) -> None:
    figures = load_run(supervised.url, supervised.tokens, supervised.bodies, connections=16, seconds=6.0, submitters=2)
    print(figures.summary())
    assert not [status for status in figures.statuses if status >= 500], (figures.statuses, figures.errors[:5])
    assert not figures.errors, figures.errors[:10]
    assert figures.statuses[200] > 50 and figures.acknowledged
    check_stored(supervised.url, figures.acknowledged)


def test_a_data_directory_that_cannot_grow_refuses_submissions_with_503_and_keeps_reads(
    supervised: Supervised,
) -> None:
    """RLIMIT_FSIZE of 1 byte on the running server: every write that would grow a file fails with EFBIG, as on
    a full disk (root ignores permission bits, so chmod cannot simulate an unwritable directory here)."""
    url = supervised.url
    organisation = next(iter(supervised.tokens))
    process = supervised.supervisor.server.process
    assert process is not None
    with httpx.Client(timeout=60.0) as client:
        listed_before = client.get(f"{url}/reports").json()["reports"]
        assert client.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        # Only the soft limit: raising a hard limit again needs CAP_SYS_RESOURCE, which containers often lack.
        _, hard = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, hard))
        try:
            for _ in range(3):
                response = submit(client, url, supervised.tokens[organisation], supervised.bodies[organisation])
                refused(response, 503, "store")
                assert response.headers["Retry-After"]
            response = client.put(
                f"{url}/store",
                params={"graph": "https://example.org/graph/full"},
                content=b'<https://e/a> <https://e/b> "1" .',
                headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            refused(response, 503)
            reads = [
                client.get(f"{url}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}),
                client.get(f"{url}/queries/list_targets", params={"year": "2025"}),
                client.get(f"{url}/reports"),
            ]
            assert [read.status_code for read in reads] == [200, 200, 200], [read.text[:300] for read in reads]
            assert reads[2].json()["reports"] == listed_before
        finally:
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (hard, hard))
    # The engine may keep refusing writes after an I/O error until it is reopened: a restart on the same data
    # directory (what the supervisor does after a crash) must find everything stored before, undamaged.
    supervised.supervisor.kill()
    supervised.supervisor.server.wait_ready()
    with httpx.Client(timeout=60.0) as client:
        assert client.get(f"{url}/reports").json()["reports"] == listed_before
        response = submit(client, url, supervised.tokens[organisation], supervised.bodies[organisation])
        assert response.status_code == 201, response.text[:500]


def test_a_remote_store_that_stops_gives_503_then_recovers_without_restarting_ipgraph(
    tmp_path: Path, running_service: Any
) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    oxigraph = start_oxigraph(tmp_path / "oxigraph", port)
    try:
        store = RemoteStore(f"{endpoint}/query", f"{endpoint}/update", f"{endpoint}/store", query_timeout=5.0)
        settings = Settings(
            data_dir=tmp_path / "data",
            store_mode="remote",
            remote_query_url=f"{endpoint}/query",
            remote_update_url=f"{endpoint}/update",
            remote_store_url=f"{endpoint}/store",
            admin_token=ADMIN_TOKEN,
        )
        url = running_service(settings, store)
        write = {"Content-Type": "application/n-triples", "Authorization": f"Bearer {ADMIN_TOKEN}"}
        query = {"query": "SELECT ?o { GRAPH <https://example.org/g> { ?s ?p ?o } }"}
        accept = {"Accept": "application/sparql-results+json"}
        with httpx.Client(timeout=30.0) as client:
            first = client.put(
                f"{url}/store",
                params={"graph": "https://example.org/g"},
                content=b'<https://e/a> <https://e/b> "before" .',
                headers=write,
            )
            assert first.status_code == 201, first.text
            oxigraph.kill()
            oxigraph.wait()
            refused(client.get(f"{url}/sparql", params=query, headers=accept), 503, "cannot be reached")
            refused(
                client.post(
                    f"{url}/store",
                    params={"graph": "https://example.org/g"},
                    content=b'<https://e/a> <https://e/b> "during" .',
                    headers=write,
                ),
                503,
            )
            refused(client.get(f"{url}/queries/list_targets", params={"year": "2025"}, headers=accept), 503)
            oxigraph = start_oxigraph(tmp_path / "oxigraph", port)
            deadline = time.monotonic() + 30
            while (answer := client.get(f"{url}/sparql", params=query, headers=accept)).status_code != 200:
                assert time.monotonic() < deadline, answer.text
                time.sleep(0.1)
            assert [row["o"]["value"] for row in answer.json()["results"]["bindings"]] == ["before"]
            again = client.post(
                f"{url}/store",
                params={"graph": "https://example.org/g"},
                content=b'<https://e/a> <https://e/b> "after" .',
                headers=write,
            )
            assert again.status_code == 204, again.text
    finally:
        oxigraph.kill()
        oxigraph.wait()
