"""Report pages shared by the report routers: a validation outcome, the list of stored versions, one version, a
version as a workbook, and the pages' own vi/en words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import Response

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
