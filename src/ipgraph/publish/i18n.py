"""The site's two languages: which one a visitor reads, and the interface wording in each.

The choice is, in order: ``?lang=`` on the request (which also sets the cookie, so the choice is kept
across pages without JavaScript), the ``lang`` cookie, the first of vi/en in ``Accept-Language``, then
Vietnamese, the plan's own language.
"""

from __future__ import annotations

from typing import Literal

from ipgraph.publish.wording.dataset import DATASET_WORDING
from ipgraph.publish.wording.progress import PROGRESS_WORDING
from ipgraph.publish.wording.reports import REPORT_WORDING
from ipgraph.publish.wording.revalidation import REVALIDATION_WORDING

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DEFAULT_LANGUAGE: Language = "vi"
LANGUAGE_COOKIE = "lang"

SITE_WORDING: dict[str, dict[Language, str]] = {
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
    "reports": {"vi": "Báo cáo đã nhận", "en": "Reports received"},
    "canned_questions_intro": {
        "vi": "Các câu hỏi thường gặp về kế hoạch, mỗi câu là một truy vấn SPARQL chạy được ngay.",
        "en": "Common questions about the plan, each a SPARQL query that runs at once.",
    },
    "document_text": {"vi": "Nội dung văn bản, theo thứ tự", "en": "The document, in its own order"},
    "dashboard_no_submissions": {
        "vi": "Chưa có báo cáo nào được nộp.",
        "en": "No report has been submitted yet.",
    },
    "dashboard_growth_needs_two_years": {
        "vi": "Đã có báo cáo, nhưng cần số liệu của hai năm liền nhau để tính tốc độ tăng (xem bảng).",
        "en": "Reported, but growth needs figures for two consecutive years (see the table).",
    },
    "dashboard_no_figure_yet": {
        "vi": "Đã có báo cáo, nhưng chưa đủ số liệu để so với mục tiêu (xem bảng).",
        "en": "Reported, but not yet enough to compare with the target (see the table).",
    },
    "dashboard_csv": {"vi": "Tải số liệu của mục tiêu này (CSV)", "en": "Download this target's figures (CSV)"},
    "hits_total": {"vi": "{count} kết quả", "en": "{count} hits"},
    "hits_total_capped": {
        "vi": "Hơn {count} kết quả; hãy thêm từ để thu hẹp",
        "en": "Over {count} hits; add words to narrow them",
    },
    "target_figure": {"vi": "Mục tiêu đặt ra", "en": "What the target sets"},
    "target_value": {"vi": "Giá trị", "en": "Value"},
    "target_qualitative": {"vi": "Mục tiêu định tính, không có con số", "en": "Qualitative: no figure is set"},
    "target_year": {"vi": "Đến năm", "en": "By the year"},
    "target_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "target_scope": {"vi": "Phạm vi", "en": "Scope"},
    "target_progress": {"vi": "Xem tiến độ trên bảng theo dõi", "en": "See its progress on the dashboard"},
    "query_text": {"vi": "Câu truy vấn SPARQL", "en": "SPARQL query text"},
    "run_shortcut": {
        "vi": "Phím tắt: Ctrl+Enter (⌘+Enter trên Mac).",
        "en": "Shortcut: Ctrl+Enter (⌘+Enter on a Mac).",
    },
    "question_page": {"vi": "Trang câu hỏi", "en": "Question page"},
    "error_syntax": {"vi": "Câu truy vấn có lỗi cú pháp", "en": "The query has a syntax error"},
    "error_refused": {
        "vi": "Truy vấn bị từ chối: nó yêu cầu lấy dữ liệu từ nơi khác",
        "en": "Refused: the query asks to fetch data from elsewhere",
    },
    "error_input": {"vi": "Giá trị không hợp lệ", "en": "A value is not valid"},
    "error_missing": {"vi": "Không tìm thấy", "en": "Not found"},
    "error_timeout": {
        "vi": "Truy vấn chạy quá thời gian cho phép và đã bị dừng",
        "en": "The query ran past its time limit and was stopped",
    },
    "error_unavailable": {"vi": "Kho dữ liệu tạm thời không truy cập được", "en": "The store is unavailable for now"},
    "error_other": {"vi": "Không chạy được truy vấn", "en": "The query could not be run"},
    "error_at": {"vi": "Dòng {line}, cột {column}:", "en": "Line {line}, column {column}:"},
    "error_detail": {"vi": "Thông báo của bộ máy truy vấn", "en": "The query engine's message"},
    "rows_total": {"vi": "{count} dòng kết quả", "en": "{count} rows"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "rows_total_one": {"vi": "1 dòng kết quả", "en": "1 row"},
    "rows_shown": {"vi": "đang xem dòng {first}–{last}", "en": "showing rows {first}–{last}"},
    "truncated_notice": {
        "vi": "Kết quả đã bị cắt ở {limit} dòng (giới hạn số dòng của máy chủ); câu trả lời đầy đủ dài hơn.",
        "en": "The answer was cut at {limit} rows (the server's row limit); the full answer is longer.",
    },
    "truncated_graph": {
        "vi": "Kết quả đã bị cắt theo giới hạn của máy chủ.",
        "en": "The answer was cut at the server's limit.",
    },
    "show_tags": {"vi": "Hiện kiểu dữ liệu và thẻ ngôn ngữ", "en": "Show datatypes and language tags"},
    "sort_by": {"vi": "Sắp xếp theo cột này", "en": "Sort by this column"},
    "pages": {"vi": "Các trang kết quả", "en": "Result pages"},
    "previous_page": {"vi": "Trang trước", "en": "Previous"},
    "next_page": {"vi": "Trang sau", "en": "Next"},
    "page_of": {"vi": "Trang {page}/{pages}", "en": "Page {page} of {pages}"},
    "triples_total": {"vi": "{count} bộ ba (triple)", "en": "{count} triples"},
    "ask_true": {"vi": "Có — dữ liệu khớp với câu hỏi.", "en": "Yes — the data matches the question."},
    "ask_false": {"vi": "Không — dữ liệu không khớp với câu hỏi.", "en": "No — nothing in the data matches."},
    "param_year": {"vi": "Năm", "en": "Year"},
    "param_agency": {"vi": "Cơ quan", "en": "Organisation"},
    "param_section": {"vi": "Mục của Kế hoạch", "en": "Section of the plan"},
    "show_answer": {"vi": "Xem câu trả lời", "en": "Show the answer"},
    "permalink": {"vi": "Liên kết cố định tới trang này", "en": "Permanent link to this page"},
    "open_in_editor": {"vi": "Mở trong trình soạn truy vấn", "en": "Open in the query editor"},
    "answer": {"vi": "Câu trả lời", "en": "Answer"},
    "page_not_found": {"vi": "Không tìm thấy trang", "en": "Page not found"},
    "page_not_found_text": {
        "vi": "Không có trang nào ở địa chỉ này. Hãy thử tìm kiếm hoặc bắt đầu từ trang chủ.",
        "en": "There is no page at this address. Try the search, or start from the home page.",
    },
    "method_not_allowed": {"vi": "Không dùng được cách gửi này", "en": "Method not allowed"},
    "method_not_allowed_text": {
        "vi": "Địa chỉ này không nhận yêu cầu kiểu {method}.",
        "en": "This address does not take {method} requests.",
    },
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "sparql_endpoint": {"vi": "Điểm truy vấn SPARQL", "en": "SPARQL endpoint"},
    "no_script": {
        "vi": "Trình soạn thảo cần JavaScript; biểu mẫu này vẫn chạy truy vấn và hiện kết quả.",
        "en": "The editor needs JavaScript; this form still runs the query and shows the results.",
    },
}


def _assemble(*families: dict[str, dict[Language, str]]) -> dict[str, dict[Language, str]]:
    """One catalogue from the page families; a key claimed twice is a mistake, so it stops the import."""
    catalogue: dict[str, dict[Language, str]] = {}
    for family in families:
        clash = catalogue.keys() & family.keys()
        if clash:
            raise ValueError(f"wording keys defined twice: {sorted(clash)}")
        catalogue.update(family)
    return catalogue


#: Every interface text, by key, in both languages: the site's own and each page family's.
MESSAGES: dict[str, dict[Language, str]] = _assemble(
    SITE_WORDING, PROGRESS_WORDING, REPORT_WORDING, REVALIDATION_WORDING, DATASET_WORDING
)


def message(key: str, lang: Language) -> str:
    """The interface text ``key`` in ``lang`` (the key itself when missing, so a gap shows, not crashes)."""
    entry = MESSAGES.get(key)
    return entry[lang] if entry else key


def messages(prefix: str, lang: Language) -> dict[str, str]:
    """Every text whose key starts with ``prefix``, in ``lang``, keyed without the prefix (for a page's template)."""
    return {key.removeprefix(prefix): entry[lang] for key, entry in MESSAGES.items() if key.startswith(prefix)}


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
