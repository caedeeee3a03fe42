"""The replica run of ``make prove``: replicas in remote mode on one ``oxigraph serve``, connections spread over
them, one replica SIGKILLed mid-burst; afterwards every acknowledged submission must be stored once, each report's
versions numbered 1..n without gaps, and the registry and the version graphs must match one to one.

A client here stands in for a reverse proxy: a request that could not connect (the killed replica) goes to the
next replica; a request cut off after it was sent is counted, not sent again (a proxy must not resend a POST).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fault_runs import QUERIES, YEARS, Acknowledged, acknowledged_from
from rdflib import URIRef
from server_process import ServerProcess, free_port, report_factory, start_oxigraph

from ipgraph.reports.token_graph import TokenGraph
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.store.loading import MANIFEST_NAME
from ipgraph.store.remote import RemoteStore

SUBMIT_TIMEOUT = 90.0  # a submission may wait out the claim lease of a killed replica


@dataclass
class ReplicaSet:
    """Replicas on one oxigraph server, tokens issued in the store, and one report body per organisation."""

    replicas: list[ServerProcess]
    tokens: dict[URIRef, str]
    bodies: dict[URIRef, str]

    @property
    def urls(self) -> list[str]:
        return [replica.url for replica in self.replicas]


@dataclass
class ReplicaFigures:
    """What a replica run measured."""

    replicas: int
    connections: int
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    requests: int = 0
    rerouted: int = 0
    cut_off: Counter[str] = field(default_factory=Counter)
    acknowledged: list[Acknowledged] = field(default_factory=list)
    killed_after: float = 0.0
    found: int = 0
    versions_stored: int = 0

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        return (
            f"{self.replicas} replicas, {self.connections} connections for {self.seconds:.0f} s, one replica SIGKILLed "
            f"after {self.killed_after:.0f} s: {self.requests} requests answered, statuses "
            f"{dict(sorted(self.statuses.items()))}, 5xx: {self.server_errors}; sent to another replica after a "
            f"refused connection: {self.rerouted}; cut off by the kill: {dict(self.cut_off)}\n"
            f"acknowledged submissions: {len(self.acknowledged)}, found after the kill: {self.found}; "
            f"versions stored: {self.versions_stored}"
        )


@contextmanager
def replica_set(directory: Path, count: int, organisations: int) -> Iterator[ReplicaSet]:
    """``count`` ipgraph processes in remote mode on one oxigraph server, with tokens kept in the store."""
    port = free_port()
    oxigraph = start_oxigraph(directory / "oxigraph", port)
    base = f"http://127.0.0.1:{port}"
    environment = {
        "IPGRAPH_STORE_MODE": "remote",
        "IPGRAPH_REMOTE_QUERY_URL": f"{base}/query",
        "IPGRAPH_REMOTE_UPDATE_URL": f"{base}/update",
        "IPGRAPH_REMOTE_STORE_URL": f"{base}/store",
        "IPGRAPH_QUERY_WORKERS": "1",
        "IPGRAPH_MAX_CONCURRENT_VALIDATIONS": "1",
    }
    replicas = [
        ServerProcess(directory / f"replica-{number}" / "data", free_port(), environment) for number in range(count)
    ]
    try:
        for replica in replicas:
            replica.data_dir.mkdir(parents=True)
        replicas[0].start()
        replicas[0].wait_ready()  # the first start loads the project into the store
        for replica in replicas[1:]:  # the same release: the others reuse what the first loaded
            shutil.copy(replicas[0].data_dir / MANIFEST_NAME, replica.data_dir / MANIFEST_NAME)
            replica.start()
        for replica in replicas[1:]:
            replica.wait_ready()
        store = RemoteStore(f"{base}/query", f"{base}/update", f"{base}/store", query_timeout=60.0, stamp_writes=True)
        registry = TokenRegistry(TokenGraph(store))
        factory = report_factory()
        chosen = factory.reporting_organisations()[:organisations]
        tokens = {organisation: registry.issue(organisation).token for organisation in chosen}
        bodies = {
            organisation: factory.report_turtle(organisation, YEARS[number % len(YEARS)], applications=10 + number)
            for number, organisation in enumerate(chosen)
        }
        yield ReplicaSet(replicas, tokens, bodies)
    finally:
        for replica in replicas:
            replica.stop()
        oxigraph.kill()
        oxigraph.wait()


async def _run(
    replicas: ReplicaSet, connections: int, seconds: float, submitters: int, kill_at: float
) -> ReplicaFigures:
    figures = ReplicaFigures(len(replicas.replicas), connections, seconds)
    organisations = list(replicas.tokens)
    urls = replicas.urls
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(timeout=SUBMIT_TIMEOUT, limits=limits) as client:

        async def send(number: int, method: str, path: str, **options: object) -> httpx.Response | None:
            """Send to this connection's replica; on a refused connection, to the next one, as a proxy would."""
            for step in range(len(urls)):
                url = urls[(number + step) % len(urls)]
                try:
                    return await client.request(method, url + path, **options)  # type: ignore[arg-type]
                except httpx.ConnectError:
                    figures.rerouted += 1
                except httpx.TransportError as error:
                    figures.cut_off[f"{method} {type(error).__name__}"] += 1
                    return None
            return None

        async def querier(number: int) -> None:
            step = number
            while time.monotonic() < deadline:
                _, method, path, params = QUERIES[step % len(QUERIES)]
                step += 1
                response = await send(
                    number, method, path, params=params, headers={"Accept": "application/sparql-results+json"}
                )
                if response is not None:
                    figures.requests += 1
                    figures.statuses[response.status_code] += 1

        async def submitter(number: int) -> None:
            organisation = organisations[number % len(organisations)]  # several connections per report series
            while time.monotonic() < deadline:
                response = await send(
                    number,
                    "POST",
                    "/reports",
                    content=replicas.bodies[organisation].encode("utf-8"),
                    headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {replicas.tokens[organisation]}"},
                )
                if response is None:
                    continue
                figures.requests += 1
                figures.statuses[response.status_code] += 1
                if response.status_code == 201:
                    figures.acknowledged.append(acknowledged_from(response))

        async def killer() -> None:
            await asyncio.sleep(kill_at)  # the fault's moment, mid-burst: not a wait for a condition
            replicas.replicas[0].kill()
            figures.killed_after = kill_at

        started = time.monotonic()
        await asyncio.gather(
            killer(),
            *(submitter(number) for number in range(submitters)),
            *(querier(number) for number in range(connections - submitters)),
        )
        figures.seconds = time.monotonic() - started
    return figures


def replica_run(
    replicas: ReplicaSet, *, connections: int, seconds: float, submitters: int, kill_at: float
) -> ReplicaFigures:
    """Spread ``connections`` over the replicas for ``seconds`` (``submitters`` of them submit reports, the others
    query) and SIGKILL the first replica ``kill_at`` seconds in."""
    return asyncio.run(_run(replicas, connections, seconds, submitters, kill_at))


def check_versions_gapless(url: str) -> int:
    """Assert each report's versions are numbered 1..n, through the registry a surviving replica lists."""
    with httpx.Client(timeout=60.0) as client:
        listed = client.get(f"{url}/reports").json()["reports"]
    series: dict[tuple[str, int], list[int]] = {}
    for item in listed:
        series.setdefault((item["organisation"], item["year"]), []).append(item["version"])
    for key, versions in series.items():
        assert sorted(versions) == list(range(1, len(versions) + 1)), f"{key}: versions {sorted(versions)}"
    return len(listed)
