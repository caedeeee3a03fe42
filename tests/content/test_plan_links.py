"""Duties, tasks and targets link to the IP categories their wording names, and every target is served.

The category names are looked up in each item's own Vietnamese wording (its source clause), so an item that
names, say, "chỉ dẫn địa lý" but is not filed under ipr:ip-geographical-indication fails with its IRI. A link to
a broader or narrower concept of the same branch counts ("quyền tác giả" may be filed under the copyright kind or
under "copyright and related rights").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ipgraph.vocab import IPG, IPR, P160

PROJECT = Path(__file__).resolve().parents[2]

#: Vietnamese name as the plan writes it → the IP category it names.
NAMED_CATEGORIES = {
    "sở hữu công nghiệp": "ip-industrial-property",
    "sáng chế": "ip-invention",
    "giải pháp hữu ích": "ip-utility-solution",
    "nhãn hiệu tập thể": "ip-collective-mark",
    "nhãn hiệu chứng nhận": "ip-certification-mark",
    "chỉ dẫn địa lý": "ip-geographical-indication",
    "quyền tác giả": "ip-copyright",
    "quyền liên quan": "ip-related-rights",
    "giống cây trồng": "ip-new-plant-variety",
    "quyền đối với cây trồng": "ip-new-plant-variety",
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    loaded = Graph()
    for name in ("plan.ttl", "ip-categories.ttl"):
        loaded.parse(PROJECT / "data" / name, format="turtle")
    return loaded


def _wording(graph: Graph, item: URIRef) -> str:
    clause = graph.value(item, DCTERMS.source)
    texts = [str(text) for text in graph.objects(clause, IPG.text) if getattr(text, "language", None) == "vi"]
    return " ".join(texts).lower()


def _branch(graph: Graph, concept: URIRef) -> set[URIRef]:
    """The concept with everything above and below it in the IP category scheme."""
    above = set(graph.transitive_objects(concept, SKOS.broader))
    below = set(graph.transitive_subjects(SKOS.broader, concept))
    return above | below


def test_every_item_is_filed_under_the_categories_its_wording_names(graph: Graph) -> None:
    items = [
        item
        for cls in (IPG.Duty, IPG.Task, IPG.Target)
        for item in graph.subjects(RDF.type, cls)
        if isinstance(item, URIRef)
    ]
    assert len(items) > 60
    missing = []
    for item in sorted(items, key=str):
        wording = _wording(graph, item)
        subjects = set(graph.objects(item, DCTERMS.subject))
        for name, slug in NAMED_CATEGORIES.items():
            if name in wording and not subjects & _branch(graph, IPR[slug]):
                missing.append(f"{item}: names {name!r} but is not filed under {slug}")
    assert not missing, "\n".join(missing)


def test_every_target_is_served_by_a_task_or_duty(graph: Graph) -> None:
    unserved = [
        target for target in graph.subjects(RDF.type, IPG.Target) if not any(graph.subjects(IPG.servesTarget, target))
    ]
    assert not unserved


@pytest.mark.parametrize(
    ("item", "targets"),
    [
        ("task-III.2.b", {"II.2.1.a.b1", "II.2.1.a.b2", "II.2.2.a.b1", "II.2.2.a.b2"}),
        ("task-III.4.c", {"II.2.1.b", "II.2.2.b", "II.2.2.b.b1", "II.2.2.a.b4"}),
        ("task-III.4.e", {"II.2.1.a.b3", "II.2.2.a.b3"}),
        ("duty-V.8.b", {"II.2.1.a.b2", "II.2.2.a.b2"}),
    ],
)
def test_items_serve_the_targets_their_wording_works_towards(graph: Graph, item: str, targets: set[str]) -> None:
    served = {str(target).removeprefix(str(P160["target-"])) for target in graph.objects(P160[item], IPG.servesTarget)}
    assert served == targets
