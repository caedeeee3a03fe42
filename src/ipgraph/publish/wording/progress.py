"""The progress dashboard's wording (``dashboard_*``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.publish.i18n import Language

PROGRESS_WORDING: dict[str, dict[Language, str]] = {
    "dashboard_title": {
        "vi": "Tiến độ thực hiện các mục tiêu của Kế hoạch",
        "en": "Progress against the plan's targets",
    },
    "dashboard_intro": {
        "vi": (
            "Số liệu tổng hợp từ phiên bản hiện hành của các báo cáo hằng năm đã nộp (mục VI của Kế hoạch), "
            "so với các mục tiêu cụ thể của mục II.2."
        ),
        "en": (
            "Figures from the current versions of the annual reports submitted so far (section VI of the "
            "plan), against the specific targets of section II.2."
        ),
    },
    "dashboard_source_submissions": {
        "vi": "Báo cáo đã nộp",
        "en": "Submitted reports",
    },
    "dashboard_source_examples": {
        "vi": "Báo cáo mẫu",
        "en": "Example reports",
    },
    "dashboard_showing": {
        "vi": "Đang xem",
        "en": "Showing",
    },
    "dashboard_examples_note": {
        "vi": "Đây là số liệu của các báo cáo mẫu, không phải báo cáo thật.",
        "en": "These figures come from the example reports, not from real submissions.",
    },
    "dashboard_by_year": {
        "vi": "Mục tiêu đến năm",
        "en": "Targets for",
    },
    "dashboard_target": {
        "vi": "Mục tiêu",
        "en": "Target",
    },
    "dashboard_indicator": {
        "vi": "Chỉ tiêu",
        "en": "Indicator",
    },
    "dashboard_latest": {
        "vi": "Số liệu mới nhất",
        "en": "Latest figure",
    },
    "dashboard_share": {
        "vi": "Tỷ lệ đạt được",
        "en": "Share reached",
    },
    "dashboard_average_growth": {
        "vi": "Mức tăng bình quân",
        "en": "Average growth",
    },
    "dashboard_year": {
        "vi": "Năm",
        "en": "Year",
    },
    "dashboard_value": {
        "vi": "Số liệu của năm",
        "en": "Figure for the year",
    },
    "dashboard_organisations": {
        "vi": "Số đơn vị báo cáo",
        "en": "Organisations reporting",
    },
    "dashboard_to_date": {
        "vi": "Tính đến năm",
        "en": "To date",
    },
    "dashboard_growth": {
        "vi": "Tăng so với năm trước (%)",
        "en": "Growth on the year before (%)",
    },
    "dashboard_share_column": {
        "vi": "Đạt (%)",
        "en": "Reached (%)",
    },
    "dashboard_no_reports": {
        "vi": "Chưa có báo cáo nào về mục tiêu này.",
        "en": "Nothing reported for this target yet.",
    },
    "dashboard_no_figure": {
        "vi": "Kế hoạch không nêu con số cho mục tiêu này.",
        "en": "The plan gives no figure for this target.",
    },
    "dashboard_per_year": {
        "vi": "mỗi năm",
        "en": "per year",
    },
    "dashboard_unit": {
        "vi": "Đơn vị tính",
        "en": "Unit",
    },
    "dashboard_in_year": {
        "vi": "năm",
        "en": "in",
    },
    "dashboard_organisations_short": {
        "vi": "số đơn vị báo cáo",
        "en": "organisations reporting",
    },
    "dashboard_share_growth": {
        "vi": "So với mức thấp của khoảng",
        "en": "Against the band's lower bound",
    },
    "dashboard_chart_title": {
        "vi": "Số liệu theo năm so với mục tiêu",
        "en": "Figures by year against the target",
    },
    "dashboard_growth_chart_title": {
        "vi": "Tốc độ tăng số đơn theo năm so với khoảng mục tiêu",
        "en": "Growth of applications by year against the target band",
    },
    "dashboard_status_reached": {
        "vi": "Đã đạt",
        "en": "Reached",
    },
    "dashboard_status_in-progress": {
        "vi": "Đang thực hiện",
        "en": "In progress",
    },
    "dashboard_status_within": {
        "vi": "Trong khoảng mục tiêu",
        "en": "Within the target band",
    },
    "dashboard_status_below": {
        "vi": "Thấp hơn mục tiêu",
        "en": "Below the target band",
    },
    "dashboard_status_above": {
        "vi": "Cao hơn mục tiêu",
        "en": "Above the target band",
    },
    "dashboard_status_no-data": {
        "vi": "Chưa có số liệu",
        "en": "No figures yet",
    },
    "dashboard_status_qualitative": {
        "vi": "Mục tiêu định tính",
        "en": "Qualitative target",
    },
    "dashboard_kind_additive": {
        "vi": "cộng dồn các năm",
        "en": "summed over the years",
    },
    "dashboard_kind_cumulative": {
        "vi": "lũy kế, giá trị mới nhất của mỗi đơn vị",
        "en": "running total, each organisation's latest",
    },
    "dashboard_kind_percentage": {
        "vi": "bình quân các đơn vị",
        "en": "average over the organisations",
    },
    "dashboard_kind_growth": {
        "vi": "bình quân tốc độ tăng hằng năm",
        "en": "average yearly growth",
    },
    "dashboard_json": {
        "vi": "Dữ liệu JSON",
        "en": "JSON data",
    },
    "dashboard_method_title": {
        "vi": "Cách tính số liệu",
        "en": "How the figures are computed",
    },
    "dashboard_method_versions": {
        "vi": (
            "Chỉ tính phiên bản hiện hành của mỗi báo cáo (một đơn vị, một năm); phiên bản đã được thay thế "
            "không được tính. Báo cáo mẫu chỉ hiển thị khi chọn, không bao giờ cộng với báo cáo thật."
        ),
        "en": (
            "Only the current version of each report (one organisation, one year) counts; superseded "
            "versions do not. Example reports are shown only when chosen, never added to real ones."
        ),
    },
    "dashboard_method_totals": {
        "vi": (
            "Với mỗi đơn vị và mỗi năm, số liệu không chia theo loại đối tượng là số tổng; nếu không có số "
            "tổng thì cộng các số liệu chi tiết."
        ),
        "en": (
            "For each organisation and year, a figure not broken down by IP category is the total; without "
            "one, the broken-down figures are added up."
        ),
    },
    "dashboard_method_kinds": {
        "vi": (
            "Chỉ tiêu đếm theo năm được cộng qua các đơn vị và cộng dồn qua các năm; chỉ tiêu lũy kế lấy giá"
            " trị mới nhất của mỗi đơn vị; chỉ tiêu tỷ lệ lấy bình quân (không trọng số) giá trị mới nhất "
            "của các đơn vị mà mục tiêu nêu tên; tốc độ tăng số đơn so sánh từng năm với năm trước trên các "
            "đơn vị có báo cáo cả hai năm, và mức tăng bình quân là trung bình cộng các năm trong giai đoạn."
        ),
        "en": (
            "Yearly counts are added over organisations and run up over the years; cumulative counts take "
            "each organisation's latest value; shares average (unweighted) the latest values of the "
            "organisations the target names; growth of applications compares each year with the year before "
            "over the organisations that reported both years, and the average growth is the mean of the "
            "years in the period."
        ),
    },
    "dashboard_canned_query": {
        "vi": "Truy vấn SPARQL (CQ20)",
        "en": "SPARQL query (CQ20)",
    },
}
