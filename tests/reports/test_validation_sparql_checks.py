"""pySHACL's checks of SHACL-SPARQL query texts are remembered only for texts found valid."""

from __future__ import annotations

import pytest
from pyshacl.errors import ValidationFailure
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import URIRef

import ipgraph.reports.validation  # noqa: F401 (installs the remembering check)

VALID = "SELECT $this WHERE { $this <urn:p> ?o . }"
WITH_MINUS = "SELECT $this WHERE { $this <urn:p> ?o . MINUS { $this <urn:q> ?o } }"
REBINDS_VALUE = "SELECT $this ?value WHERE { $this <urn:p> ?o . BIND(?o AS ?value) }"


def _check(text: str, valuenode: URIRef | None = None) -> bool:
    # check_invalid_sparql reads only the class's regular expressions, not the instance's shape.
    helper = SPARQLQueryHelper.__new__(SPARQLQueryHelper)
    answer: bool = helper.check_invalid_sparql(text, valuenode=valuenode)  # type: ignore[no-untyped-call]
    return answer


def test_the_check_is_replaced_once() -> None:
    assert getattr(SPARQLQueryHelper.check_invalid_sparql, "remembers", False)


def test_a_forbidden_form_is_refused_every_time() -> None:
    for _ in range(3):
        with pytest.raises(ValidationFailure, match="MINUS"):
            _check(WITH_MINUS)


def test_a_valid_text_stays_valid_and_the_value_binding_is_part_of_the_key() -> None:
    assert _check(VALID) is True
    assert _check(VALID) is True
    # Without a pre-bound $value, AS ?value is allowed; with one, it is refused, also after the first answer.
    assert _check(REBINDS_VALUE) is True
    with pytest.raises(ValidationFailure, match="re-bind"):
        _check(REBINDS_VALUE, valuenode=URIRef("urn:v"))
