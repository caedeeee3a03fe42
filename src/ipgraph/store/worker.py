"""Query worker processes: the way a query on the embedded store really stops at its deadline.

pyoxigraph has no query timeout and a Python thread cannot be interrupted inside Rust (an aggregate over a
cartesian product blocks in one call), so queries with a deadline run in a small pool of worker processes.
Each worker opens an immutable snapshot of the store read-only; when a query passes its deadline the parent
kills that worker, starts a replacement, and raises :class:`QueryTimeoutError`. Other queries keep running
on the other workers.
"""

from __future__ import annotations

import contextlib
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

from ipgraph import errors
from ipgraph.errors import IpgraphError, QueryTimeoutError, StoreUnavailableError
from ipgraph.store.evaluation import QueryTask, evaluate


@dataclass(frozen=True)
class WorkerRequest:
    """A task and the snapshot directory (with its generation) it must be answered from."""

    task: QueryTask
    snapshot: str
    generation: int


def serve_queries(connection: Connection) -> None:
    """A worker's loop: answer requests until the parent closes the pipe or sends ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server process, which stops us
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
            position = (getattr(error, "line", None), getattr(error, "column", None))
            reply = ("error", (type(error).__name__, str(error), *position))
        except Exception as error:  # any failure must reach the parent, not kill the worker
            reply = ("error", ("StoreUnavailableError", f"query worker failed: {error!r}", None, None))
        connection.send(reply)


def _rebuild_error(name: str, message: str, line: int | None, column: int | None) -> IpgraphError:
    kind: type[IpgraphError] = getattr(errors, name, StoreUnavailableError)
    if issubclass(kind, errors.InputError):
        return kind(message, line=line, column=column)
    return kind(message)


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    generation: int | None = None


class QueryPool:
    """A fixed number of worker processes; :meth:`run` answers a request or kills its worker at the deadline."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
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
            self._replace(worker)
            raise StoreUnavailableError(f"a query worker stopped unexpectedly: {error!r}") from error
        self._idle.put(worker)
        if status == "error":
            raise _rebuild_error(*payload)
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
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=serve_queries, args=(child_end,), daemon=True, name="ipgraph-query")
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        with self._lock:
            self._workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its query may be stuck inside the engine) and start another in the background."""
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
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
