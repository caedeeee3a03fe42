"""Submission token records in the store (remote mode), so every replica on one SPARQL server checks the same tokens.

Graph ``ipgraph:tokens`` holds, per token, its record as JSON (the fields of :class:`TokenRecord` but the
revocation) and, once revoked, the moment::

    <https://w3id.org/ipgraph/graph/tokens#{id}> rdf:value "{…}"^^rdf:JSON ; prov:invalidatedAtTime "…" .

Issuing adds a record, revoking adds a time (a second revocation racing the first leaves two; the earliest
counts): no update depends on what another one wrote, so none can be lost between replicas. The graph is as
readable as any other through the public SPARQL endpoint: its records were made to be non-secret (a salted
SHA-256 of a 256-bit secret; the token itself is never stored), so only the notes need care
(docs/operations.md, "Replicas").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from ipgraph.reports.tokens import TOKENS_FILE, TokenFile, TokenRecord, TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store.base import Row, Store, UpdateRequest
from ipgraph.store.sparql_text import iri_text, term_text
from ipgraph.vocab import GRAPH

LOGGER = logging.getLogger(__name__)
TOKENS_GRAPH = GRAPH["tokens"]
_JSON = RDF.JSON

_RECORDS = f"""SELECT ?token ?record ?revoked WHERE {{
  GRAPH <{TOKENS_GRAPH}> {{ ?token <{RDF.value}> ?record OPTIONAL {{ ?token <{PROV.invalidatedAtTime}> ?revoked }} }}
}}"""


def token_iri(token_id: str) -> URIRef:
    """The resource standing for one token in the graph (its id is public, as ``ipgraph tokens list`` shows)."""
    return URIRef(f"{TOKENS_GRAPH}#{token_id}")


class TokenGraph:
    """Token records in graph ``ipgraph:tokens`` of ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, token_id: str) -> TokenRecord | None:
        """The record of one token, read from the store now (one small query per authentication)."""
        found = _records(self.store.select(_RECORDS, {"token": token_iri(token_id)}))
        return found.get(token_id)

    def all(self) -> dict[str, TokenRecord]:
        """Every record, by id."""
        return _records(self.store.select(_RECORDS))

    def add(self, record: TokenRecord) -> None:
        """Add a record (its revocation, if any, as a separate triple)."""
        fields = {key: value for key, value in asdict(record).items() if key != "revoked_at"}
        value = Literal(json.dumps(fields, ensure_ascii=False, sort_keys=True), datatype=_JSON)
        triples = f"{iri_text(str(token_iri(record.token_id)))} <{RDF.value}> {term_text(value)} ."
        if record.revoked_at is not None:
            triples += _revocation(record.token_id, record.revoked_at)
        self.store.update(UpdateRequest(f"INSERT DATA {{ GRAPH <{TOKENS_GRAPH}> {{ {triples} }} }}"))

    def revoke(self, chosen: Callable[[TokenRecord], bool], at: str) -> list[TokenRecord]:
        """Revoke the active records ``chosen`` picks: one update adding their revocation times."""
        revoked = [replace(record, revoked_at=at) for record in self.all().values() if record.active and chosen(record)]
        if revoked:
            triples = "".join(_revocation(record.token_id, at) for record in revoked)
            self.store.update(UpdateRequest(f"INSERT DATA {{ GRAPH <{TOKENS_GRAPH}> {{ {triples} }} }}"))
        return revoked

    def import_file(self, path: Path) -> int:
        """Copy the records of a ``tokens.json`` the store does not hold yet (and revocations it lacks); returns
        how many records changed. Run at start in remote mode, so tokens issued before still work."""
        if not path.exists():
            return 0
        kept = self.all()
        triples = ""
        changed = 0
        for token_id, record in TokenFile(path).all().items():
            held = kept.get(token_id)
            if held is None:
                self.add(record)
                changed += 1
            elif held.active and record.revoked_at is not None:
                triples += _revocation(token_id, record.revoked_at)
                changed += 1
        if triples:
            self.store.update(UpdateRequest(f"INSERT DATA {{ GRAPH <{TOKENS_GRAPH}> {{ {triples} }} }}"))
        return changed


def _revocation(token_id: str, at: str) -> str:
    moment = Literal(at, datatype=XSD.dateTime)
    return f" {iri_text(str(token_iri(token_id)))} <{PROV.invalidatedAtTime}> {term_text(moment)} ."


def _records(rows: list[Row]) -> dict[str, TokenRecord]:
    """The records of the rows; one that does not read as a record of its own token (written into the graph by
    hand) is left out and logged: it authenticates nobody and hides no other record."""
    found: dict[str, TokenRecord] = {}
    for row in rows:
        try:
            fields = json.loads(str(row["record"]))
            record = TokenRecord(**fields)
            if not isinstance(record.token_id, str) or row.get("token") != token_iri(record.token_id):
                raise ValueError(f"it is kept as {row.get('token')}, not as the token it names")
            for text in (record.organisation, record.salt, record.digest, record.issued_at):
                if not isinstance(text, str):
                    raise TypeError(f"{text!r} is not text")
            bytes.fromhex(record.salt)
            record.digest.encode("ascii")
        except (KeyError, ValueError, TypeError) as error:
            LOGGER.warning("a token record in <%s> is unreadable and was left out: %s", TOKENS_GRAPH, error)
            continue
        revoked = str(row["revoked"]) if "revoked" in row else None
        earlier = found.get(record.token_id)
        times = [time for time in (revoked, earlier.revoked_at if earlier else None) if time is not None]
        found[record.token_id] = replace(record, revoked_at=min(times) if times else None)
    return found


def token_registry(settings: Settings, store: Store | None = None) -> TokenRegistry:
    """The tokens the settings' store mode keeps: ``tokens.json`` beside an embedded store, graph
    ``ipgraph:tokens`` of a remote one (which first takes over the records of a ``tokens.json`` left in the data
    directory, so tokens issued before the move keep working). ``store`` is opened from the settings (without
    loading the project) when not given."""
    if settings.store_mode != "remote":
        return TokenRegistry.for_data_dir(settings.data_dir)
    if store is None:
        from ipgraph.store.remote import RemoteStore

        store = RemoteStore.from_settings(settings)
    graph = TokenGraph(store)
    graph.import_file(settings.data_dir / TOKENS_FILE)
    return TokenRegistry(graph)
