"""Report validation in worker processes, so pySHACL's pure-Python work never holds the server's interpreter.

A validation is about 30 ms of Python. Run in the server process it takes turns with query dispatch for one
interpreter lock, and every ``/sparql`` answer waits behind it. Here each worker process (started from the
forkserver under :class:`~ipgraph.store.processes.WorkerLimits`: no network, a memory ceiling) builds its
:class:`~ipgraph.reports.validation.ReportValidator` once and keeps it. One validation is a short conversation:

1. the parent sends the upload (:class:`Upload`: the bytes, their media type, the triple limit, the day of receipt);
2. the worker parses it with the checks of receipt (:func:`~ipgraph.reports.upload.receive_report`) and says which
   organisation and year it claims;
3. the parent reads that organisation's current reports from the store (workers never open the store) and sends
   their triples, while the worker runs pySHACL, which does not need them;
4. the worker adds the checks across years and sends back the report's triples and the
   :class:`ValidationOutcome`. Both cross the pipe pickled, so blank nodes keep their labels: ``outcome.report``
   names a node of the report the parent gets.

The parent waits for each answer in short steps, looking at the request's cancellation: when it is set (the client
went away, or was answered 503) the worker is killed at once, pySHACL having no way to be interrupted from outside,
and another is started. A worker that dies is replaced too, and its request gets :class:`ValidationWorkerError`
(503). Workers start when first needed, up to the pool's size, and stay.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from ipgraph.errors import IpgraphError, ValidationCancelledError, ValidationWorkerError
from ipgraph.reports.storage import ReportKey
from ipgraph.reports.upload import claimed_key, receive_report
from ipgraph.reports.validation import ReportValidator, ValidationOutcome
from ipgraph.settings import ValidationEngine
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

#: Megabytes of data one validation worker may use; a report within the limits needs a small fraction of it.
VALIDATION_MEMORY_MB = 1024
#: How often a request waiting on a worker looks whether it was cancelled.
_STEP_SECONDS = 0.05
#: How a worker ends when Python could not allocate past the ceiling.
_MEMORY_EXIT_CODE = 3
#: Exit codes of a worker that ran out of memory: Python's (above), Rust's abort on a failed allocation, and the
#: OOM killer's SIGKILL.
_OUT_OF_MEMORY_EXITS = (_MEMORY_EXIT_CODE, -6, -9)

Triples = list[tuple[Node, Node, Node]]
#: How the parent finds the current reports a claimed organisation and year are compared with.
EarlierReports = Callable[[ReportKey], Graph]


@dataclass(frozen=True)
class Upload:
    """What a worker needs to judge an upload as the service received it."""

    body: bytes
    media_type: str
    max_triples: int
    today: datetime.date


# -- the worker's side ------------------------------------------------------------------------------------


def serve_validations(
    connection: Connection, project_dir: Path, limits: WorkerLimits, engine: ValidationEngine = "compiled"
) -> None:
    """A worker's loop: build the validator, report ready, then validate uploads until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server process, which stops us
    isolation_failure = apply_limits(limits)
    try:
        validator = ReportValidator.from_project(project_dir, engine)
        validator.validate(Graph())  # harvest the shapes now, not during the first request
    except Exception as error:  # a broken shapes file: say so, the parent answers 503 with the reason
        connection.send(("failed", f"{error!r}"))
        return
    connection.send(("ready", isolation_failure))
    try:
        _answer_uploads(connection, validator)
    except MemoryError:  # past the ceiling, wherever it struck: end now, allocating nothing more (we are replaced)
        os._exit(_MEMORY_EXIT_CODE)


def _answer_uploads(connection: Connection, validator: ReportValidator) -> None:
    while True:
        try:
            upload: Upload | None = connection.recv()
        except (EOFError, OSError):
            return
        if upload is None:
            return
        try:
            reply: tuple[str, Any] = ("done", _validate_upload(connection, validator, upload))
        except IpgraphError as error:
            reply = ("error", describe_error(error))
        except MemoryError:
            raise
        except Exception as error:  # any failure must reach the parent as an answer, not end the worker
            reply = ("error", ("ValidationWorkerError", f"validation failed in its worker: {error!r}", None, None))
        connection.send(reply)


def _validate_upload(
    connection: Connection, validator: ReportValidator, upload: Upload
) -> tuple[Triples, ValidationOutcome]:
    report = receive_report(upload.body, upload.media_type, upload.max_triples)
    claimed = claimed_key(report)
    connection.send(("claimed", claimed))
    if claimed is None:
        return list(report), validator.validate(report, today=upload.today)
    # The parent reads the earlier reports from the store while pySHACL runs here; they are taken off the pipe
    # when the plausibility checks need them, and in any case before the answer, so no message is left behind.
    earlier = _EarlierReports(connection)
    try:
        outcome = validator.validate(report, earlier_reports=earlier.read, today=upload.today)
    finally:
        earlier.read()
    return list(report), outcome


class _EarlierReports:
    """The parent's answer to a claim: the earlier reports' triples, read from the pipe once."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._read = False
        self._graph: Graph | None = None

    def read(self) -> Graph | None:
        if not self._read:
            self._read = True
            triples: Triples = self._connection.recv()
            self._graph = Graph()
            for triple in triples:
                self._graph.add(triple)
        return self._graph


# -- the parent's side ------------------------------------------------------------------------------------


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


@dataclass(frozen=True)
class _StartFailure:
    message: str


class ValidationPool:
    """Up to ``size`` validation worker processes; :meth:`validate` judges an upload on one of them."""

    def __init__(
        self,
        size: int,
        project_dir: Path,
        limits: WorkerLimits | None = None,
        engine: ValidationEngine = "compiled",
    ) -> None:
        if size < 1:
            raise ValueError("a validation pool needs at least one worker")
        self.limits = limits or WorkerLimits(memory_mb=VALIDATION_MEMORY_MB)
        #: Why workers could not be cut off from the network (``None``: they are).
        self.isolation_failure: str | None = None
        self._size = size
        self._project_dir = project_dir
        self._engine: ValidationEngine = engine
        self._context = multiprocessing.get_context("forkserver")
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._starting = 0
        # Last in, first out: one client's requests one after the other keep going to the same warm worker.
        self._idle: queue.LifoQueue[_Worker | _StartFailure] = queue.LifoQueue()
        self._closed = False

    @property
    def size(self) -> int:
        """The most workers the pool keeps."""
        return self._size

    def worker_pids(self) -> list[int]:
        """The process ids of the workers started and not yet stopped."""
        with self._lock:
            return [worker.process.pid for worker in self._workers if worker.process.pid is not None]

    def prepare(self) -> None:
        """Start a worker now (in the background) if none is running or starting, so the first report is not
        kept waiting for the shapes to be parsed."""
        self._grow()

    def validate(
        self, upload: Upload, earlier: EarlierReports, cancelled: threading.Event
    ) -> tuple[Graph, ValidationOutcome]:
        """The report as received and its :class:`ValidationOutcome`, judged on a worker.

        Raises the worker's error for a bad upload (syntax, size, names), :class:`ValidationCancelledError` once
        ``cancelled`` is set (the worker is killed), :class:`ValidationWorkerError` when the worker dies.
        """
        worker = self._take(cancelled)
        try:
            status, payload = self._converse(worker, upload, earlier, cancelled)
        except BaseException:
            self._replace(worker)  # a worker stopped in the middle of a conversation is never reused
            raise
        self._idle.put(worker)
        if status != "done":
            raise rebuild_error(payload, ValidationWorkerError)
        triples: Triples = payload[0]
        outcome: ValidationOutcome = payload[1]
        report = Graph()
        for triple in triples:
            report.add(triple)
        return report, outcome

    def close(self) -> None:
        """Stop every worker (a running validation is cut short)."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        for worker in workers:
            worker.process.join(timeout=2)
            stop_worker(worker.process, worker.connection)

    def _converse(
        self, worker: _Worker, upload: Upload, earlier: EarlierReports, cancelled: threading.Event
    ) -> tuple[str, Any]:
        try:
            worker.connection.send(upload)
            status, payload = self._answer(worker, cancelled)
            if status != "claimed":
                return status, payload
            claimed: ReportKey | None = payload
            if claimed is not None:  # the worker is validating meanwhile, and reads these when it needs them
                worker.connection.send(list(earlier(claimed)))
            return self._answer(worker, cancelled)
        except (EOFError, OSError) as error:
            worker.process.join(timeout=1.0)  # it closed its end: it has ended, or is ending; learn how
            raise ValidationWorkerError(self._death_message(worker.process.exitcode)) from error

    def _answer(self, worker: _Worker, cancelled: threading.Event) -> tuple[str, Any]:
        while not worker.connection.poll(_STEP_SECONDS):
            if cancelled.is_set():
                raise ValidationCancelledError("the validation was cancelled: its client went away or was answered")
        answer: tuple[str, Any] = worker.connection.recv()
        return answer

    def _death_message(self, exitcode: int | None) -> str:
        if exitcode in _OUT_OF_MEMORY_EXITS:
            return (
                f"the process validating the report was stopped (exit code {exitcode}; it may have needed more than "
                f"{self.limits.memory_mb} MB of memory); nothing was stored; try again"
            )
        return f"the process validating the report stopped unexpectedly (exit code {exitcode}); nothing was stored"

    def _take(self, cancelled: threading.Event) -> _Worker:
        """An idle worker, starting one if the pool has room; gives up as soon as the request is cancelled."""
        while True:
            try:
                taken = self._idle.get_nowait()
            except queue.Empty:
                self._grow()
                try:
                    taken = self._idle.get(timeout=_STEP_SECONDS)
                except queue.Empty:
                    if cancelled.is_set():
                        raise ValidationCancelledError("the client went away before a worker was free") from None
                    if self._closed:
                        raise ValidationWorkerError("the service is stopping; report validation is closed") from None
                    continue
            if isinstance(taken, _StartFailure):
                raise ValidationWorkerError(taken.message)
            return taken

    def _grow(self) -> None:
        """Start one more worker in the background, unless one is starting already or the pool is full: a request
        that waits meanwhile may well get a worker that finished its validation first."""
        with self._lock:
            if self._closed or self._starting or len(self._workers) >= self._size:
                return
            self._starting += 1
        threading.Thread(target=self._start_one, name="ipgraph-validation-start", daemon=True).start()

    def _start_one(self) -> None:
        started: _Worker | _StartFailure
        try:
            process, connection, (word, detail) = start_worker(
                self._context, serve_validations, (self._project_dir, self.limits, self._engine), "ipgraph-validation"
            )
        except WorkerStartError as error:
            started = _StartFailure(f"a report validation worker did not start: {error}")
        else:
            if word == "ready":
                started = _Worker(process, connection)
                self._note_isolation(detail)
            else:
                stop_worker(process, connection)
                started = _StartFailure(f"report validation cannot start: the shapes or plan did not load: {detail}")
        with self._lock:
            self._starting -= 1
            closed = self._closed
            if isinstance(started, _Worker) and not closed:
                self._workers.append(started)
        if isinstance(started, _Worker) and closed:
            stop_worker(started.process, started.connection)
            return
        self._idle.put(started)

    def _note_isolation(self, failure: str | None) -> None:
        if failure is not None and self.isolation_failure is None:
            self.isolation_failure = failure
            LOGGER.warning("validation workers can reach the network: %s", failure)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its validation may be deep inside pySHACL) and start another in the background.

        Whoever takes a worker out of the list stops it, and only they (as in the query pool): after :meth:`close`
        took every worker, or a second call for one, nothing is closed twice.
        """
        with self._lock:
            owned = worker in self._workers
            if owned:
                self._workers.remove(worker)
        if owned:
            stop_worker(worker.process, worker.connection)
        self._grow()
