"""The exception tree of ipgraph; every error a user can cause is one of these, with a message that says what to fix.

::

    IpgraphError
    ├── SettingsError
    ├── InputError
    │   ├── QuerySyntaxError
    │   ├── RdfSyntaxError
    │   ├── ForbiddenFetchError
    │   ├── UnsupportedMediaTypeError
    │   ├── NotAcceptableError
    │   ├── WorkbookError
    │   └── ReportTooLargeError
    ├── QueryTimeoutError
    ├── QueryMemoryError
    ├── StoreUnavailableError
    ├── NotFoundError
    ├── AuthenticationError
    ├── PermissionDeniedError
    ├── ValidationFailedError
    │   └── ReportRejectedError
    ├── ValidationBusyError
    ├── ValidationTimeoutError
    ├── ValidationCancelledError
    ├── ValidationWorkerError
    ├── TooManyValidationsError
    ├── UnsupportedShapeError
    ├── RevalidationError
    ├── ReasonerUnavailableError
    └── HttpStatusError

:mod:`ipgraph.api.problems` maps them to HTTP statuses and problem details.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.reports.validation import ValidationOutcome


class IpgraphError(Exception):
    """Base of every error ipgraph raises on purpose."""


class SettingsError(IpgraphError):
    """A setting has a value ipgraph cannot use."""


class InputError(IpgraphError):
    """The caller sent something unusable: unparsable RDF or SPARQL, a wrong parameter, a missing field.

    ``line`` and ``column`` locate the problem when the parser knows where it is.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class QuerySyntaxError(InputError):
    """A SPARQL query or update does not parse."""


class RdfSyntaxError(InputError):
    """An RDF document does not parse in the format it was declared as."""


class ForbiddenFetchError(InputError):
    """The input names a remote resource (SERVICE, LOAD, remote FROM, JSON-LD context, owl:imports) that
    the operator has not allowed ipgraph to fetch."""


class UnsupportedMediaTypeError(InputError):
    """A request body's ``Content-Type`` is missing or not one this operation reads (HTTP 415)."""


class NotAcceptableError(InputError):
    """No format the client accepts can carry this answer (HTTP 406)."""


class WorkbookError(InputError):
    """An uploaded workbook cannot be read; the message (English) and ``message_vi`` say where and why."""

    def __init__(self, message_en: str, message_vi: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message_vi if lang == "vi" else str(self)


class ReportTooLargeError(InputError):
    """The upload is larger than a report may be (413): more bytes or triples than the limits allow."""


class QueryTimeoutError(IpgraphError):
    """A query or update ran past its deadline and was stopped."""


class QueryMemoryError(IpgraphError):
    """A query needed more memory than a query worker may use, and was stopped."""


class StoreUnavailableError(IpgraphError):
    """The store cannot be reached or written (remote server down, disk full, read-only data directory)."""


class NotFoundError(IpgraphError):
    """A named graph, resource, canned query or report does not exist."""


class AuthenticationError(IpgraphError):
    """No valid bearer token was presented for an operation that needs one."""


class PermissionDeniedError(IpgraphError):
    """The token is valid but does not allow this operation (read-only mode, another organisation)."""


class ValidationFailedError(IpgraphError):
    """A report does not conform to its shapes; carries the validation result for the response."""


class ReportRejectedError(ValidationFailedError):
    """The report does not conform; ``outcome`` says why. Nothing was stored."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        super().__init__("the report does not conform to the report shapes; nothing was stored")
        self.outcome = outcome


class ValidationBusyError(IpgraphError):
    """Every validation slot stayed taken for as long as a request may wait (503, try again later)."""


class ValidationTimeoutError(IpgraphError):
    """Parsing and validating one report took longer than ``validation_timeout``."""


class ValidationCancelledError(IpgraphError):
    """The validation was stopped before its end: its client went away or was already answered (503)."""


class ValidationWorkerError(IpgraphError):
    """The process validating a report stopped before it answered, or could not start (503): nothing was stored."""


class TooManyValidationsError(IpgraphError):
    """This client already runs or waits for as many validations as one client may (429, try again later)."""


class UnsupportedShapeError(IpgraphError):
    """A shape or query construct the compiler cannot translate exactly; re-validation refuses to run."""


class RevalidationError(IpgraphError):
    """Re-validation cannot give exact answers for this data (never a silent partial answer)."""


class ReasonerUnavailableError(IpgraphError):
    """No Java runtime was found to run HermiT."""


class HttpStatusError(IpgraphError):
    """A protocol-level refusal with its own status (405 wrong method, 413 body too large, …)."""

    def __init__(self, status: int, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.headers = dict(headers or {})
