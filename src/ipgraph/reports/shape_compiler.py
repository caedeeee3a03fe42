"""Compile the report shapes into SPARQL queries that check every stored report version in one run each.

pySHACL checks one data graph at a time (15–24 ms per report); re-validating a national store that way takes
minutes. Here each constraint of ``shapes/report.shapes.ttl`` becomes one SELECT over a dataset whose named
graphs are the stored versions and whose default graph is the plan slice the one-report path validates with
(``validation.plan_context``). Each row is one validation result: ``?ipgraph_graph`` (the version), ``?this``
(the focus node), ``?value`` and, for SHACL-SPARQL constraints, the constraint's own variables. A triple pattern
matches the plan or the focus node's own graph (:func:`ipgraph.reports.sparql_rewrite.graph_pattern`), so each
version is judged against exactly the union pySHACL sees for it.

Supported: node shapes with ``sh:targetClass``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
``sh:targetNode``; property shapes with IRI, inverse, sequence and alternative paths; ``sh:minCount``,
``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` (+ ``sh:flags``), ``sh:in``,
``sh:hasValue``, ``sh:languageIn``, ``sh:uniqueLang``; SHACL-SPARQL ``sh:select`` constraints on node shapes.
Anything else on a shape raises :class:`UnsupportedShapeError`, so a new kind of constraint can never be dropped
without notice: the compiler must learn it (and the differential test against pySHACL must pass) first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from ipgraph.errors import UnsupportedShapeError
from ipgraph.reports.sparql_rewrite import GRAPH_VARIABLE, Path, Rewriter, graph_pattern, rewrite_select

G = f"?{GRAPH_VARIABLE}"
#: Where focus sets are kept in the re-validation dataset (names no stored graph can have).
FOCUS_GRAPH_BASE = "urn:ipgraph:revalidation:focus:"
FOCUS_LINK = "urn:ipgraph:revalidation:in"
_CLASS_VARIABLE = f"?{GRAPH_VARIABLE}_class"
_SUBCLASS = f"<{RDFS.subClassOf}>"
_TYPE = f"<{RDF.type}>"

#: Annotations a shape may carry that change no result.
_ANNOTATIONS = frozenset(
    {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
)
_TARGETS = frozenset({SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode})
_VALUE_CONSTRAINTS = frozenset(
    {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn, SH.hasValue}
)
_PROPERTY_ONLY = frozenset({SH.minCount, SH.maxCount, SH.uniqueLang})
_SHAPE_KEYS = frozenset({SH.message, SH.severity, SH.deactivated, SH.flags})
_NODE_SHAPE_KEYS = _ANNOTATIONS | _TARGETS | _VALUE_CONSTRAINTS | _SHAPE_KEYS | {SH.property, SH.sparql}
_PROPERTY_SHAPE_KEYS = _ANNOTATIONS | _VALUE_CONSTRAINTS | _PROPERTY_ONLY | _SHAPE_KEYS | {SH.path}
_SPARQL_KEYS = frozenset({RDF.type, RDFS.label, RDFS.comment, SH.message, SH.prefixes, SH.select, SH.deactivated})

#: Datatypes whose well-formedness SPARQL can test with a cast (an ill-typed literal fails sh:datatype).
_CASTABLE = frozenset(
    {
        XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.dateTime, XSD.date, XSD.time,
        XSD.gYear, XSD.gYearMonth, XSD.duration,
    }
)  # fmt: skip
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}


@dataclass(frozen=True)
class DataProfile:
    """Which predicates (and, for rdf:type, which classes) the stored reports and the plan slice use: a pattern is
    only sent to the side that can match it. Built from the data of one run, so it is exact for that run."""

    report_predicates: frozenset[str]
    plan_predicates: frozenset[str]
    report_types: frozenset[str] = frozenset()
    plan_types: frozenset[str] = frozenset()

    def in_reports(self, predicate: str, obj: str = "?") -> bool:
        """Whether any report graph may hold a triple ``?s <predicate> obj``."""
        return self._holds(predicate, obj, self.report_predicates, self.report_types)

    def in_plan(self, predicate: str, obj: str = "?") -> bool:
        """Whether the plan slice may hold a triple ``?s <predicate> obj``."""
        return self._holds(predicate, obj, self.plan_predicates, self.plan_types)

    @staticmethod
    def _holds(predicate: str, obj: str, predicates: frozenset[str], types: frozenset[str]) -> bool:
        iri = predicate.strip("<>")
        if iri not in predicates:
            return False
        if iri == str(RDF.type) and obj.startswith("<") and obj.endswith(">"):
            return obj[1:-1] in types
        return True


@dataclass(frozen=True)
class CompiledCheck:
    """One constraint as a query over every version, and what a pySHACL result for one of its rows holds."""

    name: str
    query: str
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    messages: tuple[Literal, ...]
    constraint: Node | None = None
    value_is_focus: bool = False
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class FocusSet:
    """The focus nodes of one node shape. They are computed once (``query``: DISTINCT ``?ipgraph_graph ?this``)
    and kept in the dataset as ``?ipgraph_graph <FOCUS_LINK> ?this`` in graph ``graph`` (a focus node may be a
    literal, so it is the object), which every check of the
    shape starts from, instead of recomputing a union of targets per check. ``plan_query`` is an ASK that is
    true when the plan slice itself holds a focus node (re-validation then refuses to run: it assumes focus nodes
    come from reports)."""

    shape: str
    graph: URIRef
    query: str
    plan_query: str


@dataclass(frozen=True)
class CompiledShapes:
    """Every check of the shapes, and the focus sets they start from."""

    checks: tuple[CompiledCheck, ...]
    focus_sets: tuple[FocusSet, ...]


def n3(term: Node) -> str:
    """A term as SPARQL text."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedShapeError(f"blank node {term} as a constraint parameter is not supported")


def compile_shapes(shapes: Graph, profile: DataProfile) -> CompiledShapes:
    """Compile every active node shape of ``shapes`` (and its property shapes and SPARQL constraints)."""
    compiler = _Compiler(shapes, profile)
    node_shapes = sorted(
        {*shapes.subjects(RDF.type, SH.NodeShape), *(s for t in _TARGETS for s in shapes.subjects(t, None))},
        key=str,
    )
    for dangling in sorted(set(shapes.subjects(SH.path, None)) - set(shapes.objects(None, SH.property)), key=str):
        raise UnsupportedShapeError(f"property shape {dangling} is not reached through sh:property of a node shape")
    checks: list[CompiledCheck] = []
    focus_sets: list[FocusSet] = []
    for shape in node_shapes:
        if _deactivated(shapes, shape):
            continue
        query, in_plan = compiler.focus(shape)
        graph = URIRef(f"{FOCUS_GRAPH_BASE}{len(focus_sets)}")
        focus_sets.append(FocusSet(_name(shapes, shape), graph, query, in_plan))
        checks.extend(compiler.node_shape(shape, f"GRAPH <{graph}> {{ {G} <{FOCUS_LINK}> ?this }}"))
    return CompiledShapes(tuple(checks), tuple(focus_sets))


def _deactivated(shapes: Graph, node: Node) -> bool:
    value = shapes.value(node, SH.deactivated)
    return isinstance(value, Literal) and value.value is True


def _name(shapes: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        return shapes.namespace_manager.normalizeUri(node)
    return f"_:{node}"


def _one(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise UnsupportedShapeError(f"{_name(shapes, node)} has {len(values)} values of {predicate}; one is supported")
    return values[0] if values else None


class _Compiler:
    def __init__(self, shapes: Graph, profile: DataProfile) -> None:
        self.shapes = shapes
        self.profile = profile

    # -- patterns ------------------------------------------------------------------------------------------
    def triple(self, subject: str, predicate: str, obj: str) -> str:
        return graph_pattern(subject, predicate, obj, self.profile.in_reports, self.profile.in_plan)

    def instance_of(self, node: str, cls: Node) -> str:
        """``node`` is an instance of ``cls`` or of a subclass, in the plan or the version (as pySHACL reads
        sh:class and sh:targetClass: rdf:type/rdfs:subClassOf*). ``rdfs:subClassOf*`` is spelt as "``cls``
        itself, or ``rdfs:subClassOf+`` in the plan, or in the version", so the engine starts from the few
        subclasses rather than walking a path from every typed node."""
        alternatives = [self.triple(node, _TYPE, n3(cls))]
        for side in self._subclasses(cls):
            alternatives.append(f"{side} {self.triple(node, _TYPE, _CLASS_VARIABLE)}")
        return " UNION ".join(f"{{ {part} }}" for part in alternatives)

    def _subclasses(self, cls: Node, plan_only: bool = False) -> list[str]:
        """Patterns binding ``?ipgraph_graph_class`` to a strict subclass of ``cls``: as the plan says, and as
        the focus node's version says (re-validation copies the plan's subclass links into every version holding
        links of its own, so each side is a complete closure for the versions it answers for)."""
        closure = f"{_CLASS_VARIABLE} {_SUBCLASS}+ {n3(cls)}"
        sides: list[str] = []
        if self.profile.in_plan(_SUBCLASS):
            sides.append(f"{{ {closure} }}")
        if not plan_only and self.profile.in_reports(_SUBCLASS):
            sides.append(f"GRAPH {G} {{ {closure} }}")
        return sides

    def focus(self, shape: Node) -> tuple[str, str]:
        """The focus nodes of ``shape`` per version (a DISTINCT SELECT of ``?ipgraph_graph ?this``), and an ASK
        that is true when the plan slice holds a focus node."""
        shapes = self.shapes
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
            raise UnsupportedShapeError(f"implicit class target of {_name(shapes, shape)} is not supported")
        in_graph: list[str] = []
        in_plan: list[str] = []
        for cls in shapes.objects(shape, SH.targetClass):
            in_graph.append(f"GRAPH {G} {{ ?this {_TYPE} {n3(cls)} }}")
            in_graph.extend(f"{side} GRAPH {G} {{ ?this {_TYPE} {_CLASS_VARIABLE} }}" for side in self._subclasses(cls))
            in_plan.append(f"?this {_TYPE} {n3(cls)}")
            in_plan.extend(f"{side} ?this {_TYPE} {_CLASS_VARIABLE}" for side in self._subclasses(cls, plan_only=True))
        for predicate in shapes.objects(shape, SH.targetSubjectsOf):
            in_graph.append(f"GRAPH {G} {{ ?this {n3(predicate)} ?any }}")
            in_plan.append(f"?this {n3(predicate)} ?any")
        for predicate in shapes.objects(shape, SH.targetObjectsOf):
            in_graph.append(f"GRAPH {G} {{ ?any {n3(predicate)} ?this }}")
            in_plan.append(f"?any {n3(predicate)} ?this")
        for node in shapes.objects(shape, SH.targetNode):
            raise UnsupportedShapeError(f"sh:targetNode {node} of {_name(shapes, shape)} is not supported")
        if not in_graph:
            raise UnsupportedShapeError(f"node shape {_name(shapes, shape)} has no target")
        union = " UNION ".join(f"{{ {part} }}" for part in in_graph)
        plan_union = " UNION ".join(f"{{ {part} }}" for part in in_plan)
        return f"SELECT DISTINCT {G} ?this WHERE {{ {union} }}", f"ASK {{ {plan_union} }}"

    def value_path(self, path: Node) -> Path:
        """A SHACL path (RDF) as the rewriter's path form."""
        shapes = self.shapes
        if isinstance(path, URIRef):
            return ("iri", n3(path))
        if (path, RDF.first, None) in shapes:
            return ("seq", [self.value_path(step) for step in Collection(shapes, path)])
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            return ("inv", self.value_path(inverse))
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return ("alt", [self.value_path(step) for step in Collection(shapes, alternatives)])
        raise UnsupportedShapeError(f"path {path} (closures, zero-or-one) is not supported")

    # -- shapes --------------------------------------------------------------------------------------------
    def node_shape(self, shape: Node, focus: str) -> list[CompiledCheck]:
        shapes = self.shapes
        self._check_keys(shape, _NODE_SHAPE_KEYS, "node shape")
        checks = self._value_checks(shape, focus, "BIND (?this AS ?value)", None)
        for property_shape in sorted(shapes.objects(shape, SH.property), key=str):
            if _deactivated(shapes, property_shape):
                continue
            self._check_keys(property_shape, _PROPERTY_SHAPE_KEYS, "property shape")
            path = shapes.value(property_shape, SH.path)
            if path is None:
                raise UnsupportedShapeError(f"property shape {property_shape} of {_name(shapes, shape)} has no sh:path")
            rewriter = Rewriter([], lambda text: text, self.profile.in_reports, self.profile.in_plan)
            values = rewriter.emit("?this", self.value_path(path), "?value")
            checks.extend(self._value_checks(property_shape, focus, values, path))
            checks.extend(self._count_checks(property_shape, focus, values, path))
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            if not _deactivated(shapes, constraint):
                checks.append(self._sparql(shape, constraint, focus))
        return checks

    def _check_keys(self, shape: Node, allowed: frozenset[URIRef], kind: str) -> None:
        for predicate in sorted(set(self.shapes.predicates(shape, None)) - allowed, key=str):
            raise UnsupportedShapeError(
                f"{predicate} on {kind} {_name(self.shapes, shape)} is not supported by the re-validation compiler"
            )

    def _check(
        self, shape: Node, component: URIRef, query: str, path: Node | None, value_is_focus: bool = False
    ) -> CompiledCheck:
        shapes = self.shapes
        severity = _one(shapes, shape, SH.severity) or SH.Violation
        assert isinstance(severity, URIRef)  # noqa: S101 - a severity is an IRI
        messages = tuple(m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal))
        name = f"{_name(shapes, shape)} {_name(shapes, component)}"
        variables = ("value",) if query.startswith(f"SELECT DISTINCT {G} ?this ?value") else ()
        return CompiledCheck(name, query, shape, component, severity, path, messages, None, value_is_focus, variables)

    def _value_checks(self, shape: Node, focus: str, values: str, path: Node | None) -> list[CompiledCheck]:
        """Checks made on each value node: a row per value that fails."""
        shapes = self.shapes
        tests: list[tuple[URIRef, str]] = []
        cls = _one(shapes, shape, SH["class"])
        if cls is not None:
            tests.append((SH.ClassConstraintComponent, f"FILTER NOT EXISTS {{ {self.instance_of('?value', cls)} }}"))
        datatype = _one(shapes, shape, SH.datatype)
        if datatype is not None:
            tests.append((SH.DatatypeConstraintComponent, f"FILTER (!({_datatype_test(datatype)}))"))
        kind = _one(shapes, shape, SH.nodeKind)
        if kind is not None:
            if kind not in _NODE_KINDS:
                raise UnsupportedShapeError(f"sh:nodeKind {kind} is not a SHACL node kind")
            tests.append((SH.NodeKindConstraintComponent, f"FILTER (!{_NODE_KINDS[kind]})"))
        pattern = _one(shapes, shape, SH.pattern)
        if pattern is not None:
            flags = _one(shapes, shape, SH.flags)
            arguments = f"{n3(Literal(str(pattern)))}" + (f", {n3(Literal(str(flags)))}" if flags is not None else "")
            test = f"FILTER (isBlank(?value) || !REGEX(STR(?value), {arguments}))"
            tests.append((SH.PatternConstraintComponent, test))
        members = _one(shapes, shape, SH["in"])
        if members is not None:
            allowed = " || ".join(f"sameTerm(?value, {n3(item)})" for item in Collection(shapes, members)) or "false"
            tests.append((SH.InConstraintComponent, f"FILTER (!({allowed}))"))
        languages = _one(shapes, shape, SH.languageIn)
        if languages is not None:
            tests.append((SH.LanguageInConstraintComponent, _language_test(shapes, languages)))
        checks = [
            self._check(
                shape,
                component,
                f"SELECT DISTINCT {G} ?this ?value WHERE {{ {focus} {values} {test} }}",
                path,
            )
            for component, test in tests
        ]
        value = _one(shapes, shape, SH.hasValue)
        if value is not None:
            has = f"FILTER NOT EXISTS {{ {values} FILTER (sameTerm(?value, {n3(value)})) }}"
            query = f"SELECT {G} ?this WHERE {{ {focus} {has} }}"
            checks.append(self._check(shape, SH.HasValueConstraintComponent, query, path))
        return checks

    def _count_checks(self, shape: Node, focus: str, values: str, path: Node) -> list[CompiledCheck]:
        """Checks on the set of value nodes of each focus node: cardinality and unique languages."""
        shapes = self.shapes
        checks: list[CompiledCheck] = []
        for predicate, component, having in (
            (SH.minCount, SH.MinCountConstraintComponent, "<"),
            (SH.maxCount, SH.MaxCountConstraintComponent, ">"),
        ):
            bound = _one(shapes, shape, predicate)
            if bound is None:
                continue
            if not (isinstance(bound, Literal) and isinstance(bound.value, int)):
                raise UnsupportedShapeError(f"{predicate} of {_name(shapes, shape)} must be an integer")
            if having == "<" and bound.value == 1:  # "no value at all": cheaper than counting every value
                query = f"SELECT {G} ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {values} }} }}"
            else:
                body = f"{focus} OPTIONAL {{ {values} }}" if having == "<" else f"{focus} {values}"
                query = (
                    f"SELECT {G} ?this WHERE {{ {body} }} GROUP BY {G} ?this "
                    f"HAVING (COUNT(DISTINCT ?value) {having} {bound.value})"
                )
            checks.append(self._check(shape, component, query, path))
        unique = _one(shapes, shape, SH.uniqueLang)
        if unique is not None and isinstance(unique, Literal) and unique.value is True:
            # One result per language used twice (as pySHACL gives), so ?language is kept to tell the rows apart.
            query = (
                f"SELECT {G} ?this ?language WHERE {{ {focus} {values} "
                f'FILTER (isLiteral(?value) && LANG(?value) != "") }} '
                f"GROUP BY {G} ?this (LCASE(LANG(?value)) AS ?language) HAVING (COUNT(DISTINCT ?value) > 1)"
            )
            check = self._check(shape, SH.UniqueLangConstraintComponent, query, path)
            checks.append(replace(check, variables=("language",)))
        elif unique is not None and not (isinstance(unique, Literal) and unique.value is False):
            raise UnsupportedShapeError(f"sh:uniqueLang of {_name(shapes, shape)} must be true or false")
        return checks

    def _sparql(self, shape: Node, constraint: Node, focus: str) -> CompiledCheck:
        shapes = self.shapes
        self._check_keys(constraint, _SPARQL_KEYS, "SPARQL constraint")
        select = _one(shapes, constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"SPARQL constraint {_name(shapes, constraint)} has no sh:select")
        rewritten = rewrite_select(
            str(select), _declared_prefixes(shapes, constraint), self.profile.in_reports, self.profile.in_plan
        )
        if "failure" in rewritten.variables:
            raise UnsupportedShapeError(f"?failure in {_name(shapes, constraint)} is not supported")
        others = " ".join(f"?{name}" for name in rewritten.variables if name != "this")
        query = f"SELECT {G} ?this {others} WHERE {{ {focus} {rewritten.where[1:-1]} }}"
        check = self._check(shape, SH.SPARQLConstraintComponent, query, None, value_is_focus=True)
        extra = tuple(m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal))
        return CompiledCheck(
            name=f"{_name(shapes, constraint)}",
            query=query,
            shape=shape,
            component=check.component,
            severity=check.severity,
            path=None,
            messages=check.messages + tuple(m for m in extra if m not in check.messages),
            constraint=constraint,
            value_is_focus=True,
            variables=tuple(name for name in rewritten.variables if name != "this"),
        )


def _declared_prefixes(shapes: Graph, constraint: Node) -> dict[str, str]:
    """The ``sh:prefixes`` declarations of a SPARQL constraint (SHACL §5.2.1)."""
    found: dict[str, str] = {}
    for declared in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declared, SH.declare):
            found[str(shapes.value(declaration, SH.prefix))] = str(shapes.value(declaration, SH.namespace))
    return found


def _datatype_test(datatype: Node) -> str:
    """True for a value that is a well-formed literal of ``datatype`` (as pySHACL's sh:datatype reads it)."""
    if datatype == RDF.langString:
        return 'isLiteral(?value) && LANG(?value) != ""'
    if datatype == XSD.string:
        return f"isLiteral(?value) && sameTerm(DATATYPE(?value), {n3(XSD.string)})"
    if datatype in _CASTABLE:
        dt = n3(datatype)
        return f"isLiteral(?value) && sameTerm(DATATYPE(?value), {dt}) && COALESCE(isLiteral({dt}(STR(?value))), false)"
    raise UnsupportedShapeError(f"sh:datatype {datatype}: its well-formedness cannot be checked in SPARQL here")


def _language_test(shapes: Graph, languages: Node) -> str:
    """sh:languageIn as pySHACL reads it: the tag, or its first subtag, in the list (any case); ``*`` any tag."""
    wanted = sorted({str(item).lower() for item in Collection(shapes, languages)})
    if "*" in wanted:
        return 'FILTER (!isLiteral(?value) || LANG(?value) = "")'
    listed = ", ".join(n3(Literal(tag)) for tag in wanted) or '""'
    first = 'LCASE(STRBEFORE(CONCAT(LANG(?value), "-"), "-"))'
    return (
        f'FILTER (!isLiteral(?value) || LANG(?value) = "" '
        f"|| !(LCASE(LANG(?value)) IN ({listed}) || {first} IN ({listed})))"
    )


def each_query(compiled: CompiledShapes) -> Iterable[str]:
    """Every query text, for logging and tests."""
    for check in compiled.checks:
        yield check.query


__all__ = ["CompiledCheck", "CompiledShapes", "DataProfile", "FocusSet", "UnsupportedShapeError", "compile_shapes"]
