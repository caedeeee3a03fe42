"""The report pages for people: the submission form (``/reports/submit``: upload or paste, format, token; preview
then submit, plain HTML that works without JavaScript), and the HTML forms of a validation result and of a
stored version, which :mod:`ipgraph.api.reports` answers browsers with."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ipgraph.api.body import read_body
from ipgraph.api.problems import error_response
from ipgraph.api.report_access import authenticate, report_service, run_limited
from ipgraph.errors import InputError, IpgraphError, PermissionDeniedError
from ipgraph.formats import FORM_MEDIA_TYPE, MULTIPART_FORM_MEDIA_TYPE, format_for_path, parse_media_type
from ipgraph.publish.rendering import render_page, request_language
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.reports.rendering import outcome_to_html
from ipgraph.reports.submission import Checked, ReportRejectedError
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.settings import Settings

router = APIRouter(tags=["reports"])


def outcome_page(request: Request, outcome: ValidationOutcome, *, status: int, headers: dict[str, str]) -> Response:
    """A validation result as a page, grouped by problem."""
    lang = request_language(request)
    context = {"outcome_html": outcome_to_html(outcome, lang), "conforms": outcome.conforms, "txt": page_text(lang)}
    return render_page(request, "report_outcome.html", context, status_code=status, headers=headers)


def list_page(request: Request, versions: list[dict[str, Any]], *, headers: dict[str, str]) -> Response:
    """The stored versions as a table with links."""
    context = {"versions": versions, "txt": page_text(request_language(request))}
    return render_page(request, "report_list.html", context, headers=headers)


def version_page(request: Request, version: dict[str, Any], turtle: str, *, headers: dict[str, str]) -> Response:
    """A stored version as a page: its registry entry, the other versions, its triples."""
    context = {"version": version, "turtle": turtle, "txt": page_text(request_language(request))}
    return render_page(request, "report_version.html", context, headers=headers)


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
            organisation = await run_in_threadpool(authenticate, request.app, f"Bearer {form.token}")
            try:
                receipt = await run_limited(run_in_threadpool(service.submit, document, media_type, organisation))
            except ReportRejectedError as rejected:
                status = 422
                context["outcome_html"] = outcome_to_html(rejected.outcome, lang)
            else:
                status = 201
                context["receipt"] = receipt.to_json()
        else:
            checked: Checked = await run_limited(run_in_threadpool(service.check, document, media_type))
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
PAGE_TEXT: dict[str, dict[str, str]] = {
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
    "stored_reports": {"vi": "Các báo cáo đã nhận", "en": "Reports received"},
    "organisation": {"vi": "Đơn vị", "en": "Organisation"},
    "year": {"vi": "Năm", "en": "Year"},
    "no_reports": {"vi": "Chưa có báo cáo nào.", "en": "No report has been received yet."},
}


def page_text(lang: str) -> dict[str, str]:
    """The page's words in ``lang``."""
    return {key: texts[lang] for key, texts in PAGE_TEXT.items()}


def _form_context(form: FormInput, lang: str) -> dict[str, Any]:
    return {
        "txt": page_text(lang),
        "formats": [(offer.media_type, offer.name) for offer in REPORT_FORMATS],
        "form": form,
        "outcome_html": None,
        "conforms": None,
        "receipt": None,
        "error": None,
    }
