"""Re-validate every stored report version at once, after the shapes or the plan changed.

Every stored version was accepted against the shapes and plan of its day. When either changes, an administrator
runs ``ipgraph revalidate``: the versions are copied into one in-memory Oxigraph dataset (one named graph each,
the plan slice as default graph), each constraint runs once over all of them
(:mod:`ipgraph.reports.shape_compiler`), and each row becomes the ``sh:ValidationResult`` pySHACL would have
written for that version, turned into :class:`Issue` values by the same code as the one-report path
(:func:`ipgraph.reports.issues.issues_from_results`), so messages read alike in both places.

Only the SHACL shapes are re-checked. The checks the one-report path makes outside SHACL at upload time (one
report per document, no statements about plan terms) hold for every stored version by construction, and the
plausibility warnings across years depend on the order of submission, not on the shapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Identifier, Node

from ipgraph.errors import RevalidationError, UnsupportedShapeError
from ipgraph.reports.issues import Issue, MessageTemplates, issues_from_results
from ipgraph.reports.plan_slice import PLAN_FILES, SHAPES_FILES, plan_context
from ipgraph.reports.shape_compiler import FOCUS_LINK, CompiledCheck, CompiledShapes, DataProfile, compile_shapes
from ipgraph.reports.sparql_rewrite import GRAPH_VARIABLE
from ipgraph.reports.storage import VERSIONS_QUERY, StoredVersion, versions_from_rows
from ipgraph.store.base import Store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.terms import from_ox, to_ox, to_ox_named_node


@dataclass(frozen=True)
class Rules:
    """What versions are judged against: the report shapes and the plan slice, with their hashes."""

    shapes: Graph
    context: Graph
    shapes_version: str
    plan_version: str
    templates: MessageTemplates = field(repr=False)

    @classmethod
    def from_project(cls, project_dir: Path) -> Rules:
        """The shapes and plan files of the checkout at ``project_dir`` (those the one-report path reads)."""
        shapes = Graph()
        shapes_digest = hashlib.sha256()
        for name in SHAPES_FILES:
            content = (project_dir / name).read_bytes()
            shapes_digest.update(content)
            shapes.parse(data=content, format="turtle")
        plan = Graph()
        plan_digest = hashlib.sha256()
        for name in PLAN_FILES:
            content = (project_dir / name).read_bytes()
            plan_digest.update(content)
            plan.parse(data=content, format="turtle")
        return cls.from_graphs(shapes, plan, shapes_digest.hexdigest(), plan_digest.hexdigest())

    @classmethod
    def from_graphs(cls, shapes: Graph, plan: Graph, shapes_version: str = "", plan_version: str = "") -> Rules:
        """Rules from parsed graphs (tests, and callers holding a :class:`ReportValidator`'s graphs)."""
        return cls(shapes, plan_context(plan), shapes_version, plan_version, MessageTemplates.from_shapes(shapes))


@dataclass(frozen=True)
class Finding:
    """One row of one compiled check: a validation result for the version in ``graph``."""

    graph: URIRef
    check: CompiledCheck
    focus: Identifier
    value: Identifier | None
    path: Identifier | None
    bindings: tuple[tuple[str, Identifier], ...] = ()


class Dataset:
    """The dataset re-validation queries: versions in named graphs, the plan slice as default graph.

    It is an in-memory Oxigraph store: the engine answers the checks there four to five times faster than
    over RocksDB files (bench/README.md, "Re-validation"). Other named graphs may sit beside the versions (the
    registry, the plan's graphs, examples): every check starts from the focus sets, which hold version graphs
    only, and the profile reads version graphs only, so they are left in place rather than deleted.
    """

    def __init__(self, context: Graph, store: ox.Store | None = None) -> None:
        self.store = store if store is not None else ox.Store()
        self.graphs: list[URIRef] = []
        self._context = context
        self._use_context()
        self._plan_predicates = frozenset(str(predicate) for predicate in context.predicates())
        self._plan_types = frozenset(str(cls) for cls in context.objects(None, RDF.type))

    @classmethod
    def over(cls, store: ox.Store, context: Graph) -> tuple[Dataset, list[StoredVersion]]:
        """Re-validation's dataset made of an in-memory copy of the store (its default graph becomes the plan
        slice), and the versions its registry lists."""
        dataset = cls(context, store)
        return dataset, dataset.use_registry()

    def _use_context(self) -> None:
        """Make the default graph hold the plan slice and nothing else."""
        self.store.clear_graph(ox.DefaultGraph())
        self.store.extend(_ox_quad(triple, ox.DefaultGraph()) for triple in self._context)

    def add_graph(self, name: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add one version (tests and small stores; :meth:`load_nquads` is the bulk path)."""
        graph = ox.NamedNode(str(name))
        self.store.extend(_ox_quad(triple, graph) for triple in triples)
        self.graphs.append(name)

    def load_nquads(self, body: bytes) -> list[StoredVersion]:
        """Bulk-load a store's N-Quads dump (the remote store's route) and return the versions its registry lists
        (the dump's default graph is replaced by the plan slice)."""
        self.store.bulk_load(body, format=ox.RdfFormat.N_QUADS)
        self._use_context()
        return self.use_registry()

    def use_registry(self) -> list[StoredVersion]:
        """Judge the versions the registry graph lists (the other named graphs are left alone); return them."""
        rows = self.store.query(VERSIONS_QUERY)
        assert isinstance(rows, ox.QuerySolutions)  # noqa: S101 - a SELECT answers with solutions
        names = [variable.value for variable in rows.variables]
        versions = versions_from_rows(
            {name: from_ox(row[name]) for name in names if row[name] is not None} for row in rows
        )
        self.graphs.extend(version.graph for version in versions)
        return versions

    def profile(self) -> DataProfile:
        """Which predicates the versions and the plan slice use (see :class:`DataProfile`)."""
        skip = self._versions_only()
        rows = self.select(f"SELECT DISTINCT ?p WHERE {{ GRAPH ?{GRAPH_VARIABLE} {{ ?s ?p ?o }} {skip} }}")
        reports = frozenset(str(row[0].value) for row in rows if row[0] is not None)
        rows = self.select(f"SELECT DISTINCT ?c WHERE {{ GRAPH ?{GRAPH_VARIABLE} {{ ?s a ?c }} {skip} }}")
        report_types = frozenset(str(row[0].value) for row in rows if row[0] is not None)
        return DataProfile(reports, self._plan_predicates, report_types, self._plan_types)

    def _versions_only(self) -> str:
        """A FILTER keeping ``?ipgraph_graph`` to version graphs: it leaves out the few other named graphs."""
        versions = {ox.NamedNode(str(graph)) for graph in self.graphs}
        others = [graph for graph in self.store.named_graphs() if graph not in versions]
        if not others:
            return ""
        # A graph named by a blank node cannot be written in an expression; isIRI leaves those out.
        named = sorted(str(graph) for graph in others if isinstance(graph, ox.NamedNode))
        return f"FILTER (isIRI(?{GRAPH_VARIABLE}) && ?{GRAPH_VARIABLE} NOT IN ({', '.join(named)}))"

    def share_plan_subclasses(self) -> None:
        """Copy the plan's rdfs:subClassOf links into each version holding links of its own, so a subclass
        closure inside one graph is complete for it (see ``shape_compiler._Compiler.instance_of``)."""
        subclass = ox.NamedNode(str(RDFS.subClassOf))
        plan_links = list(self.store.quads_for_pattern(None, subclass, None, ox.DefaultGraph()))
        if not plan_links:
            return
        graphs = {quad.graph_name for quad in self.store.quads_for_pattern(None, subclass, None)}
        for graph in graphs - {ox.DefaultGraph()}:
            self.store.extend(ox.Quad(quad.subject, quad.predicate, quad.object, graph) for quad in plan_links)

    def keep_focus_sets(self, compiled: CompiledShapes, plan_checked: bool = False) -> None:
        """Compute each shape's focus nodes once and keep them where its checks start (see :class:`FocusSet`).

        ``plan_checked``: the caller already made sure the plan holds no focus nodes (it asks once per
        compilation, not once per report)."""
        skip = self._versions_only()
        for focus in compiled.focus_sets:
            if not plan_checked and self.store.query(focus.plan_query):
                raise RevalidationError(
                    f"the plan itself holds focus nodes of {focus.shape}; re-validation checks reports only"
                )
            self.store.clear_graph(ox.NamedNode(str(focus.graph)))
            # One update: the rows never become Python objects.
            self.store.update(
                f"INSERT {{ GRAPH <{focus.graph}> {{ ?{GRAPH_VARIABLE} <{FOCUS_LINK}> ?this }} }} "
                f"WHERE {{ {{ {focus.query} }} {skip} }}"
            )

    def select(self, query: str) -> Iterable[ox.QuerySolution]:
        """Run one compiled SELECT."""
        rows = self.store.query(query)
        if not isinstance(rows, ox.QuerySolutions):
            raise TypeError("compiled checks are SELECT queries")
        return rows


def _ox_quad(triple: tuple[Node, Node, Node], graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    subject, predicate, obj = triple
    return ox.Quad(to_ox(subject), to_ox_named_node(predicate), to_ox(obj), graph)  # type: ignore[arg-type]


def check_dataset(dataset: Dataset, rules: Rules) -> tuple[list[Finding], CompiledShapes]:
    """Run every compiled check over ``dataset``: the findings, and the compiled checks (for timing)."""
    dataset.share_plan_subclasses()
    compiled = compile_shapes(rules.shapes, dataset.profile())
    dataset.keep_focus_sets(compiled)
    # The engine evaluates with Python's lock released, so checks run side by side use every core.
    with ThreadPoolExecutor(max_workers=max(1, min(len(compiled.checks), os.cpu_count() or 1))) as pool:
        per_check = list(pool.map(lambda check: run_check(dataset, check), compiled.checks))
    return [finding for found in per_check for finding in found], compiled


def run_check(dataset: Dataset, check: CompiledCheck) -> list[Finding]:
    """The findings of one check, one per distinct row (pySHACL drops repeated rows per focus node too)."""
    found: dict[tuple[object, ...], Finding] = {}
    for row in dataset.select(check.query):
        graph, focus = row[GRAPH_VARIABLE], row["this"]
        if not isinstance(graph, ox.NamedNode) or focus is None:
            raise RevalidationError(f"{check.name} gave a row outside any stored version")
        bindings: list[tuple[str, Identifier]] = []
        value: Identifier | None = None
        path: Identifier | None = None
        for name in check.variables:
            term = row[name]
            if term is None:
                continue
            if name == "value":
                value = from_ox(term)
            elif name == "path":
                path = from_ox(term)
            else:
                bindings.append((name, from_ox(term)))
        finding = Finding(URIRef(graph.value), check, from_ox(focus), value, path, tuple(bindings))
        found.setdefault((graph, focus, value, path, finding.bindings), finding)
    return list(found.values())


def results_graph(findings: Iterable[Finding], shapes: Graph) -> Graph:
    """The findings as a SHACL validation report, each result as pySHACL writes it for the same row."""
    results = Graph()
    report = BNode()
    results.add((report, RDF.type, SH.ValidationReport))
    violated = False
    copied: set[Node] = set()
    for finding in findings:
        check = finding.check
        node = BNode()
        results.add((report, SH.result, node))
        results.add((node, RDF.type, SH.ValidationResult))
        results.add((node, SH.sourceConstraintComponent, check.component))
        results.add((node, SH.sourceShape, check.shape))
        results.add((node, SH.resultSeverity, check.severity))
        results.add((node, SH.focusNode, finding.focus))
        value = finding.value if finding.value is not None or not check.value_is_focus else finding.focus
        if value is not None:
            results.add((node, SH.value, value))
        path = finding.path if finding.path is not None else check.path
        if path is not None:
            results.add((node, SH.resultPath, path))
            if isinstance(path, BNode) and path not in copied:
                copied.add(path)
                _copy_structure(shapes, path, results)
        if check.constraint is not None:
            results.add((node, SH.sourceConstraint, check.constraint))
            for message in check.messages:
                results.add((node, SH.resultMessage, Literal(_format(str(message), finding, value))))
        else:
            for message in check.messages:
                results.add((node, SH.resultMessage, message))
        violated = violated or check.severity == SH.Violation
    results.add((report, SH.conforms, Literal(not violated)))
    return results


def _format(message: str, finding: Finding, value: Identifier | None) -> str:
    """Fill ``{?name}`` from the row as pySHACL does (its other variables first, then this, path, value)."""
    values: dict[str, Identifier] = dict(finding.bindings)
    values["this"] = finding.focus
    if finding.path is not None:
        values["path"] = finding.path
    if value is not None:
        values["value"] = value
    for name, term in values.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    return message


def _copy_structure(shapes: Graph, node: Node, into: Graph) -> None:
    """Copy the triples describing a blank node (a path) and the blank nodes under it."""
    for predicate, value in shapes.predicate_objects(node):
        into.add((node, predicate, value))
        if isinstance(value, BNode):
            _copy_structure(shapes, value, into)


@dataclass(frozen=True)
class VersionOutcome:
    """One stored version judged again: whether it conforms now, and every issue."""

    version: StoredVersion
    conforms: bool
    issues: tuple[Issue, ...]


@dataclass(frozen=True)
class Revalidation:
    """One run over the whole store."""

    shapes_version: str
    plan_version: str
    finished_at: dt.datetime
    seconds: float
    checks: int
    outcomes: tuple[VersionOutcome, ...]

    @property
    def failing(self) -> tuple[VersionOutcome, ...]:
        """The versions that do not conform now."""
        return tuple(outcome for outcome in self.outcomes if not outcome.conforms)


def judge(findings: Iterable[Finding], rules: Rules) -> dict[URIRef, tuple[bool, tuple[Issue, ...]]]:
    """Group findings by version and turn each group into issues (versions without findings are left out)."""
    by_graph: dict[URIRef, list[Finding]] = {}
    for finding in findings:
        by_graph.setdefault(finding.graph, []).append(finding)
    judged: dict[URIRef, tuple[bool, tuple[Issue, ...]]] = {}
    for graph, group in by_graph.items():
        issues = issues_from_results(results_graph(group, rules.shapes), rules.templates)
        judged[graph] = (not any(issue.severity == "violation" for issue in issues), issues)
    return judged


def revalidate_store(store: Store, rules: Rules) -> Revalidation:
    """Re-validate every stored version (current and replaced) against ``rules``."""
    started = time.perf_counter()
    if isinstance(store, EmbeddedStore):
        dataset, versions = Dataset.over(store.in_memory_copy(), rules.context)
    else:
        dataset = Dataset(rules.context)
        body = store.dump(None, "application/n-quads")
        assert body is not None  # noqa: S101 - no output path given: the dump is returned
        versions = dataset.load_nquads(body)
        del body
    findings, compiled = check_dataset(dataset, rules)
    judged = judge(findings, rules)
    outcomes = tuple(VersionOutcome(version, *judged.get(version.graph, (True, ()))) for version in versions)
    return Revalidation(
        shapes_version=rules.shapes_version,
        plan_version=rules.plan_version,
        finished_at=dt.datetime.now(dt.UTC),
        seconds=time.perf_counter() - started,
        checks=len(compiled.checks),
        outcomes=outcomes,
    )


def by_graph(outcomes: Iterable[VersionOutcome]) -> Mapping[URIRef, VersionOutcome]:
    """Outcomes keyed by version graph."""
    return {outcome.version.graph: outcome for outcome in outcomes}


__all__ = [
    "Dataset",
    "Finding",
    "Revalidation",
    "RevalidationError",
    "Rules",
    "UnsupportedShapeError",
    "VersionOutcome",
    "check_dataset",
    "judge",
    "revalidate_store",
]
