"""The plan's data conforms to shapes/plan.shapes.ttl, the shapes are valid SHACL, and they catch real mistakes.

The mistakes are made together in one copy of the plan, each on its own resource, and validated once: a
validation of the whole plan takes seconds, and each test still reads only the results for its own resource.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SH, SKOS

from ipgraph.vocab import IPG, IPR, P160, PROV

SHAPES = Path(__file__).resolve().parents[2] / "shapes" / "plan.shapes.ttl"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _messages(report: Graph, focus: URIRef | None = None) -> list[str]:
    """The English result messages (for one focus node if given).

    pyshacl 0.40 drops the language tag of a SPARQL constraint's message when it substitutes {$this} into it, so
    untagged messages are kept too (the Vietnamese one then comes along).
    """
    results = (
        report.subjects(SH.focusNode, focus) if focus is not None else report.subjects(RDF.type, SH.ValidationResult)
    )
    return sorted(
        str(message)
        for result in results
        for message in report.objects(result, SH.resultMessage)
        if isinstance(message, Literal) and message.language in ("en", None)
    )


def _without(graph: Graph, subject: URIRef, predicate: URIRef, language: str | None = None) -> None:
    for value in list(graph.objects(subject, predicate)):
        if language is None or (isinstance(value, Literal) and value.language == language):
            graph.remove((subject, predicate, value))


def _break(plan_data: Graph) -> Graph:
    """A copy of the plan with one mistake per resource the tests below look at."""
    broken = Graph()
    for triple in plan_data:
        broken.add(triple)
    # duty V.1.a loses its participants, so its lead.
    _without(broken, P160["duty-V.1.a"], PROV.qualifiedAssociation)
    # duty V.6 is led by a person.
    for association in list(broken.objects(P160["duty-V.6"], PROV.qualifiedAssociation)):
        if (association, PROV.hadRole, IPR["role-lead"]) in broken:
            broken.set((association, PROV.agent, IPR["person-tran-thi-bich-hang"]))
    # clause V.4.a loses its English text (and duty V.4.a with it).
    _without(broken, P160["V.4.a"], IPG.text, "en")
    # clause V.2.a gains a decomposed (NFD) Vietnamese wording.
    broken.add((P160["V.2.a"], IPG.text, Literal("Sở Khoa học và Công nghệ".replace("ọ", "o\u0323"), lang="vi")))
    # target II.2.1.a.b3 keeps only its type and labels: no year, value, unit or source.
    target = P160["target-II.2.1.a.b3"]
    for predicate in set(broken.predicates(target, None)) - {RDFS.label}:
        _without(broken, target, predicate)
    broken.add((target, RDF.type, IPG.Target))
    # an organisation loses its English name.
    _without(broken, IPR["org-so-cong-thuong"], SKOS.prefLabel, "en")
    # task III.6.đ loses its topics, so topic-recognition tags nothing.
    _without(broken, P160["task-III.6.dd"], DCTERMS.subject)
    # the Farmers' Union loses its kind.
    _without(broken, IPR["org-hoi-nong-dan-tinh"], ORG.classification)
    # duty V.2.e must allocate funds but loses its funding sources.
    _without(broken, P160["duty-V.2.e"], IPG.fundedFrom)
    # the media campaign of V.12 loses its period.
    _without(broken, P160["campaign-V.12"], DCTERMS.temporal)
    # the newspaper's participation in V.12 gets a role that is not an assignment role.
    for association in list(broken.objects(P160["duty-V.12"], PROV.qualifiedAssociation)):
        if (association, PROV.hadRole, IPR["role-requested"]) in broken:
            broken.set((association, PROV.hadRole, IPR["role-signer"]))
    return broken


@pytest.fixture(scope="module")
def report(shapes: Graph, plan_data: Graph) -> Graph:
    """The validation report of the broken copy."""
    conforms, results, _ = validate(_break(plan_data), shacl_graph=shapes, advanced=True)
    assert not conforms
    assert isinstance(results, Graph)
    return results


@pytest.fixture(scope="module")
def refused(report: Graph) -> Callable[[URIRef], list[str]]:
    """The English messages about one resource of the broken copy."""
    return lambda focus: _messages(report, focus)


def test_shapes_conform_to_shacl_shacl(shapes: Graph) -> None:
    shacl_shacl = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def test_plan_conforms(shapes: Graph, plan_data: Graph) -> None:
    conforms, report, _ = validate(plan_data, shacl_graph=shapes, advanced=True)
    assert conforms, "\n".join(_messages(report)[:20])


LEAD_MISSING = "A duty must have at least one lead organisation (role ipr:role-lead)."


def test_a_duty_without_lead_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["duty-V.1.a"]) == [LEAD_MISSING]


def test_a_lead_that_is_not_an_organisation_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["duty-V.6"]) == [LEAD_MISSING]


def test_a_duty_whose_clause_has_no_english_text_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["duty-V.4.a"]) == ["The source clause has no English wording (ipg:text @en)."]
    assert refused(P160["V.4.a"]) == ["The part has no English wording (ipg:text or dcterms:title @en)."]


def test_decomposed_vietnamese_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["V.2.a"]) == ["The text contains a combining mark: normalise it to Unicode NFC."]


def test_a_target_without_value_or_year_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    messages = refused(P160["target-II.2.1.a.b3"])
    assert "A target must have exactly one target year, 2025 or 2030 (ipg:targetYear)." in messages
    assert "A target must cite its source clause (dcterms:source)." in messages
    assert any(message.startswith("Quantified target") for message in messages)


def test_an_organisation_without_an_english_name_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(IPR["org-so-cong-thuong"]) == [
        "An organisation must have exactly one English name (skos:prefLabel @en)."
    ]


def test_a_task_without_a_topic_and_an_unused_topic_are_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["task-III.6.dd"]) == [
        "A task or duty must have at least one topic (dcterms:subject from the ipr:topics scheme)."
    ]
    # A SPARQL constraint's messages lose their language tags in pyshacl (see _messages): both come back.
    unused = f"Topic {IPR['topic-recognition']} tags no task, duty or target: apply it or remove it."
    assert unused in refused(IPR.topics)


def test_an_organisation_without_a_kind_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(IPR["org-hoi-nong-dan-tinh"]) == [
        "An organisation must have a kind (org:classification from the ipr:organisation-kinds scheme)."
    ]


def test_a_budgeting_duty_without_a_funding_source_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    message = f"Duty {P160['duty-V.2.e']} allocates or advises on funds but names no funding source (ipg:fundedFrom)."
    assert message in refused(P160["duty-V.2.e"])


def test_a_scheduled_activity_without_a_period_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["campaign-V.12"]) == ["The activity must have a period (dcterms:temporal, a time:Interval)."]


def test_a_participation_without_an_assignment_role_is_refused(refused: Callable[[URIRef], list[str]]) -> None:
    assert refused(P160["duty-V.12"]) == [
        "Every participant in a duty must have an assignment role: lead, partner, advisee or requested."
    ]


def test_nothing_else_is_refused(report: Graph) -> None:
    """Only the resources broken on purpose fail: the shapes flag nothing else in the plan."""
    assert set(report.objects(None, SH.focusNode)) == {
        P160["duty-V.1.a"],
        P160["duty-V.6"],
        P160["duty-V.4.a"],
        P160["V.4.a"],
        P160["V.2.a"],
        P160["target-II.2.1.a.b3"],
        IPR["org-so-cong-thuong"],
        P160["task-III.6.dd"],
        IPR.topics,
        IPR["org-hoi-nong-dan-tinh"],
        P160["duty-V.2.e"],
        P160["campaign-V.12"],
        P160["duty-V.12"],
    }
