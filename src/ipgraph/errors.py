"""The exception tree of ipgraph; every error a user can cause is one of these, with a message that says what to fix."""

from __future__ import annotations


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
