"""Lines of the statements about each subject of an uploaded Turtle file (ipgraph.reports.rdf_lines)."""

from __future__ import annotations

from ipgraph.reports.rdf_lines import line_text, subject_lines


def test_subjects_by_full_iri_and_by_prefixed_name() -> None:
    text = (
        "@prefix : <urn:example:r:> .\nPREFIX ex: <urn:ex:>\n\n:report a <urn:T> ;\n    <urn:p> 1 .\n"
        "<urn:other> <urn:p> 2 .\nex:thing <urn:p> :report .\n:report <urn:q> 3 .\n"
    )
    assert subject_lines(text) == {"urn:example:r:report": 4, "urn:other": 6, "urn:ex:thing": 7}


def test_lines_are_counted_at_line_feeds_only() -> None:
    # A bare CR does not end a line for rdflib's Turtle parser, so it does not here either.
    text = "<urn:a> <urn:p> 1 .\r<urn:b> <urn:p> 2 .\n<urn:c> <urn:p> 3 .\n"
    assert subject_lines(text) == {"urn:a": 1, "urn:c": 2}


def test_an_offending_line_is_shown_shortened() -> None:
    assert line_text("a\n" + "x" * 300, 2, limit=10) == "xxxxxxxxx…"
    assert line_text("a", 5) == ""
