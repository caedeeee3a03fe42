"""What a report form asks for, read from the report shapes and the plan at run time (issue 11).

Field labels, help texts, order, groups and required-ness come from the property shapes of
``shapes/report.shapes.ttl`` (``sh:name``, ``sh:description``, ``sh:order``, ``sh:group``, ``sh:minCount``);
allowed values from ``sh:in`` or from the code list the shapes' ``ipg:CodeListConstraint`` checks the path
against; datatypes from ``sh:datatype``, else the ontology's ``rdfs:range``. Which duties an organisation
reports on, the indicators and their units come from the plan. The HTML form, the workbook and the messages
all read this one description, so a change to a shape changes all three.

>>> model = load_form_model(PROJECT)  # doctest: +SKIP
>>> [field.name.en for field in model.fields("person")]  # doctest: +SKIP
['Full name', 'Position', 'Email or telephone', 'Email', 'Telephone']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from ipgraph.reports.validation import PLAN_FILES, SHAPES_FILES
from ipgraph.vocab import IPG, IPR

Part = Literal["report", "person", "duty", "observation"]
Kind = Literal["choice", "date", "year", "number", "text", "plain", "email", "phone", "fixed"]

#: The node shapes whose property shapes make up each part of the form.
PART_SHAPES: dict[Part, URIRef] = {
    "report": IPG.ReportShape,
    "person": IPG.ResponsiblePersonShape,
    "duty": IPG.DutyStatementShape,
    "observation": IPG.ObservationShape,
}
_CODE_LIST_BINDING = re.compile(r"BIND\s*\(\s*(\S+)\s+AS\s+\?path\s*\)\s*BIND\s*\(\s*(\S+)\s+AS\s+\?scheme\s*\)")
_NUMERIC = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double, XSD.float}


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese and English."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``vi`` or ``en``), falling back to the other language."""
        return (self.en or self.vi) if lang == "en" else (self.vi or self.en)


@dataclass(frozen=True)
class Choice:
    """One allowed value: a concept of a code list with its labels."""

    value: URIRef
    label: Text

    @property
    def key(self) -> str:
        """The value as plain text, as a form field sends it back (rdflib terms never equal plain strings)."""
        return str(self.value)


@dataclass(frozen=True)
class FieldSpec:
    """One field of the form, as the shapes describe its path."""

    part: Part
    path: URIRef
    key: str
    name: Text
    description: Text
    group: URIRef | None
    order: float
    required: bool
    datatype: URIRef | None
    kind: Kind
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Duty:
    """A duty of the plan as a reporter sees it: reference (``V.1.a``), the plan's words, whether it leads."""

    iri: URIRef
    reference: str
    words: Text
    lead: bool

    def title(self, lang: str, limit: int = 90) -> str:
        """``V.1.a — Chủ trì, theo dõi…``: the reference and the start of the plan's words."""
        words = self.words.get(lang)
        short = words if len(words) <= limit else words[: limit - 1].rstrip(" ,;") + "…"
        return f"{self.reference} — {short}" if short else self.reference


@dataclass(frozen=True)
class Indicator:
    """An indicator of the plan and its own unit."""

    iri: URIRef
    label: Text
    unit: URIRef | None


@dataclass(frozen=True)
class Group:
    """A ``sh:PropertyGroup``: a heading of the form."""

    iri: URIRef
    label: Text
    order: float


class FormModel:
    """The form's description: fields per part, groups, organisations, their duties, indicators, labels."""

    def __init__(self, shapes: Graph, plan: Graph) -> None:
        self._shapes, self._plan = shapes, plan
        self.labels: dict[Node, Text] = _labels(plan) | _labels(shapes)
        schemes = _code_list_schemes(shapes)
        self.indicators: tuple[Indicator, ...] = _indicators(plan, self.labels)
        unit_schemes = {s for i in self.indicators if i.unit for s in plan.objects(i.unit, SKOS.inScheme)}
        units = tuple(c for scheme in sorted(unit_schemes, key=str) for c in _choices(plan, scheme, self.labels))
        self._fields: dict[Part, tuple[FieldSpec, ...]] = {
            part: _fields(shapes, plan, shape, part, schemes, self.labels, units) for part, shape in PART_SHAPES.items()
        }
        self.groups: dict[URIRef, Group] = {
            group: Group(group, self.labels.get(group, Text("", "")), _number(shapes.value(group, SH.order)))
            for group in shapes.subjects(RDF.type, SH.PropertyGroup)
            if isinstance(group, URIRef)
        }
        self._duties = _duty_holdings(plan, _reporting_roles(shapes))
        self.organisations: tuple[tuple[URIRef, Text], ...] = tuple(
            sorted(
                ((org, self.labels[org]) for org in self._duties if org in self.labels),
                key=lambda item: item[1].vi,
            )
        )

    def fields(self, part: Part) -> tuple[FieldSpec, ...]:
        """The named fields of ``part``, by their group's ``sh:order`` then their own."""
        return tuple(sorted(self._fields[part], key=lambda item: (self._group_order(item.group), item.order, item.key)))

    def _group_order(self, group: URIRef | None) -> float:
        found = self.groups.get(group) if group is not None else None
        return found.order if found is not None else 0.0

    def field(self, part: Part, path: URIRef) -> FieldSpec | None:
        """The field of ``part`` for ``path``, if the shapes name one."""
        return next((item for item in self._fields[part] if item.path == path), None)

    def field_by_key(self, part: Part, key: str) -> FieldSpec | None:
        """The field of ``part`` whose path's local name is ``key``."""
        return next((item for item in self._fields[part] if item.key == key), None)

    def duties_of(self, organisation: URIRef) -> tuple[Duty, ...]:
        """The duties ``organisation`` reports on, in the plan's order: those it holds in a role the shapes accept
        (lead, partner, requested), directly, as a member of a group the plan names, or as ``ipg:successor`` of the
        organisation the plan named (the same three ways ``ipg:DutyBelongsToReporterConstraint`` accepts)."""
        return self._duties.get(organisation, ())

    def holdings(self) -> dict[URIRef, tuple[Duty, ...]]:
        """Every organisation's duties (see :meth:`duties_of`)."""
        return dict(self._duties)

    def duty(self, iri: Node) -> Duty | None:
        """Any duty of the plan by IRI (the first holder's view of it)."""
        for duties in self._duties.values():
            for duty in duties:
                if duty.iri == iri:
                    return duty
        return None

    def duty_by_reference(self, organisation: URIRef, reference: str) -> Duty | None:
        """One of ``organisation``'s duties by its reference (``V.1.a``; ``dd`` is read as ``đ``)."""
        wanted = reference.strip().replace("dd", "đ")
        return next((duty for duty in self.duties_of(organisation) if duty.reference == wanted), None)

    def indicator(self, iri: Node) -> Indicator | None:
        """The indicator ``iri``, if the plan has it."""
        return next((item for item in self.indicators if item.iri == iri), None)

    def organisation_name(self, organisation: Node | None, lang: str) -> str:
        """The organisation's name in ``lang`` ("" when unknown)."""
        text = self.labels.get(organisation) if organisation is not None else None
        return text.get(lang) if text is not None else ""


@lru_cache(maxsize=4)
def load_form_model(project_dir: Path) -> FormModel:
    """Parse the shapes and the plan files of ``project_dir`` once per process and describe the form."""
    shapes = Graph()
    for name in SHAPES_FILES:
        shapes.parse(project_dir / name, format="turtle")
    plan = Graph()
    for name in PLAN_FILES:
        plan.parse(project_dir / name, format="turtle")
    return FormModel(shapes, plan)


def _texts(graph: Graph, node: Node, predicate: URIRef) -> Text:
    found: dict[str, str] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, RdfLiteral) and value.language in ("vi", "en"):
            found.setdefault(value.language, str(value))
    return Text(found.get("vi", ""), found.get("en", ""))


def _labels(graph: Graph) -> dict[Node, Text]:
    labels: dict[Node, Text] = {}
    for predicate in (RDFS.label, SKOS.prefLabel):
        for subject in set(graph.subjects(predicate, None)):
            text = _texts(graph, subject, predicate)
            if text.vi or text.en:
                labels[subject] = text
    return labels


def _number(value: Node | None) -> float:
    try:
        return float(str(value)) if value is not None else 1e9
    except ValueError:
        return 1e9


_ROLE_FILTER = re.compile(r"\?role\s+IN\s*\(([^)]*)\)")


def _reporting_roles(shapes: Graph) -> frozenset[URIRef]:
    """The roles in which an organisation may report on a duty, as the shapes' SPARQL accepts them
    (``FILTER (?role IN (ipr:role-lead, …))``), so the form offers exactly the duties the gate will take."""
    expand = _expander(shapes)
    roles = {
        expand(name.strip())
        for select in shapes.objects(None, SH.select)
        for group in _ROLE_FILTER.findall(str(select))
        for name in group.split(",")
        if name.strip()
    }
    return frozenset(roles) or frozenset({IPR["role-lead"], IPR["role-partner"]})


def _expander(shapes: Graph) -> Callable[[str], URIRef]:
    prefixes = {
        str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
        for declaration in shapes.objects(None, SH.declare)
    }

    def expand(curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        return URIRef(prefixes.get(prefix, prefix + ":") + local)

    return expand


def _code_list_schemes(shapes: Graph) -> dict[URIRef, URIRef]:
    """Path → code list, read from the SPARQL of every constraint that binds ``?path`` and ``?scheme``."""
    expand = _expander(shapes)
    found: dict[URIRef, URIRef] = {}
    for select in shapes.objects(None, SH.select):
        for path, scheme in _CODE_LIST_BINDING.findall(str(select)):
            found[expand(path)] = expand(scheme)
    return found


def _choices(plan: Graph, scheme: Node, labels: dict[Node, Text]) -> tuple[Choice, ...]:
    """The concepts of ``scheme``, by ``sh:order`` where the code list gives one, else by Vietnamese label."""
    concepts = [c for c in plan.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)]
    named = [Choice(c, labels.get(c, Text(str(c), str(c)))) for c in concepts]
    return tuple(sorted(named, key=lambda item: (_number(plan.value(item.value, SH.order)), item.label.vi)))


def _fields(
    shapes: Graph,
    plan: Graph,
    shape: URIRef,
    part: Part,
    schemes: dict[URIRef, URIRef],
    labels: dict[Node, Text],
    units: tuple[Choice, ...],
) -> tuple[FieldSpec, ...]:
    by_path: dict[Node, list[Node]] = {}
    for property_shape in shapes.objects(shape, SH.property):
        path = shapes.value(property_shape, SH.path)
        if path is not None:
            by_path.setdefault(path, []).append(property_shape)
    fields: list[FieldSpec] = []
    for path, property_shapes in by_path.items():
        named = [ps for ps in property_shapes if (ps, SH.name, None) in shapes]
        if not named:
            continue
        main = named[0]
        iri = path if isinstance(path, URIRef) else URIRef(str(IPG)) + "contact"
        required = any(int(str(shapes.value(ps, SH.minCount) or 0)) > 0 for ps in property_shapes)
        datatype = next(
            (shapes.value(ps, SH.datatype) for ps in property_shapes if (ps, SH.datatype, None) in shapes), None
        ) or plan.value(path, RDFS.range)
        choices = _in_choices(shapes, property_shapes, labels)
        if not choices and iri in schemes:
            choices = _choices(plan, schemes[iri], labels)
        if not choices and iri == URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"):
            choices = units
        fields.append(
            FieldSpec(
                part=part,
                path=iri,
                key=_key(iri),
                name=_texts(shapes, main, SH.name),
                description=_texts(shapes, main, SH.description),
                group=group if isinstance(group := shapes.value(main, SH.group), URIRef) else None,
                order=_number(shapes.value(main, SH.order)),
                required=required,
                datatype=datatype if isinstance(datatype, URIRef) else None,
                kind=_kind(iri, datatype, bool(choices), isinstance(path, URIRef)),
                choices=choices,
            )
        )
    return tuple(sorted(fields, key=lambda item: (item.order, item.key)))


def _in_choices(shapes: Graph, property_shapes: Iterable[Node], labels: dict[Node, Text]) -> tuple[Choice, ...]:
    for property_shape in property_shapes:
        members = shapes.value(property_shape, SH["in"])
        if members is not None:
            return tuple(
                Choice(URIRef(str(item)), labels.get(item, Text(str(item), str(item))))
                for item in shapes.items(members)
            )
    return ()


def _kind(path: URIRef, datatype: Node | None, has_choices: bool, simple: bool) -> Kind:
    if not simple or path in (IPG.aboutDuty, URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")):
        return "fixed"
    if path == FOAF.mbox:
        return "email"
    if path == FOAF.phone:
        return "phone"
    if path == FOAF.name:
        return "plain"
    if has_choices or path == IPG.reportingOrganization:
        return "choice"
    if datatype == XSD.date:
        return "date"
    if datatype == XSD.gYear:
        return "year"
    if datatype in _NUMERIC or path == URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue"):
        return "number"
    return "text"


def _key(path: URIRef) -> str:
    text = str(path)
    return re.split(r"[#/]", text)[-1]


def _indicators(plan: Graph, labels: dict[Node, Text]) -> tuple[Indicator, ...]:
    unit_property = URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure")
    found = []
    for concept in plan.subjects(SKOS.inScheme, IPR.indicators):
        if isinstance(concept, URIRef):
            unit = plan.value(concept, unit_property)
            found.append(
                Indicator(concept, labels.get(concept, Text("", "")), unit if isinstance(unit, URIRef) else None)
            )
    return tuple(sorted(found, key=lambda item: item.label.vi))


def _reference(plan: Graph, duty: Node) -> str:
    clause = plan.value(duty, DCTERMS.source)
    local = str(clause or duty).rsplit("/", 1)[-1].removeprefix("duty-")
    return re.sub(r"(^|\.)dd(\.|$)", r"\1đ\2", local)


def _duty_holdings(plan: Graph, roles: frozenset[URIRef]) -> dict[URIRef, tuple[Duty, ...]]:
    """Organisation → the duties it reports on (see :meth:`FormModel.duties_of`)."""
    lead = IPR["role-lead"]
    assigned: dict[Node, dict[Node, bool]] = {}
    for duty in plan.subjects(RDF.type, IPG.Duty):
        for association in plan.objects(duty, PROV.qualifiedAssociation):
            role = plan.value(association, PROV.hadRole)
            agent = plan.value(association, PROV.agent)
            if agent is not None and role in roles:
                held = assigned.setdefault(agent, {})
                held[duty] = held.get(duty, False) or role == lead
    members = {(group, member) for group, member in plan.subject_objects(FOAF.member)}
    successors = {(old, new) for old, new in plan.subject_objects(IPG.successor)}
    organisations = [o for o in plan.subjects(RDF.type, ORG.Organization) if isinstance(o, URIRef)]
    holdings: dict[URIRef, tuple[Duty, ...]] = {}
    for organisation in organisations:
        sources: list[Node] = [organisation]
        sources += [group for group, member in members if member == organisation]
        sources += [old for old, new in successors if new == organisation]
        duties: dict[Node, bool] = {}
        for source in sources:
            for duty, leads in assigned.get(source, {}).items():
                duties[duty] = duties.get(duty, False) or leads
        if duties:
            holdings[organisation] = tuple(
                sorted(
                    (
                        Duty(
                            URIRef(str(d)),
                            _reference(plan, d),
                            _texts(plan, plan.value(d, DCTERMS.source) or d, IPG.text),
                            leads,
                        )
                        for d, leads in duties.items()
                    ),
                    key=lambda duty: _reference_key(duty.reference),
                )
            )
    return holdings


def _reference_key(reference: str) -> tuple[tuple[int, str], ...]:
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
    parts = []
    for piece in reference.split("."):
        if piece in roman:
            parts.append((roman[piece], ""))
        elif piece.isdigit():
            parts.append((int(piece), ""))
        else:
            parts.append((0, piece.replace("đ", "d~")))
    return tuple(parts)
