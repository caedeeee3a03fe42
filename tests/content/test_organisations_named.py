"""Every organisation the plan's text names exists in data/organisations.ttl under the name the text uses.

The source is scanned for the words that open an organisation's name in Vietnamese ("Sở", "Bộ", "Cục", "Hội" …
followed by a capital); each name found must be one of NAMES_IN_TEXT, and each of those must be the Vietnamese
preferred or alternative label of an organisation, a group, or a post-holding body of the graph.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT / "data" / "source" / "plan-160-KH-UBND-2021-thai-binh.txt"

#: Every way the plan's text names an organisation, exactly as printed.
NAMES_IN_TEXT = (
    "Thủ tướng Chính phủ",
    "Bộ Khoa học và Công nghệ",
    "Bộ KH&CN",
    "Cục Sở hữu trí tuệ",
    "Ủy ban nhân dân tỉnh Thái Bình",
    "Ủy ban nhân dân tỉnh",
    "UBND tỉnh",
    "VP UBND tỉnh",
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Công Thương",
    "Sở Thông tin và Truyền thông",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Giáo dục và Đào tạo",
    "Sở Lao động - Thương binh và Xã hội",
    "Công an tỉnh",
    "Cục Quản lý thị trường tỉnh",
    "Chi cục Hải quan Thái Bình",
    "Ban chỉ đạo 389/ĐP tỉnh",
    "Hội Nông dân",
    "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Liên minh Hợp tác xã tỉnh",
    "Đài Phát thanh và Truyền hình Thái Bình",
    "Đài PT&TH Thái Bình",
    "Báo Thái Bình",
    "Trường Cao đẳng Nghề Thái Bình",
    "Ủy ban nhân dân huyện, thành phố",
    "UBND huyện, thành phố",
)

#: Words that open an organisation's name when a capital follows ("Sở hữu trí tuệ" is the subject, not a body).
NAME_START = re.compile(r"\b(?:Sở|Bộ|Chi cục|Cục|Hội|Đoàn|Đài|Báo|Trường|Liên minh|Ban chỉ đạo|Công an) [A-ZĐ0-9]")


@pytest.fixture(scope="module")
def text() -> str:
    return " ".join(unicodedata.normalize("NFC", SOURCE.read_text(encoding="utf-8")).split())


@pytest.fixture(scope="module")
def vietnamese_names() -> set[str]:
    graph = Graph()
    for name in ("organisations.ttl", "organisation-changes.ttl"):
        graph.parse(PROJECT / "data" / name, format="turtle")
    return {
        str(label)
        for predicate in (SKOS.prefLabel, SKOS.altLabel)
        for label in graph.objects(None, predicate)
        if isinstance(label, Literal) and label.language == "vi"
    }


def test_every_name_listed_is_in_the_text(text: str) -> None:
    assert [name for name in NAMES_IN_TEXT if name not in text] == []


def test_every_organisation_name_in_the_text_is_listed(text: str) -> None:
    unlisted = {
        text[match.start() : match.start() + 60]
        for match in NAME_START.finditer(text)
        if not any(text.startswith(name, match.start()) for name in NAMES_IN_TEXT)
    }
    assert not unlisted, sorted(unlisted)


@pytest.mark.parametrize("name", NAMES_IN_TEXT)
def test_every_name_in_the_text_is_an_organisation_label(vietnamese_names: set[str], name: str) -> None:
    assert name in vietnamese_names
