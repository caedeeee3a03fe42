"""Plausibility across years: the plan's growth bands, the latest earlier version, other organisations ignored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph

from ipgraph.reports.plausibility import PlausibilityBands
from ipgraph.reports.validation import PLAN_FILES, ReportValidator, parse_report

PROJECT = Path(__file__).resolve().parents[2]
VALID = PROJECT / "data" / "examples" / "valid"
BASE_2023 = (VALID / "so-khoa-hoc-va-cong-nghe-2023.ttl").read_text()
BASE_2024 = (VALID / "so-khoa-hoc-va-cong-nghe-2024.ttl").read_text()


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


def _moved(text: str, old_year: int, new_year: int, prefix: str) -> Graph:
    """A copy of an example report moved to another year, under its own IRIs."""
    moved = text.replace(str(old_year), str(new_year)).replace("urn:example:dost-", f"urn:example:{prefix}-")
    return parse_report(moved.encode(), "text/turtle")


def _applications(text: str, total: int) -> str:
    return text.replace("sdmx-measure:obsValue 450 ;", f"sdmx-measure:obsValue {total} ;")


def test_bands_are_read_from_the_plan_targets() -> None:
    plan = Graph()
    for name in PLAN_FILES:
        plan.parse(PROJECT / name, format="turtle")
    bands = PlausibilityBands.from_plan(plan)
    assert [(band.until_year, band.minimum, band.maximum) for band in bands.growth] == [
        (2025, Decimal(8), Decimal(10)),
        (2030, Decimal(10), Decimal(12)),
    ]
    band = bands.band_for(2027)
    assert band is not None and band.until_year == 2030
    assert bands.band_for(2031) is None
    assert len(bands.cumulative) >= 4


@pytest.mark.parametrize(("total", "flagged"), [(450, False), (520, True), (430, True)])
def test_growth_after_2025_is_judged_by_the_2030_band(validator: ReportValidator, total: int, flagged: bool) -> None:
    earlier = _moved(BASE_2023, 2023, 2026, "earlier")
    current = _moved(_applications(BASE_2024, total), 2024, 2027, "current")
    outcome = validator.validate(current, earlier)
    growth = [issue for issue in outcome.issues if issue.shape == "ipg:ApplicationGrowthPlausibility"]
    assert outcome.conforms
    assert bool(growth) is flagged
    if flagged:
        assert "10–12 % a year to 2030" in growth[0].message_en
        assert "10–12 %/năm" in growth[0].message_vi


def test_only_the_latest_earlier_version_counts(validator: ReportValidator) -> None:
    first = BASE_2023.replace("sdmx-measure:obsValue 180 ;", "sdmx-measure:obsValue 100 ;")
    first = first.replace("urn:example:dost-2023:", "urn:example:dost-2023-v1:")
    first = first.replace('dcterms:issued "2023-10-05"', 'dcterms:issued "2023-10-01"')
    earlier = parse_report(first.encode(), "text/turtle") + parse_report(BASE_2023.encode(), "text/turtle")
    current = BASE_2024.replace("sdmx-measure:obsValue 210 ;", "sdmx-measure:obsValue 150 ;")
    outcome = validator.validate(parse_report(current.encode(), "text/turtle"), earlier)
    assert [(issue.shape, issue.value) for issue in outcome.issues] == [("ipg:CumulativeCountPlausibility", "150")]
    assert "lower than in 2023 (180)" in outcome.issues[0].message_en


def test_other_organisations_reports_are_not_compared(validator: ReportValidator) -> None:
    other = BASE_2023.replace("ipr:org-so-khoa-hoc-va-cong-nghe ;", "ipr:org-so-cong-thuong ;")
    other = other.replace("sdmx-measure:obsValue 180 ;", "sdmx-measure:obsValue 5000 ;")
    earlier = parse_report(other.encode(), "text/turtle")
    outcome = validator.validate(parse_report(BASE_2024.encode(), "text/turtle"), earlier)
    assert outcome.issues == ()
