"""Checking and accepting reports: parse, validate within limits, then store a new version atomically.

Limits (settings): a report holds at most ``max_report_bytes`` bytes and ``max_report_triples`` triples (real
reports hold a few hundred; 413 beyond); the work runs through :class:`ipgraph.reports.gate.ValidationGate`, which
bounds how many validations run at once, per client and for how long, and cancels the ones nobody waits for.

Version numbers are claimed at the store (:mod:`ipgraph.reports.version_claims`), so any number of processes
on one store (``ipgraph serve`` replicas on one remote SPARQL server) give concurrent resubmissions distinct,
gapless numbers; a lock per organisation and year also serialises them within this process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from ipgraph.errors import PermissionDeniedError, ReportRejectedError, ReportTooLargeError, ValidationCancelledError
from ipgraph.reports.gate import SubmissionLimits, ValidationGate
from ipgraph.reports.receipts import Receipt, ReceiptJournal
from ipgraph.reports.storage import ReportArchive, ReportKey, check_year, prepare_version
from ipgraph.reports.upload import claimed_key, receive_report
from ipgraph.reports.validation import ReportValidator, ValidationOutcome
from ipgraph.reports.validation_pool import Upload, ValidationPool
from ipgraph.settings import Settings, ValidationEngine
from ipgraph.store.base import Store

logger = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Checked:
    """A parsed, validated upload: the graph as sent and what validation found."""

    report: Graph
    outcome: ValidationOutcome
    received_at: dt.datetime
    content_hash: str


class ReportService:
    """The submission workflow over one store; thread-safe, one per application."""

    def __init__(
        self,
        store: Store,
        *,
        project_dir: Path,
        data_dir: Path,
        limits: SubmissionLimits | None = None,
        read_only: bool = False,
        clock: Clock | None = None,
        validation_workers: int = 0,
        validation_engine: ValidationEngine = "compiled",
    ) -> None:
        self.archive = ReportArchive(store)
        self.project_dir = project_dir
        self.journal = ReceiptJournal.for_data_dir(data_dir)
        self.gate = ValidationGate(limits or SubmissionLimits())
        self.read_only = read_only
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._validator: ReportValidator | None = None
        self._validator_lock = threading.Lock()
        self._key_locks: dict[ReportKey, threading.Lock] = {}
        self._key_locks_lock = threading.Lock()
        self._engine: ValidationEngine = validation_engine
        #: The worker processes validations run in (``None``: in this process, as ``ipgraph validate`` does).
        self.pool = (
            ValidationPool(validation_workers, project_dir, engine=validation_engine)
            if validation_workers > 0
            else None
        )

    @classmethod
    def from_settings(cls, settings: Settings, store: Store) -> ReportService:
        """The service as the settings configure it."""
        return cls(
            store,
            project_dir=settings.project_dir,
            data_dir=settings.data_dir,
            limits=SubmissionLimits.from_settings(settings),
            read_only=settings.read_only,
            validation_workers=settings.validation_worker_count(),
            validation_engine=settings.validation_engine,
        )

    @property
    def validator(self) -> ReportValidator:
        """The shapes and plan graphs, parsed once on first use."""
        with self._validator_lock:
            if self._validator is None:
                self._validator = ReportValidator.from_project(self.project_dir, self._engine)
            return self._validator

    def prepare(self) -> None:
        """Get validation ready before the first report: start a worker, or parse the shapes in this process."""
        if self.pool is not None:
            self.pool.prepare()
        else:
            self.validator  # noqa: B018 - building it is the point

    def check(
        self, body: bytes, media_type: str, *, client: str | None = None, cancel: threading.Event | None = None
    ) -> Checked:
        """Parse and validate an upload (a dry run: nothing is stored).

        ``client`` (the sender's address) counts against that client's share of the validation slots; setting
        ``cancel`` (its client went away) stops the work. Raises :class:`ReportTooLargeError` beyond the limits.
        """
        received = self._clock()
        limits = self.gate.limits
        if len(body) > limits.max_bytes:
            raise ReportTooLargeError(
                f"the report is {len(body)} bytes; a report may hold at most {limits.max_bytes} bytes "
                "(IPGRAPH_MAX_REPORT_BYTES)"
            )
        content_hash = hashlib.sha256(body).hexdigest()
        pool = self.pool
        if pool is not None:
            upload = Upload(body, media_type, limits.max_triples, received.date())

            def job(cancelled: threading.Event) -> Checked:
                report, outcome = pool.validate(upload, self._earlier_reports, cancelled)
                return Checked(report, outcome, received, content_hash)

            return self.gate.run(job, client=client, cancel=cancel)
        validator = self.validator

        def job_in_process(cancelled: threading.Event) -> Checked:
            report = receive_report(body, media_type, limits.max_triples)
            claimed = claimed_key(report)
            earlier = self._earlier_reports(claimed) if claimed else None
            if cancelled.is_set():
                raise ValidationCancelledError("the validation was cancelled before it started")
            outcome = validator.validate(report, earlier_reports=earlier, today=received.date(), cancelled=cancelled)
            return Checked(report, outcome, received, content_hash)

        return self.gate.run(job_in_process, client=client, cancel=cancel)

    def _earlier_reports(self, key: ReportKey) -> Graph:
        """The current reports of ``key``'s organisation for the years before it: what plausibility compares."""
        return self.archive.current_reports(key.organisation, key.year)

    def submit(
        self,
        body: bytes,
        media_type: str,
        organisation: URIRef,
        *,
        client: str | None = None,
        cancel: threading.Event | None = None,
    ) -> Receipt:
        """Validate an upload made with ``organisation``'s token and store it as that report's next version.

        Raises :class:`PermissionDeniedError` when the report is another organisation's and
        :class:`ReportRejectedError` when it does not conform; in both cases nothing is stored.
        """
        if self.read_only:
            raise PermissionDeniedError("this service is read-only (IPGRAPH_READ_ONLY); reports cannot be submitted")
        checked = self.check(body, media_type, client=client, cancel=cancel)
        outcome = checked.outcome
        claimed = claimed_key(checked.report)
        if claimed is not None and claimed.organisation != organisation:
            raise PermissionDeniedError(
                f"this token submits for {organisation} only; the report is from {claimed.organisation}"
            )
        if not outcome.conforms:
            raise ReportRejectedError(outcome)
        if claimed is None or outcome.report is None:
            # Conforming reports name their organisation and year (the shapes require both).
            raise ReportRejectedError(outcome)
        key = ReportKey(organisation, check_year(claimed.year))
        node = outcome.report
        with self._lock_for(key):
            # In-process only: it spares threads of one process the store-level claim race, which still
            # decides between processes (ipgraph.reports.version_claims).
            stored = self.archive.add_version(
                key,
                lambda version: prepare_version(checked.report, node, key, version, checked.received_at),
                submitted_at=checked.received_at,
                content_hash=checked.content_hash,
                shapes_version=outcome.shapes_version,
            )
        warnings = sum(1 for issue in outcome.issues if issue.severity != "violation")
        receipt = Receipt(stored, warnings)
        try:
            self.journal.append(receipt)
        except OSError as error:
            # The version is committed: the store is the record, the journal a convenience. Refusing now would
            # tell the sender the report was not received when it was.
            logger.warning("receipt for %s not journalled: %s", stored.graph, error)
        return receipt

    def _lock_for(self, key: ReportKey) -> threading.Lock:
        with self._key_locks_lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def close(self) -> None:
        """Release the validation workers."""
        self.gate.close()
        if self.pool is not None:
            self.pool.close()
