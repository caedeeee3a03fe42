"""Sections V and VI of Plan 160/KH-UBND as data: who does what, the reporting regime, Nơi nhận, the signature.

The plan text is the oracle: counts, letters and wording below are read off
data/source/plan-160-KH-UBND-2021-thai-binh.txt, and the organisations must be the ones data/organisations.ttl
defines (docs/model.md, "Duties, tasks, targets" and "Reporting").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from ipgraph.vocab import IPR, ORGANISATIONS_GRAPH, P160, PLAN_GRAPH, sparql_prologue

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE = DATA / "source" / "plan-160-KH-UBND-2021-thai-binh.txt"
PROLOGUE = sparql_prologue()

SKHCN = "org-so-khoa-hoc-va-cong-nghe"
NN = "org-so-nong-nghiep-va-phat-trien-nong-thon"
VH = "org-so-van-hoa-the-thao-va-du-lich"
TC = "org-so-tai-chinh"

#: Lettered duties each organisation leads in section V (an inline group counts as one duty).
LEAD_COUNTS = {
    SKHCN: 5,
    NN: 5,
    VH: 4,
    "org-so-cong-thuong": 2,
    "org-so-thong-tin-va-truyen-thong": 1,
    TC: 1,
    "org-so-ke-hoach-va-dau-tu": 1,
    "org-so-giao-duc-va-dao-tao": 2,
    "org-so-lao-dong-thuong-binh-va-xa-hoi": 2,
    "org-cong-an-tinh": 2,
    "org-cuc-quan-ly-thi-truong-tinh": 2,
    "org-chi-cuc-hai-quan-thai-binh": 2,
    "org-hoi-nong-dan-tinh": 2,
    "org-hoi-lien-hiep-phu-nu-tinh": 2,
    "org-doan-thanh-nien-tinh": 2,
    "org-lien-minh-hop-tac-xa-tinh": 2,
    "org-ubnd-huyen-thanh-pho": 4,
    "org-dai-phat-thanh-va-truyen-hinh-thai-binh": 1,
}
#: Bodies the plan cannot direct and only requests ("đề nghị Báo Thái Bình", V.12).
REQUESTED = {"org-bao-thai-binh"}


@pytest.fixture(scope="module")
def store() -> Store:
    """The plan and the organisations, in memory."""
    for required in ("plan.ttl", "organisations.ttl"):
        if not (DATA / required).exists():
            pytest.fail(f"data/{required} is missing: the duties cannot be checked without it")
    store = Store()
    store.load(path=DATA / "plan.ttl", format=RdfFormat.TURTLE, to_graph=NamedNode(str(PLAN_GRAPH)))
    store.load(path=DATA / "organisations.ttl", format=RdfFormat.TURTLE, to_graph=NamedNode(str(ORGANISATIONS_GRAPH)))
    return store


def _has_subject(store: Store, iri: str) -> bool:
    return any(True for _ in store.quads_for_pattern(NamedNode(str(iri)), None, None))


def _select(store: Store, query: str) -> Iterator[dict[str, str]]:
    """Run a SELECT over the union of the graphs and yield each row as variable name → lexical value."""
    results = store.query(PROLOGUE + query, use_default_graph_as_union=True)
    names = [variable.value for variable in results.variables]
    for solution in results:
        yield {name: solution[name].value for name in names if solution[name] is not None}


def _local(iri: str, namespace: str) -> str:
    assert iri.startswith(namespace), iri
    return iri[len(namespace) :]


def _collapse(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _source_section_v() -> dict[str, str]:
    """Each V group line and lettered clause of the source, keyed "1", "1.a", "1.dd"; page-break splits rejoined."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    start, end = lines.index("V. TỔ CHỨC THỰC HIỆN"), lines.index("VI. CHẾ ĐỘ BÁO CÁO")
    items: dict[str, str] = {}
    group = last = ""
    for raw in lines[start + 1 : end]:
        line = _collapse(raw)
        if not line:
            continue
        if numbered := re.fullmatch(r"(\d+)\. (.*)", line):
            group = last = numbered.group(1)
            items[group] = numbered.group(2)
        elif lettered := re.fullmatch(r"([a-zđ])\) (.*)", line):
            last = f"{group}.{lettered.group(1).replace('đ', 'dd')}"
            items[last] = lettered.group(2)
        else:
            items[last] += " " + line
    return items


def _wording(store: Store, part: str) -> tuple[str | None, str | None]:
    """The Vietnamese (dcterms:title, ipg:text) of one subdivision."""
    rows = list(
        _select(
            store,
            f"""SELECT ?title ?text WHERE {{
                OPTIONAL {{ <{P160[part]}> dcterms:title ?title FILTER (lang(?title) = "vi") }}
                OPTIONAL {{ <{P160[part]}> ipg:text ?text FILTER (lang(?text) = "vi") }}
            }}""",
        )
    )
    assert len(rows) == 1, f"{part}: expected one Vietnamese title/text, got {rows}"
    return rows[0].get("title"), rows[0].get("text")


def _agents(store: Store, activity: str, role: str) -> set[str]:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?agent WHERE {{
            <{P160[activity]}> prov:qualifiedAssociation [ prov:agent ?agent ; prov:hadRole <{IPR[role]}> ] .
        }}""",
    )
    return {_local(row["agent"], str(IPR)) for row in rows}


def test_section_v_wording_is_the_source_verbatim(store: Store) -> None:
    source = _source_section_v()
    assert len(source) == 12 + 26  # twelve groups, 26 lettered clauses
    assert _wording(store, "V") == ("TỔ CHỨC THỰC HIỆN", None)
    for key, line in source.items():
        if "." in key:
            expected: tuple[str | None, str | None] = (None, line)
        elif ": " in line:
            title, text = line.split(": ", 1)
            expected = (title, text)
        else:
            expected = (line, None)
        assert _wording(store, f"V.{key}") == expected, f"V.{key}"


def test_v4a_is_rejoined_across_the_page_break(store: Store) -> None:
    _, text = _wording(store, "V.4.a")
    assert text is not None
    assert "đẩy mạnh hoạt động tìm kiếm thị trường" in text


def test_every_part_of_v_and_vi_is_numbered_ordered_and_translated(store: Store) -> None:
    rows = list(
        _select(
            store,
            """SELECT ?part ?parent ?number ?sequence (COUNT(?en) AS ?english) WHERE {
                ?part eli:is_part_of ?parent ; ipg:sequence ?sequence .
                OPTIONAL { ?part eli:number ?number }
                OPTIONAL { { ?part ipg:text ?en } UNION { ?part dcterms:title ?en } FILTER (lang(?en) = "en") }
                FILTER (STRSTARTS(STR(?part), STR(p160:V)))
            } GROUP BY ?part ?parent ?number ?sequence""",
        )
    )
    parts = {_local(row["part"], str(P160)): row for row in rows}
    assert set(parts) >= {"V", "V.1.dd", "V.12", "VI", "VI.p1"}
    assert len(parts) == 1 + 12 + 26 + 1 + 1
    assert parts["V.1.dd"]["number"] == "đ"
    for name, row in parts.items():
        assert int(row["english"]) >= 1, f"{name} has no English wording"
    siblings: dict[str, list[int]] = {}
    for row in rows:
        siblings.setdefault(row["parent"], []).append(int(row["sequence"]))
    for parent, sequences in siblings.items():
        if parent.startswith(str(P160)):
            assert sorted(sequences) == list(range(1, len(sequences) + 1)), parent


def test_v9_has_a_and_c_but_no_b(store: Store) -> None:
    rows = _select(store, f"SELECT ?number WHERE {{ ?part eli:is_part_of <{P160['V.9']}> ; eli:number ?number }}")
    assert sorted(row["number"] for row in rows) == ["a", "c"]
    assert not _has_subject(store, P160["V.9.b"])
    assert not _has_subject(store, P160["duty-V.9.b"])
    assert _has_subject(store, P160["duty-V.9.c"])


def test_every_duty_has_a_lead_and_a_source_clause_in_both_languages(store: Store) -> None:
    rows = list(
        _select(
            store,
            """SELECT ?duty
                   (COUNT(DISTINCT ?lead) AS ?leads) (COUNT(DISTINCT ?vi) AS ?vis) (COUNT(DISTINCT ?en) AS ?ens)
                   (SAMPLE(?labelVi) AS ?vilabel) (SAMPLE(?labelEn) AS ?enlabel) WHERE {
                ?duty a ipg:Duty .
                OPTIONAL { ?duty prov:qualifiedAssociation [ prov:agent ?lead ; prov:hadRole ipr:role-lead ] }
                OPTIONAL { ?duty dcterms:source/ipg:text ?vi FILTER (lang(?vi) = "vi") }
                OPTIONAL { ?duty dcterms:source/ipg:text ?en FILTER (lang(?en) = "en") }
                OPTIONAL { ?duty rdfs:label ?labelVi FILTER (lang(?labelVi) = "vi") }
                OPTIONAL { ?duty rdfs:label ?labelEn FILTER (lang(?labelEn) = "en") }
            } GROUP BY ?duty""",
        )
    )
    duties = {_local(row["duty"], str(P160)) for row in rows}
    assert len(duties) == 30
    assert {"duty-V.1.dd", "duty-V.5", "duty-V.6", "duty-V.7", "duty-V.12", "duty-V.9.c"} <= duties
    for row in rows:
        name = _local(row["duty"], str(P160))
        assert int(row["leads"]) >= 1, f"{name} has no lead"
        assert (int(row["vis"]), int(row["ens"])) == (1, 1), f"{name}: source clause lacks vi or en text"
        clause = name.removeprefix("duty-").replace("dd", "đ")
        assert (row["vilabel"], row["enlabel"]) == (f"Nhiệm vụ {clause}", f"Duty {clause}")


def test_each_organisation_leads_as_many_duties_as_the_plan_gives_it(store: Store) -> None:
    rows = _select(
        store,
        """SELECT ?agent (COUNT(DISTINCT ?duty) AS ?duties) WHERE {
            ?duty a ipg:Duty ; prov:qualifiedAssociation [ prov:agent ?agent ; prov:hadRole ipr:role-lead ] .
        } GROUP BY ?agent""",
    )
    assert {_local(row["agent"], str(IPR)): int(row["duties"]) for row in rows} == LEAD_COUNTS


@pytest.mark.parametrize(
    ("duty", "partners"),
    [
        ("duty-V.6", {SKHCN}),
        ("duty-V.7", {SKHCN, TC}),
        ("duty-V.8.b", {SKHCN, NN, VH}),
        ("duty-V.12", {SKHCN}),
        ("duty-V.9.c", set()),
        ("duty-V.1.a", set()),
    ],
)
def test_partners_are_the_organisations_the_clause_coordinates_with(
    store: Store, duty: str, partners: set[str]
) -> None:
    assert _agents(store, duty, "role-partner") == partners


@pytest.mark.parametrize(
    ("duty", "advisees"),
    [
        ("duty-V.1.a", {"org-ubnd-tinh-thai-binh"}),
        ("duty-V.6", {"org-ubnd-tinh-thai-binh"}),
        ("duty-V.7", {"org-ubnd-tinh-thai-binh"}),
        ("duty-V.9.c", {"org-ban-chi-dao-389-tinh"}),
        ("duty-V.2.a", {"post-giam-doc-so-nong-nghiep-va-phat-trien-nong-thon"}),
        ("duty-V.3.a", {"post-giam-doc-so-van-hoa-the-thao-va-du-lich"}),
        ("duty-V.11.c", {"org-ubnd-huyen-thanh-pho"}),
        ("duty-V.4.a", set()),
    ],
)
def test_advisees_are_the_bodies_the_clause_says_to_advise(store: Store, duty: str, advisees: set[str]) -> None:
    assert _agents(store, duty, "role-advisee") == advisees


@pytest.mark.parametrize(
    ("subjects", "duties"),
    [
        (["ip-plant-variety-rights"], {"V.2.a", "V.2.b", "V.11.c"}),
        (["ip-copyright-and-related-rights"], {"V.3.a", "V.3.b", "V.11.c"}),
        (["ip-industrial-property"], {"V.1.b", "V.11.c"}),
        (["ip-geographical-indication", "ip-certification-mark", "ip-collective-mark"], {"V.1.d", "V.11.d"}),
        (["topic-ocop"], {"V.4.a"}),
        (["topic-counterfeit-goods", "topic-ip-crime"], {"V.9.c"}),
        (["topic-funding-allocation"], {"V.2.e", "V.3.d", "V.11.b"}),
        (["topic-budget-advice"], {"V.6", "V.7"}),
        (["topic-enforcement"], {"V.1.c", "V.2.d", "V.3.c", "V.9.a", "V.9.c", "V.10.b"}),
        (["topic-awareness"], {"V.8.b", "V.10.b", "V.12"}),
    ],
)
def test_duties_are_filed_under_the_subjects_they_name(store: Store, subjects: list[str], duties: set[str]) -> None:
    for subject in subjects:
        rows = _select(store, f"SELECT ?duty WHERE {{ ?duty a ipg:Duty ; dcterms:subject <{IPR[subject]}> }}")
        assert {_local(row["duty"], str(P160)).removeprefix("duty-") for row in rows} == duties, subject


def test_every_organisation_named_is_defined_in_organisations_ttl(store: Store) -> None:
    rows = list(
        _select(
            store,
            f"""SELECT DISTINCT ?agent WHERE {{
                {{ ?x prov:qualifiedAssociation/prov:agent ?agent }}
                UNION {{ ?x ipg:recipient ?agent }} UNION {{ ?x ipg:reportsTo ?agent }}
                UNION {{ ?x ipg:consolidatesFor ?agent }} UNION {{ ?x ipg:onBehalfOf ?agent }}
                UNION {{ ?x prov:qualifiedAttribution/prov:agent ?agent }}
                FILTER NOT EXISTS {{ GRAPH <{ORGANISATIONS_GRAPH}> {{ ?agent ?p ?o }} }}
            }}""",
        )
    )
    assert rows == [], f"not in data/organisations.ttl: {[row['agent'] for row in rows]}"


def test_section_vi_closing_and_recipients_are_the_source_verbatim(store: Store) -> None:
    lines = [_collapse(line) for line in SOURCE.read_text(encoding="utf-8").splitlines()]
    start = lines.index("VI. CHẾ ĐỘ BÁO CÁO")
    paragraphs = [line for line in lines[start + 1 : lines.index("Nơi nhận:")] if line]
    assert _wording(store, "VI") == ("CHẾ ĐỘ BÁO CÁO", None)
    assert _wording(store, "VI.p1") == (None, paragraphs[0])
    assert _wording(store, "closing") == (None, paragraphs[1])
    assert _wording(store, "recipients") == ("Nơi nhận", None)
    entries = [line for line in lines[lines.index("Nơi nhận:") + 1 :] if line.startswith("- ")]
    assert len(entries) == 10
    for number, entry in enumerate(entries, start=1):
        assert _wording(store, f"recipients.r{number}") == (None, entry.removeprefix("- ").removesuffix(";"))


def test_the_plan_is_sent_to_every_organisation_its_recipient_lines_name(store: Store) -> None:
    by_line = set(
        _select_one_column(
            store, f"SELECT ?agent WHERE {{ ?line eli:is_part_of <{P160.recipients}> ; ipg:recipient ?agent }}"
        )
    )
    of_plan = set(_select_one_column(store, "SELECT ?agent WHERE { ipr:plan-160-kh-ubnd-2021 ipg:recipient ?agent }"))
    assert by_line == of_plan
    assert {
        str(IPR[name])
        for name in ("org-bo-khoa-hoc-va-cong-nghe", "org-cuc-so-huu-tri-tue", "org-truong-cao-dang-nghe-thai-binh")
    } <= of_plan
    assert set(_select_one_column(store, f"SELECT ?a WHERE {{ <{P160['recipients.r4']}> ipg:recipient ?a }}")) >= {
        str(IPR[name]) for name in LEAD_COUNTS if name.startswith("org-so-")
    }


def _select_one_column(store: Store, query: str) -> list[str]:
    return [next(iter(row.values())) for row in _select(store, query)]


def test_annual_report_is_due_before_15_october_to_the_department(store: Store) -> None:
    rows = list(
        _select(
            store,
            """SELECT ?recipient ?for ?frequency ?month ?day ?exclusive ?source WHERE {
                p160:reporting-obligation a ipg:ReportingObligation ; ipg:reportsTo ?recipient ;
                    ipg:consolidatesFor ?for ; dcterms:accrualPeriodicity ?frequency ; dcterms:source ?source ;
                    ipg:deadline ?deadline .
                ?deadline a time:GeneralDateTimeDescription ; time:month ?month ; time:day ?day ;
                    ipg:deadlineIsExclusive ?exclusive .
            }""",
        )
    )
    assert rows == [
        {
            "recipient": str(IPR[SKHCN]),
            "for": str(IPR["org-ubnd-tinh-thai-binh"]),
            "frequency": "http://purl.org/cld/freq/annual",
            "month": "--10",
            "day": "---15",
            "exclusive": "true",
            "source": str(P160["VI.p1"]),
        }
    ]
    typed = store.query(
        PROLOGUE + 'ASK { p160:annual-report-deadline time:month "--10"^^xsd:gMonth ; time:day "---15"^^xsd:gDay }',
        use_default_graph_as_union=True,
    )
    assert bool(typed)


def test_every_body_with_a_duty_reports_and_the_department_receives(store: Store) -> None:
    for obligation in ("reporting-obligation", "ad-hoc-reporting"):
        assert _agents(store, obligation, "role-lead") == set(LEAD_COUNTS), obligation
        assert _agents(store, obligation, "role-requested") == REQUESTED, obligation
        assert _agents(store, obligation, "role-report-recipient") == {SKHCN}, obligation
    assert not _has_subject_with(store, P160["ad-hoc-reporting"], "https://w3id.org/ipgraph/def#deadline")


def _has_subject_with(store: Store, subject: str, predicate: str) -> bool:
    return any(True for _ in store.quads_for_pattern(NamedNode(str(subject)), NamedNode(predicate), None))


def test_the_department_reports_yearly_to_the_committee_and_reviews_the_plan(store: Store) -> None:
    assert _agents(store, "dost-annual-report", "role-lead") == {SKHCN}
    assert _select_one_column(store, "SELECT ?to WHERE { p160:dost-annual-report ipg:reportsTo ?to }") == [
        str(IPR["org-ubnd-tinh-thai-binh"])
    ]
    reviews = _select_one_column(
        store,
        f"""SELECT ?period WHERE {{
            ?review a prov:Activity ; dcterms:source <{P160["V.1.a"]}> ; dcterms:temporal ?period ;
                    dcterms:type ?kind .
            FILTER (?kind IN (ipr:activity-mid-term-review, ipr:activity-final-review))
        }}""",
    )
    assert sorted(reviews) == [str(P160["horizon-2030"]), str(P160["period-2021-2025"])]


def test_the_signature_says_who_signed_for_whom_and_how(store: Store) -> None:
    signature = NamedNode(str(P160.signature))

    def values(predicate: str) -> set[str | Literal]:
        return {
            quad.object.value if isinstance(quad.object, NamedNode) else quad.object
            for quad in store.quads_for_pattern(signature, NamedNode(predicate), None)
        }

    ipg, prov = "https://w3id.org/ipgraph/def#", "http://www.w3.org/ns/prov#"
    assert values(prov + "agent") == {str(IPR["person-tran-thi-bich-hang"])}
    assert values(prov + "hadRole") == {str(IPR["role-signer"])}
    assert values(ipg + "onBehalfOf") == {str(IPR["org-ubnd-tinh-thai-binh"])}
    assert Literal("KT. Chủ tịch", language="vi") in values(ipg + "signingCapacity")
    assert Literal("Phó Chủ tịch", language="vi") in values(ipg + "position")
    assert Literal("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", language="vi") in values(ipg + "text")
