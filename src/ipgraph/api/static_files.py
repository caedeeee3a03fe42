"""The site's own static assets (style sheets, the editor and API-docs bundles built by ``make web``), served
from ``/static`` so no page loads anything from a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

#: ``ipgraph/static``: what ``/static`` serves.
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: The query page's editor, bundled from npm packages (``make web``); the page works without it.
EDITOR_BUNDLE = STATIC_DIR / "query-editor.js"


def mount_static(app: FastAPI) -> None:
    """Serve ``ipgraph/static`` at ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
