"""The outcome of the latest re-validation, kept as JSON in the data directory for the next run and the page.

Every stored version conformed when it was accepted. A run therefore sorts each version by comparing with the run
before it (or, for a version the previous run did not see, with "conformed when stored"): versions that **no
longer conform**, versions that **now conform** again, and versions that **still do not conform**. The file is
replaced atomically, so the page never reads half a record.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ipgraph.reports.issues import Issue
from ipgraph.reports.receipts import report_path
from ipgraph.reports.revalidation import Revalidation, VersionOutcome

RECORD_FILE = "revalidation.json"
#: The record's layout; a file of another layout is ignored (treated as no earlier run).
RECORD_LAYOUT = 1


def record_path(data_dir: Path) -> Path:
    """Where the latest run is kept."""
    return data_dir / RECORD_FILE


def load_record(data_dir: Path) -> dict[str, Any] | None:
    """The latest run's record, or ``None`` when there is none (or it cannot be read)."""
    try:
        record = json.loads(record_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("layout") == RECORD_LAYOUT else None


def save_record(data_dir: Path, record: dict[str, Any]) -> Path:
    """Write ``record`` in place of the previous one, atomically."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = record_path(data_dir)
    handle, temporary = tempfile.mkstemp(dir=data_dir, prefix=".revalidation-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            json.dump(record, output, ensure_ascii=False, indent=1)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def build_record(run: Revalidation, previous: dict[str, Any] | None, plan: Graph) -> dict[str, Any]:
    """The record of ``run``, each version sorted against ``previous`` (see the module docstring)."""
    failed_before = {item["graph"] for item in (previous or {}).get("not_conforming", [])}
    no_longer: list[dict[str, Any]] = []
    still: list[dict[str, Any]] = []
    now: list[dict[str, Any]] = []
    for outcome in run.outcomes:
        graph = str(outcome.version.graph)
        if not outcome.conforms:
            (still if graph in failed_before else no_longer).append(_version(outcome, plan, issues=True))
        elif graph in failed_before:
            now.append(_version(outcome, plan, issues=False))
    return {
        "layout": RECORD_LAYOUT,
        "finished_at": run.finished_at.isoformat(timespec="seconds"),
        "seconds": round(run.seconds, 3),
        "shapes_version": run.shapes_version,
        "plan_version": run.plan_version,
        "checks": run.checks,
        "versions": len(run.outcomes),
        "no_longer_conforming": no_longer,
        "still_not_conforming": still,
        "now_conforming": now,
        "not_conforming": no_longer + still,
    }


def _version(outcome: VersionOutcome, plan: Graph, *, issues: bool) -> dict[str, Any]:
    stored = outcome.version
    organisation = stored.key.organisation
    described: dict[str, Any] = {
        "graph": str(stored.graph),
        "report": str(stored.report),
        "organisation": str(organisation),
        "organisation_name": {lang: _label(plan, organisation, lang) for lang in ("vi", "en")},
        "year": stored.key.year,
        "version": stored.version,
        "current": stored.current,
        "url": report_path(stored),
    }
    if issues:
        described["issues"] = [_issue(issue) for issue in outcome.issues]
    return described


def _label(plan: Graph, node: URIRef, lang: str) -> str:
    for label in plan.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return str(node).rsplit("/", 1)[-1]


def _issue(issue: Issue) -> dict[str, Any]:
    return {
        "severity": issue.severity,
        "message_vi": issue.message_vi,
        "message_en": issue.message_en,
        "focus": issue.focus,
        "path": issue.path,
        "value": issue.value,
        "shape": issue.shape,
    }
