"""Idle workers, and the callers waiting for one: first come, first served, for threads and event loops alike.

When every query worker is busy, a request on the event loop used to wait for one on a thread, and the loop's
default executor has ``CPU count + 4`` threads: at 16 connections on 2 cores most waits queued twice (for a thread,
then for a worker), and every hand-over woke a thread and took the interpreter lock. Here a request on the loop
waits on a future, a caller on a thread on an event; a worker given back goes straight to the oldest waiter of
either kind, on the waiter's own loop, so a busy pool needs no thread at all.

Ownership is decided under one lock: a worker is either in the idle stack or assigned to exactly one waiter. A
waiter that gives up (deadline, cancellation) after a worker was assigned to it gives that worker back; one that
gives up before simply leaves the line. The idle stack is last in, first out: sequential requests keep going to the
worker that answered last, whose caches are warm.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

W = TypeVar("W")


class NoWorkerError(Exception):
    """No worker became free in time, or the pool closed while the caller waited."""


@dataclass(eq=False)
class _Waiter(Generic[W]):
    """One caller in line; ``worker`` is set (under the lock) when one is assigned to it."""

    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[None] | None = None
    event: threading.Event = field(default_factory=threading.Event)
    worker: W | None = None
    closed: bool = False

    def wake(self) -> None:
        """Tell the waiter its turn came (a worker, or the pool's end); ``RuntimeError`` when its loop is closed."""
        if self.loop is None:
            self.event.set()
            return
        self.loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        if self.future is not None and not self.future.done():
            self.future.set_result(None)


class IdleWorkers(Generic[W]):
    """The idle workers of one pool and the line of callers waiting for one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[W] = []
        self._line: deque[_Waiter[W]] = deque()
        self._closed = False

    def idle_count(self) -> int:
        """Workers idle right now."""
        with self._lock:
            return len(self._idle)

    def waiting_count(self) -> int:
        """Callers waiting for a worker right now."""
        with self._lock:
            return len(self._line)

    def give(self, worker: W) -> None:
        """A worker is free: to the oldest waiter, else onto the idle stack."""
        with self._lock:
            while self._line:
                waiter = self._line.popleft()
                waiter.worker = worker
                try:
                    waiter.wake()
                except RuntimeError:  # its event loop is closed: nobody will collect the worker there
                    waiter.worker = None
                    continue
                return
            self._idle.append(worker)

    def take_nowait(self) -> W | None:
        """An idle worker if one is free and nobody waits before us, else ``None``."""
        with self._lock:
            if self._idle and not self._line and not self._closed:
                return self._idle.pop()
        return None

    def take(self, timeout: float | None) -> W:
        """Wait on this thread for a worker; :class:`NoWorkerError` after ``timeout`` seconds or at close."""
        with self._lock:
            if self._closed:
                raise NoWorkerError("the pool is closed")
            if self._idle and not self._line:
                return self._idle.pop()
            waiter: _Waiter[W] = _Waiter()
            self._line.append(waiter)
        waiter.event.wait(timeout)
        return self._collect(waiter)

    async def take_async(self, timeout: float | None) -> W:
        """Wait on the running event loop for a worker, without a thread; :class:`NoWorkerError` after
        ``timeout`` seconds or at close. A cancelled caller leaves the line (or gives back what it was given)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise NoWorkerError("the pool is closed")
            if self._idle and not self._line:
                return self._idle.pop()
            future: asyncio.Future[None] = loop.create_future()
            waiter: _Waiter[W] = _Waiter(loop, future)
            self._line.append(waiter)
        timer = None if timeout is None else loop.call_later(timeout, waiter._settle)
        try:
            await future
        except asyncio.CancelledError:
            self._leave(waiter)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        return self._collect(waiter)

    def close(self) -> list[W]:
        """End the pool: every waiter is told there will be no worker; the idle workers are returned."""
        with self._lock:
            self._closed = True
            line, self._line = self._line, deque()
            idle, self._idle = self._idle, []
            for waiter in line:
                waiter.closed = True
                try:
                    waiter.wake()
                except RuntimeError:
                    continue
        return idle

    def _collect(self, waiter: _Waiter[W]) -> W:
        """The worker assigned to ``waiter``, or leave the line and raise when none was (deadline, close)."""
        with self._lock:
            if waiter.worker is not None:
                worker = waiter.worker
                waiter.worker = None
                return worker
            if waiter in self._line:
                self._line.remove(waiter)
        raise NoWorkerError("the pool is closed" if waiter.closed else "no worker became free in time")

    def _leave(self, waiter: _Waiter[W]) -> None:
        """A cancelled waiter: out of the line, and any worker already assigned to it back to the pool."""
        with self._lock:
            if waiter in self._line:
                self._line.remove(waiter)
                return
            worker, waiter.worker = waiter.worker, None
        if worker is not None:
            self.give(worker)
