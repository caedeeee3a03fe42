"""HTML rendering: the Jinja2 environment of ``ipgraph/templates`` and the language every page is shown in.

Pages extend ``base.html`` (navigation, language switch, ``lang`` attribute); a router renders one with
:func:`render_page`, which picks the visitor's language and keeps a ``?lang=`` choice in a cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ipgraph import __version__
from ipgraph.publish.i18n import LANGUAGE_COOKIE, Language, choose_language, message, other_language
from ipgraph.publish.results import format_number

#: What an HTML page's content depends on: the negotiated type, and the language (cookie, then Accept-Language).
HTML_VARY = "Accept, Accept-Language, Cookie"
#: Characters a path keeps as they are (RFC 3986 pchar and "/"); everything else is percent-encoded.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
#: A year: the choice is a preference, not a secret (no HttpOnly needed, but kept to the site's path).
COOKIE_MAX_AGE = 365 * 24 * 3600


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The one Jinja2 environment for the package's templates (autoescaped, strict about undefined names)."""
    environment = Environment(
        loader=PackageLoader("ipgraph", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["version"] = __version__
    return environment


def request_language(request: Request) -> Language:
    """The language ``request`` is answered in (see :mod:`ipgraph.publish.i18n`)."""
    return choose_language(
        request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def site_path(request: Request) -> str:
    """The request's path as a link on this site: percent-encoded, with one leading ``/``. Paths such as
    ``//evil.example/x``, ``/\\evil.example/x`` or ``/%09/evil.example/x`` (browsers read ``\\`` as ``/`` and drop
    tabs) would otherwise be links to another site."""
    return "/" + quote(request.url.path, safe=PATH_SAFE).lstrip("/")


def language_switch_url(request: Request, lang: Language) -> str:
    """The current URL with ``lang`` set to the other language, other parameters kept."""
    params = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    params.append(("lang", other_language(lang)))
    return site_path(request) + "?" + urlencode(params)


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` for ``request`` in the visitor's language.

    The template gets ``lang``, ``t(key)`` for interface text, ``n(number)`` for a number written the language's
    way, ``switch_url``, ``request_path`` and ``csp_nonce`` (see :mod:`ipgraph.api.security_headers`) besides
    ``context``. A ``?lang=`` parameter is remembered in a cookie so later pages keep the choice.
    """
    lang = request_language(request)
    values: dict[str, Any] = {
        "lang": lang,
        "other_lang": other_language(lang),
        "t": lambda key: message(key, lang),
        "n": lambda value: format_number(str(value), lang),
        "switch_url": language_switch_url(request, lang),
        "request_path": site_path(request),
        # The Content-Security-Policy's per-response nonce for <style> elements a page's script writes.
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
    }
    values.update(context)
    body = template_environment().get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))
    response.headers["Content-Language"] = lang
    vary = response.headers.get("Vary")
    response.headers["Vary"] = HTML_VARY if vary is None else vary
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")
    return response
