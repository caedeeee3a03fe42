"""Query worker processes: the way a query on the embedded store really stops at its deadline.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside Rust (an aggregate over a
cartesian product blocks in one call), so queries with a deadline run in a small pool of worker processes.
Each worker opens an immutable snapshot of the store read-only; when a query passes its deadline the parent
kills that worker, starts a replacement, and raises :class:`QueryTimeoutError`. Other queries keep running
on the other workers.

Each worker also starts under :class:`WorkerLimits`: a memory ceiling (a query past it ends its worker, which is
replaced, and the caller gets :class:`QueryMemoryError`) and, unless the operator allowed some endpoints, a
network namespace of its own, so the engine cannot connect anywhere even if the guard let a fetch through.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
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
            connection.send(("error", ("QueryMemoryError", "", None, None)))
            return
        except Exception as error:  # any failure must reach the parent, not kill the worker
            reply = ("error", ("StoreUnavailableError", f"query worker failed: {error!r}", None, None))
        connection.send(reply)


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
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._start())

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
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeoutError(f"no query worker became free within {timeout:g} s; try again") from None
        with self._lock:
            worker.generation = generation
        try:
            worker.connection.send(WorkerRequest(task, snapshot, generation))
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not worker.connection.poll(remaining):
                self._replace(worker)
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT"
                )
            status, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            worker.process.join(timeout=1.0)  # it closed its end: it has ended, or is ending; learn how
            exitcode = worker.process.exitcode
            self._replace(worker)
            if self.limits.memory_mb is not None and exitcode in _OUT_OF_MEMORY_EXITS:
                raise _memory_error(self.limits) from None
            raise StoreUnavailableError(f"a query worker stopped unexpectedly: {error!r}") from error
        if status == "error" and payload[0] == "QueryMemoryError":
            self._replace(worker)
            raise _memory_error(self.limits)
        self._idle.put(worker)
        if status == "error":
            raise rebuild_error(payload, StoreUnavailableError)
        return payload

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
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
        """Kill a worker (its query may be stuck inside the engine) and start another in the background."""
        stop_worker(worker.process, worker.connection)
        with self._lock:
            self._workers.remove(worker)
            if self._closed:
                return

        def start_replacement() -> None:
            with contextlib.suppress(Exception):
                replacement = self._start()
                if self._closed:
                    replacement.process.kill()
                    return
                self._idle.put(replacement)

        threading.Thread(target=start_replacement, name="ipgraph-query-respawn", daemon=True).start()
