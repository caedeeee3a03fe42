"""The nesting limit counts only the syntax's own brackets: not those in IRIs, strings or comments."""

from __future__ import annotations

import pytest

from ipgraph.errors import RdfSyntaxError
from ipgraph.nesting import check_turtle_nesting, check_xml_nesting
from ipgraph.rdf_input import parse_dataset
from ipgraph.store.syntax import parse_statements

DEEP = 70


@pytest.mark.parametrize(
    "text",
    [
        '<https://e/s> <https://e/p> "' + "[" * DEEP + '" .',
        "<https://e/s> <https://e/p> '" + "(" * DEEP + "' .",
        '<https://e/s> <https://e/p> """' + "[\n" * DEEP + '""" .',
        "<https://e/s> <https://e/p> '''" + "{\n" * DEEP + "''' .",
        '<https://e/s> <https://e/p> "\\"' + "[" * DEEP + '" .',
        "# " + "[" * DEEP + "\n<https://e/s> <https://e/p> 1 .",
        "<https://e/s" + "[" * DEEP + "> <https://e/p> 1 .",
    ],
    ids=["string", "single-quoted", "long-string", "long-single-quoted", "escaped-quote", "comment", "iri"],
)
def test_brackets_in_strings_iris_and_comments_do_not_count(text: str) -> None:
    check_turtle_nesting(text, "text/turtle", 64)


def test_the_bracket_past_the_limit_is_named() -> None:
    text = "<https://e/s> <https://e/p>\n  " + "[ <https://e/p> " * 3 + "1" + " ]" * 3 + " ."
    check_turtle_nesting(text, "text/turtle", 3)
    with pytest.raises(RdfSyntaxError) as refused:
        check_turtle_nesting(text, "text/turtle", 2)
    assert (refused.value.line, refused.value.column) == (2, 3 + 2 * len("[ <https://e/p> "))


def test_deep_trig_is_refused_with_its_place() -> None:
    body = "<https://e/g> {\n<https://e/x> <https://e/p> " + "[ <https://e/p> " * 500 + "1" + " ]" * 500 + " . }"
    with pytest.raises(RdfSyntaxError) as refused:
        parse_dataset(body.encode(), "application/trig", base_iri="urn:x:")
    assert refused.value.line == 2 and "nested deeper than 64" in str(refused.value)


def test_trig_is_read_by_the_engine_into_named_graphs_with_fresh_blank_nodes() -> None:
    body = '<https://e/g> { _:b <https://e/p> [ <https://e/q> "x" ] . }\n_:b <https://e/b> 1 .'
    first = list(parse_statements(body, "application/trig", base_iri="urn:x:"))
    again = list(parse_statements(body, "application/trig", base_iri="urn:x:"))
    assert [str(name) if name else None for *_, name in first] == ["https://e/g", "https://e/g", None]
    assert first[0][0] == first[2][0] != again[0][0]  # one label, one node; another document, another node


def test_xml_depth_is_counted_by_elements() -> None:
    shallow = b"<a>" + b"<b>" * 10 + b"</b>" * 10 + b"</a>"
    check_xml_nesting(shallow, 11)
    with pytest.raises(RdfSyntaxError, match="nested deeper than 10"):
        check_xml_nesting(shallow, 10)
