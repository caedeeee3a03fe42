"""Progress against the plan's targets (CQ20): what the current report versions add up to, per target and year.

``progress_report(store, source)`` reads the targets and the observations of current report versions and
computes each target's yearly figures (:mod:`ipgraph.progress.figures` says how), for the JSON API and the
server-rendered dashboard. ``cached_progress(store, source)`` is the same answer kept until the store is
written (:mod:`ipgraph.progress.cache`), for the HTTP pages that ask for it on every request.
"""

from __future__ import annotations

from ipgraph.progress.cache import CachedProgress, ProgressCache, progress_cache
from ipgraph.progress.figures import compute_progress
from ipgraph.progress.model import IndicatorKind, Observation, Status, Target, TargetProgress, YearFigure
from ipgraph.progress.reading import DATA_SOURCES, DataSource, read_observations, read_successors, read_targets
from ipgraph.store.base import Store

__all__ = [
    "DATA_SOURCES",
    "CachedProgress",
    "DataSource",
    "IndicatorKind",
    "Observation",
    "ProgressCache",
    "Status",
    "Target",
    "TargetProgress",
    "YearFigure",
    "cache_of",
    "cached_progress",
    "compute_progress",
    "progress_report",
]


def progress_report(store: Store, source: DataSource = "submissions") -> list[TargetProgress]:
    """Every target of the plan with its progress from the reports in ``source``, in the plan's order."""
    return compute_progress(read_targets(store), read_observations(store, source), read_successors(store))


def cache_of(store: Store) -> ProgressCache:
    """The progress cache of ``store`` (its :attr:`~ProgressCache.computations` say how often it computed)."""
    return progress_cache(store, progress_report)


def cached_progress(store: Store, source: DataSource = "submissions") -> CachedProgress:
    """:func:`progress_report`, computed once per store generation and data source, with validators."""
    return cache_of(store).get(store, source)
