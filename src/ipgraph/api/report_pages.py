"""The report pages for people: the submission form (``/reports/submit``: upload or paste, format, token; preview
then submit, plain HTML that works without JavaScript), and the HTML forms of a validation result and of a
stored version, which :mod:`ipgraph.api.reports` answers browsers with."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from rdflib import Graph, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.body import read_body
from ipgraph.api.problems import error_response
from ipgraph.api.report_access import authenticate, report_service, run_limited
from ipgraph.errors import InputError, IpgraphError, PermissionDeniedError
from ipgraph.formats import FORM_MEDIA_TYPE, MULTIPART_FORM_MEDIA_TYPE, format_for_path, parse_media_type
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.form_input import graph_to_values, values_to_graph
from ipgraph.reports.form_model import FormModel, load_form_model
from ipgraph.reports.form_view import default_values, field_title, notes_by_field, sections
from ipgraph.reports.messages import Namer
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.rdf_lines import line_text, subject_lines
from ipgraph.reports.rendering import outcome_to_html
from ipgraph.reports.storage import FIRST_YEAR, LAST_YEAR, organisation_from_text, organisation_slug
from ipgraph.reports.submission import Checked, ReportRejectedError
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.reports.workbook import XLSX_MEDIA_TYPE, write_workbook
from ipgraph.reports.workbook_input import WorkbookError, read_workbook
from ipgraph.settings import Settings
from ipgraph.vocab import PREFIXES

router = APIRouter(tags=["reports"])


def outcome_page(
    request: Request, outcome: ValidationOutcome, *, status: int, headers: dict[str, str], document: str = ""
) -> Response:
    """A validation result as a page, grouped by problem; with the Turtle ``document`` it was made from, each
    finding says the line its resource is written on."""
    lang = request_language(request)
    lines = subject_lines(document) if document else {}

    def locate(issue: Any, language: str) -> str:
        line = lines.get(_expand(issue.focus or ""))
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


@router.get("/reports/submit", include_in_schema=False)
def submission_page(request: Request, organisation: str | None = None, year: int | None = None) -> Response:
    """The form: first the organisation and year, then that organisation's report form (fresh)."""
    model = form_model(request)
    lang = request_language(request)
    form = FormInput(organisation=organisation or "", year=str(year or ""))
    context = _form_context(form, lang, model)
    chosen = _chosen(model, form)
    if chosen is not None:
        context.update(_fields_context(model, chosen[0], chosen[1], default_values(model, chosen[0]), lang, {}))
    return render_page(request, "report_submit.html", context)


@router.post("/reports/submit", include_in_schema=False)
async def submission_form(request: Request) -> Response:
    """Preview (``action=preview``) or submit (``action=submit``) what the form sent: its fields, a workbook,
    or an RDF file or text."""
    settings: Settings = request.app.state.settings
    body = await read_body(request, settings.max_body_bytes)
    lang = request_language(request)
    model = form_model(request)
    service = report_service(request.app)
    status = 200
    try:
        form = parse_form(request.headers.get("content-type"), body)
    except InputError as error:
        form = FormInput()
        context = _form_context(form, lang, model)
        context["error"] = _error_text(error, lang)
        return render_page(request, "report_submit.html", context, status_code=400)
    context = _form_context(form, lang, model)
    if form.action == "open":
        return await _open_with_token(request, form, model, lang)
    cells: dict[str, str] = {}
    lines: dict[str, int] = {}
    try:
        if form.is_workbook():
            workbook = await run_in_threadpool(read_workbook, model, form.file)
            form.organisation, form.year = organisation_slug(workbook.organisation), str(workbook.year)
            form.values, cells = workbook.values, workbook.cells
        chosen = _chosen(model, form)
        if chosen is not None and (form.values or form.is_workbook()):
            organisation, year = chosen
            produced = values_to_graph(model, organisation, year, form.values)
            document, media_type = produced.turtle(), "text/turtle"
            locator = produced.locator
        else:
            document, media_type = form.document()
            locator = None
            lines = (
                subject_lines(document.decode("utf-8", errors="replace")) if media_type != "application/ld+json" else {}
            )
        namer = Namer(model, lang)

        def locate(issue: Any, language: str) -> str:
            name = locator.find(issue.focus, issue.path, issue.value) if locator is not None else None
            if name is None:
                line = lines.get(_expand(issue.focus or "")) if locator is None else None
                return (f"dòng {line}" if language == "vi" else f"line {line}") if line else ""
            title = field_title(model, name, form.values, language)
            return f"{cells[name]} — {title}" if name in cells else title

        outcome = None
        if form.action == "submit":
            if settings.read_only:
                raise PermissionDeniedError("this service is read-only; reports cannot be submitted")
            organisation = await run_in_threadpool(authenticate, request.app, f"Bearer {form.token}")
            try:
                receipt = await run_limited(run_in_threadpool(service.submit, document, media_type, organisation))
            except ReportRejectedError as rejected:
                status = 422
                outcome = rejected.outcome
                context["outcome_html"] = outcome_to_html(outcome, lang, namer, locate)
            else:
                status = 201
                context["receipt"] = receipt_view(model, receipt.to_json(), lang)
        else:
            checked: Checked = await run_limited(run_in_threadpool(service.check, document, media_type))
            outcome = checked.outcome
            context["outcome_html"] = outcome_to_html(outcome, lang, namer, locate)
            context["conforms"] = outcome.conforms
        if chosen is not None and locator is not None:
            notes = notes_by_field(outcome.issues, locator, namer) if outcome is not None else {}
            context.update(_fields_context(model, chosen[0], chosen[1], form.values, lang, notes))
    except WorkbookError as error:
        status = 400
        context["error"] = error.message(lang)
    except IpgraphError as error:
        status = error_response(error).status_code
        context["error"] = _error_text(error, lang)
        if isinstance(error, InputError) and error.line:
            context["error_line"] = line_text(_sent_text(form), error.line)
    return render_page(request, "report_submit.html", context, status_code=status)


def _sent_text(form: FormInput) -> str:
    return (form.file or form.text.encode("utf-8")).decode("utf-8", errors="replace")


def _expand(name: str) -> str:
    prefix, colon, local = name.partition(":")
    namespace = PREFIXES.get(prefix) if colon else None
    return str(namespace) + local if namespace is not None and not local.startswith("//") else name


@router.get("/reports/template.xlsx", include_in_schema=False)
def workbook_template(request: Request, organisation: str, year: int) -> Response:
    """The Excel workbook for one organisation and year, prefilled with its duties and the indicators."""
    model = form_model(request)
    chosen = _chosen(model, FormInput(organisation=organisation, year=str(year)))
    if chosen is None:
        raise InputError(f"no organisation of the plan is named {organisation!r}, or {year} is not a reporting year")
    data = write_workbook(model, chosen[0], chosen[1])
    name = f"bao-cao-{organisation_slug(chosen[0])}-{chosen[1]}.xlsx"
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})


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


async def _open_with_token(request: Request, form: FormInput, model: FormModel, lang: str) -> Response:
    """The first step by token instead of by name: the organisation is the one the token was issued to."""
    context = _form_context(form, lang, model)
    try:
        organisation = await run_in_threadpool(authenticate, request.app, f"Bearer {form.token}")
    except IpgraphError as error:
        context["error"] = _error_text(error, lang)
        return render_page(request, "report_submit.html", context, status_code=error_response(error).status_code)
    form.organisation = organisation_slug(organisation)
    chosen = _chosen(model, form)
    if chosen is not None:
        context.update(_fields_context(model, chosen[0], chosen[1], default_values(model, chosen[0]), lang, {}))
    return render_page(request, "report_submit.html", context)


def form_model(request: Request) -> FormModel:
    """The form's description for the project the app serves (parsed once per project directory)."""
    settings: Settings = request.app.state.settings
    return load_form_model(settings.project_dir)


def _chosen(model: FormModel, form: FormInput) -> tuple[URIRef, int] | None:
    if not form.organisation or not form.year.isdigit():
        return None
    try:
        organisation = organisation_from_text(form.organisation)
    except InputError:
        return None
    year = int(form.year)
    if not FIRST_YEAR <= year <= LAST_YEAR or organisation not in dict(model.organisations):
        return None
    return organisation, year


def _fields_context(
    model: FormModel,
    organisation: URIRef,
    year: int,
    values: dict[str, str],
    lang: str,
    notes: dict[str, list[tuple[str, str]]],
) -> dict[str, Any]:
    return {
        "chosen": {
            "slug": organisation_slug(organisation),
            "name": model.organisation_name(organisation, lang),
            "year": year,
        },
        "sections": sections(model, organisation, values, lang, notes),
    }


def receipt_view(model: FormModel, receipt: dict[str, Any], lang: str) -> dict[str, Any]:
    """A receipt for people: the organisation by name and the time in Vietnamese local time, to the second."""
    return receipt | {
        "organisation_name": model.organisation_name(URIRef(receipt["organisation"]), lang),
        "received_local": local_time(receipt["received_at"]),
    }


def local_time(moment: str | None) -> str:
    """An ISO timestamp as ``dd/mm/yyyy hh:mm:ss`` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving)."""
    if not moment:
        return ""
    import datetime as dt

    parsed = dt.datetime.fromisoformat(moment).astimezone(dt.timezone(dt.timedelta(hours=7)))
    return parsed.strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)"


def _error_text(error: Exception, lang: str) -> str:
    """An error for the page, in its language: known kinds get a sentence of their own, the rest keep their
    details (line and column of a syntax error) after it."""
    from ipgraph.errors import AuthenticationError, RdfSyntaxError

    detail = str(error)
    if isinstance(error, AuthenticationError):
        return {
            "vi": "Mã truy cập không đúng (không có trong hệ thống) hoặc đã bị thu hồi.",
            "en": "The token is unknown or has been revoked.",
        }[lang]
    if isinstance(error, PermissionDeniedError):
        return {
            "vi": "Mã truy cập này không được nộp báo cáo của đơn vị khác, hoặc hệ thống chỉ cho đọc.",
            "en": "This token cannot submit another organisation's report, or the service is read-only.",
        }[lang]
    if isinstance(error, RdfSyntaxError):
        where = (
            f" (dòng {error.line}, cột {error.column})"
            if lang == "vi"
            else f" (line {error.line}, column {error.column})"
        )
        lead = {"vi": "Tệp RDF có lỗi cú pháp", "en": "The RDF file has a syntax error"}[lang]
        return lead + (where if error.line else "") + (": " + detail if lang == "en" else "")
    if isinstance(error, InputError) and detail.startswith("the report describes"):
        return {
            "vi": "Báo cáo có phát biểu về tài nguyên của Kế hoạch (nhiệm vụ, cơ quan, bộ mã). Báo cáo chỉ được "
            "đặt tên cho chính nó và các phần của nó; hãy xóa các phát biểu đó.",
            "en": "The report makes statements about the plan's own resources (duties, organisations, code lists). "
            "A report may name only itself and its parts; remove those statements.",
        }[lang]
    if isinstance(error, InputError) and lang == "vi":
        return "Không đọc được dữ liệu gửi lên. Hãy chọn tệp, dán nội dung hoặc điền biểu mẫu."
    return detail


class FormInput:
    """What the submission page sent: the report's fields, or a file (workbook or RDF) or pasted RDF."""

    def __init__(
        self,
        *,
        text: str = "",
        file: bytes = b"",
        filename: str = "",
        media_type: str = "",
        token: str = "",
        action: str = "preview",
        organisation: str = "",
        year: str = "",
        values: dict[str, str] | None = None,
    ) -> None:
        self.text, self.file, self.filename = text, file, filename
        self.media_type, self.token, self.action = media_type, token, action
        self.organisation, self.year = organisation, year
        self.values: dict[str, str] = values or {}

    def is_workbook(self) -> bool:
        """A chosen file that is a workbook (by its name or media type; the package is checked on reading)."""
        return bool(self.file) and (
            self.filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or self.media_type == XLSX_MEDIA_TYPE
        )

    def document(self) -> tuple[bytes, str]:
        """The report bytes (the file if one was chosen, else the pasted text) and their media type: as chosen,
        else from the file's extension, else recognised from the text's first characters."""
        data = self.file if self.file else self.text.encode("utf-8")
        if not data.strip():
            raise InputError("choose a file, paste the report's text or fill in the form")
        media_type = self.media_type
        if not media_type and self.file:
            guessed = format_for_path(self.filename, REPORT_FORMATS)
            media_type = guessed.media_type if guessed is not None else ""
        if not media_type:
            media_type = _sniffed(data)
        return data, media_type


def _sniffed(data: bytes) -> str:
    """JSON-LD when the text opens with ``{`` or ``[``, RDF/XML with ``<?xml`` or ``<rdf:``, else Turtle (which
    also reads N-Triples)."""
    head = data.lstrip()[:10]
    if head.startswith((b"{", b"[")):
        return "application/ld+json"
    if head.startswith((b"<?xml", b"<rdf:", b"<RDF")):
        return "application/rdf+xml"
    return "text/turtle"


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
    values = {
        name: value
        for name, value in fields.items()
        if name.split(".", 1)[0] in ("report", "person", "duty", "obs") and len(name) < 64
    }
    return FormInput(
        text=fields.get("text", ""),
        file=file,
        filename=filename,
        media_type=fields.get("format", ""),
        token=fields.get("token", "").strip(),
        action=fields.get("action", "") if fields.get("action") in ("submit", "open") else "preview",
        organisation=fields.get("organisation", "").strip(),
        year=fields.get("year", "").strip(),
        values=values,
    )


#: The page's own words (the site-wide ones come from :mod:`ipgraph.publish.i18n`).
PAGE_TEXT: dict[str, dict[str, str]] = {
    "title": {"vi": "Nộp báo cáo năm", "en": "Submit an annual report"},
    "intro": {
        "vi": "Chọn đơn vị và năm, điền biểu mẫu (hoặc tải mẫu Excel, điền rồi gửi lại), bấm Xem trước để kiểm tra. "
        "Báo cáo chỉ được lưu khi bấm Nộp báo cáo với mã truy cập của đơn vị.",
        "en": "Choose the organisation and year, fill in the form (or download the Excel template, fill it and send "
        "it back), then press Preview to check it. The report is stored only when you press Submit with your "
        "organisation's token.",
    },
    "file": {"vi": "Tệp báo cáo", "en": "Report file"},
    "text": {"vi": "Hoặc dán nội dung", "en": "Or paste its text"},
    "format": {"vi": "Định dạng", "en": "Format"},
    "format_from_file": {"vi": "Theo phần mở rộng của tệp", "en": "From the file's extension"},
    "token": {"vi": "Mã truy cập của đơn vị (chỉ cần khi nộp)", "en": "Organisation token (needed to submit)"},
    "preview": {"vi": "Xem trước", "en": "Preview"},
    "submit": {"vi": "Nộp báo cáo", "en": "Submit"},
    "conforms": {
        "vi": "Báo cáo hợp lệ. Nhập mã truy cập của đơn vị ở cuối trang và bấm Nộp báo cáo.",
        "en": "The report conforms. Enter your organisation's token at the end of the page and press Submit.",
    },
    "not_conforms": {
        "vi": "Báo cáo chưa hợp lệ; hãy sửa các lỗi dưới đây.",
        "en": "The report does not conform; fix the problems below.",
    },
    "rejected": {
        "vi": "Báo cáo không được lưu vì chưa hợp lệ.",
        "en": "The report was not stored: it does not conform.",
    },
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
    "stored_reports": {"vi": "Các báo cáo đã nhận", "en": "Reports received"},
    "organisation": {"vi": "Đơn vị", "en": "Organisation"},
    "year": {"vi": "Năm", "en": "Year"},
    "no_reports": {"vi": "Chưa có báo cáo nào.", "en": "No report has been received yet."},
    "choose": {"vi": "1. Chọn đơn vị và năm báo cáo", "en": "1. Choose the organisation and the year"},
    "open_form": {"vi": "Mở biểu mẫu", "en": "Open the form"},
    "by_token": {"vi": "Hoặc mở theo mã truy cập của đơn vị", "en": "Or open it with your organisation's token"},
    "fill": {"vi": "2. Điền báo cáo", "en": "2. Fill in the report"},
    "required_note": {"vi": "Dấu * là trường bắt buộc.", "en": "Fields marked * are required."},
    "template": {"vi": "Tải mẫu Excel (.xlsx) của đơn vị", "en": "Download the Excel template (.xlsx)"},
    "other_ways": {
        "vi": "Hoặc gửi tệp: sổ tính Excel đã điền, hoặc tệp RDF",
        "en": "Or send a file: a filled Excel workbook, or an RDF file",
    },
    "lead": {"vi": "Chủ trì", "en": "Lead"},
    "partner": {"vi": "Phối hợp (không bắt buộc)", "en": "Partner (optional)"},
    "choose_value": {"vi": "— chọn —", "en": "— choose —"},
    "indicator_extra": {"vi": "Thêm số liệu", "en": "Another figure"},
    "view_stored": {"vi": "Xem báo cáo đã lưu", "en": "See the stored report"},
    "download_rdf": {"vi": "Tải bản RDF (Turtle)", "en": "Download as RDF (Turtle)"},
    "download_xlsx": {"vi": "Tải bản Excel", "en": "Download as Excel"},
    "warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "contents": {"vi": "Nội dung báo cáo", "en": "What the report says"},
    "date_placeholder": {"vi": "ngày/tháng/năm, ví dụ 05/10/2025", "en": "day/month/year, e.g. 05/10/2025"},
}


def page_text(lang: str) -> dict[str, str]:
    """The page's words in ``lang``."""
    return {key: texts[lang] for key, texts in PAGE_TEXT.items()}


def _form_context(form: FormInput, lang: str, model: FormModel) -> dict[str, Any]:
    return {
        "txt": page_text(lang),
        "formats": [(offer.media_type, offer.name) for offer in REPORT_FORMATS],
        "form": form,
        "organisations": [(organisation_slug(iri), name.get(lang)) for iri, name in model.organisations],
        "years": list(range(FIRST_YEAR, LAST_YEAR + 1)),
        "chosen": None,
        "sections": [],
        "outcome_html": None,
        "conforms": None,
        "receipt": None,
        "error": None,
        "error_line": None,
    }
