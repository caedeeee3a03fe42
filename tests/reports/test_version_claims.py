"""Version numbers claimed at the store: many writers of one real ``oxigraph serve`` (which evaluates a conditional
update on a snapshot, so two requests sent at once can both find a number free) still store every version once,
numbered 1..n without gaps; a claim left by a dead process is withdrawn after its lease."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF
from servers import VirtuosoServer, remote_on_virtuoso

from ipgraph.errors import StoreUnavailableError
from ipgraph.reports.storage import REGISTRY_GRAPH, ReportArchive, ReportKey, StoredVersion
from ipgraph.reports.version_claims import CLAIM_LEASE, Claim, ClaimState, VersionClaims
from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore
from ipgraph.store.sparql_text import iri_text
from ipgraph.vocab import IPR

KEY = ReportKey(IPR["org-so-tai-chinh"], 2027)
WRITERS = 4
SUBMISSIONS_PER_WRITER = 4


def upload(number: int) -> Graph:
    """A small version graph that says which submission it came from, with a blank node as reports have."""
    graph = Graph()
    part = BNode()
    graph.add((URIRef("urn:x:report"), DCTERMS.description, Literal(f"submission {number}")))
    graph.add((URIRef("urn:x:report"), DCTERMS.hasPart, part))
    graph.add((part, RDF.value, Literal(number)))
    return graph


def store_one(store: Store, number: int) -> StoredVersion:
    return ReportArchive(store).add_version(
        KEY,
        upload(number),
        submitted_at=dt.datetime(2027, 3, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=number),
        content_hash=f"{number:064d}",
        shapes_version="s" * 64,
    )


def check_versions(store: Store, acknowledged: list[StoredVersion]) -> None:
    """Every acknowledged version is stored once, alone in its graph; numbers run 1..n; only the last is current."""
    versions = ReportArchive(store).versions(KEY.organisation, KEY.year)
    assert [item.version for item in versions] == list(range(1, len(acknowledged) + 1))
    assert sorted(item.version for item in acknowledged) == [item.version for item in versions]
    assert [item.current for item in versions] == [False] * (len(versions) - 1) + [True]
    for item in versions[1:]:
        assert item.revision_of == KEY.graph(item.version - 1)
    for item in acknowledged:
        stored = store.read_graph(item.graph)
        assert len(stored) == 3
        assert Literal(f"submission {int(item.content_hash)}") in set(stored.objects())
    identifiers = store.select(
        f"SELECT ?g (COUNT(?id) AS ?n) WHERE {{ GRAPH {iri_text(str(REGISTRY_GRAPH))} "
        f"{{ ?g <{DCTERMS.identifier}> ?id }} }} GROUP BY ?g"
    )
    assert len(identifiers) == len(acknowledged)
    assert all(int(row["n"]) == 1 for row in identifiers)  # type: ignore[call-overload]


def test_writers_on_one_remote_server_get_every_number_once_without_gaps(remote_store: RemoteStore) -> None:
    # One store object per writer: each stands for a service process with its own locks and connections.
    writers = [
        RemoteStore(remote_store.query_url, remote_store.update_url, remote_store.store_url, query_timeout=30.0)
        for _ in range(WRITERS)
    ]
    numbers = itertools.count(1)
    jobs = [(writers[index % WRITERS], next(numbers)) for index in range(WRITERS * SUBMISSIONS_PER_WRITER)]
    start = threading.Barrier(len(jobs))

    def submit(job: tuple[RemoteStore, int]) -> StoredVersion:
        start.wait()  # all at once: the first claims race for version 1
        return store_one(*job)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        acknowledged = list(pool.map(submit, jobs))
    check_versions(remote_store, acknowledged)


def test_writers_on_one_virtuoso_get_every_number_once_without_gaps(virtuoso_server: VirtuosoServer) -> None:
    writers = [remote_on_virtuoso(virtuoso_server, query_timeout=30.0) for _ in range(WRITERS)]
    writers[0].update(UpdateRequest("DROP SILENT ALL"))
    with ThreadPoolExecutor(max_workers=WRITERS * 2) as pool:
        acknowledged = list(pool.map(lambda number: store_one(writers[number % WRITERS], number), range(1, 9)))
    check_versions(writers[0], acknowledged)


def test_the_embedded_store_takes_the_same_path(embedded_store: EmbeddedStore) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        acknowledged = list(pool.map(lambda number: store_one(embedded_store, number), range(1, 9)))
    check_versions(embedded_store, acknowledged)


class Clock:
    """A clock the test moves: the lease is measured by it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_claim_left_by_a_dead_process_is_withdrawn_after_its_lease_and_its_number_used(
    remote_store: RemoteStore,
) -> None:
    first = store_one(remote_store, 1)
    abandoned = Literal("urn:uuid:00000000-0000-4000-8000-000000000000")
    # What a process killed between its claim and its write leaves: an identifier on v2 and nothing else.
    remote_store.update(
        UpdateRequest(
            f"INSERT DATA {{ GRAPH {iri_text(str(REGISTRY_GRAPH))} "
            f"{{ {iri_text(str(KEY.graph(2)))} <{DCTERMS.identifier}> {abandoned.n3()} }} }}"
        )
    )
    clock = Clock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the back-off advances the test's clock instead of waiting
        waits.append(seconds)
        clock.now += seconds * 200

    claims = VersionClaims(remote_store, REGISTRY_GRAPH, clock=clock, sleep=sleep)
    archive = ReportArchive(remote_store)
    claim = claims.store_next(
        lambda: max(item.version for item in archive.versions(KEY.organisation, KEY.year)),
        KEY.graph,
        lambda claim: (upload(2), Graph().add((KEY.graph(2), FOAF.primaryTopic, KEY.report(2)))),
    )
    assert claim.version == 2
    assert waits and clock.now >= CLAIM_LEASE  # it waited for the lease before taking the number over
    assert claims.state(KEY.graph(2)).identifiers == {claim.identifier}
    assert claims.state(first.graph).identifiers != {abandoned}


def test_a_claim_is_only_made_after_a_complete_previous_version(remote_store: RemoteStore) -> None:
    claims = VersionClaims(remote_store, REGISTRY_GRAPH)
    claims._claim(KEY.graph(2), KEY.graph(1), Literal("urn:uuid:1"))  # v1 does not exist
    assert claims.state(KEY.graph(2)).identifiers == frozenset()


class RacingClaims(EmbeddedStore):
    """A real store where another process's claim lands together with the first claim of v1, as two conditional
    updates evaluated on the same snapshot of ``oxigraph serve`` leave them."""

    rival = Literal("urn:uuid:11111111-1111-4111-8111-111111111111")
    raced = False

    def update(self, request: UpdateRequest) -> None:
        super().update(request)
        if not self.raced and str(DCTERMS.identifier) in request.update and request.update.startswith("INSERT"):
            self.raced = True
            super().update(
                UpdateRequest(
                    f"INSERT DATA {{ GRAPH {iri_text(str(REGISTRY_GRAPH))} "
                    f"{{ {iri_text(str(KEY.graph(1)))} <{DCTERMS.identifier}> {self.rival.n3()} }} }}"
                )
            )


def test_two_claims_seen_together_are_both_withdrawn_and_nothing_is_written_under_either(tmp_path: Path) -> None:
    store = RacingClaims(tmp_path / "store", workers=1)
    clock = Clock()
    try:
        claims = VersionClaims(store, REGISTRY_GRAPH, clock=clock, sleep=lambda seconds: None)
        written: list[int] = []

        def changes(claim: Claim) -> tuple[Graph, Graph]:
            written.append(claim.version)
            return upload(1), Graph().add((KEY.graph(1), FOAF.primaryTopic, KEY.report(1)))

        def advance() -> int:
            clock.now += CLAIM_LEASE / 4  # each attempt finds the rival's claim a little older
            return 0

        claim = claims.store_next(advance, KEY.graph, changes)
        assert written == [1]  # written once, only after the rival's stale claim was withdrawn
        assert claims.state(KEY.graph(1)) == ClaimState(frozenset({claim.identifier}), complete=True)
        assert len(store.read_graph(KEY.graph(1))) == 3
    finally:
        store.close()


class AppliedButUnanswered(EmbeddedStore):
    """A real store whose first version write is applied but answered with an error, as a request that timed out
    after the server committed it."""

    failed = False

    def update(self, request: UpdateRequest) -> None:
        super().update(request)
        if not self.failed and f"GRAPH {iri_text(str(KEY.graph(1)))}" in request.update:
            self.failed = True
            raise StoreUnavailableError(f"{KEY.graph(1)} did not answer in time")


def test_a_write_applied_but_unanswered_keeps_its_version_whole_and_the_next_submission_takes_the_next_number(
    tmp_path: Path,
) -> None:
    store = AppliedButUnanswered(tmp_path / "store", workers=1)
    try:
        with pytest.raises(StoreUnavailableError):
            store_one(store, 1)  # the sender gets a 503 and no receipt: it will send the report again
        again = store_one(store, 2)
        assert again.version == 2
        versions = ReportArchive(store).versions(KEY.organisation, KEY.year)
        assert [item.version for item in versions] == [1, 2]
        claims = VersionClaims(store, REGISTRY_GRAPH)
        assert len(claims.state(KEY.graph(1)).identifiers) == 1  # the stored version keeps its identifier
    finally:
        store.close()
