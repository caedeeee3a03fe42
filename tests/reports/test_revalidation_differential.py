"""Whole-store re-validation gives exactly pySHACL's findings, version by version (issue 14).

The reference is the one-report path's pySHACL run (``ReportValidator.shacl_results``: the plan slice plus one
stored version). Both run on every example under data/examples (valid and invalid) and on a seeded corpus of
mutated valid reports, all stored side by side in one dataset; for each version the findings (focus node, path,
constraint component, severity, value, shape) and the issues made from them (messages in Vietnamese and
English) must be identical.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node
from revalidation_corpus import StoredExample, example_paths, mutated_corpus, read_report, stored_examples

from ipgraph.reports.issues import MessageTemplates, compact, issues_from_results
from ipgraph.reports.revalidation import Dataset, Finding, Rules, check_dataset, results_graph
from ipgraph.reports.validation import ReportValidator
from ipgraph.store.terms import to_ox
from ipgraph.vocab import GRAPH

PROJECT = Path(__file__).resolve().parents[2]
CORPUS_SIZE = 300

Key = tuple[str | None, ...]


@pytest.fixture(scope="module")
def validator() -> ReportValidator:
    return ReportValidator.from_project(PROJECT)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.from_project(PROJECT)


def result_keys(results: Graph) -> list[Key]:
    """(focus, path, component, severity, value) of every result, sorted."""
    keys: list[Key] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        if isinstance(path, BNode):
            members = results.value(path, SH.alternativePath)
            path_name = "|".join(compact(item) or "" for item in results.items(members)) if members else None
        else:
            path_name = compact(path)
        keys.append(
            (
                compact(results.value(result, SH.focusNode)),
                path_name,
                compact(results.value(result, SH.sourceConstraintComponent)),
                compact(results.value(result, SH.resultSeverity)),
                repr(_rdf11(results.value(result, SH.value))),
            )
        )
    return sorted(keys)


def _rdf11(term: Node | None) -> Node | None:
    """RDF 1.1 makes "x" and "x"^^xsd:string one term; rdflib keeps them apart, the store does not."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def compare(versions: list[StoredExample], validator: ReportValidator, rules: Rules) -> tuple[Counter[str], set[str]]:
    """Assert both paths agree on every version; the constraint components seen, and the compiled checks that
    never found anything, for coverage."""
    dataset = Dataset(rules.context)
    for version in versions:
        dataset.add_graph(version.name, version.graph)
    findings, compiled = check_dataset(dataset, rules)
    # The plan-only negations run as MINUS here (sparql_rewrite.anti_join_variables), so that form is compared too.
    assert any(" MINUS {" in check.query for check in compiled.checks)
    silent = {check.name for check in compiled.checks} - {finding.check.name for finding in findings}
    by_graph: dict[URIRef, list[Finding]] = {}
    for finding in findings:
        by_graph.setdefault(finding.graph, []).append(finding)
    seen: Counter[str] = Counter()
    for version in versions:
        reference = validator.shacl_results(list(version.graph))
        compiled = results_graph(by_graph.get(version.name, []), rules.shapes)
        expected_keys, found_keys = result_keys(reference), result_keys(compiled)
        assert found_keys == expected_keys, version.origin
        expected_issues = issues_from_results(reference, MessageTemplates.from_shapes(validator.shapes_graph))
        found_issues = issues_from_results(compiled, rules.templates)
        assert sorted(found_issues, key=repr) == sorted(expected_issues, key=repr), version.origin
        seen.update(key[2] or "" for key in found_keys)
    return seen, silent


def test_every_example_gives_pyshacls_findings(validator: ReportValidator, rules: Rules) -> None:
    examples = stored_examples()
    assert len(examples) >= 30
    seen, _silent = compare(examples, validator, rules)
    assert seen["sh:SPARQLConstraintComponent"] > 0 and seen["sh:MinCountConstraintComponent"] > 0


def test_a_mutated_corpus_gives_pyshacls_findings(validator: ReportValidator, rules: Rules) -> None:
    corpus = list(mutated_corpus(CORPUS_SIZE))
    seen, silent = compare(corpus, validator, rules)
    # Every kind of constraint the report shapes use, and every single compiled check, is exercised by the
    # corpus: each finds something in some version, and pySHACL agrees.
    used = {compact(component) for component in _components(rules.shapes)}
    assert used - set(seen) == set()
    assert silent == set()


def _components(shapes: Graph) -> set[URIRef]:
    parameters = {
        SH.minCount: SH.MinCountConstraintComponent,
        SH.maxCount: SH.MaxCountConstraintComponent,
        SH["class"]: SH.ClassConstraintComponent,
        SH.datatype: SH.DatatypeConstraintComponent,
        SH.nodeKind: SH.NodeKindConstraintComponent,
        SH.pattern: SH.PatternConstraintComponent,
        SH["in"]: SH.InConstraintComponent,
        SH.hasValue: SH.HasValueConstraintComponent,
        SH.languageIn: SH.LanguageInConstraintComponent,
        SH.uniqueLang: SH.UniqueLangConstraintComponent,
        SH.sparql: SH.SPARQLConstraintComponent,
    }
    return {component for parameter, component in parameters.items() if (None, parameter, None) in shapes}


def test_versions_sharing_iris_are_judged_apart(validator: ReportValidator, rules: Rules) -> None:
    """Three copies of one upload, IRIs not renamed, side by side: in one merged graph every report would have
    three reporting years, three observations per indicator and so on; judged version by version, as pySHACL
    judges them, the copies conform and the one with an extra observation is the only one flagged."""
    path = example_paths("valid")[0]
    copies = [
        StoredExample(GRAPH[f"reports/shared/2023/v{number}"], read_report(path), f"copy {number}")
        for number in (1, 2, 3)
    ]
    observation = sorted(copies[2].graph.subjects(URIRef("http://purl.org/linked-data/cube#dataSet"), None), key=str)[0]
    for predicate, value in list(copies[2].graph.predicate_objects(observation)):
        copies[2].graph.add((URIRef("urn:example:extra-observation"), predicate, value))
    dataset = Dataset(rules.context)
    for copy in copies:
        dataset.add_graph(copy.name, copy.graph)
    findings, _compiled = check_dataset(dataset, rules)
    flagged = {finding.graph for finding in findings if finding.check.severity == SH.Violation}
    assert flagged == {copies[2].name}
    compare(copies, validator, rules)


SUBCLASS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:example:> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "p is required"@en ] ;
    sh:property [ sh:path ex:q ; sh:class ex:C ; sh:message "q must be a C"@en ] .
"""


def test_subclass_links_in_the_plan_and_in_a_version_combine(rules: Rules) -> None:
    """A class hierarchy split between the plan (B below C) and a version (D below B) is followed as pySHACL
    follows it over their union; another version's links do not count."""
    ex = "urn:example:"
    shapes = Graph().parse(data=SUBCLASS_SHAPES, format="turtle")
    context = Graph().parse(data=f"<{ex}B> <{RDFS.subClassOf}> <{ex}C> .", format="turtle")
    versions = {
        GRAPH[
            "reports/a/2023/v1"
        ]: f"<{ex}x> a <{ex}B> ; <{ex}q> <{ex}y> . <{ex}y> a <{ex}D> . <{ex}D> <{RDFS.subClassOf}> <{ex}B> .",
        GRAPH["reports/b/2023/v1"]: f"<{ex}x> a <{ex}D> ; <{ex}p> 1 ; <{ex}q> <{ex}z> . <{ex}z> a <{ex}B> .",
        GRAPH["reports/c/2023/v1"]: f"<{ex}w> a <{ex}E> ; <{ex}q> 1 .",
    }
    local = Rules(shapes, context, "", "", MessageTemplates.from_shapes(shapes))
    dataset = Dataset(context)
    graphs = {name: Graph().parse(data=text, format="turtle") for name, text in versions.items()}
    for name, graph in graphs.items():
        dataset.add_graph(name, graph)
    findings, _compiled = check_dataset(dataset, local)
    for name, graph in graphs.items():
        _conforms, reference, _text = pyshacl.validate(graph + context, shacl_graph=shapes, inference="none")
        compiled = results_graph([finding for finding in findings if finding.graph == name], shapes)
        assert result_keys(compiled) == result_keys(reference), name
    # In b, x is typed D, but only a says D is below B: x is no focus node there; z (a B) is.
    in_b = {str(finding.focus) for finding in findings if finding.graph == GRAPH["reports/b/2023/v1"]}
    assert in_b == {f"{ex}z"}
    assert not any(finding.graph == GRAPH["reports/c/2023/v1"] for finding in findings)


def test_named_graphs_that_are_not_versions_are_not_judged(rules: Rules) -> None:
    """The registry, the plan's graphs and the examples graph stay in the copied store beside the versions; an
    invalid report there (as in the examples graph) gives no finding and does not change the profile."""
    invalid = read_report(example_paths("invalid")[0])
    valid = stored_examples()[0]
    dataset = Dataset(rules.context)
    dataset.add_graph(valid.name, valid.graph)
    alone = dataset.profile()
    examples = ox.NamedNode(str(GRAPH["examples"]))
    dataset.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), examples) for s, p, o in invalid)  # type: ignore[arg-type]
    dataset.store.add(
        ox.Quad(ox.NamedNode("urn:example:s"), ox.NamedNode("urn:example:only-here"), ox.Literal("x"), examples)
    )
    assert dataset.profile() == alone
    unnamed = ox.BlankNode()
    dataset.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), unnamed) for s, p, o in invalid)  # type: ignore[arg-type]
    assert dataset.profile() == alone
    findings, _compiled = check_dataset(dataset, rules)
    assert findings and {finding.graph for finding in findings} <= {valid.name}
