"""Canned queries: the ``queries/*.rq`` files, their comment headers, and typed parameters bound as RDF terms.

A file opens with a comment header, so it stays valid SPARQL::

    # title@vi: Nhiệm vụ của một cơ quan
    # title@en: All duties of one agency
    # description@en: Every duty an organisation leads in section V, in Vietnamese and English.
    # param agency: iri = ipr:org-so-cong-thuong -- The organisation whose duties are listed
    SELECT ...

A parameter named ``agency`` is the query variable ``?agency``. Its value is parsed according to its type and
handed to the store as a term (pyoxigraph substitutions, or a ``VALUES`` block for remote stores), so no
value can change the query's shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ipgraph.errors import InputError, NotFoundError
from ipgraph.vocab import PREFIXES

ParameterType = TypingLiteral["iri", "string", "integer", "decimal", "date", "year", "langstring"]
PARAMETER_TYPES: tuple[ParameterType, ...] = ("iri", "string", "integer", "decimal", "date", "year", "langstring")

_HEADER_LINE = re.compile(r"^#\s*(?P<key>[A-Za-z]+)(?:@(?P<lang>[a-z]{2}))?\s*(?P<rest>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z]+)"
    r"(?:\s*=\s*(?P<default>\S+))?(?:\s*--\s*(?P<help>.*))?$"
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a canned query."""

    name: str
    type: ParameterType
    default: str | None
    help: str

    def parse(self, raw: str) -> Identifier:
        """Turn a user-supplied string into the RDF term the query variable is bound to."""
        value = raw.strip()
        if self.type == "iri":
            return URIRef(expand_iri(value, parameter=self.name))
        checks = {
            "integer": (_INTEGER, XSD.integer),
            "decimal": (_DECIMAL, XSD.decimal),
            "date": (_DATE, XSD.date),
            "year": (_YEAR, XSD.gYear),
        }
        if self.type in checks:
            pattern, datatype = checks[self.type]
            if not pattern.match(value):
                raise InputError(f"parameter {self.name!r} expects a {self.type}, got {raw!r}")
            return Literal(value, datatype=datatype)
        if self.type == "langstring":
            text, _, lang = value.rpartition("@")
            if not text or not re.fullmatch(r"[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*", lang):
                raise InputError(f"parameter {self.name!r} expects text@lang, e.g. 'sở hữu trí tuệ@vi', got {raw!r}")
            return Literal(text, lang=lang)
        return Literal(raw)


@dataclass(frozen=True)
class CannedQuery:
    """A named query from ``queries/``: its text, titles and descriptions per language, and parameters."""

    name: str
    text: str
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    form: TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

    def title(self, lang: str = "en") -> str:
        """The title in ``lang``, falling back to English, then to the name."""
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str = "en") -> str:
        """The description in ``lang``, falling back to English."""
        return self.descriptions.get(lang) or self.descriptions.get("en", "")

    def bind(self, values: Mapping[str, str]) -> dict[str, Identifier]:
        """Parse supplied values (and defaults) into RDF terms; unknown or missing parameters are input errors."""
        known = {parameter.name for parameter in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(
                f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are: {', '.join(sorted(known)) or 'none'}"
            )
        bindings: dict[str, Identifier] = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None:
                raise InputError(f"query {self.name!r} needs parameter {parameter.name!r} ({parameter.help})")
            bindings[parameter.name] = parameter.parse(raw)
        return bindings


def expand_iri(value: str, *, parameter: str = "iri") -> str:
    """Accept ``<iri>``, an absolute IRI, or a prefixed name with one of ipgraph's prefixes."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not _ABSOLUTE_IRI.match(value):
        raise InputError(
            f"parameter {parameter!r} expects an IRI or a prefixed name such as ipr:org-so-cong-thuong, got {value!r}"
        )
    return value


def parse_canned_query(name: str, text: str) -> CannedQuery:
    """Read a query's comment header; the body itself is checked by the store when it runs."""
    if not _NAME.match(name):
        raise InputError(f"canned query name {name!r} must be lower_snake_case")
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_LINE.match(stripped)
        if not match:
            continue
        key, lang, rest = match["key"].lower(), match["lang"] or "en", match["rest"].strip()
        if key != "param":
            if not rest.startswith(":"):
                continue
            rest = rest[1:].strip()
        if key == "title":
            titles[lang] = rest
        elif key == "description":
            descriptions[lang] = (descriptions.get(lang, "") + " " + rest).strip()
        elif key == "param":
            parameters.append(_parse_parameter(name, rest))
    if "en" not in titles:
        raise InputError(f"canned query {name!r} has no '# title@en:' header line")
    return CannedQuery(name, text, titles, descriptions, tuple(parameters), _query_form(name, text))


def _parse_parameter(query: str, spec: str) -> Parameter:
    match = _PARAM.match(spec)
    if not match or match["type"] not in PARAMETER_TYPES:
        raise InputError(
            f"canned query {query!r}: parameter line {spec!r} must read 'name: type [= default] [-- help]' "
            f"with type one of {', '.join(PARAMETER_TYPES)}"
        )
    return Parameter(match["name"], match["type"], match["default"], (match["help"] or "").strip())


def _query_form(name: str, text: str) -> TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"<[^>]*>", "<>", body)  # IRIs may contain words such as "select"
    found = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, flags=re.IGNORECASE)
    if not found:
        raise InputError(f"canned query {name!r} is not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    form: TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"] = found[1].upper()  # type: ignore[assignment,unused-ignore]
    return form


def example_text(query: CannedQuery) -> str:
    """A canned query as it runs by hand: its parameters' defaults bound in a trailing ``VALUES`` block."""
    bound = [(p.name, p.parse(p.default)) for p in query.parameters if p.default is not None]
    if not bound:
        return query.text
    names = " ".join(f"?{name}" for name, _ in bound)
    values = " ".join(term.n3() for _, term in bound)
    return query.text.rstrip() + f"\nVALUES ({names}) {{ ({values}) }}\n"


def load_canned_queries(directory: Path) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file of ``directory``, by name (the file stem), in name order."""
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        queries[path.stem] = parse_canned_query(path.stem, path.read_text(encoding="utf-8"))
    return queries


def get_canned_query(queries: Mapping[str, CannedQuery], name: str) -> CannedQuery:
    """Look a query up by name, with an error that lists what exists."""
    try:
        return queries[name]
    except KeyError:
        raise NotFoundError(f"no canned query {name!r}; see /queries for the list") from None
