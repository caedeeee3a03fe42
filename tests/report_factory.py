"""Builds small conforming reports for any organisation and year, from the plan itself (for submission tests).

The duties an organisation must cover are read from the plan graphs with the pattern the completeness shape
uses (lead role, directly, through its group, or as successor), so the reports follow the plan as it changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from ipgraph.reports.validation import PLAN_FILES

PROJECT = Path(__file__).resolve().parents[1]

_LED_DUTIES = """
PREFIX ipg: <https://w3id.org/ipgraph/def#>
PREFIX ipr: <https://w3id.org/ipgraph/id/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?org ?duty WHERE {
    ?agent (foaf:member|ipg:successor)? ?org .
    ?association prov:agent ?agent ; prov:hadRole ipr:role-lead .
    ?duty prov:qualifiedAssociation ?association ; a ipg:Duty .
    FILTER(STRSTARTS(STR(?org), "https://w3id.org/ipgraph/id/org-"))
} ORDER BY ?org ?duty
"""

_ORGANISATIONS = """
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?org WHERE { ?org a org:Organization FILTER(STRSTARTS(STR(?org), "https://w3id.org/ipgraph/id/org-")) }
ORDER BY ?org
"""


@lru_cache(maxsize=1)
def plan_graph() -> Graph:
    """The plan's graphs as the validator reads them."""
    graph = Graph()
    for name in PLAN_FILES:
        graph.parse(PROJECT / name, format="turtle")
    return graph


def organisations() -> list[URIRef]:
    """Every ipgraph organisation, sorted."""
    return [URIRef(str(row[0])) for row in plan_graph().query(_ORGANISATIONS)]  # type: ignore[index]


def reporting_organisations() -> list[URIRef]:
    """The organisations that lead at least one duty (a report must cover one)."""
    return [organisation for organisation in organisations() if led_duties(organisation)]


@lru_cache(maxsize=1)
def _duties_by_organisation() -> dict[URIRef, tuple[URIRef, ...]]:
    found: dict[URIRef, list[URIRef]] = {}
    for row in plan_graph().query(_LED_DUTIES):
        found.setdefault(URIRef(str(row[0])), []).append(URIRef(str(row[1])))  # type: ignore[index]
    return {organisation: tuple(duties) for organisation, duties in found.items()}


def led_duties(organisation: URIRef) -> list[URIRef]:
    """The duties ``organisation`` must report on."""
    return list(_duties_by_organisation().get(organisation, ()))


def report_turtle(organisation: URIRef, year: int, *, applications: int = 100, issued: str | None = None) -> str:
    """A conforming report of ``organisation`` for ``year`` with one observation of new IP applications."""
    statements = []
    names = []
    for number, duty in enumerate(led_duties(organisation), start=1):
        names.append(f":duty-{number}")
        statements.append(
            f""":duty-{number} a ipg:DutyStatement ; ipg:aboutDuty <{duty}> ;
    ipg:status ipr:duty-status-ongoing ; ipg:account "Đã triển khai theo kế hoạch năm {year}."@vi ."""
        )
    duty_line = f"    ipg:dutyStatement {', '.join(names)} ;\n" if names else ""
    return (
        f"""@prefix ipg: <https://w3id.org/ipgraph/def#> .
@prefix ipr: <https://w3id.org/ipgraph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix : <urn:example:report:> .

:report a ipg:AnnualReport , qb:DataSet ;
    qb:structure ipr:dsd-annual-report ;
    ipg:reportingOrganization <{organisation}> ;
    ipg:reportingYear "{year}"^^xsd:gYear ;
    dcterms:issued "{issued or f"{year}-10-01"}"^^xsd:date ;
    ipg:responsiblePerson [ a foaf:Person ; foaf:name "Trần Văn Bình" ; ipg:position "Chánh Văn phòng"@vi ;
        foaf:mbox <mailto:binh@example.org> ] ;
{duty_line}    ipg:fundsUsed 100000000 ;
    ipg:fundingSource "Kinh phí sự nghiệp khoa học và công nghệ"@vi .

:applications a qb:Observation ;
    qb:dataSet :report ;
    ipg:indicator ipr:ind-new-ip-applications ;
    sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/{year}> ;
    sdmx-measure:obsValue {applications} ;
    sdmx-attribute:unitMeasure ipr:unit-application .

"""
        + "\n\n".join(statements)
        + "\n"
    )
