"""Stored report versions for re-validation tests and benchmarks: the examples, and seeded mutations of the valid
ones, each in the form the store keeps (``storage.prepare_version``: minted report IRI, parts renamed, date
received set).

A mutation is what a change of shapes or plan, or a careless agency, leaves behind: a property dropped, a value of
the wrong datatype or node kind, a code outside its code list, a second value, a duty that does not exist or is
another organisation's, a late date, an account in the wrong language, a duplicated observation. The same seed
always gives the same corpus.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD
from rdflib.term import Node

from ipgraph.reports.parsing import parse_report
from ipgraph.reports.storage import ReportKey, prepare_version
from ipgraph.vocab import IPG, IPR, SDMX_MEASURE

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLES = PROJECT / "data" / "examples"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
P160 = "https://w3id.org/ipgraph/id/plan-160-kh-ubnd-2021/"


@dataclass(frozen=True)
class StoredExample:
    """One version as stored: its graph name, its triples, and where it came from."""

    name: URIRef
    graph: Graph
    origin: str


def read_report(path: Path) -> Graph:
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are the point of some examples
    media_type = "application/ld+json" if path.suffix == ".jsonld" else "text/turtle"
    return parse_report(path.read_bytes(), media_type)


def example_paths(kind: str = "*") -> list[Path]:
    """Every example report file (``kind``: ``valid``, ``invalid`` or ``*``)."""
    return sorted(path for path in EXAMPLES.glob(f"{kind}/*") if path.suffix in (".ttl", ".jsonld"))


def stored_form(graph: Graph, index: int, received: dt.date) -> tuple[URIRef, Graph]:
    """``graph`` as version 1 of a made-up organisation's report (a document without exactly one report is
    kept as it is: it could never be stored, but its graph still has an answer)."""
    key = ReportKey(IPR[f"org-corpus-{index}"], 2023)
    reports = list(graph.subjects(RDF.type, IPG.AnnualReport))
    if len(reports) != 1:
        return key.graph(1), graph
    moment = dt.datetime.combine(received, dt.time(9), tzinfo=dt.UTC)
    return key.graph(1), prepare_version(graph, reports[0], key, 1, moment)


def stored_examples() -> list[StoredExample]:
    """Every example under data/examples, valid and invalid, in stored form."""
    found = []
    for index, path in enumerate(example_paths()):
        name, graph = stored_form(read_report(path), index, dt.date(2023, 10, 1))
        found.append(StoredExample(name, graph, f"{path.parent.name}/{path.name}"))
    return found


# -- mutations ---------------------------------------------------------------------------------------------

Mutation = Callable[[Graph, random.Random], str]


def _pick(chooser: random.Random, items: list[Node] | list[tuple[Node, Node, Node]]) -> object:
    return items[chooser.randrange(len(items))] if items else None


def _report(graph: Graph) -> Node:
    """The report node, also once an earlier mutation took its type away."""
    for predicate in (RDF.type, IPG.reportingYear, IPG.dutyStatement):
        found = sorted(graph.subjects(predicate, IPG.AnnualReport if predicate == RDF.type else None), key=str)
        if found:
            return found[0]
    return URIRef("urn:example:no-report")


#: Properties the shapes count (minCount, maxCount): half the drops and duplicates pick one of these, so that
#: every cardinality check meets a version it fails in a corpus of a few hundred.
COUNTED = frozenset(
    {
        IPG.reportingOrganization, IPG.reportingYear, DCTERMS.issued, DCTERMS.dateSubmitted, IPG.responsiblePerson,
        IPG.dutyStatement, IPG.fundsUsed, IPG.aboutDuty, IPG.status, IPG.account, URIRef(QB + "dataSet"),
        IPG.indicator, URIRef(SDMX_DIMENSION + "refPeriod"), IPG.ipCategory, IPG.trainingLevel,
        SDMX_MEASURE.obsValue, URIRef(SDMX_ATTRIBUTE + "unitMeasure"), FOAF.name, IPG.position,
    }
)  # fmt: skip


def _counted_first(triples: list[tuple[Node, Node, Node]], chooser: random.Random) -> list[tuple[Node, Node, Node]]:
    counted = [triple for triple in triples if triple[1] in COUNTED]
    return counted if counted and chooser.random() < 0.5 else triples


def drop_property(graph: Graph, chooser: random.Random) -> str:
    """Remove every value of one (subject, predicate) pair."""
    pairs = sorted({(s, p) for s, p, _ in _counted_first(list(graph), chooser)}, key=str)
    subject, predicate = pairs[chooser.randrange(len(pairs))]
    graph.remove((subject, predicate, None))
    return f"drop {predicate}"


def wrong_datatype(graph: Graph, chooser: random.Random) -> str:
    """Give one literal another datatype, or make it plain text."""
    literals = sorted((t for t in graph if isinstance(t[2], Literal)), key=str)
    subject, predicate, value = literals[chooser.randrange(len(literals))]
    replacement = chooser.choice(
        [
            Literal(str(value), datatype=XSD.string),
            Literal(str(value)),
            Literal("hai nghìn", datatype=XSD.integer),
            Literal("2023", datatype=XSD.integer),
            Literal("2023-10-05", datatype=XSD.dateTime),
            Literal(str(value), lang="fr"),
        ]
    )
    graph.remove((subject, predicate, value))
    graph.add((subject, predicate, replacement))
    return f"datatype {predicate}"


def wrong_code(graph: Graph, chooser: random.Random) -> str:
    """Replace a coded value (status, indicator, category, level) by one outside its code list."""
    coded = [IPG.status, IPG.indicator, IPG.ipCategory, IPG.trainingLevel]
    triples = sorted((t for t in graph if t[1] in coded), key=str)
    if not triples:
        return wrong_datatype(graph, chooser)
    subject, predicate, value = triples[chooser.randrange(len(triples))]
    replacement = chooser.choice(
        [IPR["duty-status-paused"], IPR["ind-unknown"], IPR["ip-categories"], IPR["unit-application"]]
    )
    graph.remove((subject, predicate, value))
    graph.add((subject, predicate, replacement))
    return f"code {predicate}"


def duplicate_value(graph: Graph, chooser: random.Random) -> str:
    """Add a second, different value to a property that has one."""
    triples = sorted(_counted_first(list(graph), chooser), key=str)
    subject, predicate, value = triples[chooser.randrange(len(triples))]
    if isinstance(value, Literal):
        other: Node = Literal(str(value) + "1", datatype=value.datatype, lang=value.language)
    elif isinstance(value, URIRef):
        other = URIRef(str(value) + "-2")
    else:
        other = BNode()
    graph.add((subject, predicate, other))
    return f"second {predicate}"


def unknown_duty(graph: Graph, chooser: random.Random) -> str:
    """Point a statement at a duty the plan does not have, or at another organisation's duty."""
    triples = sorted(graph.triples((None, IPG.aboutDuty, None)), key=str)
    if not triples:
        return drop_property(graph, chooser)
    subject, predicate, value = triples[chooser.randrange(len(triples))]
    replacement = URIRef(P160 + chooser.choice(["duty-X.9.z", "duty-V.1.a", "duty-V.3.b", "duty-V.7", "duty-V.2.c"]))
    graph.remove((subject, predicate, value))
    graph.add((subject, predicate, replacement))
    return f"duty {replacement}"


def other_organisation(graph: Graph, chooser: random.Random) -> str:
    """Make another organisation (or a non-organisation) the reporter."""
    report = _report(graph)
    replacement = chooser.choice(
        [IPR["org-so-tai-chinh"], IPR["org-ubnd-huyen-vu-thu"], IPR["org-so-y-te"], URIRef("urn:example:nobody")]
    )
    graph.set((report, IPG.reportingOrganization, replacement))
    return f"organisation {replacement}"


def late_or_odd_date(graph: Graph, chooser: random.Random) -> str:
    """Move the date received past the deadline, or the year out of the plan's period."""
    report = _report(graph)
    change = chooser.randrange(3)
    if change == 0:
        graph.set((report, DCTERMS.dateSubmitted, Literal("2023-10-20", datatype=XSD.date)))
    elif change == 1:
        graph.set((report, IPG.reportingYear, Literal("2035", datatype=XSD.gYear)))
    else:
        graph.set((report, DCTERMS.issued, Literal("2023-02-30", datatype=XSD.date)))
    return "date"


def wrong_node_kind(graph: Graph, chooser: random.Random) -> str:
    """Replace a literal by an IRI or an IRI by a literal."""
    targets = sorted(
        (t for t in graph if t[1] in (FOAF.name, IPG.position, SDMX_MEASURE.obsValue, IPG.account)), key=str
    )
    refs = sorted(
        (t for t in graph if t[1] == URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")), key=str
    )
    pool = targets + refs
    subject, predicate, value = pool[chooser.randrange(len(pool))]
    replacement: Node = (
        Literal(str(value)) if isinstance(value, URIRef) else URIRef(f"urn:example:{chooser.randrange(997)}")
    )
    graph.remove((subject, predicate, value))
    graph.add((subject, predicate, replacement))
    return f"node kind {predicate}"


def numbers(graph: Graph, chooser: random.Random) -> str:
    """A negative or out-of-range observation value or funds."""
    triples = sorted(graph.triples((None, SDMX_MEASURE.obsValue, None)), key=str) + sorted(
        graph.triples((None, IPG.fundsUsed, None)), key=str
    )
    subject, predicate, value = triples[chooser.randrange(len(triples))]
    graph.remove((subject, predicate, value))
    graph.add(
        (
            subject,
            predicate,
            chooser.choice([Literal(-5), Literal(250), Literal("12.5", datatype=XSD.decimal), Literal(-300.0)]),
        )
    )
    return f"number {predicate}"


def duplicate_observation(graph: Graph, chooser: random.Random) -> str:
    """Copy an observation under a new node (same indicator, period, category and level)."""
    observations = sorted(graph.subjects(URIRef(QB + "dataSet"), None), key=str)
    if not observations:
        return duplicate_value(graph, chooser)
    original = observations[chooser.randrange(len(observations))]
    copy = BNode()
    for predicate, value in list(graph.predicate_objects(original)):
        graph.add((copy, predicate, value))
    return "duplicate observation"


def untype(graph: Graph, chooser: random.Random) -> str:
    """Drop or change a node's type (focus nodes appear and disappear)."""
    triples = sorted(graph.triples((None, RDF.type, None)), key=str)
    subject, _, value = triples[chooser.randrange(len(triples))]
    graph.remove((subject, RDF.type, value))
    if chooser.random() < 0.5:
        graph.add((subject, RDF.type, chooser.choice([IPG.DutyStatement, URIRef(QB + "Observation"), FOAF.Person])))
    return f"type {value}"


def contact_scheme(graph: Graph, chooser: random.Random) -> str:
    """Give the responsible person a mail address or telephone in another scheme, form or case."""
    people = sorted(graph.objects(None, IPG.responsiblePerson), key=str)
    if not people:
        return drop_property(graph, chooser)
    person = people[chooser.randrange(len(people))]
    predicate = chooser.choice([FOAF.mbox, FOAF.phone])
    value = chooser.choice(
        [
            URIRef("javascript:alert(1)"),
            URIRef("http://example.org/mail"),
            URIRef("MAILTO:Nam@Example.org"),
            URIRef("tel:+84-227-000-0001"),
            URIRef("TEL:abc"),
            Literal("nam@example.org"),
        ]
    )
    graph.set((person, predicate, value))
    return f"contact {predicate} {value}"


def web_page(graph: Graph, chooser: random.Random) -> str:
    """Name a web page of the report or its person, in a safe or an unsafe scheme."""
    subjects = sorted({_report(graph), *graph.objects(None, IPG.responsiblePerson)}, key=str)
    subject = subjects[chooser.randrange(len(subjects))]
    predicate = chooser.choice([FOAF.homepage, FOAF.page, FOAF.weblog])
    value = chooser.choice(
        [
            URIRef("https://so.example.vn/"),
            URIRef("HTTP://so.example.vn/"),
            URIRef("ftp://so.example.vn/"),
            URIRef("javascript:alert(1)"),
            Literal("https://so.example.vn/"),
        ]
    )
    graph.add((subject, predicate, value))
    return f"page {predicate} {value}"


def growth_rate(graph: Graph, chooser: random.Random) -> str:
    """Make an observation one of application growth (% per year), with a plausible or impossible value."""
    observations = sorted(graph.subjects(URIRef(QB + "dataSet"), None), key=str)
    if not observations:
        return numbers(graph, chooser)
    observation = observations[chooser.randrange(len(observations))]
    graph.set((observation, IPG.indicator, IPR["ind-new-ip-applications-growth"]))
    graph.set((observation, URIRef(SDMX_ATTRIBUTE + "unitMeasure"), IPR["unit-percent-per-year"]))
    value = chooser.choice([Literal(9.5), Literal(-150), Literal("mười", datatype=XSD.decimal), Literal("12")])
    graph.set((observation, SDMX_MEASURE.obsValue, value))
    return f"growth rate {value}"


def subclass(graph: Graph, chooser: random.Random) -> str:
    """Type a node by a class of the report's own, declared a subclass (maybe two steps down) of its class: the
    shapes' targets and sh:class follow rdfs:subClassOf."""
    triples = sorted(graph.triples((None, RDF.type, None)), key=str)
    if not triples:
        return drop_property(graph, chooser)
    subject, _, cls = triples[chooser.randrange(len(triples))]
    own = URIRef(f"urn:example:class-{chooser.randrange(5)}")
    graph.remove((subject, RDF.type, cls))
    graph.add((subject, RDF.type, own))
    if chooser.random() < 0.5:
        graph.add((own, RDFS.subClassOf, cls))
    else:
        middle = URIRef(f"urn:example:middle-{chooser.randrange(5)}")
        graph.add((own, RDFS.subClassOf, middle))
        graph.add((middle, RDFS.subClassOf, cls))
    return f"subclass of {cls}"


#: The properties the shapes constrain, by the kind of node that carries them.
TARGETED: dict[str, tuple[URIRef, ...]] = {
    "report": (
        IPG.reportingOrganization, IPG.reportingYear, DCTERMS.issued, DCTERMS.dateSubmitted,
        IPG.responsiblePerson, IPG.dutyStatement, IPG.fundsUsed, IPG.fundingSource,
    ),
    "statement": (IPG.aboutDuty, IPG.status, IPG.account),
    "observation": (
        URIRef(QB + "dataSet"), IPG.indicator, URIRef(SDMX_DIMENSION + "refPeriod"), IPG.ipCategory,
        IPG.trainingLevel, SDMX_MEASURE.obsValue, URIRef(SDMX_ATTRIBUTE + "unitMeasure"),
    ),
    "person": (FOAF.name, IPG.position, FOAF.mbox, FOAF.phone),
}  # fmt: skip
ACTIONS = ("drop", "second", "other kind")
#: Every (node kind, property, action): the first mutants of a corpus apply one each, so every constraint on
#: these properties meets a version that breaks it whatever the seed.
COMBINATIONS = tuple(
    (kind, predicate, action) for kind, predicates in TARGETED.items() for predicate in predicates for action in ACTIONS
)


def _nodes(graph: Graph, kind: str) -> list[Node]:
    if kind == "report":
        return [_report(graph)]
    if kind == "statement":
        return sorted(graph.objects(None, IPG.dutyStatement), key=str)
    if kind == "observation":
        return sorted(graph.subjects(URIRef(QB + "dataSet"), None), key=str)
    return sorted(graph.objects(None, IPG.responsiblePerson), key=str)


def targeted(graph: Graph, chooser: random.Random, combination: tuple[str, URIRef, str] | None = None) -> str:
    """Drop a constrained property, give it a second value, or swap its value between literal and IRI."""
    kind, predicate, action = combination or COMBINATIONS[chooser.randrange(len(COMBINATIONS))]
    nodes = _nodes(graph, kind)
    if not nodes:
        return drop_property(graph, chooser)
    node = nodes[chooser.randrange(len(nodes))]
    values = sorted(graph.objects(node, predicate), key=str)
    if action == "drop":
        graph.remove((node, predicate, None))
    elif action == "second":
        for value in values or [URIRef("urn:example:first")]:
            graph.add((node, predicate, value))
            other: Node = (
                Literal(str(value) + "1", datatype=value.datatype, lang=value.language)
                if isinstance(value, Literal)
                else URIRef(f"urn:example:second-{chooser.randrange(9)}")
            )
            graph.add((node, predicate, other))
    else:
        graph.remove((node, predicate, None))
        for value in values or [Literal("x")]:
            graph.add(
                (node, predicate, URIRef("urn:example:kind") if isinstance(value, Literal) else Literal(str(value)))
            )
    return f"{action} {kind} {predicate}"


MUTATIONS: tuple[Mutation, ...] = (
    drop_property,
    wrong_datatype,
    wrong_code,
    duplicate_value,
    unknown_duty,
    other_organisation,
    late_or_odd_date,
    wrong_node_kind,
    numbers,
    duplicate_observation,
    untype,
    contact_scheme,
    web_page,
    growth_rate,
    targeted,
    targeted,
    subclass,
)


@lru_cache(maxsize=1)
def _valid_templates() -> tuple[Graph, ...]:
    return tuple(read_report(path) for path in example_paths("valid"))


def mutated_corpus(count: int, seed: int = 14) -> Iterator[StoredExample]:
    """``count`` stored versions, each a valid example with mutations: first one of each of
    :data:`COMBINATIONS`, then one to three seeded ones."""
    chooser = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    templates = _valid_templates()
    for index in range(count):
        template = templates[index % len(templates)]
        received = dt.date(2023, 9, 1) + dt.timedelta(days=chooser.randrange(60))
        name, graph = stored_form(template, 1000 + index, received)
        if index < len(COMBINATIONS):
            done = [targeted(graph, chooser, COMBINATIONS[index])]
        else:
            done = [chooser.choice(MUTATIONS)(graph, chooser) for _ in range(chooser.randint(1, 3))]
        yield StoredExample(name, graph, f"mutant {index}: " + "; ".join(done))
