"""The second wall against outbound fetches, and the memory ceiling: limits the engine runs under.

The engine fetches ``SERVICE`` and ``LOAD`` targets itself, with no switch to stop it. The guard refuses such
texts, but a guard bug alone must never become a request forgery, so the code that runs the engine is also cut
off from the network: on Linux, a new network namespace (``unshare(CLONE_NEWNET)``) holds nothing but a loopback
device that is down, so every connection and every DNS lookup fails at once. A namespace belongs to the thread
that made it and to the threads that thread starts later; so query worker processes isolate themselves when
they start, and updates run on one dedicated thread that did the same (:class:`IsolatedThread`).

Without root, a namespace needs a user namespace as well (``CLONE_NEWUSER``), which only a single-threaded
process may create: worker processes can, a thread of the server cannot. Where neither works, the reason is
returned, and the caller logs it once (SECURITY.md, "Known limits").
"""

from __future__ import annotations

import ctypes
import os
import resource
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ipgraph.errors import ForbiddenFetchError

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000

T = TypeVar("T")


def isolate_network() -> str | None:
    """Move the calling thread into a network namespace of its own; ``None`` on success, else why it failed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as error:
        return f"this system offers no unshare(): {error}"
    if unshare(_CLONE_NEWNET) == 0:
        return None
    first = ctypes.get_errno()
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return None
    second = ctypes.get_errno()
    return (
        f"unshare(CLONE_NEWNET) failed ({os.strerror(first)}) and so did unshare(CLONE_NEWUSER|CLONE_NEWNET) "
        f"({os.strerror(second)})"
    )


def limit_memory(megabytes: int) -> None:
    """Cap this process's data segment (heap and anonymous memory, RLIMIT_DATA) at ``megabytes``.

    An allocation past the cap fails: the engine (Rust) then aborts the process, Python raises MemoryError.
    """
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


#: What the engine's HTTP client says when the namespace stops a connection or a name lookup.
_CUT_OFF = ("Network is unreachable", "os error 101", "failed to lookup address")


def refused_fetch(error: OSError) -> ForbiddenFetchError | None:
    """The refusal to report when ``error`` is the engine failing to reach the network from inside the wall."""
    if not any(marker in str(error) for marker in _CUT_OFF):
        return None
    return ForbiddenFetchError(
        "the engine tried to fetch a URL and could not: ipgraph runs SPARQL without network access, and never "
        f"fetches a URL because a request named it ({error})"
    )


class IsolatedThread:
    """One thread, in a network namespace of its own when ``isolate`` is true, that runs what it is given.

    >>> thread = IsolatedThread(isolate=False)
    >>> thread.run(lambda: 6 * 7)
    42
    >>> thread.close()
    """

    def __init__(self, *, isolate: bool, name: str = "ipgraph-isolated") -> None:
        self.isolation_failure: str | None = None
        self._isolate = isolate
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name, initializer=self._initialise)
        # Start the thread now, so the namespace exists (or its failure is known) before the first task.
        self._executor.submit(lambda: None).result()

    def _initialise(self) -> None:
        if self._isolate:
            self.isolation_failure = isolate_network()

    def run(self, task: Callable[[], T]) -> T:
        """Run ``task`` on the thread and return its result (or raise its exception) here."""
        future: Future[T] = self._executor.submit(task)
        return future.result()

    def close(self) -> None:
        """Stop the thread once what it runs has finished."""
        self._executor.shutdown(wait=True)
