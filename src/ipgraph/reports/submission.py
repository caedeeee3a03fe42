"""Checking and accepting reports: parse, validate within limits, then store a new version atomically.

Limits (settings): at most ``max_concurrent_validations`` parse-and-validate jobs run at once; a request that
finds no free slot within ``validation_timeout`` seconds is refused (503, Retry-After), and a job that runs past
``validation_timeout`` is answered with a clear error. pyshacl cannot be interrupted, so an overrunning job keeps
its slot until it ends: the cap holds even then.

Version numbers: a lock per organisation and year serialises "find the latest version, store the next one"
within this process, so concurrent resubmissions get distinct numbers. Two processes writing one store (two
``ipgraph serve`` on one remote SPARQL server) are not coordinated; run one writer (docs/submitting-reports.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.term import Literal, Node

from ipgraph.errors import PermissionDeniedError, ReportRejectedError, ValidationBusyError, ValidationTimeoutError
from ipgraph.reports.receipts import Receipt, ReceiptJournal
from ipgraph.reports.storage import (
    ReportArchive,
    ReportKey,
    check_year,
    iter_report_nodes,
    prepare_version,
)
from ipgraph.reports.upload import as_received
from ipgraph.reports.validation import ReportValidator, ValidationOutcome, parse_report
from ipgraph.settings import Settings
from ipgraph.store.base import Store
from ipgraph.vocab import IPG

T = TypeVar("T")
logger = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Checked:
    """A parsed, validated upload: the graph as sent and what validation found."""

    report: Graph
    outcome: ValidationOutcome
    received_at: dt.datetime
    content_hash: str


@dataclass(frozen=True)
class SubmissionLimits:
    """How much validation the service does at once, and for how long."""

    max_concurrent: int = 4
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SubmissionLimits:
        """The limits the operator chose."""
        return cls(max(1, settings.max_concurrent_validations), settings.validation_timeout)


class ValidationGate:
    """At most ``max_concurrent`` jobs at once, each answered within ``timeout`` seconds."""

    def __init__(self, limits: SubmissionLimits) -> None:
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_concurrent)
        self._executor = ThreadPoolExecutor(limits.max_concurrent, thread_name_prefix="ipgraph-validation")

    def run(self, job: Callable[[], T]) -> T:
        """Run ``job`` in a validation slot and return its result (or raise its error)."""
        if not self.slots.acquire(timeout=self.limits.timeout):
            raise ValidationBusyError(
                f"all {self.limits.max_concurrent} validation slots stayed busy for {self.limits.timeout:g} s "
                "(IPGRAPH_MAX_CONCURRENT_VALIDATIONS); try again shortly"
            )
        try:
            future = self._executor.submit(job)
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            return future.result(timeout=self.limits.timeout)
        except TimeoutError:
            raise ValidationTimeoutError(
                f"parsing and validating the report took longer than {self.limits.timeout:g} s "
                "(IPGRAPH_VALIDATION_TIMEOUT); send a smaller report or ask the operator to raise the limit"
            ) from None

    def close(self) -> None:
        """Stop accepting jobs; running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class ReportService:
    """The submission workflow over one store; thread-safe, one per application."""

    def __init__(
        self,
        store: Store,
        *,
        project_dir: Path,
        data_dir: Path,
        limits: SubmissionLimits = SubmissionLimits(),
        read_only: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self.archive = ReportArchive(store)
        self.project_dir = project_dir
        self.journal = ReceiptJournal.for_data_dir(data_dir)
        self.gate = ValidationGate(limits)
        self.read_only = read_only
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._validator: ReportValidator | None = None
        self._validator_lock = threading.Lock()
        # rdflib's SPARQL parser (pyparsing) is not thread-safe, and pySHACL parses SHACL-SPARQL constraints while
        # validating: concurrent runs fail with spurious parse errors. Validation is CPU-bound Python, so the GIL
        # would serialise it anyway; parsing uploads and reading earlier reports still overlap.
        self._shacl_lock = threading.Lock()
        self._key_locks: dict[ReportKey, threading.Lock] = {}
        self._key_locks_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, store: Store) -> ReportService:
        """The service as the settings configure it."""
        return cls(
            store,
            project_dir=settings.project_dir,
            data_dir=settings.data_dir,
            limits=SubmissionLimits.from_settings(settings),
            read_only=settings.read_only,
        )

    @property
    def validator(self) -> ReportValidator:
        """The shapes and plan graphs, parsed once on first use."""
        with self._validator_lock:
            if self._validator is None:
                self._validator = ReportValidator.from_project(self.project_dir)
            return self._validator

    def check(self, body: bytes, media_type: str) -> Checked:
        """Parse and validate an upload (a dry run: nothing is stored)."""
        received = self._clock()
        validator = self.validator
        content_hash = hashlib.sha256(body).hexdigest()

        def job() -> Checked:
            report = as_received(parse_report(body, media_type))
            claimed = claimed_key(report)
            earlier = self.archive.current_reports(claimed.organisation, claimed.year) if claimed else None
            with self._shacl_lock:
                outcome = validator.validate(report, earlier_reports=earlier, today=received.date())
            return Checked(report, outcome, received, content_hash)

        return self.gate.run(job)

    def submit(self, body: bytes, media_type: str, organisation: URIRef) -> Receipt:
        """Validate an upload made with ``organisation``'s token and store it as that report's next version.

        Raises :class:`PermissionDeniedError` when the report is another organisation's and
        :class:`ReportRejectedError` when it does not conform; in both cases nothing is stored.
        """
        if self.read_only:
            raise PermissionDeniedError("this service is read-only (IPGRAPH_READ_ONLY); reports cannot be submitted")
        checked = self.check(body, media_type)
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
        with self._lock_for(key):
            versions = self.archive.versions(key.organisation, key.year)
            previous = next((item for item in reversed(versions) if item.current), None)
            version = max((item.version for item in versions), default=0) + 1
            data = prepare_version(checked.report, outcome.report, key, version, checked.received_at)
            stored = self.archive.add_version(
                key,
                version,
                data,
                submitted_at=checked.received_at,
                content_hash=checked.content_hash,
                shapes_version=outcome.shapes_version,
                previous=previous,
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


def claimed_key(report: Graph) -> ReportKey | None:
    """The organisation and year the upload's one ``ipg:AnnualReport`` names, when it names both plainly."""
    nodes = list(iter_report_nodes(report))
    if len(nodes) != 1:
        return None
    node: Node = nodes[0]
    organisations = [value for value in report.objects(node, IPG.reportingOrganization) if isinstance(value, URIRef)]
    years = [value for value in report.objects(node, IPG.reportingYear) if isinstance(value, Literal)]
    if len(organisations) != 1 or len(years) != 1:
        return None
    text = str(years[0])[:4]
    if not text.isdigit():
        return None
    return ReportKey(organisations[0], int(text))
