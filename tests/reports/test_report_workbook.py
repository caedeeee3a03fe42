"""The report workbook over real HTTP: the template, a filled workbook through the same SHACL gate with findings
that name ``sheet!cell``, every stored example back as a workbook and in again unchanged, and hostile workbooks
refused with a clear 4xx and the store byte-for-byte unchanged."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from rdflib import Graph
from rdflib.namespace import DCTERMS
from servers import PROJECT, serve_app
from test_report_form import VALID, assert_same_report, read_example

from ipgraph.reports.form_input import values_to_graph
from ipgraph.reports.form_model import load_form_model
from ipgraph.reports.storage import organisation_slug
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.reports.workbook import DUTIES, INDICATORS, REPORT, XLSX_MEDIA_TYPE
from ipgraph.reports.workbook_input import read_workbook
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPG, IPR

XLSX = {"Content-Type": XLSX_MEDIA_TYPE}
FINANCE = IPR["org-so-tai-chinh"]


class Site:
    def __init__(self, url: str, store: EmbeddedStore, data_dir: Path) -> None:
        self.client = httpx.Client(base_url=url, timeout=120.0)
        self.store = store
        self.tokens = TokenRegistry.for_data_dir(data_dir)

    def dump(self) -> list[bytes]:
        data = self.store.dump(None, "application/n-quads")
        assert data is not None
        return sorted(data.splitlines())

    def template(self, slug: str, year: int) -> bytes:
        response = self.client.get(f"/reports/template.xlsx?organisation={slug}&year={year}")
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX_MEDIA_TYPE
        return response.content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("report-workbooks")
    settings = Settings(data_dir=data_dir, project_dir=PROJECT, query_workers=1, max_body_bytes=1024 * 1024)
    store = open_store(settings)
    assert isinstance(store, EmbeddedStore)
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


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill(template: bytes, *, value: object = 12, issued: object = "2027-10-01") -> bytes:
    """The template filled in as a clerk would: date, person, every duty, one indicator value."""
    book = load_workbook(io.BytesIO(template))
    report = book[REPORT]
    for row in report.iter_rows(min_row=2):
        key = row[3].value
        answers = {
            "report.issued": issued,
            "person.name": "Trần Thị B",
            "person.position.vi": "Phó Giám đốc",
            "person.mbox": "b.tt@example.org",
        }
        if key in answers:
            row[1].value = answers[key]
    for row in book[DUTIES].iter_rows(min_row=2):
        if row[0].value:
            row[3].value = "Đang triển khai"
            row[4].value = f"Đã thực hiện nhiệm vụ {row[0].value}."
    book[INDICATORS]["D2"] = value
    return saved(book)


def test_the_template_is_prefilled_validated_and_protected(site: Site) -> None:
    book = load_workbook(io.BytesIO(site.template("so-tai-chinh", 2027)))
    assert book.sheetnames[:4] == ["Hướng dẫn", REPORT, DUTIES, INDICATORS]
    duties = book[DUTIES]
    assert duties["A1"].value == "Mã nhiệm vụ\nDuty reference"
    assert [row[0].value for row in duties.iter_rows(min_row=2) if row[0].value][:1] == ["V.6"]
    assert duties.protection.sheet and duties["A1"].protection.locked and not duties["D2"].protection.locked
    kinds = {
        validation.type
        for sheet in (book[REPORT], duties, book[INDICATORS])
        for validation in sheet.data_validations.dataValidation
    }
    assert {"list", "whole", "date", "decimal"} <= kinds
    indicators = book[INDICATORS]
    assert indicators["E1"].value == "Đơn vị tính\nUnit" and indicators["D1"].value == "Giá trị\nValue"
    assert indicators["A2"].value and indicators["E2"].value


def test_a_filled_workbook_is_refused_by_cell_then_accepted(site: Site) -> None:
    template = site.template("so-tai-chinh", 2027)
    token = site.tokens.issue(FINANCE).token
    before = site.dump()
    wrong = fill(template, value=-4)
    refused = site.client.post("/reports", content=wrong, headers={**XLSX, "Authorization": f"Bearer {token}"})
    assert refused.status_code == 422
    page = site.client.post(
        "/reports/submit?lang=vi", files={"file": ("bao-cao.xlsx", wrong, XLSX_MEDIA_TYPE)}, data={"action": "preview"}
    ).text
    assert "Chỉ tiêu!D2" in page
    assert site.dump() == before
    accepted = site.client.post(
        "/reports", content=fill(template), headers={**XLSX, "Authorization": f"Bearer {token}"}
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["version"] >= 1


@pytest.mark.parametrize("path", VALID, ids=[path.name for path in VALID])
def test_every_stored_example_comes_back_as_a_workbook_unchanged(site: Site, path: Path) -> None:
    original = read_example(path)
    organisation = next(original.objects(None, IPG.reportingOrganization))
    token = site.tokens.issue(organisation).token  # type: ignore[arg-type]
    media_type = "application/ld+json" if path.suffix == ".jsonld" else "text/turtle"
    stored = site.client.post(
        "/reports", content=path.read_bytes(), headers={"Content-Type": media_type, "Authorization": f"Bearer {token}"}
    )
    assert stored.status_code == 201, stored.text
    url = stored.json()["url"]
    workbook = site.client.get(f"{url}?format=xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX_MEDIA_TYPE
    checked = site.client.post("/reports/validate", content=workbook.content, headers=XLSX)
    assert checked.status_code == 200 and checked.json()["conforms"] is True, checked.text
    model = load_form_model(PROJECT)
    read = read_workbook(model, workbook.content)
    again = values_to_graph(model, read.organisation, read.year, read.values).graph
    version = Graph().parse(data=site.client.get(f"{url}?format=turtle").text, format="turtle")
    for triple in list(version.triples((None, DCTERMS.dateSubmitted, None))):
        version.remove(triple)
    structure = (None, IPG.reportingYear, None)
    assert list(version.triples(structure))
    # The workbook always declares the report's data structure; an upload that left it out gains exactly that.
    cube = "http://purl.org/linked-data/cube#structure"
    if not any(str(p) == cube for _, p, _ in original):
        for triple in [t for t in again if str(t[1]) == cube]:
            again.remove(triple)
    assert_same_report(version, again)
    assert organisation_slug(read.organisation) in url


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _with_member(workbook: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    members = {item.filename: source.read(item.filename) for item in source.infolist()}
    members[name] = data
    return _zip(members)


def _hostile_cases(template: bytes) -> dict[str, tuple[bytes, str]]:
    formula = load_workbook(io.BytesIO(fill(template)))
    formula[INDICATORS]["D2"] = "=SUM(D3:D9)"
    renamed = load_workbook(io.BytesIO(fill(template)))
    renamed[INDICATORS].title = "Indicators"
    million = load_workbook(io.BytesIO(fill(template)))
    million[INDICATORS]["A1000000"] = "x"
    return {
        "not-a-zip": ("Tên,Giá trị\nA,1\n".encode(), "not an Excel workbook"),
        "damaged-zip": (b"PK\x03\x04" + b"\x00" * 200, "not an Excel workbook"),
        # 64 MB of zeros deflate to about 64 KB: refused from the declared sizes, never inflated.
        "zip-bomb": (_zip({"xl/worksheets/sheet1.xml": b"\x00" * (64 * 1024 * 1024)}), "unpacks to"),
        "million-rows": (saved(million), "more than"),
        "formula": (saved(formula), "Chỉ tiêu!D2 holds a formula"),
        "external-link": (_with_member(fill(template), "xl/externalLinks/externalLink1.xml", b"<x/>"), "links"),
        "macros": (_with_member(fill(template), "xl/vbaProject.bin", b"\x00" * 64), "macros"),
        "wrong-sheet-names": (saved(renamed), "no sheet named Chỉ tiêu"),
        "too-large": (b"PK" + b"\x00" * (1024 * 1024 + 10), ""),
    }


def test_hostile_workbooks_are_refused_and_nothing_is_stored(site: Site) -> None:
    template = site.template("so-tai-chinh", 2028)
    token = site.tokens.issue(FINANCE).token
    for name, (body, expected) in _hostile_cases(template).items():
        before = site.dump()
        for url, headers in (
            ("/reports", {**XLSX, "Authorization": f"Bearer {token}", "Accept": "application/json"}),
            ("/reports/validate", {**XLSX, "Accept": "application/json"}),
        ):
            response = site.client.post(url, content=body, headers=headers)
            assert 400 <= response.status_code < 500, (name, url, response.status_code, response.text[:300])
            if expected:
                assert expected in response.text, (name, response.text[:300])
        page = site.client.post(
            "/reports/submit?lang=vi",
            files={"file": ("bao-cao.xlsx", body, XLSX_MEDIA_TYPE)},
            data={"action": "submit", "token": token},
        )
        assert 400 <= page.status_code < 500, (name, page.status_code)
        assert site.dump() == before, name


@pytest.mark.parametrize(
    "query",
    [
        "organisation=../../etc&year=2027",
        "organisation=so-tai-chinh&year=1999",
        "organisation=org-khong-co&year=2027",
        "organisation=so-tai-chinh",
    ],
)
def test_a_template_for_nobody_is_a_clear_4xx(site: Site, query: str) -> None:
    response = site.client.get(f"/reports/template.xlsx?{query}")
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/")
    assert response.headers["content-type"] != XLSX_MEDIA_TYPE
