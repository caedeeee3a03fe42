"""A canned question as a page: ``/queries/{name}`` in a browser (Accept: text/html) shows the question in the page's
language, a typed form, the answer, named downloads, a permalink and the way into the editor; programs still get
the protocol's answers. Errors are pages for people and problem details for programs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from publishing import PROJECT, Service

from ipgraph.queries import load_canned_queries

HTML = {"Accept": "text/html,application/xhtml+xml"}
QUESTIONS = load_canned_queries(PROJECT / "queries")


def get_page(service: Service, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{service.url}{path}", params=params, headers=HTML)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_question_has_its_words_in_both_languages(name: str) -> None:
    query = QUESTIONS[name]
    assert {"vi", "en"} <= set(query.titles), name
    assert {"vi", "en"} <= set(query.descriptions), f"{name}: add '# description@vi:' and '# description@en:'"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_question_page_is_titled_described_and_answered_in_the_page_language(
    plan_service: Service, lang: str
) -> None:
    response = get_page(plan_service, "/queries/list_targets", year="2030", lang=lang)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    text = response.text
    query = QUESTIONS["list_targets"]
    assert f'<h1 id="title">{query.title(lang)}</h1>' in text
    assert query.description(lang).split("(")[0].replace("'", "&#39;") in text
    assert 'id="results-table"' in text
    rows = text[text.index("<tbody>") : text.index("</tbody>")].count("<tr>")
    expected = httpx.get(f"{plan_service.url}/queries/list_targets", params={"year": "2030"}).json()
    assert rows == len(expected["results"]["bindings"]) > 0


def test_the_form_offers_the_plans_years_and_organisations_by_name(plan_service: Service) -> None:
    years = get_page(plan_service, "/queries/list_targets", year="2030", lang="en").text
    select = years[years.index('<select name="year"') : years.index("</select>")]
    assert re.findall(r'<option value="(\d{4})"', select) == ["2025", "2030"]
    assert '<option value="2030" selected>' in select
    agencies = get_page(plan_service, "/queries/duties_of_agency", lang="vi").text
    select = agencies[agencies.index('<select name="agency"') : agencies.index("</select>")]
    assert '<option value="ipr:org-so-cong-thuong" selected>Sở Công Thương</option>' in select
    assert '<option value="ipr:org-so-tai-chinh">Sở Tài chính</option>' in select
    sections = get_page(plan_service, "/queries/tasks_in_section", lang="en").text
    select = sections[sections.index('<select name="section"') : sections.index("</select>")]
    assert re.findall(r'<option value="(p160:III\.\d)"', select) == [f"p160:III.{n}" for n in range(1, 7)]


def test_downloads_are_named_for_the_question_and_its_values(plan_service: Service) -> None:
    text = get_page(plan_service, "/queries/list_targets", year="2030", lang="en").text
    assert 'href="/queries/list_targets?year=2030&amp;format=csv" download="list_targets-2030.csv"' in text
    response = httpx.get(f"{plan_service.url}/queries/list_targets", params={"year": "2030", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="list_targets-2030.csv"'
    agency = httpx.get(f"{plan_service.url}/queries/duties_of_agency", params={"format": "json"})
    assert agency.headers["content-disposition"] == 'attachment; filename="duties_of_agency-org-so-cong-thuong.json"'
    plain = httpx.get(f"{plan_service.url}/queries/list_targets", headers={"Accept": "text/csv"})
    assert "content-disposition" not in plain.headers, "a client negotiating by Accept gets the answer as before"


def test_the_permalink_and_the_editor_link_reproduce_the_answer(plan_service: Service) -> None:
    text = get_page(plan_service, "/queries/tasks_in_section", section="p160:III.5", lang="en").text
    permalink = re.search(r'<a href="([^"]+)" id="permalink"', text)
    assert permalink is not None
    assert permalink.group(1).replace("&amp;", "&") == "/queries/tasks_in_section?section=p160%3AIII.5&lang=en"
    editor = re.search(r'<a href="([^"]+)" id="open-editor"', text)
    assert editor is not None
    query = parse_qs(urlsplit(editor.group(1).replace("&amp;", "&")).query)["query"][0]
    assert query.rstrip().endswith("VALUES (?section) { (<https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/III.5>) }")
    editor_page = get_page(plan_service, "/query", query=query, lang="en").text
    body = editor_page[editor_page.index("<tbody>") : editor_page.index("</tbody>")]
    assert body.count("<tr>") == text[text.index("<tbody>") : text.index("</tbody>")].count("<tr>") > 0


@pytest.mark.parametrize(
    ("name", "parameter", "value", "status"),
    [
        ("list_targets", "year", "<script>alert(1)</script>", 400),
        ("list_targets", "year", "2030\r\n2025", 400),
        ("list_targets", "year", "9" * 20_000, 400),
        ("duties_of_agency", "agency", "<script>alert(1)</script>", 400),
        ("duties_of_agency", "agency", "ipr:org-\u0000", 400),
        ("duties_of_agency", "agency", "x" * 20_000, 400),
        # A well-formed IRI of a foreign scheme is a value like any other: no rows, and never a link.
        ("duties_of_agency", "agency", "javascript:alert(1)", 200),
    ],
)
def test_a_hostile_parameter_is_a_translated_answer_never_a_link(
    plan_service: Service, name: str, parameter: str, value: str, status: int
) -> None:
    response = get_page(plan_service, f"/queries/{name}", lang="vi", **{parameter: value})
    assert response.status_code == status
    if status == 400:
        assert "Giá trị không hợp lệ" in response.text
    else:
        assert "Không có kết quả." in response.text
    assert "<script>alert" not in response.text
    assert 'href="javascript:' not in response.text


def test_table_parameters_and_the_language_bind_nothing(plan_service: Service) -> None:
    """``lang``, ``sort``, ``desc`` and ``page`` steer the page; a program using them gets the same answer."""
    plain = httpx.get(f"{plan_service.url}/queries/list_targets").json()
    steered = httpx.get(f"{plan_service.url}/queries/list_targets", params={"lang": "en", "page": "2"}).json()
    assert plain == steered


def test_an_unknown_address_is_a_page_for_browsers_and_problem_details_for_programs(plan_service: Service) -> None:
    page = get_page(plan_service, "/no/such/page", lang="en")
    assert page.status_code == 404
    assert '<h1 id="title">Page not found</h1>' in page.text
    assert '<nav aria-label="Home">' in page.text, "the site's navigation is on the page"
    assert "<code>/no/such/page</code>" in page.text
    program = httpx.get(f"{plan_service.url}/no/such/page", headers={"Accept": "application/json"})
    assert program.status_code == 404
    assert program.headers["content-type"].startswith("application/problem+json")
    unknown_question = get_page(plan_service, "/queries/no_such_question", lang="vi")
    assert unknown_question.status_code == 404
    assert "Không tìm thấy trang" in unknown_question.text


def test_a_wrong_method_is_a_translated_405_page(plan_service: Service) -> None:
    response = httpx.post(f"{plan_service.url}/search", headers=HTML, params={"lang": "vi"})
    assert response.status_code == 405
    assert "allow" in response.headers
    assert "Địa chỉ này không nhận yêu cầu kiểu POST." in response.text
    program = httpx.post(f"{plan_service.url}/search")
    assert program.headers["content-type"].startswith("application/problem+json")


def test_the_footer_leads_people_to_the_query_page(plan_service: Service) -> None:
    text = get_page(plan_service, "/", lang="en").text
    footer = text[text.index('<footer class="site-footer">') :]
    assert '<a href="/query" id="footer-sparql">SPARQL</a>' in footer
    assert 'href="/sparql"' not in footer


def test_the_list_of_questions_is_a_page_for_browsers_and_json_for_programs(plan_service: Service) -> None:
    page = get_page(plan_service, "/queries", lang="en")
    assert page.headers["content-type"].startswith("text/html")
    for name, query in QUESTIONS.items():
        assert f'<li><a href="/queries/{name}">{query.title("en")}</a>' in page.text.replace("&#39;", "'")
    program = httpx.get(f"{plan_service.url}/queries")
    assert {item["name"] for item in program.json()["queries"]} == set(QUESTIONS)
