"""Allocating a report's next version number at the store, so that several service processes can accept reports.

Readers and writers of one SPARQL server may be many ``ipgraph serve`` processes, and servers do not promise
serialisable updates: ``oxigraph serve`` evaluates a conditional ``INSERT … WHERE { FILTER NOT EXISTS … }`` on a
snapshot, so two requests sent at once may both find "no version 3" and both write it. A version is therefore
claimed first and written only once its claim is known to be the only one:

1. **Claim.** Read the series' versions; the next number is ``N = max + 1``. One update adds the claim
   ``<graph vN> dcterms:identifier "urn:uuid:…"`` (a fresh id) to the registry graph, only where ``vN`` carries no
   identifier yet and ``v(N-1)`` is a complete entry (so no number is ever skipped).
2. **Read back.** If the claim is the only identifier ``vN`` carries, it won: no other claim can be made now (each
   is conditional on there being none), and one made concurrently with ours would have seen ours or been seen by
   our read-back. Two claims seen together: both withdraw and try again after a random pause.
3. **Write.** One update stores the version graph, the rest of its registry entry and the invalidation of the
   version it replaces, conditional on the claim still being there; the claim stays as the version's identifier.
   A read-back of the complete entry with our identifier confirms it.

A write that fails withdraws its claim unless the entry is complete (a request can fail after the server
applied it: that version stays whole, unacknowledged, and the sender's retry takes the next number). A claim
whose process died (SIGKILL between steps 1 and 3) is withdrawn by the next submitter of that report once it has
seen it unchanged for :data:`CLAIM_LEASE` seconds, so the number is used again and no gap is left. The one case
this cannot cover is a process stalled for longer than the lease between its read-back and its write.
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from ipgraph.errors import StoreUnavailableError
from ipgraph.store.base import Store, UpdateRequest
from ipgraph.store.sparql_text import iri_text, term_text

#: Seconds another process's unfinished claim is respected before it is taken for a dead process's and withdrawn.
CLAIM_LEASE = 15.0
#: Seconds a submission keeps trying for a number before it gives up (503: the store is too contended or down).
ALLOCATION_DEADLINE = 60.0

Clock = Callable[[], float]


@dataclass(frozen=True)
class Claim:
    """A won claim on version ``version`` of one report, under the registry's id ``identifier``."""

    version: int
    identifier: Literal


@dataclass(frozen=True)
class ClaimState:
    """What the registry holds about one version graph: its identifiers, and whether its entry is complete."""

    identifiers: frozenset[Literal]
    complete: bool


class VersionClaims:
    """Claims and writes version graphs of one registry graph in a :class:`Store`."""

    def __init__(
        self,
        store: Store,
        registry: URIRef,
        *,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.registry = registry
        self._clock = clock
        self._sleep = sleep

    def store_next(
        self,
        latest: Callable[[], int],
        graph_of: Callable[[int], URIRef],
        changes_for: Callable[[Claim], tuple[Graph, Graph]],
    ) -> Claim:
        """Claim the number after ``latest()`` and store ``changes_for(claim)`` = (version graph, registry triples).

        Retries with the next number when another process took this one, waits for an unfinished claim (and
        withdraws it after :data:`CLAIM_LEASE`), and raises :class:`StoreUnavailableError` after
        :data:`ALLOCATION_DEADLINE`. Returns the claim the version was stored under.
        """
        deadline = self._clock() + ALLOCATION_DEADLINE
        foreign_since: dict[frozenset[Literal], float] = {}
        attempt = 0
        while self._clock() < deadline:
            attempt += 1
            version = latest() + 1
            graph = graph_of(version)
            identifier = Literal(uuid.uuid4().urn)
            self._claim(graph, graph_of(version - 1) if version > 1 else None, identifier)
            state = self.state(graph)
            if state.identifiers == {identifier} and not state.complete:
                claim = Claim(version, identifier)
                data, entry = changes_for(claim)
                try:
                    self._write(graph, identifier, data, entry)
                except Exception:
                    self._withdraw_quietly(graph, identifier)
                    raise
                written = self.state(graph)
                if written.complete and identifier in written.identifiers:
                    return claim
                continue  # our claim was withdrawn as stale before the write: start again
            if identifier in state.identifiers:
                # Claimed together with another process: both step back. Unconditionally, so that a claim that
                # landed beside an entry completed meanwhile does not stay on it.
                self._withdraw(graph, [identifier], unless_complete=False)
            elif not state.complete:
                foreign = state.identifiers
                first_seen = foreign_since.setdefault(foreign, self._clock())
                if self._clock() - first_seen >= CLAIM_LEASE:
                    self._withdraw(graph, sorted(foreign), unless_complete=True)
                    foreign_since.pop(foreign)
                    continue
            else:
                continue  # that number is taken and written: the next read finds the next one
            self._sleep(random.uniform(0.005, 0.02) * min(attempt, 10))  # noqa: S311 - a back-off, not a secret
        raise StoreUnavailableError(
            f"no version number could be claimed within {ALLOCATION_DEADLINE:g} s; the store is busy or unreachable"
        )

    def state(self, graph: URIRef) -> ClaimState:
        """The identifiers the registry gives ``graph`` and whether its entry is complete (has a primary topic)."""
        rows = self.store.select(
            f"SELECT ?p ?o WHERE {{ GRAPH {iri_text(str(self.registry))} {{ {iri_text(str(graph))} ?p ?o }} }}"
        )
        identifiers = frozenset(
            row["o"] for row in rows if row.get("p") == DCTERMS.identifier and isinstance(row.get("o"), Literal)
        )
        complete = any(row.get("p") == FOAF.primaryTopic for row in rows)
        return ClaimState(identifiers, complete)  # type: ignore[arg-type]

    def _claim(self, graph: URIRef, previous: URIRef | None, identifier: Literal) -> None:
        registry = iri_text(str(self.registry))
        subject = iri_text(str(graph))
        after = (
            f"FILTER EXISTS {{ GRAPH {registry} {{ {iri_text(str(previous))} <{FOAF.primaryTopic}> ?earlier }} }}"
            if previous is not None
            else ""
        )
        self.store.update(
            UpdateRequest(
                f"INSERT {{ GRAPH {registry} {{ {subject} <{DCTERMS.identifier}> {term_text(identifier)} }} }}\n"
                f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {registry} {{ {subject} <{DCTERMS.identifier}> ?any }} }}\n"
                f"  FILTER NOT EXISTS {{ GRAPH {registry} {{ {subject} <{FOAF.primaryTopic}> ?topic }} }}\n"
                f"  {after} }}"
            )
        )

    def _write(self, graph: URIRef, identifier: Literal, data: Graph, entry: Graph) -> None:
        registry = iri_text(str(self.registry))
        subject = iri_text(str(graph))
        # One INSERT template: its blank nodes are fresh for the one solution and shared across both graphs' blocks.
        self.store.update(
            UpdateRequest(
                f"INSERT {{\n  GRAPH {subject} {{\n{_triples(data)}\n  }}\n"
                f"  GRAPH {registry} {{\n{_triples(entry)}\n  }}\n}}\n"
                f"WHERE {{ GRAPH {registry} {{ {subject} <{DCTERMS.identifier}> {term_text(identifier)} }} }}"
            )
        )

    def _withdraw(self, graph: URIRef, identifiers: list[Literal], *, unless_complete: bool) -> None:
        """Remove claims; ``unless_complete``: only while the entry is incomplete (a stale claim, or ours after a
        failed write, which may yet have been applied: the identifier of a stored version stays)."""
        registry = iri_text(str(self.registry))
        subject = iri_text(str(graph))
        triples = " ".join(f"{subject} <{DCTERMS.identifier}> {term_text(item)} ." for item in identifiers)
        condition = (
            f"FILTER NOT EXISTS {{ GRAPH {registry} {{ {subject} <{FOAF.primaryTopic}> ?topic }} }}"
            if unless_complete
            else ""
        )
        self.store.update(UpdateRequest(f"DELETE {{ GRAPH {registry} {{ {triples} }} }}\nWHERE {{ {condition} }}"))

    def _withdraw_quietly(self, graph: URIRef, identifier: Literal) -> None:
        """Withdraw our claim after a failed write, so the next submitter need not wait out the lease; if the
        store cannot be reached for that either, the lease frees the number later."""
        with contextlib.suppress(StoreUnavailableError, OSError):
            self._withdraw(graph, [identifier], unless_complete=True)


def _triples(graph: Graph) -> str:
    return "\n".join(f"    {_term(s)} {_term(p)} {_term(o)} ." for s, p, o in graph)


def _term(term: object) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    return term_text(term)  # type: ignore[arg-type]
