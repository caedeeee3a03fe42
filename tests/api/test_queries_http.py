"""``/queries``: the canned queries as an HTTP API — list, about, run with typed parameters, every format.

Answers are compared with the same query run directly on the store with the same parameters bound, and every
bad parameter must give a 400 that names it, with the store unchanged.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from ipgraph.queries import load_canned_queries
from ipgraph.vocab import PREFIXES

from .conftest import PlanService

PROJECT = Path(__file__).resolve().parents[2]
CANNED = load_canned_queries(PROJECT / "queries")
SO_CONG_THUONG = "ipr:org-so-cong-thuong"


def test_list_names_every_file_with_titles_and_parameters(plan_api: PlanService) -> None:
    response = plan_api.client.get("/queries")
    assert response.status_code == 200
    listed = {entry["name"]: entry for entry in response.json()["queries"]}
    assert set(listed) == {path.stem for path in (PROJECT / "queries").glob("*.rq")}
    for name, entry in listed.items():
        assert entry["title"]["vi"] and entry["title"]["en"], name
        assert entry["url"] == f"{plan_api.url}/queries/{name}"
    agency = listed["duties_of_agency"]["parameters"]
    assert agency == [{"name": "agency", "type": "iri", "default": SO_CONG_THUONG, "help": agency[0]["help"]}]
    assert agency[0]["help"]


def test_about_describes_one_query(plan_api: PlanService) -> None:
    response = plan_api.client.get("/queries/list_targets/about")
    assert response.status_code == 200
    about = response.json()
    assert about["form"] == "SELECT"
    assert about["parameters"][0]["name"] == "year"
    assert about["parameters"][0]["type"] == "year"
    assert "SELECT" in about["text"]


def rows_of(plan_api: PlanService, name: str, **params: str) -> list[dict[str, str]]:
    response = plan_api.client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    return [
        {variable: value["value"] for variable, value in binding.items()}
        for binding in response.json()["results"]["bindings"]
    ]


def store_rows(plan_api: PlanService, name: str, **bindings: object) -> list[dict[str, str]]:
    rows = plan_api.store.select(CANNED[name].text, bindings)  # type: ignore[arg-type]
    return [{variable: str(term) for variable, term in row.items()} for row in rows]


def test_run_with_the_default_and_with_given_parameters(plan_api: PlanService) -> None:
    year_2025 = rows_of(plan_api, "list_targets")
    year_2030 = rows_of(plan_api, "list_targets", year="2030")
    assert year_2025 == store_rows(plan_api, "list_targets", year=Literal("2025", datatype=XSD.gYear))
    assert year_2030 == store_rows(plan_api, "list_targets", year=Literal("2030", datatype=XSD.gYear))
    assert year_2025 and year_2030 and year_2025 != year_2030


def test_iri_parameters_take_prefixed_names_and_full_iris(plan_api: PlanService) -> None:
    full = PREFIXES["ipr"] + "org-so-cong-thuong"
    by_prefix = rows_of(plan_api, "duties_of_agency", agency=SO_CONG_THUONG)
    assert by_prefix
    assert by_prefix == rows_of(plan_api, "duties_of_agency", agency=f"<{full}>")
    assert by_prefix == store_rows(plan_api, "duties_of_agency", agency=URIRef(full))


@pytest.mark.parametrize(
    ("params", "accept", "media_type"),
    [
        ({}, None, "application/sparql-results+json"),
        ({"format": "csv"}, None, "text/csv"),
        ({"format": "tsv"}, None, "text/tab-separated-values"),
        ({"format": "xml"}, "application/sparql-results+json", "application/sparql-results+xml"),
        ({}, "text/csv;q=0.4, text/tab-separated-values;q=0.8", "text/tab-separated-values"),
        # A browser following a link gets the question's page (tests/publish/test_question_pages.py).
        ({}, "text/html,application/xhtml+xml", "text/html"),
        # … unless it names a format: then the download, as for any client.
        ({"format": "csv"}, "text/html,application/xhtml+xml", "text/csv"),
    ],
)
def test_every_results_format(
    plan_api: PlanService, params: dict[str, str], accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = plan_api.client.get("/queries/list_targets", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
        assert len(rows) == len(rows_of(plan_api, "list_targets"))
    elif media_type == "text/html":
        assert 'id="results-table"' in response.text
    elif media_type != "application/sparql-results+json":
        kind = "tsv" if media_type.endswith("values") else "xml"
        parsed = Result.parse(io.BytesIO(response.content), format=kind)
        assert len(parsed.bindings) == len(rows_of(plan_api, "list_targets"))
        assert Variable(next(iter(rows_of(plan_api, "list_targets")[0]))) in parsed.vars


def test_no_acceptable_format_is_406(plan_api: PlanService) -> None:
    response = plan_api.client.get("/queries/list_targets", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["detail"]


def count(plan_api: PlanService) -> int:
    return plan_api.store.triple_count()


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [
        ("list_targets", {"year": "twenty"}, "'year' expects a year"),
        ("list_targets", {"year": '2025" } DROP ALL #'}, "'year' expects a year"),
        ("duties_of_agency", {"agency": "ipr:x> } } ; DROP ALL #"}, "'agency' expects an IRI"),
        ("duties_of_agency", {"agency": '"Sở Công Thương"'}, "'agency' expects an IRI"),
        ("duties_of_agency", {"agency": "javascript alert(1)"}, "'agency' expects an IRI"),
        ("list_targets", {"colour": "red"}, "no parameter 'colour'"),
        ("list_targets", {"format": "yaml"}, "yaml"),
    ],
)
def test_bad_parameters_are_400(plan_api: PlanService, name: str, params: dict[str, str], fragment: str) -> None:
    before = count(plan_api)
    response = plan_api.client.get(f"/queries/{name}", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert fragment in response.json()["detail"]
    assert count(plan_api) == before


def test_unknown_query_is_404(plan_api: PlanService) -> None:
    response = plan_api.client.get("/queries/no_such_query")
    assert response.status_code == 404
    assert "/queries" in response.json()["detail"]
