"""The site's two languages: which one a visitor reads, and the interface wording in each.

The choice is, in order: ``?lang=`` on the request (which also sets the cookie, so the choice is kept
across pages without JavaScript), the ``lang`` cookie, the first of vi/en in ``Accept-Language``, then
Vietnamese, the plan's own language.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DEFAULT_LANGUAGE: Language = "vi"
LANGUAGE_COOKIE = "lang"

MESSAGES: dict[str, dict[Language, str]] = {
    "site_name": {"vi": "ipgraph — Kế hoạch 160/KH-UBND", "en": "ipgraph — Plan 160/KH-UBND"},
    "home": {"vi": "Trang chủ", "en": "Home"},
    "search": {"vi": "Tìm kiếm", "en": "Search"},
    "search_placeholder": {"vi": "Tìm theo tên hoặc nội dung…", "en": "Search names and texts…"},
    "query": {"vi": "Truy vấn SPARQL", "en": "SPARQL query"},
    "questions": {"vi": "Câu hỏi soạn sẵn", "en": "Canned questions"},
    "dashboard": {"vi": "Tiến độ thực hiện", "en": "Progress dashboard"},
    "ontology": {"vi": "Bộ từ vựng (ontology)", "en": "Ontology"},
    "dataset": {"vi": "Mô tả bộ dữ liệu", "en": "Dataset description"},
    "dumps": {"vi": "Tải toàn bộ dữ liệu", "en": "Data dumps"},
    "switch_language": {"vi": "English", "en": "Tiếng Việt"},
    "labels": {"vi": "Nhãn", "en": "Labels"},
    "types": {"vi": "Loại", "en": "Types"},
    "properties": {"vi": "Thuộc tính", "en": "Properties"},
    "incoming": {"vi": "Được liên kết từ", "en": "Linked from"},
    "property": {"vi": "Thuộc tính", "en": "Property"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "resource": {"vi": "Tài nguyên", "en": "Resource"},
    "summary": {"vi": "Tóm tắt", "en": "Summary"},
    "lead": {"vi": "Chủ trì", "en": "Lead"},
    "partner": {"vi": "Phối hợp", "en": "Coordinates with"},
    "requested": {"vi": "Được đề nghị thực hiện", "en": "Requested to act"},
    "advisee": {"vi": "Tham mưu cho", "en": "Advises"},
    "other_roles": {"vi": "Vai trò khác", "en": "Other roles"},
    "targets": {"vi": "Mục tiêu", "en": "Targets"},
    "subjects": {"vi": "Loại hình SHTT và chủ đề", "en": "IP categories and topics"},
    "source_clause": {"vi": "Điều khoản gốc", "en": "Source clause"},
    "text_vi": {"vi": "Nguyên văn (tiếng Việt)", "en": "Verbatim (Vietnamese)"},
    "text_en": {"vi": "Bản dịch tiếng Anh", "en": "English translation"},
    "successor_today": {"vi": "Nay do cơ quan này đảm nhận", "en": "Carried today by"},
    "successor_unknown": {"vi": "Chưa rõ cơ quan kế nhiệm", "en": "Successor not known"},
    "responsibilities": {"vi": "Trách nhiệm theo kế hoạch", "en": "Responsibilities in the plan"},
    "inherited": {"vi": "Trách nhiệm tiếp nhận từ cơ quan trước", "en": "Responsibilities taken over"},
    "role": {"vi": "Vai trò", "en": "Role"},
    "other_formats": {"vi": "Định dạng khác", "en": "Other formats"},
    "not_found": {"vi": "Không tìm thấy", "en": "Not found"},
    "not_found_text": {
        "vi": "Không có dữ liệu nào về địa chỉ này.",
        "en": "The graph holds nothing about this address.",
    },
    "results": {"vi": "Kết quả", "en": "Results"},
    "no_results": {"vi": "Không có kết quả.", "en": "No results."},
    "start_points": {"vi": "Bắt đầu từ", "en": "Start from"},
    "organisations": {"vi": "Cơ quan, đơn vị", "en": "Organisations"},
    "duties": {"vi": "Nhiệm vụ của các cơ quan (mục V)", "en": "Duties of the agencies (section V)"},
    "tasks": {"vi": "Nhiệm vụ, giải pháp (mục III)", "en": "Tasks and measures (section III)"},
    "ip_categories": {"vi": "Loại hình sở hữu trí tuệ", "en": "IP categories"},
    "the_plan": {"vi": "Văn bản kế hoạch", "en": "The plan document"},
    "about_title": {
        "vi": "Kế hoạch 160/KH-UBND của tỉnh Thái Bình",
        "en": "Plan 160/KH-UBND of Thái Bình province",
    },
    "about_text": {
        "vi": "Kế hoạch ngày 23/11/2021 của Ủy ban nhân dân tỉnh Thái Bình thực hiện Chiến lược sở hữu trí tuệ "
        "đến năm 2030 (Quyết định 1068/QĐ-TTg) và Chương trình phát triển tài sản trí tuệ đến năm 2030 "
        "(Quyết định 2205/QĐ-TTg) giai đoạn 2021-2025, định hướng đến năm 2030: mục tiêu, nhiệm vụ, giải pháp, "
        "kinh phí và trách nhiệm của từng cơ quan — ở đây dưới dạng đồ thị tri thức mở, truy vấn được.",
        "en": "The plan of 23/11/2021 by the People's Committee of Thái Bình province implementing the national "
        "Intellectual Property Strategy to 2030 (Decision 1068/QĐ-TTg) and the IP Asset Development Programme "
        "to 2030 (Decision 2205/QĐ-TTg) for 2021-2025, oriented to 2030: targets, tasks, funding and each "
        "agency's duties — here as an open, queryable knowledge graph.",
    },
    "machines": {"vi": "Cho máy tính", "en": "For programs"},
    "run": {"vi": "Chạy truy vấn", "en": "Run query"},
    "examples": {"vi": "Ví dụ", "en": "Examples"},
    "prefixes": {"vi": "Tiền tố", "en": "Prefixes"},
    "download": {"vi": "Tải kết quả", "en": "Download"},
    "classes": {"vi": "Lớp", "en": "Classes"},
    "object_properties": {"vi": "Thuộc tính đối tượng", "en": "Object properties"},
    "datatype_properties": {"vi": "Thuộc tính dữ liệu", "en": "Datatype properties"},
    "other_properties": {"vi": "Thuộc tính khác", "en": "Other properties"},
    "domain": {"vi": "Miền", "en": "Domain"},
    "range": {"vi": "Miền giá trị", "en": "Range"},
    "subclass_of": {"vi": "Lớp con của", "en": "Subclass of"},
    "subproperty_of": {"vi": "Thuộc tính con của", "en": "Subproperty of"},
    "why_new": {"vi": "Lý do tạo thuật ngữ mới", "en": "Why this term is new"},
    "graph": {"vi": "Đồ thị", "en": "Graph"},
    "triples": {"vi": "Số bộ ba", "en": "Triples"},
    "whole_dataset": {"vi": "Toàn bộ dữ liệu", "en": "Whole dataset"},
    "answer_as": {"vi": "Kết quả dạng", "en": "Answer as"},
    "table": {"vi": "Bảng trên trang", "en": "Table on this page"},
    "rows": {"vi": "dòng", "en": "rows"},
    "truncated": {"vi": "đã cắt bớt theo giới hạn số dòng", "en": "cut at the row limit"},
    "reused_terms": {"vi": "Thuật ngữ chuẩn được dùng lại", "en": "Standard terms reused"},
    "modified": {"vi": "Cập nhật", "en": "Modified"},
    "submit_report": {"vi": "Nộp báo cáo năm", "en": "Submit an annual report"},
    "canned_questions_intro": {
        "vi": "Các câu hỏi thường gặp về kế hoạch, mỗi câu là một truy vấn SPARQL chạy được ngay.",
        "en": "Common questions about the plan, each a SPARQL query that runs at once.",
    },
    "no_script": {
        "vi": "Trình soạn thảo cần JavaScript; biểu mẫu này vẫn chạy truy vấn và hiện kết quả.",
        "en": "The editor needs JavaScript; this form still runs the query and shows the results.",
    },
}


def message(key: str, lang: Language) -> str:
    """The interface text ``key`` in ``lang`` (the key itself when missing, so a gap shows, not crashes)."""
    entry = MESSAGES.get(key)
    return entry[lang] if entry else key


def parse_language(value: str | None) -> Language | None:
    """``vi`` or ``en`` from a query parameter or cookie value; ``None`` for anything else."""
    if value in LANGUAGES:
        return value
    return None


def choose_language(query_value: str | None, cookie_value: str | None, accept_language: str | None) -> Language:
    """The visitor's language: ``?lang=``, then the cookie, then ``Accept-Language``, then Vietnamese."""
    for candidate in (query_value, cookie_value):
        chosen = parse_language(candidate)
        if chosen is not None:
            return chosen
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        chosen = parse_language(tag)
        if chosen is not None:
            return chosen
    return DEFAULT_LANGUAGE


def other_language(lang: Language) -> Language:
    """The language the switch offers."""
    return "en" if lang == "vi" else "vi"
