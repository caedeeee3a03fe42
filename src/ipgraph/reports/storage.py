"""Accepted reports in the store: one named graph per version, and a registry of versions with their provenance.

Version ``n`` of organisation ``slug``'s report for ``year`` lives in graph ``ipgraph:reports/{slug}/{year}/v{n}``
and is the resource ``ipr:report/{slug}/{year}/v{n}``. Graph ``ipgraph:report-registry`` describes every version
graph (docs/model.md, "Reports")::

    <graph v2> a prov:Entity ; foaf:primaryTopic <report v2> ;
        dcat:isVersionOf ipr:report/{slug}/{year} ; dcat:version "2" ;
        prov:wasAttributedTo <organisation> ; ipg:reportingYear "2023"^^xsd:gYear ;
        prov:generatedAtTime "…"^^xsd:dateTime ; prov:wasRevisionOf <graph v1> ;
        dcterms:identifier "urn:uuid:…" ;
        dcterms:conformsTo ipr:shapes/{sha256 of the shapes} ;
        spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "…" ] .
    <graph v1> prov:invalidatedAtTime "…"^^xsd:dateTime .

The current version of a report is the one without ``prov:invalidatedAtTime``. A version and its registry
entry (and the invalidation of the version it replaces) reach the store in one update, which every engine
applies atomically, so a reader never sees one without the other; the number is claimed first at the store
(``dcterms:identifier``, :mod:`ipgraph.reports.version_claims`), so processes sharing a store never collide.
Only additions are written: nothing an accepted submission stored is ever changed or removed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, XSD
from rdflib.term import Node

from ipgraph.errors import InputError, NotFoundError
from ipgraph.reports.version_claims import Claim, VersionClaims
from ipgraph.store.base import Store
from ipgraph.vocab import CANONICAL_BASE, DCAT, GRAPH, IPG, IPR, sparql_prologue

#: SPDX checksums, as DCAT 3 recommends for a distribution's content hash (``spdx:checksum``).
SPDX = Namespace("http://spdx.org/rdf/terms#")
REGISTRY_GRAPH = GRAPH["report-registry"]
ORGANISATION_PREFIX = str(IPR) + "org-"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIRST_YEAR, LAST_YEAR = 2021, 2030


@dataclass(frozen=True)
class ReportKey:
    """One organisation's report for one year, across its versions."""

    organisation: URIRef
    year: int

    @property
    def slug(self) -> str:
        """The organisation's IRI without ``ipr:org-``, as graph IRIs and URLs spell it."""
        return organisation_slug(self.organisation)

    @property
    def series(self) -> URIRef:
        """``ipr:report/{slug}/{year}``: the report whatever its version."""
        return IPR[f"report/{self.slug}/{self.year}"]

    def graph(self, version: int) -> URIRef:
        """The named graph holding ``version``."""
        return GRAPH[f"reports/{self.slug}/{self.year}/v{version}"]

    def report(self, version: int) -> URIRef:
        """The stored report resource of ``version``."""
        return IPR[f"report/{self.slug}/{self.year}/v{version}"]


@dataclass(frozen=True)
class StoredVersion:
    """What the registry says about one stored version."""

    key: ReportKey
    version: int
    graph: URIRef
    report: URIRef
    submitted_at: dt.datetime
    content_hash: str
    shapes_version: str
    revision_of: URIRef | None = None
    invalidated_at: dt.datetime | None = None

    @property
    def current(self) -> bool:
        """Whether no later version has replaced this one."""
        return self.invalidated_at is None


def organisation_slug(organisation: URIRef) -> str:
    """``ipr:org-so-tai-chinh`` → ``so-tai-chinh``; only ipgraph organisations can report."""
    text = str(organisation)
    slug = text[len(ORGANISATION_PREFIX) :] if text.startswith(ORGANISATION_PREFIX) else ""
    if not _SLUG.match(slug):
        raise InputError(f"{text} is not an ipgraph organisation IRI ({ORGANISATION_PREFIX}…)")
    return slug


def organisation_from_text(text: str) -> URIRef:
    """An organisation named by IRI, by ``org-…`` local name or by slug (``so-tai-chinh``)."""
    value = text.strip()
    if value.startswith(ORGANISATION_PREFIX):
        organisation_slug(URIRef(value))
        return URIRef(value)
    slug = value.removeprefix("org-")
    if not _SLUG.match(slug):
        raise InputError(
            f"{text!r} names no organisation: give its IRI ({ORGANISATION_PREFIX}…) or its slug, e.g. so-tai-chinh"
        )
    return URIRef(ORGANISATION_PREFIX + slug)


def check_year(year: int) -> int:
    """A reporting year within the plan's period and orientation (2021–2030)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"year {year} is outside the plan's reporting years {FIRST_YEAR}–{LAST_YEAR}")
    return year


def check_uploaded_names(report: Graph) -> None:
    """Refuse an upload that describes ipgraph's own resources: it may only name itself and its parts.

    Reports are stored in the union default graph, so a subject such as ``p160:duty-V.1.a`` would let a
    report add statements about the plan (ontology/reports.ttl: "any IRI outside https://w3id.org/ipgraph/").
    """
    for subject in sorted({str(node) for node in report.subjects() if isinstance(node, URIRef)}):
        if subject.startswith(CANONICAL_BASE):
            raise InputError(
                f"the report describes {subject}, which belongs to ipgraph; a report may name itself and its parts "
                f"only with blank nodes or IRIs outside {CANONICAL_BASE}"
            )


def prepare_version(report: Graph, node: Node, key: ReportKey, version: int, received: dt.datetime) -> Graph:
    """The graph to store: the report node renamed to its minted IRI, other uploaded IRIs made local to it,
    and ``dcterms:dateSubmitted`` set to the day the service received it."""
    minted = key.report(version)
    renamed: dict[Node, Node] = {node: minted}
    uploaded = sorted({str(subject) for subject in report.subjects() if isinstance(subject, URIRef)} - {str(node)})
    for number, iri in enumerate(uploaded, start=1):
        renamed[URIRef(iri)] = URIRef(f"{minted}#part-{number}")
    stored = Graph()
    for subject, predicate, value in report:
        stored.add((renamed.get(subject, subject), predicate, renamed.get(value, value)))
    stored.remove((minted, DCTERMS.dateSubmitted, None))
    stored.add((minted, DCTERMS.dateSubmitted, Literal(received.date().isoformat(), datatype=XSD.date)))
    return stored


class ReportArchive:
    """Reads and writes report versions and their registry entries in a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def versions(self, organisation: URIRef | None = None, year: int | None = None) -> list[StoredVersion]:
        """Every stored version, optionally of one organisation and/or year, by organisation, year, version."""
        bindings: dict[str, URIRef | Literal] = {}
        if organisation is not None:
            bindings["organisation"] = organisation
        if year is not None:
            bindings["year"] = Literal(str(year), datatype=XSD.gYear)
        return versions_from_rows(self.store.select(_VERSIONS_QUERY, bindings))

    def find(self, key: ReportKey, version: int | None = None) -> StoredVersion:
        """One version (``None``: the current one), or :class:`NotFoundError`."""
        versions = self.versions(key.organisation, key.year)
        chosen = [item for item in versions if (item.version == version if version is not None else item.current)]
        if not chosen:
            which = f"version {version}" if version is not None else "a current version"
            raise NotFoundError(f"no report of {key.slug} for {key.year} has {which}")
        return chosen[-1]

    def read(self, stored: StoredVersion) -> Graph:
        """The triples of one stored version."""
        return self.store.read_graph(stored.graph)

    def current_reports(self, organisation: URIRef, before_year: int) -> Graph:
        """The current versions of ``organisation``'s reports for the years before ``before_year``, merged:
        what plausibility checks across years compare a new report with."""
        merged = Graph()
        for stored in self.versions(organisation):
            if stored.current and stored.key.year < before_year:
                for triple in self.read(stored):
                    merged.add(triple)
        return merged

    def add_version(
        self,
        key: ReportKey,
        data: Graph | Callable[[int], Graph],
        *,
        submitted_at: dt.datetime,
        content_hash: str,
        shapes_version: str,
    ) -> StoredVersion:
        """Store ``data`` (or ``data(version)``) as the report's next version with its registry entry, invalidating
        the current one: all or nothing, numbered 1, 2, 3… without gaps however many processes submit at once
        (:mod:`ipgraph.reports.version_claims`)."""
        read: dict[str, StoredVersion | None] = {}

        def latest() -> int:
            versions = self.versions(key.organisation, key.year)
            read["previous"] = next((item for item in reversed(versions) if item.current), None)
            return max((item.version for item in versions), default=0)

        def changes_for(claim: Claim) -> tuple[Graph, Graph]:
            previous = read.get("previous")
            stored = self._stored(key, claim.version, submitted_at, content_hash, shapes_version, previous)
            entry = registry_entry(stored)
            if previous is not None:
                entry.add((previous.graph, PROV.invalidatedAtTime, _timestamp(submitted_at)))
            read["stored"] = stored
            return (data(claim.version) if callable(data) else data), entry

        claim = VersionClaims(self.store, REGISTRY_GRAPH).store_next(latest, key.graph, changes_for)
        stored = read["stored"]
        assert stored is not None and stored.version == claim.version  # noqa: S101 - set by changes_for
        return stored

    @staticmethod
    def _stored(
        key: ReportKey,
        version: int,
        submitted_at: dt.datetime,
        content_hash: str,
        shapes_version: str,
        previous: StoredVersion | None,
    ) -> StoredVersion:
        return StoredVersion(
            key=key,
            version=version,
            graph=key.graph(version),
            report=key.report(version),
            submitted_at=submitted_at,
            content_hash=content_hash,
            shapes_version=shapes_version,
            revision_of=previous.graph if previous is not None else None,
        )


def shapes_iri(shapes_version: str) -> URIRef:
    """The resource standing for one version of the shapes (named by their hash)."""
    return IPR[f"shapes/{shapes_version}"]


def registry_entry(stored: StoredVersion) -> Graph:
    """The registry triples of one version (docs/model.md, "Reports"), its invalidation included once known."""
    entry = Graph()
    graph = stored.graph
    checksum = BNode()
    entry.add((graph, RDF.type, PROV.Entity))
    entry.add((graph, FOAF.primaryTopic, stored.report))
    entry.add((graph, DCAT.isVersionOf, stored.key.series))
    entry.add((graph, DCAT.version, Literal(str(stored.version))))
    entry.add((graph, PROV.wasAttributedTo, stored.key.organisation))
    entry.add((graph, IPG.reportingYear, Literal(str(stored.key.year), datatype=XSD.gYear)))
    entry.add((graph, PROV.generatedAtTime, _timestamp(stored.submitted_at)))
    entry.add((graph, DCTERMS.conformsTo, shapes_iri(stored.shapes_version)))
    entry.add((graph, SPDX.checksum, checksum))
    entry.add((checksum, RDF.type, SPDX.Checksum))
    entry.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    entry.add((checksum, SPDX.checksumValue, Literal(stored.content_hash)))
    if stored.revision_of is not None:
        entry.add((graph, PROV.wasRevisionOf, stored.revision_of))
    if stored.invalidated_at is not None:
        entry.add((graph, PROV.invalidatedAtTime, _timestamp(stored.invalidated_at)))
    return entry


def _timestamp(moment: dt.datetime) -> Literal:
    return Literal(moment.astimezone(dt.UTC).isoformat(timespec="microseconds"), datatype=XSD.dateTime)


_VERSIONS_QUERY = (
    sparql_prologue()
    + f"PREFIX spdx: <{SPDX}>\n"
    + f"""SELECT ?graph ?report ?version ?organisation ?year ?at ?hash ?shapes ?previous ?invalidated WHERE {{
  GRAPH <{REGISTRY_GRAPH}> {{
    ?graph foaf:primaryTopic ?report ; dcat:version ?version ; prov:wasAttributedTo ?organisation ;
           ipg:reportingYear ?year ; prov:generatedAtTime ?at ; dcterms:conformsTo ?shapes ;
           spdx:checksum/spdx:checksumValue ?hash .
    OPTIONAL {{ ?graph prov:wasRevisionOf ?previous }}
    OPTIONAL {{ ?graph prov:invalidatedAtTime ?invalidated }}
  }}
}}"""
)


def versions_from_rows(rows: Iterable[Mapping[str, Node]]) -> list[StoredVersion]:
    """Rows of :data:`VERSIONS_QUERY` as versions, by organisation, year, version: for readers that run the query
    on a copy of the registry (whole-store re-validation reads it from the dump it already holds)."""
    found = [_stored_version(row) for row in rows]
    return sorted(found, key=lambda item: (item.key.slug, item.key.year, item.version))


#: Every stored version's registry entry (``?organisation`` and ``?year`` may be bound to select some).
VERSIONS_QUERY = _VERSIONS_QUERY


def _stored_version(row: Mapping[str, Node]) -> StoredVersion:
    def literal(name: str) -> Literal:
        value = row[name]
        assert isinstance(value, Literal)  # noqa: S101 - the registry is written only by add_version
        return value

    def moment(value: Node | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(str(value)) if value is not None else None

    key = ReportKey(URIRef(str(row["organisation"])), int(str(literal("year"))[:4]))
    shapes = str(row["shapes"]).removeprefix(str(IPR["shapes/"]))
    previous = row.get("previous")
    submitted = moment(row["at"])
    assert submitted is not None  # noqa: S101 - required by the query
    return StoredVersion(
        key=key,
        version=int(str(literal("version"))),
        graph=URIRef(str(row["graph"])),
        report=URIRef(str(row["report"])),
        submitted_at=submitted,
        content_hash=str(literal("hash")),
        shapes_version=shapes,
        revision_of=URIRef(str(previous)) if previous is not None else None,
        invalidated_at=moment(row.get("invalidated")),
    )


def iter_report_nodes(report: Graph) -> Iterator[Node]:
    """The nodes typed ``ipg:AnnualReport`` in an upload."""
    yield from report.subjects(RDF.type, IPG.AnnualReport)
