"""Turn a SHACL validation report graph into :class:`Issue` values, and add ipgraph's own results to it.

pySHACL writes message templates as given ("Reporting year {$value} …"); here ``{$value}``, ``{$this}`` and
``{$path}`` are filled in with compact names (CURIEs, lexical forms), in the graph and in the issues alike, so
the RDF, JSON, CSV and HTML renderings say the same thing. Checks made outside SHACL (a missing report,
plausibility across years) are added to the same graph as ``sh:ValidationResult`` nodes, so that the SHACL
report stays the single record of a validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ipgraph.vocab import PREFIXES

Severity = Literal["violation", "warning", "info"]

_SEVERITIES: Mapping[Node, Severity] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_SEVERITY_IRIS: Mapping[Severity, URIRef] = {name: URIRef(str(iri)) for iri, name in _SEVERITIES.items()}
_SEVERITY_ORDER: Mapping[Severity, int] = {"violation": 0, "warning": 1, "info": 2}
_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")
_IRI = re.compile(r"https?://[^\s<>(),;\"]+")
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


@dataclass(frozen=True)
class Issue:
    """One problem, readable by people (``message_vi``, ``message_en``) and programs (the other fields).

    ``focus``, ``path``, ``value`` and ``shape`` are compact (CURIEs where a prefix is known, blank nodes as
    ``_:…``); ``None`` where the problem has no such part (a missing report, a missing value). ``shape`` names
    the SPARQL constraint when one found the problem, else the node shape whose property was checked.
    """

    severity: Severity
    message_vi: str
    message_en: str
    focus: str | None
    path: str | None
    value: str | None
    shape: str | None


@dataclass(frozen=True)
class ExtraResult:
    """A result found outside pySHACL, to be added to the SHACL report graph."""

    severity: Severity
    message_vi: str
    message_en: str
    focus: Node | None = None
    path: Node | None = None
    value: Node | None = None
    shape: URIRef | None = None


def compact(term: Node | None) -> str | None:
    """A short, stable name for a term: a CURIE for ipgraph's and standard namespaces, ``_:id`` for blank
    nodes, the lexical form for literals, the full IRI otherwise.

    >>> compact(URIRef("https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/duty-V.1.a"))
    'p160:duty-V.1.a'
    """
    if term is None:
        return None
    if isinstance(term, RdfLiteral):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term)
    for prefix, namespace in _NAMESPACES:
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


@dataclass(frozen=True)
class MessageTemplates:
    """What the results need from the shapes: the named shape owning each blank property shape, and each SPARQL
    constraint's message templates by language (pySHACL fills them in but drops their language tags)."""

    owners: Mapping[Node, URIRef]
    templates: Mapping[Node, tuple[tuple[str, re.Pattern[str]], ...]]

    @classmethod
    def from_shapes(cls, shapes: Graph) -> MessageTemplates:
        """Collect owners and templates from the parsed shapes graph."""
        templates: dict[Node, list[tuple[str, re.Pattern[str]]]] = {}
        for constraint in set(shapes.objects(None, SH.sparql)):
            for message in shapes.objects(constraint, SH.message):
                if isinstance(message, RdfLiteral) and message.language:
                    pieces = (re.escape(piece) for piece in _PLACEHOLDER.split(str(message)))
                    pattern = re.compile("^" + "(?s:.*?)".join(pieces) + "$")
                    templates.setdefault(constraint, []).append((message.language, pattern))
        return cls(owning_shapes(shapes), {key: tuple(value) for key, value in templates.items()})

    def language_of(self, constraint: Node | None, message: str) -> str:
        """The language of a filled-in message of ``constraint``, found by matching its templates."""
        for language, pattern in self.templates.get(constraint, ()) if constraint is not None else ():
            if pattern.match(message):
                return language
        return ""


def owning_shapes(shapes: Graph) -> dict[Node, URIRef]:
    """Map each blank property shape to the named node shape it belongs to, for naming results."""
    owners: dict[Node, URIRef] = {}
    for owner, shape in shapes.subject_objects(SH.property):
        if isinstance(owner, URIRef):
            owners[shape] = owner
    return owners


def add_results(results: Graph, extra: Iterable[ExtraResult]) -> None:
    """Add ``extra`` to the validation report in ``results`` and set ``sh:conforms`` to match."""
    report = _report_node(results)
    for item in extra:
        node = BNode()
        results.add((report, SH.result, node))
        results.add((node, RDF.type, SH.ValidationResult))
        results.add((node, SH.resultSeverity, _SEVERITY_IRIS[item.severity]))
        results.add((node, SH.resultMessage, RdfLiteral(item.message_vi, lang="vi")))
        results.add((node, SH.resultMessage, RdfLiteral(item.message_en, lang="en")))
        for predicate, value in (
            (SH.focusNode, item.focus),
            (SH.resultPath, item.path),
            (SH.value, item.value),
            (SH.sourceShape, item.shape),
        ):
            if value is not None:
                results.add((node, predicate, value))
    violated = any(severity == SH.Violation for severity in results.objects(None, SH.resultSeverity))
    results.set((report, SH.conforms, RdfLiteral(not violated)))


def issues_from_results(results: Graph, shapes: MessageTemplates | None = None) -> tuple[Issue, ...]:
    """Every result of the report as an :class:`Issue`, most severe first; message templates filled in, IRIs
    in messages shortened to CURIEs, and the language tags pySHACL drops put back (in the graph too)."""
    known = shapes or MessageTemplates({}, {})
    issues: list[Issue] = []
    for result in set(results.subjects(RDF.type, SH.ValidationResult)):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = _shape_name(results, result, known.owners)
        constraint = results.value(result, SH.sourceConstraint)
        filled: dict[str, str] = {}
        for old in list(results.objects(result, SH.resultMessage)):
            if not isinstance(old, RdfLiteral):
                continue
            language = old.language or known.language_of(constraint, str(old))
            text = _fill(str(old), focus, path, value)
            filled.setdefault(language, text)
            new = RdfLiteral(text, lang=language or None)
            if new != old:
                results.remove((result, SH.resultMessage, old))
                results.add((result, SH.resultMessage, new))
        fallback = filled.get("en") or filled.get("") or _generic(results, result)
        issues.append(
            Issue(
                severity=_SEVERITIES.get(results.value(result, SH.resultSeverity) or SH.Violation, "violation"),
                message_vi=filled.get("vi") or fallback,
                message_en=fallback,
                focus=compact(focus),
                path=_path_name(results, path),
                value=compact(value),
                shape=compact(shape),
            )
        )
    issues.sort(
        key=lambda issue: (
            _SEVERITY_ORDER[issue.severity],
            issue.shape or "",
            issue.path or "",
            issue.value or "",
            issue.message_en,
            issue.focus or "",
        )
    )
    return tuple(issues)


def _report_node(results: Graph) -> Node:
    report = results.value(None, RDF.type, SH.ValidationReport)
    if report is None:
        report = BNode()
        results.add((report, RDF.type, SH.ValidationReport))
    return report


def _fill(template: str, focus: Node | None, path: Node | None, value: Node | None) -> str:
    text = template
    for placeholder, term in (("{$value}", value), ("{?value}", value), ("{$this}", focus), ("{$path}", path)):
        if placeholder in text:
            text = text.replace(placeholder, compact(term) or "—")
    return _IRI.sub(_shorten, text)


def _shorten(match: re.Match[str]) -> str:
    iri = match.group()
    trailing = ""
    while iri and iri[-1] in ".:":
        iri, trailing = iri[:-1], iri[-1] + trailing
    return (compact(URIRef(iri)) or iri) + trailing


def _shape_name(results: Graph, result: Node, owners: Mapping[Node, URIRef]) -> Node | None:
    constraint = results.value(result, SH.sourceConstraint)
    if isinstance(constraint, URIRef):
        return constraint
    shape = results.value(result, SH.sourceShape)
    if shape is None or isinstance(shape, URIRef):
        return shape
    return owners.get(shape, shape)


def _path_name(results: Graph, path: Node | None) -> str | None:
    if path is None or not isinstance(path, BNode):
        return compact(path)
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        members = [compact(item) or "" for item in results.items(alternatives)]
        return "|".join(members)
    return compact(path)


def _generic(results: Graph, result: Node) -> str:
    component = compact(results.value(result, SH.sourceConstraintComponent)) or "a constraint"
    return f"The value does not satisfy {component}."
