"""The kill run and the load run, shared by the short versions in the default suite and the long ones of
``make prove`` (tests/security/long/): each returns its figures, the tests assert on them and print them.

Kill run: submitters send conforming reports to ``POST /reports`` while the server process is SIGKILLed at random
moments (seeded) and its supervisor starts it again on the same data directory. Afterwards every acknowledged
(201) version must be in the store with its content hash, every version graph must be whole, and the registry
and the version graphs must match one to one.

Load run: many connections (async httpx) send a mix of SPARQL queries, canned queries and report submissions for
a fixed time; no answer may be a 5xx, and every acknowledged submission must be readable afterwards.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rdflib import URIRef
from server_process import ServerProcess, Supervisor, free_port, issue_tokens, report_factory

#: Years of the plan's period (to 2030) whose reporting deadline (15 October) is not past yet.
YEARS = (2027, 2028, 2029, 2030)
SUBMIT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Acknowledged:
    """What a 201 promised: this version of this organisation's report for this year, with this content hash."""

    organisation: str
    year: int
    version: int
    graph: str
    content_hash: str


@dataclass
class KillFigures:
    """What a kill run did and found."""

    kills: int = 0
    restarts: int = 0
    acknowledged: list[Acknowledged] = field(default_factory=list)
    attempts: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    versions_stored: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.kills} SIGKILLs, {self.restarts} restarts by the supervisor, {self.attempts} submissions sent, "
            f"{len(self.acknowledged)} acknowledged (201), {self.versions_stored} versions stored, "
            f"refused or cut off: {dict(self.failures)}, {self.seconds:.0f} s"
        )


@dataclass
class Supervised:
    """A supervised ipgraph process with submission tokens and one conforming report body per organisation."""

    supervisor: Supervisor
    tokens: dict[URIRef, str]
    bodies: dict[URIRef, str]

    @property
    def url(self) -> str:
        return self.supervisor.server.url


@contextmanager
def supervised_server(
    data_dir: Path, organisations: int, environment: Mapping[str, str] | None = None
) -> Iterator[Supervised]:
    """ipgraph under a supervisor on ``data_dir``, with tokens for the first ``organisations`` reporting ones."""
    factory = report_factory()
    chosen = factory.reporting_organisations()[:organisations]
    data_dir.mkdir()
    tokens = issue_tokens(data_dir, chosen)
    bodies = {
        organisation: factory.report_turtle(organisation, YEARS[number % len(YEARS)], applications=10 + number)
        for number, organisation in enumerate(chosen)
    }
    supervisor = Supervisor(ServerProcess(data_dir, free_port(), dict(environment or {})))
    supervisor.start()
    try:
        supervisor.server.wait_ready()
        yield Supervised(supervisor, tokens, bodies)
    finally:
        supervisor.stop()


def submit(client: httpx.Client, url: str, token: str, body: str) -> httpx.Response:
    return client.post(
        f"{url}/reports",
        content=body.encode("utf-8"),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}", "Accept": "application/json"},
    )


def acknowledged_from(response: httpx.Response) -> Acknowledged:
    receipt = response.json()
    return Acknowledged(
        receipt["organisation"], receipt["year"], receipt["version"], receipt["graph"], receipt["content_hash"]["value"]
    )


def kill_run(
    supervisor: Supervisor,
    tokens: dict[URIRef, str],
    bodies: dict[URIRef, str],
    *,
    kills: int,
    seed: int = 160,
    pause: tuple[float, float] = (0.3, 2.5),
) -> KillFigures:
    """SIGKILL the supervised server ``kills`` times at seeded random moments while every organisation submits."""
    figures = KillFigures()
    started = time.monotonic()
    stop = threading.Event()
    lock = threading.Condition()  # notified at each acknowledgement

    def submitter(organisation: URIRef) -> None:
        with httpx.Client(timeout=SUBMIT_TIMEOUT) as client:
            while not stop.is_set():
                with lock:
                    figures.attempts += 1
                try:
                    response = submit(client, supervisor.server.url, tokens[organisation], bodies[organisation])
                except httpx.TransportError as error:
                    with lock:
                        figures.failures[type(error).__name__] += 1
                    time.sleep(0.1)
                    continue
                with lock:
                    if response.status_code == 201:
                        figures.acknowledged.append(acknowledged_from(response))
                        lock.notify_all()
                    else:
                        figures.failures[str(response.status_code)] += 1
                        assert response.status_code == 503, (response.status_code, response.text[:500])

    threads = [threading.Thread(target=submitter, args=(organisation,), daemon=True) for organisation in tokens]
    for thread in threads:
        thread.start()
    chooser = random.Random(seed)  # noqa: S311 - reproducible kill moments, not a secret
    for _ in range(kills):
        supervisor.server.wait_ready()
        time.sleep(chooser.uniform(*pause))  # the seeded kill moment: the fault injected, not a wait
        supervisor.kill()
        figures.kills += 1
    supervisor.server.wait_ready()
    with lock:  # the restarted server must have acknowledged a submission before the run ends
        before = len(figures.acknowledged)
        if not lock.wait_for(lambda: len(figures.acknowledged) > before, SUBMIT_TIMEOUT):
            figures.failures["nothing acknowledged after the last restart"] += 1
    stop.set()
    for thread in threads:
        thread.join(timeout=SUBMIT_TIMEOUT + 10)
    supervisor.server.wait_ready()
    figures.restarts = supervisor.restarts
    figures.seconds = time.monotonic() - started
    return figures


REGISTRY_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?graph (COUNT(?s) AS ?triples) WHERE {
  { GRAPH <https://w3id.org/ipgraph/graph/report-registry> { ?graph dcat:version ?version } }
  OPTIONAL { GRAPH ?graph { ?s ?p ?o } }
} GROUP BY ?graph
"""
VERSION_GRAPHS_QUERY = """
SELECT DISTINCT ?graph WHERE {
  GRAPH ?graph { ?s ?p ?o } FILTER(STRSTARTS(STR(?graph), "https://w3id.org/ipgraph/graph/reports/"))
}
"""


def check_stored(url: str, acknowledged: list[Acknowledged]) -> int:
    """Assert every acknowledged version is stored with its hash, and no version graph is partial or unregistered.

    Returns the number of versions stored. All versions of one organisation come from the same body, so whole
    graphs of one organisation have one size.
    """
    with httpx.Client(timeout=60.0) as client:
        listed = client.get(f"{url}/reports").json()["reports"]
        stored = {(item["organisation"], item["year"], item["version"]): item for item in listed}
        for ack in acknowledged:
            item = stored.get((ack.organisation, ack.year, ack.version))
            assert item is not None, f"acknowledged but lost: {ack}"
            assert item["content_hash"]["value"] == ack.content_hash and item["graph"] == ack.graph
        accept = {"Accept": "application/sparql-results+json"}
        rows = client.post(f"{url}/sparql", data={"query": REGISTRY_QUERY}, headers=accept).json()
        sizes = {row["graph"]["value"]: int(row["triples"]["value"]) for row in rows["results"]["bindings"]}
        graphs = client.post(f"{url}/sparql", data={"query": VERSION_GRAPHS_QUERY}, headers=accept).json()
        present = {row["graph"]["value"] for row in graphs["results"]["bindings"]}
    assert present == set(sizes), f"version graphs without a registry entry or the reverse: {present ^ set(sizes)}"
    by_organisation: dict[str, set[int]] = {}
    for item in listed:
        by_organisation.setdefault(item["organisation"], set()).add(sizes[item["graph"]])
    for organisation, counts in by_organisation.items():
        assert len(counts) == 1 and 0 not in counts, f"partial version graph of {organisation}: sizes {counts}"
    return len(listed)


@dataclass
class LoadFigures:
    """What a load run measured."""

    seconds: float
    connections: int
    statuses: Counter[int]
    latencies: dict[str, list[float]]
    acknowledged: list[Acknowledged]
    errors: list[str] = field(default_factory=list)
    retried: int = 0

    def percentile(self, kind: str, fraction: float) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(fraction * len(values)))]

    def summary(self) -> str:
        total = sum(len(values) for values in self.latencies.values())
        parts = [
            f"{self.connections} connections for {self.seconds:.0f} s: {total} requests "
            f"({total / self.seconds:.0f}/s), statuses {dict(sorted(self.statuses.items()))}"
        ]
        for kind, values in sorted(self.latencies.items()):
            parts.append(
                f"{kind}: n={len(values)} p50={statistics.median(values) * 1000:.0f} ms "
                f"p99={self.percentile(kind, 0.99) * 1000:.0f} ms max={max(values) * 1000:.0f} ms"
            )
        parts.append(
            f"acknowledged submissions: {len(self.acknowledged)}; failed requests: {len(self.errors)}; "
            f"GETs sent again after a kept-alive connection closed: {self.retried}"
        )
        return "\n".join(parts)


QUERIES = (
    (
        "sparql",
        "GET",
        "/sparql",
        {"query": "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 20"},
    ),
    ("sparql", "GET", "/sparql", {"query": "ASK { ?s a <https://w3id.org/ipgraph/def#Duty> }"}),
    ("canned", "GET", "/queries/list_targets", {"year": "2025"}),
    ("canned", "GET", "/queries/duties_of_agency", {"agency": "ipr:org-so-cong-thuong"}),
    ("sparql", "GET", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
)


async def _load(
    url: str, tokens: dict[URIRef, str], bodies: dict[URIRef, str], connections: int, seconds: float, submitters: int
) -> LoadFigures:
    statuses: Counter[int] = Counter()
    latencies: dict[str, list[float]] = {}
    acknowledged: list[Acknowledged] = []
    errors: list[str] = []
    retried: list[str] = []
    deadline = time.monotonic() + seconds
    organisations = list(tokens)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(base_url=url, timeout=SUBMIT_TIMEOUT, limits=limits) as client:

        async def querier(number: int) -> None:
            step = number
            while time.monotonic() < deadline:
                kind, _, path, params = QUERIES[step % len(QUERIES)]
                step += 1
                began = time.monotonic()
                headers = {"Accept": "application/sparql-results+json"}
                try:
                    response = await client.get(path, params=params, headers=headers)
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # A kept-alive connection the server closed as the request left (its idle timer ran out
                    # while this client was starved of CPU): like browsers and curl, send an idempotent GET
                    # once more on a new connection (RFC 9112 §9.3.1). Counted, and a second failure is an error.
                    retried.append(path)
                    try:
                        response = await client.get(path, params=params, headers=headers)
                    except httpx.TransportError as error:
                        errors.append(f"{path}: {type(error).__name__} after {time.monotonic() - began:.1f} s")
                        continue
                except httpx.TransportError as error:
                    errors.append(f"{path}: {type(error).__name__} after {time.monotonic() - began:.1f} s")
                    continue
                latencies.setdefault(kind, []).append(time.monotonic() - began)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append(f"{path}: {response.text[:300]}")

        async def submitter(number: int) -> None:
            organisation = organisations[number % len(organisations)]
            while time.monotonic() < deadline:
                began = time.monotonic()
                try:
                    response = await client.post(
                        "/reports",
                        content=bodies[organisation].encode("utf-8"),
                        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {tokens[organisation]}"},
                    )
                except httpx.TransportError as error:
                    errors.append(f"/reports: {type(error).__name__} after {time.monotonic() - began:.1f} s")
                    continue
                latencies.setdefault("submit", []).append(time.monotonic() - began)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append(f"/reports: {response.text[:300]}")
                if response.status_code == 201:
                    acknowledged.append(acknowledged_from(response))

        started = time.monotonic()
        await asyncio.gather(
            *(submitter(number) for number in range(submitters)),
            *(querier(number) for number in range(connections - submitters)),
        )
        elapsed = time.monotonic() - started
    return LoadFigures(elapsed, connections, statuses, latencies, acknowledged, errors, len(retried))


def load_run(
    url: str,
    tokens: dict[URIRef, str],
    bodies: dict[URIRef, str],
    *,
    connections: int,
    seconds: float,
    submitters: int,
) -> LoadFigures:
    """``connections`` concurrent clients for ``seconds``: ``submitters`` of them submit reports, the rest query."""
    return asyncio.run(_load(url, tokens, bodies, connections, seconds, submitters))
