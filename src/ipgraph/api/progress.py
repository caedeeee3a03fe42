"""``/progress`` and ``/dashboard``: how far along each target of the plan is, from the reports stored so far (CQ20).

``GET /progress`` answers JSON for programs; ``GET /dashboard`` is the page for people, with its charts drawn
by the server as inline SVG (no script, no CDN: it works offline). Both take ``?data=submissions`` (the
default: accepted reports, current versions only) or ``?data=examples`` (the example reports, never mixed
with submissions). The figures are computed by :mod:`ipgraph.progress` and kept until the store is next written
(:mod:`ipgraph.progress.cache`), so a repeated request costs no store query. ``/progress`` carries an ETag and
a Last-Modified date and answers 304 to a conditional request whose validators still match.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from ipgraph.api.deps import SettingsDep, StoreDep
from ipgraph.errors import NotFoundError
from ipgraph.progress import CachedProgress, DataSource, TargetProgress, YearFigure, cached_progress
from ipgraph.progress.charts import format_number, share_bar, target_text, year_chart
from ipgraph.publish.freshness import StoreState, is_not_modified
from ipgraph.publish.i18n import Language, message
from ipgraph.publish.locations import link_target
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.store.base import Store
from ipgraph.vocab import IPR

router = APIRouter(tags=["progress"])

#: The dashboard's own wording, vi and en.


def dashboard_text(key: str, lang: Language) -> str:
    """The dashboard's wording for ``key`` (the key itself when missing, so a gap shows)."""
    return message(f"dashboard_{key}", lang)


@router.get("/progress", response_model=None)
def progress_json(request: Request, store: StoreDep, data: DataSource = "submissions") -> Response:
    """Every target with its yearly figures and where it stands, as JSON; 304 when the client's copy is current."""
    progress = cached_progress(store, data)
    headers = progress_validators(progress, data)
    state = StoreState(progress.digest, (), progress.computed_at)
    if is_not_modified(
        state, headers["ETag"], request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    ):
        return Response(status_code=304, headers=headers)
    body = {"data": data, "targets": [progress_as_json(item) for item in progress.items]}
    return JSONResponse(body, headers=headers)


def progress_validators(progress: CachedProgress, variant: str) -> dict[str, str]:
    """``ETag`` and ``Last-Modified`` of one representation of these figures; ``no-cache``: revalidate each time."""
    return {"ETag": progress.etag(variant), "Last-Modified": progress.last_modified, "Cache-Control": "no-cache"}


def progress_as_json(item: TargetProgress) -> dict[str, Any]:
    """One target's progress, JSON-ready."""
    target = item.target
    latest = item.latest
    return {
        "target": target.iri,
        "reference": target.reference,
        "label": dict(target.labels),
        "text": dict(target.texts),
        "year": target.year,
        "indicator": target.indicator,
        "indicator_label": dict(target.indicator_labels),
        "measured_indicator": target.measured_indicator,
        "kind": target.kind,
        "exact": target.exact,
        "minimum": target.minimum,
        "maximum": target.maximum,
        "unit": target.unit,
        "unit_label": dict(target.unit_labels),
        "training_level": target.training_level,
        "target_group": sorted(target.target_group),
        "qualitative": target.qualitative,
        "status": item.status,
        "latest": None if latest is None else figure_as_json(latest),
        "years": [figure_as_json(figure) for figure in item.years],
    }


def figure_as_json(figure: YearFigure) -> dict[str, Any]:
    """One year's figure, JSON-ready; percentages under names that say so."""
    return {
        "year": figure.year,
        "value": figure.value,
        "organisations": figure.organisations,
        "to_date": figure.to_date,
        "growth_percent": figure.growth,
        "share_percent": figure.share,
    }


@router.get("/dashboard", include_in_schema=False)
def dashboard(request: Request, settings: SettingsDep, store: StoreDep, data: DataSource | None = None) -> Response:
    """The progress dashboard: one card per target, grouped by target year, charts as inline SVG.

    Without ``?data=`` it shows what exists: the submitted reports, or when none has been submitted yet the
    example reports, marked as such.
    """
    lang = request_language(request)
    source, items, fallback = _default_view(store, data)
    cards = [_card(item, lang, settings.base_iri) for item in items]
    years = sorted({item.target.year for item in items})
    context = {
        "d": lambda key: dashboard_text(key, lang),
        "source": source,
        "fallback": fallback,
        "groups": [(year, [card for card in cards if card["year"] == year]) for year in years],
        "number": lambda value: "" if value is None else format_number(value, lang),
    }
    return render_page(request, "dashboard.html", context)


def _default_view(store: Store, data: DataSource | None) -> tuple[DataSource, list[TargetProgress], bool]:
    """The data source shown, its figures, and whether the examples stand in for missing submissions."""
    if data is not None:
        return data, list(cached_progress(store, data).items), False
    submitted = list(cached_progress(store, "submissions").items)
    if any(item.years for item in submitted):
        return "submissions", submitted, False
    examples = list(cached_progress(store, "examples").items)
    if any(item.years for item in examples):
        return "examples", examples, True
    return "submissions", submitted, False


@router.get("/dashboard/{reference}.csv", include_in_schema=False)
def dashboard_card_csv(reference: str, store: StoreDep, data: DataSource = "submissions") -> Response:
    """One card's figures by year as CSV (RFC 4180), named for the target: ``progress-II.2.2.b.csv``."""
    item = next((item for item in cached_progress(store, data).items if item.target.reference == reference), None)
    if item is None:
        raise NotFoundError(f"no target {reference!r} on the dashboard; see /progress for the list")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["target", "year", "value", "organisations", "to_date", "growth_percent", "share_percent"])
    for figure in item.years:
        writer.writerow(
            [
                item.target.reference,
                figure.year,
                _plain(figure.value),
                figure.organisations,
                _plain(figure.to_date),
                _plain(figure.growth),
                _plain(figure.share),
            ]
        )
    filename = f"progress-{re.sub(r'[^A-Za-z0-9._-]+', '_', reference)}-{data}.csv"
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _plain(value: float | None) -> str:
    """A figure as a program reads it: no grouping, a dot for decimals, nothing for a missing value."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def _headline(item: TargetProgress) -> tuple[YearFigure | None, str | None]:
    """The card's latest figure and, when there is none to show, why (so the words never contradict the table)."""
    if not item.years:
        return None, "no_reports"
    if item.target.kind == "growth":
        latest = next((figure for figure in reversed(item.years) if figure.to_date is not None), None)
        return (latest, None) if latest is not None else (None, "growth_needs_two_years")
    latest = next((figure for figure in reversed(item.years) if figure.to_date is not None), None)
    return (latest, None) if latest is not None else (None, "no_figure_yet")


def _card(item: TargetProgress, lang: Language, base_iri: str) -> dict[str, Any]:
    target = item.target
    return {
        "item": item,
        "year": target.year,
        "id": "target-" + target.reference,
        "href": link_target(base_iri, target.iri),
        "label": target.labels.get(lang) or target.labels.get("en") or target.reference,
        "text": target.texts.get(lang) or target.texts.get("vi", ""),
        "indicator": target.indicator_labels.get(lang) or target.indicator_labels.get("en", ""),
        "unit": target.unit_labels.get(lang) or target.unit_labels.get("en", ""),
        "symbol": _unit_symbol(target.unit, lang),
        "target_text": target_text(item, lang),
        "headline": _headline(item)[0],
        "headline_missing": _headline(item)[1],
        "csv_href": f"/dashboard/{target.reference}.csv",
        "chart": year_chart(item, lang),
        "share": share_bar(item, lang),
        "status": item.status,
        "kind": target.kind,
    }


def _unit_symbol(unit: str | None, lang: Language) -> str:
    """The sign written after a figure: ``%`` for shares and growth rates; other units are named apart."""
    if unit == str(IPR["unit-percent"]):
        return "%"
    if unit == str(IPR["unit-percent-per-year"]):
        return "%/năm" if lang == "vi" else "% per year"
    return ""
