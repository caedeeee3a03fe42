"""The one lock around rdflib's SPARQL parser, for every module that makes rdflib parse SPARQL.

rdflib's grammar is one shared pyparsing object whose parse state is not thread-safe: two texts parsed at once
corrupt each other (spurious syntax errors). The SPARQL guard parses queries with it, and report validation
parses with it whenever pySHACL's query is answered by rdflib rather than the in-memory engine
(:mod:`ipgraph.reports.validation`); both take this lock, so neither overlaps the other. Hold it only around
the parse itself: a validation holding it throughout would make every query and every other validation wait.
"""

from __future__ import annotations

import threading

#: Held while rdflib parses SPARQL: in the guard (:mod:`ipgraph.sparql_guard`) and in report validation.
SPARQL_PARSER_LOCK = threading.Lock()
