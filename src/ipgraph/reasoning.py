"""OWL reasoning with HermiT through owlready2: consistency of ontology plus data, and the inferred graph.

owlready2 keeps process-wide state (a default world, ``JAVA_EXE``, ``onto_path``) and resolves ``owl:imports``
by downloading them. Both stay inside this module: each run gets a fresh private ``World``, imports are
removed from the input before owlready2 sees it (and reported), and the Java executable is set here.
"""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ipgraph.errors import IpgraphError, ReasonerUnavailableError
from ipgraph.vocab import PREFIXES

#: Where ``ipgraph reason`` writes the inferred graph, loaded into its own named graph.
INFERRED_FILE = "inferred.ttl"

_OWL_BUILTINS = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
_LOCK = threading.Lock()  # owlready2's module-level state is not safe to share between threads


@dataclass(frozen=True)
class ReasoningResult:
    """The outcome of one HermiT run: ``inferred`` holds only triples the input did not state."""

    consistent: bool
    inferred: Graph
    ignored_imports: tuple[str, ...]
    message: str


def configure_owlready(java: str | None = None) -> str:
    """Point owlready2 at a Java runtime (``java`` or the first on PATH) and return its path."""
    executable = java or shutil.which("java")
    if not executable:
        raise ReasonerUnavailableError("HermiT needs Java 11 or newer on PATH (java was not found)")
    owlready2.JAVA_EXE = executable
    owlready2.onto_path.clear()  # never look up ontologies in directories or on the web
    return executable


def prepare_input(graph: Graph) -> tuple[Graph, tuple[str, ...]]:
    """A copy of ``graph`` ready for owlready2, and the ``owl:imports`` removed from it.

    Imports are dropped because owlready2 would download them. Instances of declared classes are declared
    ``owl:NamedIndividual`` (OWL 2 DL typing), without which owlready2 does not treat them as individuals.
    """
    prepared = Graph()
    removed: list[str] = []
    for triple in graph:
        if triple[1] == OWL.imports:
            removed.append(str(triple[2]))
        else:
            prepared.add(triple)
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and cls in classes:
            prepared.add((subject, RDF.type, OWL.NamedIndividual))
    return prepared, tuple(sorted(removed))


def reason(graph: Graph, *, java: str | None = None) -> ReasoningResult:
    """Check ``graph`` (ontology and data together) with HermiT and collect what it infers.

    An inconsistent graph is a result, not an exception: ``consistent`` is ``False`` and ``message`` says why.
    """
    cleaned, ignored = prepare_input(graph)
    with _LOCK:
        configure_owlready(java)
        world = owlready2.World()
        try:
            ontology = world.get_ontology("https://w3id.org/ipgraph/reasoning-input#")
            ontology.load(fileobj=io.BytesIO(cleaned.serialize(format="nt", encoding="utf-8")), format="ntriples")
            try:
                with ontology:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return ReasoningResult(False, Graph(), ignored, "HermiT found the ontology and data inconsistent")
            except owlready2.OwlReadyJavaError as error:
                raise IpgraphError(f"HermiT failed: {error}") from error
            inferred = Graph()
            for triple in _inferences(world):
                if triple not in graph:
                    inferred.add(triple)
        finally:
            world.close()
    return ReasoningResult(True, inferred, ignored, f"consistent; {len(inferred)} inferred triples")


def _inferences(world: owlready2.World) -> Iterable[tuple[URIRef, URIRef, URIRef]]:
    """Every class membership (with superclasses) and every inverse link of the reasoned world.

    owlready2 stores only the most specific types and one direction of an inverse pair, so both are
    expanded here; the caller keeps what the input did not already say.
    """
    for individual in world.individuals():
        for cls in individual.INDIRECT_is_a:
            iri = getattr(cls, "iri", None)
            if isinstance(cls, owlready2.ThingClass) and iri and not iri.startswith(_OWL_BUILTINS):
                yield URIRef(individual.iri), RDF.type, URIRef(iri)
    for prop in world.object_properties():
        inverse = prop.inverse_property
        if inverse is None:
            continue
        for subject, obj in prop.get_relations():
            if hasattr(subject, "iri") and hasattr(obj, "iri"):
                yield URIRef(obj.iri), URIRef(inverse.iri), URIRef(subject.iri)


def model_files(project_dir: Path) -> list[Path]:
    """The files HermiT checks: the ontology and the plan's data, never reports, shapes or earlier inferences."""
    files = sorted((project_dir / "ontology").glob("*.ttl")) + sorted((project_dir / "data").glob("*.ttl"))
    return [path for path in files if path.name != INFERRED_FILE]


def reason_over_project(project_dir: Path, *, java: str | None = None) -> ReasoningResult:
    """Reason over the project's ontology and data, as ``ipgraph reason`` and the content tests do."""
    graph = Graph()
    for path in model_files(project_dir):
        graph.parse(path, format="turtle")
    return reason(graph, java=java)


def write_inferred(result: ReasoningResult, path: Path) -> None:
    """Write the inferred graph in sorted N-Triples-like Turtle so the file only changes when facts do."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in result.inferred:
        graph.add(triple)
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
