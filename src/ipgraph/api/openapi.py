"""The OpenAPI description with one operation id per path and method, as the OpenAPI specification requires.

FastAPI names an operation after its route, so a route serving several methods (``GET`` and ``HEAD``, or the Graph
Store's five) yields the same id several times: clients generated from the description (and fuzzers such as
schemathesis) then confuse the operations, and FastAPI warns on every build. The ids are rewritten as
``{method}_{path}``, unique by construction.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from fastapi import FastAPI

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def operation_id(method: str, path: str) -> str:
    """``get_doc__path_`` for ``GET /doc/{path}``: the method and the path with every non-word character as ``_``."""
    return re.sub(r"\W", "_", f"{method.lower()}{path}")


def install_unique_operation_ids(app: FastAPI) -> None:
    """Make ``app.openapi()`` answer a description whose operation ids are unique (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Duplicate Operation ID", UserWarning)
                schema = build()
            for path, item in schema.get("paths", {}).items():
                for method, operation in item.items():
                    if method in _HTTP_METHODS and isinstance(operation, dict):
                        operation["operationId"] = operation_id(method, path)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
