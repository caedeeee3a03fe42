"""Chart geometry for the dashboard: the server works out every bar and line, the template draws them as SVG.

Nothing is drawn in the browser and nothing is fetched: the page is complete HTML with inline SVG, so it
works offline and without JavaScript. Numbers are formatted here too, in the reader's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ipgraph.progress.model import TargetProgress

CHART_WIDTH = 360
CHART_HEIGHT = 160
PLOT_TOP = 16
PLOT_BOTTOM = 132
PLOT_LEFT = 44
#: The first year the plan's reports cover: every chart's scale runs from it to the target's year.
PLAN_FIRST_YEAR = 2021
PLOT_RIGHT = 352
SHARE_BAR_WIDTH = 300


@dataclass(frozen=True)
class Bar:
    """One year's bar: its box in the chart's coordinates and the texts around it."""

    x: float
    y: float
    width: float
    height: float
    year: int
    value_text: str


@dataclass(frozen=True)
class YearChart:
    """A target's bars per year, with the target line (or, for growth, the target band) across them."""

    bars: tuple[Bar, ...]
    target_y: float | None
    band_top: float | None
    band_bottom: float | None
    target_text: str
    #: The value scale: (y, label) for each gridline, the lowest first.
    y_ticks: tuple[tuple[float, str], ...] = ()
    #: The time scale: (x at the slot's centre, year) for every year of the plan period, reported or not.
    x_ticks: tuple[tuple[float, int], ...] = ()
    left: int = PLOT_LEFT
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: int = PLOT_BOTTOM


@dataclass(frozen=True)
class ShareBar:
    """How much of the target has been reached, as a filled bar (capped at the full width)."""

    filled: float
    width: int
    text: str
    reached: bool


def format_number(value: float, lang: str) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Vietnamese; at most one decimal, none for whole numbers."""
    rounded = round(value, 1)
    text = f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.1f}"
    if lang == "vi":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def year_chart(item: TargetProgress, lang: str) -> YearChart | None:
    """Bars of what counts against the target per year (growth rates for growth targets) on a scale that covers
    the plan period up to the target's year, with labelled gridlines; ``None`` if nothing was reported."""
    target = item.target
    growth = target.kind == "growth"
    points = [
        (figure.year, figure.growth if growth else figure.to_date)
        for figure in item.years
        if (figure.growth if growth else figure.to_date) is not None
    ]
    if not points:
        return None
    values = [value for _, value in points if value is not None]
    references = [v for v in (target.reference_value, target.maximum) if v is not None]
    step = _nice_step(max([*values, *references, 0.0]) * 1.1 - min([*values, 0.0]))
    top = math.ceil(max([*values, *references, 0.0]) * 1.1 / step) * step or step
    bottom = math.floor(min([*values, 0.0]) / step) * step
    span = top - bottom

    def y_of(value: float) -> float:
        return round(PLOT_BOTTOM - (value - bottom) / span * (PLOT_BOTTOM - PLOT_TOP), 2)

    years = list(
        range(min(PLAN_FIRST_YEAR, *(year for year, _ in points)), max(target.year, *(y for y, _ in points)) + 1)
    )
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(years)
    width = min(40.0, slot * 0.6)
    zero = y_of(0.0)
    bars = []
    for year, value in points:
        assert value is not None  # noqa: S101 - filtered above
        x = round(PLOT_LEFT + slot * years.index(year) + (slot - width) / 2, 2)
        y = min(zero, y_of(value))
        bars.append(Bar(x, y, round(width, 2), round(abs(zero - y_of(value)), 2), year, format_number(value, lang)))
    ticks = []
    tick = bottom
    while tick <= top + step / 1000:
        ticks.append((y_of(tick), format_number(tick, lang)))
        tick += step
    band = growth and target.minimum is not None and target.maximum is not None
    reference = target.reference_value
    return YearChart(
        bars=tuple(bars),
        target_y=y_of(reference) if reference is not None and not band else None,
        band_top=y_of(target.maximum) if band and target.maximum is not None else None,
        band_bottom=y_of(target.minimum) if band and target.minimum is not None else None,
        target_text=target_text(item, lang),
        y_ticks=tuple(ticks),
        x_ticks=tuple((round(PLOT_LEFT + slot * index + slot / 2, 2), year) for index, year in enumerate(years)),
    )


def _nice_step(span: float) -> float:
    """A gridline step of 1, 2 or 5 times a power of ten giving three to five lines over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return float(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def share_bar(item: TargetProgress, lang: str) -> ShareBar | None:
    """The latest share of the target reached, or ``None`` when there is none to show."""
    shares = [figure.share for figure in item.years if figure.share is not None]
    if not shares:
        return None
    share = shares[-1]
    filled = round(max(0.0, min(share, 100.0)) / 100 * SHARE_BAR_WIDTH, 2)
    return ShareBar(filled, SHARE_BAR_WIDTH, f"{format_number(share, lang)} %", share >= 100)


def target_text(item: TargetProgress, lang: str) -> str:
    """The target's figure as the plan states it: ``100``, ``≥ 250``, ``8–10``."""
    target = item.target
    if target.exact is not None:
        return format_number(target.exact, lang)
    if target.minimum is not None and target.maximum is not None:
        return f"{format_number(target.minimum, lang)}–{format_number(target.maximum, lang)}"
    if target.minimum is not None:
        return f"≥ {format_number(target.minimum, lang)}"
    if target.maximum is not None:
        return f"≤ {format_number(target.maximum, lang)}"
    return ""
