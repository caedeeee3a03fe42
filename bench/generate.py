"""Synthetic datasets shaped like the plan, of any size, reproducible from a seed.

The project's own graphs (ontology/, data/) are the template: copy ``k`` renames every IRI under the published base
``…/id/`` to ``…/id/synthetic-k/`` (so the canned queries find k more plans, organisations and duties), and shuffles
numbers and text a little with a seeded random generator, so copies are not byte-identical and no index is
trivially shared. The ontology is written once, unchanged. Output: N-Quads, one named graph per source graph and
copy, the quads in a fixed order: the same ``--triples`` and ``--seed`` always give the same file.

    .venv/bin/python bench/generate.py --triples 1000000 --out var/bench/synthetic-1m.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

PROJECT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/ipgraph/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"


def _read(path: Path, number: int) -> list[ox.Quad]:
    """A file's quads with blank nodes labelled by file number and order of appearance (the parser's are random)."""
    labels: dict[str, ox.BlankNode] = {}

    def label(term: object) -> object:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term.value, ox.BlankNode(f"f{number}n{len(labels)}"))
        return term

    return [
        ox.Quad(label(quad.subject), quad.predicate, label(quad.object))  # type: ignore[arg-type]
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]


def template() -> list[tuple[str, list[ox.Quad]]]:
    """(graph name, its quads) for the ontology and every data/*.ttl, in file-name order."""
    ontology_files = sorted((PROJECT / "ontology").glob("*.ttl"))
    data_files = sorted((PROJECT / "data").glob("*.ttl"))
    ontology = [quad for number, path in enumerate(ontology_files) for quad in _read(path, number)]
    graphs: list[tuple[str, list[ox.Quad]]] = [(GRAPH + "ontology", ontology)]
    for number, path in enumerate(data_files, start=len(ontology_files)):
        graphs.append((GRAPH + path.stem, _read(path, number)))
    return graphs


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, copy: int, chooser: random.Random) -> object:
    if isinstance(term, ox.NamedNode):
        if term.value.startswith(ID):
            return ox.NamedNode(f"{ID}synthetic-{copy}/{term.value[len(ID) :]}")
        return term
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"c{copy}{term.value}")
    datatype = term.datatype.value if term.datatype is not None else ""
    if datatype.endswith(("#integer", "#decimal", "#nonNegativeInteger", "#positiveInteger")):
        try:
            number = int(float(term.value))
        except ValueError:
            return term
        changed = max(1, number + chooser.randint(-number // 10 - 1, number // 10 + 1))
        return ox.Literal(str(changed), datatype=term.datatype)
    if term.language is not None and chooser.random() < 0.1:
        return ox.Literal(f"{term.value} ({copy})", language=term.language)
    return term


def synthetic(triples: int, seed: int) -> Iterator[ox.Quad]:
    """Quads until ``triples`` is reached: the ontology once, then renamed, perturbed copies of the data graphs."""
    chooser = random.Random(seed)
    graphs = template()
    written = 0
    ontology_name, ontology = graphs[0]
    for quad in ontology:
        if written >= triples:
            return
        yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(ontology_name))
        written += 1
    copy = 0
    while written < triples:
        copy += 1
        for name, quads in graphs[1:]:
            graph = ox.NamedNode(f"{name}/synthetic-{copy}")
            for quad in quads:
                if written >= triples:
                    return
                yield ox.Quad(
                    _term(quad.subject, copy, chooser),  # type: ignore[arg-type]
                    _term(quad.predicate, copy, chooser),  # type: ignore[arg-type]
                    _term(quad.object, copy, chooser),  # type: ignore[arg-type]
                    graph,
                )
                written += 1


def write(triples: int, seed: int, out: Path) -> Path:
    """Write the dataset to ``out`` (N-Quads) unless it is there already; return the path."""
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    ox.serialize(synthetic(triples, seed), output=str(partial), format=ox.RdfFormat.N_QUADS)
    partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=160)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    path = write(args.triples, args.seed, args.out)
    print(f"{path}: {args.triples} quads, seed {args.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
