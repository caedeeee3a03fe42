"""Search over labels and texts that ignores Vietnamese diacritics, as a module and through /search."""

from __future__ import annotations

import re
import unicodedata

import httpx
import pytest
from publishing import Service

from ipgraph.search import SearchIndex, fold
from ipgraph.store.embedded import EmbeddedStore


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sở hữu trí tuệ", "so huu tri tue"),
        ("ĐỊA LÝ", "dia ly"),
        ("Đoàn Thanh niên", "doan thanh nien"),
        ("Nhiệm vụ V.1.đ", "nhiem vu v.1.d"),
        (unicodedata.normalize("NFD", "Sở hữu trí tuệ"), "so huu tri tue"),  # decomposed input folds the same
    ],
)
def test_fold_drops_diacritics_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_keeps_one_character_per_character_of_the_nfc_text() -> None:
    text = "Chỉ dẫn địa lý"
    assert len(fold(text)) == len(text)


@pytest.fixture(scope="module")
def index(plan_store: EmbeddedStore) -> SearchIndex:
    return SearchIndex.build(plan_store)


def test_words_without_diacritics_find_the_vietnamese_text(index: SearchIndex) -> None:
    hits = index.search("so huu tri tue")
    assert hits
    _before, match, _after = hits[0].snippet()
    assert fold(match) == "so huu tri tue"
    assert match.lower() == "sở hữu trí tuệ"


def test_label_matches_rank_first(index: SearchIndex) -> None:
    hits = index.search("so tai chinh")
    assert str(hits[0].resource) == "https://w3id.org/ipgraph/id/org-so-tai-chinh"
    assert hits[0].in_label


def test_every_word_must_occur(index: SearchIndex) -> None:
    assert index.search("chi dan dia ly")
    assert not index.search("chi dan dia ly zzzz")
    assert index.search("   ") == []


def test_english_texts_are_searched_too(index: SearchIndex) -> None:
    assert any("geographical indication" in hit.text.lower() for hit in index.search("Geographical Indication"))


def test_the_search_page_finds_items_without_diacritics(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/search", params={"q": "cuc quan ly thi truong", "lang": "vi"})
    assert response.status_code == 200
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', response.text)
    assert ("/doc/id/org-cuc-quan-ly-thi-truong-tinh", "Cục Quản lý thị trường tỉnh") in links
    assert "<mark>" in response.text


def test_a_query_with_markup_is_escaped(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/search", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_the_search_page_counts_its_hits_pages_through_them_and_names_their_kind(
    plan_service: Service, plan_store: EmbeddedStore
) -> None:
    total = len(SearchIndex.build(plan_store).search("so huu tri tue", 1000))
    assert total > 20, "enough hits for a second page"
    first = httpx.get(f"{plan_service.url}/search", params={"q": "so huu tri tue", "lang": "en"}).text
    assert f'<p class="result-count" id="hit-count">{total} hits · Page 1 of {-(-total // 20)}</p>' in first
    assert first.count('<span class="hit-type">') >= 20
    assert '<span class="hit-type">eli:' not in first, "kinds are named, not written as identifiers"
    assert '<span class="hit-type">Part of a document</span>' in first
    second = httpx.get(f"{plan_service.url}/search", params={"q": "so huu tri tue", "lang": "vi", "page": "2"}).text
    assert '<ol class="hits" id="hits" start="21">' in second
    assert 'rel="prev"' in second and "Trang 2/" in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 40, "999"])
def test_a_search_page_number_out_of_range_falls_back(plan_service: Service, page: str) -> None:
    response = httpx.get(f"{plan_service.url}/search", params={"q": "so huu tri tue", "page": page})
    assert response.status_code == 200
    assert '<ol class="hits" id="hits"' in response.text
