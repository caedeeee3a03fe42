"""Search over labels and texts that ignores Vietnamese diacritics: "so huu tri tue" finds "sở hữu trí tuệ".

Every label, title, comment and text in the store is folded once (diacritics dropped, ``đ`` → ``d``, lower
case) into an in-memory index; a query is folded the same way and each of its words must occur. The index is
rebuilt when the store's state changes (the caller passes the state's digest). Folding keeps one character
per character, so a match in the folded text locates the same span in the original for highlighting.

>>> fold("Sở hữu trí tuệ, ĐỊA LÝ")
'so huu tri tue, dia ly'
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ipgraph.store.base import Store
from ipgraph.vocab import IPG

#: The properties searched, the naming ones first (a match there ranks higher).
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title)
TEXT_PROPERTIES = (IPG.text, RDFS.comment, SKOS.definition, DCTERMS.description)
SNIPPET_RADIUS = 80

_INDEX_QUERY = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?s) && isLiteral(?o))
}
"""


def fold_char(char: str) -> str:
    """One character without its diacritics, lower-cased; always exactly one character."""
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base[0] if base else char


def fold(text: str) -> str:
    """``text`` without diacritics, lower-cased, one character for each character of its NFC form."""
    return "".join(fold_char(char) for char in unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class IndexedText:
    """One literal of one resource, as written and folded."""

    resource: URIRef
    prop: URIRef
    text: str
    folded: str
    lang: str | None


@dataclass(frozen=True)
class SearchHit:
    """A resource that matches: the best matching text with the matched span, and the resource's labels."""

    resource: URIRef
    labels: dict[str, str]
    text: str
    lang: str | None
    match_start: int
    match_end: int
    in_label: bool

    def label(self, lang: str) -> str:
        """The resource's label in ``lang``, else the other language, else its IRI."""
        return self.labels.get(lang) or next(iter(self.labels.values()), str(self.resource))

    def snippet(self) -> tuple[str, str, str]:
        """(before, match, after) around the match, trimmed to :data:`SNIPPET_RADIUS` characters each side."""
        start = max(0, self.match_start - SNIPPET_RADIUS)
        end = min(len(self.text), self.match_end + SNIPPET_RADIUS)
        before = ("…" if start > 0 else "") + self.text[start : self.match_start]
        after = self.text[self.match_end : end] + ("…" if end < len(self.text) else "")
        return before, self.text[self.match_start : self.match_end], after


class SearchIndex:
    """Folded labels and texts of every resource in a store."""

    def __init__(self, entries: list[IndexedText]) -> None:
        self.entries = entries
        self.labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
        for entry in entries:
            if entry.prop in (RDFS.label, SKOS.prefLabel):
                self.labels[entry.resource].setdefault(entry.lang or "", entry.text)

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Read every searched literal from ``store`` (one query) and fold it."""
        properties = " ".join(f"<{p}>" for p in LABEL_PROPERTIES + TEXT_PROPERTIES)
        entries = []
        for row in store.select(_INDEX_QUERY % properties):
            subject, prop, value = row.get("s"), row.get("p"), row.get("o")
            if isinstance(subject, URIRef) and isinstance(prop, URIRef) and isinstance(value, Literal):
                text = unicodedata.normalize("NFC", str(value))
                entries.append(IndexedText(subject, prop, text, fold(text), value.language))
        return cls(entries)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Resources whose labels or texts hold every word of ``query``, best first (label matches, then
        whole-phrase matches, then the shortest text)."""
        words = fold(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[URIRef, tuple[tuple[int, int, int], SearchHit]] = {}
        for entry in self.entries:
            if not all(word in entry.folded for word in words):
                continue
            at = entry.folded.find(phrase)
            start, end = (at, at + len(phrase)) if at >= 0 else (entry.folded.find(words[0]), 0)
            if at < 0:
                end = start + len(words[0])
            in_label = entry.prop in LABEL_PROPERTIES
            rank = (0 if in_label else 1, 0 if at >= 0 else 1, len(entry.text))
            current = best.get(entry.resource)
            if current is None or rank < current[0]:
                hit = SearchHit(
                    entry.resource,
                    dict(self.labels.get(entry.resource, {})),
                    entry.text,
                    entry.lang,
                    start,
                    end,
                    in_label,
                )
                best[entry.resource] = (rank, hit)
        ranked = sorted(best.values(), key=lambda item: (item[0], str(item[1].resource)))
        return [hit for _, hit in ranked[:limit]]


class SearchIndexCache:
    """Holds the index of the store's current state; rebuilt on first use after the state changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digest: str | None = None
        self._index: SearchIndex | None = None

    def get(self, store: Store, state_digest: str) -> SearchIndex:
        """The index for the store in the state ``state_digest``, built now if it is stale or missing."""
        with self._lock:
            if self._index is None or self._digest != state_digest:
                self._index = SearchIndex.build(store)
                self._digest = state_digest
            return self._index
