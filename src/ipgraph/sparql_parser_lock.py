"""The one lock around rdflib's SPARQL parser, for every module that makes rdflib parse SPARQL.

rdflib's grammar is one shared pyparsing object whose parse state is not thread-safe: two texts parsed at once
corrupt each other (spurious syntax errors). The SPARQL guard parses queries with it, and pySHACL parses the
report shapes' SHACL-SPARQL constraints with it while validating; both take this lock, so neither overlaps the
other. Hold it only around work that parses SPARQL with rdflib.
"""

from __future__ import annotations

import threading

#: Held while rdflib parses SPARQL (:mod:`ipgraph.sparql_guard`) or pySHACL validates (:mod:`ipgraph.reports`).
SPARQL_PARSER_LOCK = threading.Lock()
