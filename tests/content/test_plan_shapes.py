"""The plan's data conforms to shapes/plan.shapes.ttl, and the shapes are themselves valid SHACL."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from ipgraph.vocab import IPG, P160, PROV

SHAPES = Path(__file__).resolve().parents[2] / "shapes" / "plan.shapes.ttl"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _messages(report: Graph) -> list[str]:
    """The English result messages. pyshacl 0.40 drops the language tag of a SPARQL constraint's message when it
    substitutes {$this} into it, so untagged messages are kept too (the Vietnamese one then comes along)."""
    return sorted(
        str(message)
        for message in report.objects(None, SH.resultMessage)
        if isinstance(message, Literal) and message.language in ("en", None)
    )


def test_shapes_conform_to_shacl_shacl(shapes: Graph) -> None:
    shacl_shacl = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def test_plan_conforms(shapes: Graph, plan_data: Graph) -> None:
    conforms, report, _ = validate(plan_data, shacl_graph=shapes, advanced=True)
    assert conforms, "\n".join(_messages(report)[:20])


def test_a_duty_without_lead_is_refused(shapes: Graph, plan_data: Graph) -> None:
    broken = Graph()
    for triple in plan_data:
        broken.add(triple)
    duty = P160["duty-V.1.a"]
    for association in list(broken.objects(duty, PROV.qualifiedAssociation)):
        broken.remove((duty, PROV.qualifiedAssociation, association))
    conforms, report, _ = validate(broken, shacl_graph=shapes, advanced=True)
    assert not conforms
    assert "A duty must have at least one lead organisation (role ipr:role-lead)." in _messages(report)


def test_decomposed_vietnamese_is_refused(shapes: Graph, plan_data: Graph) -> None:
    broken = Graph()
    for triple in plan_data:
        broken.add(triple)
    broken.add((P160["V.1.a"], IPG.text, Literal("Sở Khoa học và Công nghệ".replace("ọ", "o\u0323"), lang="vi")))
    conforms, report, _ = validate(broken, shacl_graph=shapes, advanced=True)
    assert not conforms
    assert "The text contains a combining mark: normalise it to Unicode NFC." in _messages(report)


def test_a_target_without_value_or_year_is_refused(shapes: Graph, plan_data: Graph) -> None:
    target = P160["target-II.2.1.a.b3"]
    broken = Graph()
    for triple in plan_data:
        if triple[0] != target or triple[1] == RDFS.label:
            broken.add(triple)
    broken.add((target, RDF.type, IPG.Target))
    conforms, report, _ = validate(broken, shacl_graph=shapes, advanced=True)
    assert not conforms
    messages = _messages(report)
    assert "A target must have exactly one target year, 2025 or 2030 (ipg:targetYear)." in messages
    assert any(message.startswith("Quantified target") for message in messages)
