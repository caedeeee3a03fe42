"""``/reports``: check, submit, list and read annual reports (issue 4), and the submission page for people.

- ``POST /reports/validate`` — a dry run, no token needed: the validation result by ``Accept`` (JSON for programs,
  SHACL Turtle or JSON-LD, CSV, or a readable HTML page).
- ``POST /reports`` — ``Authorization: Bearer <organisation token>``: 201 with ``Location`` (the report's IRI) and a
  receipt, 422 with the validation result and nothing stored, 401 without a valid token, 403 for another
  organisation's report or in read-only mode, 413 beyond ``max_body_bytes``, 503 when validation is saturated.
- ``GET /reports`` (``?organisation=&year=&current=true``), ``GET /reports/{organisation}/{year}`` (the current
  version) and ``…/v{n}`` (any version): JSON metadata, or the version's triples in an RDF format by ``Accept``.
- ``GET /reports/submit`` and ``POST /reports/submit``: an HTML form (upload or paste, format, token) that previews
  the validation result and submits; it works without JavaScript.

Parsing, validation and store access run in worker threads, never in the event loop.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request
from rdflib import Graph, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.auth import bearer_token
from ipgraph.api.body import read_body
from ipgraph.api.problems import RETRY_AFTER_SECONDS, HttpStatusError, error_response, problem_response
from ipgraph.api.sparql import choose_format
from ipgraph.errors import AuthenticationError, InputError, IpgraphError, PermissionDeniedError
from ipgraph.formats import (
    FORM_MEDIA_TYPE,
    JSON_LD,
    MULTIPART_FORM_MEDIA_TYPE,
    N_TRIPLES,
    RDF_XML,
    TURTLE,
    Format,
    format_for_path,
    negotiate,
    parse_media_type,
)
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.receipts import Receipt, report_path
from ipgraph.reports.rendering import outcome_to_csv, outcome_to_html, outcome_to_json, outcome_to_rdf
from ipgraph.reports.storage import ReportKey, StoredVersion, check_year, organisation_from_text, registry_entry
from ipgraph.reports.submission import (
    Checked,
    ReportRejectedError,
    ReportService,
    ValidationBusyError,
    ValidationTimeoutError,
)
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.settings import Settings
from ipgraph.vocab import PREFIXES

router = APIRouter(tags=["reports"])
T = TypeVar("T")

JSON = Format("json", "application/json", "results", (".json",))
CSV = Format("csv", "text/csv", "results", (".csv",))
HTML = Format("html", "text/html", "graph", (".html",))
#: A validation result, programs' format first so ``Accept: */*`` gets JSON.
OUTCOME_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, CSV, HTML)
#: The list of versions: JSON, or the registry's triples.
LIST_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, RDF_XML, N_TRIPLES)
#: A stored version: its registry entry as JSON, its triples, or a page for browsers (which ask for HTML first).
VERSION_FORMATS: tuple[Format, ...] = (JSON, TURTLE, JSON_LD, RDF_XML, N_TRIPLES, HTML)
_STATE_LOCK = threading.Lock()


def report_service(app: FastAPI) -> ReportService:
    """The application's one :class:`ReportService`, made on first use (it needs the store opened at start-up)."""
    with _STATE_LOCK:
        service: ReportService | None = getattr(app.state, "report_service", None)
        if service is None:
            service = ReportService.from_settings(app.state.settings, app.state.store)
            app.state.report_service = service
        return service


def token_registry(app: FastAPI) -> TokenRegistry:
    """The tokens of the application's data directory."""
    with _STATE_LOCK:
        registry: TokenRegistry | None = getattr(app.state, "token_registry", None)
        if registry is None:
            settings: Settings = app.state.settings
            registry = TokenRegistry.for_data_dir(settings.data_dir)
            app.state.token_registry = registry
        return registry


# -- programs ---------------------------------------------------------------------------------------------


@router.post("/reports/validate")
async def validate_report(request: Request) -> Response:
    """Validate a report without storing it; the answer is 200 whether or not it conforms."""
    chosen = choose_format(request.query_params.get("format"), request.headers.get("accept"), OUTCOME_FORMATS)
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings.max_body_bytes)
    service = report_service(request.app)
    checked: Checked = await _limited(run_in_threadpool(service.check, body, _content_type(request)))
    return outcome_response(request, checked.outcome, chosen, status=200)


@router.post("/reports", status_code=201)
async def submit_report(request: Request) -> Response:
    """Validate and store a report as its organisation's next version for that year."""
    settings: Settings = request.app.state.settings
    if settings.read_only:
        raise PermissionDeniedError("this service is read-only (IPGRAPH_READ_ONLY); reports cannot be submitted")
    organisation = await run_in_threadpool(_authenticate, request.app, request.headers.get("authorization"))
    # How a refusal would be written, chosen before any work; the receipt itself is always JSON.
    refusal_format = negotiate(request.headers.get("accept"), OUTCOME_FORMATS) or JSON
    body = await read_body(request, settings.max_body_bytes)
    service = report_service(request.app)
    try:
        receipt = await _limited(run_in_threadpool(service.submit, body, _content_type(request), organisation))
    except ReportRejectedError as rejected:
        return outcome_response(request, rejected.outcome, refusal_format, status=422)
    return receipt_response(receipt)


@router.get("/reports")
def list_reports(
    request: Request,
    organisation: str | None = None,
    year: int | None = None,
    current: bool = False,
    format: str | None = None,
) -> Response:
    """Every stored version (``current=true``: only current ones), newest version last per report; as JSON, or
    as the registry's triples about them in an RDF format."""
    chosen = choose_format(format, request.headers.get("accept"), LIST_FORMATS)
    chosen_organisation = organisation_from_text(organisation) if organisation else None
    versions = report_service(request.app).archive.versions(
        chosen_organisation, check_year(year) if year is not None else None
    )
    selected = [item for item in versions if item.current or not current]
    headers = {"Vary": "Accept"}
    if chosen is JSON:
        listed = [version_json(item) for item in selected]
        return _json({"reports": listed, "count": len(listed)}, headers=headers)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for item in selected:
        graph += registry_entry(item)
    data = graph.serialize(format=chosen.rdflib_name or "turtle", encoding="utf-8")
    return Response(data, media_type=chosen.content_type(), headers=headers)


@router.get("/reports/{organisation}/{year}")
def current_report(request: Request, organisation: str, year: int, format: str | None = None) -> Response:
    """The current version of one organisation's report for one year."""
    return _version_response(request, organisation, year, None, format)


@router.get("/reports/{organisation}/{year}/v{version}")
def report_version(
    request: Request, organisation: str, year: int, version: int, format: str | None = None
) -> Response:
    """Any stored version of one organisation's report for one year."""
    return _version_response(request, organisation, year, version, format)


def _version_response(
    request: Request, organisation: str, year: int, version: int | None, format_name: str | None
) -> Response:
    chosen = choose_format(format_name, request.headers.get("accept"), VERSION_FORMATS)
    key = ReportKey(organisation_from_text(organisation), check_year(year))
    archive = report_service(request.app).archive
    stored = archive.find(key, version)
    headers = {"Vary": "Accept", "Link": f'<{stored.report}>; rel="describes"'}
    if chosen is JSON or chosen is HTML:
        listing = archive.versions(key.organisation, key.year)
        body = version_json(stored) | {"versions": [report_path(item) for item in listing]}
        if chosen is JSON:
            return _json(body, headers=headers)
        turtle = archive.read(stored).serialize(format="turtle")
        context = {"version": body, "turtle": turtle, "txt": form_text(request_language(request))}
        return render_page(request, "report_version.html", context, headers=headers)
    graph: Graph = archive.read(stored)
    rdflib_name = chosen.rdflib_name or "turtle"
    data = graph.serialize(format=rdflib_name, encoding="utf-8")
    return Response(data, media_type=chosen.content_type(), headers=headers)


# -- answers ----------------------------------------------------------------------------------------------


def outcome_response(request: Request, outcome: ValidationOutcome, chosen: Format, *, status: int) -> Response:
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
        lang = request_language(request)
        return render_page(
            request,
            "report_outcome.html",
            {"outcome_html": outcome_to_html(outcome, lang), "conforms": outcome.conforms, "txt": form_text(lang)},
            status_code=status, headers=headers,
        )
    data = outcome_to_rdf(outcome, chosen)
    return Response(data, status_code=status, media_type=chosen.content_type(), headers=headers)


def receipt_response(receipt: Receipt) -> Response:
    """201 Created: the receipt, with the report's IRI in ``Location``."""
    return _json(receipt.to_json(), status=201, headers={"Location": str(receipt.stored.report)})


def version_json(stored: StoredVersion) -> dict[str, Any]:
    """What the registry says about one version, as JSON."""
    return {
        "report": str(stored.report),
        "graph": str(stored.graph),
        "organisation": str(stored.key.organisation),
        "year": stored.key.year,
        "version": stored.version,
        "current": stored.current,
        "received_at": stored.submitted_at.isoformat(),
        "replaces": str(stored.revision_of) if stored.revision_of is not None else None,
        "superseded_at": stored.invalidated_at.isoformat() if stored.invalidated_at is not None else None,
        "content_hash": {"algorithm": "sha256", "value": stored.content_hash},
        "shapes_version": stored.shapes_version,
        "url": report_path(stored),
    }


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(data, status_code=status, media_type="application/json", headers=headers)


# -- shared steps -----------------------------------------------------------------------------------------


def _content_type(request: Request) -> str:
    return request.headers.get("content-type") or ""


def _authenticate(app: FastAPI, authorization: str | None) -> URIRef:
    token = bearer_token(authorization)
    if token is None:
        raise AuthenticationError("submitting a report needs an 'Authorization: Bearer <token>' header")
    organisation = token_registry(app).authenticate(token)
    if organisation is None:
        raise AuthenticationError("the bearer token is unknown or has been revoked")
    return organisation


async def _limited(pending: Awaitable[T]) -> T:
    """Await a validation job, turning the gate's refusals into 503 with ``Retry-After``."""
    try:
        return await pending
    except (ValidationBusyError, ValidationTimeoutError) as error:
        raise HttpStatusError(503, str(error), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None


# -- the page for people ----------------------------------------------------------------------------------


@router.get("/reports/submit", include_in_schema=False)
def submission_page(request: Request) -> Response:
    """The empty form."""
    return render_page(request, "report_submit.html", _form_context(FormInput(), request_language(request)))


@router.post("/reports/submit", include_in_schema=False)
async def submission_form(request: Request) -> Response:
    """Preview (``action=preview``) or submit (``action=submit``) what the form sent."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings.max_body_bytes)
    form = parse_form(request.headers.get("content-type"), body)
    service = report_service(request.app)
    lang = request_language(request)
    context = _form_context(form, lang)
    status = 200
    try:
        document, media_type = form.document()
        if form.action == "submit":
            if settings.read_only:
                raise PermissionDeniedError("this service is read-only; reports cannot be submitted")
            organisation = await run_in_threadpool(_authenticate, request.app, f"Bearer {form.token}")
            try:
                receipt = await _limited(run_in_threadpool(service.submit, document, media_type, organisation))
            except ReportRejectedError as rejected:
                status = 422
                context["outcome_html"] = outcome_to_html(rejected.outcome, lang)
            else:
                status = 201
                context["receipt"] = receipt.to_json()
        else:
            checked: Checked = await _limited(run_in_threadpool(service.check, document, media_type))
            context["outcome_html"] = outcome_to_html(checked.outcome, lang)
            context["conforms"] = checked.outcome.conforms
    except IpgraphError as error:
        status = error_response(error).status_code
        context["error"] = str(error)
    return render_page(request, "report_submit.html", context, status_code=status)


class FormInput:
    """The fields of the submission form."""

    def __init__(
        self,
        *,
        text: str = "",
        file: bytes = b"",
        filename: str = "",
        media_type: str = "",
        token: str = "",
        action: str = "preview",
    ) -> None:
        self.text, self.file, self.filename = text, file, filename
        self.media_type, self.token, self.action = media_type, token, action

    def document(self) -> tuple[bytes, str]:
        """The report bytes (the file if one was chosen, else the pasted text) and their media type."""
        data = self.file if self.file else self.text.encode("utf-8")
        if not data.strip():
            raise InputError("choose a file or paste the report's text")
        media_type = self.media_type
        if not media_type and self.file:
            guessed = format_for_path(self.filename, REPORT_FORMATS)
            media_type = guessed.media_type if guessed is not None else ""
        if not media_type:
            raise InputError("choose the report's format (Turtle, JSON-LD, RDF/XML or N-Triples)")
        return data, media_type


def parse_form(content_type: str | None, body: bytes) -> FormInput:
    """Read the form from ``application/x-www-form-urlencoded`` or ``multipart/form-data``."""
    media_type, _ = parse_media_type(content_type)
    fields: dict[str, str] = {}
    file, filename = b"", ""
    if media_type == FORM_MEDIA_TYPE:
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as error:
            raise InputError(f"the form is not valid UTF-8 (byte {error.start})") from None
    elif media_type == MULTIPART_FORM_MEDIA_TYPE:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + (content_type or "").encode("latin-1") + b"\r\n\r\n" + body
        )
        if not message.is_multipart():
            raise InputError("the multipart/form-data body has no parts (is the boundary right?)")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            if name == "file":
                file, filename = data, str(part.get_filename() or "")
            elif isinstance(name, str):
                fields[name] = data.decode("utf-8", errors="replace")
    else:
        raise InputError(f"the form must be sent as {FORM_MEDIA_TYPE} or {MULTIPART_FORM_MEDIA_TYPE}")
    return FormInput(
        text=fields.get("text", ""),
        file=file,
        filename=filename,
        media_type=fields.get("format", ""),
        token=fields.get("token", "").strip(),
        action="submit" if fields.get("action") == "submit" else "preview",
    )


#: The page's own words (the site-wide ones come from :mod:`ipgraph.publish.i18n`).
FORM_TEXT: dict[str, dict[str, str]] = {
    "title": {"vi": "Nộp báo cáo năm", "en": "Submit an annual report"},
    "intro": {
        "vi": "Chọn tệp hoặc dán nội dung báo cáo, chọn định dạng, rồi xem trước kết quả kiểm tra. "
        "Báo cáo chỉ được lưu khi bấm Nộp với mã truy cập của đơn vị.",
        "en": "Choose a file or paste the report, choose its format, then preview the validation result. "
        "The report is stored only when you press Submit with your organisation's token.",
    },
    "file": {"vi": "Tệp báo cáo", "en": "Report file"},
    "text": {"vi": "Hoặc dán nội dung", "en": "Or paste its text"},
    "format": {"vi": "Định dạng", "en": "Format"},
    "format_from_file": {"vi": "Theo phần mở rộng của tệp", "en": "From the file's extension"},
    "token": {"vi": "Mã truy cập của đơn vị (chỉ cần khi nộp)", "en": "Organisation token (needed to submit)"},
    "preview": {"vi": "Xem trước", "en": "Preview"},
    "submit": {"vi": "Nộp báo cáo", "en": "Submit"},
    "conforms": {"vi": "Báo cáo hợp lệ, có thể nộp.", "en": "The report conforms and can be submitted."},
    "not_conforms": {"vi": "Báo cáo chưa hợp lệ; hãy sửa các lỗi dưới đây.", "en": "The report does not conform; "
                     "fix the problems below."},
    "rejected": {"vi": "Báo cáo không được lưu vì chưa hợp lệ.", "en": "The report was not stored: it does not "
                 "conform."},
    "stored": {"vi": "Đã nhận và lưu báo cáo.", "en": "The report has been received and stored."},
    "error": {"vi": "Không xử lý được yêu cầu", "en": "The request could not be handled"},
    "receipt": {"vi": "Biên nhận", "en": "Receipt"},
    "version": {"vi": "Phiên bản", "en": "Version"},
    "received_at": {"vi": "Thời điểm nhận", "en": "Received at"},
    "content_hash": {"vi": "Mã băm SHA-256 của tệp", "en": "SHA-256 of the document"},
    "outcome_title": {"vi": "Kết quả kiểm tra báo cáo", "en": "Report validation result"},
    "report_version": {"vi": "Báo cáo đã lưu", "en": "Stored report"},
    "current": {"vi": "Phiên bản hiện hành", "en": "Current version"},
    "superseded_at": {"vi": "Bị thay thế lúc", "en": "Superseded at"},
    "versions": {"vi": "Các phiên bản", "en": "Versions"},
    "download": {"vi": "Tải về", "en": "Download"},
}


def form_text(lang: str) -> dict[str, str]:
    """The page's words in ``lang``."""
    return {key: texts[lang] for key, texts in FORM_TEXT.items()}


def _form_context(form: FormInput, lang: str) -> dict[str, Any]:
    return {
        "txt": form_text(lang),
        "formats": [(offer.media_type, offer.name) for offer in REPORT_FORMATS],
        "form": form,
        "outcome_html": None,
        "conforms": None,
        "receipt": None,
        "error": None,
    }
