"""Turning current report observations into each target's yearly figures (CQ20).

The rules, by the kind of indicator the target measures:

- **additive** (a count per year, ``ipg:isCumulative false``): the year's figure is the sum over organisations;
  what counts against the target is the running sum over the years up to the target year.
- **cumulative** (a running count, ``ipg:isCumulative true``): each organisation reports its total to date, so a
  year's figure is the sum, over organisations, of each one's latest value reported for that year or before
  (an organisation that skipped a year still counts with its last figure).
- **percentage** (unit ``ipr:unit-percent``): as cumulative, but averaged over the organisations instead of
  summed (unweighted: the reports carry no head counts); ``organisations`` says how many the average covers.
- **growth** (unit ``ipr:unit-percent-per-year``): measured on new applications; each year's growth is against
  the year before among the organisations that reported both years (like for like: an organisation reporting
  for the first time is not growth), and what counts against the target ("mức tăng trung bình hằng năm") is
  the arithmetic mean of the yearly growth rates in the target's five-year period so far.

Per organisation and year, an observation without an IP category is the organisation's total: at the target's
training level if the target names one and the organisation gave it, else without a level; when there is no
total, the broken-down observations are summed. A target naming a training level leaves out observations
stating another level (one stating none counts: the indicator may itself be about one level, as the
management-staff shares are). A target naming organisations (``ipg:targetGroup``) counts only theirs, or their
successors' after the 2025 changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ipgraph.progress.model import Observation, Status, Target, TargetProgress, YearFigure

#: A growth target covers the five yearly growth rates up to its year (2021–2025, 2026–2030).
GROWTH_PERIOD_YEARS = 5


def organisation_values(
    target: Target, observations: Iterable[Observation], successors: Mapping[str, str] | None = None
) -> dict[tuple[str, int], float]:
    """Each organisation's value for each year, for the indicator and scope ``target`` measures.

    An organisation with a successor (``ipg:successor``, after the 2025 changes) is counted as its successor,
    so a running count the successor carries on is not counted twice and growth is compared like for like.
    """
    successors = successors or {}
    ranked: dict[tuple[str, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for observation in observations:
        if _counts_for(target, observation):
            reporter = successors.get(observation.organisation, observation.organisation)
            ranked[(reporter, observation.year)][_rank(target, observation)] += observation.value
    return {key: sums[min(sums)] for key, sums in ranked.items()}


def _rank(target: Target, observation: Observation) -> int:
    """Which observation of an organisation's year speaks for it: 0 the total at the target's training level,
    1 the total over levels, 2 the parts (broken down by IP category or level), summed."""
    if observation.ip_category is not None:
        return 2
    if target.training_level is not None and observation.training_level == target.training_level:
        return 0
    return 1 if observation.training_level is None else 2


def _counts_for(target: Target, observation: Observation) -> bool:
    if observation.indicator != target.measured_indicator or observation.year > target.year:
        return False
    level = observation.training_level
    if target.training_level is not None and level is not None and level != target.training_level:
        return False
    return not target.target_group or observation.organisation in target.target_group


def yearly_figures(target: Target, values: Mapping[tuple[str, int], float]) -> tuple[YearFigure, ...]:
    """The target's figures for every year in which anything counting towards it was reported."""
    if target.kind == "growth":
        return _growth_figures(target, values)
    years = sorted({year for _, year in values})
    figures: list[YearFigure] = []
    running = 0.0
    for year in years:
        if target.kind == "additive":
            contributions = [value for (_, y), value in values.items() if y == year]
            value = sum(contributions)
            running += value
            to_date = running
        else:
            contributions = list(_latest_per_organisation(values, year).values())
            value = sum(contributions) if target.kind == "cumulative" else sum(contributions) / len(contributions)
            to_date = value
        figures.append(YearFigure(year, value, len(contributions), to_date, None, _share(target, to_date)))
    return tuple(figures)


def _latest_per_organisation(values: Mapping[tuple[str, int], float], year: int) -> dict[str, float]:
    latest: dict[str, tuple[int, float]] = {}
    for (organisation, y), value in values.items():
        if y <= year and (organisation not in latest or latest[organisation][0] < y):
            latest[organisation] = (y, value)
    return {organisation: value for organisation, (_, value) in latest.items()}


def _growth_figures(target: Target, values: Mapping[tuple[str, int], float]) -> tuple[YearFigure, ...]:
    first = target.year - GROWTH_PERIOD_YEARS
    in_period = {key: value for key, value in values.items() if key[1] >= first}
    totals: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for (_, year), value in in_period.items():
        totals[year] += value
        counts[year] += 1
    figures: list[YearFigure] = []
    rates: list[float] = []
    for year in sorted(totals):
        growth = _matched_growth(in_period, year) if year > first else None
        if growth is not None:
            rates.append(growth)
        to_date = sum(rates) / len(rates) if rates and growth is not None else None
        share = _share(target, to_date) if to_date is not None else None
        figures.append(YearFigure(year, totals[year], counts[year], to_date, growth, share))
    return tuple(figures)


def _matched_growth(values: Mapping[tuple[str, int], float], year: int) -> float | None:
    """Growth over the year before among the organisations that reported both years, so that an organisation
    reporting for the first time does not count as growth."""
    now = before = 0.0
    for (organisation, y), value in values.items():
        if y == year and (organisation, year - 1) in values:
            now += value
            before += values[(organisation, year - 1)]
    return (now - before) / before * 100 if before else None


def _share(target: Target, to_date: float) -> float | None:
    reference = target.reference_value
    if not reference:
        return None
    return to_date / reference * 100


def status_of(target: Target, figures: Sequence[YearFigure]) -> Status:
    """Where the target stands after its latest figure."""
    if target.qualitative:
        return "qualitative"
    measured = [figure.to_date for figure in figures if figure.to_date is not None]
    if not measured:
        return "no-data"
    latest = measured[-1]
    if target.kind == "growth":
        if target.minimum is not None and latest < target.minimum:
            return "below"
        if target.maximum is not None and latest > target.maximum:
            return "above"
        return "within"
    reference = target.reference_value
    return "reached" if reference is not None and latest >= reference else "in-progress"


def compute_progress(
    targets: Iterable[Target], observations: Sequence[Observation], successors: Mapping[str, str] | None = None
) -> list[TargetProgress]:
    """Every target's progress from the observations of the current report versions."""
    progress = []
    for target in targets:
        figures = yearly_figures(target, organisation_values(target, observations, successors))
        progress.append(TargetProgress(target, figures, status_of(target, figures)))
    return progress
