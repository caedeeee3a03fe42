"""The /sparql form reader gives exactly ``parse_qsl``'s fields, from its cache or not, hostile bodies included."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest

from ipgraph.api.sparql import CACHED_FORM_CHARACTERS, _cached_form_fields, _form_fields

VIETNAMESE = 'SELECT * WHERE { ?s ?p "Kế hoạch phát triển tài sản trí tuệ" }'
BODIES = [
    urlencode({"query": VIETNAMESE}),
    urlencode({"query": VIETNAMESE, "default-graph-uri": "https://example.org/g"}),
    "query=ASK+%7B%7D&query=ASK+%7B%7D",  # a parameter given twice stays twice
    "query=%zz%4&update=",  # broken escapes stay as written; a blank value is kept
    "query=%ff%fe%C3",  # bytes that are no UTF-8: replaced, as parse_qsl does
    "&&=&query",
    "query=" + "%E1%BA%BF" * (CACHED_FORM_CHARACTERS // 9 + 1),  # longer than the cache takes
]


@pytest.mark.parametrize("body", BODIES)
def test_fields_are_parse_qsl_s(body: str) -> None:
    expected = tuple(parse_qsl(body, keep_blank_values=True))
    assert _form_fields(body) == expected
    assert _form_fields(body) == expected  # a second reading, from the cache when short


def test_cache_holds_short_bodies_only() -> None:
    _cached_form_fields.cache_clear()
    _form_fields(BODIES[0])
    _form_fields(BODIES[-1])
    assert _cached_form_fields.cache_info().currsize == 1


def test_many_distinct_bodies_do_not_grow_the_cache_past_its_bound() -> None:
    for number in range(2000):
        _form_fields(urlencode({"query": f'ASK {{ ?s ?p "{number}" }}'}))
    info = _cached_form_fields.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize
