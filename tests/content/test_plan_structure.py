"""The structure beside the plan's text follows from the text (issue 13, docs/model.md "Structure beside the text").

The verbatim Vietnamese wording (``ipg:text @vi``, itself checked against the source by test_plan_verbatim) is the
oracle: each assignment role is found in its clause's wording, each topic and audience follows from the filing
rule written in the concept's ``skos:scopeNote``, and the funding, scheduled activities and target conditions
name what the clauses say.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, TIME

from ipgraph.vocab import IPG, IPR, P160

PROJECT = Path(__file__).resolve().parents[2]
ELI_PART_OF = URIRef("http://data.europa.eu/eli/ontology#is_part_of")
DOST = {"org-so-khoa-hoc-va-cong-nghe"}
ASSIGNMENT_ROLES = {IPR["role-lead"], IPR["role-partner"], IPR["role-advisee"], IPR["role-requested"]}
_QUOTED = re.compile(r'"([^"]+)"')


def _vi(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "vi"]


def _wording(graph: Graph, item: URIRef) -> str:
    """The Vietnamese wording of an item's clause with its bullets, lower-cased: what the filing rules read."""
    clause = graph.value(item, DCTERMS.source)
    assert isinstance(clause, URIRef), item
    parts = _vi(graph, clause, IPG.text)
    for child in sorted(graph.subjects(ELI_PART_OF, clause), key=str):
        parts += _vi(graph, child, IPG.text)
    return " ".join(parts).lower()


def _name(item: URIRef) -> str:
    return str(item).removeprefix(str(P160))


def _items(graph: Graph) -> list[URIRef]:
    """Every task (section III) and duty (section V)."""
    found = [item for cls in (IPG.Task, IPG.Duty) for item in graph.subjects(RDF.type, cls)]
    return sorted((item for item in found if isinstance(item, URIRef)), key=str)


def _rules(graph: Graph, scheme: URIRef) -> dict[URIRef, list[str]]:
    """Each concept of a scheme → the phrases its Vietnamese scope note lists after "cụm từ:"."""
    rules: dict[URIRef, list[str]] = {}
    for concept in graph.objects(scheme, SKOS.hasTopConcept):
        assert isinstance(concept, URIRef)
        notes = [note for note in _vi(graph, concept, SKOS.scopeNote) if "cụm từ:" in note]
        assert len(notes) == 1, f"{concept} states no filing rule in its Vietnamese skos:scopeNote"
        phrases = _QUOTED.findall(notes[0].split("cụm từ:", 1)[1])
        assert phrases, concept
        english = [note for note in graph.objects(concept, SKOS.scopeNote) if getattr(note, "language", None) == "en"]
        assert any(all(f'"{phrase}"' in str(note) for phrase in phrases) for note in english), concept
        rules[concept] = phrases
    return rules


@pytest.fixture(scope="module")
def graph(plan_data: Graph) -> Graph:
    return plan_data


ITEMS = [
    *(f"task-III.{n}" for n in ("1.a", "1.b", "1.c", "1.d", "2.a", "2.b", "2.c", "3.a", "3.b", "3.c", "3.d", "3.dd")),
    *(f"task-III.{n}" for n in ("3.e", "4.a", "4.b", "4.c", "4.d", "4.e", "5.a", "5.b", "5.c", "5.d", "5.dd")),
    *(f"task-III.6.{n}" for n in ("a", "b", "c", "d", "dd", "e")),
    *(f"duty-V.1.{n}" for n in ("a", "b", "c", "d", "dd")),
    *(f"duty-V.2.{n}" for n in ("a", "b", "c", "d", "e")),
    *(f"duty-V.3.{n}" for n in ("a", "b", "c", "d")),
    "duty-V.4.a", "duty-V.4.b", "duty-V.5", "duty-V.6", "duty-V.7", "duty-V.8.a", "duty-V.8.b",
    "duty-V.9.a", "duty-V.9.c", "duty-V.10.a", "duty-V.10.b",
    *(f"duty-V.11.{n}" for n in ("a", "b", "c", "d")),
    "duty-V.12",
]  # fmt: skip


def test_the_items_are_every_task_and_duty(graph: Graph) -> None:
    assert [_name(item) for item in _items(graph)] == sorted(ITEMS, key=lambda name: str(P160[name]))


# --- Topics ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ITEMS)
def test_each_item_has_exactly_the_topics_its_wording_gives_it(graph: Graph, name: str) -> None:
    item = P160[name]
    wording = _wording(graph, item)
    expected = {topic for topic, phrases in _rules(graph, IPR.topics).items() if any(p in wording for p in phrases)}
    actual = {topic for topic in graph.objects(item, DCTERMS.subject) if (topic, SKOS.inScheme, IPR.topics) in graph}
    assert expected, f"{name}: no topic rule matches its wording"
    assert actual == expected, f"{name}: topics {sorted(actual)} but the rules give {sorted(expected)}"


def test_no_topic_is_unused_and_every_item_has_one(graph: Graph) -> None:
    topics = set(graph.objects(IPR.topics, SKOS.hasTopConcept))
    used = {topic for item in _items(graph) for topic in graph.objects(item, DCTERMS.subject)}
    assert topics - used == set()
    assert [_name(item) for item in _items(graph) if not set(graph.objects(item, DCTERMS.subject)) & topics] == []


@pytest.mark.parametrize(
    ("topic", "items"),
    [
        # The concepts that tagged nothing before: III.3.d "tranh chấp … trọng tài, hòa giải", III.6.đ
        # "Vinh danh, khen thưởng", III.2.c "cơ sở dữ liệu … thông tin về sở hữu trí tuệ".
        ("topic-dispute-resolution", {"task-III.3.d"}),
        ("topic-recognition", {"task-III.6.dd"}),
        ("topic-ip-information", {"task-III.2.c"}),
        # III.5.b "Huy động các nguồn lực xã hội"; III.1.a "chính sách về sở hữu trí tuệ".
        ("topic-resource-mobilisation", {"task-III.5.b"}),
        ("topic-policy-integration", {"task-III.1.c", "duty-V.11.a"}),
        ("topic-monitoring-and-reporting", {"duty-V.1.a"}),
        (
            "topic-plan-implementation",
            {"duty-V.1.b", "duty-V.1.dd", "duty-V.2.b", "duty-V.3.b", "duty-V.4.b", "duty-V.5", "duty-V.8.a",
             "duty-V.9.a", "duty-V.10.a", "duty-V.11.a"},
        ),
    ],
)  # fmt: skip
def test_topics_name_the_items_the_plan_files_under_them(graph: Graph, topic: str, items: set[str]) -> None:
    tagged = {_name(item) for item in _items(graph) if (item, DCTERMS.subject, IPR[topic]) in graph}
    assert tagged == items


def test_every_rule_phrase_is_written_in_the_model_document(graph: Graph) -> None:
    model = (PROJECT / "docs" / "model.md").read_text("utf-8")
    for scheme in (IPR.topics, IPR.audiences):
        for concept, phrases in _rules(graph, scheme).items():
            notation = str(graph.value(concept, SKOS.notation))
            assert f"`{notation}`" in model, f"docs/model.md does not list {notation}"
            missing = [phrase for phrase in phrases if phrase not in model]
            assert not missing, f"docs/model.md lacks the rule phrases {missing} of {notation}"


# --- Audiences -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ITEMS)
def test_each_item_has_exactly_the_audiences_its_wording_names(graph: Graph, name: str) -> None:
    item = P160[name]
    wording = _wording(graph, item)
    expected = {aud for aud, phrases in _rules(graph, IPR.audiences).items() if any(p in wording for p in phrases)}
    assert set(graph.objects(item, DCTERMS.audience)) == expected, name


@pytest.mark.parametrize(
    ("audience", "items"),
    [
        # III.6.d and V.8.b: "cán bộ, giáo viên, học sinh, sinh viên"; III.6.c: "doanh nghiệp, trường học".
        ("audience-teachers-and-students", {"task-III.6.c", "task-III.6.d", "duty-V.8.b"}),
        # V.10.b: "tổ chức thành viên, hội viên"; of the four bodies of V.10, the Cooperative Alliance has member
        # organisations, and they are cooperatives.
        ("audience-cooperatives", {"duty-V.10.b"}),
        ("audience-research-and-universities", {"task-III.1.d", "task-III.4.a", "task-III.4.c"}),
    ],
)
def test_audiences_name_the_items_whose_text_names_them(graph: Graph, audience: str, items: set[str]) -> None:
    assert {_name(item) for item in _items(graph) if (item, DCTERMS.audience, IPR[audience]) in graph} == items


# --- Assignment roles ------------------------------------------------------------------------------------------


def _associations(graph: Graph) -> list[tuple[str, URIRef, URIRef]]:
    """(duty name, role, agent) for every participation in a duty."""
    found = []
    for duty in graph.subjects(RDF.type, IPG.Duty):
        for association in graph.objects(duty, PROV.qualifiedAssociation):
            role, agent = graph.value(association, PROV.hadRole), graph.value(association, PROV.agent)
            assert isinstance(role, URIRef) and isinstance(agent, URIRef), duty
            found.append((_name(duty), role, agent))  # type: ignore[arg-type]
    return sorted(found)


def _names(graph: Graph, agent: URIRef) -> list[str]:
    return _vi(graph, agent, SKOS.prefLabel) + _vi(graph, agent, SKOS.altLabel)


def _heading(graph: Graph, duty: str) -> str:
    """The heading of the clause's group of section V (V.1–V.12), where the plan names whom it directs."""
    clause = graph.value(P160[duty], DCTERMS.source)
    group = clause if (clause, ELI_PART_OF, P160.V) in graph else graph.value(clause, ELI_PART_OF)
    return " ".join(_vi(graph, group, DCTERMS.title))  # type: ignore[arg-type]


def _after(text: str, verb: str, names: list[str]) -> bool:
    """Some name of the agent follows the verb in the text."""
    lowered = text.lower()
    return any(
        lowered.find(name.lower(), start) >= 0
        for start in (m.end() for m in re.finditer(verb, lowered))
        for name in names
    )


def test_every_participation_in_a_duty_has_an_assignment_role(graph: Graph) -> None:
    collection = set(graph.objects(IPR["assignment-roles"], SKOS.member))
    assert collection == ASSIGNMENT_ROLES
    assert [(duty, role) for duty, role, _ in _associations(graph) if role not in collection] == []


def test_each_role_is_found_in_its_clause_s_wording(graph: Graph) -> None:
    problems = []
    for duty, role, agent in _associations(graph):
        text = " ".join(_vi(graph, graph.value(P160[duty], DCTERMS.source), IPG.text))  # type: ignore[arg-type]
        heading, names = _heading(graph, duty), _names(graph, agent)
        named_in_heading = any(name in heading for name in names)
        requested = _after(heading, "đề nghị", names)
        ok = {
            IPR["role-lead"]: named_in_heading and not requested,
            IPR["role-requested"]: requested or _after(text, "đề nghị", names),
            IPR["role-partner"]: _after(text, "phối hợp với", names),
            IPR["role-advisee"]: _after(text, "tham mưu", names),
        }[role]
        if not ok:
            problems.append(f"{duty}: {agent} as {role} is not what the wording says")
    assert not problems, "\n".join(problems)


def test_the_lead_of_v_2_c_is_the_one_the_clause_says_chu_tri(graph: Graph) -> None:
    """V.2.c is the one clause that says "Chủ trì" in so many words; its lead is the department heading V.2."""
    assert " ".join(_vi(graph, P160["V.2.c"], IPG.text)).startswith("Chủ trì rà soát")
    leads = {agent for duty, role, agent in _associations(graph) if duty == "duty-V.2.c" and role == IPR["role-lead"]}
    assert leads == {IPR["org-so-nong-nghiep-va-phat-trien-nong-thon"]}
    assert "Sở Nông nghiệp và Phát triển nông thôn" in _heading(graph, "duty-V.2.c")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # V.12 "Đài Phát thanh và Truyền hình Thái Bình, đề nghị Báo Thái Bình".
        ("role-requested", {("duty-V.12", "org-bao-thai-binh")}),
        # "Phối hợp với …": V.6, V.7, V.8.b, V.12.
        (
            "role-partner",
            {("duty-V.6", "org-so-khoa-hoc-va-cong-nghe"), ("duty-V.7", "org-so-khoa-hoc-va-cong-nghe"),
             ("duty-V.7", "org-so-tai-chinh"), ("duty-V.8.b", "org-so-khoa-hoc-va-cong-nghe"),
             ("duty-V.8.b", "org-so-nong-nghiep-va-phat-trien-nong-thon"),
             ("duty-V.8.b", "org-so-van-hoa-the-thao-va-du-lich"), ("duty-V.12", "org-so-khoa-hoc-va-cong-nghe")},
        ),
        # "tham mưu …": V.1.a, V.2.a, V.3.a, V.6, V.7, V.9.c, V.11.c.
        (
            "role-advisee",
            {("duty-V.1.a", "org-ubnd-tinh-thai-binh"), ("duty-V.6", "org-ubnd-tinh-thai-binh"),
             ("duty-V.7", "org-ubnd-tinh-thai-binh"), ("duty-V.9.c", "org-ban-chi-dao-389-tinh"),
             ("duty-V.2.a", "post-giam-doc-so-nong-nghiep-va-phat-trien-nong-thon"),
             ("duty-V.3.a", "post-giam-doc-so-van-hoa-the-thao-va-du-lich"),
             ("duty-V.11.c", "org-ubnd-huyen-thanh-pho")},
        ),
    ],
)  # fmt: skip
def test_each_role_names_its_items(graph: Graph, role: str, expected: set[tuple[str, str]]) -> None:
    found = {(duty, str(agent).removeprefix(str(IPR))) for duty, r, agent in _associations(graph) if r == IPR[role]}
    assert found == expected


def test_a_requested_body_leads_nothing_and_is_requested_to_report(graph: Graph) -> None:
    newspaper = IPR["org-bao-thai-binh"]
    assert [
        duty for duty, role, agent in _associations(graph) if agent == newspaper and role != IPR["role-requested"]
    ] == []
    for obligation in ("reporting-obligation", "ad-hoc-reporting"):
        roles = {
            graph.value(association, PROV.hadRole)
            for association in graph.objects(P160[obligation], PROV.qualifiedAssociation)
            if graph.value(association, PROV.agent) == newspaper
        }
        assert roles == {IPR["role-requested"]}, obligation


# --- Kinds of organisation -------------------------------------------------------------------------------------


def test_every_organisation_has_a_kind(graph: Graph) -> None:
    classes = (ORG.Organization, ORG.OrganizationalUnit, URIRef("http://xmlns.com/foaf/0.1/Organization"))
    agents = {agent for cls in (*classes, IPG.OrganizationGroup) for agent in graph.subjects(RDF.type, cls)}
    assert len(agents) > 60
    kinds = set(graph.objects(IPR["organisation-kinds"], SKOS.hasTopConcept))
    unclassified = [str(agent) for agent in agents if not set(graph.objects(agent, ORG.classification)) & kinds]
    assert sorted(unclassified) == []


@pytest.mark.parametrize(
    ("organisation", "kinds"),
    [
        ("org-bao-thai-binh", {"press", "party-body"}),
        ("org-dai-phat-thanh-va-truyen-hinh-thai-binh", {"press", "public-service-unit"}),
        ("org-hoi-nong-dan-tinh", {"socio-political-organisation"}),
        ("org-doan-thanh-nien-tinh", {"socio-political-organisation"}),
        ("org-lien-minh-hop-tac-xa-tinh", {"enterprises-and-associations"}),
        ("org-ban-chi-dao-389-tinh", {"steering-committee"}),
        ("org-ubnd-huyen-thanh-pho", {"peoples-committee"}),
        ("org-so-khoa-hoc-va-cong-nghe", {"state-administrative-agency"}),
        ("org-so-khoa-hoc-va-cong-nghe-hung-yen", {"state-administrative-agency"}),
        ("org-ubnd-tinh-hung-yen", {"peoples-committee"}),
        ("org-cong-an-tinh-hung-yen", {"public-security"}),
        ("org-quoc-hoi", {"elected-body"}),
    ],
)
def test_kinds_of_named_organisations(graph: Graph, organisation: str, kinds: set[str]) -> None:
    found = {
        str(kind).removeprefix(str(IPR["orgkind-"])) for kind in graph.objects(IPR[organisation], ORG.classification)
    }
    assert found == kinds


# --- Funding ---------------------------------------------------------------------------------------------------


def test_section_iv_s_sources_fund_the_plan_and_the_duties_that_budget(graph: Graph) -> None:
    section_iv = " ".join(_vi(graph, P160["IV.p1"], IPG.text)).lower()
    sources = set(graph.objects(URIRef(str(IPR["plan-160-kh-ubnd-2021"])), IPG.fundedFrom))
    assert sources == {P160["funding-st-budget"], P160["funding-other-lawful-sources"]}
    for source in sources:
        assert (source, RDF.type, IPG.FundingSource) in graph
        assert (source, DCTERMS.source, P160["IV.p1"]) in graph
    assert "kinh phí sự nghiệp khoa học và công nghệ được giao hàng năm" in section_iv
    assert "các nguồn hợp pháp khác" in section_iv
    funded = {_name(duty) for duty in graph.subjects(IPG.fundedFrom, None) if (duty, RDF.type, IPG.Duty) in graph}
    # "Bố trí kinh phí" (V.2.e, V.3.d), "Cân đối, bố trí kinh phí" (V.11.b), "bố trí nguồn kinh phí" (V.6, V.7).
    assert funded == {"duty-V.2.e", "duty-V.3.d", "duty-V.11.b", "duty-V.6", "duty-V.7"}
    for name in funded:
        assert "kinh phí" in _wording(graph, P160[name])


# --- Activities with their own time ----------------------------------------------------------------------------


def _span(graph: Graph, interval: URIRef) -> tuple[str, str]:
    begin = graph.value(graph.value(interval, TIME.hasBeginning), TIME.inXSDDate)
    end = graph.value(graph.value(interval, TIME.hasEnd), TIME.inXSDDate)
    return str(begin), str(end)


@pytest.mark.parametrize(
    ("activity", "kind", "verb", "span", "runners"),
    [
        ("review-2021-2025", "mid-term-review", "sơ kết", ("2021-01-01", "2025-12-31"), DOST),
        ("review-to-2030", "final-review", "tổng kết", ("2021-01-01", "2030-12-31"), DOST),
        ("dost-annual-report", "annual-report", "định kỳ hàng năm báo cáo", ("2021-01-01", "2030-12-31"), DOST),
        ("monitoring-V.1.a", "monitoring-and-inspection", "theo dõi, kiểm tra", ("2021-01-01", "2030-12-31"), DOST),
        ("inspections-V.9.c", "inter-agency-inspection", "thanh tra, kiểm tra liên ngành", ("2021-01-01", "2030-12-31"),
         {"org-cong-an-tinh", "org-cuc-quan-ly-thi-truong-tinh", "org-chi-cuc-hai-quan-thai-binh"}),
        ("campaign-V.12", "communication-campaign", "tuyên truyền", ("2021-01-01", "2030-12-31"),
         {"org-dai-phat-thanh-va-truyen-hinh-thai-binh"}),
        ("reporting-obligation", "annual-report", "định kỳ hàng năm", ("2021-01-01", "2030-12-31"), None),
        ("ad-hoc-reporting", "ad-hoc-report", "báo cáo đột xuất", ("2021-01-01", "2030-12-31"), None),
    ],
)  # fmt: skip
def test_scheduled_activities_are_typed_timed_and_run_by_whom_the_clause_says(
    graph: Graph, activity: str, kind: str, verb: str, span: tuple[str, str], runners: set[str] | None
) -> None:
    subject = P160[activity]
    assert set(graph.objects(subject, DCTERMS.type)) == {IPR["activity-" + kind]}
    assert verb in _wording(graph, subject)
    period = graph.value(subject, DCTERMS.temporal)
    assert isinstance(period, URIRef) and (period, RDF.type, TIME.Interval) in graph
    assert _span(graph, period) == span
    leads = {
        str(graph.value(association, PROV.agent)).removeprefix(str(IPR))
        for association in graph.objects(subject, PROV.qualifiedAssociation)
        if graph.value(association, PROV.hadRole) == IPR["role-lead"]
    }
    assert leads == runners if runners is not None else len(leads) == 18


# --- Conditions and scopes of targets --------------------------------------------------------------------------


def _target_text(graph: Graph, target: str) -> str:
    return " ".join(_vi(graph, graph.value(P160[target], DCTERMS.source), IPG.text))  # type: ignore[arg-type]


def test_the_protection_period_condition(graph: Graph) -> None:
    assert "được bảo hộ trong giai đoạn 2021-2025" in _target_text(graph, "target-II.2.2.b.b1")
    assert list(graph.subject_objects(IPG.protectedWithin)) == [(P160["target-II.2.2.b.b1"], P160["period-2021-2025"])]


@pytest.mark.parametrize(("target", "span"), [("II.2.1.b", "2021-2025"), ("II.2.2.b", "2026-2030")])
def test_growth_targets_grow_from_the_previous_year_and_name_what_only_increases(
    graph: Graph, target: str, span: str
) -> None:
    text = _target_text(graph, f"target-{target}")
    assert "tăng trung bình" in text and text.endswith("tăng lên.")
    subject = P160[f"target-{target}"]
    assert graph.value(subject, IPG.baseline) == IPR["baseline-previous-year"]
    assert graph.value(subject, IPG.averagedOver) == P160[f"period-{span}"]
    assert set(graph.objects(subject, IPG.increasingCategory)) == {
        IPR["ip-invention"], IPR["ip-utility-solution"], IPR["ip-new-plant-variety"], IPR["ip-copyright"]
    }  # fmt: skip


def test_every_target_has_one_baseline_and_cumulative_indicators_count_from_the_start(graph: Graph) -> None:
    for target in graph.subjects(RDF.type, IPG.Target):
        baselines = list(graph.objects(target, IPG.baseline))
        assert len(baselines) == 1, target
        cumulative = graph.value(graph.value(target, IPG.indicator), IPG.isCumulative)
        if cumulative is not None and cumulative.toPython() is True and graph.value(target, IPG.exactValue) is None:
            assert baselines == [IPR["baseline-period-start"]], target


@pytest.mark.parametrize(
    ("target", "counted", "words"),
    [
        ("target-II.2.1.a.b1", {"officials-and-state-bodies"}, "cán bộ phụ trách quản lý nhà nước"),
        ("target-II.2.1.a.b3", {"enterprises"}, "đơn vị sản xuất kinh doanh"),
        ("target-II.2.2.a.b4", {"enterprises"}, "doanh nghiệp"),
        (
            "target-II.2.2.a.b2",
            {"officials-and-state-bodies", "research-and-universities", "teachers-and-students", "enterprises"},
            "các cơ sở giáo dục, các tổ chức khoa học và công nghệ, các doanh nghiệp khoa học và công nghệ",
        ),
    ],
)
def test_who_is_counted(graph: Graph, target: str, counted: set[str], words: str) -> None:
    assert words in _target_text(graph, target)
    found = {str(a).removeprefix(str(IPR["audience-"])) for a in graph.objects(P160[target], DCTERMS.audience)}
    assert found == counted


def test_labels_of_the_new_code_lists_are_bilingual(graph: Graph) -> None:
    for scheme in ("organisation-kinds", "audiences", "activity-kinds", "baselines"):
        for concept in graph.objects(IPR[scheme], SKOS.hasTopConcept):
            langs = {getattr(label, "language", None) for label in graph.objects(concept, RDFS.label)}
            assert {"vi", "en"} <= langs, concept
