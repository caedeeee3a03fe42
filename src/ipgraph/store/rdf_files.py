"""Reading RDF files for bulk loads, shared by both engines so a file parses the same way in either mode.

pyoxigraph's streaming parsers read the file (fast, bounded memory, errors with line and column); the quads are
placed in the target graph and optionally moved to another IRI base before an engine stores them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ipgraph.errors import InputError, RdfSyntaxError
from ipgraph.store.terms import OxGraphName

IriRewrite = tuple[str, str]

#: File name endings read as RDF (pyoxigraph alone would also take ``.txt`` as N-Triples).
FILE_EXTENSIONS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}


def file_format(path: Path, media_type: str | None) -> ox.RdfFormat:
    """The RDF format named by a media type, or guessed from the file extension."""
    found = ox.RdfFormat.from_media_type(media_type) if media_type else FILE_EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"cannot tell the RDF format of {path.name} ({media_type or 'no media type'}); "
            "name it .ttl, .nt, .nq, .trig, .rdf or .jsonld, or give the format"
        )
    return found


def read_quads(
    path: Path, graph_name: OxGraphName, media_type: str | None = None, iri_rewrite: IriRewrite | None = None
) -> Iterator[ox.Quad]:
    """The quads of a file: its triples (and default-graph quads) in ``graph_name``, named-graph quads kept.

    Blank nodes get fresh labels so two loads never merge their blank nodes. Raises :class:`RdfSyntaxError`
    while iterating when the file does not parse, and :class:`InputError` when it cannot be read.
    """
    rdf_format = file_format(path, media_type)
    try:
        parsed = ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        for quad in parsed:
            placed = _into_graph(quad, graph_name)
            yield placed if iri_rewrite is None else _rewrite_quad(placed, *iri_rewrite)
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {error.msg}", line=error.lineno, column=error.offset) from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None


def _into_graph(quad: ox.Quad, graph_name: OxGraphName) -> ox.Quad:
    if isinstance(quad.graph_name, ox.DefaultGraph):
        return ox.Quad(quad.subject, quad.predicate, quad.object, graph_name)
    return quad


def _rewrite_quad(quad: ox.Quad, old: str, new: str) -> ox.Quad:
    def rewrite(term: Any) -> Any:
        if isinstance(term, ox.NamedNode) and term.value.startswith(old):
            return ox.NamedNode(new + term.value[len(old) :])
        return term

    return ox.Quad(rewrite(quad.subject), rewrite(quad.predicate), rewrite(quad.object), rewrite(quad.graph_name))
