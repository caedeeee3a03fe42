"""``GET /reports/revalidation``: the latest whole-store re-validation, as a page (or JSON with ``?format=json``).

Public, read-only. Running a re-validation needs the store and is an administrator's command (``ipgraph
revalidate``); the page only shows its record. Everything on it follows from public data (stored versions are
published at ``/reports`` and through SPARQL; the shapes are published with the dataset), and the agencies whose
stored reports no longer conform are the people who need to read it, without a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from ipgraph.publish.i18n import messages
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.revalidation_record import load_record
from ipgraph.settings import Settings

router = APIRouter(tags=["reports"])


SECTIONS = ("no_longer_conforming", "still_not_conforming", "now_conforming")


@router.get("/reports/revalidation")
def revalidation_page(request: Request, format: str | None = None) -> Response:
    """The latest record: versions that no longer conform (with their issues), still do not, and now conform."""
    settings: Settings = request.app.state.settings
    record = load_record(settings.data_dir)
    if format == "json" or (format is None and _prefers_json(request.headers.get("accept", ""))):
        return JSONResponse(record or {}, headers={"Vary": "Accept"})
    lang = request_language(request)
    text = messages("revalidation_", lang)
    context: dict[str, Any] = {"txt": text, "record": record, "sections": SECTIONS, "summary": ""}
    if record is not None:
        context["summary"] = text["summary"].format(**record)
    return render_page(request, "revalidation.html", context, headers={"Vary": "Accept"})


def _prefers_json(accept: str) -> bool:
    return "application/json" in accept and "text/html" not in accept
