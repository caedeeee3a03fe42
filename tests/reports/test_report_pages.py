"""The report pages over real HTTP (uvicorn on 127.0.0.1, embedded store on disk): refusals people can act on,
the form generated from the shapes, preview that keeps what was typed, receipts and stored versions as documents."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS
from servers import PROJECT, serve_app
from test_report_form import assert_same_report

from ipgraph.reports.form_model import load_form_model
from ipgraph.reports.form_view import default_values
from ipgraph.reports.messages import Namer
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPR

INVALID = sorted(
    path
    for path in (PROJECT / "data" / "examples" / "invalid").iterdir()
    if path.suffix in (".ttl", ".jsonld") and not path.name.endswith(".expected.json")
)
FINANCE = IPR["org-so-tai-chinh"]
FORBIDDEN = ("urn:", "ipr:", "p160:", "ipg:", "_:")
#: An address (not the bare scheme a message may tell the sender to use: "must start with http:// or https://").
ADDRESS = re.compile(r"https?:(?!//)|https?://[\w\[%]")
ENGLISH_WORDS = re.compile(r"\b(the|is|are|required|expected|must|report|value|duty|field|exactly)\b", re.IGNORECASE)
VIETNAMESE_LETTERS = re.compile(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]", re.IGNORECASE)


class Site:
    def __init__(self, url: str, store: EmbeddedStore, data_dir: Path) -> None:
        self.client = httpx.Client(base_url=url, timeout=120.0)
        self.store = store
        self.tokens = TokenRegistry.for_data_dir(data_dir)

    def dump(self) -> list[bytes]:
        data = self.store.dump(None, "application/n-quads")
        assert data is not None
        return sorted(data.splitlines())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("report-pages")
    settings = Settings(data_dir=data_dir, project_dir=PROJECT, query_workers=1)
    store = open_store(settings)
    assert isinstance(store, EmbeddedStore)
    # rdflib logs every ill-typed literal ("sáu mươi lăm"^^xsd:integer) with a traceback; pytest keeps the record,
    # and with it the validation thread's frames, whose Oxigraph results may then be freed on the wrong thread.
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with serve_app(settings, store) as url:
            running = Site(url, store, data_dir)
            yield running
            running.client.close()
    finally:
        store.close()
        quiet.setLevel(level)


def section_text(page: str, element_id: str) -> str:
    """The visible text of the element with ``element_id`` (a <section>), tags removed."""
    pattern = rf'<section[^>]*id="{element_id}".*?</section>\s*</section>|<section[^>]*id="{element_id}".*?</section>'
    match = re.search(pattern, page, re.S)
    assert match is not None, f"no #{element_id} in the page"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group()))


def messages_of(page: str) -> list[str]:
    """The finding texts of the outcome section: each <li><p>…</p> and its location lines."""
    found = re.findall(r"<li><p>(.*?)</p>", page, re.S) + re.findall(r'<ul class="where">(.*?)</ul>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", item)) for item in found]


@pytest.mark.parametrize("path", INVALID, ids=[path.stem for path in INVALID])
def test_refusals_name_things_in_one_language(site: Site, path: Path) -> None:
    media_type = "application/ld+json" if path.suffix == ".jsonld" else "text/turtle"
    body = path.read_bytes()
    machine = site.client.post("/reports/validate", content=body, headers={"Content-Type": media_type})
    model = load_form_model(PROJECT)
    for lang in ("vi", "en"):
        response = site.client.post(
            f"/reports/submit?lang={lang}",
            data={"text": body.decode("utf-8"), "format": media_type, "action": "preview"},
        )
        page = response.text
        if response.status_code == 400:  # refused before validation (statements about the plan's own IRIs)
            texts = [section_text(page, "report-error")]
        else:
            assert response.status_code == 200, page[:500]
            outcome = section_text(page, "report-outcome")
            assert re.search(r"[0-9a-f]{12,}", outcome) is None, "the shapes' hash is shown"
            texts = [outcome, *messages_of(page)]
        for message in texts:
            for token in FORBIDDEN:
                assert token not in message, (lang, token, message)
            assert ADDRESS.search(message) is None, (lang, message)
        # What the sender wrote may be in either language; the page's own words may not.
        sent = {Namer(model, lang).term(issue["value"]) for issue in machine.json().get("issues", []) if issue["value"]}
        own_words = []
        for message in texts[1:] if len(texts) > 1 else texts:
            for value in sorted(sent, key=len, reverse=True):
                message = message.replace(value, " ")
            own_words.append(message.replace("đồng", " "))
        if lang == "vi":
            english = [m for m in own_words if ENGLISH_WORDS.search(m)]
            assert not english, english
        else:
            vietnamese = [m for m in own_words if VIETNAMESE_LETTERS.search(m)]
            assert not vietnamese, vietnamese


def test_a_report_without_a_date_is_told_only_that(site: Site) -> None:
    text = (PROJECT / "data" / "examples" / "invalid" / "missing-report-date.ttl").read_text(encoding="utf-8")
    page = site.client.post("/reports/submit?lang=en", data={"text": text, "action": "preview"}).text
    messages = " ".join(messages_of(page))
    assert "Report date: exactly one is required" in messages
    assert "late" not in messages


def test_a_syntax_error_shows_its_line_in_the_pages_language(site: Site) -> None:
    broken = "@prefix ipg: <https://w3id.org/ipgraph/def#> .\n\n<urn:r> a ipg:AnnualReport ;\n    ipg:x .\n"
    page = site.client.post("/reports/submit?lang=vi", data={"text": broken, "action": "preview"}).text
    error = section_text(page, "report-error")
    assert "dòng 4" in error and "cú pháp" in error
    assert "ipg:x ." in error  # the offending line itself


def test_findings_in_an_rdf_file_name_their_line(site: Site) -> None:
    text = (PROJECT / "data" / "examples" / "invalid" / "negative-count.ttl").read_text(encoding="utf-8")
    page = site.client.post("/reports/submit?lang=en", data={"text": text, "action": "preview"}).text
    where = " ".join(re.findall(r'<ul class="where">(.*?)</ul>', page, re.S))
    lines = [int(number) for number in re.findall(r"line (\d+)", where)]
    assert lines, where
    assert all(re.match(r"\s*(<[^>]+>|:[\w-]+)\s", text.split("\n")[number - 1]) for number in lines)


def test_the_form_lists_the_organisations_duties_and_keeps_every_value(site: Site) -> None:
    page = site.client.get("/reports/submit?organisation=so-tai-chinh&year=2027&lang=vi").text
    assert "V.7" in page and "Tình trạng thực hiện *" in page and "Chỉ tiêu" in page
    assert 'href="/reports/template.xlsx?organisation=so-tai-chinh&amp;year=2027"' in page
    model = load_form_model(PROJECT)
    values = default_values(model, FINANCE) | {
        "duty.1.status": str(IPR["duty-status-ongoing"]),
        "duty.1.account.vi": "Bố trí kinh phí <đặc biệt> & theo dõi",
        "person.name": "Trần Thị B",
        "obs.1.obsValue": "12",
    }
    before = site.dump()
    response = site.client.post(
        "/reports/submit?lang=vi", data={"organisation": "so-tai-chinh", "year": "2027", "action": "preview", **values}
    )
    page = response.text
    assert response.status_code == 200
    assert "Bố trí kinh phí &lt;đặc biệt&gt; &amp; theo dõi</textarea>" in page
    assert 'value="Trần Thị B"' in page and 'value="12"' in page
    assert f'<option value="{IPR["duty-status-ongoing"]}" selected>' in page
    # The missing date is reported next to the date field, and no lateness is made up.
    date_field = re.search(r'<div class="field field-date has-notes">.*?</div>', page, re.S)
    assert date_field is not None and "Ngày báo cáo: phải có đúng một ngày." in date_field.group()
    assert "muộn" not in page
    assert site.dump() == before


def test_submit_from_the_form_stores_what_it_produced(site: Site) -> None:
    model = load_form_model(PROJECT)
    values = default_values(model, FINANCE) | {
        "report.issued": "2027-10-01",
        "person.name": "Trần Thị B",
        "person.position.vi": "Phó Giám đốc",
        "person.mbox": "b.tt@example.org",
    }
    for index, _duty in enumerate(model.duties_of(FINANCE), start=1):
        values[f"duty.{index}.status"] = str(IPR["duty-status-in-progress"])
        values[f"duty.{index}.account.vi"] = f"Đã thực hiện nhiệm vụ {index}."
    token = site.tokens.issue(FINANCE).token
    response = site.client.post(
        "/reports/submit?lang=vi",
        data={"organisation": "so-tai-chinh", "year": "2027", "action": "submit", "token": token, **values},
    )
    assert response.status_code == 201, response.text[-2000:]
    receipt = section_text(response.text, "report-receipt")
    assert "Sở Tài chính" in receipt and "2027" in receipt
    assert re.search(r"\d\d/\d\d/2\d{3} \d\d:\d\d:\d\d \(UTC\+7\)", receipt)
    assert "http" not in receipt and "{" not in receipt and token not in response.text
    stored = Graph().parse(data=site.client.get("/reports/so-tai-chinh/2027/v1?format=turtle").text, format="turtle")
    from ipgraph.reports.form_input import values_to_graph

    produced = values_to_graph(model, FINANCE, 2027, values).graph
    for triple in stored.triples((None, DCTERMS.dateSubmitted, None)):
        stored.remove(triple)
    assert_same_report(produced, stored)

    version = site.client.get("/reports/so-tai-chinh/2027/v1?lang=vi", headers={"Accept": "text/html"}).text
    assert "Sở Tài chính" in version and "p160:duty-V.7" in version and "ns1:" not in version
    assert not re.search(r"\d\d:\d\d:\d\d\.\d+", version)
    listing = site.client.get("/reports?lang=en", headers={"Accept": "text/html"}).text
    row = re.search(r'<table id="report-list">.*?</table>', listing, re.S)
    assert row is not None and "Department of Finance" in row.group() and "https://" not in row.group()
    assert '<a href="/reports">' in listing


def test_the_english_form_is_in_english(site: Site) -> None:
    page = site.client.get("/reports/submit?organisation=so-tai-chinh&year=2026&lang=en").text
    assert "The duties given" in page and "Report date *" in page and "Status" in page
    assert "Download the Excel template (.xlsx)" in page


def test_the_form_opens_for_the_organisation_of_a_token(site: Site) -> None:
    token = site.tokens.issue(IPR["org-ubnd-huyen-vu-thu"]).token
    page = site.client.post("/reports/submit?lang=vi", data={"token": token, "year": "2026", "action": "open"})
    assert page.status_code == 200
    assert "2. Điền báo cáo: Ủy ban nhân dân huyện Vũ Thư, 2026" in page.text
    assert token not in page.text
    refused = site.client.post("/reports/submit?lang=en", data={"token": "nope", "year": "2026", "action": "open"})
    assert refused.status_code == 401 and "unknown or has been revoked" in refused.text


def test_the_validation_page_for_browsers_names_things_and_lines(site: Site) -> None:
    body = (PROJECT / "data" / "examples" / "invalid" / "wrong-unit.ttl").read_bytes()
    page = site.client.post(
        "/reports/validate?lang=en", content=body, headers={"Content-Type": "text/turtle", "Accept": "text/html"}
    ).text
    messages = " ".join(messages_of(page))
    assert "Business units with staff trained in IP" in messages and "Where: line " in messages
    assert "ipr:" not in messages and "sdmx-attribute:" not in messages
