"""Computed progress kept per store, data source and store generation, so /progress and /dashboard answer at once.

Computing progress reads every target and every observation of the current report versions: one to three
seconds with a few hundred reports. Its answer only changes when the store is written, and every write through
the store moves :attr:`Store.generation <ipgraph.store.base.Store.generation>`, so an answer computed at one
generation is kept until the generation moves. In remote mode the generation comes from the store's write stamp
(:mod:`ipgraph.store.write_stamp`), so a report accepted through any replica moves it for every replica's next
request. Writes made straight to the SPARQL server's own endpoints carry no stamp; for them a remote answer is
also recomputed once it is :data:`REMOTE_MAX_AGE` seconds old.

Each answer carries validators for conditional requests (RFC 9110 §8.8): a digest of the figures, so a
recomputation that finds the same figures keeps its ETag, and the moment those figures were first computed.
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from ipgraph.progress.model import TargetProgress
from ipgraph.progress.reading import DataSource
from ipgraph.store.base import Store
from ipgraph.store.remote import RemoteStore

#: Seconds a remote store's progress is kept although the generation did not move (others may write its server
#: without going through ipgraph).
REMOTE_MAX_AGE = 60.0

Compute = Callable[[Store, DataSource], Sequence[TargetProgress]]


@dataclass(frozen=True)
class CachedProgress:
    """One computed answer: the targets' progress and validators for conditional requests."""

    source: DataSource
    generation: int
    items: tuple[TargetProgress, ...]
    digest: str
    computed_at: datetime
    computed_monotonic: float

    def etag(self, variant: str) -> str:
        """A weak entity tag for one representation (JSON, a page language) of these figures."""
        return f'W/"{self.digest}-{variant}"'

    @property
    def last_modified(self) -> str:
        """The ``Last-Modified`` header value (IMF-fixdate): when these figures were first computed."""
        return format_datetime(self.computed_at, usegmt=True)


class ProgressCache:
    """The last computed progress of one store per data source; :attr:`computations` counts the computations."""

    def __init__(self, compute: Compute, *, max_age: float | None = None) -> None:
        self._compute = compute
        self.max_age = max_age
        self.computations = 0
        self._entries: dict[DataSource, CachedProgress] = {}
        self._lock = threading.Lock()
        # One lock per source: concurrent first requests wait for one computation rather than each starting one.
        self._source_locks: dict[DataSource, threading.Lock] = {}

    def get(self, store: Store, source: DataSource) -> CachedProgress:
        """The progress of ``source`` at the store's current generation, computed only when none is kept."""
        entry = self._fresh(source, store.generation)
        if entry is not None:
            return entry
        with self._lock:
            source_lock = self._source_locks.setdefault(source, threading.Lock())
        with source_lock:
            # Read before computing: a write during the computation moves it past what is kept, so it is redone.
            generation = store.generation
            entry = self._fresh(source, generation)
            if entry is not None:
                return entry
            items = tuple(self._compute(store, source))
            digest = hashlib.sha256(repr(items).encode("utf-8")).hexdigest()[:24]
            with self._lock:
                self.computations += 1
                previous = self._entries.get(source)
                if previous is not None and previous.digest == digest:
                    computed_at = previous.computed_at
                else:
                    computed_at = datetime.now(UTC).replace(microsecond=0)
                entry = CachedProgress(source, generation, items, digest, computed_at, time.monotonic())
                self._entries[source] = entry
            return entry

    def _fresh(self, source: DataSource, generation: int) -> CachedProgress | None:
        with self._lock:
            entry = self._entries.get(source)
        if entry is None or entry.generation != generation:
            return None
        if self.max_age is not None and time.monotonic() - entry.computed_monotonic >= self.max_age:
            return None
        return entry


_caches: weakref.WeakKeyDictionary[Store, ProgressCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def progress_cache(store: Store, compute: Compute) -> ProgressCache:
    """The cache of ``store``, made on first use and dropped with the store, so every app on a store shares it."""
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = ProgressCache(compute, max_age=REMOTE_MAX_AGE if isinstance(store, RemoteStore) else None)
            _caches[store] = cache
        return cache
