"""``/reports``: check, submit, list and read annual reports (issue 4), and the submission page for people.

- ``POST /reports/validate`` — a dry run, no token needed: the validation result by ``Accept`` (JSON for programs,
  SHACL Turtle or JSON-LD, CSV, or a readable HTML page).
- ``POST /reports`` — ``Authorization: Bearer <organisation token>``: 201 with ``Location`` (the report's IRI) and a
  receipt, 422 with the validation result and nothing stored, 401 without a valid token, 403 for another
  organisation's report or in read-only mode, 413 beyond ``max_report_bytes`` or ``max_report_triples``, 503 when
  validation is saturated. ``/reports/validate`` answers 429 when the client's address already holds its share of
  the validation slots.
- ``GET /reports`` (``?organisation=&year=&current=true``), ``GET /reports/{organisation}/{year}`` (the current
  version) and ``…/v{n}`` (any version): JSON metadata, or the version's triples in an RDF format by ``Accept``.
- ``GET /reports/submit`` and ``POST /reports/submit``: the submission form for people
  (:mod:`ipgraph.api.report_pages`).

Parsing, validation and store access run in worker threads (validation itself in validation worker processes),
never in the event loop; a validation whose client disconnects is stopped.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from rdflib import Graph
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.deps import ReportServiceDep, TokenRegistryDep
from ipgraph.api.format_parameters import choose_format
from ipgraph.api.problems import problem_response
from ipgraph.api.report_access import authenticate, read_report_body, run_validation
from ipgraph.api.report_views import list_page, outcome_page, version_page, workbook_document, workbook_of
from ipgraph.errors import PermissionDeniedError, ReportRejectedError
from ipgraph.formats import (
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    TURTLE,
    Format,
    negotiate,
    parse_media_type,
)
from ipgraph.reports.receipts import Receipt, report_path, version_json
from ipgraph.reports.rendering import outcome_to_csv, outcome_to_json, outcome_to_rdf
from ipgraph.reports.storage import ReportKey, check_year, organisation_from_text, registry_entry
from ipgraph.reports.submission import Checked, ReportService
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.reports.workbook import XLSX_MEDIA_TYPE
from ipgraph.settings import Settings
from ipgraph.vocab import PREFIXES

router = APIRouter(tags=["reports"])

JSON = Format("json", "application/json", "results", (".json",))
CSV = Format("csv", "text/csv", "results", (".csv",))
HTML = Format("html", "text/html", "graph", (".html",))
#: A validation result, programs' format first so ``Accept: */*`` gets JSON.
OUTCOME_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, CSV, HTML)
#: The list of versions: JSON, the registry's triples, or a page for browsers.
LIST_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, RDF_XML, N_TRIPLES, HTML)
#: A stored version: its registry entry as JSON, its triples, or a page for browsers (which ask for HTML first).
VERSION_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, RDF_XML, N_TRIPLES, HTML)


# -- programs ---------------------------------------------------------------------------------------------


@router.post("/reports/validate")
async def validate_report(request: Request, service: ReportServiceDep) -> Response:
    """Validate a report without storing it; the answer is 200 whether or not it conforms."""
    chosen = choose_format(request.query_params.get("format"), request.headers.get("accept"), OUTCOME_FORMATS)
    settings: Settings = request.app.state.settings
    body = await read_report_body(request, settings)
    body, media_type = await _document(request, body)
    checked: Checked = await run_validation(
        request, lambda client, cancel: service.check(body, media_type, client=client, cancel=cancel)
    )
    return outcome_response(request, checked.outcome, chosen, status=200, document=_lined_text(body, media_type))


@router.post("/reports", status_code=201)
async def submit_report(request: Request, service: ReportServiceDep, tokens: TokenRegistryDep) -> Response:
    """Validate and store a report as its organisation's next version for that year."""
    settings: Settings = request.app.state.settings
    if settings.read_only:
        raise PermissionDeniedError("this service is read-only (IPGRAPH_READ_ONLY); reports cannot be submitted")
    organisation = await run_in_threadpool(authenticate, tokens, request.headers.get("authorization"))
    # How a refusal would be written, chosen before any work; the receipt itself is always JSON.
    refusal_format = negotiate(request.headers.get("accept"), OUTCOME_FORMATS) or JSON
    body = await read_report_body(request, settings)
    body, media_type = await _document(request, body)
    try:
        receipt = await run_validation(
            request,
            lambda client, cancel: service.submit(body, media_type, organisation, client=client, cancel=cancel),
            anonymous=False,
        )
    except ReportRejectedError as rejected:
        document = _lined_text(body, media_type)
        return outcome_response(request, rejected.outcome, refusal_format, status=422, document=document)
    return receipt_response(receipt)


@router.get("/reports")
def list_reports(
    request: Request,
    service: ReportServiceDep,
    organisation: str | None = None,
    year: int | None = None,
    current: bool = False,
    format: str | None = None,
) -> Response:
    """Every stored version (``current=true``: only current ones), newest version last per report; as JSON, or
    as the registry's triples about them in an RDF format."""
    chosen = choose_format(format, request.headers.get("accept"), LIST_FORMATS)
    chosen_organisation = organisation_from_text(organisation) if organisation else None
    versions = service.archive.versions(chosen_organisation, check_year(year) if year is not None else None)
    selected = [item for item in versions if item.current or not current]
    headers = {"Vary": "Accept"}
    if chosen is JSON or chosen is HTML:
        listed = [version_json(item) for item in selected]
        if chosen is HTML:
            return list_page(request, listed, headers=headers)
        return _json({"reports": listed, "count": len(listed)}, headers=headers)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for item in selected:
        graph += registry_entry(item)
    data = graph.serialize(format=chosen.rdflib_name or "turtle", encoding="utf-8")
    return Response(data, media_type=chosen.content_type(), headers=headers)


@router.get("/reports/{organisation}/{year}")
def current_report(
    request: Request, service: ReportServiceDep, organisation: str, year: int, format: str | None = None
) -> Response:
    """The current version of one organisation's report for one year."""
    return _version_response(request, service, organisation, year, None, format)


@router.get("/reports/{organisation}/{year}/v{version}")
def report_version(
    request: Request,
    service: ReportServiceDep,
    organisation: str,
    year: int,
    version: int,
    format: str | None = None,
) -> Response:
    """Any stored version of one organisation's report for one year."""
    return _version_response(request, service, organisation, year, version, format)


def _version_response(
    request: Request,
    service: ReportService,
    organisation: str,
    year: int,
    version: int | None,
    format_name: str | None,
) -> Response:
    key = ReportKey(organisation_from_text(organisation), check_year(year))
    archive = service.archive
    if format_name == "xlsx" or parse_media_type(request.headers.get("accept"))[0] == XLSX_MEDIA_TYPE:
        found = archive.find(key, version)
        name = f"bao-cao-{key.slug}-{key.year}-v{found.version}.xlsx"
        return workbook_of(request, archive.read(found), name)
    chosen = choose_format(format_name, request.headers.get("accept"), VERSION_FORMATS)
    stored = archive.find(key, version)
    headers = {"Vary": "Accept", "Link": f'<{stored.report}>; rel="describes"'}
    if chosen is JSON or chosen is HTML:
        listing = archive.versions(key.organisation, key.year)
        body = version_json(stored) | {"versions": [report_path(item) for item in listing]}
        if chosen is JSON:
            return _json(body, headers=headers)
        triples = archive.read(stored)
        return version_page(request, body, triples, _turtle(triples), headers=headers)
    graph: Graph = archive.read(stored)
    rdflib_name = chosen.rdflib_name or "turtle"
    data = graph.serialize(format=rdflib_name, encoding="utf-8")
    return Response(data, media_type=chosen.content_type(), headers=headers)


# -- answers ----------------------------------------------------------------------------------------------


def outcome_response(
    request: Request, outcome: ValidationOutcome, chosen: Format, *, status: int, document: str = ""
) -> Response:
    """A validation result in the negotiated format; a refusal (422) in JSON is RFC 9457 problem details."""
    headers = {"Vary": "Accept"}
    if chosen is JSON:
        body = outcome_to_json(outcome)
        if status == 422:
            detail = "the report does not conform to the report shapes; nothing was stored"
            return problem_response(422, detail, title="Validation failed", headers=headers, extra=body)
        return _json(body, status=status, headers=headers)
    if chosen is CSV:
        return Response(outcome_to_csv(outcome), status_code=status, media_type=CSV.content_type(), headers=headers)
    if chosen is HTML:
        return outcome_page(request, outcome, status=status, headers=headers, document=document)
    data = outcome_to_rdf(outcome, chosen)
    return Response(data, status_code=status, media_type=chosen.content_type(), headers=headers)


def receipt_response(receipt: Receipt) -> Response:
    """201 Created: the receipt, with the report's IRI in ``Location``."""
    return _json(receipt.to_json(), status=201, headers={"Location": str(receipt.stored.report)})


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(data, status_code=status, media_type="application/json", headers=headers)


# -- shared steps -----------------------------------------------------------------------------------------


def _lined_text(body: bytes, media_type: str) -> str:
    """The upload as text when findings can point at its lines (Turtle and N-Triples), else ""."""
    if parse_media_type(media_type)[0] in (TURTLE.media_type, N_TRIPLES.media_type):
        return body.decode("utf-8", errors="replace")
    return ""


def _turtle(graph: Graph) -> str:
    """Turtle with the project's prefixes (``ipg:``, ``p160:``, …), not rdflib's ``ns1:``."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph.serialize(format="turtle")


def _content_type(request: Request) -> str:
    return request.headers.get("content-type") or ""


async def _document(request: Request, body: bytes) -> tuple[bytes, str]:
    """The body as sent, or an Excel workbook (its media type) turned into the report's Turtle first."""
    if parse_media_type(_content_type(request))[0] == XLSX_MEDIA_TYPE:
        return await run_in_threadpool(workbook_document, request, body), TURTLE.media_type
    return body, _content_type(request)
