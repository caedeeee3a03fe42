"""Run the report shapes over one report as compiled SPARQL checks: pySHACL's results in a third of its time.

The whole-store re-validation compiles each constraint of the shapes into one SELECT over a dataset of report
graphs (:mod:`ipgraph.reports.shape_compiler`, tested against pySHACL). One report is the smallest such dataset:
an in-memory Oxigraph store holding the plan slice in its default graph and the report in one named graph. Each
thread keeps its own store, loaded with the plan slice once; a validation adds the report, computes the focus
sets, runs the checks one after another (a set ``cancelled`` event stops it between two), and takes every named
graph out again, whatever happened, so the next validation starts from the plan slice alone.

The compiled checks depend on the shapes and on which predicates the report uses (:class:`DataProfile`), so they
are kept per profile, the most recently used 32.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ipgraph.errors import UnsupportedShapeError, ValidationCancelledError
from ipgraph.reports.revalidation import Dataset, Finding, results_graph, run_check
from ipgraph.reports.shape_compiler import CompiledShapes, DataProfile, compile_shapes

#: The named graph the report is put in while it is checked (not a name any upload can give a graph).
REPORT_GRAPH = URIRef("urn:ipgraph:validation:report")
#: How many compiled forms of the shapes are kept (one per set of predicates reports use).
COMPILED_CACHE_SIZE = 32


class CompiledShacl:
    """The report shapes as compiled checks, run over one report at a time; share it between threads.

    Raises :class:`UnsupportedShapeError` when the shapes use something the compiler does not know, or when the
    plan slice itself holds focus nodes (pySHACL would judge those too; the compiled checks judge reports only):
    the caller then runs pySHACL instead.
    """

    def __init__(self, shapes: Graph, context: Graph, cache_size: int = COMPILED_CACHE_SIZE) -> None:
        self._shapes = shapes
        self._context = context
        self._cache_size = cache_size
        self._compiled: OrderedDict[DataProfile, CompiledShapes] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def results(self, triples: Iterable[tuple[Node, Node, Node]], cancelled: threading.Event | None = None) -> Graph:
        """The SHACL validation report pySHACL writes for the plan slice plus ``triples``."""
        dataset = self._dataset()
        findings: list[Finding] = []
        try:
            dataset.add_graph(REPORT_GRAPH, triples)
            dataset.share_plan_subclasses()
            compiled = self.compiled_for(dataset.profile(), dataset)
            _stop_if_cancelled(cancelled)
            dataset.keep_focus_sets(compiled, plan_checked=True)
            for check in compiled.checks:
                _stop_if_cancelled(cancelled)
                findings.extend(run_check(dataset, check))
        finally:
            _clear_named_graphs(dataset)
        # Thousands of findings take seconds to write out: a cancellation is looked at every few hundred.
        return results_graph(_watched(findings, cancelled), self._shapes)

    def compiled_for(self, profile: DataProfile, dataset: Dataset) -> CompiledShapes:
        """The shapes compiled for ``profile``, from the cache when they were compiled before."""
        with self._lock:
            found = self._compiled.get(profile)
            if found is not None:
                self._compiled.move_to_end(profile)
                return found
        compiled = compile_shapes(self._shapes, profile)
        # Whether the plan holds focus nodes depends on the plan and the shapes only: asked once per compilation.
        for focus in compiled.focus_sets:
            if dataset.store.query(focus.plan_query):
                raise UnsupportedShapeError(
                    f"the plan itself holds focus nodes of {focus.shape}; the compiled checks judge reports only"
                )
        with self._lock:
            self._compiled[profile] = compiled
            while len(self._compiled) > self._cache_size:
                self._compiled.popitem(last=False)
        return compiled

    @property
    def cached_profiles(self) -> int:
        """How many compiled forms of the shapes are kept now."""
        with self._lock:
            return len(self._compiled)

    def thread_store(self) -> ox.Store:
        """This thread's store (for tests: between validations it holds the plan slice and nothing else)."""
        return self._dataset().store

    def _dataset(self) -> Dataset:
        dataset: Dataset | None = getattr(self._local, "dataset", None)
        if dataset is None:
            dataset = self._local.dataset = Dataset(self._context)
        return dataset


def _stop_if_cancelled(cancelled: threading.Event | None) -> None:
    if cancelled is not None and cancelled.is_set():
        raise ValidationCancelledError("the validation was cancelled: its client went away or was answered")


def _watched(findings: list[Finding], cancelled: threading.Event | None) -> Iterator[Finding]:
    for index, finding in enumerate(findings):
        if index % 256 == 0:
            _stop_if_cancelled(cancelled)
        yield finding


def _clear_named_graphs(dataset: Dataset) -> None:
    """Take the report and the focus sets out, leaving the plan slice in the default graph."""
    for graph in list(dataset.store.named_graphs()):
        dataset.store.remove_graph(graph)
    dataset.graphs.clear()


__all__ = ["COMPILED_CACHE_SIZE", "REPORT_GRAPH", "CompiledShacl"]
