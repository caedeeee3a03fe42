"""What the report routes share: the bearer-token check and the validation limits turned into HTTP answers."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from rdflib import URIRef

from ipgraph.api.auth import bearer_token
from ipgraph.api.problems import RETRY_AFTER_SECONDS
from ipgraph.errors import AuthenticationError, HttpStatusError, ValidationBusyError, ValidationTimeoutError
from ipgraph.reports.tokens import TokenRegistry

T = TypeVar("T")


def authenticate(tokens: TokenRegistry, authorization: str | None) -> URIRef:
    """The organisation whose token the ``Authorization`` header carries; 401 when none, unknown or revoked."""
    token = bearer_token(authorization)
    if token is None:
        raise AuthenticationError("submitting a report needs an 'Authorization: Bearer <token>' header")
    organisation = tokens.authenticate(token)
    if organisation is None:
        raise AuthenticationError("the bearer token is unknown or has been revoked")
    return organisation


async def run_limited(pending: Awaitable[T]) -> T:
    """Await a validation job, turning the gate's refusals into 503 with ``Retry-After``."""
    try:
        return await pending
    except (ValidationBusyError, ValidationTimeoutError) as error:
        raise HttpStatusError(503, str(error), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
