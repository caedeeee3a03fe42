"""POST /reports/validate and POST /reports over real HTTP, on a real store on disk.

One service (uvicorn on 127.0.0.1, embedded store with the project's graphs) serves the module; each test
submits for its own organisation or year, so the tests stay independent of their order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SH
from report_factory import report_turtle, reporting_organisations
from servers import PROJECT, ServiceStarter, serve_app

from ipgraph.reports.storage import REGISTRY_GRAPH
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.store.remote import RemoteStore
from ipgraph.vocab import IPG

TURTLE = {"Content-Type": "text/turtle"}


class Service:
    """The running service, its store and a token per organisation."""

    def __init__(self, url: str, store: EmbeddedStore, tokens: dict[URIRef, str]) -> None:
        self.url = url
        self.store = store
        self.tokens = tokens
        self.client = httpx.Client(base_url=url, timeout=120.0)

    def submit(
        self, organisation: URIRef, body: str | bytes, *, token: str | None = None, **headers: str
    ) -> httpx.Response:
        chosen = self.tokens[organisation] if token is None else token
        return self.client.post(
            "/reports", content=body, headers={**TURTLE, "Authorization": f"Bearer {chosen}", **headers}
        )

    def dump(self) -> list[bytes]:
        """Every quad, sorted: equal dumps mean an unchanged store."""
        data = self.store.dump(None, "application/n-quads")
        assert data is not None
        return sorted(data.splitlines())


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("reports-service")
    settings = Settings(data_dir=data_dir, project_dir=PROJECT, query_workers=1)
    store = open_store(settings)
    assert isinstance(store, EmbeddedStore)
    registry = TokenRegistry.for_data_dir(data_dir)
    tokens = {organisation: registry.issue(organisation).token for organisation in reporting_organisations()}
    try:
        with serve_app(settings, store) as url:
            running = Service(url, store, tokens)
            yield running
            running.client.close()
    finally:
        store.close()


ORGS = reporting_organisations()
DOST = URIRef("https://w3id.org/ipgraph/id/org-so-khoa-hoc-va-cong-nghe")
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")


def invalid_report(organisation: URIRef, year: int) -> str:
    """A report with a negative count: a violation."""
    return report_turtle(organisation, year, applications=-5)


# -- dry run ----------------------------------------------------------------------------------------------


def test_validate_answers_json_by_default_and_stores_nothing(service: Service) -> None:
    before = service.dump()
    response = service.client.post("/reports/validate", content=report_turtle(DOST, 2027), headers=TURTLE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["conforms"] is True and body["year"] == 2027
    assert body["counts"]["violation"] == 0
    assert service.dump() == before


def test_validate_reports_violations_with_field_and_value(service: Service) -> None:
    response = service.client.post("/reports/validate", content=invalid_report(DOST, 2027), headers=TURTLE)
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    violations = [issue for issue in body["issues"] if issue["severity"] == "violation"]
    assert any(issue["value"] == "-5" for issue in violations), violations
    assert all(issue["message_vi"] and issue["message_en"] for issue in violations)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"), ("text/csv", "text/csv")],
)
def test_validate_offers_the_shacl_report_and_csv(service: Service, accept: str, media_type: str) -> None:
    response = service.client.post(
        "/reports/validate", content=invalid_report(DOST, 2027), headers={**TURTLE, "Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    if media_type == "text/csv":
        header, *rows = response.text.splitlines()
        assert header.startswith("severity,message_vi,message_en") and any(row.startswith("violation") for row in rows)
        return
    if media_type == "application/ld+json":
        text = json.dumps(response.json())
        assert "http://www.w3.org/ns/shacl#ValidationReport" in text or "sh:ValidationReport" in text
        assert "http://www.w3.org/ns/shacl#result" in text or "sh:result" in text
        return
    graph = Graph().parse(data=response.content, format="turtle")
    report = next(graph.subjects(RDF.type, SH.ValidationReport))
    assert (report, SH.conforms, None) in graph
    assert any(True for _ in graph.objects(report, SH.result))


def test_validate_renders_html_grouped_for_people(service: Service) -> None:
    response = service.client.post(
        "/reports/validate?lang=en", content=invalid_report(DOST, 2027), headers={**TURTLE, "Accept": "text/html"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="validation"' in response.text and "does not conform" in response.text


@pytest.mark.parametrize(
    ("content_type", "status"),
    [(None, 415), ("application/sparql-query", 415), ("text/turtle", 400)],
)
def test_validate_refuses_unreadable_input_clearly(service: Service, content_type: str | None, status: int) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = service.client.post("/reports/validate", content=b"<urn:a> <urn:b> .", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    if status == 400:
        assert problem["line"] == 1


# -- submission -------------------------------------------------------------------------------------------


def test_an_accepted_report_is_stored_with_a_receipt_and_is_queryable(service: Service) -> None:
    body = report_turtle(FINANCE, 2028).encode("utf-8")
    response = service.submit(FINANCE, body)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert response.headers["location"] == receipt["report"]
    assert receipt["report"] == "https://w3id.org/ipgraph/id/report/so-tai-chinh/2028/v1"
    assert receipt["graph"] == "https://w3id.org/ipgraph/graph/reports/so-tai-chinh/2028/v1"
    assert receipt["version"] == 1 and receipt["replaces"] is None
    assert receipt["content_hash"] == {"algorithm": "sha256", "value": hashlib.sha256(body).hexdigest()}
    assert len(receipt["shapes_version"]) == 64

    query = """SELECT ?year WHERE { GRAPH ?g { ?report a ipg:AnnualReport ; ipg:reportingYear ?year ;
        ipg:reportingOrganization <https://w3id.org/ipgraph/id/org-so-tai-chinh> } }"""
    prefixes = "PREFIX ipg: <https://w3id.org/ipgraph/def#>\n"
    answer = service.client.post(
        "/sparql", data={"query": prefixes + query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200
    assert [row["year"]["value"] for row in answer.json()["results"]["bindings"]] == ["2028"]

    described = service.client.get("/reports/so-tai-chinh/2028", headers={"Accept": "text/turtle"})
    assert described.status_code == 200
    graph = Graph().parse(data=described.content, format="turtle")
    report = URIRef(receipt["report"])
    assert (report, RDF.type, IPG.AnnualReport) in graph
    assert (report, DCTERMS.dateSubmitted, None) in graph
    assert not [node for node in graph.all_nodes() if str(node).startswith("urn:example:")]


def test_a_resubmission_is_a_new_version_and_the_old_one_is_kept(service: Service) -> None:
    organisation = ORGS[0]
    first = service.submit(organisation, report_turtle(organisation, 2029, applications=10))
    second = service.submit(organisation, report_turtle(organisation, 2029, applications=11))
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert second.json()["version"] == first.json()["version"] + 1
    assert second.json()["replaces"] == first.json()["graph"]

    slug = first.json()["url"].split("/")[2]
    current = service.client.get(f"/reports/{slug}/2029").json()
    assert current["version"] == second.json()["version"] and current["current"] is True
    old = service.client.get(f"/reports/{slug}/2029/v{first.json()['version']}").json()
    assert old["current"] is False and old["superseded_at"] is not None
    assert current["versions"] == [first.json()["url"], second.json()["url"]]

    registry = service.store.read_graph(REGISTRY_GRAPH)
    graphs = [URIRef(first.json()["graph"]), URIRef(second.json()["graph"])]
    assert (graphs[0], PROV.invalidatedAtTime, None) in registry
    assert (graphs[1], PROV.invalidatedAtTime, None) not in registry
    assert (graphs[1], PROV.wasRevisionOf, graphs[0]) in registry
    assert (graphs[1], PROV.wasAttributedTo, organisation) in registry

    listed = service.client.get("/reports", params={"organisation": slug, "year": 2029}).json()
    assert [item["version"] for item in listed["reports"]] == [1, 2]
    only_current = service.client.get("/reports", params={"organisation": slug, "current": "true"}).json()
    assert [item["year"] for item in only_current["reports"]] == [2029]


def test_an_invalid_report_is_refused_with_422_and_the_store_is_unchanged(service: Service) -> None:
    before = service.dump()
    response = service.submit(DOST, invalid_report(DOST, 2030))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["conforms"] is False
    assert any(issue["severity"] == "violation" for issue in problem["issues"])
    assert service.dump() == before


def test_a_refusal_can_be_read_as_html(service: Service) -> None:
    response = service.submit(DOST, invalid_report(DOST, 2030), Accept="text/html")
    assert response.status_code == 422
    assert 'class="validation"' in response.text


def test_another_organisations_token_is_refused_and_nothing_is_stored(service: Service) -> None:
    before = service.dump()
    response = service.submit(DOST, report_turtle(DOST, 2030), token=service.tokens[FINANCE])
    assert response.status_code == 403
    assert "org-so-tai-chinh" in response.json()["detail"]
    assert service.dump() == before


@pytest.mark.parametrize("authorization", [None, "Bearer ipgr_0000000000000000_wrong", "Basic dXNlcjpwYXNz"])
def test_no_or_unknown_token_is_401(service: Service, authorization: str | None) -> None:
    headers = {**TURTLE, **({"Authorization": authorization} if authorization else {})}
    response = service.client.post("/reports", content=report_turtle(DOST, 2030), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "ipgr_" not in response.text


def test_a_revoked_token_is_401(service: Service, tmp_path: Path) -> None:
    registry = TokenRegistry.for_data_dir(Path(service.store.path))
    issued = registry.issue(DOST)
    registry.revoke(issued.token_id)
    response = service.submit(DOST, report_turtle(DOST, 2030), token=issued.token)
    assert response.status_code == 401


def test_a_report_describing_the_plan_itself_is_refused(service: Service) -> None:
    before = service.dump()
    body = report_turtle(DOST, 2030) + (
        "<https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/duty-V.1.a> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "rewritten"@en .\n'
    )
    response = service.submit(DOST, body)
    assert response.status_code == 400
    assert "duty-V.1.a" in response.json()["detail"]
    assert service.dump() == before


def test_the_sender_cannot_choose_the_date_received(service: Service) -> None:
    organisation = ORGS[1]
    body = report_turtle(organisation, 2027).replace(
        "ipg:fundsUsed", 'dcterms:dateSubmitted "2027-01-01"^^xsd:date ;\n    ipg:fundsUsed'
    )
    response = service.submit(organisation, body)
    assert response.status_code == 201, response.text
    graph = Graph().parse(
        data=service.client.get(response.json()["url"], headers={"Accept": "text/turtle"}).content, format="turtle"
    )
    dates = [str(value) for value in graph.objects(URIRef(response.json()["report"]), DCTERMS.dateSubmitted)]
    assert dates == [response.json()["received_at"][:10]]


def test_reading_a_missing_report_is_404(service: Service) -> None:
    assert service.client.get("/reports/so-tai-chinh/2030").status_code == 404
    assert service.client.get("/reports/so-tai-chinh/2028/v99").status_code == 404
    assert service.client.get("/reports/so-tai-chinh/1999").status_code == 400


def test_the_journal_keeps_every_receipt(service: Service) -> None:
    organisation = ORGS[2]
    response = service.submit(organisation, report_turtle(organisation, 2030))
    assert response.status_code == 201
    journal = Path(service.store.path) / "receipts.jsonl"
    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert response.json() in lines


def test_the_list_comes_as_the_registry_in_rdf(service: Service) -> None:
    organisation = ORGS[3]
    first = service.submit(organisation, report_turtle(organisation, 2027))
    second = service.submit(organisation, report_turtle(organisation, 2027))
    assert (first.status_code, second.status_code) == (201, 201)
    slug = first.json()["url"].split("/")[2]
    answer = service.client.get("/reports", params={"organisation": slug}, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    registry = Graph().parse(data=answer.content, format="turtle")
    old, new = URIRef(first.json()["graph"]), URIRef(second.json()["graph"])
    assert (old, PROV.invalidatedAtTime, None) in registry and (new, PROV.invalidatedAtTime, None) not in registry
    assert (new, PROV.wasRevisionOf, old) in registry
    assert set(registry.subjects(PROV.wasAttributedTo, organisation)) == {old, new}


def test_submission_on_a_remote_store_is_versioned_the_same_way(
    remote_store: RemoteStore, running_service: ServiceStarter, tmp_path: Path
) -> None:
    url = running_service(Settings(data_dir=tmp_path, project_dir=PROJECT, query_workers=1), remote_store)
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    headers = {**TURTLE, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=120) as client:
        first = client.post("/reports", content=report_turtle(FINANCE, 2027), headers=headers)
        second = client.post("/reports", content=report_turtle(FINANCE, 2027, applications=7), headers=headers)
        refused = client.post("/reports", content=report_turtle(FINANCE, 2028, applications=-7), headers=headers)
    assert (first.status_code, second.status_code, refused.status_code) == (201, 201, 422)
    graphs = [URIRef(first.json()["graph"]), URIRef(second.json()["graph"])]
    assert sorted(remote_store.graph_names()) == sorted([*graphs, REGISTRY_GRAPH])
    registry = remote_store.read_graph(REGISTRY_GRAPH)
    assert (graphs[0], PROV.invalidatedAtTime, None) in registry
    assert (graphs[1], PROV.wasRevisionOf, graphs[0]) in registry
