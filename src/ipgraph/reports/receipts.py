"""Receipts: what a submitter is given back for an accepted report, and the operator's journal of them.

The receipt names the stored version (IRI, graph, number), when it was received and the SHA-256 of the bytes
sent, so a submitter can later prove which document was accepted. Each receipt is also appended to
``data_dir/receipts.jsonl`` (fsynced) after the store has committed the version; the store stays the authority
(a crash between the two loses a journal line, never a report).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipgraph.reports.storage import StoredVersion

RECEIPTS_FILE = "receipts.jsonl"


@dataclass(frozen=True)
class Receipt:
    """The answer to an accepted submission."""

    stored: StoredVersion
    warnings: int

    def to_json(self) -> dict[str, Any]:
        """The receipt as the API returns it (201) and the journal keeps it."""
        facts = {key: value for key, value in version_json(self.stored).items() if key not in _LATER_STATE}
        return facts | {"warnings": self.warnings}


#: What the registry learns about a version after it was accepted; a receipt states only what was true then.
_LATER_STATE = frozenset({"current", "superseded_at"})


def version_json(stored: StoredVersion) -> dict[str, Any]:
    """What the registry says about one version, as JSON."""
    return {
        "report": str(stored.report),
        "graph": str(stored.graph),
        "organisation": str(stored.key.organisation),
        "year": stored.key.year,
        "version": stored.version,
        "current": stored.current,
        "received_at": stored.submitted_at.isoformat(),
        "replaces": str(stored.revision_of) if stored.revision_of is not None else None,
        "superseded_at": stored.invalidated_at.isoformat() if stored.invalidated_at is not None else None,
        "content_hash": {"algorithm": "sha256", "value": stored.content_hash},
        "shapes_version": stored.shapes_version,
        "url": report_path(stored),
    }


def report_path(stored: StoredVersion) -> str:
    """The service path of one stored version (``/reports/{slug}/{year}/v{n}``)."""
    return f"/reports/{stored.key.slug}/{stored.key.year}/v{stored.version}"


class ReceiptJournal:
    """An append-only JSON Lines file of every receipt given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> ReceiptJournal:
        """The journal kept in ``data_dir``."""
        return cls(data_dir / RECEIPTS_FILE)

    def append(self, receipt: Receipt) -> None:
        """Add one line and fsync it before returning."""
        line = json.dumps(receipt.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as journal:
                journal.write(line)
                journal.flush()
                os.fsync(journal.fileno())

    def entries(self) -> list[dict[str, Any]]:
        """Every receipt in the journal, oldest first."""
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as journal:
            return [json.loads(line) for line in journal if line.strip()]
