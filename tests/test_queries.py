"""The canned-query header format and typed parameter binding."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ipgraph.errors import InputError, NotFoundError
from ipgraph.queries import get_canned_query, load_canned_queries, parse_canned_query
from ipgraph.vocab import IPR

HEADER = """\
# title@vi: Nhiệm vụ của một cơ quan
# title@en: All duties of one agency
# description@en: Every duty an organisation leads,
# description@en: in Vietnamese and English.
# param agency: iri = ipr:org-so-cong-thuong -- The organisation
# param year: year -- Reporting year
SELECT ?duty WHERE { ?duty ?p ?agency }
"""


def test_header_gives_titles_descriptions_and_parameters() -> None:
    query = parse_canned_query("duties_of_agency", HEADER)
    assert query.title("vi") == "Nhiệm vụ của một cơ quan"
    assert query.title("fr") == "All duties of one agency"
    assert query.description() == "Every duty an organisation leads, in Vietnamese and English."
    assert [(p.name, p.type, p.default) for p in query.parameters] == [
        ("agency", "iri", "ipr:org-so-cong-thuong"),
        ("year", "year", None),
    ]
    assert query.form == "SELECT"


def test_bind_expands_prefixes_and_types_literals() -> None:
    query = parse_canned_query("duties_of_agency", HEADER)
    bindings = query.bind({"year": "2024"})
    assert bindings["agency"] == URIRef(IPR["org-so-cong-thuong"])
    assert bindings["year"] == Literal("2024", datatype=XSD.gYear)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"year": "twenty"}, "expects a year"),
        ({}, "needs parameter 'year'"),
        ({"year": "2024", "other": "x"}, "has no parameter 'other'"),
        ({"year": "2024", "agency": "> } ; DROP ALL ; #"}, "expects an IRI"),
        ({"year": "2024", "agency": "http://x/a> } DROP ALL { <b"}, "expects an IRI"),
    ],
)
def test_bad_values_are_input_errors(values: dict[str, str], expected: str) -> None:
    query = parse_canned_query("duties_of_agency", HEADER)
    with pytest.raises(InputError, match=expected):
        query.bind(values)


def test_a_string_parameter_stays_one_literal() -> None:
    query = parse_canned_query("find", "# title@en: Find\n# param text: string\nSELECT * { ?s ?p ?text }\n")
    hostile = '" } ; DROP ALL ; SELECT * { "'
    assert query.bind({"text": hostile}) == {"text": Literal(hostile)}


def test_header_errors_name_the_problem() -> None:
    with pytest.raises(InputError, match="no '# title@en:'"):
        parse_canned_query("nameless", "SELECT * {}")
    with pytest.raises(InputError, match="must read 'name: type"):
        parse_canned_query("bad", "# title@en: Bad\n# param x: colour\nSELECT * {}")
    with pytest.raises(InputError, match="lower_snake_case"):
        parse_canned_query("Bad-Name", "# title@en: x\nASK {}")


def test_load_and_lookup(tmp_path: Path) -> None:
    (tmp_path / "ask_anything.rq").write_text("# title@en: Anything?\nASK { ?s ?p ?o }\n", encoding="utf-8")
    queries = load_canned_queries(tmp_path)
    assert get_canned_query(queries, "ask_anything").form == "ASK"
    with pytest.raises(NotFoundError, match="no canned query 'missing'"):
        get_canned_query(queries, "missing")
