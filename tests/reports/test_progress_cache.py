"""/progress and /dashboard keep the computed progress until the store is written, and /progress revalidates.

A real uvicorn serves the app on a real on-disk store holding the project's graphs and report versions stored
by the report archive. Computations are counted by the store's progress cache (``cache_of(store)``), not timed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from project_graphs import load_project
from rdflib import Graph, Literal, URIRef

from ipgraph.progress import ProgressCache, TargetProgress, cache_of, progress_report
from ipgraph.progress.cache import REMOTE_MAX_AGE
from ipgraph.reports.storage import ReportArchive, ReportKey, StoredVersion
from ipgraph.settings import Settings
from ipgraph.store.base import GraphChange, Store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore
from ipgraph.vocab import GRAPH, IPR

ServiceStarter = Callable[..., str]

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "progress"
DOST_2023 = ReportKey(IPR["org-so-khoa-hoc-va-cong-nghe"], 2023)
STORED = {"content_hash": "a" * 64, "shapes_version": "b" * 64}


def submit(store: Store, version: int, fixture: str, previous: StoredVersion | None) -> StoredVersion:
    """Store a version of DOST's 2023 report through the report archive, as a submission does."""
    stored = ReportArchive(store).add_version(
        DOST_2023,
        Graph().parse(FIXTURES / fixture),
        submitted_at=dt.datetime(2023, 10, version, 9, tzinfo=dt.UTC),
        **STORED,
    )
    assert stored.version == version
    assert stored.revision_of == (previous.graph if previous is not None else None)
    return stored


def business_units(body: dict[str, object]) -> float | None:
    """Target II.2.1.a (3)'s latest running total in a /progress answer (the 2023 report decides it)."""
    targets = body["targets"]
    assert isinstance(targets, list)
    entry = next(target for target in targets if target["reference"] == "II.2.1.a.b3")
    latest = entry["latest"]
    return None if latest is None else float(latest["to_date"])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """The project's graphs and DOST's 2023 report version 1 (999 business units) in a fresh on-disk store."""
    store = EmbeddedStore(tmp_path / "store", workers=1)
    load_project(store)
    submit(store, 1, "dost-2023-v1.ttl", None)
    yield store
    store.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", project_dir=PROJECT)


def test_a_repeated_request_is_answered_without_computing_again(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)
    cache = cache_of(store)
    assert cache.computations == 0
    with httpx.Client(base_url=base, timeout=60.0) as client:
        first = client.get("/progress")
        assert first.status_code == 200
        assert cache.computations == 1
        second = client.get("/progress")
        assert cache.computations == 1
        assert second.content == first.content
        assert business_units(first.json()) == 999.0
        # The dashboard reads the same kept figures.
        page = client.get("/dashboard", headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert "999" in page.text
        assert cache.computations == 1
        # Another data source is another answer, computed once too.
        examples = client.get("/progress", params={"data": "examples"})
        assert examples.json()["data"] == "examples"
        client.get("/dashboard", params={"data": "examples"})
        assert cache.computations == 2


def test_a_stored_report_version_changes_the_answer_at_once(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)
    cache = cache_of(store)
    with httpx.Client(base_url=base, timeout=60.0) as client:
        assert business_units(client.get("/progress").json()) == 999.0
        assert cache.computations == 1
        first = ReportArchive(store).find(DOST_2023)
        submit(store, 2, "dost-2023-v2.ttl", first)  # version 2 replaces version 1's 999 with 110
        after = client.get("/progress").json()
        assert cache.computations == 2
        assert business_units(after) == 110.0
        assert "999" not in client.get("/dashboard", headers={"Accept-Language": "en"}).text
        assert cache.computations == 2
    # The answer is what a computation from scratch gives.
    fresh = {item.target.reference: item for item in progress_report(store)}
    latest = fresh["II.2.1.a.b3"].latest
    assert latest is not None
    assert latest.to_date == 110.0


def test_progress_answers_304_while_the_figures_are_unchanged(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)
    cache = cache_of(store)
    with httpx.Client(base_url=base, timeout=60.0) as client:
        first = client.get("/progress")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('W/"')
        assert first.headers["cache-control"] == "no-cache"
        again = client.get("/progress", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert client.get("/progress", headers={"If-Modified-Since": modified}).status_code == 304
        examples = client.get("/progress", params={"data": "examples"}, headers={"If-None-Match": etag})
        assert examples.status_code == 200
        assert examples.headers["etag"] != etag

        # A write that leaves the figures as they were: computed again, same validators, still 304.
        note = Graph()
        note.add((URIRef("urn:x:note"), URIRef("urn:x:says"), Literal("nothing about progress")))
        store.write([GraphChange(GRAPH["notes"], note)])
        unchanged = client.get("/progress", headers={"If-None-Match": etag})
        assert cache.computations == 3
        assert unchanged.status_code == 304
        assert unchanged.headers["last-modified"] == modified

        # A new report version changes the figures: a full answer with new validators.
        submit(store, 2, "dost-2023-v2.ttl", ReportArchive(store).find(DOST_2023))
        changed = client.get("/progress", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        assert business_units(changed.json()) == 110.0


def test_concurrent_first_requests_share_one_computation(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)

    def fetch(_: int) -> bytes:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            response = client.get("/progress")
            assert response.status_code == 200
            return response.content

    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = set(pool.map(fetch, range(6)))
    assert len(bodies) == 1
    assert cache_of(store).computations == 1


def test_the_remote_store_keeps_progress_until_written_and_no_longer_than_its_max_age(
    remote_store: RemoteStore, settings: Settings, running_service: ServiceStarter
) -> None:
    load_project(remote_store)
    submit(remote_store, 1, "dost-2023-v1.ttl", None)
    base = running_service(settings, remote_store)
    cache = cache_of(remote_store)
    assert cache.max_age == REMOTE_MAX_AGE
    with httpx.Client(base_url=base, timeout=60.0) as client:
        assert business_units(client.get("/progress").json()) == 999.0
        client.get("/progress")
        assert cache.computations == 1
        submit(remote_store, 2, "dost-2023-v2.ttl", ReportArchive(remote_store).find(DOST_2023))
        assert business_units(client.get("/progress").json()) == 110.0
        assert cache.computations == 2


def test_an_answer_past_its_max_age_is_computed_again(embedded_store: EmbeddedStore) -> None:
    computed: list[str] = []

    def compute(store: Store, source: str) -> Sequence[TargetProgress]:
        computed.append(source)
        return []

    always_stale = ProgressCache(compute, max_age=0.0)
    always_stale.get(embedded_store, "submissions")
    always_stale.get(embedded_store, "submissions")
    assert computed == ["submissions", "submissions"]
    kept = ProgressCache(compute)
    kept.get(embedded_store, "submissions")
    kept.get(embedded_store, "submissions")
    assert kept.computations == 1
