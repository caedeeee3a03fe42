"""Report pages shared by the report routers: a validation outcome, the list of stored versions, one version, a
version as a workbook, and the pages' words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import Response

from ipgraph.publish.i18n import Language, messages
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.form_input import graph_to_values, values_to_graph
from ipgraph.reports.form_model import FormModel, load_form_model
from ipgraph.reports.form_view import field_title
from ipgraph.reports.messages import Namer
from ipgraph.reports.rdf_lines import subject_lines
from ipgraph.reports.rendering import outcome_to_html
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.reports.workbook import XLSX_MEDIA_TYPE, write_workbook
from ipgraph.reports.workbook_input import read_workbook
from ipgraph.settings import Settings
from ipgraph.vocab import PREFIXES


def outcome_page(
    request: Request, outcome: ValidationOutcome, *, status: int, headers: dict[str, str], document: str = ""
) -> Response:
    """A validation result as a page, grouped by problem; with the Turtle ``document`` it was made from, each
    finding says the line its resource is written on."""
    lang = request_language(request)
    lines = subject_lines(document) if document else {}

    def locate(issue: Any, language: str) -> str:
        line = lines.get(expand_name(issue.focus or ""))
        return (f"dòng {line}" if language == "vi" else f"line {line}") if line else ""

    html = outcome_to_html(outcome, lang, Namer(form_model(request), lang), locate)
    context = {"outcome_html": html, "conforms": outcome.conforms, "txt": page_text(lang)}
    return render_page(request, "report_outcome.html", context, status_code=status, headers=headers)


def list_page(request: Request, versions: list[dict[str, Any]], *, headers: dict[str, str]) -> Response:
    """The stored versions as a table with links."""
    lang = request_language(request)
    model = form_model(request)
    shown = [
        item
        | {
            "organisation_name": model.organisation_name(URIRef(item["organisation"]), lang) or item["organisation"],
            "received_local": local_time(item["received_at"]),
            "superseded_local": local_time(item["superseded_at"]),
        }
        for item in versions
    ]
    context = {"versions": shown, "txt": page_text(lang)}
    return render_page(request, "report_list.html", context, headers=headers)


def version_page(
    request: Request, version: dict[str, Any], graph: Graph, turtle: str, *, headers: dict[str, str]
) -> Response:
    """A stored version as a page: its registry entry, what it says (duties, figures, person) as a document, the
    other versions, its triples."""
    lang = request_language(request)
    model = form_model(request)
    try:
        _organisation, _year, values = graph_to_values(model, graph)
    except (ValueError, StopIteration):
        values = {}
    shown = version | {
        "organisation_name": model.organisation_name(URIRef(version["organisation"]), lang),
        "received_local": local_time(version["received_at"]),
        "superseded_local": local_time(version["superseded_at"]),
    }
    # Not "version": base.html shows the package version under that name in every footer.
    context = {"stored": shown, "turtle": turtle, "txt": page_text(lang), "summary": summary(model, values, lang)}
    return render_page(request, "report_version.html", context, headers=headers)


def expand_name(name: str) -> str:
    """A prefixed name (``ipr:x``) as its full IRI text; anything else unchanged."""
    prefix, colon, local = name.partition(":")
    namespace = PREFIXES.get(prefix) if colon else None
    return str(namespace) + local if namespace is not None and not local.startswith("//") else name


def workbook_of(request: Request, graph: Any, name: str) -> Response:
    """A stored version as a workbook: uploading it unchanged gives the same report back."""
    model = form_model(request)
    organisation, year, values = graph_to_values(model, graph)
    data = write_workbook(model, organisation, year, values)
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def workbook_document(request: Request, body: bytes) -> bytes:
    """An uploaded workbook as the report Turtle the same SHACL gate checks (run in a worker thread)."""
    model = form_model(request)
    settings: Settings = request.app.state.settings
    read = read_workbook(model, body, max(settings.max_body_bytes * 4, 1024 * 1024))
    return values_to_graph(model, read.organisation, read.year, read.values).turtle()


def summary(model: FormModel, values: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """What a stored report says, as (field, value) lines: codes shown by their labels, duties by reference."""
    lines: list[tuple[str, str]] = []
    for name, value in values.items():
        if not value or name.endswith(".duty") or name.endswith(".indicator") or name.endswith(".unitMeasure"):
            continue
        label = model.labels.get(URIRef(value)) if value.startswith("https://") else None
        shown = label.get(lang) if label is not None else value
        if name == "report.issued" and len(value) == 10 and value[4] == "-":
            shown = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
        if name.endswith(".obsValue"):
            unit = model.labels.get(URIRef(values.get(name.replace("obsValue", "unitMeasure"), "")))
            shown = f"{value} {unit.get(lang)}" if unit is not None else value
        lines.append((field_title(model, name, values, lang), shown))
    return lines


def form_model(request: Request) -> FormModel:
    """The form's description for the project the app serves (parsed once per project directory)."""
    settings: Settings = request.app.state.settings
    return load_form_model(settings.project_dir)


def local_time(moment: str | None) -> str:
    """An ISO timestamp as ``dd/mm/yyyy hh:mm:ss`` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving)."""
    if not moment:
        return ""
    parsed = dt.datetime.fromisoformat(moment).astimezone(dt.timezone(dt.timedelta(hours=7)))
    return parsed.strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)"


def page_text(lang: Language) -> dict[str, str]:
    """The report pages' words in ``lang`` (from the one catalogue, keys without their ``report_`` prefix)."""
    return messages("report_", lang)
