"""Where a resource is written in an uploaded Turtle or N-Triples file: the line its first statement starts on, so
a finding about it can say "line 23" to someone reading the file in an editor.

Only subjects that open a line are found (``<urn:x> a …`` or ``:report a …``), with ``@prefix``/``PREFIX``
declarations read as they come; blank nodes and JSON-LD or RDF/XML documents have no line. Lines are counted at
``\\n``, as rdflib's Turtle parser counts them in its syntax errors.

>>> subject_lines('@prefix : <urn:e:> .\\n\\n:report a <urn:T> .\\n')
{'urn:e:report': 3}
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_IRI_SUBJECT = re.compile(r"^<([^>\s]+)>")
_NAME_SUBJECT = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.\-]*)(?=\s)")


def subject_lines(text: str) -> dict[str, int]:
    """Each IRI that starts a statement at the beginning of a line → the first such line (1-based)."""
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    statement_ended = True  # a subject opens a line only after the previous statement's closing "."
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.split(" #", 1)[0].strip()
        if not stripped or stripped.startswith("#"):
            continue
        declared = _PREFIX.match(stripped)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        if statement_ended:
            iri = _IRI_SUBJECT.match(stripped)
            name = _NAME_SUBJECT.match(stripped)
            if iri:
                found.setdefault(iri.group(1), number)
            elif name and (name.group(1) or "") in prefixes:
                found.setdefault(prefixes[name.group(1) or ""] + name.group(2), number)
        statement_ended = stripped.endswith(".")
    return found


def line_text(text: str, line: int, limit: int = 120) -> str:
    """Line ``line`` (1-based) of ``text``, shortened to ``limit`` characters ("" past the end)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].strip()
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
