"""Query worker processes: the way a query on the embedded store really stops at its deadline.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside Rust (an aggregate over a
cartesian product blocks in one call), so queries with a deadline run in a small pool of worker processes.
Each worker opens an immutable snapshot of the store read-only; when a query passes its deadline the parent
kills that worker, starts a replacement, and raises :class:`QueryTimeoutError`. Other queries keep running
on the other workers.

Each worker also starts under :class:`WorkerLimits`: a memory ceiling (a query past it ends its worker, which is
replaced, and the caller gets :class:`QueryMemoryError`) and, unless the operator allowed some endpoints, a
network namespace of its own, so the engine cannot connect anywhere even if the guard let a fetch through.

:meth:`QueryPool.run_async` (the SPARQL endpoint's path) waits for an idle worker and then for its answer on the
event loop, so a request needs no thread while it waits or its worker works. A worker sends a reply of up to
:data:`INLINE_REPLY_BYTES` in one message (one write, one wake-up of the server), read on the loop; a longer one
as a mark, then the reply, which the server reads on a thread, so copying a large answer never holds up other
requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import pyoxigraph as ox

from ipgraph.errors import IpgraphError, QueryMemoryError, QueryTimeoutError, StoreUnavailableError
from ipgraph.store.evaluation import QueryTask, evaluate
from ipgraph.store.idle_workers import IdleWorkers, NoWorkerError
from ipgraph.store.processes import (
    WorkerLimits,
    WorkerStartError,
    apply_limits,
    describe_error,
    rebuild_error,
    start_worker,
    stop_worker,
)

LOGGER = logging.getLogger(__name__)

#: Exit signals of a worker that ran out of memory: the engine aborts when an allocation fails (SIGABRT), the
#: kernel's OOM killer sends SIGKILL.
_OUT_OF_MEMORY_EXITS = (-6, -9)
#: Replies up to this many bytes come in one message, read on the event loop by :meth:`QueryPool.run_async`.
INLINE_REPLY_BYTES = 256 * 1024
#: The first byte of a worker's message: the reply follows, or it comes in the next message.
_INLINE, _LARGE = b"i", b"l"


def _memory_error(limits: WorkerLimits) -> QueryMemoryError:
    """The error a caller gets when a query went past the ceiling."""
    return QueryMemoryError(
        f"the query needed more than {limits.memory_mb} MB of memory (IPGRAPH_QUERY_MEMORY_MB) and was stopped; "
        "narrow it or add a LIMIT"
    )


@dataclass(frozen=True)
class WorkerRequest:
    """A task and the snapshot directory (with its generation) it must be answered from."""

    task: QueryTask
    snapshot: str
    generation: int


def serve_queries(connection: Connection, limits: WorkerLimits | None = None) -> None:
    """A worker's loop: report ready, then answer requests until the parent closes the pipe or sends ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server process, which stops us
    connection.send(("ready", apply_limits(limits or WorkerLimits())))
    opened: tuple[int, ox.Store] | None = None
    while True:
        try:
            request: WorkerRequest | None = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            if opened is None or opened[0] != request.generation:
                opened = None  # release the old snapshot before opening the new one
                opened = (request.generation, ox.Store.read_only(request.snapshot))
            reply: tuple[str, Any] = ("ok", evaluate(opened[1], request.task))
        except IpgraphError as error:
            reply = ("error", describe_error(error))
        except MemoryError:  # past the ceiling on the Python side: say so, then end (the parent replaces us)
            _send_reply(connection, ("error", ("QueryMemoryError", "", None, None)))
            return
        except Exception as error:  # any failure must reach the parent, not kill the worker
            reply = ("error", ("StoreUnavailableError", f"query worker failed: {error!r}", None, None))
        _send_reply(connection, reply)


def _send_reply(connection: Connection, reply: tuple[str, Any]) -> None:
    """A short reply in one message; a long one announced first (the parent reads it on a thread)."""
    data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) <= INLINE_REPLY_BYTES:
        connection.send_bytes(_INLINE + data)
        return
    connection.send_bytes(_LARGE)
    connection.send_bytes(data)


def _inline_reply(connection: Connection) -> bytes | None:
    """Read a worker's first message: the reply when it came inline, ``None`` when it comes next."""
    message = connection.recv_bytes()
    return message[1:] if message[:1] == _INLINE else None


def _load_reply(data: bytes) -> tuple[str, Any]:
    reply: tuple[str, Any] = pickle.loads(data)  # noqa: S301 - written by our own worker, as Connection.recv does
    return reply


async def _readable(connection: Connection, timeout: float | None) -> bool:
    """Wait on the event loop until ``connection`` has something to read (data, or the end of a dead worker);
    ``False`` when ``timeout`` seconds passed first."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    descriptor = connection.fileno()

    def settle(readable: bool) -> None:
        if not ready.done():
            ready.set_result(readable)

    loop.add_reader(descriptor, settle, True)
    deadline = None if timeout is None else loop.call_later(timeout, settle, False)
    try:
        return await ready
    finally:
        if deadline is not None:
            deadline.cancel()
        loop.remove_reader(descriptor)
        # uvloop (libuv) leaves a watched descriptor non-blocking; Connection's reads expect a blocking one.
        os.set_blocking(descriptor, True)


def _timeout_error(timeout: float | None) -> QueryTimeoutError:
    return QueryTimeoutError(f"the query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT")


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    generation: int | None = None


class QueryPool:
    """A fixed number of worker processes; :meth:`run` answers a request or kills its worker at the deadline."""

    def __init__(self, size: int, limits: WorkerLimits | None = None) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.limits = limits or WorkerLimits()
        #: Why workers could not be cut off from the network (``None``: they are, or the network is allowed).
        self.isolation_failure: str | None = None
        self._context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the engine, so a replacement starts in
        # milliseconds; set here, not at import, because it is process-wide.
        self._context.set_forkserver_preload(["ipgraph.store.worker"])
        self._size = size
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._idle: IdleWorkers[_Worker] = IdleWorkers()
        self._closed = False
        for _ in range(size):
            self._idle.give(self._start())

    @property
    def size(self) -> int:
        """The number of workers the pool keeps."""
        return self._size

    def alive_count(self) -> int:
        """Workers alive right now (briefly below :attr:`size` while a killed one is replaced)."""
        with self._lock:
            return sum(1 for worker in self._workers if worker.process.is_alive())

    def generations_in_use(self) -> set[int]:
        """Snapshot generations some worker has open or is about to open; these must not be deleted."""
        with self._lock:
            return {worker.generation for worker in self._workers if worker.generation is not None}

    def run(self, task: QueryTask, snapshot: str, generation: int, timeout: float | None) -> Any:
        """Answer ``task`` from ``snapshot``; raise :class:`QueryTimeoutError` once ``timeout`` seconds pass."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            worker = self._idle.take(timeout)
        except NoWorkerError as error:
            raise self._no_worker(timeout, error) from None
        try:
            self._send(worker, task, snapshot, generation)
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not worker.connection.poll(remaining):
                self._replace(worker)
                raise _timeout_error(timeout)
            data = _inline_reply(worker.connection)
            status, payload = _load_reply(data if data is not None else worker.connection.recv_bytes())
        except (EOFError, OSError) as error:
            raise self._stopped(worker, error) from error
        return self._finish(worker, status, payload)

    async def run_async(self, task: QueryTask, snapshot: str, generation: int, timeout: float | None) -> Any:
        """:meth:`run` for the event loop: the request waits for a worker, and then for its answer, without holding
        a thread (a busy pool puts it in line with every other caller, :class:`IdleWorkers`)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        worker = self._idle.take_nowait()
        if worker is None:
            try:
                worker = await self._idle.take_async(timeout)
            except NoWorkerError as error:
                raise self._no_worker(timeout, error) from None
        try:
            self._send(worker, task, snapshot, generation)
            remaining = None if deadline is None else max(0.0, deadline - loop.time())
            if not await _readable(worker.connection, remaining):
                await asyncio.to_thread(self._replace, worker)
                raise _timeout_error(timeout)
            data = _inline_reply(worker.connection)
            if data is None:
                data = await asyncio.to_thread(worker.connection.recv_bytes)
            status, payload = _load_reply(data)
        except (EOFError, OSError) as error:
            raise await asyncio.to_thread(self._stopped, worker, error) from error
        except asyncio.CancelledError:
            # The caller went away while the worker works: its answer would be read by the next request, so the
            # worker goes (on a thread: ending a process may take a while).
            threading.Thread(target=self._replace, args=(worker,), name="ipgraph-query-stop", daemon=True).start()
            raise
        if status == "error" and payload[0] == "QueryMemoryError":  # its worker is replaced: not on the loop
            return await asyncio.to_thread(self._finish, worker, status, payload)
        return self._finish(worker, status, payload)

    def _no_worker(self, timeout: float | None, error: NoWorkerError) -> IpgraphError:
        if self._closed:
            return StoreUnavailableError(f"the query workers are shut down: {error}")
        return QueryTimeoutError(f"no query worker became free within {timeout:g} s; try again")

    def _send(self, worker: _Worker, task: QueryTask, snapshot: str, generation: int) -> None:
        with self._lock:
            worker.generation = generation
        worker.connection.send(WorkerRequest(task, snapshot, generation))

    def _stopped(self, worker: _Worker, error: BaseException) -> IpgraphError:
        """The error for a worker that closed its end: it ended, or is ending; learn how, and replace it."""
        worker.process.join(timeout=1.0)
        exitcode = worker.process.exitcode
        self._replace(worker)
        if self.limits.memory_mb is not None and exitcode in _OUT_OF_MEMORY_EXITS:
            return _memory_error(self.limits)
        return StoreUnavailableError(f"a query worker stopped unexpectedly: {error!r}")

    def _finish(self, worker: _Worker, status: str, payload: Any) -> Any:
        """Give the worker back (or replace it after a memory error); the answer, or its error raised."""
        if status == "error" and payload[0] == "QueryMemoryError":
            self._replace(worker)
            raise _memory_error(self.limits)
        self._idle.give(worker)
        if status == "error":
            raise rebuild_error(payload, StoreUnavailableError)
        return payload

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        self._idle.close()  # callers still waiting for a worker are told now, not at their deadline
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()

    def _start(self) -> _Worker:
        try:
            process, connection, (_, failure) = start_worker(
                self._context, serve_queries, (self.limits,), "ipgraph-query"
            )
        except WorkerStartError as error:
            raise StoreUnavailableError(f"a query worker did not start: {error}") from error
        if failure is not None and self.isolation_failure is None:
            self.isolation_failure = failure
            LOGGER.warning("query workers can reach the network (the guard is the only wall): %s", failure)
        worker = _Worker(process, connection)
        with self._lock:
            self._workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its query may be stuck inside the engine) and start another in the background.

        Whoever takes a worker out of the pool's list stops it, and only they: a second call for the same worker
        (a request cancelled while its timeout replaced it), or a call after :meth:`close` took every worker, does
        nothing, so no two threads close one pipe (the second close could hit a descriptor already reused).
        """
        with self._lock:
            if worker not in self._workers:
                return
            self._workers.remove(worker)
            closed = self._closed
        stop_worker(worker.process, worker.connection)
        if closed:
            return

        def start_replacement() -> None:
            with contextlib.suppress(Exception):
                replacement = self._start()
                if self._closed:
                    replacement.process.kill()
                    return
                self._idle.give(replacement)

        threading.Thread(target=start_replacement, name="ipgraph-query-respawn", daemon=True).start()
