"""The one list of media types, file extensions and format names ipgraph speaks, and HTTP content negotiation.

Every module that reads or writes RDF or SPARQL results looks its format up here, so a media type is spelt
once. :func:`negotiate` implements proactive negotiation on ``Accept`` (RFC 9110 §12.5.1): q-values, wildcards,
the most specific matching range deciding an offer's quality, and the server's order breaking ties.

>>> negotiate("text/csv;q=0.5, application/sparql-results+json", RESULT_FORMATS).name
'json'
>>> negotiate("image/png", RESULT_FORMATS) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import Literal

FormatKind = Literal["results", "graph", "dataset"]
#: https://www.w3.org/ns/formats/ names every format below.
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name (for ``?format=``), media types, file extensions and rdflib name.

    ``kind`` says what it can carry: SPARQL ``results`` (SELECT/ASK), a ``graph`` of triples, or a ``dataset``
    of quads (a dataset format can also carry a single graph).
    """

    name: str
    media_type: str
    kind: FormatKind
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    rdflib_name: str | None = None
    w3c_name: str = ""

    @property
    def w3c_iri(self) -> str:
        """The format's IRI in the W3C formats namespace (used by service descriptions)."""
        return W3C_FORMATS + self.w3c_name

    @property
    def media_types(self) -> tuple[str, ...]:
        """The canonical media type first, then the accepted aliases."""
        return (self.media_type, *self.aliases)

    def content_type(self) -> str:
        """The ``Content-Type`` header value to answer with (textual formats say their charset)."""
        if self.media_type.startswith("text/") or self.media_type in _UTF8_APPLICATION_TYPES:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


_UTF8_APPLICATION_TYPES = frozenset(
    {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/ld+json",
        "application/rdf+xml",
        "application/problem+json",
    }
)

# SPARQL 1.1 Query Results JSON, XML, CSV and TSV Formats.
SPARQL_JSON = Format(
    "json",
    "application/sparql-results+json",
    "results",
    (".srj",),
    ("application/json",),
    ("srj",),
    w3c_name="SPARQL_Results_JSON",
)
SPARQL_XML = Format(
    "xml",
    "application/sparql-results+xml",
    "results",
    (".srx",),
    ("application/xml", "text/xml"),
    ("srx",),
    w3c_name="SPARQL_Results_XML",
)
SPARQL_CSV = Format("csv", "text/csv", "results", (".csv",), w3c_name="SPARQL_Results_CSV")
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "results", (".tsv",), w3c_name="SPARQL_Results_TSV")

# RDF 1.1 serialisations.
TURTLE = Format(
    "turtle",
    "text/turtle",
    "graph",
    (".ttl",),
    ("application/x-turtle",),
    ("ttl",),
    rdflib_name="turtle",
    w3c_name="Turtle",
)
N_TRIPLES = Format(
    "ntriples",
    "application/n-triples",
    "graph",
    (".nt",),
    (),
    ("nt", "n-triples"),
    rdflib_name="nt",
    w3c_name="N-Triples",
)
JSON_LD = Format(
    "jsonld",
    "application/ld+json",
    "graph",
    (".jsonld",),
    ("application/json",),
    ("json-ld", "json"),
    rdflib_name="json-ld",
    w3c_name="JSON-LD",
)
RDF_XML = Format(
    "rdfxml",
    "application/rdf+xml",
    "graph",
    (".rdf", ".owl"),
    ("application/xml", "text/xml"),
    ("rdf", "xml", "rdf-xml", "owl"),
    rdflib_name="xml",
    w3c_name="RDF_XML",
)
TRIG = Format("trig", "application/trig", "dataset", (".trig",), (), (), rdflib_name="trig", w3c_name="TriG")
N_QUADS = Format(
    "nquads",
    "application/n-quads",
    "dataset",
    (".nq",),
    (),
    ("nq", "n-quads"),
    rdflib_name="nquads",
    w3c_name="N-Quads",
)

#: Formats for SELECT and ASK answers, the server's preference first (SPARQL 1.1 Protocol §2.1.6).
RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
#: Formats for ASK answers: SPARQL 1.1 defines its CSV and TSV results for SELECT only.
ASK_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML)
#: Formats for CONSTRUCT and DESCRIBE answers and Graph Store GET, the server's preference first.
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, TRIG, N_QUADS)
#: Formats the Service Description is offered in.
DESCRIPTION_FORMATS: tuple[Format, ...] = (TURTLE, RDF_XML, JSON_LD, N_TRIPLES)
#: Formats a request body may carry RDF in (Graph Store, report uploads).
INPUT_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, TRIG, N_QUADS)
ALL_FORMATS: tuple[Format, ...] = RESULT_FORMATS + GRAPH_FORMATS

#: SPARQL 1.1 Protocol §2.1.2 to §2.2.2: the request body media types.
SPARQL_QUERY_MEDIA_TYPE = "application/sparql-query"
SPARQL_UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_FORM_MEDIA_TYPE = "multipart/form-data"
#: RFC 9457 problem details.
PROBLEM_JSON_MEDIA_TYPE = "application/problem+json"
HTML_MEDIA_TYPE = "text/html"


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    quality: float

    @property
    def specificity(self) -> int:
        """RFC 9110 §12.5.1: ``*/*`` < ``type/*`` < ``type/subtype`` < ``type/subtype;param``."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, media_type: str) -> bool:
        """Whether this range covers ``media_type`` (parameters on the range are ignored except for ranking)."""
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """Split a ``Content-Type`` value into its lower-cased media type and parameters.

    >>> parse_media_type('text/turtle; charset="UTF-8"')
    ('text/turtle', {'charset': 'UTF-8'})
    """
    if not header:
        return "", {}
    main, *raw_params = header.split(";")
    params: dict[str, str] = {}
    for raw in raw_params:
        name, sep, value = raw.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header (several headers joined by commas); malformed ranges are skipped."""
    ranges: list[MediaRange] = []
    for element in (header or "").split(","):
        media_type, params = parse_media_type(element)
        kind, slash, sub = media_type.partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        quality = 1.0
        raw_quality = params.pop("q", None)
        if raw_quality is not None:
            try:
                quality = min(max(float(raw_quality), 0.0), 1.0)
            except ValueError:
                continue
        ranges.append(MediaRange(kind, sub, tuple(sorted(params.items())), quality))
    return ranges


def _match(ranges: Sequence[MediaRange], media_type: str) -> tuple[int, float]:
    """(specificity, quality) of the most specific ranges matching ``media_type``; (-1, 0) when none does."""
    matching = [candidate for candidate in ranges if candidate.matches(media_type)]
    if not matching:
        return -1, 0.0
    best = max(candidate.specificity for candidate in matching)
    return best, max(candidate.quality for candidate in matching if candidate.specificity == best)


def _offer_quality(ranges: Sequence[MediaRange], offer: Format) -> float:
    """The quality of the offer's most specifically addressed media type.

    ``application/sparql-results+json;q=0, */*;q=0.1`` refuses SPARQL JSON even though its alias
    ``application/json`` is covered by ``*/*``: the explicit range is the more specific statement.
    """
    specificity, quality = max(_match(ranges, media_type) for media_type in offer.media_types)
    return quality if specificity >= 0 else 0.0


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The offer the client prefers, or ``None`` when it accepts none of them (HTTP 406).

    No ``Accept`` header (or an empty one) means anything goes: the first offer, the server's default.
    An offer is reachable by any of its media types, so ``Accept: application/json`` gets SPARQL JSON for a
    SELECT and JSON-LD for a CONSTRUCT.
    """
    return _negotiate(accept, tuple(offers))


@lru_cache(maxsize=512)
def _negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    # Clients send the same few Accept headers again and again; a bounded cache keeps odd ones from piling up.
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: Format | None = None
    best_quality = 0.0
    for offer in offers:
        quality = _offer_quality(ranges, offer)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def accepts_html(accept: str | None) -> bool:
    """Whether a browser asked for HTML explicitly (not merely through ``*/*``)."""
    return any(
        candidate.type == "text" and candidate.subtype == "html" and candidate.quality > 0
        for candidate in parse_accept(accept)
    )


def format_by_name(name: str, offers: Iterable[Format]) -> Format | None:
    """Find an offer by its ``?format=`` name, an alternative name, an extension or a media type."""
    wanted = name.strip().lower()
    for offer in offers:
        if (
            wanted == offer.name
            or wanted in offer.names
            or wanted in offer.media_types
            or f".{wanted}" in offer.extensions
        ):
            return offer
    return None


def format_for_media_type(media_type: str, offers: Iterable[Format] = ALL_FORMATS) -> Format | None:
    """The format a ``Content-Type`` names (parameters ignored), among ``offers``."""
    wanted, _ = parse_media_type(media_type)
    for offer in offers:
        if wanted in offer.media_types:
            return offer
    return None


def format_for_path(path: str | PurePath, offers: Iterable[Format] = INPUT_FORMATS) -> Format | None:
    """The format a file's extension implies (``plan.ttl`` → Turtle), among ``offers``."""
    suffix = PurePath(path).suffix.lower()
    for offer in offers:
        if suffix in offer.extensions:
            return offer
    return None
