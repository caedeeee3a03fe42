"""Three real ``ipgraph serve`` replicas (subprocesses, remote mode) on one real ``oxigraph serve``: what one replica
accepts or revokes, the others see on their next request, and concurrent submissions through all of them get
every number once, 1..n without gaps (docs/operations.md, "Replicas")."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cli_runner import IPGRAPH, clean_environment
from report_factory import report_turtle, reporting_organisations
from servers import OxigraphServer, free_port, run_oxigraph, wait_until_answering

from ipgraph.reports.storage import ReportArchive
from ipgraph.reports.token_graph import TokenGraph
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.store.loading import MANIFEST_NAME
from ipgraph.store.remote import RemoteStore

REPLICAS = 3
TURTLE = {"Content-Type": "text/turtle"}
YEAR = 2027


@dataclass(frozen=True)
class Replica:
    url: str
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Cluster:
    server: OxigraphServer
    replicas: tuple[Replica, ...]

    def store(self) -> RemoteStore:
        """The shared store as an administrator's tools reach it (``ipgraph tokens`` in remote mode)."""
        server = self.server
        return RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=30.0, stamp_writes=True)

    def tokens(self) -> TokenRegistry:
        return TokenRegistry(TokenGraph(self.store()))


def start_replica(directory: Path, server: OxigraphServer) -> Replica:
    port = free_port()
    environment = clean_environment(
        IPGRAPH_STORE_MODE="remote",
        IPGRAPH_REMOTE_QUERY_URL=server.query_url,
        IPGRAPH_REMOTE_UPDATE_URL=server.update_url,
        IPGRAPH_REMOTE_STORE_URL=server.store_url,
        IPGRAPH_DATA_DIR=str(directory),
        IPGRAPH_PORT=str(port),
        IPGRAPH_QUERY_WORKERS="1",
        IPGRAPH_MAX_CONCURRENT_VALIDATIONS="2",
    )
    log = (directory.parent / f"{directory.name}.log").open("wb")
    process = subprocess.Popen([str(IPGRAPH), "serve"], stdout=subprocess.DEVNULL, stderr=log, env=environment)
    log.close()
    return Replica(f"http://127.0.0.1:{port}", process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("replicas")
    with run_oxigraph(directory / "oxigraph") as server:
        replicas: list[Replica] = []
        try:
            first = start_replica(directory / "replica-0", server)
            replicas.append(first)
            wait_until_answering(f"{first.url}/sparql?query=ASK%7B%7D", first.process)  # loads the project
            for number in range(1, REPLICAS):
                # Same release: the first replica's manifest spares the others reloading identical graphs.
                (directory / f"replica-{number}").mkdir()
                shutil.copy(directory / "replica-0" / MANIFEST_NAME, directory / f"replica-{number}" / MANIFEST_NAME)
                replicas.append(start_replica(directory / f"replica-{number}", server))
            for replica in replicas[1:]:
                wait_until_answering(f"{replica.url}/sparql?query=ASK%7B%7D", replica.process)
            yield Cluster(server, tuple(replicas))
        finally:
            for replica in replicas:
                replica.process.terminate()
            for replica in replicas:
                try:
                    replica.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    replica.process.kill()
                    replica.process.wait()


def submit(url: str, token: str, body: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=120.0) as client:
        return client.post("/reports", content=body, headers={**TURTLE, "Authorization": f"Bearer {token}"})


def test_concurrent_submissions_through_every_replica_get_each_number_once(cluster: Cluster) -> None:
    organisations = reporting_organisations()[:3]
    registry = cluster.tokens()
    tokens = {organisation: registry.issue(organisation).token for organisation in organisations}
    # Six resubmissions of one report (two per replica) and one report of each other organisation.
    jobs = [(cluster.replicas[index % REPLICAS].url, organisations[0]) for index in range(6)]
    jobs += [(cluster.replicas[index % REPLICAS].url, organisation) for index, organisation in enumerate(organisations)]
    start = threading.Barrier(len(jobs))

    def send(job: tuple[str, object]) -> httpx.Response:
        url, organisation = job
        body = report_turtle(organisation, YEAR)  # type: ignore[arg-type]
        start.wait()
        return submit(url, tokens[organisation], body)  # type: ignore[index]

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(send, jobs))
    assert [answer.status_code for answer in answers] == [201] * len(jobs), [answer.text for answer in answers]
    acknowledged = [answer.json() for answer in answers]
    archive = ReportArchive(cluster.store())
    for organisation in organisations:
        versions = archive.versions(organisation, YEAR)
        mine = sorted(item["version"] for item in acknowledged if item["organisation"] == str(organisation))
        assert [item.version for item in versions] == mine == list(range(1, len(mine) + 1))
        assert [item.current for item in versions] == [False] * (len(mine) - 1) + [True]
    graphs = [item["graph"] for item in acknowledged]
    assert len(set(graphs)) == len(graphs)
    store = cluster.store()
    resubmitted = [item["graph"] for item in acknowledged if item["organisation"] == str(organisations[0])]
    # The same upload each time: a graph written twice would hold a second copy of its blank nodes.
    assert len({store.triple_count(graph) for graph in resubmitted}) == 1  # type: ignore[arg-type]


def test_a_token_revoked_through_one_replica_is_refused_by_the_others_on_the_next_request(cluster: Cluster) -> None:
    organisation = reporting_organisations()[3]
    issued = cluster.tokens().issue(organisation)
    body = report_turtle(organisation, YEAR)
    assert submit(cluster.replicas[1].url, issued.token, body).status_code == 201
    cluster.tokens().revoke(issued.token_id)  # as ``ipgraph tokens revoke`` does in remote mode
    for replica in cluster.replicas:
        refused = submit(replica.url, issued.token, body)
        assert refused.status_code == 401, refused.text


def progress_of(url: str, year: int) -> float | None:
    """Target II.2.1.b's figure for ``year`` (the year's total of new IP applications) on one replica's /progress."""
    with httpx.Client(base_url=url, timeout=120.0) as client:
        answer = client.get("/progress")
    assert answer.status_code == 200, answer.text
    target = next(item for item in answer.json()["targets"] if item["reference"] == "II.2.1.b")
    figures = [figure["value"] for figure in target["years"] if figure["year"] == year]
    return float(figures[0]) if figures else None


def test_a_report_accepted_by_one_replica_is_in_the_next_progress_answer_of_another(cluster: Cluster) -> None:
    organisation = reporting_organisations()[4]
    token = cluster.tokens().issue(organisation).token
    year = 2024  # within the target's period (2021-2025)
    before = [progress_of(replica.url, year) for replica in cluster.replicas]  # each replica computes and keeps it
    accepted = submit(cluster.replicas[0].url, token, report_turtle(organisation, year, applications=4321))
    assert accepted.status_code == 201
    after = [progress_of(replica.url, year) for replica in cluster.replicas]
    for earlier, now in zip(before, after, strict=True):
        assert now == (earlier or 0.0) + 4321.0
