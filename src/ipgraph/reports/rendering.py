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
from typing import Any, Literal

from ipgraph.formats import GRAPH_FORMATS, Format
from ipgraph.reports.issues import Issue, compact
from ipgraph.reports.validation import ValidationOutcome
from ipgraph.spreadsheet_cells import spreadsheet_safe
from ipgraph.vocab import PREFIXES

Language = Literal["vi", "en"]
CSV_COLUMNS: tuple[str, ...] = ("severity", "message_vi", "message_en", "focus", "path", "value", "shape")

_TEXT: dict[str, dict[Language, str]] = {
    "title": {"vi": "Kết quả kiểm tra báo cáo", "en": "Report validation result"},
    "conforms": {"vi": "Báo cáo hợp lệ", "en": "The report conforms"},
    "not_conforms": {"vi": "Báo cáo không hợp lệ", "en": "The report does not conform"},
    "violation": {"vi": "Lỗi", "en": "Violations"},
    "warning": {"vi": "Cảnh báo", "en": "Warnings"},
    "info": {"vi": "Thông tin", "en": "Notes"},
    "organisation": {"vi": "Đơn vị báo cáo", "en": "Reporting organisation"},
    "year": {"vi": "Năm báo cáo", "en": "Reporting year"},
    "shapes_version": {"vi": "Phiên bản ràng buộc", "en": "Shapes version"},
    "none": {"vi": "Không có vấn đề nào.", "en": "No problems found."},
    "field": {"vi": "Trường", "en": "Field"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "where": {"vi": "Ở", "en": "At"},
    "occurrences": {"vi": "lần", "en": "occurrences"},
}


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


def outcome_to_html(outcome: ValidationOutcome, lang: Language = "vi") -> str:
    """A self-contained HTML fragment: the verdict, then issues grouped by problem (same message and shape)."""
    text = {key: value[lang] for key, value in _TEXT.items()}
    verdict = text["conforms"] if outcome.conforms else text["not_conforms"]
    parts = [
        f'<section class="validation" lang="{lang}">',
        f"<h2>{escape(text['title'])}</h2>",
        f'<p class="verdict {"ok" if outcome.conforms else "failed"}"><strong>{escape(verdict)}</strong></p>',
        "<dl>",
        f"<dt>{escape(text['organisation'])}</dt><dd>{escape(compact(outcome.organisation) or '—')}</dd>",
        f"<dt>{escape(text['year'])}</dt><dd>{outcome.year if outcome.year is not None else '—'}</dd>",
        f"<dt>{escape(text['shapes_version'])}</dt><dd><code>{escape(outcome.shapes_version[:12])}</code></dd>",
        "</dl>",
    ]
    if not outcome.issues:
        parts.append(f"<p>{escape(text['none'])}</p>")
    for severity in ("violation", "warning", "info"):
        chosen = [issue for issue in outcome.issues if issue.severity == severity]
        if not chosen:
            continue
        parts.append(f'<h3 class="{severity}">{escape(text[severity])} ({len(chosen)})</h3>')
        parts.append(f'<ol class="issues {severity}">')
        for message, group in _grouped(chosen, lang):
            parts.append(_html_group(message, group, text))
        parts.append("</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def _grouped(issues: Iterable[Issue], lang: Language) -> list[tuple[str, list[Issue]]]:
    groups: dict[tuple[str, str | None, str | None], list[Issue]] = {}
    for issue in issues:
        message = issue.message_vi if lang == "vi" else issue.message_en
        groups.setdefault((message, issue.shape, issue.path), []).append(issue)
    return [(key[0], members) for key, members in groups.items()]


def _html_group(message: str, group: list[Issue], text: dict[str, str]) -> str:
    first = group[0]
    rows = [f"<li><p>{escape(message)}</p>"]
    details = []
    if first.path:
        details.append(f"{escape(text['field'])}: <code>{escape(first.path)}</code>")
    if len(group) > 1:
        details.append(f"{len(group)} {escape(text['occurrences'])}")
    if details:
        rows.append(f'<p class="detail">{" · ".join(details)}</p>')
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
    rows.append("</li>")
    return "".join(rows)


def _graph_format(name: str) -> Format:
    for candidate in GRAPH_FORMATS:
        if name in (candidate.name, candidate.media_type, *candidate.names, *candidate.media_types):
            return candidate
    names = ", ".join(candidate.name for candidate in GRAPH_FORMATS)
    raise ValueError(f"unknown RDF format {name!r}; use one of: {names}")
