"""The outcome of a validation in every form it is answered in: JSON for programs, CSV, the SHACL report as
RDF, and an HTML page grouped by problem for people (rendered on the server, no script).

All renderers take a :class:`ValidationOutcome` and say the same thing; the JSON shape is::

    {"conforms": false, "organisation": "ipr:org-…", "year": 2023, "report": "…", "shapes_version": "…",
     "counts": {"violation": 1, "warning": 0, "info": 0},
     "issues": [{"severity": "violation", "message_vi": "…", "message_en": "…", "focus": "…", "path": "…",
                 "value": "…", "shape": "…"}]}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict
from html import escape
from typing import Any

from ipgraph.formats import GRAPH_FORMATS, Format
from ipgraph.publish.i18n import Language, message, messages
from ipgraph.reports.issues import Issue, compact
from ipgraph.reports.messages import Locate, Namer
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.spreadsheet_cells import spreadsheet_safe
from ipgraph.vocab import PREFIXES

CSV_COLUMNS: tuple[str, ...] = ("severity", "message_vi", "message_en", "focus", "path", "value", "shape")


def outcome_to_json(outcome: ValidationOutcome) -> dict[str, Any]:
    """The outcome as a JSON-ready dict (see the module docstring for its shape)."""
    return {
        "conforms": outcome.conforms,
        "organisation": compact(outcome.organisation),
        "year": outcome.year,
        "report": compact(outcome.report),
        "shapes_version": outcome.shapes_version,
        "counts": {severity: outcome.count(severity) for severity in ("violation", "warning", "info")},
        "issues": [asdict(issue) for issue in outcome.issues],
    }


def outcome_to_csv(outcome: ValidationOutcome) -> str:
    """One row per issue, with a header row (RFC 4180, CRLF line ends); a report's own text never starts a
    spreadsheet formula (:mod:`ipgraph.spreadsheet_cells`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for issue in outcome.issues:
        writer.writerow(
            ["" if (cell := getattr(issue, column)) is None else spreadsheet_safe(cell) for column in CSV_COLUMNS]
        )
    return buffer.getvalue()


def outcome_to_rdf(outcome: ValidationOutcome, format: str | Format = "turtle") -> bytes:
    """The SHACL validation report graph, serialised (``format``: a Format or its name, e.g. ``"jsonld"``)."""
    chosen = format if isinstance(format, Format) else _graph_format(format)
    graph = outcome.results_graph
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    return graph.serialize(format=chosen.rdflib_name or "turtle", encoding="utf-8")


def outcome_to_html(
    outcome: ValidationOutcome,
    lang: Language = "vi",
    namer: Namer | None = None,
    locate: Locate | None = None,
) -> str:
    """A self-contained HTML fragment: the verdict, then issues grouped by problem (same message and shape).

    With a ``namer`` (pages for people) messages name things instead of identifying them, the organisation is
    shown by name and the shapes' hash is left out; ``locate`` says where each value is (a form field, a cell,
    a line). Without them the fragment shows the compact identifiers, as before.
    """
    text = messages("outcome_", lang)
    verdict = text["conforms"] if outcome.conforms else text["not_conforms"]
    organisation = compact(outcome.organisation) or "—"
    if namer is not None:
        organisation = namer.model.organisation_name(outcome.organisation, lang) or "—"
    parts = [
        f'<section class="validation" lang="{lang}">',
        f"<h2>{escape(text['title'])}</h2>",
        f'<p class="verdict {"ok" if outcome.conforms else "failed"}"><strong>{escape(verdict)}</strong></p>',
        "<dl>",
        f"<dt>{escape(text['organisation'])}</dt><dd>{escape(organisation)}</dd>",
        f"<dt>{escape(text['year'])}</dt><dd>{outcome.year if outcome.year is not None else '—'}</dd>",
    ]
    if namer is None:
        parts.append(
            f"<dt>{escape(text['shapes_version'])}</dt><dd><code>{escape(outcome.shapes_version[:12])}</code></dd>"
        )
    parts.append("</dl>")
    if not outcome.issues:
        parts.append(f"<p>{escape(text['none'])}</p>")
    for severity in ("violation", "warning", "info"):
        chosen = [issue for issue in outcome.issues if issue.severity == severity]
        if not chosen:
            continue
        parts.append(f'<h3 class="{severity}">{escape(count_text(severity, len(chosen), lang))}</h3>')
        parts.append(f'<ol class="issues {severity}">')
        for said, group in _grouped(chosen, lang, namer):
            parts.append(_html_group(said, group, text, lang, namer, locate))
        parts.append("</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def count_text(noun: str, count: int, lang: Language) -> str:
    """``count`` and ``noun`` in ``lang`` with the right plural form ("1 violation", "2 violations", "2 lỗi").

    >>> count_text("warning", 1, "en"), count_text("warning", 3, "en"), count_text("warning", 3, "vi")
    ('1 warning', '3 warnings', '3 cảnh báo')
    """
    form = "one" if count == 1 else "many"
    return f"{count} {message(f'count_{noun}_{form}', lang)}"


def _grouped(issues: Iterable[Issue], lang: Language, namer: Namer | None) -> list[tuple[str, list[Issue]]]:
    groups: dict[tuple[str, str | None, str | None], list[Issue]] = {}
    for issue in issues:
        message = issue.message_vi if lang == "vi" else issue.message_en
        if namer is not None:
            message = namer.message(message)
        groups.setdefault((message, issue.shape, issue.path), []).append(issue)
    return [(key[0], members) for key, members in groups.items()]


def _html_group(
    message: str,
    group: list[Issue],
    text: dict[str, str],
    lang: Language,
    namer: Namer | None,
    locate: Locate | None,
) -> str:
    first = group[0]
    rows = [f"<li><p>{escape(message)}</p>"]
    details = []
    if first.path and namer is None:
        details.append(f"{escape(text['field'])}: <code>{escape(first.path)}</code>")
    if len(group) > 1:
        details.append(escape(count_text("occurrence", len(group), lang)))
    if details:
        rows.append(f'<p class="detail">{" · ".join(details)}</p>')
    if namer is None:
        located = [issue for issue in group if issue.focus or issue.value]
        if located:
            rows.append("<ul>")
            for issue in located:
                bits = []
                if issue.focus:
                    bits.append(f"{escape(text['where'])} <code>{escape(issue.focus)}</code>")
                if issue.value:
                    bits.append(f"{escape(text['value'])} <code>{escape(issue.value)}</code>")
                rows.append(f"<li>{' · '.join(bits)}</li>")
            rows.append("</ul>")
    elif locate is not None:
        places = [place for issue in group if (place := locate(issue, lang))]
        if places:
            rows.append('<ul class="where">')
            rows.extend(f"<li>{escape(text['where'])}: {escape(place)}</li>" for place in dict.fromkeys(places))
            rows.append("</ul>")
    rows.append("</li>")
    return "".join(rows)


def _graph_format(name: str) -> Format:
    for candidate in GRAPH_FORMATS:
        if name in (candidate.name, candidate.media_type, *candidate.names, *candidate.media_types):
            return candidate
    names = ", ".join(candidate.name for candidate in GRAPH_FORMATS)
    raise ValueError(f"unknown RDF format {name!r}; use one of: {names}")
