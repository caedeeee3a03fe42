"""Every canned query parses, answers, and its answer matches what Plan 160/KH-UBND says (CQ1–CQ27).

The queries run on a real on-disk embedded store loaded with the project's files, exactly as the service
runs them (union default graph, parameters bound as RDF terms).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from project_graphs import load_project
from rdflib import Literal, URIRef

from ipgraph.queries import CannedQuery, load_canned_queries
from ipgraph.store.base import Row
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import IPR

PROJECT = Path(__file__).resolve().parents[2]
QUERIES = load_canned_queries(PROJECT / "queries")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("canned-store"), workers=1)
    load_project(store)
    yield store
    store.close()


def run(store: EmbeddedStore, name: str, **params: str) -> list[Row]:
    query: CannedQuery = QUERIES[name]
    return store.select(query.text, query.bind(params))


def text(row: Row, name: str) -> str:
    return str(row.get(name, ""))


def org(slug: str) -> URIRef:
    return URIRef(IPR["org-" + slug])


def test_every_query_has_titles_in_both_languages_and_answers(store: EmbeddedStore) -> None:
    assert len(QUERIES) >= 17
    for name, query in QUERIES.items():
        assert query.title("vi") != query.title("en"), f"{name} lacks a Vietnamese title"
        assert query.form == "SELECT"
        assert run(store, name), f"{name} returned no rows"


def test_every_competency_question_up_to_cq27_has_a_query() -> None:
    """Each query names the competency questions it answers at the end of its description, e.g. "(CQ4, CQ5)"."""
    answered = {
        int(number)
        for query in QUERIES.values()
        for number in re.findall(r"CQ(\d+)", query.description("en").rpartition("(")[2])
    }
    assert set(range(1, 28)) <= answered


def test_cq1_agencies_and_their_duty_counts(store: EmbeddedStore) -> None:
    counts = {row["agency"]: int(row["duties"]) for row in run(store, "count_duties_by_agency")}  # type: ignore[call-overload]
    assert counts == {
        org("so-khoa-hoc-va-cong-nghe"): 5,
        org("so-nong-nghiep-va-phat-trien-nong-thon"): 5,
        org("so-van-hoa-the-thao-va-du-lich"): 4,
        org("so-cong-thuong"): 2,
        org("so-thong-tin-va-truyen-thong"): 1,
        org("so-tai-chinh"): 1,
        org("so-ke-hoach-va-dau-tu"): 1,
        org("so-giao-duc-va-dao-tao"): 2,
        org("so-lao-dong-thuong-binh-va-xa-hoi"): 2,
        org("cong-an-tinh"): 2,
        org("cuc-quan-ly-thi-truong-tinh"): 2,
        org("chi-cuc-hai-quan-thai-binh"): 2,
        org("hoi-nong-dan-tinh"): 2,
        org("hoi-lien-hiep-phu-nu-tinh"): 2,
        org("doan-thanh-nien-tinh"): 2,
        org("lien-minh-hop-tac-xa-tinh"): 2,
        org("ubnd-huyen-thanh-pho"): 4,
        org("dai-phat-thanh-va-truyen-hinh-thai-binh"): 1,
        org("bao-thai-binh"): 1,
    }


def test_cq2_plant_variety_rights(store: EmbeddedStore) -> None:
    answer = {(row["agency"], text(row, "reference")) for row in run(store, "plant_variety_responsibility")}
    assert answer == {
        (org("so-nong-nghiep-va-phat-trien-nong-thon"), "V.2.a"),
        (org("so-nong-nghiep-va-phat-trien-nong-thon"), "V.2.b"),
        (org("ubnd-huyen-thanh-pho"), "V.11.c"),
    }


def test_cq3_focal_point(store: EmbeddedStore) -> None:
    rows = run(store, "plan_focal_point")
    assert {(row["focal_point"], row["reports_to"]) for row in rows} == {
        (org("so-khoa-hoc-va-cong-nghe"), org("ubnd-tinh-thai-binh"))
    }
    assert "V.1.a" in {text(row, "reference") for row in rows}


def test_cq4_targets_for_2025(store: EmbeddedStore) -> None:
    rows = {text(row, "reference"): row for row in run(store, "list_targets", year="2025")}
    assert set(rows) == {"II.2.1.a.b1", "II.2.1.a.b2", "II.2.1.a.b3", "II.2.1.b"}
    assert float(rows["II.2.1.a.b1"]["exact"]) == 100  # type: ignore[arg-type]
    assert "basic" in text(rows["II.2.1.a.b1"], "level_en").lower()
    assert float(rows["II.2.1.a.b3"]["minimum"]) == 250  # type: ignore[arg-type]
    assert (float(rows["II.2.1.b"]["minimum"]), float(rows["II.2.1.b"]["maximum"])) == (8, 10)  # type: ignore[arg-type]
    assert rows["II.2.1.a.b2"]["qualitative"] == Literal(True)


@pytest.mark.parametrize("year", ["2025", "2030"])
def test_cq4_cq5_one_row_per_target(store: EmbeddedStore, year: str) -> None:
    # A qualitative target is typed both ipg:Target and ipg:QualitativeTarget; it must still come once.
    references = [text(row, "reference") for row in run(store, "list_targets", year=year)]
    assert len(references) == len(set(references))


def test_cq5_targets_for_2030(store: EmbeddedStore) -> None:
    rows = {text(row, "reference"): row for row in run(store, "list_targets", year="2030")}
    assert set(rows) == {"II.2.2.a.b1", "II.2.2.a.b2", "II.2.2.a.b3", "II.2.2.a.b4", "II.2.2.b", "II.2.2.b.b1"}
    bounds = {ref: (row.get("minimum"), row.get("maximum")) for ref, row in rows.items()}
    assert float(bounds["II.2.2.a.b3"][0]) == 350  # type: ignore[arg-type]
    assert tuple(map(float, bounds["II.2.2.a.b4"])) == (3, 5)  # type: ignore[arg-type]
    assert tuple(map(float, bounds["II.2.2.b"])) == (10, 12)  # type: ignore[arg-type]
    assert tuple(map(float, bounds["II.2.2.b.b1"])) == (1, 2)  # type: ignore[arg-type]
    assert "in-depth" in text(rows["II.2.2.a.b1"], "level_en").lower()


def test_cq6_coordination(store: EmbeddedStore) -> None:
    pairs = {(text(row, "reference"), row["lead"], row["partner"]) for row in run(store, "coordination_duties")}
    dost = org("so-khoa-hoc-va-cong-nghe")
    assert ("V.6", org("so-tai-chinh"), dost) in pairs
    assert ("V.7", org("so-ke-hoach-va-dau-tu"), dost) in pairs
    assert ("V.7", org("so-ke-hoach-va-dau-tu"), org("so-tai-chinh")) in pairs
    assert ("V.8.b", org("so-giao-duc-va-dao-tao"), org("so-van-hoa-the-thao-va-du-lich")) in pairs
    assert ("V.12", org("dai-phat-thanh-va-truyen-hinh-thai-binh"), dost) in pairs


def test_cq7_funding(store: EmbeddedStore) -> None:
    rows = run(store, "funding_duties")
    allocation = {text(row, "reference") for row in rows if row["kind"] == IPR["topic-funding-allocation"]}
    advice = {text(row, "reference") for row in rows if row["kind"] == IPR["topic-budget-advice"]}
    assert allocation == {"V.2.e", "V.3.d", "V.11.b"}
    assert advice == {"V.6", "V.7"}


def test_cq8_enforcement_tasks_in_order(store: EmbeddedStore) -> None:
    rows = run(store, "tasks_in_section")
    assert [text(row, "number") for row in rows] == ["a", "b", "c", "d", "đ", "e"]
    assert text(rows[4], "text_vi").startswith("Khuyến khích doanh nghiệp, tổ chức, cá nhân chủ động tự bảo vệ")


def test_cq9_national_decisions(store: EmbeddedStore) -> None:
    rows = run(store, "national_decisions")
    assert [(text(row, "number"), text(row, "date")) for row in rows] == [
        ("1068/QĐ-TTg", "2019-08-22"),
        ("2205/QĐ-TTg", "2020-12-24"),
    ]
    assert {text(row, "passed_by_vi") for row in rows} == {"Thủ tướng Chính phủ"}


def test_cq10_annual_report_deadline(store: EmbeddedStore) -> None:
    rows = run(store, "annual_report_deadline")
    annual = [row for row in rows if text(row, "month") == "--10"]
    assert len(annual) == 1
    row = annual[0]
    assert text(row, "day") == "---15"
    assert text(row, "recipient_vi") == "Sở Khoa học và Công nghệ"
    assert text(row, "consolidates_for_vi") == "Ủy ban nhân dân tỉnh Thái Bình"
    assert text(row, "frequency") == "http://purl.org/cld/freq/annual"
    assert "trước ngày 15 tháng 10" in text(row, "text_vi")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("geographical_indication_items", {"III.4.d", "V.1.d", "V.11.d"}),
        ("ocop_items", {"III.4.d", "V.4.a"}),
        ("counterfeit_and_crime_items", {"III.3.c", "V.9.c"}),
    ],
)
def test_cq11_cq12_cq18_items_by_subject(store: EmbeddedStore, name: str, expected: set[str]) -> None:
    assert {text(row, "reference") for row in run(store, name)} == expected


def test_cq13_ip_categories(store: EmbeddedStore) -> None:
    rows = run(store, "ip_categories")
    kinds: dict[str, set[str]] = {}
    for row in rows:
        kinds.setdefault(text(row, "category_en"), set()).add(text(row, "kind_en").lower())
    assert len(kinds) == 3
    everything = " | ".join(sorted(kind for values in kinds.values() for kind in values))
    for kind in (
        "invention",
        "utility solution",
        "trademark",
        "collective mark",
        "certification mark",
        "geographical indication",
        "plant variet",
    ):
        assert kind in everything


def test_cq14_training_targets(store: EmbeddedStore) -> None:
    rows = {text(row, "reference"): row for row in run(store, "training_targets")}
    assert {"II.2.1.a.b1", "II.2.1.a.b2", "II.2.1.a.b3", "II.2.2.a.b1", "II.2.2.a.b2", "II.2.2.a.b3"} <= set(rows)
    staff = text(rows["II.2.1.a.b1"], "staff_of_vi")
    for department in (
        "Sở Khoa học và Công nghệ",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Văn hóa, Thể thao và Du lịch",
    ):
        assert department in staff


def test_cq15_signature(store: EmbeddedStore) -> None:
    (row,) = run(store, "plan_signature")
    assert text(row, "signer_name") == "Trần Thị Bích Hằng"
    assert text(row, "position_vi") == "Phó Chủ tịch"
    assert text(row, "on_behalf_of_vi") == "Ủy ban nhân dân tỉnh Thái Bình"
    assert (text(row, "number"), text(row, "date")) == ("160/KH-UBND", "2021-11-23")


def test_cq16_recipients(store: EmbeddedStore) -> None:
    lines = [text(row, "text_vi") for row in run(store, "plan_recipients")]
    assert lines[0] == "Bộ KH&CN"
    assert "Cục Sở hữu trí tuệ (Bộ KH&CN)" in lines
    assert "Trường Cao đẳng Nghề Thái Bình" in lines
    assert len(lines) == 10


def test_cq17_duties_of_one_agency(store: EmbeddedStore) -> None:
    rows = run(store, "duties_of_agency")
    assert [text(row, "reference") for row in rows] == ["V.4.a", "V.4.b"]
    assert all(text(row, "text_en") for row in rows)
    district = run(store, "duties_of_agency", agency="ipr:org-ubnd-huyen-dong-hung")
    assert [text(row, "reference") for row in district] == ["V.11.a", "V.11.b", "V.11.c", "V.11.d"]


def test_cq19_organisations_changed(store: EmbeddedStore) -> None:
    rows = run(store, "organisations_changed")
    changed = {row["organisation"]: row for row in rows}
    doic = changed[org("so-thong-tin-va-truyen-thong")]
    assert text(doic, "date").startswith("2025-03-01")
    assert doic.get("successor") is not None
    assert text(doic, "source_title")
    assert org("ubnd-tinh-thai-binh") in changed


def test_cq19_who_carries_each_duty_today(store: EmbeddedStore) -> None:
    """The successor chain is followed to its end; the plan's own leads stay as written beside today's holders."""
    rows = run(store, "duty_holders_today")
    holders = {(text(row, "reference"), row["lead"]): row for row in rows}
    # Every lead (and requested body) of every duty of section V appears once, with the plan's own assignment intact.
    assignments = store.select(
        "SELECT ?duty ?lead WHERE { ?duty a <https://w3id.org/ipgraph/def#Duty> ; "
        "<http://www.w3.org/ns/prov#qualifiedAssociation> [ <http://www.w3.org/ns/prov#agent> ?lead ; "
        "<http://www.w3.org/ns/prov#hadRole> ?role ] "
        "FILTER (?role IN (<https://w3id.org/ipgraph/id/role-lead>, <https://w3id.org/ipgraph/id/role-requested>)) }"
    )
    assert len(holders) == len(rows) == len(assignments)
    assert {(row["duty"], row["lead"]) for row in rows} == {(row["duty"], row["lead"]) for row in assignments}
    ict = holders[("V.5", org("so-thong-tin-va-truyen-thong"))]
    assert ict["holder"] == org("so-khoa-hoc-va-cong-nghe-hung-yen")
    assert text(ict, "status") == "succeeded"
    assert text(ict, "changed_on") == "2025-07-01"
    assert "press and publishing" in text(ict, "note")
    assert holders[("V.7", org("so-ke-hoach-va-dau-tu"))]["holder"] == org("so-tai-chinh-hung-yen")
    assert holders[("V.2.a", org("so-nong-nghiep-va-phat-trien-nong-thon"))]["holder"] == org(
        "so-nong-nghiep-va-moi-truong-hung-yen"
    )
    # Two hops: the station merged into the newspaper, whose own fate is not known.
    station = holders[("V.12", org("dai-phat-thanh-va-truyen-hinh-thai-binh"))]
    assert station["holder"] == org("bao-thai-binh")
    assert text(station, "changed_on") == "2025-03-17"
    # No successor recorded: the lead still holds the duty and the note says what is not known.
    districts = holders[("V.11.c", org("ubnd-huyen-thanh-pho"))]
    assert districts["holder"] == org("ubnd-huyen-thanh-pho")
    assert text(districts, "status") == "not-known"
    assert text(districts, "changed_on") == "2025-07-01"
    assert "not known" in text(districts, "note")
    assert text(holders[("V.9.a", org("chi-cuc-hai-quan-thai-binh"))], "status") == "not-known"


# --- Questions answered by structure, not by words (issue 13) ----------------------------------------------------

#: A string function over text, unless it reads the IRI of a graph the query names with GRAPH ?name.
_TEXT_MATCH = re.compile(r"\b(CONTAINS|REGEX|STRSTARTS)\s*\(\s*(STR\(\s*\?(\w+)\s*\))?", re.IGNORECASE)


def _matches_over_text(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return [
        match.group(0)
        for match in _TEXT_MATCH.finditer(body)
        if not (match.group(3) and re.search(rf"GRAPH\s+\?{match.group(3)}\b", body))
    ]


def test_no_query_matches_words_in_item_text() -> None:
    """Answers come from structure: CONTAINS, REGEX and STRSTARTS may only test graph IRIs, never item text."""
    found = {name: hits for name, query in QUERIES.items() if (hits := _matches_over_text(query.text))}
    assert found == {}


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?t WHERE { ?c <https://w3id.org/ipgraph/def#text> ?t FILTER (CONTAINS(?t, "OCOP")) }',
        "SELECT ?t WHERE { ?c ?p ?t FILTER regex(str(?t), 'giả') }",
        'SELECT ?t WHERE { ?c ?p ?t FILTER (STRSTARTS(STR(?t), "Tăng")) }',
        'SELECT ?t WHERE { ?c ?p ?t FILTER (contains (lcase(?t), "ocop")) }',
    ],
)
def test_the_text_guard_catches_word_matching(text: str) -> None:
    assert _matches_over_text(text)


def test_the_text_guard_lets_graph_iris_through() -> None:
    assert _matches_over_text(QUERIES["progress_by_target"].text) == []


def test_cq21_organisations_only_requested(store: EmbeddedStore) -> None:
    """V.12 "Đài Phát thanh và Truyền hình Thái Bình, đề nghị Báo Thái Bình": the newspaper alone is only requested."""
    rows = run(store, "requested_organisations")
    assert [(row["organisation"], text(row, "reference")) for row in rows] == [(org("bao-thai-binh"), "V.12")]
    assert set(text(rows[0], "kinds_en").split("; ")) == {"Party body", "Press and news sites"}
    assert text(rows[0], "text_vi").startswith("Phối hợp với Sở Khoa học và Công nghệ")


def test_cq22_duties_per_kind_of_organisation(store: EmbeddedStore) -> None:
    rows = run(store, "duties_by_organisation_kind")
    counts = {row["kind"]: (int(row["duties"]), int(row["organisations"])) for row in rows}

    def kind(slug: str) -> URIRef:
        return URIRef(IPR["orgkind-" + slug])

    assert counts == {
        # The eleven departments and offices of V.1–V.9 (police counted apart): 5+5+4+2+1+1+1+2+2 duties of V.1–V.8,
        # and V.9.a, V.9.c through market surveillance and customs.
        kind("state-administrative-agency"): (23, 11),
        kind("public-security"): (2, 1),
        # V.11.a–d for the district and city people's committees.
        kind("peoples-committee"): (4, 1),
        # V.10.a–b: the three socio-political organisations and the Cooperative Alliance.
        kind("socio-political-organisation"): (2, 3),
        kind("enterprises-and-associations"): (2, 1),
        # V.12: the station (press, public service unit) and the newspaper (press, Party body).
        kind("press"): (1, 2),
        kind("public-service-unit"): (1, 1),
        kind("party-body"): (1, 1),
    }


@pytest.mark.parametrize(
    ("audience", "references"),
    [
        ("audience-teachers-and-students", {"III.6.c", "III.6.d", "V.8.b"}),
        ("audience-enterprises", {"III.3.đ", "III.4.a", "III.4.b", "III.4.c", "III.4.e", "III.6.c"}),
        ("audience-ip-service-organisations", {"III.5.a", "III.5.b", "III.5.d", "III.6.b", "V.9.c"}),
    ],
)
def test_cq23_tasks_and_duties_for_an_audience(store: EmbeddedStore, audience: str, references: set[str]) -> None:
    rows = run(store, "items_for_audience", audience=f"ipr:{audience}")
    assert {text(row, "reference") for row in rows} == references
    for row in rows:
        assert text(row, "text_vi") and text(row, "text_en")


def test_cq23_default_audience_is_enterprises(store: EmbeddedStore) -> None:
    assert {text(row, "reference") for row in run(store, "items_for_audience")} == {
        "III.3.đ", "III.4.a", "III.4.b", "III.4.c", "III.4.e", "III.6.c"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("topic", "references"),
    [
        ("topic-dispute-resolution", {"III.3.d"}),
        ("topic-recognition", {"III.6.đ"}),
        ("topic-ip-information", {"III.2.c"}),
        ("topic-international-cooperation", {"III.6.e"}),
        ("topic-budget-advice", {"V.6", "V.7"}),
        # Tasks and duties by the rules, and the 2030 target on supported patents.
        ("topic-commercialisation", {"III.1.b", "III.1.c", "III.1.d", "III.4.a", "III.4.b", "III.4.c", "III.4.d",
                                     "III.4.e", "III.5.c", "III.5.đ", "III.6.b", "V.1.d", "V.4.a", "V.11.d",
                                     "II.2.2.b.b1"}),
    ],
)  # fmt: skip
def test_cq24_items_per_topic(store: EmbeddedStore, topic: str, references: set[str]) -> None:
    assert {text(row, "reference") for row in run(store, "items_by_topic", topic=f"ipr:{topic}")} == references


def test_cq25_how_the_plan_is_funded(store: EmbeddedStore) -> None:
    """Section IV: "nguồn kinh phí sự nghiệp khoa học và công nghệ được giao hàng năm và các nguồn hợp pháp khác"."""
    rows = run(store, "plan_funding")
    sources = {text(row, "source_vi") for row in rows}
    assert sources == {"Kinh phí sự nghiệp khoa học và công nghệ được giao hằng năm", "Các nguồn hợp pháp khác"}
    by_source = {
        source: {(text(row, "reference"), row["lead"]) for row in rows if text(row, "source_vi") == source}
        for source in sources
    }
    assert by_source["Các nguồn hợp pháp khác"] == {
        ("V.2.e", org("so-nong-nghiep-va-phat-trien-nong-thon")),
        ("V.3.d", org("so-van-hoa-the-thao-va-du-lich")),
        ("V.7", org("so-ke-hoach-va-dau-tu")),
        ("V.11.b", org("ubnd-huyen-thanh-pho")),
    }
    st_budget = by_source["Kinh phí sự nghiệp khoa học và công nghệ được giao hằng năm"]
    assert st_budget == by_source["Các nguồn hợp pháp khác"] | {("V.6", org("so-tai-chinh"))}
    assert {text(row, "periodicity") for row in rows if text(row, "source_vi").startswith("Kinh phí")} == {
        "http://purl.org/cld/freq/annual"
    }


def test_cq26_reviews_reports_and_who_runs_them(store: EmbeddedStore) -> None:
    """V.1.a "tổ chức sơ kết … 05 năm 2021-2025, tổng kết … đến năm 2030"; VI "trước ngày 15 tháng 10"."""
    rows = {str(row["activity"]).rsplit("/", 1)[1]: row for row in run(store, "scheduled_activities")}
    assert set(rows) == {
        "review-2021-2025", "review-to-2030", "dost-annual-report", "reporting-obligation", "ad-hoc-reporting",
        "monitoring-V.1.a", "inspections-V.9.c", "campaign-V.12",
    }  # fmt: skip
    mid, final = rows["review-2021-2025"], rows["review-to-2030"]
    assert (text(mid, "begins"), text(mid, "ends"), text(mid, "kind_vi")) == ("2021-01-01", "2025-12-31", "Sơ kết")
    assert (text(final, "ends"), text(final, "kind_vi")) == ("2030-12-31", "Tổng kết")
    for review in (mid, final):
        assert text(review, "runners_en") == "Thai Binh Department of Science and Technology"
        assert text(review, "reference") == "V.1.a"
    annual = rows["reporting-obligation"]
    assert (text(annual, "deadline_month"), text(annual, "deadline_day")) == ("--10", "---15")
    assert int(text(annual, "runners")) == 18
    assert int(text(rows["inspections-V.9.c"], "runners")) == 3


def test_cq27_conditions_of_targets(store: EmbeddedStore) -> None:
    rows = {text(row, "reference"): row for row in run(store, "target_conditions")}
    assert len(rows) == 10
    patents = rows["II.2.2.b.b1"]
    assert (text(patents, "protected_from"), text(patents, "protected_to")) == ("2021-01-01", "2025-12-31")
    for reference, start in (("II.2.1.b", "2021-01-01"), ("II.2.2.b", "2026-01-01")):
        growth = rows[reference]
        assert text(growth, "baseline") == str(IPR["baseline-previous-year"])
        assert text(growth, "averaged_from") == start
        assert set(text(growth, "increasing").split("; ")) == {
            "Invention", "Utility solution", "New plant variety", "Copyright"
        }  # fmt: skip
    assert text(rows["II.2.1.a.b2"], "quantitative") == "false"
    assert text(rows["II.2.1.a.b3"], "quantitative") == "true"
    assert text(rows["II.2.1.a.b3"], "counted") == "Enterprises"
