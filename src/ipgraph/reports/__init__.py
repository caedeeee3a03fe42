"""Annual reports under section VI of Plan 160/KH-UBND: parsing uploads, validating them against
shapes/report.shapes.ttl and the plan, plausibility across years, and rendering the outcome."""

from __future__ import annotations

from ipgraph.reports.parsing import parse_report
from ipgraph.reports.validation import Issue, ReportValidator, Severity, ValidationOutcome

__all__ = ["Issue", "ReportValidator", "Severity", "ValidationOutcome", "parse_report"]
