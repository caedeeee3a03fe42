"""Form values ⇄ report RDF: what the HTML form and the workbook both fill in, turned into the report graph the
SHACL gate checks, and a stored report turned back into values (for the workbook of a stored version).

Values are a flat mapping of field names to text, named after the shapes' paths::

    report.issued, report.fundsUsed, report.fundingSource.vi, report.difficulties.en, person.name, person.mbox,
    duty.3.duty, duty.3.status, duty.3.account.vi, obs.2.indicator, obs.2.obsValue, obs.2.explanation.vi, …

Nothing is judged here that the shapes judge: a value that is not a date or not a number goes into the graph as
plain text, so the one SHACL gate refuses it with its own message, which :class:`Locator` then points back to
the field. The report and its parts get ``urn:ipgraph:form:…`` names (the service renames them when it stores
the report) so that every finding can be located.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import FOAF, RDF, XSD
from rdflib.term import Node

from ipgraph.reports.form_model import FieldSpec, FormModel
from ipgraph.vocab import IPG, IPR, PREFIXES

QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
YEAR_BASE = "http://reference.data.gov.uk/id/year/"
FORM_BASE = "urn:ipgraph:form:"
REPORT_NODE = URIRef(FORM_BASE + "report")
PERSON_NODE = URIRef(FORM_BASE + "person")
LANGUAGES = ("vi", "en")
_VIETNAMESE_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class Locator:
    """Where each (focus, path) of the produced graph came from: a field name of the values."""

    fields: Mapping[tuple[str, str], str] = field(default_factory=dict)
    nodes: Mapping[str, str] = field(default_factory=dict)

    def find(self, focus: str | None, path: str | None, value: str | None = None) -> str | None:
        """The field a finding about ``focus``, ``path`` and ``value`` (as :func:`ipgraph.reports.issues.compact`
        names them) belongs to: by path, else by value (a duty named by a report-wide check), else the node's
        first field."""
        if focus is None:
            return None
        for candidate in [*(path or "").split("|"), value or ""]:
            found = self.fields.get((focus, _expand(candidate)))
            if found is not None:
                return found
        return self.nodes.get(focus)


@dataclass(frozen=True)
class Produced:
    """A report graph made from values, and where each of its statements came from."""

    graph: Graph
    locator: Locator

    def turtle(self) -> bytes:
        """The graph as Turtle with the project's prefixes: exactly what is validated and stored."""
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace, override=True)
        return self.graph.serialize(format="turtle", encoding="utf-8")


def values_to_graph(model: FormModel, organisation: URIRef, year: int, values: Mapping[str, str]) -> Produced:
    """The report graph for ``organisation`` and ``year`` from form or workbook ``values``."""
    graph = Graph()
    located: dict[tuple[str, str], str] = {}
    nodes: dict[str, str] = {str(REPORT_NODE): "report.issued", str(PERSON_NODE): "person.name"}
    report = REPORT_NODE
    graph.add((report, RDF.type, IPG.AnnualReport))
    graph.add((report, RDF.type, URIRef(QB + "DataSet")))
    graph.add((report, URIRef(QB + "structure"), IPR["dsd-annual-report"]))
    graph.add((report, IPG.reportingOrganization, organisation))
    graph.add((report, IPG.reportingYear, RdfLiteral(str(year), datatype=XSD.gYear)))
    located[(str(report), str(IPG.reportingOrganization))] = "organisation"
    located[(str(report), str(IPG.reportingYear))] = "year"
    for spec in model.fields("report"):
        if spec.kind not in ("choice", "fixed", "year"):
            _add_values(graph, report, spec, "report", values, located)
    person = PERSON_NODE
    person_fields = [spec for spec in model.fields("person") if spec.kind != "fixed"]
    if any(_given(values, f"person.{spec.key}", spec) for spec in person_fields):
        graph.add((report, IPG.responsiblePerson, person))
        graph.add((person, RDF.type, FOAF.Person))
        located[(str(report), str(IPG.responsiblePerson))] = "person.name"
        for spec in person_fields:
            _add_values(graph, person, spec, "person", values, located)
    else:
        located[(str(report), str(IPG.responsiblePerson))] = "person.name"
    for index in row_indices(values, "duty"):
        duty = values.get(f"duty.{index}.duty", "").strip()
        given = [spec for spec in model.fields("duty") if spec.kind != "fixed"]
        found = model.duty(URIRef(duty)) if duty else None
        lead = found is not None and any(item.lead and item.iri == found.iri for item in model.duties_of(organisation))
        if not duty or not (lead or any(_given(values, f"duty.{index}.{spec.key}", spec) for spec in given)):
            continue
        node = URIRef(f"{FORM_BASE}duty-{index}")
        nodes[str(node)] = f"duty.{index}.status"
        graph.add((report, IPG.dutyStatement, node))
        graph.add((node, RDF.type, IPG.DutyStatement))
        graph.add((node, IPG.aboutDuty, URIRef(duty)))
        located[(str(node), str(IPG.aboutDuty))] = f"duty.{index}.status"
        for spec in given:
            _add_values(graph, node, spec, f"duty.{index}", values, located)
        # Report-wide checks (completeness, whose duty it is) name the duty by IRI: point them at its status.
        located[(str(report), duty)] = f"duty.{index}.status"
    for index in row_indices(values, "obs"):
        prefix = f"obs.{index}"
        if not values.get(f"{prefix}.obsValue", "").strip():
            continue
        node = URIRef(f"{FORM_BASE}observation-{index}")
        nodes[str(node)] = f"{prefix}.obsValue"
        graph.add((node, RDF.type, URIRef(QB + "Observation")))
        graph.add((node, URIRef(QB + "dataSet"), report))
        graph.add((node, URIRef(SDMX_DIMENSION + "refPeriod"), URIRef(f"{YEAR_BASE}{year}")))
        located[(str(node), SDMX_DIMENSION + "refPeriod")] = f"{prefix}.obsValue"
        for spec in model.fields("observation"):
            if spec.kind != "fixed":
                _add_values(graph, node, spec, prefix, values, located)
    return Produced(graph, Locator(located, nodes))


def graph_to_values(model: FormModel, graph: Graph) -> tuple[URIRef, int, dict[str, str]]:
    """The organisation, year and values of a report graph (one ``ipg:AnnualReport``): the inverse of
    :func:`values_to_graph` for every report that conforms."""
    report = next(iter(graph.subjects(RDF.type, IPG.AnnualReport)))
    organisation = graph.value(report, IPG.reportingOrganization)
    year = graph.value(report, IPG.reportingYear)
    if not isinstance(organisation, URIRef) or year is None:
        raise ValueError("the report names no organisation or year")
    values: dict[str, str] = {}
    for spec in model.fields("report"):
        if spec.kind not in ("choice", "fixed", "year"):
            _read_values(graph, report, spec, "report", values)
    person = graph.value(report, IPG.responsiblePerson)
    if person is not None:
        for spec in model.fields("person"):
            if spec.kind != "fixed":
                _read_values(graph, person, spec, "person", values)
    statements = sorted(
        graph.objects(report, IPG.dutyStatement),
        key=lambda node: _duty_position(model, organisation, graph.value(node, IPG.aboutDuty)),
    )
    for index, node in enumerate(statements, start=1):
        values[f"duty.{index}.duty"] = str(graph.value(node, IPG.aboutDuty) or "")
        for spec in model.fields("duty"):
            if spec.kind != "fixed":
                _read_values(graph, node, spec, f"duty.{index}", values)
    observations = sorted(
        graph.subjects(URIRef(QB + "dataSet"), report),
        key=lambda node: tuple(str(graph.value(node, spec.path) or "") for spec in model.fields("observation")),
    )
    for index, node in enumerate(observations, start=1):
        for spec in model.fields("observation"):
            if spec.kind != "fixed":
                _read_values(graph, node, spec, f"obs.{index}", values)
    return organisation, int(str(year)[:4]), values


def _duty_position(model: FormModel, organisation: URIRef, duty: Node | None) -> tuple[int, str]:
    for position, item in enumerate(model.duties_of(organisation)):
        if item.iri == duty:
            return position, ""
    return 10_000, str(duty)


def row_indices(values: Mapping[str, str], part: str) -> list[int]:
    """The row numbers ``i`` used by the form's field names ``{part}.{i}.{field}`` (``duty.3.status``), in order:
    the form, its preview and the workbook all number repeated rows this way."""
    found = set()
    for name in values:
        pieces = name.split(".")
        if len(pieces) >= 3 and pieces[0] == part and pieces[1].isdigit():
            found.add(int(pieces[1]))
    return sorted(found)


def _given(values: Mapping[str, str], name: str, spec: FieldSpec) -> bool:
    names = [f"{name}.{lang}" for lang in LANGUAGES] if spec.kind == "text" else [name]
    return any(values.get(item, "").strip() for item in names)


def _add_values(
    graph: Graph,
    node: URIRef,
    spec: FieldSpec,
    prefix: str,
    values: Mapping[str, str],
    located: dict[tuple[str, str], str],
) -> None:
    name = f"{prefix}.{spec.key}"
    located[(str(node), str(spec.path))] = f"{name}.vi" if spec.kind == "text" else name
    if spec.kind == "text":
        for lang in LANGUAGES:
            text = values.get(f"{name}.{lang}", "").strip()
            if text:
                graph.add((node, spec.path, RdfLiteral(text, lang=lang)))
        return
    text = values.get(name, "").strip()
    if text:
        graph.add((node, spec.path, _term(spec, text)))


def _term(spec: FieldSpec, text: str) -> Node:
    if spec.kind == "choice":
        return URIRef(text) if ":" in text else RdfLiteral(text)
    if spec.kind == "email":
        return URIRef(text if text.startswith("mailto:") else "mailto:" + text.replace(" ", ""))
    if spec.kind == "phone":
        return URIRef(text if text.startswith("tel:") else "tel:" + text.replace(" ", ""))
    if spec.kind == "date":
        return _date(text)
    if spec.kind == "number":
        return _number(text)
    return RdfLiteral(text)


def _date(text: str) -> RdfLiteral:
    """An ``xsd:date`` from ``2023-10-05`` or the Vietnamese ``05/10/2023``; anything else stays text."""
    match = _VIETNAMESE_DATE.match(text)
    candidate = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}" if match else text
    try:
        return RdfLiteral(dt.date.fromisoformat(candidate).isoformat(), datatype=XSD.date)
    except ValueError:
        return RdfLiteral(text)


def _number(text: str) -> RdfLiteral:
    """An integer or decimal; spaces and the thousands dots of ``1.000.000`` are allowed, a comma is read as the
    decimal mark; anything else stays text for the shapes to refuse."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    if re.fullmatch(r"-?\d+", cleaned):
        return RdfLiteral(int(cleaned))
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return RdfLiteral(text)
    if not number.is_finite() or not re.fullmatch(r"-?\d+\.\d+", cleaned):
        return RdfLiteral(text)
    return RdfLiteral(number, datatype=XSD.decimal)


def _read_values(graph: Graph, node: Node, spec: FieldSpec, prefix: str, values: dict[str, str]) -> None:
    name = f"{prefix}.{spec.key}"
    found = list(graph.objects(node, spec.path))
    if spec.kind == "text":
        for value in found:
            lang = value.language if isinstance(value, RdfLiteral) else None
            if lang in LANGUAGES:
                values[f"{name}.{lang}"] = str(value)
        return
    if not found:
        return
    value = found[0]
    text = str(value)
    if spec.kind == "email":
        text = text.removeprefix("mailto:")
    elif spec.kind == "phone":
        text = text.removeprefix("tel:")
    values[name] = text


def _expand(name: str) -> str:
    prefix, colon, local = name.partition(":")
    if colon and prefix in PREFIXES:
        return str(PREFIXES[prefix]) + local
    return name
