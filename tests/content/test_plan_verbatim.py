"""Every item of the plan's source text appears verbatim in the plan graph, at the subdivision its label names.

The test reads data/source/plan-160-KH-UBND-2021-thai-binh.txt and finds the items itself (roman sections,
"1."/"2.1." items, "a)"/"đ)" letters, "- " bullets, unnumbered paragraphs, the closing paragraph), so a clause
left out of the data, mistyped or filed under the wrong IRI fails with its label. One case per part of the
plan, so a part can be checked alone: ``pytest -k "II or III"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ipgraph.vocab import ELI, IPG, P160

PROJECT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT / "data" / "source" / "plan-160-KH-UBND-2021-thai-binh.txt"
PLAN = PROJECT / "data" / "plan.ttl"

ROMAN = re.compile(r"^(I|II|III|IV|V|VI)\. (.+)$")
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\. (.+)$")
LETTERED = re.compile(r"^([a-zđ])\) (.+)$")
BULLET = re.compile(r"^- (.+)$")
PREAMBLE_START = "Thực hiện Quyết định số"
CLOSING_START = "Trên đây là Kế hoạch"


@dataclass(frozen=True)
class SourceItem:
    """One item of the source: where it sits in the plan, the IRI docs/model.md gives it, and its wording."""

    part: str
    label: str
    iri: URIRef
    kind: str  # "heading", "text" (a clause, bullet or paragraph) or "numbered" (heading, maybe with its duty)
    wording: str


def normalise(text: str) -> str:
    """NFC with whitespace collapsed to single spaces, as docs/model.md asks of every @vi text."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def source_blocks(text: str) -> list[str]:
    """The source's non-empty lines, with a line split by a page break joined back to the line before it.

    A page break leaves the rest of a sentence on its own line starting in lower case (III.4.e "chú trọng
    đào tạo / chuyên gia …", V.4.a "đẩy mạnh / hoạt động …"); every item, bullet and paragraph starts with
    a marker ("a)", "- ", "1.") or a capital letter.
    """
    blocks: list[str] = []
    for raw in text.splitlines():
        line = normalise(raw)
        if not line:
            continue
        if blocks and line[0].islower() and not LETTERED.match(line):
            blocks[-1] = f"{blocks[-1]} {line}"
        else:
            blocks.append(line)
    return blocks


def iri_segment(label: str) -> str:
    """A plan label as an IRI segment: "đ" is written "dd" (docs/model.md)."""
    return label.replace("đ", "dd")


def parse_source(text: str) -> list[SourceItem]:
    """Walk the source from the preamble to the closing paragraph and name every item it holds."""
    items: list[SourceItem] = []
    blocks = source_blocks(text)
    start = next(i for i, block in enumerate(blocks) if block.startswith(PREAMBLE_START))
    items.append(SourceItem("preamble", "preamble", P160["preamble"], "text", blocks[start]))
    section = numbered = lettered = ""
    counters: dict[str, int] = {}

    def child(parent: str, prefix: str) -> str:
        counters[parent + prefix] = counters.get(parent + prefix, 0) + 1
        return f"{parent}.{prefix}{counters[parent + prefix]}"

    for block in blocks[start + 1 :]:
        if block.startswith(CLOSING_START):
            items.append(SourceItem("closing", "closing", P160["closing"], "text", block))
            break
        if match := ROMAN.match(block):
            section, numbered, lettered = match.group(1), "", ""
            items.append(SourceItem(section, section, P160[section], "heading", match.group(2)))
        elif match := NUMBERED.match(block):
            numbered, lettered = f"{section}.{match.group(1)}", ""
            items.append(SourceItem(section, numbered, P160[numbered], "numbered", match.group(2)))
        elif match := LETTERED.match(block):
            lettered = f"{numbered}.{match.group(1)}"
            items.append(SourceItem(section, lettered, P160[iri_segment(lettered)], "text", match.group(2)))
        elif match := BULLET.match(block):
            parent = iri_segment(lettered or numbered)
            label = child(parent, "b")
            items.append(SourceItem(section, label, P160[label], "text", match.group(1)))
        else:
            label = child(numbered or section, "p")
            items.append(SourceItem(section, label, P160[label], "text", block))
    return items


def load_plan() -> Graph:
    return Graph().parse(PLAN, format="turtle")


def vietnamese(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {
        str(value)
        for value in graph.objects(subject, predicate)
        if isinstance(value, Literal) and value.language == "vi"
    }


def wordings_held(graph: Graph, item: SourceItem) -> set[str]:
    """The ways the item's subdivision can hold the source wording, per kind (docs/model.md, "Text")."""
    titles = vietnamese(graph, item.iri, DCTERMS.title)
    texts = vietnamese(graph, item.iri, IPG.text)
    if item.kind == "heading":
        return titles
    if item.kind == "text":
        return texts
    # A numbered line is a heading, or a heading and its only duty ("5. Sở …: Triển khai …").
    return titles | {f"{title}: {text}" for title in titles for text in texts}


SOURCE_ITEMS = parse_source(SOURCE.read_text(encoding="utf-8"))
PARTS = ("preamble", "I", "II", "III", "IV", "V", "VI", "closing")


@pytest.fixture(scope="module")
def plan() -> Graph:
    return load_plan()


def test_the_source_parse_finds_the_plans_items() -> None:
    labels = [item.label for item in SOURCE_ITEMS]
    assert labels.count("III.1.d.b1") == 1
    assert "III.4.e" in labels
    assert "V.9.a" in labels
    assert "V.9.c" in labels
    assert "V.9.b" not in labels
    assert [label for label in labels if label.startswith("II.2.2.a.")] == [f"II.2.2.a.b{n}" for n in range(1, 5)]
    assert [label for label in labels if label.startswith("I.1.p")] == [f"I.1.p{n}" for n in range(1, 5)]
    assert {item.part for item in SOURCE_ITEMS} == set(PARTS)
    page_break_item = next(item for item in SOURCE_ITEMS if item.label == "III.4.e")
    assert "chú trọng đào tạo chuyên gia quản trị" in page_break_item.wording


@pytest.mark.parametrize("part", PARTS, ids=[f"section-{part}" for part in PARTS])
def test_every_item_is_verbatim(plan: Graph, part: str) -> None:
    missing = [
        f"{item.label} ({item.iri}): {item.wording[:80]}"
        for item in SOURCE_ITEMS
        if item.part == part
        and (
            (item.iri, RDF.type, ELI.LegalResourceSubdivision) not in plan
            or item.wording not in wordings_held(plan, item)
        )
    ]
    assert not missing, f"{len(missing)} item(s) of {part} not verbatim in the plan graph:\n" + "\n".join(missing)


def vietnamese_literals(graph: Graph) -> Iterator[tuple[str, str, str]]:
    for subject, predicate, value in graph:
        if isinstance(value, Literal) and value.language == "vi":
            yield str(subject), str(predicate), str(value)


def test_every_vietnamese_literal_is_nfc(plan: Graph) -> None:
    offending = [f"{s} {p}" for s, p, value in vietnamese_literals(plan) if not unicodedata.is_normalized("NFC", value)]
    assert not offending, "\n".join(offending)


def test_every_vietnamese_text_has_single_spaces(plan: Graph) -> None:
    offending = [
        f"{s} {p}"
        for s, p, value in vietnamese_literals(plan)
        if p in (str(IPG.text), str(DCTERMS.title)) and value != " ".join(value.split())
    ]
    assert not offending, "\n".join(offending)


def test_every_subdivision_has_vietnamese_and_english_wording(plan: Graph) -> None:
    incomplete = []
    for subdivision in sorted(set(plan.subjects(RDF.type, ELI.LegalResourceSubdivision)), key=str):
        for predicate in (IPG.text, DCTERMS.title):
            languages = {value.language for value in plan.objects(subdivision, predicate) if isinstance(value, Literal)}
            if languages and languages != {"vi", "en"}:
                incomplete.append(f"{subdivision} {predicate}: {sorted(map(str, languages))}")
        if not any(plan.objects(subdivision, IPG.text)) and not any(plan.objects(subdivision, DCTERMS.title)):
            incomplete.append(f"{subdivision}: neither ipg:text nor dcterms:title")
    assert not incomplete, "\n".join(incomplete)
