"""The dataset description's titles and keywords (``dataset_*``); keywords are separated by ``; ``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.publish.i18n import Language

DATASET_WORDING: dict[str, dict[Language, str]] = {
    "dataset_title": {
        "vi": "ipgraph: Kế hoạch 160/KH-UBND của tỉnh Thái Bình về sở hữu trí tuệ dưới dạng đồ thị tri thức",
        "en": "ipgraph: Thái Bình province's intellectual property Plan 160/KH-UBND as a knowledge graph",
    },
    "dataset_description": {
        "vi": (
            "Toàn văn Kế hoạch số 160/KH-UBND ngày 23/11/2021 của Ủy ban nhân dân tỉnh Thái Bình (tiếng Việt"
            " nguyên văn và bản dịch tiếng Anh), các mục tiêu, nhiệm vụ, cơ quan chủ trì và phối hợp, loại "
            "hình sở hữu trí tuệ, thay đổi tổ chức từ năm 2025 và báo cáo hằng năm của các cơ quan, cùng bản"
            " thể học và ràng buộc SHACL."
        ),
        "en": (
            "The whole of Plan No. 160/KH-UBND of 23/11/2021 by the People's Committee of Thái Bình province"
            " (verbatim Vietnamese and an English translation), its targets, tasks, lead and coordinating "
            "organisations, IP categories, organisational changes since 2025 and the agencies' annual "
            "reports, with the ontology and SHACL shapes."
        ),
    },
    "dataset_keywords": {
        "vi": "sở hữu trí tuệ; Thái Bình; kế hoạch; tài sản trí tuệ",
        "en": "intellectual property; Thái Bình; plan; IP assets",
    },
}
