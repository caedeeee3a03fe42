"""The URLs this service gives out for itself, never read from a Host header an attacker could choose.

Links in descriptions (the service description, VoID, ``/queries``) use ``public_url`` when it is set; without it
they follow the request's root, whose host the app factory's ``TrustedHostMiddleware`` has already checked against
``trusted_hosts`` (any other host is answered 400 before a router runs). The IRIs of graphs created or named
through the Graph Store are data that outlives the request, so they never depend on the request at all: they
come from ``public_url``, else from the address ``ipgraph serve`` listens on.
"""

from __future__ import annotations

from starlette.requests import Request

from ipgraph.settings import Settings

#: Listening on every interface says nothing about the name clients use; the loopback name is the honest default.
_WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - recognised here, not bound to


def public_root(request: Request, settings: Settings) -> str:
    """The service's root URL for links, ending in ``/``: ``public_url``, else the (trusted) request's root."""
    if settings.public_url:
        return settings.public_url.rstrip("/") + "/"
    return str(request.base_url)


def own_root(settings: Settings) -> str:
    """The service's root URL from settings alone, ending in ``/``: ``public_url``, else ``http://host:port/``.

    >>> own_root(Settings(host="0.0.0.0", port=8080))
    'http://127.0.0.1:8080/'
    >>> own_root(Settings(public_url="https://ipgraph.example.org"))
    'https://ipgraph.example.org/'
    """
    if settings.public_url:
        return settings.public_url.rstrip("/") + "/"
    host = "127.0.0.1" if settings.host in _WILDCARD_HOSTS else settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/"


def relative_iri_base(settings: Settings) -> str:
    """The base of relative IRIs in queries and updates: the SPARQL endpoint at :func:`own_root` (SPARQL 1.1
    Protocol §2.1.1 lets the base be the service endpoint), so what an update stores never depends on Host."""
    return own_root(settings) + "sparql"
