"""The report pages' wording: the submission form (``report_*``), the validation outcome (``outcome_*``)
and counted nouns with their singular and plural forms (``count_<noun>_one``/``_many``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.publish.i18n import Language

REPORT_WORDING: dict[str, dict[Language, str]] = {
    "report_title": {
        "vi": "Nộp báo cáo năm",
        "en": "Submit an annual report",
    },
    "report_intro": {
        "vi": (
            "Chọn đơn vị và năm, điền biểu mẫu (hoặc tải mẫu Excel, điền rồi gửi lại), bấm Xem trước để kiểm"
            " tra. Báo cáo chỉ được lưu khi bấm Nộp báo cáo với mã truy cập của đơn vị."
        ),
        "en": (
            "Choose the organisation and year, fill in the form (or download the Excel template, fill it and"
            " send it back), then press Preview to check it. The report is stored only when you press Submit"
            " with your organisation's token."
        ),
    },
    "report_file": {
        "vi": "Tệp báo cáo",
        "en": "Report file",
    },
    "report_text": {
        "vi": "Hoặc dán nội dung",
        "en": "Or paste its text",
    },
    "report_format": {
        "vi": "Định dạng",
        "en": "Format",
    },
    "report_format_from_file": {
        "vi": "Theo phần mở rộng của tệp",
        "en": "From the file's extension",
    },
    "report_token": {
        "vi": "Mã truy cập của đơn vị (chỉ cần khi nộp)",
        "en": "Organisation token (needed to submit)",
    },
    "report_preview": {
        "vi": "Xem trước",
        "en": "Preview",
    },
    "report_submit": {
        "vi": "Nộp báo cáo",
        "en": "Submit",
    },
    "report_conforms": {
        "vi": "Báo cáo hợp lệ. Nhập mã truy cập của đơn vị ở cuối trang và bấm Nộp báo cáo.",
        "en": "The report conforms. Enter your organisation's token at the end of the page and press Submit.",
    },
    "report_not_conforms": {
        "vi": "Báo cáo chưa hợp lệ; hãy sửa các lỗi dưới đây.",
        "en": "The report does not conform; fix the problems below.",
    },
    "report_rejected": {
        "vi": "Báo cáo không được lưu vì chưa hợp lệ.",
        "en": "The report was not stored: it does not conform.",
    },
    "report_stored": {
        "vi": "Đã nhận và lưu báo cáo.",
        "en": "The report has been received and stored.",
    },
    "report_error": {
        "vi": "Không xử lý được yêu cầu",
        "en": "The request could not be handled",
    },
    "report_receipt": {
        "vi": "Biên nhận",
        "en": "Receipt",
    },
    "report_version": {
        "vi": "Phiên bản",
        "en": "Version",
    },
    "report_received_at": {
        "vi": "Thời điểm nhận",
        "en": "Received at",
    },
    "report_content_hash": {
        "vi": "Mã băm SHA-256 của tệp",
        "en": "SHA-256 of the document",
    },
    "report_outcome_title": {
        "vi": "Kết quả kiểm tra báo cáo",
        "en": "Report validation result",
    },
    "report_report_version": {
        "vi": "Báo cáo đã lưu",
        "en": "Stored report",
    },
    "report_current": {
        "vi": "Phiên bản hiện hành",
        "en": "Current version",
    },
    "report_superseded_at": {
        "vi": "Bị thay thế lúc",
        "en": "Superseded at",
    },
    "report_versions": {
        "vi": "Các phiên bản",
        "en": "Versions",
    },
    "report_download": {
        "vi": "Tải về",
        "en": "Download",
    },
    "report_stored_reports": {
        "vi": "Các báo cáo đã nhận",
        "en": "Reports received",
    },
    "report_organisation": {
        "vi": "Đơn vị",
        "en": "Organisation",
    },
    "report_year": {
        "vi": "Năm",
        "en": "Year",
    },
    "report_no_reports": {
        "vi": "Chưa có báo cáo nào.",
        "en": "No report has been received yet.",
    },
    "report_choose": {
        "vi": "1. Chọn đơn vị và năm báo cáo",
        "en": "1. Choose the organisation and the year",
    },
    "report_open_form": {
        "vi": "Mở biểu mẫu",
        "en": "Open the form",
    },
    "report_by_token": {
        "vi": "Hoặc mở theo mã truy cập của đơn vị",
        "en": "Or open it with your organisation's token",
    },
    "report_fill": {
        "vi": "2. Điền báo cáo",
        "en": "2. Fill in the report",
    },
    "report_required_note": {
        "vi": "Dấu * là trường bắt buộc.",
        "en": "Fields marked * are required.",
    },
    "report_template": {
        "vi": "Tải mẫu Excel (.xlsx) của đơn vị",
        "en": "Download the Excel template (.xlsx)",
    },
    "report_other_ways": {
        "vi": "Hoặc gửi tệp: sổ tính Excel đã điền, hoặc tệp RDF",
        "en": "Or send a file: a filled Excel workbook, or an RDF file",
    },
    "report_lead": {
        "vi": "Chủ trì",
        "en": "Lead",
    },
    "report_partner": {
        "vi": "Phối hợp (không bắt buộc)",
        "en": "Partner (optional)",
    },
    "report_choose_value": {
        "vi": "— chọn —",
        "en": "— choose —",
    },
    "report_indicator_extra": {
        "vi": "Thêm số liệu",
        "en": "Another figure",
    },
    "report_view_stored": {
        "vi": "Xem báo cáo đã lưu",
        "en": "See the stored report",
    },
    "report_download_rdf": {
        "vi": "Tải bản RDF (Turtle)",
        "en": "Download as RDF (Turtle)",
    },
    "report_download_xlsx": {
        "vi": "Tải bản Excel",
        "en": "Download as Excel",
    },
    "report_warnings": {
        "vi": "Cảnh báo",
        "en": "Warnings",
    },
    "report_contents": {
        "vi": "Nội dung báo cáo",
        "en": "What the report says",
    },
    "report_date_placeholder": {
        "vi": "ngày/tháng/năm, ví dụ 05/10/2025",
        "en": "day/month/year, e.g. 05/10/2025",
    },
    "report_role_lead": {
        "vi": "Chủ trì — bắt buộc",
        "en": "Lead — required",
    },
    "report_role_partner": {
        "vi": "Phối hợp — không bắt buộc",
        "en": "Taking part — optional",
    },
    "report_in_vi": {
        "vi": "tiếng Việt",
        "en": "Vietnamese",
    },
    "report_in_en": {
        "vi": "tiếng Anh",
        "en": "English",
    },
    "report_error_token_unknown": {
        "vi": "Mã truy cập không đúng (không có trong hệ thống) hoặc đã bị thu hồi.",
        "en": "The token is unknown or has been revoked.",
    },
    "report_error_token_denied": {
        "vi": "Mã truy cập này không được nộp báo cáo của đơn vị khác, hoặc hệ thống chỉ cho đọc.",
        "en": "This token cannot submit another organisation's report, or the service is read-only.",
    },
    "report_error_rdf_syntax": {
        "vi": "Tệp RDF có lỗi cú pháp",
        "en": "The RDF file has a syntax error",
    },
    "report_error_where": {
        "vi": " (dòng {line}, cột {column})",
        "en": " (line {line}, column {column})",
    },
    "report_error_plan_statements": {
        "vi": (
            "Báo cáo có phát biểu về tài nguyên của Kế hoạch (nhiệm vụ, cơ quan, bộ mã). Báo cáo chỉ được "
            "đặt tên cho chính nó và các phần của nó; hãy xóa các phát biểu đó."
        ),
        "en": (
            "The report makes statements about the plan's own resources (duties, organisations, code lists)."
            " A report may name only itself and its parts; remove those statements."
        ),
    },
    "outcome_title": {
        "vi": "Kết quả kiểm tra báo cáo",
        "en": "Report validation result",
    },
    "outcome_conforms": {
        "vi": "Báo cáo hợp lệ",
        "en": "The report conforms",
    },
    "outcome_not_conforms": {
        "vi": "Báo cáo không hợp lệ",
        "en": "The report does not conform",
    },
    "outcome_violation": {
        "vi": "Lỗi",
        "en": "Violations",
    },
    "outcome_warning": {
        "vi": "Cảnh báo",
        "en": "Warnings",
    },
    "outcome_info": {
        "vi": "Thông tin",
        "en": "Notes",
    },
    "outcome_organisation": {
        "vi": "Đơn vị báo cáo",
        "en": "Reporting organisation",
    },
    "outcome_year": {
        "vi": "Năm báo cáo",
        "en": "Reporting year",
    },
    "outcome_shapes_version": {
        "vi": "Phiên bản ràng buộc",
        "en": "Shapes version",
    },
    "outcome_none": {
        "vi": "Không có vấn đề nào.",
        "en": "No problems found.",
    },
    "outcome_field": {
        "vi": "Trường",
        "en": "Field",
    },
    "outcome_value": {
        "vi": "Giá trị",
        "en": "Value",
    },
    "outcome_where": {
        "vi": "Vị trí",
        "en": "Where",
    },
    "count_violation_one": {
        "vi": "lỗi",
        "en": "violation",
    },
    "count_violation_many": {
        "vi": "lỗi",
        "en": "violations",
    },
    "count_warning_one": {
        "vi": "cảnh báo",
        "en": "warning",
    },
    "count_warning_many": {
        "vi": "cảnh báo",
        "en": "warnings",
    },
    "count_info_one": {
        "vi": "ghi chú",
        "en": "note",
    },
    "count_info_many": {
        "vi": "ghi chú",
        "en": "notes",
    },
    "count_occurrence_one": {
        "vi": "lần",
        "en": "occurrence",
    },
    "count_occurrence_many": {
        "vi": "lần",
        "en": "occurrences",
    },
    "report_error_unreadable": {
        "vi": "Không đọc được dữ liệu gửi lên. Hãy chọn tệp, dán nội dung hoặc điền biểu mẫu.",
        "en": "The data sent could not be read. Choose a file, paste the text or fill in the form.",
    },
}
