"""Validation messages for people: the shapes' messages with identifiers turned into names, and where the value is.

The shapes' messages are written for both audiences ("Duty (ipg:aboutDuty) p160:duty-V.9 is not a duty of the
plan"). On pages, the field names in brackets are dropped, plan terms become their names (the organisation, the
duty as ``V.1.a — Chủ trì, theo dõi…``, the indicator's label), typed literals their plain value, and anything
left that is only an identifier (a blank node, an uploaded ``urn:``) its last segment or nothing. The RDF, JSON
and CSV outputs keep the identifiers (:mod:`ipgraph.reports.rendering`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

from ipgraph.reports.form_model import PART_SHAPES, FormModel, Part
from ipgraph.reports.issues import Issue
from ipgraph.vocab import PREFIXES

PARTS: tuple[Part, ...] = tuple(PART_SHAPES)
#: Where a finding's value is, in the reader's language ("" when it cannot be told).
Locate = Callable[[Issue, str], str]

_PREFIX_NAMES = "|".join(re.escape(prefix) for prefix in sorted(PREFIXES, key=len, reverse=True))
_FIELD_NOTE = re.compile(rf"\s*\((?:\s*(?:,|hoặc|or|và|and|\|)?\s*(?:{_PREFIX_NAMES}):[\w.\-…]+)+\s*\)")
_TYPED = re.compile(r'"([^"]*)"\^\^(?:xsd:\w+|<[^>]*>)')
_LANGUAGE_NOTE = re.compile(r"\s*\(@(?:vi|en)\)|(?<=\")@(?:vi|en)\b")
_BRACKETED = re.compile(r"<((?:https?|urn|mailto|tel):[^>\s]*)>")
_TERM = re.compile(
    rf"(?<![\w/])(?:(?:{_PREFIX_NAMES}):[\w.\-/…]*[\w…]|https?://[^\s<>()\"]+[\w/]|urn:[^\s<>()\",;]+|_:[\w-]+)"
)
_SPACES = re.compile(r"\s{2,}")
#: The RDF author's hint at the end of a completeness message ("expected an ipg:dutyStatement with ipg:aboutDuty
#: p160:duty-V.1.d"): on a page the duty is already named, and a clerk does not write properties.
_PROPERTY_HINT = re.compile(r";\s*(?:cần một|expected an?)\s+ipg:\w+\s+(?:với|with)\s+ipg:\w+\s+\S+?(?=\.?$)")
_DUTY_LABEL = re.compile(r"\b(?:Nhiệm vụ|Duty) (V(?:\.[0-9a-zđ]+)+)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_XSD_TYPE = re.compile(r"\b(?:an? )?xsd:(gYear|date|decimal|integer)\b")
_TYPE_NAMES = {
    "gYear": ("năm (bốn chữ số)", "a year (four digits)"),
    "date": ("ngày", "a date"),
    "decimal": ("số", "a number"),
    "integer": ("số nguyên", "a whole number"),
}


@dataclass(frozen=True)
class Namer:
    """Names plan terms in one language, from the form model's labels and duties."""

    model: FormModel
    lang: str

    def term(self, text: str) -> str:
        """A readable name for one identifier as it appears in a message."""
        iri = _expand(text)
        duty = self.model.duty(URIRef(iri))
        if duty is not None:
            return duty.title(self.lang, 60)
        label = self.model.labels.get(URIRef(iri))
        if label is not None and label.get(self.lang):
            return label.get(self.lang)
        for part in PARTS:
            found = self.model.field(part, URIRef(iri))
            if found is not None:
                return found.name.get(self.lang)
        if text.startswith(("_:", "urn:")):
            return ""
        tail = re.split(r"[#/:]", iri.rstrip("/"))[-1]
        return tail

    def _duty_title(self, match: re.Match[str]) -> str:
        """ "Nhiệm vụ V.1.d" (a duty's label) as ``V.1.d — Hỗ trợ chuyên môn…`` (reference and the plan's words)."""
        reference = match.group(1)
        for duties in self.model.holdings().values():
            for duty in duties:
                if duty.reference == reference:
                    return duty.title(self.lang, 60)
        return match.group()

    def message(self, text: str) -> str:
        """``text`` with every identifier replaced by a name (see the module docstring)."""
        cleaned = _PROPERTY_HINT.sub("", text)
        cleaned = _FIELD_NOTE.sub("", cleaned)
        cleaned = _TYPED.sub(r"\1", cleaned)
        cleaned = _LANGUAGE_NOTE.sub("", cleaned)
        cleaned = _BRACKETED.sub(
            lambda match: match.group(1) if match.group(1).startswith(("mailto", "tel")) else self.term(match.group(1)),
            cleaned,
        )
        cleaned = _XSD_TYPE.sub(lambda match: _TYPE_NAMES[match.group(1)][0 if self.lang == "vi" else 1], cleaned)
        cleaned = _TERM.sub(lambda match: self.term(match.group()), cleaned)
        cleaned = _DUTY_LABEL.sub(self._duty_title, cleaned)
        cleaned = _ISO_DATE.sub(r"\3/\2/\1", cleaned)
        cleaned = cleaned.replace("()", "").replace(" ,", ",").replace(" .", ".").replace(" :", ":")
        return _SPACES.sub(" ", cleaned).strip()


def issue_message(issue: Issue, model: FormModel, lang: str) -> str:
    """The issue's message in ``lang`` for a page."""
    return Namer(model, lang).message(issue.message_vi if lang == "vi" else issue.message_en)


def _expand(text: str) -> str:
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return text
