"""Resource pages say what the thing is: titles by reference and words, a target's figure, properties named in the
page's language (backwards on incoming links), each label once, formats first, the plan as a document in its own
order, and ``?lang`` kept through the 303."""

from __future__ import annotations

import re

import httpx
from publishing import Service

HTML = {"Accept": "text/html"}
PLAN = "/doc/id/plan-160-kh-ubnd-2021"


def page(service: Service, path: str, lang: str) -> str:
    response = httpx.get(f"{service.url}{path}", params={"lang": lang}, headers=HTML)
    assert response.status_code == 200, path
    return response.text


def test_a_duty_is_titled_by_its_reference_and_its_words(plan_service: Service) -> None:
    text = page(plan_service, f"{PLAN}/duty-V.6", "vi")
    heading = re.search(r"<h1>(.*?)</h1>", text, re.S)
    assert heading is not None
    assert '<span id="title">Nhiệm vụ V.6</span>' in heading.group(1)
    assert '<span class="subtitle" id="subtitle">Phối hợp với Sở Khoa học và Công nghệ thẩm định' in heading.group(1)
    assert "<title>Nhiệm vụ V.6: Phối hợp với Sở Khoa học" in text


def test_a_target_gives_its_figure_and_links_its_dashboard_card(plan_service: Service) -> None:
    text = page(plan_service, f"{PLAN}/target-II.2.2.b", "vi")
    summary = text[text.index('id="target-summary"') : text.index("</section>", text.index('id="target-summary"'))]
    assert '<dd class="target-value"><strong>10–12</strong>' in summary
    assert "%/năm" in summary or "phần trăm" in summary.lower()
    assert "<dd>2030</dd>" in summary
    assert 'href="/dashboard#target-II.2.2.b"' in summary
    exact = page(plan_service, f"{PLAN}/target-II.2.1.a.b1", "en")
    assert '<dd class="target-value"><strong>100</strong>' in exact
    assert "The officials in charge of state management" in exact, "its scope"


def test_properties_are_named_in_the_page_language_and_read_backwards_when_incoming(plan_service: Service) -> None:
    duty = page(plan_service, f"{PLAN}/duty-V.6", "vi")
    properties = duty[duty.index("<h2>Thuộc tính</h2>") :]
    assert 'title="http://purl.org/dc/terms/source">Điều khoản gốc</a>' in properties
    assert ">dcterms:source<" not in properties
    clause = page(plan_service, f"{PLAN}/V.6", "en")
    incoming = clause[clause.index('id="incoming"') :]
    assert 'title="http://purl.org/dc/terms/source">Source clause of</a>' in incoming


def test_each_label_is_listed_once_and_formats_come_first(plan_service: Service) -> None:
    text = page(plan_service, "/doc/id/org-so-tai-chinh", "en")
    labels = re.search(r'<ul class="labels">(.*?)</ul>', text, re.S)
    assert labels is not None
    items = re.findall(r"<li>(.*?)</li>", labels.group(1), re.S)
    assert len(items) == len(set(items)) > 0
    assert ">rdfs:label<" not in text and ">Label<" not in text[text.index("<h2>Properties</h2>") :]
    assert text.index('id="formats"') < text.index("<h2>Labels</h2>")


def test_the_plan_reads_as_a_document_in_its_own_order(plan_service: Service) -> None:
    text = page(plan_service, PLAN, "vi")
    document = text[text.index('id="plan-document"') :]
    top = re.findall(r'<li id="part-\d+-1"><p class="part-heading"><a href="([^"]+)">', document)
    parts = [href.rsplit("/", 1)[-1] for href in top]
    assert parts == ["preamble", "I", "II", "III", "IV", "V", "VI", "closing", "recipients"]
    assert document.index("Mục III.3") < document.index("Mục III.4")
    assert "Bộ KH&amp;CN" in document, "the recipients, line by line"


def test_the_language_survives_the_redirect(plan_service: Service) -> None:
    response = httpx.get(f"{plan_service.url}/id/org-so-tai-chinh", params={"lang": "en"}, headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"] == "/doc/id/org-so-tai-chinh?lang=en"
    followed = httpx.get(f"{plan_service.url}/id/org-so-tai-chinh?lang=en", headers=HTML, follow_redirects=True)
    assert followed.headers["content-language"] == "en"
