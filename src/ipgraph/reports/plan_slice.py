"""The plan slice reports are validated against, and the files it and the report shapes come from.

The one-report path (:mod:`ipgraph.reports.validation`) and the whole-store re-validation
(:mod:`ipgraph.reports.revalidation`) judge reports against the same slice, taken here.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS, SKOS, TIME

from ipgraph.vocab import IPG, IPR, SDMX_ATTRIBUTE

#: The shapes every report is checked against; their hash is the shapes version recorded with each stored report.
SHAPES_FILES: tuple[str, ...] = ("shapes/report.shapes.ttl",)
#: Files the plan slice is taken from (docs/model.md, named graphs); ontology/reports.ttl holds the duty statuses.
PLAN_FILES: tuple[str, ...] = (
    "data/plan.ttl",
    "data/organisations.ttl",
    "data/organisation-changes.ttl",
    "data/ip-categories.ttl",
    "data/code-lists.ttl",
    "ontology/reports.ttl",
)

# What the shapes look up in the plan: the classes sh:class checks (and labels for messages), the code lists
# sh:hasValue checks, who holds which duty, successors and group members, indicator units, and the deadline.
# The rest of the plan (its text, its parts) stays out of the data graph: a small graph keeps validation fast.
CONTEXT_CLASSES = (IPG.Duty, ORG.Organization, IPG.OrganizationGroup)
CONTEXT_SCHEMES = (IPR.indicators, IPR["ip-categories"], IPR["training-levels"], IPR["duty-statuses"])
CONTEXT_LINKS = (FOAF.member, IPG.successor, IPG.deadline, TIME.month, TIME.day)
# Predicates only the plan may use: a report using them would redefine what the shapes check it against.
PLAN_PREDICATES = frozenset(
    {PROV.qualifiedAssociation, PROV.agent, PROV.hadRole, SKOS.inScheme, IPG.isCumulative, *CONTEXT_LINKS}
)


def plan_context(plan: Graph) -> Graph:
    """The slice of the plan the report shapes consult (see ``CONTEXT_CLASSES`` and its neighbours)."""
    context = Graph()
    for cls in CONTEXT_CLASSES:
        for subject in plan.subjects(RDF.type, cls):
            context.add((subject, RDF.type, cls))
            for label in plan.objects(subject, RDFS.label):
                context.add((subject, RDFS.label, label))
    for duty in plan.subjects(RDF.type, IPG.Duty):
        for association in plan.objects(duty, PROV.qualifiedAssociation):
            context.add((duty, PROV.qualifiedAssociation, association))
            for predicate in (PROV.agent, PROV.hadRole):
                for value in plan.objects(association, predicate):
                    context.add((association, predicate, value))
    for scheme in CONTEXT_SCHEMES:
        for concept in plan.subjects(SKOS.inScheme, scheme):
            context.add((concept, SKOS.inScheme, scheme))
            for unit in plan.objects(concept, SDMX_ATTRIBUTE.unitMeasure):
                context.add((concept, SDMX_ATTRIBUTE.unitMeasure, unit))
    for predicate in CONTEXT_LINKS:
        for triple in plan.triples((None, predicate, None)):
            context.add(triple)
    return context
