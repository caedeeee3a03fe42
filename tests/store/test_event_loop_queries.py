"""Protocol queries awaited on the event loop (``EmbeddedStore.execute_async``): the same answers, deadlines and
snapshots as on a thread, and no thread taken when the snapshot is current and a worker idle.

Each test runs on asyncio's own loop and on uvloop, which ``uvicorn[standard]`` serves with (libuv changes the
blocking mode of the descriptors it watches).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
import uvloop

from ipgraph.errors import QuerySyntaxError, QueryTimeoutError
from ipgraph.store.base import QueryRequest, UpdateRequest
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.worker import INLINE_REPLY_BYTES

from .test_deadline import CARTESIAN_COUNT, TEN_TRIPLES

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
T = TypeVar("T")


class NoThreads(ThreadPoolExecutor):
    """A default executor that refuses work: a coroutine that needs a thread fails under it."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        raise AssertionError(f"{fn!r} was sent to a thread")


LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "asyncio": asyncio.new_event_loop,
    "uvloop": uvloop.new_event_loop,
}


class OnLoop(Protocol):
    def __call__(self, make: Callable[[], Awaitable[T]], *, threads: bool = True) -> T: ...


@pytest.fixture(params=sorted(LOOPS))
def on_loop(request: pytest.FixtureRequest) -> OnLoop:
    """Runs a coroutine on a fresh event loop of one kind; with ``threads=False`` a hop to a thread fails."""
    factory = LOOPS[request.param]

    def run(make: Callable[[], Awaitable[T]], *, threads: bool = True) -> T:
        async def main() -> T:
            if not threads:
                asyncio.get_running_loop().set_default_executor(NoThreads())
            return await make()

        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(main())

    return run


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """One worker, ten triples, and a first query so that the snapshot is current and the worker started."""
    embedded = EmbeddedStore(tmp_path / "embedded", workers=1, query_timeout=10.0)
    embedded.update(UpdateRequest(TEN_TRIPLES))
    embedded.execute(QueryRequest(COUNT, JSON))
    yield embedded
    embedded.close()


def test_answer_on_the_loop_without_a_thread_matches_the_threaded_one(store: EmbeddedStore, on_loop: OnLoop) -> None:
    request = QueryRequest(COUNT, JSON)
    awaited = on_loop(lambda: store.execute_async(request), threads=False)
    assert awaited == store.execute(request)  # the same worker, now read from a thread
    assert b'"value":"10"' in awaited.body


def test_runaway_query_on_the_loop_is_stopped_and_the_store_answers_on(store: EmbeddedStore, on_loop: OnLoop) -> None:
    with pytest.raises(QueryTimeoutError, match="1 s"):
        on_loop(lambda: store.execute_async(QueryRequest(CARTESIAN_COUNT, JSON, timeout=1.0)))
    answer = on_loop(lambda: store.execute_async(QueryRequest("ASK { ?s ?p 9 }", JSON)))
    assert answer.answer is True


def test_cancelled_query_does_not_leave_its_answer_to_the_next_request(store: EmbeddedStore, on_loop: OnLoop) -> None:
    async def cancel_then_ask() -> bytes:
        runaway = asyncio.create_task(store.execute_async(QueryRequest(CARTESIAN_COUNT, JSON, timeout=60.0)))
        while _idle_workers(store) > 0:  # the task has taken the only worker once it has sent its query
            await asyncio.sleep(0)  # yields to the task; no time is waited on
        runaway.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runaway
        outcome = await store.execute_async(QueryRequest("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 1", JSON))
        return outcome.body

    body = on_loop(cancel_then_ask)
    assert b'"value":"0"' in body


def test_a_write_is_visible_to_the_next_query_on_the_loop(store: EmbeddedStore, on_loop: OnLoop) -> None:
    ask = QueryRequest("ASK { <http://example.org/s> <http://example.org/p> 10 }", JSON)
    assert on_loop(lambda: store.execute_async(ask)).answer is False
    store.update(UpdateRequest("INSERT DATA { <http://example.org/s> <http://example.org/p> 10 }"))
    assert on_loop(lambda: store.execute_async(ask)).answer is True
    assert on_loop(lambda: store.execute_async(ask), threads=False).answer is True
    # The worker moved to the new snapshot: the old one is gone.
    assert len(list((store.path / "snapshots").iterdir())) == 1


def test_large_answer_arrives_whole(store: EmbeddedStore, on_loop: OnLoop) -> None:
    long_text = "x" * 1000
    lines = "\n".join(f'<http://example.org/r{n}> <http://example.org/text> "{long_text} {n}" .' for n in range(400))
    store.update(UpdateRequest("INSERT DATA {\n" + lines + "\n}"))
    request = QueryRequest("SELECT ?r ?t WHERE { ?r <http://example.org/text> ?t } ORDER BY ?r", JSON)
    threaded = store.execute(request)
    assert len(threaded.body) > INLINE_REPLY_BYTES
    assert on_loop(lambda: store.execute_async(request)) == threaded


def test_syntax_error_on_the_loop_keeps_its_position(store: EmbeddedStore, on_loop: OnLoop) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        on_loop(lambda: store.execute_async(QueryRequest("SELECT ?s WHERE {\n  ?s ?p \n}", JSON)), threads=False)
    assert raised.value.line is not None


def test_requests_beyond_the_pool_wait_in_line_without_threads(store: EmbeddedStore, on_loop: OnLoop) -> None:
    async def many() -> list[bytes]:
        outcomes = await asyncio.gather(*(store.execute_async(QueryRequest(COUNT, JSON)) for _ in range(12)))
        return [outcome.body for outcome in outcomes]

    bodies = on_loop(many, threads=False)  # one worker, twelve requests: eleven wait, none on a thread
    assert len(bodies) == 12
    assert all(b'"value":"10"' in body for body in bodies)
    assert _idle_workers(store) == 1


def test_a_request_waiting_for_a_busy_worker_gets_its_deadline(store: EmbeddedStore, on_loop: OnLoop) -> None:
    async def wait_behind_a_runaway() -> bytes:
        runaway = asyncio.create_task(store.execute_async(QueryRequest(CARTESIAN_COUNT, JSON, timeout=60.0)))
        while _idle_workers(store) > 0:
            await asyncio.sleep(0)
        with pytest.raises(QueryTimeoutError, match=r"no query worker became free within 0\.5 s"):
            await store.execute_async(QueryRequest(COUNT, JSON, timeout=0.5))
        cancelled = asyncio.create_task(store.execute_async(QueryRequest(COUNT, JSON, timeout=60.0)))
        while store.pool._idle.waiting_count() == 0:
            await asyncio.sleep(0)
        cancelled.cancel()  # a client that leaves while in line
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        assert store.pool._idle.waiting_count() == 0
        runaway.cancel()  # its worker is stopped and replaced
        with pytest.raises(asyncio.CancelledError):
            await runaway
        outcome = await store.execute_async(QueryRequest(COUNT, JSON, timeout=60.0))
        return outcome.body

    assert b'"value":"10"' in on_loop(wait_behind_a_runaway)


def _idle_workers(store: EmbeddedStore) -> int:
    return store.pool._idle.idle_count()
