"""An acknowledged report is never lost, concurrent submissions are each stored once, failures store nothing.

The service runs as a real process (``ipgraph serve`` on a temporary data directory, in its own process
group with its query workers) and is killed with SIGKILL — no shutdown, no flush — right after a 201; a new
process on the same data directory must then answer with every acknowledged report.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import URIRef
from report_factory import report_turtle, reporting_organisations
from servers import PROJECT, free_port, wait_until_answering

from ipgraph.errors import StoreUnavailableError
from ipgraph.reports.storage import REGISTRY_GRAPH, ReportArchive, ReportKey
from ipgraph.reports.submission import ReportService
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.store.base import UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import GRAPH

#: The service, as operators start it.
IPGRAPH = str(Path(sys.executable).parent / "ipgraph")
ORGS = reporting_organisations()
PREFIXES = "PREFIX ipg: <https://w3id.org/ipgraph/def#>\n"
TURTLE = {"Content-Type": "text/turtle"}


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the server and its workers at once (the whole process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextmanager
def server_process(data_dir: Path, **settings: str) -> Iterator[ServerProcess]:
    port = free_port()
    temporary = data_dir.parent / f"tmp-{port}"  # what the SIGKILL leaves (the workers' forkserver directory)
    temporary.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temporary),
        "IPGRAPH_DATA_DIR": str(data_dir),
        "IPGRAPH_PROJECT_DIR": str(PROJECT),
        "IPGRAPH_PORT": str(port),
        "IPGRAPH_QUERY_WORKERS": "1",
        "IPGRAPH_VALIDATION_TIMEOUT": "300",
        **{f"IPGRAPH_{name.upper()}": value for name, value in settings.items()},
    }
    process = subprocess.Popen(
        [IPGRAPH, "serve", "--port", str(port), "--data-dir", str(data_dir)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_answering(f"{server.url}/reports", process)
        yield server
    finally:
        if process.poll() is None:
            server.kill()


def issue_tokens(data_dir: Path, organisations: list[URIRef]) -> dict[URIRef, str]:
    registry = TokenRegistry.for_data_dir(data_dir)
    return {organisation: registry.issue(organisation).token for organisation in organisations}


def submit(client: httpx.Client, token: str, body: str) -> httpx.Response:
    return client.post("/reports", content=body, headers={**TURTLE, "Authorization": f"Bearer {token}"})


def stored_reports(client: httpx.Client) -> list[tuple[str, str]]:
    """(version graph, organisation) of every report in the store, found by SPARQL."""
    query = PREFIXES + "SELECT ?g ?org WHERE { GRAPH ?g { ?r a ipg:AnnualReport ; ipg:reportingOrganization ?org } }"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    return sorted((row["g"]["value"], row["org"]["value"]) for row in rows)


def whole_store(client: httpx.Client) -> list[str]:
    """Every quad as text, sorted (blank node labels are the store's own, stable between queries)."""
    query = "SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "text/tab-separated-values"})
    assert answer.status_code == 200
    return sorted(answer.text.splitlines()[1:])


def test_a_report_acknowledged_just_before_sigkill_is_there_after_restart(tmp_path: Path) -> None:
    organisations = ORGS[:3]
    tokens = issue_tokens(tmp_path, organisations)
    acknowledged = []
    with server_process(tmp_path) as server, httpx.Client(base_url=server.url, timeout=300) as client:
        for organisation in organisations:
            response = submit(client, tokens[organisation], report_turtle(organisation, 2027))
            assert response.status_code == 201, response.text
            acknowledged.append(response.json())
        server.kill()  # right after the last 201: nothing had time to settle
    with server_process(tmp_path) as server, httpx.Client(base_url=server.url, timeout=300) as client:
        found = stored_reports(client)
        assert found == sorted((receipt["graph"], receipt["organisation"]) for receipt in acknowledged)
        for receipt in acknowledged:
            again = client.get(receipt["url"])
            assert again.status_code == 200
            assert again.json()["content_hash"] == receipt["content_hash"]


def test_twenty_organisations_at_the_same_moment_are_each_stored_once(tmp_path: Path) -> None:
    organisations = ORGS[:20]
    tokens = issue_tokens(tmp_path, organisations)
    start = threading.Barrier(len(organisations))
    with server_process(tmp_path, max_concurrent_validations="4", validation_timeout="300") as server:

        def send(organisation: URIRef) -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=600) as client:
                start.wait()
                return submit(client, tokens[organisation], report_turtle(organisation, 2028))

        with ThreadPoolExecutor(len(organisations)) as pool:
            responses = list(pool.map(send, organisations))
        assert [response.status_code for response in responses] == [201] * len(organisations), [
            response.text for response in responses if response.status_code != 201
        ]
        assert all(response.json()["version"] == 1 for response in responses)
        with httpx.Client(base_url=server.url, timeout=300) as client:
            found = stored_reports(client)
            listed = client.get("/reports").json()["reports"]
    assert sorted(organisation for _, organisation in found) == sorted(map(str, organisations))
    assert len({graph for graph, _ in found}) == len(organisations)
    assert sorted(item["organisation"] for item in listed) == sorted(map(str, organisations))


def test_concurrent_resubmissions_get_distinct_versions_and_one_current(tmp_path: Path) -> None:
    organisation = ORGS[0]
    tokens = issue_tokens(tmp_path, [organisation])
    start = threading.Barrier(6)
    with server_process(tmp_path) as server:

        def send(applications: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=600) as client:
                start.wait()
                body = report_turtle(organisation, 2029, applications=applications)
                return submit(client, tokens[organisation], body)

        with ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(send, range(100, 106)))
        assert all(response.status_code == 201 for response in responses), [response.text for response in responses]
        assert sorted(response.json()["version"] for response in responses) == [1, 2, 3, 4, 5, 6]
        with httpx.Client(base_url=server.url, timeout=300) as client:
            slug = responses[0].json()["url"].split("/")[2]
            versions = client.get("/reports", params={"organisation": slug, "year": 2029}).json()["reports"]
    assert [item["current"] for item in versions] == [False] * 5 + [True]
    assert [item["replaces"] for item in versions[1:]] == [item["graph"] for item in versions[:-1]]


def test_sigkill_during_a_burst_leaves_whole_versions_only(tmp_path: Path) -> None:
    organisations = ORGS[:8]
    tokens = issue_tokens(tmp_path, organisations)
    acknowledged: list[dict[str, object]] = []
    refused: list[str] = []
    lock = threading.Lock()
    with server_process(tmp_path) as server:
        first_ack = threading.Event()

        def send(organisation: URIRef) -> None:
            with httpx.Client(base_url=server.url, timeout=600) as client:
                for year in (2027, 2028, 2029):
                    try:
                        response = submit(client, tokens[organisation], report_turtle(organisation, year))
                    except httpx.TransportError:
                        return
                    if response.status_code != 201:
                        refused.append(response.text)
                        return
                    with lock:
                        acknowledged.append(response.json())
                    first_ack.set()

        threads = [threading.Thread(target=send, args=(organisation,)) for organisation in organisations]
        for thread in threads:
            thread.start()
        while not first_ack.is_set() and any(thread.is_alive() for thread in threads):
            first_ack.wait(0.05)
        assert first_ack.is_set(), refused
        server.kill()  # mid-burst: other submissions are being parsed, validated or written
        for thread in threads:
            thread.join()
    assert not refused
    with server_process(tmp_path) as server, httpx.Client(base_url=server.url, timeout=300) as client:
        found = {graph for graph, _ in stored_reports(client)}
        listed = {item["graph"] for item in client.get("/reports").json()["reports"]}
    assert {str(receipt["graph"]) for receipt in acknowledged} <= found
    assert found == listed  # every version graph has its registry entry and every entry its graph


def test_an_invalid_report_leaves_the_store_exactly_as_it_was(tmp_path: Path) -> None:
    organisation = ORGS[0]
    tokens = issue_tokens(tmp_path, [organisation])
    with server_process(tmp_path) as server, httpx.Client(base_url=server.url, timeout=300) as client:
        assert submit(client, tokens[organisation], report_turtle(organisation, 2027)).status_code == 201
        before = whole_store(client)
        refused = submit(client, tokens[organisation], report_turtle(organisation, 2028, applications=-3))
        assert refused.status_code == 422
        assert refused.json()["conforms"] is False
        assert whole_store(client) == before


# -- failures inside the store ----------------------------------------------------------------------------


class FailingWrites(EmbeddedStore):
    """A real store whose version writes fail, as when the disk fills or the server goes away mid-request: the
    claim of the number succeeds, the update carrying the version graph does not."""

    def update(self, request: UpdateRequest) -> None:
        if f"GRAPH <{GRAPH}reports/" in request.update:
            raise StoreUnavailableError("the store could not be written: No space left on device")
        super().update(request)


def test_a_store_failure_stores_nothing_and_the_next_submission_starts_at_version_one(tmp_path: Path) -> None:
    organisation = ORGS[0]
    body = report_turtle(organisation, 2027).encode("utf-8")
    failing = FailingWrites(tmp_path / "store", workers=1)
    try:
        service = ReportService(failing, project_dir=PROJECT, data_dir=tmp_path)
        with pytest.raises(StoreUnavailableError):
            service.submit(body, "text/turtle", organisation)
        assert failing.graph_names() == []
        service.close()
    finally:
        failing.close()
    store = EmbeddedStore(tmp_path / "store", workers=1)
    try:
        service = ReportService(store, project_dir=PROJECT, data_dir=tmp_path)
        receipt = service.submit(body, "text/turtle", organisation)
        assert receipt.stored.version == 1
        service.close()
    finally:
        store.close()


class RecordingUpdates(EmbeddedStore):
    """A real store that remembers the text of each update."""

    updates: list[str]

    def update(self, request: UpdateRequest) -> None:
        self.updates.append(request.update)
        super().update(request)


def test_a_version_and_its_registry_entry_reach_the_store_in_one_update(tmp_path: Path) -> None:
    organisation = ORGS[0]
    store = RecordingUpdates(tmp_path / "store", workers=1)
    store.updates = []
    try:
        service = ReportService(store, project_dir=PROJECT, data_dir=tmp_path)
        first = service.submit(report_turtle(organisation, 2027).encode("utf-8"), "text/turtle", organisation)
        second = service.submit(report_turtle(organisation, 2027).encode("utf-8"), "text/turtle", organisation)
        service.close()
        for receipt in (first, second):
            carrying = [text for text in store.updates if f"GRAPH <{receipt.stored.graph}>" in text]
            assert len(carrying) == 1
            assert f"GRAPH <{REGISTRY_GRAPH}>" in carrying[0]
        assert sorted(store.graph_names()) == sorted([first.stored.graph, second.stored.graph, REGISTRY_GRAPH])
        key = ReportKey(organisation, 2027)
        assert [item.version for item in ReportArchive(store).versions(key.organisation, key.year)] == [1, 2]
    finally:
        store.close()


def test_a_journal_that_cannot_be_written_does_not_unsay_a_stored_report(tmp_path: Path) -> None:
    organisation = ORGS[0]
    (tmp_path / "receipts.jsonl").mkdir()  # appending to it fails, as on a full or read-only disk
    store = EmbeddedStore(tmp_path / "store", workers=1)
    try:
        service = ReportService(store, project_dir=PROJECT, data_dir=tmp_path)
        receipt = service.submit(report_turtle(organisation, 2027).encode("utf-8"), "text/turtle", organisation)
        service.close()
        assert receipt.stored.graph in store.graph_names()
    finally:
        store.close()
