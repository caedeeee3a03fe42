"""The ontology: loads cleanly in rdflib and pyoxigraph, documents every ipg: term, declares every term the data
uses with exactly one OWL 2 kind, and carries axioms that let HermiT catch contradictions."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ipgraph.reasoning import reason
from ipgraph.vocab import DCTERMS, IPG, IPR, ORG, P160, SKOS

PROJECT = Path(__file__).resolve().parents[2]
ONTOLOGY_FILES = sorted((PROJECT / "ontology").glob("*.ttl"))
MAIN_ONTOLOGY = PROJECT / "ontology" / "ipgraph.ttl"
DATA_FILES = sorted((PROJECT / "data").rglob("*.ttl"))
QUERY_FILES = sorted((PROJECT / "queries").rglob("*.rq"))
ONTOLOGY_IRI = URIRef("https://w3id.org/ipgraph/def")

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
TERM_KINDS = (OWL.Class, *PROPERTY_KINDS)
BUILT_IN_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
IPG_NAME = re.compile(r"\bipg:([A-Za-z_][A-Za-z0-9_]*)")


def _load(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _load(ONTOLOGY_FILES)


@pytest.fixture(scope="module")
def kinds(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Every IRI the ontology declares, with the OWL kinds it is declared as."""
    declared: dict[URIRef, set[URIRef]] = {}
    for kind in TERM_KINDS:
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef):
                declared.setdefault(term, set()).add(kind)
    return declared


def _ipg_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for kind in TERM_KINDS
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and term.startswith(str(IPG))
    }


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, language: str) -> list[str]:
    return [
        str(value)
        for value in graph.objects(subject, predicate)
        if isinstance(value, Literal) and value.language == language and str(value).strip()
    ]


# --- Loading -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda path: path.name)
def test_ontology_file_loads_in_rdflib_and_pyoxigraph_without_warnings(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        graph = Graph().parse(path, format="turtle")
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    ill_typed = [value for value in graph.objects() if isinstance(value, Literal) and value.ill_typed]
    assert not ill_typed
    quads = set(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph) > 0


# --- The ontology header -------------------------------------------------------------------------------------


def test_ontology_has_version_licence_and_bilingual_description(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (ONTOLOGY_IRI, OWL.versionIRI, URIRef("https://w3id.org/ipgraph/def/0.1.0")) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in ontology
    for predicate in (DCTERMS.title, DCTERMS.description):
        for language in ("vi", "en"):
            assert _texts(ontology, ONTOLOGY_IRI, predicate, language), f"{predicate} @{language}"
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.publisher) is not None
    assert not list(ontology.objects(None, OWL.imports)), "nothing may be fetched: no owl:imports"


# --- Documentation of ipg: terms -----------------------------------------------------------------------------


def test_every_ipg_term_has_vietnamese_and_english_labels_and_a_comment(ontology: Graph) -> None:
    terms = _ipg_terms(ontology)
    assert terms
    missing = [
        f"{term} lacks {what}"
        for term in sorted(terms)
        for what, ok in (
            ("rdfs:label @vi", _texts(ontology, term, RDFS.label, "vi")),
            ("rdfs:label @en", _texts(ontology, term, RDFS.label, "en")),
            ("rdfs:comment", [c for c in ontology.objects(term, RDFS.comment) if str(c).strip()]),
        )
        if not ok
    ]
    assert not missing, "\n".join(missing)


def test_every_term_of_the_main_ontology_says_why_it_is_new() -> None:
    graph = Graph().parse(MAIN_ONTOLOGY, format="turtle")
    missing = [
        f"{term} lacks {what}"
        for term in sorted(_ipg_terms(graph))
        for what, ok in (
            ("rdfs:comment @en", _texts(graph, term, RDFS.comment, "en")),
            ("rdfs:comment @vi", _texts(graph, term, RDFS.comment, "vi")),
            ("skos:editorialNote @en (why it is new)", _texts(graph, term, SKOS.editorialNote, "en")),
            ("rdfs:isDefinedBy the ontology", (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph),
        )
        if not ok
    ]
    assert not missing, "\n".join(missing)


def test_every_ipg_term_of_the_model_contract_is_declared(kinds: dict[URIRef, set[URIRef]]) -> None:
    named = {IPG[name] for name in IPG_NAME.findall((PROJECT / "docs" / "model.md").read_text("utf-8"))}
    assert IPG.Plan in named
    assert sorted(named - kinds.keys()) == []


def test_ipg_classes_specialise_the_standard_terms(ontology: Graph) -> None:
    eli = "http://data.europa.eu/eli/ontology#"
    prov = "http://www.w3.org/ns/prov#"
    foaf = "http://xmlns.com/foaf/0.1/"
    assert (IPG.Plan, RDFS.subClassOf, URIRef(eli + "LegalResource")) in ontology
    assert (IPG.Duty, RDFS.subClassOf, URIRef(prov + "Activity")) in ontology
    assert (IPG.Task, RDFS.subClassOf, URIRef(prov + "Activity")) in ontology
    assert (IPG.QualitativeTarget, RDFS.subClassOf, IPG.Target) in ontology
    assert (IPG.OrganizationGroup, RDFS.subClassOf, URIRef(foaf + "Group")) in ontology
    assert (IPG.text, RDFS.subPropertyOf, DCTERMS.description) in ontology
    assert (IPG.successor, RDFS.subPropertyOf, DCTERMS.isReplacedBy) in ontology


# --- OWL 2 kinds ---------------------------------------------------------------------------------------------


def test_no_property_is_declared_with_two_owl_kinds(kinds: dict[URIRef, set[URIRef]]) -> None:
    clashes = {
        str(term): sorted(str(kind).split("#")[1] for kind in found)
        for term, found in kinds.items()
        if len(found & set(PROPERTY_KINDS)) > 1 or (OWL.Class in found and len(found) > 1)
    }
    assert clashes == {}


def test_inverse_pairs_of_the_standard_vocabularies(ontology: Graph) -> None:
    eli = "http://data.europa.eu/eli/ontology#"
    assert (URIRef(eli + "has_part"), OWL.inverseOf, URIRef(eli + "is_part_of")) in ontology
    assert (ORG.hasSubOrganization, OWL.inverseOf, ORG.subOrganizationOf) in ontology
    assert (SKOS.narrower, OWL.inverseOf, SKOS.broader) in ontology


def test_every_ipg_property_has_an_owl_kind(ontology: Graph, kinds: dict[URIRef, set[URIRef]]) -> None:
    properties = {
        term
        for term in ontology.subjects(RDF.type, None)
        if isinstance(term, URIRef) and term.startswith(str(IPG)) and term[len(str(IPG))].islower()
    }
    untyped = sorted(term for term in properties if not kinds.get(term, set()) & set(PROPERTY_KINDS))
    assert untyped == []


# --- What the data uses is declared --------------------------------------------------------------------------


def _undeclared_ipg_terms(text_or_graph: Graph | str, kinds: dict[URIRef, set[URIRef]]) -> set[str]:
    if isinstance(text_or_graph, str):
        used = {IPG[name] for name in IPG_NAME.findall(text_or_graph)}
    else:
        used = {term for triple in text_or_graph for term in triple if isinstance(term, URIRef)}
    return {str(term) for term in used if term.startswith(str(IPG)) and term not in kinds}


def test_every_ipg_term_used_in_data_and_queries_is_declared(kinds: dict[URIRef, set[URIRef]]) -> None:
    problems = [
        f"{path.relative_to(PROJECT)}: {term} is not declared in ontology/*.ttl"
        for path in DATA_FILES
        for term in sorted(_undeclared_ipg_terms(Graph().parse(path, format="turtle"), kinds))
    ] + [
        f"{path.relative_to(PROJECT)}: {term} is not declared in ontology/*.ttl"
        for path in QUERY_FILES
        for term in sorted(_undeclared_ipg_terms(path.read_text("utf-8"), kinds))
    ]
    assert not problems, "\n".join(problems)


def test_every_property_and_class_used_in_data_is_declared_and_used_as_its_kind(
    kinds: dict[URIRef, set[URIRef]],
) -> None:
    """OWL 2 DL needs every property typed once: an object property never takes a literal, a datatype property
    never an IRI, and every class in an rdf:type is an owl:Class (punning aside)."""
    problems: set[str] = set()
    for path in DATA_FILES:
        where = path.relative_to(PROJECT)
        for subject, predicate, obj in Graph().parse(path, format="turtle"):
            if predicate == RDF.type:
                built_in = str(obj).startswith(BUILT_IN_NAMESPACES)
                if isinstance(obj, URIRef) and not built_in and OWL.Class not in kinds.get(obj, set()):
                    problems.add(f"{where}: class {obj} is not declared owl:Class")
                continue
            if str(predicate).startswith(BUILT_IN_NAMESPACES):
                continue
            found = kinds.get(predicate, set()) & set(PROPERTY_KINDS)
            if not found:
                problems.add(f"{where}: property {predicate} is not declared in ontology/*.ttl")
            elif OWL.ObjectProperty in found and isinstance(obj, Literal):
                problems.add(f"{where}: object property {predicate} used with a literal on {subject}")
            elif OWL.DatatypeProperty in found and not isinstance(obj, Literal):
                problems.add(f"{where}: datatype property {predicate} used with a resource on {subject}")
    assert not problems, "\n".join(sorted(problems))


# --- Axioms HermiT can check ---------------------------------------------------------------------------------


def _with_ontology(extra: str) -> Graph:
    graph = _load(ONTOLOGY_FILES)
    prefixes = (
        f"@prefix ipg: <{IPG}> . @prefix ipr: <{IPR}> . @prefix p160: <{P160}> . @prefix xsd: <{XSD}> .\n"
        f"@prefix skos: <{SKOS}> . @prefix org: <{ORG}> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
    )
    graph.parse(data=prefixes + extra, format="turtle")
    return graph


TARGET = "p160:t a ipg:Target ; ipg:indicator ipr:ind-new-ip-applications-growth .\n"


def test_ontology_with_a_target_is_consistent_and_classifies_quantitative_targets() -> None:
    result = reason(_with_ontology(TARGET + 'p160:t ipg:minimumValue "8"^^xsd:decimal .\n'))
    assert result.consistent, result.message
    assert (P160.t, RDF.type, IPG.QuantitativeTarget) in result.inferred


@pytest.mark.parametrize(
    "contradiction",
    [
        pytest.param('p160:t a ipg:QualitativeTarget ; ipg:exactValue "100"^^xsd:decimal .', id="qualitative-value"),
        pytest.param('p160:t ipg:sequence "1"^^xsd:positiveInteger , "2"^^xsd:positiveInteger .', id="two-sequences"),
        pytest.param('p160:t ipg:sequence "0"^^xsd:integer .', id="sequence-not-positive"),
        pytest.param("p160:t a ipg:Duty .", id="duty-and-target"),
        pytest.param("ipr:org-x a org:Organization , skos:Concept .", id="organisation-as-concept"),
        pytest.param("ipr:person-x a foaf:Person , org:Organization .", id="person-as-organisation"),
        pytest.param(
            "p160:d a ipg:Duty ; ipg:servesTarget ipr:role-lead . ipr:role-lead a skos:Concept .", id="serves-a-concept"
        ),
        pytest.param("p160:f a ipg:FundingSource , org:Organization .", id="funding-source-as-organisation"),
        pytest.param("ipr:org-x ipg:fundedFrom p160:t .", id="funded-from-a-target"),
        pytest.param("p160:t ipg:baseline p160:t .", id="target-as-its-own-baseline"),
        pytest.param("p160:t ipg:averagedOver p160:d . p160:d a ipg:Duty .", id="averaged-over-a-duty"),
    ],
)
def test_hermit_finds_the_contradiction(contradiction: str) -> None:
    assert not reason(_with_ontology(TARGET + contradiction + "\n")).consistent
