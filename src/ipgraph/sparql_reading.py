"""What a SPARQL text can make the engine fetch, and which dataset it names, read from the engine's own tokens.

oxigraph fetches the target of ``SERVICE`` (queries and updates) and of ``LOAD`` (updates) itself; FROM, FROM
NAMED, USING and WITH only name stored graphs. Every fetch site is found from :func:`ipgraph.sparql_lexer.tokenize`,
which splits text as the engine does, and its IRI is resolved with BASE and PREFIX as the engine resolves it.
Where the engine could read a text in more than one way, the reading that fetches is assumed:

* keywords need no separator, so a name that *starts* with ``SERVICE``/``LOAD`` (``SERVICEex:x``,
  ``servicesilent:a``) may be the keyword glued to a prefixed name;
* ``<`` after an operand inside parentheses may be "less than" rather than an IRI; when such an IRI holds ``'`` or
  ``#`` (which would start a string or a comment for the engine), the rest of the text cannot be read with
  certainty and a later ``service``/``load`` anywhere in it counts as a fetch of an unknown target.

A text without the letters ``service`` (or ``load`` in an update) anywhere cannot fetch: keywords cannot be
escaped. That check is one pass of a compiled pattern, so ordinary texts cost microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ipgraph.sparql_lexer import (
    Token,
    iri_value,
    is_prefixed_name,
    iter_tokens,
    position,
    resolve_iri,
    split_prefixed_name,
    tokenize,
)

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: frozenset[str] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

#: Texts up to this length keep their reading in a cache: the same texts come again and again (canned queries,
#: pages, dashboards), and a reading is only read afterwards, never changed.
CACHED_TEXT_LENGTH = 16_384

_QUERY_FETCH = re.compile("service", re.IGNORECASE)
_UPDATE_FETCH = re.compile("service|load", re.IGNORECASE)
_DATASET_WORD = re.compile("from", re.IGNORECASE)
_OPERANDS = frozenset({"variable", "string", "number", "iri", "name", "langtag", "blank"})


@dataclass(frozen=True)
class FetchSite:
    """A place where the engine may fetch: the keyword, the resolved IRI (``None`` when not a fixed IRI), and why."""

    keyword: Literal["SERVICE", "LOAD"]
    iri: str | None
    line: int
    column: int
    reason: str = ""


@dataclass(frozen=True)
class TextReading:
    """The engine-relevant facts of one text: its query form, every fetch site, and its FROM/USING graphs."""

    form: QueryForm
    fetches: tuple[FetchSite, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    declares_dataset: bool = False


def read_query(text: str, base_iri: str | None = None) -> TextReading:
    """Read a query (cached for texts up to :data:`CACHED_TEXT_LENGTH` characters)."""
    if len(text) <= CACHED_TEXT_LENGTH:
        return _read_cached(text, base_iri, update=False)
    return _read(text, base_iri, update=False)


def read_update(text: str, base_iri: str | None = None) -> TextReading:
    """Read an update: SERVICE and LOAD sites, USING graphs (as ``default_graphs``/``named_graphs``), WITH."""
    if len(text) <= CACHED_TEXT_LENGTH:
        return _read_cached(text, base_iri, update=True)
    return _read(text, base_iri, update=True)


@lru_cache(maxsize=1024)
def _read_cached(text: str, base_iri: str | None, update: bool) -> TextReading:
    return _read(text, base_iri, update=update)


def _read(text: str, base_iri: str | None, *, update: bool) -> TextReading:
    may_fetch = (_UPDATE_FETCH if update else _QUERY_FETCH).search(text) is not None
    if not update and not may_fetch:
        quick = _read_form_only(text)
        if quick is not None:
            return quick
    return _Reader(text, tokenize(text), base_iri, update).read(may_fetch)


def _read_form_only(text: str) -> TextReading | None:
    """A query that cannot fetch and has no ``from`` after its form keyword needs only its form: the tokens are
    read up to that keyword (the prologue), not through the whole text."""
    for token in iter_tokens(text):
        if token.keyword in _FORMS:
            if _DATASET_WORD.search(text, token.start) is not None:
                return None
            return TextReading(form=token.keyword)  # type: ignore[arg-type]
    return None


class _Reader:
    """One pass over the tokens, keeping BASE and PREFIX as the engine does (in order, later wins)."""

    def __init__(self, text: str, tokens: list[Token], base_iri: str | None, update: bool) -> None:
        self.text = text
        self.tokens = tokens
        self.base = base_iri
        self.prefixes: dict[str, str] = {}
        self.update = update
        self.fetch_words = ("SERVICE", "LOAD") if update else ("SERVICE",)

    def read(self, may_fetch: bool) -> TextReading:
        form: QueryForm | None = None
        fetches: list[FetchSite] = []
        default: list[str] = []
        named: list[str] = []
        declares_dataset = False
        tokens = self.tokens
        for index, token in enumerate(tokens):
            keyword = token.keyword
            if not keyword:
                continue
            if keyword == "BASE" and self._kind_at(index + 1) == "iri":
                self.base = resolve_iri(self.base, iri_value(tokens[index + 1]))
            elif keyword.startswith("PREFIX"):
                self._declare(index)
            elif form is None and keyword in _FORMS:
                form = keyword  # type: ignore[assignment]
            elif keyword in ("FROM", "USING"):
                declares_dataset = True
                target = index + 1
                into = default
                if tokens[target : target + 1] and tokens[target].keyword == "NAMED":
                    target, into = target + 1, named
                iri = self._iri_at(target)
                if iri is not None:
                    into.append(iri)
            elif keyword == "WITH":
                declares_dataset = True
            elif may_fetch and keyword.startswith(self.fetch_words):
                fetches.extend(self._fetch_sites(index))
        if may_fetch:
            fetches.extend(self._ambiguous_sites())
        return TextReading(
            form=form or "SELECT",
            fetches=tuple(fetches),
            default_graphs=tuple(default),
            named_graphs=tuple(named),
            declares_dataset=declares_dataset,
        )

    def _kind_at(self, index: int) -> str:
        return self.tokens[index].kind if index < len(self.tokens) else ""

    def _declare(self, index: int) -> None:
        """``PREFIX p: <iri>``, also written ``PREFIXp:<iri>`` (a keyword needs no separator)."""
        token = self.tokens[index]
        rest = token.text[len("PREFIX") :]
        if rest.endswith(":") and is_prefixed_name(rest):
            name, iri_index = rest[:-1], index + 1
        elif not rest and self._kind_at(index + 1) == "name" and self.tokens[index + 1].text.endswith(":"):
            name, iri_index = self.tokens[index + 1].text[:-1], index + 2
        else:
            return
        if self._kind_at(iri_index) == "iri":
            self.prefixes[name] = resolve_iri(self.base, iri_value(self.tokens[iri_index]))

    def _iri_at(self, index: int) -> str | None:
        """The resolved IRI of an IRIREF or prefixed-name token (``None`` if it is neither or its prefix is unknown)."""
        if index >= len(self.tokens):
            return None
        return self._term_iri(self.tokens[index].kind, self.tokens[index].text, index)

    def _term_iri(self, kind: str, text: str, index: int) -> str | None:
        if kind == "iri":
            return resolve_iri(self.base, iri_value(Token("iri", text, 0)))
        parts = split_prefixed_name(text) if kind == "name" else None
        if parts is None or parts[0] not in self.prefixes:
            return None
        return self.prefixes[parts[0]] + parts[1]

    def _fetch_sites(self, index: int) -> list[FetchSite]:
        """The sites a name starting with SERVICE or LOAD may stand for (SPARQL 1.1 Query [59], Update [31])."""
        token = self.tokens[index]
        word = "SERVICE" if token.keyword.startswith("SERVICE") else "LOAD"
        rest = token.text[len(word) :]
        line, column = position(self.text, token.start)
        if rest.upper() in ("", "SILENT"):
            target = index + 1
            if not rest and self.tokens[target : target + 1] and self.tokens[target].keyword == "SILENT":
                target += 1
            return [self._site_at(word, target, line, column)]  # type: ignore[arg-type]
        # The keyword glued to a prefixed name: ``SERVICEex:x`` or ``SERVICESILENTex:x``.
        glued = [rest]
        if rest.upper().startswith("SILENT"):
            glued.append(rest[len("SILENT") :])
        sites = []
        group_follows = self._kind_at(index + 1) == "punct" and self.tokens[index + 1].text == "{"
        for candidate in glued:
            if not is_prefixed_name(candidate) or (word == "SERVICE" and not group_follows):
                continue
            iri = self._term_iri("name", candidate, index)
            if iri is not None:
                sites.append(FetchSite(word, iri, line, column))  # type: ignore[arg-type]
        return sites

    def _site_at(self, word: Literal["SERVICE", "LOAD"], index: int, line: int, column: int) -> FetchSite:
        if index >= len(self.tokens):
            return FetchSite(word, None, line, column, f"{word} at the end of the text names no IRI")
        target = self.tokens[index]
        if target.kind == "variable":
            return FetchSite(word, None, line, column, f"{word} {target.text} names a variable, not a fixed IRI")
        iri = self._term_iri(target.kind, target.text, index)
        if iri is None:
            return FetchSite(word, None, line, column, f"{word} is followed by {target.text[:40]!r}, not a known IRI")
        return FetchSite(word, iri, line, column)

    def _ambiguous_sites(self) -> list[FetchSite]:
        """A fetch of unknown target wherever a ``<…>`` that may be "less than" hides a string or comment start."""
        depth: list[str] = []
        previous: Token | None = None
        pattern = _UPDATE_FETCH if self.update else _QUERY_FETCH
        for token in self.tokens:
            if token.kind == "punct" and token.text in "({[":
                depth.append(token.text)
            elif token.kind == "punct" and token.text in ")}]" and depth:
                depth.pop()
            elif (
                token.kind == "iri"
                and depth[-1:] == ["("]
                and previous is not None
                and (previous.kind in _OPERANDS or previous.text in (")", "]"))
                and ("'" in token.text or "#" in token.text)
            ):
                later = pattern.search(self.text, token.start)
                if later is not None:
                    line, column = position(self.text, later.start())
                    word = "LOAD" if later.group().upper() == "LOAD" else "SERVICE"
                    reason = (
                        f"the text cannot be read with certainty after {token.text[:40]!r} at line "
                        f"{position(self.text, token.start)[0]} (a '<' comparison written without spaces)"
                    )
                    return [FetchSite(word, None, line, column, reason)]  # type: ignore[arg-type]
            previous = token
        return []
