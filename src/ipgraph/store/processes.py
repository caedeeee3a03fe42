"""Worker processes: started under limits, ready when they say so, killed when their work must stop.

Query workers (:mod:`ipgraph.store.worker`) and validation workers (:mod:`ipgraph.reports.validation_pool`) share
this life: a process forked from the forkserver applies its :class:`WorkerLimits` (a memory ceiling, and a network
namespace of its own unless the operator allowed endpoints), says that it is ready, then answers requests over a
pipe. Killing a worker is the one way to stop work stuck inside a library call; the pool that owns it starts
another. Errors cross the pipe as their class name and message and are rebuilt on the parent's side.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any

from ipgraph import errors
from ipgraph.errors import IpgraphError
from ipgraph.store.sandbox import isolate_network, limit_memory

#: Seconds a new worker may take to report that it is ready (a validation worker parses the shapes first).
STARTUP_SECONDS = 30.0

#: An error as it crosses the pipe: class name, message, line, column.
DescribedError = tuple[str, str, int | None, int | None]


@dataclass(frozen=True)
class WorkerLimits:
    """What a worker may use: ``memory_mb`` of data (``None``: no ceiling); the network only if ``network``."""

    memory_mb: int | None = None
    network: bool = False


def apply_limits(limits: WorkerLimits) -> str | None:
    """Apply ``limits`` to this (new, single-threaded) worker; the reason isolation failed, if it did."""
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation failure at the ceiling prints one line, not a backtrace
    if limits.memory_mb is not None:
        limit_memory(limits.memory_mb)
    return None if limits.network else isolate_network()


class WorkerStartError(Exception):
    """A worker process ended, or said nothing, before it was ready."""


def start_worker(
    context: ForkServerContext,
    target: Callable[..., None],
    args: tuple[Any, ...],
    name: str,
    startup_seconds: float = STARTUP_SECONDS,
) -> tuple[BaseProcess, Connection, Any]:
    """Start ``target(connection, *args)`` in a daemon process and wait for its first message, its word that it is
    ready; return the process, the parent's end of the pipe and that message."""
    parent_end, child_end = context.Pipe()
    process = context.Process(target=target, args=(child_end, *args), daemon=True, name=name)
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(startup_seconds):
            raise EOFError(f"no word from the worker within {startup_seconds:g} s")
        word = parent_end.recv()
    except (EOFError, OSError) as error:
        stop_worker(process, parent_end)
        raise WorkerStartError(f"a worker process did not start: {error!r}") from error
    return process, parent_end, word


def stop_worker(process: BaseProcess, connection: Connection) -> None:
    """Kill a worker now, whatever it is doing, and release its pipe."""
    process.kill()
    process.join()
    connection.close()


def describe_error(error: IpgraphError) -> DescribedError:
    """``error`` as it crosses the pipe."""
    return (type(error).__name__, str(error), getattr(error, "line", None), getattr(error, "column", None))


def rebuild_error(described: DescribedError, fallback: type[IpgraphError]) -> IpgraphError:
    """The error a worker described, of the same class when :mod:`ipgraph.errors` has it (else ``fallback``)."""
    name, message, line, column = described
    kind = getattr(errors, name, fallback)
    if not (isinstance(kind, type) and issubclass(kind, IpgraphError)) or kind in _NOT_REBUILT:
        kind = fallback
    if issubclass(kind, errors.InputError):
        return kind(message, line=line, column=column)
    return kind(message)


#: Errors whose constructors take more than a message; workers never raise them.
_NOT_REBUILT = (errors.WorkbookError, errors.ReportRejectedError, errors.HttpStatusError)
