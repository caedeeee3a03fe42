"""The organisations named in Plan 160 and their 2025 changes: complete, labelled, sourced and answerable.

Checks data/organisations.ttl and data/organisation-changes.ttl against docs/model.md ("Organisations",
"Organisational change"): the contract's IRIs exist, names are bilingual NFC, every change event is dated,
sourced and scoped, and "who carries this organisation's duties today" is one SPARQL query away.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD

from ipgraph.vocab import CPOV, IPG, IPR, ORGANISATION_CHANGES_GRAPH, ORGANISATIONS_GRAPH, sparql_prologue

ORGANISATIONS_FILE = Path("data") / "organisations.ttl"
CHANGES_FILE = Path("data") / "organisation-changes.ttl"

AGENT_CLASSES = (ORG.Organization, CPOV.PublicOrganisation, FOAF.Organization, IPG.OrganizationGroup)

#: The plan's provincial and district bodies: each must say what became of it (successor or a note).
PROVINCIAL_BODIES = (
    "org-ubnd-tinh-thai-binh",
    "org-van-phong-ubnd-tinh",
    "org-so-khoa-hoc-va-cong-nghe",
    "org-so-nong-nghiep-va-phat-trien-nong-thon",
    "org-so-van-hoa-the-thao-va-du-lich",
    "org-so-cong-thuong",
    "org-so-thong-tin-va-truyen-thong",
    "org-so-tai-chinh",
    "org-so-ke-hoach-va-dau-tu",
    "org-so-giao-duc-va-dao-tao",
    "org-so-lao-dong-thuong-binh-va-xa-hoi",
    "org-cong-an-tinh",
    "org-cuc-quan-ly-thi-truong-tinh",
    "org-chi-cuc-hai-quan-thai-binh",
    "org-ban-chi-dao-389-tinh",
    "org-hoi-nong-dan-tinh",
    "org-hoi-lien-hiep-phu-nu-tinh",
    "org-doan-thanh-nien-tinh",
    "org-lien-minh-hop-tac-xa-tinh",
    "org-dai-phat-thanh-va-truyen-hinh-thai-binh",
    "org-bao-thai-binh",
    "org-truong-cao-dang-nghe-thai-binh",
    "org-ubnd-huyen-thanh-pho",
    "org-ubnd-thanh-pho-thai-binh",
    "org-ubnd-huyen-dong-hung",
    "org-ubnd-huyen-hung-ha",
    "org-ubnd-huyen-kien-xuong",
    "org-ubnd-huyen-quynh-phu",
    "org-ubnd-huyen-thai-thuy",
    "org-ubnd-huyen-tien-hai",
    "org-ubnd-huyen-vu-thu",
)

DISTRICT_COMMITTEES = {
    IPR[name]
    for name in (
        "org-ubnd-thanh-pho-thai-binh",
        "org-ubnd-huyen-dong-hung",
        "org-ubnd-huyen-hung-ha",
        "org-ubnd-huyen-kien-xuong",
        "org-ubnd-huyen-quynh-phu",
        "org-ubnd-huyen-thai-thuy",
        "org-ubnd-huyen-tien-hai",
        "org-ubnd-huyen-vu-thu",
    )
}

#: Plan organisation → the body the sources say carries its duties now.
DUTIES_TODAY = {
    "org-so-thong-tin-va-truyen-thong": "org-so-khoa-hoc-va-cong-nghe-hung-yen",
    "org-so-khoa-hoc-va-cong-nghe": "org-so-khoa-hoc-va-cong-nghe-hung-yen",
    "org-so-nong-nghiep-va-phat-trien-nong-thon": "org-so-nong-nghiep-va-moi-truong-hung-yen",
    "org-so-ke-hoach-va-dau-tu": "org-so-tai-chinh-hung-yen",
    "org-so-tai-chinh": "org-so-tai-chinh-hung-yen",
    "org-so-lao-dong-thuong-binh-va-xa-hoi": "org-so-noi-vu-hung-yen",
    "org-ubnd-tinh-thai-binh": "org-ubnd-tinh-hung-yen",
    "org-cong-an-tinh": "org-cong-an-tinh-hung-yen",
    "org-dai-phat-thanh-va-truyen-hinh-thai-binh": "org-bao-thai-binh",
    # unchanged national bodies answer with themselves
    "org-bo-khoa-hoc-va-cong-nghe": "org-bo-khoa-hoc-va-cong-nghe",
    "org-cuc-so-huu-tri-tue": "org-cuc-so-huu-tri-tue",
}

DUTIES_TODAY_QUERY = """
SELECT ?organisation ?today ?label WHERE {
  OPTIONAL { ?organisation ipg:successor ?successor }
  BIND (COALESCE(?successor, ?organisation) AS ?today)
  OPTIONAL { ?today rdfs:label ?label FILTER (langMatches(lang(?label), "vi")) }
}
"""

CHANGES_OF_QUERY = """
SELECT ?organisation ?event ?date ?scope WHERE {
  ?event org:originalOrganization ?organisation ; dcterms:date ?date ; ipg:evidenceScope ?scope .
} ORDER BY ?date
"""


@pytest.fixture(scope="module")
def organisations(project_dir: Path) -> Graph:
    return Graph().parse(project_dir / ORGANISATIONS_FILE, format="turtle")


@pytest.fixture(scope="module")
def changes(project_dir: Path) -> Graph:
    return Graph().parse(project_dir / CHANGES_FILE, format="turtle")


@pytest.fixture(scope="module")
def both(organisations: Graph, changes: Graph) -> Graph:
    return organisations + changes


@pytest.fixture(scope="module")
def store(project_dir: Path) -> pyoxigraph.Store:
    """An in-memory oxigraph store holding the two files in their named graphs (docs/model.md)."""
    store = pyoxigraph.Store()
    for path, graph in ((ORGANISATIONS_FILE, ORGANISATIONS_GRAPH), (CHANGES_FILE, ORGANISATION_CHANGES_GRAPH)):
        store.load(path=project_dir / path, format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(graph))
    return store


def ask_about(store: pyoxigraph.Store, query: str, organisation: str) -> list[pyoxigraph.QuerySolution]:
    """Run ``query`` with ``?organisation`` bound, as an RDF term, to ``ipr:{organisation}``."""
    solutions = store.query(
        sparql_prologue() + query,
        use_default_graph_as_union=True,
        substitutions={pyoxigraph.Variable("organisation"): pyoxigraph.NamedNode(str(IPR[organisation]))},
    )
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    return list(solutions)


def contract_iris(project_dir: Path) -> set[URIRef]:
    """The ipr: IRIs docs/model.md promises in its "Organisations" section."""
    text = (project_dir / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("## Organisations", 1)[1].split("## Organisational change", 1)[0]
    return {IPR[name] for name in re.findall(r"ipr:((?:org|person|post)-[a-z0-9-]+)", section)}


def agents(graph: Graph) -> set[URIRef]:
    found = {s for cls in AGENT_CLASSES for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return (
        found
        | {s for s in graph.subjects(RDF.type, ORG.Post) if isinstance(s, URIRef)}
        | {s for s in graph.subjects(RDF.type, FOAF.Person) if isinstance(s, URIRef)}
    )


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def test_files_load_in_oxigraph_into_their_named_graphs(store: pyoxigraph.Store) -> None:
    graphs = {str(g.value) for g in store.named_graphs()}
    assert graphs == {str(ORGANISATIONS_GRAPH), str(ORGANISATION_CHANGES_GRAPH)}
    for graph in graphs:
        assert len(list(store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph)))) > 100


def test_files_are_nfc(project_dir: Path) -> None:
    for path in (ORGANISATIONS_FILE, CHANGES_FILE):
        text = (project_dir / path).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path


def test_every_contract_iri_exists(project_dir: Path, organisations: Graph) -> None:
    promised = contract_iris(project_dir)
    assert len(promised) >= 30  # the 25 listed organisations, the group, its 8 members, the signer
    missing = {iri for iri in promised if (iri, RDF.type, None) not in organisations}
    assert not missing


def test_every_agent_and_post_has_one_vi_and_one_en_name(both: Graph) -> None:
    found = agents(both)
    assert len(found) > 60
    for agent in found:
        for predicate in (SKOS.prefLabel, RDFS.label):
            assert sorted(map(str, languages(both, agent, predicate))) == ["en", "vi"], (agent, predicate)


def test_plan_names_are_written_as_the_plan_writes_them(project_dir: Path, organisations: Graph) -> None:
    plan = (project_dir / "data" / "source" / "plan-160-KH-UBND-2021-thai-binh.txt").read_text(encoding="utf-8")
    for name in (*PROVINCIAL_BODIES[:23], "org-bo-khoa-hoc-va-cong-nghe", "org-cuc-so-huu-tri-tue"):
        label = organisations.value(IPR[name], SKOS.prefLabel, any=True)
        vi = {str(o) for o in organisations.objects(IPR[name], SKOS.prefLabel) if o.language == "vi"}
        assert label is not None and len(vi) == 1
        if name != "org-van-phong-ubnd-tinh":  # the plan writes only "VP UBND tỉnh", kept as altLabel
            assert vi.pop() in plan, name


def test_abbreviations_used_in_the_plan_are_alternative_labels(organisations: Graph) -> None:
    expected = {
        "org-bo-khoa-hoc-va-cong-nghe": "Bộ KH&CN",
        "org-dai-phat-thanh-va-truyen-hinh-thai-binh": "Đài PT&TH Thái Bình",
        "org-ubnd-tinh-thai-binh": "UBND tỉnh",
        "org-van-phong-ubnd-tinh": "VP UBND tỉnh",
        "org-ubnd-huyen-thanh-pho": "UBND huyện, thành phố",
        "org-so-khoa-hoc-va-cong-nghe": "Sở KH&CN",
    }
    for name, abbreviation in expected.items():
        assert Literal(abbreviation, lang="vi") in set(organisations.objects(IPR[name], SKOS.altLabel)), name
    assert Literal("DOST", lang="en") in set(organisations.objects(IPR["org-so-khoa-hoc-va-cong-nghe"], SKOS.altLabel))


def test_the_group_has_the_eight_district_level_committees(organisations: Graph) -> None:
    group = IPR["org-ubnd-huyen-thanh-pho"]
    assert (group, RDF.type, IPG.OrganizationGroup) in organisations
    members = set(organisations.objects(group, FOAF.member))
    assert members == DISTRICT_COMMITTEES
    for member in members:
        assert (member, RDF.type, ORG.Organization) in organisations
        assert (member, ORG.subOrganizationOf, None) not in organisations


def test_hierarchy_places_departments_and_the_ip_office(organisations: Graph) -> None:
    committee = IPR["org-ubnd-tinh-thai-binh"]
    for name in (
        "org-so-khoa-hoc-va-cong-nghe",
        "org-so-tai-chinh",
        "org-van-phong-ubnd-tinh",
        "org-dai-phat-thanh-va-truyen-hinh-thai-binh",
    ):
        assert (IPR[name], ORG.subOrganizationOf, committee) in organisations
    assert (IPR["org-cuc-so-huu-tri-tue"], ORG.subOrganizationOf, IPR["org-bo-khoa-hoc-va-cong-nghe"]) in organisations
    assert (IPR["org-bao-thai-binh"], ORG.subOrganizationOf, None) not in organisations


def test_the_signer_holds_the_vice_chair_post(organisations: Graph) -> None:
    signer, post = IPR["person-tran-thi-bich-hang"], IPR["post-pho-chu-tich-ubnd-tinh-thai-binh"]
    assert (signer, RDF.type, FOAF.Person) in organisations
    assert (signer, ORG.holds, post) in organisations
    assert (post, RDF.type, ORG.Post) in organisations
    assert (post, ORG.postIn, IPR["org-ubnd-tinh-thai-binh"]) in organisations


def test_every_change_event_is_dated_sourced_and_scoped(changes: Graph) -> None:
    events = set(changes.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) >= 10
    scopes = {IPR["scope-nationwide-pattern"], IPR["scope-thai-binh-record"]}
    for event in events:
        dates = list(changes.objects(event, DCTERMS.date))
        assert len(dates) == 1 and dates[0].datatype == XSD.date, event
        assert set(changes.objects(event, IPG.evidenceScope)) <= scopes and (event, IPG.evidenceScope, None) in changes
        assert sorted(map(str, languages(changes, event, DCTERMS.description))) == ["en", "vi"], event
        assert (event, ORG.originalOrganization, None) in changes, event
        sources = list(changes.objects(event, DCTERMS.source))
        assert sources, event
        for source in sources:
            assert (source, DCTERMS.title, None) in changes, source
            assert (source, DCTERMS.publisher, None) in changes, source
            assert (source, DCTERMS.identifier, None) in changes, source
    scoped = {changes.value(event, IPG.evidenceScope) for event in events}
    assert scoped == scopes  # both kinds of evidence are in use


def test_the_brief_s_changes_are_there(changes: Graph) -> None:
    def originals(event: str) -> set[URIRef]:
        return {o for o in changes.objects(IPR[event], ORG.originalOrganization) if isinstance(o, URIRef)}

    assert IPR["org-so-thong-tin-va-truyen-thong"] in originals("change-2025-03-01-so-khoa-hoc-va-cong-nghe")
    assert changes.value(IPR["change-2025-03-01-so-khoa-hoc-va-cong-nghe"], DCTERMS.date) == Literal(
        "2025-03-01", datatype=XSD.date
    )
    assert IPR["org-so-nong-nghiep-va-phat-trien-nong-thon"] in originals(
        "change-2025-03-01-so-nong-nghiep-va-moi-truong"
    )
    assert IPR["org-so-ke-hoach-va-dau-tu"] in originals("change-2025-03-01-so-tai-chinh")
    assert IPR["org-so-lao-dong-thuong-binh-va-xa-hoi"] in originals("change-2025-03-01-so-noi-vu")
    assert originals("change-2025-07-01-ket-thuc-cap-huyen") == DISTRICT_COMMITTEES
    merger = IPR["change-2025-07-01-thai-binh-vao-hung-yen"]
    assert (merger, DCTERMS.source, IPR["source-nq-202-2025-qh15"]) in changes
    assert changes.value(IPR["source-nq-202-2025-qh15"], DCTERMS.identifier) == Literal("202/2025/QH15")
    assert changes.value(IPR["source-vns-2025-07-04-two-tier"], DCTERMS.date) == Literal(
        "2025-07-04", datatype=XSD.date
    )


def test_successors_are_one_hop_labelled_and_reached_by_the_events(both: Graph) -> None:
    pairs = list(both.subject_objects(IPG.successor))
    assert len(pairs) >= 15
    for original, successor in pairs:
        assert (successor, IPG.successor, None) not in both, f"{successor} chains a second hop"
        assert sorted(map(str, languages(both, successor, RDFS.label))) == ["en", "vi"]
        reached = set(both.objects(original, (~ORG.originalOrganization / ORG.resultingOrganization) * "+"))  # type: ignore[operator]
        assert successor in reached, f"no change event leads from {original} to {successor}"
    for successor in {s for _, s in pairs}:
        assert (successor, ORG.resultedFrom, None) in both, successor


def test_every_provincial_body_says_what_became_of_it(changes: Graph) -> None:
    for name in PROVINCIAL_BODIES:
        body = IPR[name]
        assert (body, IPG.successor, None) in changes or (body, SKOS.editorialNote, None) in changes, name


@pytest.mark.parametrize(("named", "today"), sorted(DUTIES_TODAY.items()))
def test_who_carries_the_duties_today(store: pyoxigraph.Store, named: str, today: str) -> None:
    rows = ask_about(store, DUTIES_TODAY_QUERY, named)
    assert len(rows) == 1
    assert rows[0]["today"] == pyoxigraph.NamedNode(str(IPR[today]))
    assert rows[0]["label"] is not None


def test_the_department_of_science_and_technology_today_is_hung_yen_s(store: pyoxigraph.Store) -> None:
    rows = ask_about(store, DUTIES_TODAY_QUERY, "org-so-thong-tin-va-truyen-thong")
    assert rows[0]["label"].value == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"


def test_the_changes_of_the_information_department_are_dated_and_scoped(store: pyoxigraph.Store) -> None:
    rows = ask_about(store, CHANGES_OF_QUERY, "org-so-thong-tin-va-truyen-thong")
    assert {row["date"].value for row in rows} == {"2025-03-01"}
    assert {row["scope"].value for row in rows} == {
        str(IPR["scope-thai-binh-record"]),
        str(IPR["scope-nationwide-pattern"]),
    }
