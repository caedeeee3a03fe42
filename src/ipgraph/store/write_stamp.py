"""A write stamp kept in the store itself, so every process on one SPARQL server sees every other's writes.

Caches and validators (the progress cache, ETags) are keyed on :attr:`Store.generation`. A counter in one process
cannot see a write made through another ``ipgraph serve`` on the same server, so a remote store shared by
replicas appends one more operation to each update it sends: the triple
``<ipgraph:system> dcterms:identifier "urn:uuid:…"`` in graph ``ipgraph:system`` is replaced by a fresh one. The
stamp changes in the same request, so in the same transaction, as the write it marks; reading it is one small
query. Two writes committed at once may leave two stamps side by side (each deleted the old one and added its
own); the set still changed, and the next write replaces both.

>>> print(stamped("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "urn:uuid:1").splitlines()[1])
;
>>> stamped("PREFIX ex: <urn:ex:>", "urn:uuid:1")  # no operation, nothing to stamp
'PREFIX ex: <urn:ex:>'
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from rdflib.namespace import DCTERMS
from rdflib.term import Identifier

from ipgraph.store.sparql_text import tokens
from ipgraph.vocab import GRAPH

#: The graph holding the write stamp (one triple, or two just after writes committed at the same moment).
SYSTEM_GRAPH = GRAPH["system"]

#: The update operations of SPARQL 1.1 Update §3 (WITH opens a DELETE/INSERT).
_OPERATIONS = frozenset({"LOAD", "CLEAR", "DROP", "ADD", "MOVE", "COPY", "CREATE", "INSERT", "DELETE", "WITH"})

#: The stamps now in the store.
STAMP_QUERY = f"SELECT ?stamp WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ <{SYSTEM_GRAPH}> <{DCTERMS.identifier}> ?stamp }} }}"


def stamp_update(stamp: str | None = None) -> str:
    """The operation that replaces the stamp (by a fresh ``urn:uuid`` unless ``stamp`` is given)."""
    value = stamp or uuid.uuid4().urn
    pattern = f"<{SYSTEM_GRAPH}> <{DCTERMS.identifier}>"
    # Two operations, not one DELETE/INSERT with an OPTIONAL: Virtuoso 7.2 inserts nothing when the OPTIONAL
    # finds no old stamp.
    return (
        f"DELETE WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ {pattern} ?old }} }} ;\n"
        f'INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ {pattern} "{value}" }} }}'
    )


def stamped(update: str, stamp: str | None = None) -> str:
    """``update`` followed, in the same request, by the stamp's replacement; unchanged if it holds no operation.

    The stamp's operation goes after a line break (a trailing ``#`` comment ends there) and after a ``;`` unless
    the text already ends with one (SPARQL 1.1 Update §3: ``Update1 ( ';' Update )?``).
    """
    found = [token for token in tokens(update) if token.depth == 0 and token.kind in ("word", "other")]
    if not any(token.kind == "word" and token.text.upper() in _OPERATIONS for token in found):
        return update
    separator = "\n" if found[-1].text == ";" else "\n;\n"
    return update + separator + stamp_update(stamp)


def generation_of(stamps: Iterable[Identifier], local_writes: int) -> int:
    """A generation number from the stamps read and this process's own count of writes sent (which still moves
    when a stamp could not be written)."""
    text = "\n".join(sorted(str(stamp) for stamp in stamps)) + f"\n{local_writes}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:7], "big")
