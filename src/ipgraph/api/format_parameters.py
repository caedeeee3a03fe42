"""The answer format a SPARQL client asks for with URL or form parameters, as the common clients send them.

SPARQL 1.1 Protocol leaves the format to ``Accept``; clients add parameters of their own. SPARQLWrapper sends
``format``, ``output`` and ``results`` all at once, with its return format's short name (``n3``, ``rdf+xml``,
``json-ld``, …) and, for TSV, JSON-LD and RDF/XML, a second value holding its ``Accept`` list; Jena-style
clients send ``output=json``; browsers use ``?format=``. So:

- every non-empty value of those parameters is read as a format name, a media type or a list of media types;
- values that name no format this answer can take (an unknown name, or a known one that does not suit the query
  form) are set aside, and ``Accept`` decides, as it would without them;
- values that name formats of this answer must agree: two different ones are a contradiction (400).

>>> from ipgraph.formats import RESULT_FORMATS
>>> choose_answer_format(["tsv", "text/tab-separated-values"], None, RESULT_FORMATS).name
'tsv'
>>> choose_answer_format(["n3"], "application/sparql-results+json", RESULT_FORMATS).name
'json'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ipgraph.errors import InputError
from ipgraph.formats import ALL_FORMATS, Format, NotAcceptableError, format_by_name, negotiate

#: The parameters clients name an answer format with: ipgraph's and browsers' ``format``, Jena's ``output``,
#: and ``results`` (SPARQLWrapper sends all three).
FORMAT_PARAMETERS: tuple[str, ...] = ("format", "output", "results")


def format_values(params: Mapping[str, Sequence[str]]) -> list[str]:
    """Every non-empty value of the format-naming parameters, in the order given."""
    return [value.strip() for name in FORMAT_PARAMETERS for value in params.get(name, ()) if value.strip()]


def choose_answer_format(values: Sequence[str], accept: str | None, offers: Sequence[Format]) -> Format:
    """The format to answer in: the one the parameters agree on, else the one ``Accept`` prefers.

    Raises :class:`InputError` (400) when the parameters name two different formats of this answer, or name
    only formats it cannot take and the request has no ``Accept`` to fall back on; :class:`NotAcceptableError`
    (406) when nothing acceptable is offered.
    """
    named: dict[Format, str] = {}
    set_aside: list[str] = []
    for value in values:
        chosen = _resolve(value, offers)
        if chosen is None:
            set_aside.append(value)
        else:
            named.setdefault(chosen, value)
    if len(named) > 1:
        given = " and ".join(f"{value!r} ({offer.name})" for offer, value in named.items())
        raise InputError(f"the format parameters ask for different formats: {given}; ask for one")
    if named:
        return next(iter(named))
    types = ", ".join(offer.media_type for offer in offers)
    kinds = {offer.kind for offer in offers}
    for value in set_aside:
        known = _resolve(value, ALL_FORMATS)
        if known is not None and known.kind in kinds:  # e.g. CSV for an ASK: SPARQL defines no such answer
            raise NotAcceptableError(f"this answer does not come as {value!r}; it is available as {types}")
    if set_aside and not (accept or "").strip():
        names = ", ".join(offer.name for offer in offers)
        raise InputError(f"format {set_aside[0]!r} does not suit this answer; choose one of: {names}")
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise NotAcceptableError(f"no acceptable format in Accept: {accept!r}; this answer is available as {types}")
    return chosen


def _resolve(value: str, offers: Sequence[Format]) -> Format | None:
    """A name, media type or extension; a comma-separated list of media types is read as an ``Accept`` list."""
    if "," in value:
        if not all("/" in part for part in value.split(",") if part.strip()):
            return None
        return negotiate(value, offers)
    return format_by_name(value, offers)
