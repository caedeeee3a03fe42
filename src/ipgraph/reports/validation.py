"""Validate an annual report against shapes/report.shapes.ttl with the plan as data, plus checks across years.

The shapes and the plan are parsed once, in :meth:`ReportValidator.from_project`. By default each
:meth:`ReportValidator.validate` call runs the shapes as compiled SPARQL checks over the slice of the plan the
shapes consult plus the report (:mod:`ipgraph.reports.compiled_shacl`), about three times faster than pySHACL.

pySHACL is owned here (STYLE: one owner module per library) and stays the reference and the fallback: for shapes
the compiler does not know, and with ``engine="pyshacl"``, it runs with SHACL-SPARQL (``advanced=True``) and no
inference, in place over a small data graph, so nothing is cloned. Each thread keeps its own parsed shapes, so
calls from several worker threads never share pySHACL's caches.

>>> validator = ReportValidator.from_project(PROJECT)  # PROJECT: a checkout of ipgraph
>>> report = Graph().parse(data="<urn:r> a <https://w3id.org/ipgraph/def#AnnualReport> .", format="turtle")
>>> outcome = validator.validate(report)
>>> outcome.conforms, outcome.issues[0].message_en
(False, 'Report date (dcterms:issued): exactly one is required.')
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCTERMS, RDF, SH
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from ipgraph.errors import UnsupportedShapeError, ValidationCancelledError
from ipgraph.reports.compiled_shacl import CompiledShacl
from ipgraph.reports.issues import ExtraResult, Issue, MessageTemplates, Severity, add_results, issues_from_results
from ipgraph.reports.parsing import parse_report
from ipgraph.reports.plan_slice import CONTEXT_CLASSES, PLAN_FILES, PLAN_PREDICATES, SHAPES_FILES, plan_context
from ipgraph.reports.plausibility import PlausibilityBands, check_plausibility
from ipgraph.settings import ValidationEngine
from ipgraph.sparql_parser_lock import SPARQL_PARSER_LOCK
from ipgraph.store.scratch import ScratchStore
from ipgraph.vocab import CANONICAL_BASE, IPG, sparql_prologue

_LOG = logging.getLogger(__name__)

_PYSHACL_OPTIONS = {"advanced": True, "inference": "none", "inplace": True, "allow_warnings": True}


def _remember_sparql_checks() -> None:
    """Make pySHACL check each SHACL-SPARQL query text for forbidden forms once, not once per focus node.

    pySHACL runs ``SPARQLQueryHelper.check_invalid_sparql`` (a handful of regular expressions over the whole
    query text: MINUS, VALUES, SERVICE, nested SELECT, AS) before every query it sends, about 40 % of a
    validation's time. Its answer depends only on the text, on whether ``$value`` is pre-bound and on the extra
    variables (the regular expressions are class attributes), so a query found valid once stays valid; a query
    found invalid is not remembered and raises every time, as before.
    """
    check = SPARQLQueryHelper.check_invalid_sparql
    if getattr(check, "remembers", False):
        return
    valid: set[tuple[str, bool, frozenset[str]]] = set()

    def remembering_check(
        helper: SPARQLQueryHelper,
        sparql_text: str,
        valuenode: Node | None = None,
        extravars: Iterable[str] | None = None,
    ) -> bool:
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key not in valid:
            check(helper, sparql_text, valuenode=valuenode, extravars=extravars)  # type: ignore[no-untyped-call]
            valid.add(key)
        return True

    remembering_check.remembers = True  # type: ignore[attr-defined]
    SPARQLQueryHelper.check_invalid_sparql = remembering_check  # type: ignore[method-assign]


_remember_sparql_checks()


def _build_reports_without_text() -> None:
    """Make pySHACL build its report graph without the text report nobody here reads.

    pySHACL appends each result's text to one string with ``+=``; the string is copied each time, so the cost
    grows with the square of the number of results (22,501 results of a report repeating one observation took
    440 s in that one loop, with no step where a cancellation could stop it). ipgraph reads only the report graph
    (:meth:`ReportValidator._run_shacl` drops the text), so the results reach pySHACL's builder with empty texts.
    """
    build = Validator.create_validation_report
    if getattr(build, "without_text", False):
        return

    def build_without_text(
        validator_class: type[Validator], shapes: Any, conforms: bool, results: list[tuple[Any, ...]]
    ) -> Any:
        return build.__func__(validator_class, shapes, conforms, [("", *result[1:]) for result in results])  # type: ignore[attr-defined]

    build_without_text.without_text = True  # type: ignore[attr-defined]
    Validator.create_validation_report = classmethod(build_without_text)  # type: ignore[method-assign,assignment]


_build_reports_without_text()


@dataclass(frozen=True)
class ValidationOutcome:
    """The result of validating one report: whether it may be stored, and every issue found."""

    conforms: bool
    issues: tuple[Issue, ...]
    results_graph: rdflib.Graph
    organisation: URIRef | None
    year: int | None
    report: Node | None
    shapes_version: str

    def count(self, severity: Severity) -> int:
        """How many issues of ``severity`` the outcome holds."""
        return sum(1 for issue in self.issues if issue.severity == severity)


class ReportValidator:
    """Validates reports; build it once (:meth:`from_project`) and share it between threads."""

    def __init__(self, shapes: Graph, plan: Graph, shapes_version: str, engine: ValidationEngine = "compiled") -> None:
        self._shapes_source = shapes
        self._templates = MessageTemplates.from_shapes(shapes)
        self._context = plan_context(plan)
        self._bands = PlausibilityBands.from_plan(plan)
        self.shapes_version = shapes_version
        self._local = threading.local()
        self._compiled = CompiledShacl(shapes, self._context) if engine == "compiled" else None
        self._fallback_lock = threading.Lock()

    @classmethod
    def from_project(cls, project_dir: Path, engine: ValidationEngine = "compiled") -> ReportValidator:
        """Parse the report shapes and the plan's graphs of the checkout at ``project_dir``, once."""
        shapes = Graph()
        digest = hashlib.sha256()
        for name in SHAPES_FILES:
            content = (project_dir / name).read_bytes()
            digest.update(content)
            shapes.parse(data=content, format="turtle")
        plan = Graph()
        for name in PLAN_FILES:
            plan.parse(project_dir / name, format="turtle")
        return cls(shapes, plan, digest.hexdigest(), engine)

    @property
    def engine(self) -> ValidationEngine:
        """What runs the shapes now: the compiled checks, or pySHACL (chosen, or fallen back to)."""
        return "compiled" if self._compiled is not None else "pyshacl"

    @property
    def shapes_graph(self) -> Graph:
        """The report shapes as parsed (do not modify)."""
        return self._shapes_source

    def validate(
        self,
        report: Graph,
        earlier_reports: Graph | Callable[[], Graph | None] | None = None,
        today: datetime.date | None = None,
        cancelled: threading.Event | None = None,
    ) -> ValidationOutcome:
        """Check ``report`` against the shapes and the plan, and against ``earlier_reports`` for plausibility.

        ``earlier_reports`` may be a function giving them: it is called only once the shapes are checked, so a
        caller can fetch them meanwhile. ``today`` is the date the service receives the report: when given and the
        report has no dcterms:dateSubmitted, timeliness is judged by it. ``report`` itself is never modified. Setting
        ``cancelled`` stops the run with :class:`ValidationCancelledError` before the next compiled check (or at
        pySHACL's next look at the data).
        """
        extra: list[ExtraResult] = []
        reports = sorted(set(report.subjects(RDF.type, IPG.AnnualReport)), key=str)
        if not reports:
            extra.append(_missing_report())
        elif len(reports) > 1:
            extra.append(_several_reports(reports))
        the_report = reports[0] if len(reports) == 1 else None
        # Triples the plan slice holds already are left out, so each is in the data once (counts stay right).
        added = [triple for triple in _own_triples(report, extra) if triple not in self._context]
        # Lateness is judged only for a report that carries its date: without one the report is refused for the
        # missing date, and a lateness computed from the day of receipt would be a second finding for one cause.
        dated = the_report is not None and (the_report, DCTERMS.issued, None) in report
        if (
            the_report is not None
            and dated
            and today is not None
            and (the_report, DCTERMS.dateSubmitted, None) not in report
        ):
            added.append((the_report, DCTERMS.dateSubmitted, RdfLiteral(today)))
        results = self._shacl(added, cancelled)
        if cancelled is not None and cancelled.is_set():  # reading thousands of results is a step of its own
            raise ValidationCancelledError("the validation was cancelled: its client went away or was answered")
        earlier = earlier_reports() if callable(earlier_reports) else earlier_reports
        if the_report is not None and earlier is not None:
            extra.extend(check_plausibility(report, the_report, earlier, self._bands))
        add_results(results, extra)
        issues = issues_from_results(results, self._templates)
        return ValidationOutcome(
            conforms=not any(issue.severity == "violation" for issue in issues),
            issues=issues,
            results_graph=results,
            organisation=_organisation(report, the_report),
            year=_year(report, the_report),
            report=the_report,
            shapes_version=self.shapes_version,
        )

    def shacl_results(self, triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
        """pySHACL's report for the plan slice plus ``triples``, exactly as :meth:`validate` runs it but without
        ipgraph's own checks: the reference the whole-store re-validation (reports.revalidation) is tested against.
        """
        return self._pyshacl([triple for triple in triples if triple not in self._context], None)

    def compiled_results(self, triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
        """The compiled checks' report for the plan slice plus ``triples`` (what :meth:`validate` runs by default),
        for comparison with :meth:`shacl_results`."""
        if self._compiled is None:
            raise UnsupportedShapeError("this validator runs pySHACL only")
        return self._compiled.results([triple for triple in triples if triple not in self._context])

    def _shacl(self, added: list[tuple[Node, Node, Node]], cancelled: threading.Event | None) -> Graph:
        """The SHACL report for the plan slice plus ``added``: from the compiled checks, or from pySHACL when the
        shapes hold something the compiler does not know (a warning says so, once)."""
        compiled = self._compiled
        if compiled is not None:
            try:
                return compiled.results(added, cancelled)
            except UnsupportedShapeError as error:
                with self._fallback_lock:
                    if self._compiled is not None:
                        self._compiled = None
                        _LOG.warning("report shapes run with pySHACL from now on: %s", error)
        return self._pyshacl(added, cancelled)

    def _pyshacl(self, added: list[tuple[Node, Node, Node]], cancelled: threading.Event | None) -> Graph:
        # The thread's data graph holds the plan slice; the report is added for this run and taken out after.
        state = self._thread_state()
        state.data.add_all(added)
        state.data.cancelled = cancelled
        try:
            return self._run_shacl(state)
        finally:
            state.data.cancelled = None
            state.data.remove_all(added)

    def _run_shacl(self, state: _ThreadState) -> Graph:
        validator = Validator(
            DataGraph.from_rdflib(state.data), shacl_graph=state.shapes, options=dict(_PYSHACL_OPTIONS)
        )
        if state.compiled is not None:
            validator.shacl_graph = state.compiled  # reuse the shapes pySHACL already harvested in this thread
        else:
            state.compiled = validator.shacl_graph
        _conforms, results, _text = validator.run()  # type: ignore[no-untyped-call]
        if not isinstance(results, Graph):  # pySHACL returns the report graph unless told to serialise it
            raise TypeError(f"pySHACL returned {type(results).__name__}, not a graph")
        return results

    def _thread_state(self) -> _ThreadState:
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            shapes = _with_inline_prefixes(self._shapes_source)
            data = _MirroredGraph()
            data.add_all(list(self._context))
            state = self._local.state = _ThreadState(shapes, data)
        return state


@dataclass
class _ThreadState:
    """One thread's copies of what pySHACL mutates or caches: the shapes, their harvested form, the data graph."""

    shapes: Graph
    data: _MirroredGraph
    compiled: ShapesGraph | None = None


class _MirroredGraph(Graph):
    """The data graph pySHACL sees: an rdflib graph for its core constraints, mirrored in an in-memory Oxigraph
    store that answers its SHACL-SPARQL queries (rdflib's engine would take most of a validation's time).

    pySHACL sends each SHACL-SPARQL constraint once per focus node, with ``$this`` pre-bound. While the data is
    unchanged, the mirror runs such a query once with ``$this`` free and answers every focus node from the rows
    grouped by ``?this`` (see :func:`_groupable`): one query per constraint instead of one per focus node.
    """

    def __init__(self) -> None:
        super().__init__()
        self.mirror = ScratchStore()
        self._by_this: dict[str, tuple[list[str], dict[Identifier, list[dict[str, Identifier]]]] | None] = {}
        #: Set while a validation runs: when its event is set, the next look at the data stops the run.
        self.cancelled: threading.Event | None = None

    def triples(self, triple: Any, *args: Any, **kwargs: Any) -> Any:
        """rdflib's triples, after checking that the validation asking for them is still wanted."""
        self._stop_if_cancelled()
        return super().triples(triple, *args, **kwargs)

    def _stop_if_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled.is_set():
            raise ValidationCancelledError("the validation was cancelled: its client went away or was answered")

    def add_all(self, triples: list[tuple[Node, Node, Node]]) -> None:
        """Add ``triples`` to the graph and its mirror."""
        self._by_this.clear()
        for triple in triples:
            self.add(triple)
        self.mirror.add(triples)

    def remove_all(self, triples: list[tuple[Node, Node, Node]]) -> None:
        """Remove ``triples`` from the graph and its mirror."""
        self._by_this.clear()
        for triple in triples:
            self.remove(triple)
        self.mirror.remove(triples)

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """Answer a SPARQL SELECT text (pySHACL's only use) from the mirror, as an rdflib result."""
        self._stop_if_cancelled()
        if not isinstance(query_object, str) or initNs:
            return self._query_with_rdflib(query_object, processor, result, initNs, initBindings, **kwargs)
        bindings = {str(name): value for name, value in (initBindings or {}).items()}
        grouped = self._grouped(query_object) if set(bindings) == {"this"} else None
        if grouped is not None:
            names, rows = grouped[0], grouped[1].get(bindings["this"], [])
        else:
            try:
                names, rows = self.mirror.select(query_object, bindings)
            except RuntimeError:  # a binding the query does not project: let rdflib answer
                return self._query_with_rdflib(query_object, processor, result, initNs, initBindings, **kwargs)
        answer = Result("SELECT")
        answer.vars = [Variable(name) for name in names]
        answer.bindings = [{Variable(name): value for name, value in row.items()} for row in rows]
        return answer

    def _query_with_rdflib(
        self,
        query_object: str | Query,
        processor: str,
        result: str,
        init_ns: Mapping[str, Any] | None,
        init_bindings: Mapping[str, Identifier] | None,
        **kwargs: Any,
    ) -> Result:
        """rdflib's own answer, parsing the text with rdflib's SPARQL parser, which is not thread-safe: it takes
        turns with every other user of that parser (:mod:`ipgraph.sparql_parser_lock`)."""
        with SPARQL_PARSER_LOCK:
            return super().query(query_object, processor, result, init_ns, init_bindings, True, **kwargs)

    def _grouped(self, text: str) -> tuple[list[str], dict[Identifier, list[dict[str, Identifier]]]] | None:
        """The rows of ``text`` run with ``$this`` free, by the node ``?this`` is bound to (None: not groupable)."""
        if text in self._by_this:
            return self._by_this[text]
        grouped: tuple[list[str], dict[Identifier, list[dict[str, Identifier]]]] | None = None
        if _groupable(text):
            names, rows = self.mirror.select(text)
            by_this: dict[Identifier, list[dict[str, Identifier]]] = {}
            for row in rows:
                focus = row.get("this")
                if focus is None:  # a row without ?this: per focus node, the query could answer differently
                    by_this = {}
                    break
                by_this.setdefault(focus, []).append(row)
            else:
                grouped = (names, by_this)
        self._by_this[text] = grouped
        return grouped


# Forms under which "run with $this free, keep the rows for one node" could differ from "run with $this bound":
# aggregates and solution modifiers act on all rows at once, and a nested SELECT has its own scope.
_NOT_GROUPABLE = re.compile(
    r"\b(GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY|DISTINCT|REDUCED)\b"
    r"|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\("
    r"|\bSELECT\b[\s\S]*\bSELECT\b",
    re.IGNORECASE,
)


def _groupable(text: str) -> bool:
    """Whether ``text``, a SELECT that projects ``$this``, may be answered per focus node from one unbound run.

    For a SELECT without aggregates, solution modifiers or nested SELECTs, binding ``$this`` beforehand gives
    exactly the rows of the unbound query in which ``?this`` is that node, as long as every row binds ``?this``
    (checked on the rows). The PREFIX lines are left out of the test: an IRI may contain any of these words.
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().upper().startswith("PREFIX"))
    return re.search(r"SELECT\s+[^{]*[$?]this\b", body, re.IGNORECASE) is not None and not _NOT_GROUPABLE.search(body)


def _with_inline_prefixes(shapes: Graph) -> Graph:
    """A copy of ``shapes`` whose SPARQL queries carry their PREFIX declarations in the text.

    SHACL defines ``sh:prefixes`` as exactly that (SHACL §5.2.1); done once here, it spares pySHACL collecting
    the declarations again for every constraint on every run, about a quarter of a validation's time.
    """
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace)
    copy += shapes
    for constraint, declared in list(copy.subject_objects(SH.prefixes)):
        prefixes = {
            str(copy.value(declaration, SH.prefix)): str(copy.value(declaration, SH.namespace))
            for declaration in copy.objects(declared, SH.declare)
        }
        for select in list(copy.objects(constraint, SH.select)):
            text = str(select)
            used = {name: iri for name, iri in prefixes.items() if f"{name}:" in text}
            copy.set((constraint, SH.select, RdfLiteral(sparql_prologue(used) + text)))
        copy.remove((constraint, SH.prefixes, declared))
    return copy


def _own_triples(report: Graph, extra: list[ExtraResult]) -> Iterable[tuple[Node, Node, Node]]:
    """The report's triples, without those that would change what the plan says (each refused as a violation).

    The shapes read the plan from the same data graph, so an upload may neither make statements about
    ipgraph's own resources (to claim a duty for its organisation, say) nor define plan terms of its own (a
    "duty" or an "indicator" under another IRI, who holds it, which code list it is in).
    """
    refused_subjects: set[URIRef] = set()
    refused_terms: set[tuple[Node, Node, Node]] = set()
    for triple in report:
        subject, predicate, value = triple
        if isinstance(subject, URIRef) and str(subject).startswith(CANONICAL_BASE):
            refused_subjects.add(subject)
        elif predicate in PLAN_PREDICATES or (predicate == RDF.type and value in CONTEXT_CLASSES):
            refused_terms.add(triple)
        else:
            yield triple
    for subject in sorted(refused_subjects, key=str):
        extra.append(
            ExtraResult(
                severity="violation",
                message_vi=f"Báo cáo không được đưa ra phát biểu về tài nguyên của ipgraph {subject}; hãy dùng "
                "nút trống hoặc IRI của riêng đơn vị cho báo cáo và các phần của nó.",
                message_en=f"A report may not make statements about ipgraph's own resource {subject}; name the "
                "report and its parts with blank nodes or IRIs of your own.",
                focus=subject,
                shape=IPG.ReportShape,
            )
        )
    for subject, predicate, value in sorted(refused_terms, key=lambda triple: tuple(map(str, triple))):
        extra.append(
            ExtraResult(
                severity="violation",
                message_vi=f"Báo cáo không được tự định nghĩa thuật ngữ của Kế hoạch ({predicate} {value}): nhiệm "
                "vụ, cơ quan, bộ mã và phân công chỉ lấy từ Kế hoạch.",
                message_en=f"A report may not define plan terms of its own ({predicate} {value}): duties, "
                "organisations, code lists and who holds what come from the plan only.",
                focus=subject,
                path=predicate,
                value=value,
                shape=IPG.ReportShape,
            )
        )


def _missing_report() -> ExtraResult:
    return ExtraResult(
        severity="violation",
        message_vi="Tài liệu không có báo cáo: cần đúng một nút kiểu ipg:AnnualReport.",
        message_en="The document holds no report: exactly one node of type ipg:AnnualReport is expected.",
        path=RDF.type,
        shape=IPG.ReportShape,
    )


def _several_reports(reports: list[Node]) -> ExtraResult:
    names = ", ".join(node.n3() for node in reports)
    return ExtraResult(
        severity="violation",
        message_vi=f"Tài liệu có {len(reports)} báo cáo ({names}); mỗi lần gửi đúng một báo cáo ipg:AnnualReport.",
        message_en=f"The document holds {len(reports)} reports ({names}); send exactly one ipg:AnnualReport at a time.",
        path=RDF.type,
        shape=IPG.ReportShape,
    )


def _organisation(report: Graph, node: Node | None) -> URIRef | None:
    if node is None:
        return None
    values = [value for value in report.objects(node, IPG.reportingOrganization) if isinstance(value, URIRef)]
    return values[0] if len(values) == 1 else None


def _year(report: Graph, node: Node | None) -> int | None:
    if node is None:
        return None
    values = list(report.objects(node, IPG.reportingYear))
    if len(values) != 1:
        return None
    text = str(values[0])
    return int(text) if text.isdigit() and len(text) == 4 else None


__all__ = [
    "PLAN_FILES",
    "SHAPES_FILES",
    "Issue",
    "ReportValidator",
    "Severity",
    "ValidationCancelledError",
    "ValidationEngine",
    "ValidationOutcome",
    "parse_report",
    "plan_context",
]
