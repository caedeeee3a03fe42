"""Validators for conditional requests (RFC 9110 §8.8, §13): an ETag and a Last-Modified date derived from
the store's state, so documents, dumps and the search index know cheaply when the graph has changed.

The state is the list of named graphs with their triple counts (and the store's own generation counter when it
keeps one): one small query per graph rather than a hash of every triple. The moment a new state is first seen
is its Last-Modified date.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from ipgraph.store.base import Store


@dataclass(frozen=True)
class StoreState:
    """One observed state of the store: a short digest, the graphs' triple counts, and when it was first seen."""

    digest: str
    graph_counts: tuple[tuple[str, int], ...]
    seen_at: datetime

    def etag(self, variant: str) -> str:
        """A weak entity tag for one representation (format, language) of a resource in this state."""
        return f'W/"{self.digest}-{variant}"'

    @property
    def last_modified(self) -> str:
        """The ``Last-Modified`` header value (IMF-fixdate)."""
        return format_datetime(self.seen_at, usegmt=True)


class FreshnessTracker:
    """Observes the store's state and remembers when it last changed; one per application."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: StoreState | None = None

    def observe(self, store: Store) -> StoreState:
        """The store's state now (a few count queries)."""
        counts = tuple(sorted((str(name), store.triple_count(name)) for name in store.graph_names()))
        generation = getattr(store, "generation", None)
        digest = hashlib.sha256(repr((counts, generation)).encode()).hexdigest()[:20]
        with self._lock:
            if self._current is None or self._current.digest != digest:
                now = datetime.now(UTC).replace(microsecond=0)
                self._current = StoreState(digest, counts, now)
            return self._current


def is_not_modified(state: StoreState, etag: str, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a GET may be answered 304: ``If-None-Match`` decides when present (weak comparison, RFC 9110
    §13.1.2), else ``If-Modified-Since`` against the state's date (§13.1.3)."""
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = _opaque(etag)
        return any(_opaque(candidate) == wanted for candidate in if_none_match.split(","))
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return state.seen_at <= since
    return False


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
