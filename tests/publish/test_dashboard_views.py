"""The dashboard shows what exists and never contradicts itself: submitted reports when there are some, else the
example reports (marked as examples); a card's words agree with its table; each card's figures come as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from project_graphs import load_progress_fixtures
from publishing import PROJECT
from servers import serve_app

from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.loading import project_sources

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def examples_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project with the example reports and no submission."""
    store = EmbeddedStore(tmp_path_factory.mktemp("examples-store"), workers=1)
    for source in project_sources(Settings(project_dir=PROJECT, load_examples=True)):
        for path in source.files:
            store.load_file(path, source.graph)
    try:
        with serve_app(Settings(data_dir=tmp_path_factory.mktemp("examples-data"), project_dir=PROJECT), store) as url:
            yield url
    finally:
        store.close()


@pytest.fixture(scope="module")
def with_submissions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project with the progress fixtures: submitted reports and example reports."""
    store = EmbeddedStore(tmp_path_factory.mktemp("submissions-store"), workers=1)
    load_progress_fixtures(store)
    try:
        with serve_app(
            Settings(data_dir=tmp_path_factory.mktemp("submissions-data"), project_dir=PROJECT), store
        ) as url:
            yield url
    finally:
        store.close()


def cards(page: str) -> dict[str, str]:
    """Each card's HTML by target reference."""
    found = re.findall(r'<article class="target-card[^"]*" id="target-([^"]+)"(.*?)</article>', page, re.S)
    return dict(found)


def test_without_submissions_the_examples_are_shown_and_marked(examples_only: str) -> None:
    page = httpx.get(f"{examples_only}/dashboard", params={"lang": "en"}, headers=HTML).text
    note = re.search(r'<p class="examples-note" role="note" id="examples-note">(.*?)</p>', page, re.S)
    assert note is not None
    assert "No report has been submitted yet." in note.group(1)
    assert "not from real submissions" in note.group(1)
    assert '<strong aria-current="true">Example reports</strong>' in page
    assert any('<table class="year-figures">' in card for card in cards(page).values())
    chosen = httpx.get(f"{examples_only}/dashboard", params={"lang": "en", "data": "submissions"}, headers=HTML)
    assert 'id="examples-note"' not in chosen.text, "asking for submissions shows submissions, even none"


def test_with_submissions_they_are_the_default_view(with_submissions: str) -> None:
    page = httpx.get(f"{with_submissions}/dashboard", params={"lang": "vi"}, headers=HTML).text
    assert '<strong aria-current="true">Báo cáo đã nộp</strong>' in page
    assert 'id="examples-note"' not in page


@pytest.mark.parametrize(
    ("site", "data"),
    [("with_submissions", "submissions"), ("with_submissions", "examples"), ("examples_only", "examples")],
)
def test_a_card_never_says_nothing_was_reported_beside_its_figures(
    request: pytest.FixtureRequest, site: str, data: str
) -> None:
    url = request.getfixturevalue(site)
    page = httpx.get(f"{url}/dashboard", params={"lang": "en", "data": data}, headers=HTML).text
    shown = cards(page)
    assert shown
    for reference, card in shown.items():
        has_figures = '<table class="year-figures">' in card
        says_nothing = "Nothing reported for this target yet." in card
        assert not (has_figures and says_nothing), reference
        if has_figures:
            assert f'href="/dashboard/{reference}.csv?data={data}"' in card


def test_a_cards_csv_holds_its_years_as_progress_json_does(with_submissions: str) -> None:
    progress = httpx.get(f"{with_submissions}/progress").json()["targets"]
    reported = [target for target in progress if target["years"]]
    assert reported
    for target in reported:
        response = httpx.get(f"{with_submissions}/dashboard/{target['reference']}.csv")
        assert response.status_code == 200
        assert response.headers["content-disposition"] == (
            f'attachment; filename="progress-{target["reference"]}-submissions.csv"'
        )
        rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
        assert [int(row["year"]) for row in rows] == [year["year"] for year in target["years"]]
        assert [float(row["value"]) for row in rows] == pytest.approx([year["value"] for year in target["years"]])


@pytest.mark.parametrize("reference", ["II.9.9", "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3E", "x" * 5000])
def test_an_unknown_card_is_404(with_submissions: str, reference: str) -> None:
    response = httpx.get(f"{with_submissions}/dashboard/{reference}.csv")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    page = httpx.get(f"{with_submissions}/dashboard/{reference}.csv", headers=HTML)
    assert page.status_code == 404
    assert "<script>" not in page.text, "a browser gets the 404 page, the address escaped"


def test_bad_data_source_is_a_clear_400(with_submissions: str) -> None:
    response = httpx.get(f"{with_submissions}/dashboard/II.2.1.b.csv", params={"data": "everything"})
    assert response.status_code == 400
    assert "data" in response.text


def test_every_chart_has_a_labelled_scale_over_the_plan_period(with_submissions: str) -> None:
    page = httpx.get(f"{with_submissions}/dashboard", params={"lang": "vi"}, headers=HTML).text
    charts = 0
    for reference, card in cards(page).items():
        chart = re.search(r'<svg class="year-chart".*?</svg>', card, re.S)
        if chart is None:
            continue
        charts += 1
        year = 2030 if reference.startswith("II.2.2") else 2025
        years = [int(y) for y in re.findall(r'<text class="axis-year"[^>]*>(\d{4})</text>', chart.group(0))]
        assert years == list(range(2021, year + 1)), reference
        ticks = re.findall(r'<text class="tick-label"[^>]*>([^<]+)</text>', chart.group(0))
        assert len(ticks) >= 3 and ticks[0] == "0", (reference, ticks)
    assert charts >= 5
