"""The validation gate: how large a report may be, how many validations run at once and for whom, for how long.

At most ``max_concurrent`` parse-and-validate jobs run at once, and one client (an anonymous sender's address)
holds at most ``per_client`` of them, running or waiting (429 beyond), so one client cannot take every slot. A
request that finds no free slot within ``timeout`` seconds is refused (503, Retry-After). A job is cancelled when
it runs past ``timeout`` or its client goes away: a validation worker process doing it is killed and replaced
(:mod:`ipgraph.reports.validation_pool`); validating in this process, it stops at its next step (pySHACL asks the
data graph for triples all the time, and the data graph checks the cancellation, :mod:`ipgraph.reports.validation`).
Either way no slot burns CPU for an answer nobody reads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from ipgraph.errors import (
    TooManyValidationsError,
    ValidationBusyError,
    ValidationCancelledError,
    ValidationTimeoutError,
)
from ipgraph.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class SubmissionLimits:
    """How large a report may be, and how much validation the service does at once, for whom, and how long."""

    max_concurrent: int = 4
    timeout: float = 20.0
    max_bytes: int = 256 * 1024
    max_triples: int = 1000
    per_client: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> SubmissionLimits:
        """The limits the operator chose."""
        return cls(
            max(1, settings.max_concurrent_validations),
            settings.validation_timeout,
            settings.max_report_bytes,
            settings.max_report_triples,
            max(1, settings.max_validations_per_client),
        )


#: How often a request waiting for a slot looks whether its client is still there.
_WAIT_STEP_SECONDS = 0.1


class ValidationGate:
    """At most ``max_concurrent`` jobs at once (``per_client`` for one client), each answered within ``timeout``."""

    def __init__(self, limits: SubmissionLimits) -> None:
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_concurrent)
        self._executor = ThreadPoolExecutor(limits.max_concurrent, thread_name_prefix="ipgraph-validation")
        self._by_client: dict[str, int] = {}
        self._by_client_lock = threading.Lock()
        self._running = 0
        self._stopped = 0

    def run(
        self, job: Callable[[threading.Event], T], *, client: str | None = None, cancel: threading.Event | None = None
    ) -> T:
        """Run ``job`` in a validation slot and return its result (or raise its error).

        ``job`` receives the event that cancels it: set when the time limit passes, or by the caller (``cancel``)
        when its client has gone away. ``client`` (an address) counts against that client's share of the slots.
        """
        cancelled = cancel or threading.Event()
        with self._admitted(client):
            self._acquire_slot(cancelled)
            try:
                future = self._executor.submit(job, cancelled)
            except BaseException:
                self.slots.release()
                raise
            with self._by_client_lock:
                self._running += 1
            future.add_done_callback(self._finished)
            try:
                return future.result(timeout=self.limits.timeout)
            except TimeoutError:
                cancelled.set()  # the answer is a 503: the job stops at its next step
                raise ValidationTimeoutError(
                    f"parsing and validating the report took longer than {self.limits.timeout:g} s "
                    "(IPGRAPH_VALIDATION_TIMEOUT); send a smaller report or ask the operator to raise the limit"
                ) from None

    def held_by(self, client: str) -> int:
        """How many validations ``client`` has running or waiting now."""
        with self._by_client_lock:
            return self._by_client.get(client, 0)

    def running(self) -> int:
        """How many jobs hold a slot now (a cancelled job holds it until it stops)."""
        with self._by_client_lock:
            return self._running

    def stopped(self) -> int:
        """How many jobs so far were stopped by their cancellation (client gone, or answered 503) before their end."""
        with self._by_client_lock:
            return self._stopped

    def _finished(self, future: Future[Any]) -> None:
        cut_short = not future.cancelled() and isinstance(future.exception(), ValidationCancelledError)
        with self._by_client_lock:
            self._running -= 1
            self._stopped += cut_short
        self.slots.release()

    @contextmanager
    def _admitted(self, client: str | None) -> Iterator[None]:
        if client is None:
            yield
            return
        with self._by_client_lock:
            held = self._by_client.get(client, 0)
            if held >= self.limits.per_client:
                raise TooManyValidationsError(
                    f"this client already has {held} validations running or waiting, as many as one client may "
                    "(IPGRAPH_MAX_VALIDATIONS_PER_CLIENT); wait for their answers, then try again"
                )
            self._by_client[client] = held + 1
        try:
            yield
        finally:
            with self._by_client_lock:
                left = self._by_client[client] - 1
                if left:
                    self._by_client[client] = left
                else:
                    del self._by_client[client]

    def _acquire_slot(self, cancelled: threading.Event) -> None:
        """Wait for a free slot until the time limit, giving up as soon as the request is cancelled."""
        deadline = time.monotonic() + self.limits.timeout
        while not self.slots.acquire(timeout=max(0.0, min(_WAIT_STEP_SECONDS, deadline - time.monotonic()))):
            if cancelled.is_set():
                raise ValidationCancelledError("the client went away before a validation slot was free")
            if time.monotonic() >= deadline:
                raise ValidationBusyError(
                    f"all {self.limits.max_concurrent} validation slots stayed busy for {self.limits.timeout:g} s "
                    "(IPGRAPH_MAX_CONCURRENT_VALIDATIONS); try again shortly"
                )

    def close(self) -> None:
        """Stop accepting jobs; running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)
