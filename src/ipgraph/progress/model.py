"""What progress against the plan's targets is made of: targets, reported observations, and yearly figures.

These are plain frozen values, so the figures can be computed, tested and rendered without a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

#: How reported values add up towards a target (see :mod:`ipgraph.progress.figures`):
#: ``additive`` counts per year are summed over organisations and over the years;
#: ``cumulative`` counts are running totals, so each organisation's latest value counts once;
#: ``percentage`` shares are averaged over the organisations the target concerns;
#: ``growth`` is the year-over-year growth of the yearly totals of the indicator the growth is measured on.
IndicatorKind = Literal["additive", "cumulative", "percentage", "growth"]

#: Where a target stands: ``reached`` (or, for growth bands, ``within``, ``below``, ``above``), ``in-progress``,
#: ``no-data`` (nothing reported yet) or ``qualitative`` (the plan gives no figure to measure against).
Status = Literal["reached", "in-progress", "within", "below", "above", "no-data", "qualitative"]


@dataclass(frozen=True)
class Target:
    """One target of section II.2, as far as progress needs it."""

    iri: str
    reference: str
    year: int
    indicator: str
    measured_indicator: str
    kind: IndicatorKind
    exact: float | None
    minimum: float | None
    maximum: float | None
    unit: str | None
    training_level: str | None
    target_group: frozenset[str]
    labels: Mapping[str, str]
    texts: Mapping[str, str]
    indicator_labels: Mapping[str, str]
    unit_labels: Mapping[str, str]

    @property
    def reference_value(self) -> float | None:
        """The figure progress is measured against: the exact value, else the lower bound ("at least")."""
        return self.exact if self.exact is not None else self.minimum

    @property
    def qualitative(self) -> bool:
        """True when the plan gives no figure for this target."""
        return self.reference_value is None and self.maximum is None


@dataclass(frozen=True)
class Observation:
    """One Data Cube observation of a current report version: who reported what for which year."""

    organisation: str
    year: int
    indicator: str
    value: float
    ip_category: str | None = None
    training_level: str | None = None


@dataclass(frozen=True)
class YearFigure:
    """A target's figure for one reporting year.

    ``value`` is the year's figure (a sum, a running total or an average, by kind; for growth targets the
    yearly total of applications), ``to_date`` what counts against the target by the end of that year (the
    running sum for additive indicators, the average yearly growth so far for growth targets), ``share`` is
    ``to_date`` as a percentage of the target's reference value.
    """

    year: int
    value: float
    organisations: int
    to_date: float | None
    growth: float | None
    share: float | None


@dataclass(frozen=True)
class TargetProgress:
    """A target with its yearly figures and where it stands after the latest of them."""

    target: Target
    years: tuple[YearFigure, ...]
    status: Status

    @property
    def latest(self) -> YearFigure | None:
        """The figure of the latest year with reports, if any."""
        return self.years[-1] if self.years else None
