"""Reading targets and the observations of current report versions from a store.

Which report versions count (docs/model.md, "Reports"): each accepted version lives in its own named graph
under ``ipgraph:reports/``; a superseded version gets ``prov:invalidatedAtTime`` (on its graph or its report),
so the current version of each organisation and year is the one without it. Example reports live in
``ipgraph:examples`` and are read only when asked for, never together with submissions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ipgraph.progress.model import IndicatorKind, Observation, Target
from ipgraph.store.base import Row, Store
from ipgraph.vocab import GRAPH, IPR

#: Which reports progress is computed from: accepted submissions, or the example reports.
DataSource = TypingLiteral["submissions", "examples"]
DATA_SOURCES: tuple[DataSource, ...] = ("submissions", "examples")
SOURCE_GRAPHS: dict[DataSource, str] = {
    "submissions": str(GRAPH["reports/"]),
    "examples": str(GRAPH["examples"]),
}

#: Growth targets are measured on the yearly totals of this indicator (the plan's "số đơn đăng ký mới").
GROWTH_BASE_INDICATOR = str(IPR["ind-new-ip-applications"])
_REFERENCE_YEAR = "http://reference.data.gov.uk/id/year/"

_PREFIXES = """\
PREFIX ipg: <https://w3id.org/ipgraph/def#>
PREFIX ipr: <https://w3id.org/ipgraph/id/>
PREFIX p160: <https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
"""

TARGETS_QUERY = (
    _PREFIXES
    + """\
SELECT ?target ?clause ?year ?indicator ?indicator_unit ?cumulative ?exact ?minimum ?maximum ?unit ?level
       ?group ?successor ?label ?text ?indicator_label ?unit_label
WHERE {
  ?target a/rdfs:subClassOf* ipg:Target ; ipg:targetYear ?year ; ipg:indicator ?indicator ; dcterms:source ?clause .
  OPTIONAL { ?indicator sdmx-attribute:unitMeasure ?indicator_unit }
  OPTIONAL { ?indicator ipg:isCumulative ?cumulative }
  OPTIONAL { ?target ipg:exactValue ?exact }
  OPTIONAL { ?target ipg:minimumValue ?minimum }
  OPTIONAL { ?target ipg:maximumValue ?maximum }
  OPTIONAL { ?target sdmx-attribute:unitMeasure ?unit OPTIONAL { ?unit skos:prefLabel ?unit_label } }
  OPTIONAL { ?target ipg:trainingLevel ?level }
  OPTIONAL { ?target ipg:targetGroup ?group OPTIONAL { ?group ipg:successor ?successor } }
  { ?target rdfs:label ?label } UNION { ?clause ipg:text ?text } UNION { ?indicator skos:prefLabel ?indicator_label }
}
"""
)

OBSERVATIONS_QUERY = (
    _PREFIXES
    + """\
SELECT ?organisation ?period ?indicator ?value ?category ?level
WHERE {
  GRAPH ?graph {
    ?report a ipg:AnnualReport ; ipg:reportingOrganization ?organisation .
    ?observation qb:dataSet ?report ; ipg:indicator ?indicator ; sdmx-dimension:refPeriod ?period ;
                 sdmx-measure:obsValue ?value .
    OPTIONAL { ?observation ipg:ipCategory ?category }
    OPTIONAL { ?observation ipg:trainingLevel ?level }
  }
  FILTER (STRSTARTS(STR(?graph), ?graphs))
  FILTER NOT EXISTS { ?graph prov:invalidatedAtTime ?graph_superseded }
  FILTER NOT EXISTS { ?report prov:invalidatedAtTime ?report_superseded }
}
"""
)


@dataclass
class _TargetRows:
    """What the rows of one target add up to: its first row, and the values spread over the others."""

    row: Row
    groups: set[str] = field(default_factory=set)
    texts: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, row: Row) -> None:
        for name in ("group", "successor"):
            if name in row:
                self.groups.add(str(row[name]))
        for column in ("label", "text", "indicator_label", "unit_label"):
            term = row.get(column)
            if isinstance(term, Literal) and term.language:
                self.texts[column][term.language] = str(term)


def read_targets(store: Store) -> list[Target]:
    """The plan's targets that name an indicator, in the plan's order."""
    collected: dict[str, _TargetRows] = {}
    for row in store.select(TARGETS_QUERY):
        collected.setdefault(str(row["target"]), _TargetRows(row)).add(row)
    targets = [_target(iri, rows) for iri, rows in collected.items()]
    return sorted(targets, key=lambda target: _reference_key(target.reference))


def _target(iri: str, rows: _TargetRows) -> Target:
    row = rows.row
    kind = _kind(str(row.get("indicator_unit", "")), _boolean(row.get("cumulative")))
    indicator = str(row["indicator"])
    return Target(
        iri=iri,
        reference=_reference(str(row["clause"])),
        year=int(str(row["year"])),
        indicator=indicator,
        measured_indicator=GROWTH_BASE_INDICATOR if kind == "growth" else indicator,
        kind=kind,
        exact=_number(row.get("exact")),
        minimum=_number(row.get("minimum")),
        maximum=_number(row.get("maximum")),
        unit=str(row["unit"]) if "unit" in row else None,
        training_level=str(row["level"]) if "level" in row else None,
        target_group=frozenset(rows.groups),
        labels=dict(rows.texts["label"]),
        texts=dict(rows.texts["text"]),
        indicator_labels=dict(rows.texts["indicator_label"]),
        unit_labels=dict(rows.texts["unit_label"]),
    )


def _kind(indicator_unit: str, cumulative: bool) -> IndicatorKind:
    if indicator_unit == str(IPR["unit-percent-per-year"]):
        return "growth"
    if indicator_unit == str(IPR["unit-percent"]):
        return "percentage"
    return "cumulative" if cumulative else "additive"


def _reference(clause: str) -> str:
    """The plan's own label of a clause: ``II.2.1.a.b3``; ``dd`` in an IRI is the letter ``đ``."""
    local = clause.rsplit("/", 1)[-1]
    return ".".join("đ" if part == "dd" else part for part in local.split("."))


def _reference_key(reference: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (0, part) for part in reference.split("."))


SUCCESSORS_QUERY = (
    _PREFIXES
    + """\
SELECT ?organisation ?successor WHERE { ?organisation ipg:successor ?successor }
"""
)


def read_successors(store: Store) -> dict[str, str]:
    """Each organisation that has one, mapped to the organisation carrying its duties now (one hop)."""
    return {str(row["organisation"]): str(row["successor"]) for row in store.select(SUCCESSORS_QUERY)}


def read_observations(store: Store, source: DataSource = "submissions") -> list[Observation]:
    """The observations of the current report versions in ``source``."""
    rows = store.select(OBSERVATIONS_QUERY, {"graphs": Literal(SOURCE_GRAPHS[source])})
    observations = []
    for row in rows:
        year = _year(row.get("period"))
        value = _number(row.get("value"))
        if year is None or value is None:
            continue
        observations.append(
            Observation(
                organisation=str(row["organisation"]),
                year=year,
                indicator=str(row["indicator"]),
                value=value,
                ip_category=str(row["category"]) if "category" in row else None,
                training_level=str(row["level"]) if "level" in row else None,
            )
        )
    return observations


def _year(period: Identifier | None) -> int | None:
    """The year of a reference period ``http://reference.data.gov.uk/id/year/2023`` (the Data Cube dimension)."""
    if isinstance(period, URIRef) and str(period).startswith(_REFERENCE_YEAR):
        text = str(period)[len(_REFERENCE_YEAR) :]
        if text.isdigit():
            return int(text)
    return None


def _number(term: Identifier | None) -> float | None:
    if not isinstance(term, Literal):
        return None
    try:
        return float(term.toPython())
    except (TypeError, ValueError):
        return None


def _boolean(term: Identifier | None) -> bool:
    return isinstance(term, Literal) and term.toPython() is True
