"""Who may write: a bearer token (RFC 6750) for SPARQL update and Graph Store writes; reads are public.

The presented token is compared with ``settings.admin_token`` in constant time and is never logged, echoed or
put in an error message. Read-only mode refuses every write whatever the token.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from ipgraph.api.deps import SettingsDep
from ipgraph.errors import AuthenticationError, PermissionDeniedError
from ipgraph.settings import Settings


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or ``None`` when there is none."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


#: ``app.state`` attribute holding the secret ``ipgraph serve`` wrote to its runtime file for this run only, so
#: that the command line of the same machine can write through the service (``ipgraph load`` beside it).
LOCAL_TOKEN_STATE = "local_admin_token"  # noqa: S105 - an attribute name, not a secret


def check_write_access(authorization: str | None, settings: Settings, local_token: str = "") -> None:
    """Raise unless this request may write: 403 in read-only mode, 401 without a token, 403 with a wrong one.

    ``local_token`` (the running service's per-run secret, readable only by its owner) also allows writing.
    """
    if settings.read_only:
        raise PermissionDeniedError("this service is read-only (IPGRAPH_READ_ONLY); writes are refused")
    token = bearer_token(authorization)
    if token is None:
        raise AuthenticationError("writing needs an 'Authorization: Bearer <token>' header")
    presented = token.encode("utf-8")
    if local_token and hmac.compare_digest(presented, local_token.encode("utf-8")):
        return
    if not settings.admin_token:
        raise PermissionDeniedError("writes are disabled: the operator has set no IPGRAPH_ADMIN_TOKEN")
    if not hmac.compare_digest(presented, settings.admin_token.encode("utf-8")):
        raise PermissionDeniedError("the bearer token does not allow writing")


def check_request_write_access(request: Request) -> None:
    """:func:`check_write_access` for a request to this application (its settings and per-run secret)."""
    check_write_access(
        request.headers.get("authorization"),
        request.app.state.settings,
        getattr(request.app.state, LOCAL_TOKEN_STATE, ""),
    )


def require_write_access(request: Request, settings: SettingsDep) -> None:
    """Dependency form of :func:`check_write_access`."""
    local_token = getattr(request.app.state, LOCAL_TOKEN_STATE, "")
    check_write_access(request.headers.get("authorization"), settings, local_token)


WriteAccess = Annotated[None, Depends(require_write_access)]
