"""What the publication tests share besides fixtures: the running service's handle and an RDF reader.

(A module of its own, not ``conftest``: several test directories have a ``conftest.py``, so importing names from
"conftest" would pick whichever was imported first.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from ipgraph.settings import Settings

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Service:
    """A running ipgraph service: its root URL and the settings it was built with."""

    url: str
    settings: Settings


def parse_document(data: bytes, media_type: str) -> Graph:
    """An RDF document as an rdflib graph. JSON-LD is read by pyoxigraph (and handed over as N-Triples) because
    rdflib's own JSON-LD parser raises deprecation warnings of its own, which this suite turns into errors."""
    if media_type == "application/ld+json":
        quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD)
        data = pyoxigraph.serialize([quad.triple for quad in quads], format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        media_type = "application/n-triples"
    return Graph().parse(data=data, format=RDFLIB_FORMATS[media_type])


RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
