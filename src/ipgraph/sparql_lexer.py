"""SPARQL text split into tokens the way the store engine (oxigraph) splits it, for checks that must not be fooled.

The terminals follow SPARQL 1.1 Query §19.8 as oxigraph implements them: a ``#`` comment ends at ``\\n`` *or*
``\\r`` (rdflib's grammar ends it only at ``\\n``); only space, tab, ``\\n`` and ``\\r`` separate tokens (a
``\\x0b``, ``\\x0c`` or ``\\u2028`` is no separator and the engine refuses it); ``\\u``/``\\U`` escapes count
inside IRIs and strings only (§19.2 is not applied to the whole text: ``SERVI\\u0043E`` is no keyword); keywords
match in any case and need no separator after them (``SERVICESILENT<…>`` is ``SERVICE SILENT <…>``).

Quantifiers are possessive, as in the engine's PEG grammar: a token never gives back characters to let a
different reading succeed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

TokenKind = Literal["string", "iri", "variable", "blank", "langtag", "name", "number", "punct"]

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_BASE_CHARS = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U_CHARS = _BASE_CHARS + "_"
_CHARS = _U_CHARS + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = rf"%{_HEX}{_HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
# A name may hold dots but not end with one: a dot is taken only when a name character follows it.
_PREFIX = rf"[{_BASE_CHARS}](?:[{_CHARS}]|\.++(?=[{_CHARS}]))*+"
_LOCAL = rf"(?:[{_U_CHARS}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX}|\.++(?=[{_CHARS}:%\\]))*+"

# SPARQL 1.1 Query §19.8: [139] IRIREF, [145]-[148] strings, [143] VAR, [142] BLANK_NODE_LABEL, [145] LANGTAG,
# [140]-[141] PNAME_NS/PNAME_LN (keywords are read as names too), numbers; anything else is one character.
_TOKEN = re.compile(
    rf"""
      (?P<space>[ \t\n\r]++)
    | (?P<comment>\#[^\r\n]*+)
    | (?P<string>'''(?:(?:''|')?+(?:[^'\\]|{_ECHAR}|{_UCHAR}))*+'''
                |\"\"\"(?:(?:\"\"|\")?+(?:[^"\\]|{_ECHAR}|{_UCHAR}))*+\"\"\"
                |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*+'
                |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*+")
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*+>)
    | (?P<variable>[?$][{_U_CHARS}0-9][{_U_CHARS}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+)
    | (?P<blank>_:[{_U_CHARS}0-9](?:[{_CHARS}]|\.++(?=[{_CHARS}]))*+)
    | (?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
    | (?P<name>(?:{_PREFIX})?:(?:{_LOCAL})?|{_PREFIX})
    | (?P<number>[0-9]*+\.?[0-9]++(?:[eE][+-]?[0-9]++)?)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UCHAR_PATTERN = re.compile(_UCHAR)
_LOCAL_ESCAPE = re.compile(r"\\(.)")


class Token(NamedTuple):
    """A token of SPARQL text: its kind, its text as written, and the offset where it starts."""

    kind: TokenKind
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a name (keywords are case-insensitive), else the empty string."""
        return self.text.upper() if self.kind == "name" else ""


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` in order, without spaces and comments.

    >>> [token.text for token in tokenize("ASK { # a comment ended by CR\\r ?s ?p 'x' }")]
    ['ASK', '{', '?s', '?p', "'x'", '}']
    """
    return list(iter_tokens(text))


def iter_tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` one at a time, for a reader that may stop early."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment") and kind is not None:
            yield Token(kind, match.group(), match.start())  # type: ignore[arg-type]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset``; like the engine, a line ends at ``\\n``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def iri_value(token: Token) -> str:
    """The IRI an IRIREF token writes, its ``\\u``/``\\U`` escapes decoded (not yet resolved against a base)."""
    return _UCHAR_PATTERN.sub(lambda match: chr(int(match.group()[2:], 16)), token.text[1:-1])


def split_prefixed_name(text: str) -> tuple[str, str] | None:
    """(prefix, local part with its ``\\`` escapes removed) of a prefixed name, or ``None`` for a bare word."""
    prefix, colon, local = text.partition(":")
    if not colon:
        return None
    return prefix, _LOCAL_ESCAPE.sub(r"\1", local)


def is_prefixed_name(text: str) -> bool:
    """Whether ``text`` is one whole PNAME_NS or PNAME_LN token (keywords glued to a name are split off first)."""
    match = _TOKEN.fullmatch(text)
    return match is not None and match.lastgroup == "name" and ":" in text


# RFC 3986 §5.2: reference resolution, as the engine resolves relative IRIs against BASE.
_REFERENCE = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)


def resolve_iri(base: str | None, reference: str) -> str:
    """``reference`` resolved against ``base`` (RFC 3986 §5.2.2); unchanged when it is absolute or no base is set.

    >>> resolve_iri("http://a/b/c/d;p?q", "../g")
    'http://a/b/g'
    """
    ref = _REFERENCE.match(reference)
    found = _REFERENCE.match(base) if base is not None else None
    if ref is None or found is None:  # no base, or (never) a string the pattern does not match
        return reference
    if ref.group(1) is not None:
        return _recompose(ref.group(1), ref.group(2), _remove_dot_segments(ref.group(3)), ref.group(4), ref.group(5))
    scheme, authority, path, query, _ = found.groups()
    r_authority, r_path, r_query, r_fragment = ref.group(2), ref.group(3), ref.group(4), ref.group(5)
    if r_authority is not None:
        authority, path, query = r_authority, _remove_dot_segments(r_path), r_query
    elif r_path == "":
        query = r_query if r_query is not None else query
    else:
        if r_path.startswith("/"):
            path = _remove_dot_segments(r_path)
        else:
            merged = ("/" + r_path) if authority is not None and path == "" else path[: path.rfind("/") + 1] + r_path
            path = _remove_dot_segments(merged)
        query = r_query
    return _recompose(scheme, authority, path, query, r_fragment)


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./") or path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            segment, path = (path, "") if cut == -1 else (path[:cut], path[cut:])
            output.append(segment)
    return "".join(output)


def _recompose(scheme: str | None, authority: str | None, path: str, query: str | None, fragment: str | None) -> str:
    result = f"{scheme}:" if scheme is not None else ""
    if authority is not None:
        result += f"//{authority}"
    result += path
    if query is not None:
        result += f"?{query}"
    if fragment is not None:
        result += f"#{fragment}"
    return result
