"""Progress against targets (CQ20): figures computed from report fixtures, pinned to values worked out by hand.

The fixtures (tests/reports/fixtures/progress/, graphs in graphs.json) are nine report versions of four
departments for 2021–2024, the report registry (DOST's 2023 version 1 superseded by version 2), and one
example report. The store is a real on-disk embedded store loaded with the project's files.

Hand computation, per target:

- II.2.1.a (1), share of management staff with basic training (percentage, three departments, target 100 %):
  2022: DOST 60, Agriculture 40 → mean 50; 2023: DOST 90 (v2, not v1's 70), Culture 80, Agriculture 40
  carried from 2022 → mean 70. Industry and Trade's 100 is outside the three departments.
- II.2.1.a (2), enforcement and R&D staff trained (additive, qualitative): 2022: 30; 2023: 25 (basic) + 20
  (in-depth) = 45; to date 75; no share (no figure in the plan).
- II.2.1.a (3), business units with trained staff (cumulative, at least 250): 2021: 50; 2022: 80 + 40 = 120;
  2023: 110 (v2, not v1's 999) + 40 carried = 150 → 60 %.
- II.2.1.b, growth of new applications (8–10 %/year): totals 2021: 200; 2022: 140 + 20 + 50 (categories, no
  total) + 10 = 220; 2023: 240 (the total; the trademark breakdown is part of it; not v1's 500). Growth like
  for like (organisations reporting both years; Industry and Trade's 10 in 2022 is new, not growth): 2022:
  210/200 → 5 %, 2023: 240/210 → 14.2857 %; average 9.6429 % → within the band; share of the lower bound
  120.5357 %.
- II.2.2.a (1), in-depth share (100 %): 2024: Agriculture 10 → 10 %.
- II.2.2.a (2), enforcement staff with basic training (additive, qualitative): 2022: 30 (DOST states no level);
  2023: 25 (Industry and Trade, basic; DOST's 20 are in-depth and left out); to date 55.
- II.2.2.a (3), business units (at least 350): 50, 120, 150 → 42.857 % in 2023.
- II.2.2.a (4), enterprises doing IP audit or valuation (3–5): 2023: 2 (not v1's 9) → 66.667 %.
- II.2.2.b (growth 2026–2030) and II.2.2.b (1) (patents supported): nothing reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from project_graphs import load_progress_fixtures, load_project
from rdflib import Graph

from ipgraph.progress import TargetProgress, progress_report
from ipgraph.queries import load_canned_queries
from ipgraph.reports.storage import ReportArchive, ReportKey
from ipgraph.settings import Settings
from ipgraph.store.base import Row
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore
from ipgraph.vocab import GRAPH, IPR

ServiceStarter = Callable[..., str]

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "progress"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("progress-store"), workers=1)
    load_progress_fixtures(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def progress(store: EmbeddedStore) -> dict[str, TargetProgress]:
    return {item.target.reference: item for item in progress_report(store)}


def series(item: TargetProgress) -> list[tuple[int, float, int, float | None, float | None]]:
    """(year, value, organisations, to date, share) per year, rounded to 4 places."""
    return [
        (
            figure.year,
            round(figure.value, 4),
            figure.organisations,
            None if figure.to_date is None else round(figure.to_date, 4),
            None if figure.share is None else round(figure.share, 4),
        )
        for figure in item.years
    ]


def test_every_target_of_the_plan_is_listed_in_the_plans_order(progress: dict[str, TargetProgress]) -> None:
    assert list(progress) == [
        "II.2.1.a.b1",
        "II.2.1.a.b2",
        "II.2.1.a.b3",
        "II.2.1.b",
        "II.2.2.a.b1",
        "II.2.2.a.b2",
        "II.2.2.a.b3",
        "II.2.2.a.b4",
        "II.2.2.b",
        "II.2.2.b.b1",
    ]
    kinds = {reference: item.target.kind for reference, item in progress.items()}
    assert kinds["II.2.1.a.b1"] == "percentage"
    assert kinds["II.2.1.a.b2"] == "additive"
    assert kinds["II.2.1.a.b3"] == "cumulative"
    assert kinds["II.2.1.b"] == "growth"


def test_percentage_is_averaged_over_the_target_group_with_the_latest_value_carried(
    progress: dict[str, TargetProgress],
) -> None:
    item = progress["II.2.1.a.b1"]
    assert series(item) == [(2022, 50.0, 2, 50.0, 50.0), (2023, 70.0, 3, 70.0, 70.0)]
    assert item.status == "in-progress"
    assert series(progress["II.2.2.a.b1"]) == [(2024, 10.0, 1, 10.0, 10.0)]


def test_cumulative_counts_sum_each_organisations_latest_value(progress: dict[str, TargetProgress]) -> None:
    assert series(progress["II.2.1.a.b3"]) == [
        (2021, 50.0, 1, 50.0, 20.0),
        (2022, 120.0, 2, 120.0, 48.0),
        (2023, 150.0, 2, 150.0, 60.0),
    ]
    assert series(progress["II.2.2.a.b3"])[-1] == (2023, 150.0, 2, 150.0, 42.8571)
    assert series(progress["II.2.2.a.b4"]) == [(2023, 2.0, 1, 2.0, 66.6667)]


def test_additive_counts_run_up_and_a_qualitative_target_has_no_share(progress: dict[str, TargetProgress]) -> None:
    item = progress["II.2.1.a.b2"]
    assert series(item) == [(2022, 30.0, 1, 30.0, None), (2023, 45.0, 2, 75.0, None)]
    assert item.status == "qualitative"
    assert series(progress["II.2.2.a.b2"]) == [(2022, 30.0, 1, 30.0, None), (2023, 25.0, 1, 55.0, None)]


def test_growth_of_applications_year_over_year_and_its_average(progress: dict[str, TargetProgress]) -> None:
    item = progress["II.2.1.b"]
    totals = [(f.year, f.value, f.organisations) for f in item.years]
    assert totals == [(2021, 200.0, 1), (2022, 220.0, 2), (2023, 240.0, 1)]
    growth = [None if f.growth is None else round(f.growth, 4) for f in item.years]
    assert growth == [None, 5.0, 14.2857]
    assert series(item)[1:] == [(2022, 220.0, 2, 5.0, 62.5), (2023, 240.0, 1, 9.6429, 120.5357)]
    assert item.status == "within"


def test_targets_with_nothing_reported_have_no_figures(progress: dict[str, TargetProgress]) -> None:
    for reference in ("II.2.2.b", "II.2.2.b.b1"):
        assert progress[reference].years == ()
        assert progress[reference].status == "no-data"


def test_superseded_version_does_not_count(store: EmbeddedStore, progress: dict[str, TargetProgress]) -> None:
    # Version 1's figures are in the store and would change every figure above if they counted.
    assert store.triple_count(GRAPH["reports/so-khoa-hoc-va-cong-nghe/2023/v1"]) > 0
    values = {f.value for item in progress.values() for f in item.years}
    assert not values & {999.0, 500.0, 9.0}


def test_examples_count_only_when_asked_for_and_never_with_submissions(store: EmbeddedStore) -> None:
    examples = {item.target.reference: item for item in progress_report(store, "examples")}
    assert series(examples["II.2.1.a.b3"]) == [(2022, 7.0, 1, 7.0, 2.8)]
    assert sum(len(item.years) for item in examples.values()) == 2  # II.2.1.a.b3 and II.2.2.a.b3


def test_canned_query_cq20_gives_the_same_figures(store: EmbeddedStore, progress: dict[str, TargetProgress]) -> None:
    query = load_canned_queries(PROJECT / "queries")["progress_by_target"]
    rows = store.select(query.text, query.bind({}))

    def number(row: Row, name: str) -> float | None:
        return round(float(row[name].toPython()), 4) if name in row else None  # type: ignore[union-attr]

    answered: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        figures = answered.setdefault(str(row["reference"]), [])
        if "year" in row:
            figures.append(
                (
                    int(row["year"]),
                    number(row, "value"),
                    int(row["organisations"]),
                    number(row, "to_date"),  # type: ignore[call-overload]
                    number(row, "growth_percent"),
                    number(row, "share_percent"),
                )
            )
    expected: dict[str, list[tuple[object, ...]]] = {}
    for reference, item in progress.items():
        growth = item.target.kind == "growth"
        expected[reference] = [
            (
                f.year,
                round(f.value, 4),
                f.organisations,
                None if growth or f.to_date is None else round(f.to_date, 4),
                None if f.growth is None else round(f.growth, 4),
                None if growth or f.share is None else round(f.share, 4),
            )
            for f in item.years
        ]
    assert answered == expected
    assert answered["II.2.1.a.b3"][-1] == (2023, 150.0, 2, 150.0, None, 60.0)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("progress-data"), project_dir=PROJECT)


def test_progress_json_over_http(store: EmbeddedStore, settings: Settings, running_service: ServiceStarter) -> None:
    base = running_service(settings, store)
    response = httpx.get(f"{base}/progress")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] == "submissions"
    targets = {entry["reference"]: entry for entry in body["targets"]}
    assert len(targets) == 10
    units = targets["II.2.1.a.b3"]
    assert units["kind"] == "cumulative"
    assert units["minimum"] == 250
    assert units["status"] == "in-progress"
    assert units["latest"] == {
        "year": 2023,
        "value": 150.0,
        "organisations": 2,
        "to_date": 150.0,
        "growth_percent": None,
        "share_percent": 60.0,
    }
    growth = targets["II.2.1.b"]
    assert growth["status"] == "within"
    assert [year["growth_percent"] for year in growth["years"]] == [None, 5.0, pytest.approx(14.2857, abs=1e-4)]
    assert growth["latest"]["to_date"] == pytest.approx(9.6429, abs=1e-4)
    assert targets["II.2.2.b.b1"]["years"] == []
    assert targets["II.2.2.b.b1"]["latest"] is None

    examples = httpx.get(f"{base}/progress", params={"data": "examples"}).json()
    by_reference = {entry["reference"]: entry for entry in examples["targets"]}
    assert by_reference["II.2.1.a.b3"]["latest"]["to_date"] == 7.0


def test_progress_refuses_an_unknown_data_source(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)
    response = httpx.get(f"{base}/progress", params={"data": "drafts"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    assert "data" in detail
    assert "'submissions' or 'examples'" in detail


@pytest.mark.parametrize(
    ("lang", "heading", "share"),
    [
        ("en", "Progress against the plan&#39;s targets", "60 %"),
        ("vi", "Tiến độ thực hiện các mục tiêu của Kế hoạch", "60 %"),
    ],
)
def test_dashboard_is_complete_html_with_inline_svg_and_no_script(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter, lang: str, heading: str, share: str
) -> None:
    base = running_service(settings, store)
    response = httpx.get(f"{base}/dashboard", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    page = response.text
    assert heading in page
    for reference in ("II.2.1.a.b1", "II.2.1.a.b3", "II.2.1.b", "II.2.2.a.b4", "II.2.2.b.b1"):
        assert f'id="target-{reference}"' in page
    card = page.split('id="target-II.2.1.a.b3"')[1].split("</article>")[0]
    assert "<svg" in card
    assert share in card
    assert 'class="share-fill"' in card
    # Offline and script-free: no script element and nothing loaded from another host.
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


def test_dashboard_growth_chart_shows_the_target_band_and_each_years_growth(
    store: EmbeddedStore, settings: Settings, running_service: ServiceStarter
) -> None:
    base = running_service(settings, store)
    page = httpx.get(f"{base}/dashboard", params={"lang": "vi"}).text
    card = page.split('id="target-II.2.1.b"')[1].split("</article>")[0]
    assert 'class="target-band"' in card
    assert "2022: 5</title>" in card
    assert "2023: 14,3</title>" in card  # Vietnamese decimal comma
    assert "Trong khoảng mục tiêu" in card


@pytest.mark.remote
def test_same_progress_from_a_remote_store(
    remote_store: RemoteStore, progress: dict[str, TargetProgress], store: EmbeddedStore
) -> None:
    """The figures and the canned query do not depend on the engine: a real ``oxigraph serve`` agrees."""
    load_progress_fixtures(remote_store)
    remote = {item.target.reference: item for item in progress_report(remote_store)}
    assert {ref: series(item) for ref, item in remote.items()} == {ref: series(item) for ref, item in progress.items()}
    query = load_canned_queries(PROJECT / "queries")["progress_by_target"]
    assert len(remote_store.select(query.text)) == len(store.select(query.text))


def test_a_fresh_deployment_has_targets_but_no_figures(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "fresh", workers=1)
    try:
        load_project(store)
        fresh = progress_report(store)
    finally:
        store.close()
    assert len(fresh) == 10
    assert all(item.years == () for item in fresh)
    statuses = {item.target.reference: item.status for item in fresh}
    assert statuses["II.2.1.a.b2"] == statuses["II.2.2.a.b2"] == "qualitative"
    assert {status for reference, status in statuses.items() if not reference.endswith("a.b2")} == {"no-data"}


def test_a_resubmission_stored_by_the_report_archive_replaces_the_earlier_figures(tmp_path: Path) -> None:
    """The contract with report storage: the version the archive invalidates stops counting at once."""
    store = EmbeddedStore(tmp_path / "archive", workers=1)
    try:
        load_project(store)
        archive = ReportArchive(store)
        key = ReportKey(IPR["org-so-khoa-hoc-va-cong-nghe"], 2023)
        stored = {"content_hash": "a" * 64, "shapes_version": "b" * 64}
        archive.add_version(
            key,
            Graph().parse(FIXTURES / "dost-2023-v1.ttl"),
            submitted_at=dt.datetime(2023, 10, 2, 9, tzinfo=dt.UTC),
            **stored,
        )
        before = {item.target.reference: item for item in progress_report(store)}
        archive.add_version(
            key,
            Graph().parse(FIXTURES / "dost-2023-v2.ttl"),
            submitted_at=dt.datetime(2023, 10, 3, 10, tzinfo=dt.UTC),
            **stored,
        )
        after = {item.target.reference: item for item in progress_report(store)}
    finally:
        store.close()
    assert series(before["II.2.1.a.b3"]) == [(2023, 999.0, 1, 999.0, 399.6)]
    assert before["II.2.1.a.b3"].status == "reached"
    assert series(after["II.2.1.a.b3"]) == [(2023, 110.0, 1, 110.0, 44.0)]
    assert series(after["II.2.2.a.b4"]) == [(2023, 2.0, 1, 2.0, 66.6667)]


def test_a_successor_carries_on_its_predecessors_counts(tmp_path: Path) -> None:
    """After the 2025 changes: cumulative counts are not added twice, growth compares like with like."""
    store = EmbeddedStore(tmp_path / "successor", workers=1)
    successor_fixtures = FIXTURES.parent / "progress-successor"
    try:
        load_project(store)
        store.load_file(successor_fixtures / "dost-2024.ttl", GRAPH["reports/so-khoa-hoc-va-cong-nghe/2024/v1"])
        store.load_file(
            successor_fixtures / "dost-hung-yen-2025.ttl", GRAPH["reports/so-khoa-hoc-va-cong-nghe-hung-yen/2025/v1"]
        )
        figures = {item.target.reference: item for item in progress_report(store)}
        query = load_canned_queries(PROJECT / "queries")["progress_by_target"]
        rows = [row for row in store.select(query.text) if "year" in row]
    finally:
        store.close()
    assert series(figures["II.2.1.a.b3"]) == [(2024, 210.0, 1, 210.0, 84.0), (2025, 250.0, 1, 250.0, 100.0)]
    assert figures["II.2.1.a.b3"].status == "reached"
    growth = figures["II.2.1.b"]
    assert [(f.year, f.value, f.growth) for f in growth.years] == [(2024, 450.0, None), (2025, 495.0, 10.0)]
    answered = {(str(row["reference"]), int(row["year"])): float(row["value"]) for row in rows}  # type: ignore[arg-type]
    assert answered[("II.2.1.a.b3", 2025)] == 250.0
    assert {float(row["growth_percent"]) for row in rows if "growth_percent" in row} == {10.0}  # type: ignore[arg-type]
