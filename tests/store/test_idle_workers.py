"""The line of callers waiting for a worker (``ipgraph.store.idle_workers``): one owner per worker, first come first
served across threads and event loops, and nobody left waiting or holding a worker after they give up."""

from __future__ import annotations

import asyncio
import threading

import pytest
import uvloop

from ipgraph.store.idle_workers import IdleWorkers, NoWorkerError

LOOP_FACTORIES = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


def _until(condition: object) -> None:
    """Spin (no sleep) until ``condition()`` holds: the waiter under test has joined the line."""
    assert callable(condition)
    event = threading.Event()
    while not condition():
        event.wait(0.001)


def test_an_idle_worker_is_taken_last_in_first_out() -> None:
    workers: IdleWorkers[str] = IdleWorkers()
    workers.give("a")
    workers.give("b")
    assert workers.take_nowait() == "b"
    assert workers.take(timeout=0) == "a"
    assert workers.take_nowait() is None


@pytest.mark.parametrize("loop_kind", sorted(LOOP_FACTORIES))
def test_waiters_on_threads_and_loops_are_served_in_arrival_order(loop_kind: str) -> None:
    workers: IdleWorkers[str] = IdleWorkers()
    served: list[tuple[str, str]] = []

    def on_thread() -> None:
        served.append(("thread", workers.take(timeout=30)))

    async def on_loop() -> None:
        thread = threading.Thread(target=on_thread)
        thread.start()
        _until(lambda: workers.waiting_count() == 1)
        first = asyncio.create_task(workers.take_async(timeout=30))
        second = asyncio.create_task(workers.take_async(timeout=30))
        while workers.waiting_count() < 3:
            await asyncio.sleep(0)
        assert workers.take_nowait() is None  # nobody overtakes the line
        for name in ("w1", "w2", "w3"):
            workers.give(name)
        served.append(("loop 1", await first))
        served.append(("loop 2", await second))
        thread.join()

    with asyncio.Runner(loop_factory=LOOP_FACTORIES[loop_kind]) as runner:
        runner.run(on_loop())
    assert sorted(served) == [("loop 1", "w2"), ("loop 2", "w3"), ("thread", "w1")]
    assert workers.idle_count() == 0


def test_a_waiter_whose_deadline_passes_leaves_the_line() -> None:
    workers: IdleWorkers[str] = IdleWorkers()

    async def wait_briefly() -> None:
        with pytest.raises(NoWorkerError, match="in time"):
            await workers.take_async(timeout=0.05)

    asyncio.run(wait_briefly())
    with pytest.raises(NoWorkerError, match="in time"):
        workers.take(timeout=0.05)
    assert workers.waiting_count() == 0
    workers.give("w")
    assert workers.idle_count() == 1  # the worker was not handed to a caller who had left


def test_a_cancelled_waiter_gives_back_the_worker_it_was_given() -> None:
    workers: IdleWorkers[str] = IdleWorkers()

    async def cancel_after_assignment() -> None:
        waiting = asyncio.create_task(workers.take_async(timeout=30))
        while workers.waiting_count() == 0:
            await asyncio.sleep(0)
        workers.give("w")  # assigned to the waiter; its wake-up is still queued on the loop
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(cancel_after_assignment())
    assert workers.take_nowait() == "w"


def test_a_cancelled_waiter_without_a_worker_just_leaves() -> None:
    workers: IdleWorkers[str] = IdleWorkers()

    async def cancel_in_line() -> None:
        waiting = asyncio.create_task(workers.take_async(timeout=30))
        while workers.waiting_count() == 0:
            await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(cancel_in_line())
    assert workers.waiting_count() == 0
    workers.give("w")
    assert workers.take_nowait() == "w"


def test_a_waiter_on_a_closed_loop_is_skipped() -> None:
    workers: IdleWorkers[str] = IdleWorkers()
    loop = asyncio.new_event_loop()
    abandoned = loop.create_task(workers.take_async(timeout=None))
    loop.run_until_complete(asyncio.sleep(0))  # the task joins the line, then its loop is closed under it
    assert workers.waiting_count() == 1
    loop.close()
    workers.give("w")
    assert workers.take_nowait() == "w"
    assert not abandoned.done()
    abandoned._log_destroy_pending = False  # its loop is gone on purpose: no "destroyed but pending" warning


def test_closing_tells_every_waiter_at_once() -> None:
    workers: IdleWorkers[str] = IdleWorkers()
    errors: list[str] = []

    def on_thread() -> None:
        try:
            workers.take(timeout=None)
        except NoWorkerError as error:
            errors.append(str(error))

    async def close_while_waiting() -> None:
        thread = threading.Thread(target=on_thread)
        thread.start()
        _until(lambda: workers.waiting_count() == 1)
        waiting = asyncio.create_task(workers.take_async(timeout=None))
        while workers.waiting_count() < 2:
            await asyncio.sleep(0)
        assert workers.close() == []
        with pytest.raises(NoWorkerError, match="closed"):
            await waiting
        thread.join()

    asyncio.run(close_while_waiting())
    assert errors == ["the pool is closed"]
    with pytest.raises(NoWorkerError, match="closed"):
        workers.take(timeout=1)
    workers.give("late")
    assert workers.take_nowait() is None
