"""Plausibility across years: compare a report's figures with the same organisation's earlier reports.

Two checks, both warnings (the plan sets bands, not rules, so an implausible figure is flagged, not refused),
and both silenced by an ``ipg:explanation`` on the observation:

- a cumulative count (an indicator with ``ipg:isCumulative true``) that is lower than in an earlier year;
- new IP applications whose growth over the previous year is far outside the plan's band for average growth
  (targets II.2.1.b, 8–10 %/yr to 2025, and II.2.2.b, 10–12 %/yr to 2030, read from the plan): more than
  :data:`FAR_OUTSIDE_POINTS` percentage points below the band's minimum or above its maximum.

Observations are matched by indicator, IP category and training level (absent = the total).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from ipgraph.reports.issues import ExtraResult, compact
from ipgraph.vocab import IPG, IPR, QB, SDMX_MEASURE

#: How far (in percentage points) growth may lie outside the plan's band before it is flagged.
FAR_OUTSIDE_POINTS = Decimal(5)
APPLICATIONS = IPR["ind-new-ip-applications"]
APPLICATIONS_GROWTH = IPR["ind-new-ip-applications-growth"]
#: Names of the two checks, used as sh:sourceShape of their results (described in shapes/report.shapes.ttl).
CUMULATIVE_CHECK = IPG.CumulativeCountPlausibility
GROWTH_CHECK = IPG.ApplicationGrowthPlausibility

_Key = tuple[Node, Node | None, Node | None]


@dataclass(frozen=True)
class GrowthBand:
    """The plan's band for average yearly growth of new IP applications, for years up to ``until_year``."""

    until_year: int
    minimum: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class PlausibilityBands:
    """What the plan says plausible figures look like: which indicators are cumulative, and growth bands."""

    cumulative: frozenset[Node]
    growth: tuple[GrowthBand, ...]

    @classmethod
    def from_plan(cls, plan: Graph) -> PlausibilityBands:
        """Read the cumulative indicators and the growth targets from the plan's graphs."""
        cumulative = frozenset(
            indicator for indicator in plan.subjects(IPG.isCumulative, RdfLiteral(True)) if indicator is not None
        )
        bands: list[GrowthBand] = []
        for target in plan.subjects(IPG.indicator, APPLICATIONS_GROWTH):
            year, low, high = (
                plan.value(target, IPG.targetYear),
                plan.value(target, IPG.minimumValue),
                plan.value(target, IPG.maximumValue),
            )
            if year is not None and low is not None and high is not None:
                bands.append(GrowthBand(int(str(year)), Decimal(str(low)), Decimal(str(high))))
        return cls(cumulative, tuple(sorted(bands, key=lambda band: band.until_year)))

    def band_for(self, year: int) -> GrowthBand | None:
        """The band that applies to ``year`` (the first whose horizon is not before it)."""
        return next((band for band in self.growth if year <= band.until_year), None)


@dataclass(frozen=True)
class _Observation:
    node: Node
    key: _Key
    value: Decimal
    literal: RdfLiteral
    explained: bool


def check_plausibility(
    report: Graph, report_node: Node, earlier_reports: Graph, bands: PlausibilityBands
) -> list[ExtraResult]:
    """Warnings for ``report_node`` (in ``report``) against the same organisation's earlier reports."""
    organisation = report.value(report_node, IPG.reportingOrganization)
    year = _year_of(report, report_node)
    if organisation is None or year is None:
        return []
    history = _history(earlier_reports, organisation, year)
    found: list[ExtraResult] = []
    for observation in _observations(report, report_node):
        if observation.explained:
            continue
        indicator = observation.key[0]
        if indicator in bands.cumulative:
            found.extend(_fallen(observation, history))
        if indicator == APPLICATIONS:
            band = bands.band_for(year)
            previous = history.get(year - 1, {}).get(observation.key)
            if band is not None and previous is not None:
                found.extend(_growth(observation, previous, year, band))
    return found


def _fallen(observation: _Observation, history: dict[int, dict[_Key, _Observation]]) -> Iterable[ExtraResult]:
    earlier = [(year, by_key[observation.key]) for year, by_key in history.items() if observation.key in by_key]
    if not earlier:
        return
    year, latest = max(earlier, key=lambda item: item[0])
    if observation.value < latest.value:
        indicator = compact(observation.key[0])
        scope = _scope(observation.key)
        yield ExtraResult(
            severity="warning",
            message_vi=f"Giá trị (sdmx-measure:obsValue) {observation.literal} của chỉ tiêu lũy kế "
            f"{indicator}{scope} thấp hơn năm {year} ({latest.literal}); số lũy kế không giảm: hãy sửa hoặc "
            "thêm ipg:explanation.",
            message_en=f"Value (sdmx-measure:obsValue) {observation.literal} of cumulative indicator "
            f"{indicator}{scope} is lower than in {year} ({latest.literal}); a cumulative count does not fall: "
            "correct it or add ipg:explanation.",
            focus=observation.node,
            path=SDMX_MEASURE.obsValue,
            value=observation.literal,
            shape=CUMULATIVE_CHECK,
        )


def _growth(observation: _Observation, previous: _Observation, year: int, band: GrowthBand) -> Iterable[ExtraResult]:
    if previous.value <= 0:
        return
    growth = (observation.value - previous.value) * 100 / previous.value
    if band.minimum - FAR_OUTSIDE_POINTS <= growth <= band.maximum + FAR_OUTSIDE_POINTS:
        return
    shown = f"{growth:.1f}"
    scope = _scope(observation.key)
    yield ExtraResult(
        severity="warning",
        message_vi=f"Số đơn đăng ký mới (ipr:ind-new-ip-applications){scope} {observation.literal} tăng {shown} % so "
        f"với năm {year - 1} ({previous.literal}), khác xa mức {band.minimum}–{band.maximum} %/năm Kế hoạch đặt "
        f"đến {band.until_year}; hãy kiểm tra hoặc thêm ipg:explanation.",
        message_en=f"New IP applications (ipr:ind-new-ip-applications){scope} of {observation.literal} grow by "
        f"{shown} % over {year - 1} ({previous.literal}), far outside the plan's {band.minimum}–{band.maximum} % "
        f"a year to {band.until_year}; check the figure or add ipg:explanation.",
        focus=observation.node,
        path=SDMX_MEASURE.obsValue,
        value=observation.literal,
        shape=GROWTH_CHECK,
    )


def _scope(key: _Key) -> str:
    parts = [compact(term) for term in key[1:] if term is not None]
    return f" ({', '.join(part for part in parts if part)})" if parts else ""


def _history(earlier: Graph, organisation: Node, year: int) -> dict[int, dict[_Key, _Observation]]:
    """Per earlier year, the observations of the organisation's latest report for that year."""
    chosen: dict[int, tuple[str, Node]] = {}
    for candidate in earlier.subjects(IPG.reportingOrganization, organisation):
        if (candidate, RDF.type, IPG.AnnualReport) not in earlier:
            continue
        candidate_year = _year_of(earlier, candidate)
        if candidate_year is None or candidate_year >= year:
            continue
        dated = earlier.value(candidate, DCTERMS.dateSubmitted) or earlier.value(candidate, DCTERMS.issued)
        rank = f"{dated or ''}|{candidate}"
        if candidate_year not in chosen or rank > chosen[candidate_year][0]:
            chosen[candidate_year] = (rank, candidate)
    return {
        candidate_year: {observation.key: observation for observation in _observations(earlier, node)}
        for candidate_year, (_, node) in chosen.items()
    }


def _observations(graph: Graph, report_node: Node) -> Iterable[_Observation]:
    for node in graph.subjects(QB.dataSet, report_node):
        indicator = graph.value(node, IPG.indicator)
        literal = graph.value(node, SDMX_MEASURE.obsValue)
        if not isinstance(indicator, URIRef) or not isinstance(literal, RdfLiteral):
            continue
        try:
            value = Decimal(str(literal))
        except InvalidOperation:
            continue
        key: _Key = (indicator, graph.value(node, IPG.ipCategory), graph.value(node, IPG.trainingLevel))
        explained = graph.value(node, IPG.explanation) is not None
        yield _Observation(node, key, value, literal, explained)


def _year_of(graph: Graph, node: Node) -> int | None:
    value = graph.value(node, IPG.reportingYear)
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() and len(text) == 4 else None
