"""What the report routes share: the bearer-token check and the validation limits turned into HTTP answers."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from ipgraph.api.auth import bearer_token
from ipgraph.api.body import read_body
from ipgraph.api.problems import RETRY_AFTER_SECONDS
from ipgraph.errors import (
    AuthenticationError,
    HttpStatusError,
    IpgraphError,
    ReportTooLargeError,
    TooManyValidationsError,
    ValidationBusyError,
    ValidationTimeoutError,
    ValidationWorkerError,
)
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings

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
    """Await a validation job, turning the gate's refusals into 503 (429 for one client's share) with
    ``Retry-After``, and a report over the size limits into 413."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        return await pending
    except (ValidationBusyError, ValidationTimeoutError, ValidationWorkerError) as error:
        raise HttpStatusError(503, str(error), headers=retry) from None
    except TooManyValidationsError as error:
        raise HttpStatusError(429, str(error), headers=retry) from None
    except ReportTooLargeError as error:
        raise HttpStatusError(413, str(error)) from None


async def read_report_body(request: Request, settings: Settings) -> bytes:
    """A report upload, refused with 413 beyond the smaller of the body and report limits."""
    if settings.max_report_bytes <= settings.max_body_bytes:
        return await read_body(request, settings.max_report_bytes, "IPGRAPH_MAX_REPORT_BYTES")
    return await read_body(request, settings.max_body_bytes)


async def run_validation(
    request: Request, work: Callable[[str | None, threading.Event], T], *, anonymous: bool = True
) -> T:
    """Run ``work(client, cancel)`` in a worker thread within the validation limits.

    ``client`` is the address an anonymous request came from (its share of the slots is bounded); a request
    made with an organisation's token passes ``None``: organisations are accountable, and many of them may reach
    the service through one office gateway. When the client disconnects before the answer, ``cancel`` is set: the
    validation stops and frees its slot instead of computing an answer nobody will read.
    """
    cancel = threading.Event()
    client = request.client.host if request.client and anonymous else None
    job = asyncio.ensure_future(run_limited(run_in_threadpool(work, client, cancel)))
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait((job, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if not job.done():
        cancel.set()
        with contextlib.suppress(IpgraphError):  # whatever the stopped job says, nobody is there to read it
            await job
        raise HttpStatusError(
            503,
            "the client closed the connection before the answer; the validation stopped",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return job.result()


async def _disconnected(request: Request) -> None:
    """Return when the client has closed the connection (the body has been read: the next message says so)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
